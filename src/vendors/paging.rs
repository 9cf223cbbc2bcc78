//! Following a paged JSON API to its end, the way cPod's pages say where
//! they go on (and the `generic` kind's, by the same rules): a `next_cursor`
//! (`nextCursor`) sent back as `?cursor=`, a `next` URL, a `Link: <…>;
//! rel="next"` header, or `total` with `offset`/`limit` paged by `?offset=`.
//! A page seen twice, a `next` on another host, or no end are errors.

use std::collections::HashSet;

use anyhow::{bail, Context};
use reqwest::Url;

use super::wire::page_info;
use super::Body;
use crate::fetch::Fetch;
use crate::http::Call;

/// A guard against a server whose pagination never ends.
const MAX_PAGES: usize = 100_000;

/// How a page that is not a list envelope is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Every page is a list (bare or in an envelope): anything else is an error.
    Lists,
    /// A page may be any document: one that is not a list has no next page
    /// but the one a `Link` header names.
    Any,
}

/// Every page, from `first`, each request made by `call` (the method,
/// headers and credentials of the source).
pub async fn pages(
    ctx: &Fetch<'_>,
    base: &Url,
    first: Url,
    shape: Shape,
    call: &(dyn Fn(Url) -> anyhow::Result<Call> + Sync),
) -> anyhow::Result<Vec<Body>> {
    let mut pages = Vec::new();
    let mut seen = HashSet::new();
    let mut fetched = 0u64;
    let mut next = Some(first.clone());
    while let Some(url) = next.take() {
        if !seen.insert(url.to_string()) {
            bail!("pagination loops: the server sent {} again after {} pages", crate::http::shown(&url), pages.len());
        }
        if pages.len() >= MAX_PAGES {
            bail!("pagination did not end after {MAX_PAGES} pages");
        }
        let reply = ctx.send(call(url.clone())?).await?;
        let link = reply.headers.get_all(reqwest::header::LINK).iter().filter_map(|v| v.to_str().ok()).find_map(link_next);
        let body = ctx.body(reply)?;
        let page = match page_info(&body) {
            Ok(page) => page,
            Err(_) if shape == Shape::Any => Default::default(),
            Err(e) => return Err(e).with_context(|| format!("page {}", pages.len() + 1)),
        };
        let got = page.items;
        next = if let Some(cursor) = page.next_cursor.filter(|c| !c.is_empty()) {
            let mut u = first.clone();
            u.query_pairs_mut().append_pair("cursor", &cursor);
            Some(u)
        } else if let Some(href) = page.next.filter(|n| !n.is_empty()).or(link) {
            let u = url.join(&href).with_context(|| format!("`next` {href:?} is not a URL"))?;
            if u.origin() != base.origin() {
                bail!(
                    "`next` page {} is on another host: not followed, so that the token stays with {}",
                    crate::http::shown(&u),
                    base.origin().ascii_serialization()
                );
            }
            Some(u)
        } else if let (Some(total), true) = (page.total, page.offset.is_some() || page.limit.is_some()) {
            let offset = page.offset.unwrap_or(fetched) + got;
            if got > 0 && offset < total {
                let mut u = first.clone();
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
        fetched += got;
        pages.push(Body::Bytes(body));
    }
    Ok(pages)
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
