//! A filter of the shape `.path[] | rest` over one document, run item by
//! item on every core: the document is checked and cut by serde_json
//! (borrowed, nothing copied), each item read into jq values alone and
//! `rest` run on it. The outputs, their order and the errors are those of
//! the whole filter over the whole document; anything this path does not
//! read the same way (the list not an array, an item jaq's reader refuses)
//! hands the document back to it.

use jaq_json::Val;
use serde_json::value::RawValue;
use serde_json::Value;

use super::jq::Jq;
use super::pages;
use crate::payload::{Body, PayloadError, MAX_DOCUMENT};
use crate::spelling::Spelling;

/// What `jq` yields over the document, or `None` to read it the whole way.
/// `saved`: the document is a saved file (or stdin), not a fetched page.
pub fn map(body: &Body, path: &[String], rest: &Jq, spelling: Spelling, saved: bool) -> Option<Result<Vec<Value>, PayloadError>> {
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
    if let Some(e) = pages::api_error(&top, None).ok().flatten() {
        return Some(Err(PayloadError::Vendor(format!("the API answered an error: {e}"))));
    }
    if let Some((marker, set)) = pages::unfollowed(&top, spelling) {
        let what = if saved { "this document is one page of a longer list" } else { "the source does not follow it" };
        return Some(Err(PayloadError::Vendor(format!("the last page read has a next page ({marker}): {what}: {set}"))));
    }
    let outputs = run_all(&items, rest)?;
    let mut records = Vec::with_capacity(outputs.len());
    for out in outputs {
        match out {
            Ok(v) => records.push(v),
            Err(e) => return Some(Err(PayloadError::Vendor(format!("{e}{}", super::top_keys(&top))))),
        }
    }
    Some(Ok(records))
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
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
    let per = items.len().div_ceil(threads).max(1);
    let run = |chunk: &[&RawValue]| -> Option<Vec<Result<Value, String>>> {
        let mut out = Vec::with_capacity(chunk.len());
        for item in chunk {
            let val: Val = jaq_json::read::parse_single(item.get().as_bytes()).ok()?;
            let results = rest.run(val);
            let failed = results.iter().any(Result::is_err);
            out.extend(results);
            if failed {
                break;
            }
        }
        Some(out)
    };
    if threads == 1 || items.len() < 256 {
        return run(items);
    }
    let parts: Vec<Option<Vec<Result<Value, String>>>> =
        std::thread::scope(|s| items.chunks(per).map(|chunk| s.spawn(move || run(chunk))).collect::<Vec<_>>().into_iter().map(|h| h.join().ok().flatten()).collect());
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

    /// Item by item gives what the whole filter over the whole document gives:
    /// the same outputs in the same order, the same first error, for every
    /// document of the presets' and examples' fixtures and filters of the shape.
    #[test]
    fn items_one_by_one_are_the_whole_filter() {
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
        docs.push(br#"{"value": {"a": 1}}"#.to_vec());
        docs.push(br#"{"value": null, "b": 1}"#.to_vec());
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
            let Ok(whole) = super::super::document(&Body::Bytes(doc.clone())) else { continue };
            for code in filters {
                let Ok(jq) = Jq::compile(code) else { unreachable!("{code}") };
                let Some((path, rest)) = jq.over_items() else { unreachable!("{code}") };
                let Some(fast) = map(&Body::Bytes(doc.clone()), &path, &rest, Spelling::Keys, true) else { continue };
                let mut expected = Vec::new();
                let mut error = None;
                for (out, _) in super::super::outputs(&jq, std::slice::from_ref(&whole)) {
                    match out {
                        Ok(v) => expected.push(v),
                        Err(e) => {
                            error = Some(format!("{e}{}", super::super::top_keys(&whole)));
                            break;
                        }
                    }
                }
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
}
