//! The commonest `rest` of a filter over items, `{id: .skuId, used:
//! .consumedUnits, limit: .prepaidUnits.enabled, metric: "licenses"}` (or a
//! single path), run without jq: each item's wanted members are picked from
//! its text where they lie (nothing else of the item is read into values),
//! the outputs built as JSON directly. Such a filter cannot loop, recurse or
//! grow, so it needs no worker. It answers only where jq would answer the
//! same: on anything else (an item not an object, a step into a value that
//! is not an object or null, a key with an escape) it declines, and the
//! filter runs as jq.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// One value of the projection.
#[derive(Debug, Clone, PartialEq)]
enum Term {
    /// `.a.b.c` (`.` alone: the item).
    Path(Vec<String>),
    /// A string without escapes, a whole number, `true`, `false`, `null`.
    Literal(Value),
}

/// `rest` as a projection.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    shape: Shape,
}

#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// `{key: term, …}`.
    Object(Vec<(String, Term)>),
    /// A term alone.
    Term(Term),
}

/// jq's words, which are never read as a key or a field here.
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "if", "then", "elif", "else", "end", "as", "def", "reduce", "foreach", "try", "catch", "label", "import", "include",
    "__loc__",
];

/// At most this many steps in a path and members in an object.
const MAX_PARTS: usize = 64;

impl Projection {
    /// `code` as a projection, if it is one (and `None` for anything this
    /// does not read exactly as jq does: the filter then runs as jq).
    pub fn parse(code: &str) -> Option<Projection> {
        let mut p = Parser { rest: code };
        p.space();
        let shape = match p.rest.starts_with('{') {
            true => Shape::Object(p.object()?),
            false => Shape::Term(p.term()?),
        };
        p.space();
        p.rest.is_empty().then_some(Projection { shape })
    }

    /// What the projection yields for an item, or `None` where jq would say
    /// otherwise (an error) or this cannot be sure it reads the same.
    pub fn apply(&self, item: &RawValue) -> Option<Value> {
        // A `\uD800` escape jq's reader may refuse (a lone surrogate) is
        // jq's to judge, in a member picked or not.
        if surrogate_escape(item.get().as_bytes()) {
            return None;
        }
        match &self.shape {
            Shape::Term(t) => eval(Some(item), t, 0),
            Shape::Object(members) => {
                // The item's members the paths start with, in one pass.
                let firsts: Vec<&str> = members
                    .iter()
                    .filter_map(|(_, t)| match t {
                        Term::Path(steps) => steps.first().map(String::as_str),
                        Term::Literal(_) => None,
                    })
                    .collect();
                let picked = match firsts.is_empty() {
                    true => Vec::new(),
                    false => pick(item, &firsts)?,
                };
                let mut out = Map::new();
                let mut next = picked.into_iter();
                for (key, term) in members {
                    let value = match term {
                        Term::Path(steps) if !steps.is_empty() => eval(next.next()?, term, 1)?,
                        _ => eval(Some(item), term, 0)?,
                    };
                    out.insert(key.clone(), value);
                }
                Some(Value::Object(out))
            }
        }
    }
}

/// `term` on `at`, its path followed from step `from` (`None`: null).
fn eval(mut at: Option<&RawValue>, term: &Term, from: usize) -> Option<Value> {
    match term {
        Term::Literal(v) => Some(v.clone()),
        Term::Path(steps) => {
            for step in steps.iter().skip(from) {
                let Some(here) = at else { break };
                at = pick(here, &[step])?.pop()?;
            }
            match at {
                None => Some(Value::Null),
                Some(raw) if negative_zero(raw.get()) => None,
                Some(raw) => serde_json::from_str(raw.get()).ok(),
            }
        }
    }
}

/// Whether `text` may hold `-0` as a number: jq reads it as the integer 0,
/// serde_json as the float -0.0. A string's text is read alike by both
/// (`"sku-0"`); in an object or array picked whole, a string holding `-0`
/// declines too.
fn negative_zero(text: &str) -> bool {
    if text.trim_start().starts_with('"') {
        return false;
    }
    text.as_bytes().windows(2).enumerate().any(|(i, w)| w == b"-0" && !matches!(text.as_bytes().get(i + 2), Some(b'0'..=b'9' | b'.' | b'e' | b'E')))
}

/// Whether `b` has a `\uD8..`–`\uDF..` escape (half of a surrogate pair).
pub(super) fn surrogate_escape(b: &[u8]) -> bool {
    memchr::memmem::find_iter(b, b"\\u").any(|i| matches!(b.get(i + 2), Some(b'd' | b'D')) && matches!(b.get(i + 3), Some(b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')))
}

/// `raw.key` for each of `keys`: `None` in a slot where jq gives null (no
/// such key, or `raw` is null); `None` in all where jq would fail (`raw` is
/// not an object) or this declines (a key with an escape).
fn pick<'a>(raw: &'a RawValue, keys: &[&str]) -> Option<Vec<Option<&'a RawValue>>> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let found = de.deserialize_any(Pick { keys }).ok()?;
    de.end().ok()?;
    found
}

/// Members of an object; `Ok(None)` for a value that cannot be indexed.
struct Pick<'k> {
    keys: &'k [&'k str],
}

impl<'de> Visitor<'de> for Pick<'_> {
    /// `None`: not indexable; else a slot per key (all `None` for null).
    type Value = Option<Vec<Option<&'de RawValue>>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object or null")
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Some(vec![None; self.keys.len()]))
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut found = vec![None; self.keys.len()];
        while let Some(key) = map.next_key_seed(KeySeed)? {
            // A key with an escape: what it means is jq's to say.
            let Some(key) = key else { return Err(serde::de::Error::custom("escaped key")) };
            match self.keys.iter().position(|k| *k == key) {
                Some(first) => {
                    // The last of a key given twice, as jq keeps it.
                    let value = map.next_value::<&'de RawValue>()?;
                    for (slot, k) in found.iter_mut().zip(self.keys).skip(first) {
                        if *k == key {
                            *slot = Some(value);
                        }
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(found))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// A key as written: `Some` where it has no escape (borrowed from the text).
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// A reader of the few forms a projection is written in.
struct Parser<'c> {
    rest: &'c str,
}

impl Parser<'_> {
    fn space(&mut self) {
        self.rest = self.rest.trim_start_matches([' ', '\t', '\n', '\r']);
    }

    fn eat(&mut self, c: char) -> Option<()> {
        self.space();
        self.rest = self.rest.strip_prefix(c)?;
        Some(())
    }

    /// `name`: a letter or `_`, then letters, digits and `_`; not a keyword.
    fn ident(&mut self) -> Option<String> {
        let end = self.rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(self.rest.len());
        let word = &self.rest[..end];
        if word.is_empty() || word.starts_with(|c: char| c.is_ascii_digit()) || KEYWORDS.contains(&word) {
            return None;
        }
        self.rest = &self.rest[end..];
        Some(word.to_string())
    }

    /// `"text"` with no escape (and so no interpolation).
    fn string(&mut self) -> Option<String> {
        let body = self.rest.strip_prefix('"')?;
        let end = body.find(['"', '\\'])?;
        if !body[end..].starts_with('"') {
            return None;
        }
        self.rest = &body[end + 1..];
        Some(body[..end].to_string())
    }

    fn object(&mut self) -> Option<Vec<(String, Term)>> {
        self.eat('{')?;
        let mut members = Vec::new();
        loop {
            self.space();
            let (key, shorthand) = match self.rest.starts_with('"') {
                true => (self.string()?, false),
                false => (self.ident().filter(|k| !matches!(k.as_str(), "null" | "true" | "false"))?, true),
            };
            self.space();
            let term = match self.rest.strip_prefix(':') {
                Some(after) => {
                    self.rest = after;
                    self.space();
                    self.term()?
                }
                // `{id}` is `{id: .id}` (an identifier only).
                None if shorthand => Term::Path(vec![key.clone()]),
                None => return None,
            };
            members.push((key, term));
            if members.len() > MAX_PARTS {
                return None;
            }
            self.space();
            match self.rest.chars().next()? {
                ',' => self.rest = &self.rest[1..],
                '}' => {
                    self.rest = &self.rest[1..];
                    return Some(members);
                }
                _ => return None,
            }
        }
    }

    fn term(&mut self) -> Option<Term> {
        self.space();
        let term = match self.rest.chars().next()? {
            '.' => {
                let mut steps = Vec::new();
                while let Some(after) = self.rest.strip_prefix('.') {
                    self.rest = after;
                    match self.ident() {
                        Some(step) => steps.push(step),
                        // `.` alone is the item; `..` or `.[` is not read here.
                        None if steps.is_empty() && !after.starts_with(['.', '[', '"']) => break,
                        None => return None,
                    }
                    if steps.len() > MAX_PARTS {
                        return None;
                    }
                }
                Term::Path(steps)
            }
            '"' => Term::Literal(Value::String(self.string()?)),
            c if c.is_ascii_digit() => {
                let end = self.rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(self.rest.len());
                let digits = &self.rest[..end];
                // A plain whole number, exactly as jq reads it.
                if digits.len() > 15 || (digits.len() > 1 && digits.starts_with('0')) {
                    return None;
                }
                self.rest = &self.rest[end..];
                Term::Literal(Value::from(digits.parse::<u64>().ok()?))
            }
            _ => match self.ident()?.as_str() {
                "null" => Term::Literal(Value::Null),
                "true" => Term::Literal(Value::Bool(true)),
                "false" => Term::Literal(Value::Bool(false)),
                _ => return None,
            },
        };
        // Anything joined to the term (`.a[0]`, `.a?`, `1.5`, `.a as`) is not read here.
        match self.rest.chars().next() {
            None => Some(term),
            Some(c) if c.is_whitespace() || c == ',' || c == '}' => Some(term),
            Some(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projections_are_read_and_everything_else_left_to_jq() {
        let p = Projection::parse(r#" {id: .skuId, product: .skuPartNumber, metric: "licenses", used: .consumedUnits, limit: .prepaidUnits.enabled, n: 0, x: null, id2}"#);
        let Some(Projection { shape: Shape::Object(members) }) = p else { panic!("{p:?}") };
        assert_eq!(members.len(), 8);
        assert_eq!(members[4], ("limit".to_string(), Term::Path(vec!["prepaidUnits".into(), "enabled".into()])));
        assert_eq!(members[7], ("id2".to_string(), Term::Path(vec!["id2".into()])));
        assert_eq!(Projection::parse(" .a.b ").map(|p| p.shape), Some(Shape::Term(Term::Path(vec!["a".into(), "b".into()]))));
        assert_eq!(Projection::parse(".").map(|p| p.shape), Some(Shape::Term(Term::Path(vec![]))));
        for other in [
            "{a: .b | .c}",
            "{a: .b?}",
            "{a: .b[0]}",
            "{a: .[\"b\"]}",
            "{a: .\"b\"}",
            "{a: ..}",
            "{a: 1.5}",
            "{a: -1}",
            "{a: 01}",
            "{a: \"x\\ny\"}",
            "{a: \"\\(.x)\"}",
            "{(.k): 1}",
            "{$x}",
            "{\"a\"}",
            "{a: .b,}",
            "{if: 1}",
            "{a: .end}",
            "{a: .b} | .a",
            "{a: .b} + {}",
            ".a // .b",
            "length",
            "{a: (.b)}",
            "{a: .b .c}",
            "{a: 1234567890123456}",
            "",
        ] {
            assert_eq!(Projection::parse(other), None, "{other}");
        }
    }

    #[test]
    fn members_are_picked_as_jq_picks_them() {
        let p = Projection::parse("{a: .a, deep: .b.c, none: .zz, lit: \"x\"}").unwrap_or_else(|| unreachable!());
        fn raw(t: &str) -> &RawValue {
            serde_json::from_str(t).unwrap_or_else(|_| unreachable!())
        }
        let got = p.apply(raw(r#"{"a": 1, "b": {"c": [1, {"d": null}]}, "a": 2}"#));
        assert_eq!(got, Some(serde_json::json!({"a": 2, "deep": [1, {"d": null}], "none": null, "lit": "x"})));
        // Through null: null.
        assert_eq!(p.apply(raw(r#"{"b": null}"#)), Some(serde_json::json!({"a": null, "deep": null, "none": null, "lit": "x"})));
        // jq fails on these: not answered here.
        assert_eq!(p.apply(raw(r#"{"b": 3}"#)), None);
        assert_eq!(p.apply(raw(r#"[1]"#)), None);
        assert_eq!(p.apply(raw(r#""s""#)), None);
        assert_eq!(p.apply(raw(r#"{"\u0061": 1}"#)), None, "an escaped key");
        assert_eq!(p.apply(raw("null")), Some(serde_json::json!({"a": null, "deep": null, "none": null, "lit": "x"})));
    }
}
