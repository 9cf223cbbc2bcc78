//! A page's pagination fields (`next_cursor`, `next`, `total`, …) and its
//! item count, found without parsing its items, so that the fetcher of a
//! paged list learns where the list goes on in a fraction of the time the
//! parse of the page takes (the parse reads every item anyway).
//!
//! The page is scanned once, strings exactly (each `"` found by `memchr`,
//! escaped when an odd run of `\` is before it), brackets counted. Inside the list only the items' boundaries
//! are seen; the envelope around it (the page with the list emptied) is
//! parsed by serde, as `read::Items` reads it. Whatever this scan does not
//! read as `read::page_info` does, it leaves to that (`None`): a key of the
//! envelope written with escapes, a second list, anything unbalanced or cut
//! short. On well-formed JSON the answer is `read::page_info`'s (a
//! differential proptest holds it to that); items that are not well-formed
//! JSON are counted as best the brackets allow, and the parse of the page
//! then reports the error with its JSON path.

use memchr::memchr;

use super::list::{is_json_space as is_space, PageInfo, LIST_KEYS};
// Nesting deeper than serde_json's own limit is left to it.
use super::MAX_DEPTH;

/// The pagination fields of one page, and how many items it held; `None`
/// when the page is not one this scan reads the way `read::page_info` does.
pub fn page_info(bytes: &[u8]) -> Option<PageInfo> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = bytes.iter().position(|&b| !is_space(b))?;
    if bytes[start] == b'[' {
        let (end, items) = list(bytes, start + 1)?;
        return bytes[end + 1..].iter().all(|&b| is_space(b)).then(|| PageInfo { items, ..PageInfo::default() });
    }
    if bytes[start] != b'{' {
        return None;
    }
    envelope(bytes, start)
}

/// An envelope whose `{` is at `start`, walked value by value: objects that
/// may name the list and other containers, with the list cut out of the
/// skeleton that serde then reads.
fn envelope(bytes: &[u8], start: usize) -> Option<PageInfo> {
    // The envelope, walked value by value: objects that may name the list
    // (`true`) and other containers (`false`), with the list cut out.
    let mut skeleton = Vec::with_capacity(256);
    let mut stack: Vec<(u8, bool)> = Vec::new();
    let mut kept = start;
    let mut items = None;
    let mut key: Option<&[u8]> = None;
    let mut expect_key = false;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                let end = string_end(bytes, i + 1)?;
                let text = &bytes[i + 1..end];
                let envelope = matches!(stack.last(), Some((b'{', true)));
                if expect_key && envelope && text.contains(&b'\\') {
                    return None; // `"d\u0061ta"` is `data` to serde
                }
                key = (expect_key && envelope).then_some(text);
                expect_key = false;
                i = end;
            }
            b'{' | b'[' => {
                let named = key.take().is_some_and(|k| LIST_KEYS.contains(&k));
                let here = stack.is_empty() || (named && matches!(stack.last(), Some((b'{', true))));
                if b == b'[' && here {
                    if items.is_some() {
                        return None; // serde reads every list (duplicate keys): so must the parse
                    }
                    let (end, n) = list(bytes, i + 1)?;
                    items = Some(n);
                    skeleton.extend_from_slice(&bytes[kept..=i]);
                    // The `]` goes on with the rest of the envelope.
                    (kept, i) = (end, end + 1);
                    continue;
                }
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push((b, b == b'{' && here));
                expect_key = b == b'{';
            }
            b'}' | b']' => {
                let (open, _) = stack.pop()?;
                if (open == b'{') != (b == b'}') {
                    return None;
                }
                expect_key = false;
                key = None;
                if stack.is_empty() {
                    i += 1;
                    break;
                }
            }
            b',' => {
                expect_key = matches!(stack.last(), Some((b'{', _)));
                key = None;
            }
            b':' => {}
            _ if is_space(b) => {}
            _ => key = None,
        }
        i += 1;
    }
    if !stack.is_empty() || !bytes[i..].iter().all(|&b| is_space(b)) {
        return None;
    }
    let items = items?;
    skeleton.extend_from_slice(&bytes[kept..i]);
    let mut info = super::read::page_info(&skeleton).ok()?;
    info.items = items;
    Some(info)
}

/// The list whose `[` is just before `from`: where its `]` is, and how many
/// items it holds. Items are skipped, strings exactly and brackets matched.
fn list(bytes: &[u8], from: usize) -> Option<(usize, u64)> {
    let mut open: Vec<u8> = Vec::new();
    let (mut items, mut in_item) = (0u64, false);
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                i = string_end(bytes, i + 1)?;
                in_item = true;
            }
            b'{' | b'[' => {
                if open.len() >= MAX_DEPTH {
                    return None;
                }
                open.push(b);
                in_item = true;
            }
            b']' if open.is_empty() => return Some((i, items + u64::from(in_item))),
            b'}' | b']' => {
                let o = open.pop()?;
                if (o == b'{') != (b == b'}') {
                    return None;
                }
            }
            b',' if open.is_empty() => {
                if !in_item {
                    return None;
                }
                items += 1;
                in_item = false;
            }
            _ if is_space(b) => {}
            _ => in_item = true,
        }
        i += 1;
    }
    None
}

/// Where the string whose text starts at `from` ends: its closing quote,
/// the first `"` after an even run of `\` (an odd run escapes it).
fn string_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        at += memchr(b'"', bytes.get(at..)?)?;
        let escapes = bytes[from..at].iter().rev().take_while(|&&b| b == b'\\').count();
        if escapes % 2 == 0 {
            return Some(at);
        }
        at += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn both(page: &str) -> (Option<PageInfo>, Option<PageInfo>) {
        (page_info(page.as_bytes()), super::super::read::page_info(page.as_bytes()).ok())
    }

    #[test]
    fn reads_envelopes_as_serde_does() {
        for page in [
            r#"{"data":[{"n":1},{"n":"a\"],"}],"next_cursor":"c2"}"#,
            r#"  {"next_cursor":null,"data":[],"total":3,"offset":0}"#,
            r#"{"result":{"items":[1,[2,{"x":"]"}],3],"limit":3,"total":9},"nextCursor":"x"}"#,
            r#"[{"a":"}"},{"b":[]}]"#,
            "\u{feff}[]",
            r#"{"meta":{"data":[1]},"items":[{"n":1}],"next":"/p?cursor=2"}"#,
            r#"{"data":[{"n":1}],"next":"\u002fp2","total":5.0}"#,
            r#"{"data":[ 1 , 2 ]}"#,
        ] {
            let (skim, serde) = both(page);
            assert!(skim.is_some(), "{page}");
            assert_eq!(skim, serde, "{page}");
        }
        assert_eq!(page_info(br#"{"data":[1,2,3],"next_cursor":"c"}"#).map(|i| i.items), Some(3));
    }

    #[test]
    fn leaves_what_it_cannot_read_exactly_to_serde() {
        for page in [
            r#"{"d\u0061ta":[1],"next_cursor":"c"}"#,
            r#"{"d\u0061ta":[1,2],"items":[3]}"#,
            r#"{"data":[1],"items":[2]}"#,
            r#"{"data":[1],"next_cursor":"c""#,
            r#"{"data":[1,"#,
            r#"{"data":[1,,2]}"#,
            r#"{"data":[{]}"#,
            r#"{"next_cursor":"c"}"#,
            r#"{"data":[1]} x"#,
            "<html>",
            "",
        ] {
            assert_eq!(page_info(page.as_bytes()), None, "{page}");
        }
    }

    /// A key: one the envelope gives meaning to, or any other (escapes too).
    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec!["data", "items", "result", "next", "next_cursor", "nextCursor", "total", "offset", "limit"])
                .prop_map(String::from),
            "[a-z_\"\\\\]{0,6}",
        ]
    }

    /// A JSON value for the items and the envelope's other fields.
    fn value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i32>().prop_map(serde_json::Value::from),
            "[a-z\"\\\\\\[\\]{},:\u{e9} ]{0,8}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                prop::collection::btree_map(key(), inner, 0..4).prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Any envelope of a list, with pagination fields of any type,
        /// extra fields and escapes anywhere: the skim gives serde's answer.
        #[test]
        fn agrees_with_serde(
            items in prop::collection::vec(value(), 0..6),
            extra in prop::collection::btree_map(key(), value(), 0..4),
            key in prop::sample::select(vec!["data", "items", "results", "result", "other"]),
            nested in any::<bool>(),
            cursor in prop::option::of(prop_oneof![value(), "[a-z0-9=\\\\\"]{0,6}".prop_map(serde_json::Value::from)]),
            total in prop::option::of(prop_oneof![(0u64..10).prop_map(serde_json::Value::from), value()]),
            pretty in any::<bool>(),
        ) {
            let mut doc = serde_json::Map::new();
            for (k, v) in extra {
                doc.insert(k, v);
            }
            let list = serde_json::Value::from(items);
            let list = if nested { serde_json::json!({"items": list, "limit": 3}) } else { list };
            doc.insert(key.to_string(), list);
            if let Some(c) = cursor {
                doc.insert("next_cursor".into(), c);
            }
            if let Some(t) = total {
                doc.insert("total".into(), t);
            }
            let doc = serde_json::Value::Object(doc);
            let text = if pretty { serde_json::to_string_pretty(&doc) } else { serde_json::to_string(&doc) }.unwrap_or_default();
            let (skim, serde) = both(&text);
            if let Some(skim) = skim {
                prop_assert_eq!(Some(skim), serde, "{}", text);
            }
        }

        /// Pages cut short or with a byte changed: where the skim answers
        /// and serde does not, the page's parse fails (the fetch may differ,
        /// the run cannot pass).
        #[test]
        fn broken_pages_never_pass(
            items in prop::collection::vec(value(), 1..5),
            cut in any::<prop::sample::Index>(),
            byte in prop::sample::select(b"{}[]\",:\\ 1an".to_vec()),
            replace in any::<bool>(),
        ) {
            let text = serde_json::json!({"data": items, "next_cursor": "c2"}).to_string();
            let mut bytes = text.into_bytes();
            let at = cut.index(bytes.len());
            if replace { bytes[at] = byte } else { bytes.truncate(at) }
            if let (Some(skim), Err(_)) = (page_info(&bytes), super::super::read::page_info(&bytes)) {
                let parsed = super::super::read::decode_pages::<serde::de::IgnoredAny>(&[super::super::Body::Bytes(bytes.clone())], "");
                prop_assert!(parsed.is_err(), "{:?} {}", skim, String::from_utf8_lossy(&bytes));
            }
        }
    }
}
