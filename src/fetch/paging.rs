//! Following a paged JSON API to its end, the way cPod's pages say where
//! they go on (and the `generic` kind's, by the same rules): a `next_cursor`
//! (`nextCursor`) sent back as `?cursor=`, a `next` URL, a `Link: <…>;
//! rel="next"` header, or `total` with `offset`/`limit` paged by `?offset=`.
//! A page seen twice, a `next` on another host, or no end are errors.

use std::collections::HashSet;

use anyhow::{bail, Context};
use reqwest::Url;

use super::Fetch;
use crate::http::Call;
use crate::payload::{page_info, skim, Body, Feed, Page};

/// A guard against a server whose pagination never ends.
const MAX_PAGES: usize = 100_000;

/// The most the pages held in memory (`pages`) may add up to.
const MAX_HELD: u64 = 4 * crate::payload::MAX_DOCUMENT;

/// How a page that is not a list envelope is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Every page is a list (bare or in an envelope): anything else is an error.
    Lists,
    /// A page may be any document: one that is not a list has no next page
    /// but the one a `Link` header names.
    Any,
}

/// Where a kind says its list goes on after a page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Next {
    /// By the pager's own rules: a cursor, a `next` URL, a `Link` header, an offset.
    Rules,
    /// This URL (relative to the page's), on the same host.
    Url(String),
    /// The first URL with these query parameters set.
    Query(Vec<(String, String)>),
    /// This was the last page.
    End,
}

/// What a kind reads in a page (its body, and how many pages came before)
/// to say where the list goes on.
pub type Steer<'s> = &'s (dyn Fn(&[u8], usize) -> anyhow::Result<Next> + Sync);

/// Where a walk through the pages is.
struct Pager<'s> {
    first: Url,
    shape: Shape,
    steer: Option<Steer<'s>>,
    seen: HashSet<String>,
    /// Pages and items read so far.
    pages: usize,
    fetched: u64,
    next: Option<Url>,
}

impl<'s> Pager<'s> {
    fn new(first: Url, shape: Shape, steer: Option<Steer<'s>>) -> Self {
        Pager { next: Some(first.clone()), first, shape, steer, seen: HashSet::new(), pages: 0, fetched: 0 }
    }

    /// The next page's body, or `None` after the last.
    async fn next(
        &mut self,
        ctx: &Fetch<'_>,
        base: &Url,
        call: &(dyn Fn(Url) -> anyhow::Result<Call> + Sync),
    ) -> anyhow::Result<Option<Vec<u8>>> {
        let Some(url) = self.next.take() else { return Ok(None) };
        if !self.seen.insert(url.to_string()) {
            bail!("pagination loops: the server sent {} again after {} pages", crate::http::shown(&url), self.pages);
        }
        if self.pages >= MAX_PAGES {
            bail!("pagination did not end after {MAX_PAGES} pages");
        }
        let reply = ctx.send(call(url.clone())?).await?;
        let link = reply.headers.get_all(reqwest::header::LINK).iter().filter_map(|v| v.to_str().ok()).find_map(link_next);
        let body = ctx.body(reply)?;
        let steered = match self.steer {
            Some(steer) => steer(&body, self.pages).with_context(|| format!("page {}", self.pages + 1))?,
            None => Next::Rules,
        };
        if steered != Next::Rules {
            self.next = match steered {
                Next::Url(href) => Some(self.same_host(&url, base, &href)?),
                Next::Query(params) => Some(with_query(&self.first, &params)),
                Next::End | Next::Rules => None,
            };
            self.pages += 1;
            return Ok(Some(body));
        }
        // The skim finds the fields without parsing the items (the parse
        // reads them anyway); what it cannot read exactly, serde does.
        let page = match skim::page_info(&body).map_or_else(|| page_info(&body), Ok) {
            Ok(page) => page,
            Err(_) if self.shape == Shape::Any => Default::default(),
            Err(e) => return Err(e).with_context(|| format!("page {}", self.pages + 1)),
        };
        let got = page.items;
        self.next = if let Some(cursor) = page.next_cursor.filter(|c| !c.is_empty()) {
            let mut u = self.first.clone();
            u.query_pairs_mut().append_pair("cursor", &cursor);
            Some(u)
        } else if let Some(href) = page.next.filter(|n| !n.is_empty()).or(link) {
            Some(self.same_host(&url, base, &href)?)
        } else if let (Some(total), true) = (page.total, page.offset.is_some() || page.limit.is_some()) {
            let offset = page.offset.unwrap_or(self.fetched) + got;
            if got > 0 && offset < total {
                let mut u = self.first.clone();
                u.query_pairs_mut().append_pair("offset", &offset.to_string());
                if let Some(limit) = page.limit {
                    u.query_pairs_mut().append_pair("limit", &limit.to_string());
                }
                Some(u)
            } else {
                None
            }
        } else {
            None
        };
        self.fetched += got;
        self.pages += 1;
        Ok(Some(body))
    }

    /// `href` read against the page's URL, refused on another host.
    fn same_host(&self, url: &Url, base: &Url, href: &str) -> anyhow::Result<Url> {
        let u = url.join(href).with_context(|| format!("the next page's address {href:?} is not a URL"))?;
        if u.origin() != base.origin() {
            bail!(
                "the next page {} is on another host: not followed, so that the token stays with {}",
                crate::http::shown(&u),
                base.origin().ascii_serialization()
            );
        }
        Ok(u)
    }
}

/// `url` with each of `params` set (replacing the parameter of that name).
fn with_query(url: &Url, params: &[(String, String)]) -> Url {
    let mut u = url.clone();
    let kept: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| !params.iter().any(|(p, _)| p == k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    u.set_query(None);
    {
        let mut q = u.query_pairs_mut();
        for (k, v) in kept.iter().chain(params) {
            q.append_pair(k, v);
        }
    }
    if u.query() == Some("") {
        u.set_query(None);
    }
    u
}

/// Every page, from `first`, each request made by `call` (the method,
/// headers and credentials of the source), held in memory: for documents
/// that are few and small (a license list, a kind's jq input).
pub async fn pages(
    ctx: &Fetch<'_>,
    base: &Url,
    first: Url,
    shape: Shape,
    steer: Option<Steer<'_>>,
    call: &(dyn Fn(Url) -> anyhow::Result<Call> + Sync),
) -> anyhow::Result<Vec<Body>> {
    let mut pager = Pager::new(first, shape, steer);
    let mut pages = Vec::new();
    let mut held = 0u64;
    while let Some(body) = pager.next(ctx, base, call).await? {
        held += body.len() as u64;
        if held > MAX_HELD {
            bail!(
                "the pages passed {} MiB after {} pages: refused (an API that never stops paging, or a list too long to hold)",
                MAX_HELD >> 20,
                pages.len() + 1
            );
        }
        pages.push(Body::Bytes(body));
    }
    Ok(pages)
}

/// The pages of a long list, streamed: fetched in the background, one page
/// ahead of the parse that reads them (`Body::Incoming`), so that memory
/// holds a page or two however long the list. The fetcher stops when the
/// parse is gone, and its waits for the parse do not count against the
/// source's deadline (sources' holders are parsed one after the other).
pub fn stream(ctx: &Fetch<'_>, base: Url, first: Url, call: impl Fn(Url) -> anyhow::Result<Call> + Send + Sync + 'static) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    let http = ctx.http.clone();
    let source = ctx.source.clone();
    let (timeout, want_holders, mut ends, sent) = (ctx.timeout, ctx.want_holders, ctx.ends, ctx.sent.clone());
    tokio::spawn(async move {
        let mut pager = Pager::new(first, Shape::Lists, None);
        let failed = loop {
            let ctx = Fetch { http: &http, source: source.clone(), timeout, want_holders, ends, sent: sent.clone() };
            let page = match tokio::time::timeout_at(ends, pager.next(&ctx, &base, &call)).await {
                Ok(Ok(Some(body))) => Page::Data(body),
                Ok(Ok(None)) => Page::End,
                Ok(Err(e)) => break crate::report::message(&e),
                Err(_) => {
                    let deadline = source.spelling().key("deadline");
                    break format!("no answer within the source's deadline ({deadline} sets it, 3 × the timeout by default)");
                }
            };
            let end = matches!(page, Page::End);
            let waiting = tokio::time::Instant::now();
            if tx.send(page).await.is_err() || end {
                // The parse is done (or gave up): nothing more to fetch.
                return;
            }
            ends += waiting.elapsed();
        };
        let _ = tx.send(Page::Failed(failed)).await;
    });
    Body::Incoming(Feed::new(rx))
}

/// The target of `rel="next"` in a `Link` header.
fn link_next(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p == "rel=\"next\"" || p == "rel=next"
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        assert_eq!(link_next(r#"<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last""#), Some("https://a/x?page=2".into()));
        assert_eq!(link_next(r#"<https://a/x?page=1>; rel="prev""#), None);
        assert_eq!(link_next("</p3>; rel=next"), Some("/p3".into()));
    }
}
