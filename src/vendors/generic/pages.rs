//! How a `generic` source walks an API's pages, and what a page says that the
//! source must not miss: where the list goes on (`next`, `next_query`, page
//! numbers with `last`), a next-page marker it does not follow (never a
//! partial count), and an error the API answers under HTTP 200.

use jaq_json::Val;
use serde_json::Value;

use super::jq::Jq;
use crate::fetch::paging::Next;
use crate::spelling::Spelling;

/// A next-page marker APIs put in their pages: where they put it, and the
/// setting (and its value) that follows it.
struct Marker {
    path: &'static [&'static str],
    name: &'static str,
    key: &'static str,
    value: &'static str,
}

const fn marker(path: &'static [&'static str], name: &'static str, key: &'static str, value: &'static str) -> Marker {
    Marker { path, name, key, value }
}

/// The next-page markers (docs/reference.md, generic).
const MARKERS: &[Marker] = &[
    marker(&["@odata.nextLink"], "`@odata.nextLink`", "next", ".\"@odata.nextLink\""),
    marker(&["nextLink"], "`nextLink`", "next", ".nextLink"),
    marker(&["nextPageToken"], "`nextPageToken`", "next_query", "{pageToken: .nextPageToken}"),
    marker(&["next_page_token"], "`next_page_token`", "next_query", "{next_page_token: .next_page_token}"),
    marker(&["next_cursor"], "`next_cursor`", "next_query", "{cursor: .next_cursor}"),
    marker(&["response_metadata", "next_cursor"], "`response_metadata.next_cursor`", "next_query", "{cursor: .response_metadata.next_cursor}"),
    marker(&["links", "next"], "`links.next`", "next", ".links.next"),
    marker(&["paging", "next"], "`paging.next`", "next", ".paging.next"),
];

/// The value at `path` in a document.
fn at<'v>(doc: &'v Val, path: &[&str]) -> Option<&'v Val> {
    path.iter().try_fold(doc, |v, key| match v {
        Val::Obj(map) => map.get(&Val::utf8_str(key.to_string())),
        _ => None,
    })
}

/// A marker's value says there is a next page: a non-empty string, an object
/// (`paging.next: {after: …}`) or `true`.
fn says_more(v: &Val) -> bool {
    match v {
        Val::TStr(s) | Val::BStr(s) => !s.is_empty(),
        Val::Obj(map) => !map.is_empty(),
        Val::Bool(b) => *b,
        _ => false,
    }
}

/// The next-page marker the last page still carries, and how to set the
/// key that follows it: a list read no further than that page is a partial count.
pub fn unfollowed(last_page: &Val, spelling: Spelling) -> Option<(&'static str, String)> {
    MARKERS.iter().find(|m| at(last_page, m.path).is_some_and(says_more)).map(|m| (m.name, spelling.set(m.key, m.value)))
}

/// The error a page answers under HTTP 200: what `error` yields (a string, or
/// anything but `null`/`false`), else Slack's `{"ok": false, "error": …}` and
/// Graph's and Google's `{"error": {"code", "message"}}`.
pub fn api_error(page: &Val, error: Option<&Jq>) -> Result<Option<String>, String> {
    if let Some(jq) = error {
        for out in jq.run(page.clone()) {
            match out? {
                Value::Null | Value::Bool(false) => {}
                Value::String(s) => return Ok(Some(s)),
                other => return Ok(Some(other.to_string())),
            }
        }
        return Ok(None);
    }
    let text = |v: Option<&Val>| match v {
        Some(Val::TStr(s)) => Some(String::from_utf8_lossy(s).into_owned()),
        _ => None,
    };
    if matches!(at(page, &["ok"]), Some(Val::Bool(false))) {
        return Ok(Some(text(at(page, &["error"])).unwrap_or_else(|| "ok: false".into())));
    }
    if let Some(Val::Obj(_)) = at(page, &["error"]) {
        let code = text(at(page, &["error", "code"])).or_else(|| text(at(page, &["error", "status"])));
        let message = text(at(page, &["error", "message"]));
        return Ok(Some(match (code, message) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (c, m) => m.or(c).unwrap_or_else(|| "an error object".into()),
        }));
    }
    Ok(None)
}

/// How the source pages, from its keys.
pub struct Paging<'s> {
    pub next: Option<&'s Jq>,
    pub next_query: Option<&'s Jq>,
    /// `page_param`, or `{page}` in the URL (`template`), with `last`.
    pub page_param: Option<&'s str>,
    pub template: Option<&'s str>,
    pub first_page: u64,
    pub last: Option<&'s Jq>,
    /// How messages name the paging settings.
    pub spelling: Spelling,
}

impl Paging<'_> {
    /// Where the list goes on after `page` (the `index`-th, from 0).
    pub fn next(&self, page: &Val, index: usize) -> Result<Next, String> {
        if let Some(jq) = self.next {
            return match first(jq, page)? {
                Value::Null | Value::Bool(false) => Ok(Next::End),
                Value::String(s) if s.is_empty() => Ok(Next::End),
                Value::String(s) => Ok(Next::Url(s)),
                other => Err(format!("{} yielded {other}, not a URL or null", self.spelling.key("next"))),
            };
        }
        if let Some(jq) = self.next_query {
            return match first(jq, page)? {
                Value::Null | Value::Bool(false) => Ok(Next::End),
                Value::Object(map) => {
                    let mut params = Vec::new();
                    for (k, v) in map {
                        match v {
                            // A parameter without a value is the end (Slack's last `next_cursor` is "").
                            Value::Null => return Ok(Next::End),
                            Value::String(s) if s.is_empty() => return Ok(Next::End),
                            Value::String(s) => params.push((k, s)),
                            Value::Number(n) => params.push((k, n.to_string())),
                            Value::Bool(b) => params.push((k, b.to_string())),
                            other => {
                                return Err(format!("{} yielded {other} for `{k}`, not a string or number", self.spelling.key("next_query")))
                            }
                        }
                    }
                    Ok(Next::Query(params))
                }
                other => Err(format!("{} yielded {other}, not an object of query parameters or null", self.spelling.key("next_query"))),
            };
        }
        if self.page_param.is_some() || self.template.is_some() {
            match self.last.map(|jq| first(jq, page)).transpose()? {
                Some(Value::Bool(true)) => return Ok(Next::End),
                Some(Value::Bool(false) | Value::Null) | None => {}
                Some(other) => return Err(format!("{} yielded {other}, not true or false", self.spelling.key("last"))),
            }
            let n = (self.first_page + index as u64 + 1).to_string();
            return Ok(match (self.template, self.page_param) {
                (Some(t), _) => Next::Url(t.replace("{page}", &n)),
                (None, Some(p)) => Next::Query(vec![(p.to_string(), n)]),
                (None, None) => Next::End,
            });
        }
        Ok(Next::Rules)
    }
}

/// The first value a filter yields (null when none).
fn first(jq: &Jq, page: &Val) -> Result<Value, String> {
    jq.run(page.clone()).into_iter().next().unwrap_or(Ok(Value::Null))
}
