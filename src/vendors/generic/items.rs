//! A filter of the shape `.path[] | rest` over one document, run item by
//! item on every core: the document is checked and cut by serde_json
//! (borrowed, nothing copied), each item read into jq values alone and
//! `rest` run on it. The outputs, their order and the errors are those of
//! the whole filter over the whole document; anything this path does not
//! read the same way (the list not an array, an item jaq's reader refuses)
//! hands the document back to it.
//!
//! Where `rest` is a plain projection ([`Projection`]: members picked by
//! path, literals) it runs without jq at all, in licusage itself (it cannot
//! loop or grow, so it needs no worker): each item's wanted members picked
//! from its text, the outputs built as JSON directly. An item it cannot
//! answer for as jq would hands the document to jq.

use serde_json::value::RawValue;
use serde_json::Value;

use super::jq::Jq;
use super::pages;
use super::projection::Projection;
use crate::payload::{Body, PayloadError, MAX_DOCUMENT};
use crate::spelling::Spelling;

/// What `rest` yields over the document's items, or `None` to read it the
/// whole way. `saved`: the document is a saved file (or stdin), not a
/// fetched page.
pub fn map(body: &Body, path: &[String], rest: &Jq, spelling: Spelling, saved: bool) -> Option<Result<Vec<Value>, PayloadError>> {
    with_items(body, path, spelling, saved, ONE, |items, top| {
        let outputs = run_all(items, rest)?;
        let mut records = Vec::with_capacity(outputs.len());
        for out in outputs {
            match out {
                Ok(v) => records.push(v),
                Err(e) => return Some(Err(PayloadError::Vendor(format!("{e}{}", super::top_keys(top))))),
            }
        }
        Some(Ok(records))
    })
}

/// Which page a document is of how many (`ONE`: a document alone).
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub index: usize,
    pub of: usize,
}

pub const ONE: Page = Page { index: 0, of: 1 };

/// A page's projection: its outputs made, or the first that `make`
/// refused (`Ok(Err(…))`); `Err(…)`: the page itself is the error (the API
/// answered one, or the last page has a next one), which jq would say
/// before any output's.
pub type Projected<T> = Result<Result<Vec<T>, PayloadError>, PayloadError>;

/// What a projection yields over the document's items, each output made
/// into a `T` by `make` (given its place among the outputs, from 0) on the
/// thread that projected it, so that no output is held as JSON for long.
/// `None` where an item is not answered for as jq would: jq then reads the
/// whole document (and says first what it says first). Else the first
/// output `make` refuses, in order, is the error.
pub fn project<T: Send>(
    body: &Body,
    path: &[String],
    projection: &Projection,
    spelling: Spelling,
    saved: bool,
    page: Page,
    make: &(dyn Fn(usize, Value) -> Result<T, PayloadError> + Sync),
) -> Option<Projected<T>> {
    with_items(body, path, spelling, saved, page, |items, _| {
        let parts = on_every_core(items, |offset, chunk| -> Option<Result<Vec<T>, PayloadError>> {
            let mut made = Vec::with_capacity(chunk.len());
            let mut refused = None;
            for (i, item) in chunk.iter().enumerate() {
                // Every item is projected: one jq would fail on comes first.
                let value = projection.apply(item)?;
                if refused.is_none() {
                    match make(offset + i, value) {
                        Ok(t) => made.push(t),
                        Err(e) => refused = Some(e),
                    }
                }
            }
            Some(match refused {
                Some(e) => Err(e),
                None => Ok(made),
            })
        });
        let mut all = Vec::with_capacity(items.len());
        let mut first_refused = None;
        for part in parts {
            match part? {
                Ok(made) if first_refused.is_none() => all.extend(made),
                Ok(_) => {}
                Err(e) => {
                    first_refused.get_or_insert(e);
                }
            }
        }
        Some(Ok(match first_refused {
            Some(e) => Err(e),
            None => Ok(all),
        }))
    })
}

/// The items of the list at `path` of a one-document body, given to `run`
/// with the rest of the document (as jq values) once the page has been
/// checked for an API error (named by its page where there are several, as
/// the worker names it) and, the last page, for an unfollowed next page.
fn with_items<R>(
    body: &Body,
    path: &[String],
    spelling: Spelling,
    saved: bool,
    page: Page,
    run: impl FnOnce(&[&RawValue], &jaq_json::Val) -> Option<Result<R, PayloadError>>,
) -> Option<Result<R, PayloadError>> {
    let bytes = match body {
        Body::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
        Body::File(p) if std::fs::metadata(p).ok()?.len() <= MAX_DOCUMENT => std::borrow::Cow::Owned(std::fs::read(p).ok()?),
        _ => return None,
    };
    let text = bytes.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(&bytes);
    if crate::payload::too_deep(text).is_some() {
        return None;
    }
    let doc: &RawValue = serde_json::from_slice(text).ok()?;
    let (skeleton, list) = cut(doc, path)?;
    let items: Vec<&RawValue> = serde_json::from_str(list.get()).ok()?;
    // What the page says around the list: an error under HTTP 200, a next page.
    let top = jaq_json::read::parse_single(skeleton.as_bytes()).ok()?;
    // jq reads the whole page before it says the page's own error: one it
    // may refuse to read (a lone surrogate escape) is left to it.
    let page_error = |e: PayloadError| if super::projection::surrogate_escape(text) { None } else { Some(Err(e)) };
    if let Some(e) = pages::api_error(&top, None).ok().flatten() {
        let on_page = if page.of > 1 { format!("page {}: ", page.index + 1) } else { String::new() };
        return page_error(PayloadError::Vendor(format!("{on_page}the API answered an error: {e}")));
    }
    if let Some((marker, set)) = pages::unfollowed(&top, spelling).filter(|_| page.index + 1 == page.of) {
        let what = if saved { "this document is one page of a longer list" } else { "the source does not follow it" };
        return page_error(PayloadError::Vendor(format!("the last page read has a next page ({marker}): {what}: {set}")));
    }
    run(&items, &top)
}

/// `run` on the items in a chunk per core (given each chunk's offset), the
/// chunks' answers in order.
fn on_every_core<'i, T: Send>(items: &'i [&'i RawValue], run: impl Fn(usize, &'i [&'i RawValue]) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
    if threads == 1 || items.len() < 256 {
        return vec![run(0, items)];
    }
    let per = items.len().div_ceil(threads).max(1);
    let run = &run;
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(per).enumerate().map(|(n, chunk)| s.spawn(move || run(n * per, chunk))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

/// The document's text with the list at `path` emptied (keys in their
/// order, values as written), and the list: `None` when a step is not an
/// object holding the next key once.
fn cut<'a>(doc: &'a RawValue, path: &[String]) -> Option<(String, &'a RawValue)> {
    let (key, deeper) = path.split_first()?;
    let members: Vec<(String, &RawValue)> = serde_json::from_str::<Ordered>(doc.get()).ok()?.0;
    // A key given twice: jq keeps the last; leave that to the whole reading.
    if members.iter().filter(|(k, _)| k == key).count() != 1 {
        return None;
    }
    let mut skeleton = String::from("{");
    let mut list = None;
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            skeleton.push(',');
        }
        skeleton.push_str(&serde_json::to_string(k).ok()?);
        skeleton.push(':');
        if k == key {
            let (inner, found) = match deeper.is_empty() {
                true => ("[]".to_string(), *v),
                false => cut(v, deeper)?,
            };
            skeleton.push_str(&inner);
            list = Some(found);
        } else {
            skeleton.push_str(v.get());
        }
    }
    skeleton.push('}');
    Some((skeleton, list?))
}

/// An object's members in order, values unread.
struct Ordered<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Ordered<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Ordered<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut members = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                    members.push((k, v));
                }
                Ok(Ordered(members))
            }
        }
        d.deserialize_map(Members)
    }
}

/// `rest` on every item, in order, on every core; `None` when an item does
/// not read as jq values (the whole reading says why).
fn run_all(items: &[&RawValue], rest: &Jq) -> Option<Vec<Result<Value, String>>> {
    let parts = on_every_core(items, |_, chunk| -> Option<Vec<Result<Value, String>>> {
        let mut out = Vec::with_capacity(chunk.len());
        for item in chunk {
            let results = rest.run(jaq_json::read::parse_single(item.get().as_bytes()).ok()?);
            let failed = results.iter().any(Result::is_err);
            out.extend(results);
            if failed {
                break;
            }
        }
        Some(out)
    });
    let mut all = Vec::with_capacity(items.len());
    for part in parts {
        let part = part?;
        let failed = part.iter().any(Result::is_err);
        all.extend(part);
        if failed {
            break;
        }
    }
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole filter over the whole document: its outputs up to the first
    /// error, and that error as the source says it.
    fn whole(doc: &[u8], jq: &Jq) -> Option<(Vec<Value>, Option<String>)> {
        let whole = super::super::document(&Body::Bytes(doc.to_vec())).ok()?;
        let mut expected = Vec::new();
        for (out, _) in super::super::outputs(jq, std::slice::from_ref(&whole)) {
            match out {
                Ok(v) => expected.push(v),
                Err(e) => return Some((expected, Some(format!("{e}{}", super::super::top_keys(&whole))))),
            }
        }
        Some((expected, None))
    }

    /// `code` as a projection over `doc`'s items, where it is one.
    fn projected(doc: &[u8], code: &str) -> Option<Result<Vec<Value>, PayloadError>> {
        let (path, rest) = super::super::jq::split_over_items(code)?;
        let projection = Projection::parse(rest)?;
        project(&Body::Bytes(doc.to_vec()), &path, &projection, Spelling::Keys, true, ONE, &|_, v| Ok(v)).map(|page| page.and_then(|made| made))
    }

    /// A projection answers as jq does, or not at all.
    fn same_as_jq(doc: &[u8], code: &str) -> bool {
        let Some(fast) = projected(doc, code) else { return false };
        let Ok(jq) = Jq::compile(code) else { unreachable!("{code}") };
        let Some((expected, error)) = whole(doc, &jq) else { unreachable!("{code}: the projection read a document jq does not") };
        match (fast, error) {
            (Err(e), _) if e.to_string().contains("next page") || e.to_string().contains("answered an error") => {}
            (Ok(got), None) => assert_eq!(got, expected, "{code} over {}", String::from_utf8_lossy(doc)),
            (got, want) => panic!("{code} over {}: {got:?} against {want:?}", String::from_utf8_lossy(doc)),
        }
        true
    }

    fn fixture_documents() -> Vec<Vec<u8>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/generic");
        let mut docs = Vec::new();
        for dir in ["presets/m365", "presets/m365-users", "presets/google-workspace", "presets/slack", "presets/zoom", "presets/okta", "presets/adobe", "presets/atlassian", "presets/github-copilot", "examples"] {
            for entry in std::fs::read_dir(root.join(dir)).into_iter().flatten().flatten() {
                if entry.path().extension().is_some_and(|e| e == "json") {
                    docs.push(std::fs::read(entry.path()).unwrap_or_default());
                }
            }
        }
        docs.push(br#"{"value": [1, "a", null, {"x": 2.5}, [3]], "other": {"k": [1, 2]}}"#.to_vec());
        docs.push(br#"{"value": [{"x": {"y": 1}}, null, {"x": null}, {"x": 1, "x": {"y": "last"}}]}"#.to_vec());
        docs.push(br#"{"value": {"a": 1}}"#.to_vec());
        docs.push(br#"{"value": null, "b": 1}"#.to_vec());
        docs
    }

    /// Projections over the fixtures' documents (and odd ones): where they
    /// answer, they answer as jq.
    const PROJECTIONS: &[&str] = &[
        ".value[] | {id: .skuId, product: .skuPartNumber, metric: \"licenses\", used: .consumedUnits, limit: .prepaidUnits.enabled}",
        ".value[] | {a: .x, b: .x.y, c: 1, d: \"s\", e: null, f: true, g: false, x, h: .}",
        ".value[] | .x.y",
        ".users[] | {u: .primaryEmail, s: .suspended, n: .name.fullName}",
        ".members[] | {p: .profile.email, n: .name, d: .deleted}",
        ".data[] | {name, id}",
        ".seats[] | {holder: .assignee.login, last: .last_activity_at}",
    ];

    /// Item by item gives what the whole filter over the whole document gives:
    /// the same outputs in the same order, the same first error, for every
    /// document of the presets' and examples' fixtures and filters of the shape.
    #[test]
    fn items_one_by_one_are_the_whole_filter() {
        let docs = fixture_documents();
        let filters = [
            ".value[] | {id: .skuId, product: .skuPartNumber, metric: \"licenses\", used: .consumedUnits, limit: .prepaidUnits.enabled}",
            ".value[] | .",
            ".value[] | .x",
            ".users[] | {u: .primaryEmail, s: .suspended}",
            ".members[] | .profile.email // .name",
            ".products[] | {product: .name, n: (.seats | length), p: .price_per_seat_year}",
            ".data[] | .name, .id",
            ".value[] | tostring",
            ".value[] | 1 / (.x // 0)",
        ];
        let mut compared = 0;
        for doc in &docs {
            for code in filters {
                let Ok(jq) = Jq::compile(code) else { unreachable!("{code}") };
                let Some((path, rest)) = jq.over_items() else { unreachable!("{code}") };
                let Some(fast) = map(&Body::Bytes(doc.clone()), &path, &rest, Spelling::Keys, true) else { continue };
                let Some((expected, error)) = whole(doc, &jq) else { continue };
                match (fast, error) {
                    // Said of the page before any filter runs, the whole way too.
                    (Err(e), _) if e.to_string().contains("next page") || e.to_string().contains("answered an error") => {}
                    (Ok(got), None) => assert_eq!(got, expected, "{code}"),
                    (Err(e), Some(want)) => assert_eq!(e.to_string(), want, "{code}"),
                    (got, want) => panic!("{code}: {got:?} against {want:?}"),
                }
                compared += 1;
            }
        }
        assert!(compared > 20, "{compared} comparisons");
    }

    #[test]
    fn projections_are_the_whole_filter_where_they_answer() {
        let docs = fixture_documents();
        let answered = docs.iter().flat_map(|d| PROJECTIONS.iter().map(move |c| (d, c))).filter(|(d, c)| same_as_jq(d, c)).count();
        assert!(answered >= 15, "{answered} answered");
    }

    /// A JSON text of numbers, strings and keys written as documents write
    /// them, escapes and all, up to `depth` deep.
    fn json_text(depth: u32) -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let numbers = prop::sample::select(vec![
            "0", "-0", "1", "-1", "1.0", "-0.0", "1.5", "2.50", "1e2", "1E-2", "0.1", "9007199254740993", "12345678901234567890", "-9223372036854775809",
            "1e400", "-1e400", "5e-324", "18446744073709551615", "18446744073709551616",
        ]);
        let strings = prop::sample::select(vec![r#""""#, r#""a""#, r#""\u0041b""#, r#""\ud83d\ude00""#, r#""é""#, r#""\n\"""#, r#""\ud800""#]);
        let leaf = prop_oneof![
            numbers.prop_map(str::to_string),
            strings.prop_map(str::to_string),
            Just("null".to_string()),
            Just("true".to_string()),
            Just("false".to_string()),
        ];
        leaf.prop_recursive(depth, 24, 4, |inner| {
            let keys = prop::sample::select(vec![r#""x""#, r#""y""#, r#""a""#, r#""\u0078""#, r#""x ""#, r#""skuId""#]);
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec((keys, inner), 0..5)
                    .prop_map(|m| format!("{{{}}}", m.into_iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", "))),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Random items (odd numbers, escapes, escaped and repeated keys,
        /// nulls and non-objects on the way): a projection answers as jq, or
        /// leaves the document to jq.
        #[test]
        fn a_projection_answers_as_jq_or_not_at_all(items in proptest::collection::vec(json_text(3), 0..6), which in 0usize..7) {
            let doc = format!(r#"{{"value": [{}]}}"#, items.join(", "));
            let code = [
                ".value[] | {a: .x, b: .x.y, c: .y, n: 0, s: \"t\"}",
                ".value[] | .x",
                ".value[] | .",
                ".value[] | {x}",
                ".value[] | .x.x.x",
                ".value[] | {id: .skuId}",
                ".value[] | {all: ., a: .a}",
            ][which];
            same_as_jq(doc.as_bytes(), code);
        }

        /// Pages of random items, some answering an API error or saying
        /// there is a next page: over all of them a projection gives what the
        /// filters give run by jq (the worker's way, here in-process) —
        /// outputs in order, numbered over all pages where one is refused,
        /// the same error first — or leaves every page to jq.
        #[test]
        fn a_projection_over_pages_answers_as_jq_or_not_at_all(
            pages in proptest::collection::vec((proptest::collection::vec(json_text(2), 0..5), 0u8..6), 1..4),
            which in 0usize..4,
        ) {
            use super::super::sandbox::{self, Filters};
            let bodies: Vec<Body> = pages
                .iter()
                .map(|(items, extra)| {
                    let extra = match extra {
                        0 => r#", "error": {"code": "Throttled", "message": "slow down"}"#,
                        1 => r#", "@odata.nextLink": "https://graph.example/next""#,
                        2 => r#", "next_cursor": null"#,
                        _ => "",
                    };
                    Body::Bytes(format!(r#"{{"value": [{}]{extra}}}"#, items.join(", ")).into_bytes())
                })
                .collect();
            let code = [".value[] | {a: .x, b: .x.y, n: 0}", ".value[] | .x", ".value[] | .", ".value[] | {id: .skuId, y}"][which];
            let filters = Filters { jq: Some(code.into()), spelling: Spelling::Keys, ..Filters::default() };
            // Strings are refused, as a record refuses what is not one.
            let make = |i: usize, v: Value| match v {
                Value::String(s) => Err(PayloadError::Vendor(format!("output #{} {s:?} refused", i + 1))),
                v => Ok(v),
            };
            let Some(fast) = sandbox::projected(&filters, &bodies, &make) else { return Ok(()) };
            let slow = sandbox::map(&filters, &bodies, None)
                .and_then(|m| m.records.into_iter().enumerate().map(|(i, v)| make(i, v)).collect::<Result<Vec<_>, _>>());
            match (fast, slow) {
                (Ok(got), Ok(want)) => proptest::prop_assert_eq!(got, want),
                (Err(got), Err(want)) => proptest::prop_assert_eq!(got.to_string(), want.to_string()),
                (got, want) => proptest::prop_assert!(false, "{code}: {got:?} against {want:?}"),
            }
        }
    }
}
