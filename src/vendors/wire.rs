//! Building blocks the vendor modules share for reading JSON payloads: errors
//! that name the JSON path, non-negative counts, liberal timestamps and
//! collections that come bare or inside an envelope.

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// Why a payload could not be turned into records.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PayloadError {
    #[error("empty input: no JSON payload")]
    Empty,
    #[error("not JSON: input starts with byte 0x{0:02x} (binary data or an HTML error page?)")]
    NotJson(u8),
    /// The JSON is malformed, truncated, or a field has the wrong type or value.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// The vendor answered, and its answer is a failure.
    #[error("{0}")]
    Vendor(String),
}

impl PayloadError {
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        PayloadError::Invalid { path: path.into(), message: message.into() }
    }
}

/// The items of every page of a paged list, in order. Errors say which list
/// (`label`, e.g. `assignments`) and, when there are several, which page.
pub fn decode_pages<T: DeserializeOwned>(pages: &[Vec<u8>], label: &str) -> Result<Vec<T>, PayloadError> {
    let mut items = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let collection: Collection<T> = decode(page).map_err(|e| {
            let mut prefix = label.to_string();
            if pages.len() > 1 {
                prefix = format!("{prefix} page {}", i + 1).trim_start().to_string();
            }
            match e {
                _ if prefix.is_empty() => e,
                PayloadError::Invalid { path, message } => PayloadError::Invalid { path: format!("{prefix} {path}"), message },
                other => PayloadError::Vendor(format!("{prefix}: {other}")),
            }
        })?;
        items.extend(collection.items);
    }
    Ok(items)
}

/// Deserialize `bytes` as `T`, reporting where in the document it went wrong
/// as a JSON path (`$.applications[0].user_licensing.full__v.used`).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PayloadError> {
    let first = bytes.iter().copied().find(|b| !b.is_ascii_whitespace() && *b != 0xef && *b != 0xbb && *b != 0xbf);
    match first {
        None => return Err(PayloadError::Empty),
        Some(b) if !matches!(b, b'{' | b'[') => return Err(PayloadError::NotJson(b)),
        _ => {}
    }
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let de = &mut serde_json::Deserializer::from_slice(text);
    let value = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = json_path(&e.path().to_string());
        PayloadError::Invalid { path, message: e.into_inner().to_string() }
    })?;
    Ok(value)
}

fn json_path(serde_path: &str) -> String {
    // serde_path_to_error writes `?` for a segment it could not name (input cut short inside a key).
    let serde_path = serde_path.trim_end_matches(".?").trim_end_matches('?');
    match serde_path {
        "." | "" => "$".to_string(),
        p if p.starts_with('[') => format!("${p}"),
        p => format!("$.{p}"),
    }
}

/// A count of seats or units: a non-negative integer (a whole float such as
/// `10.0` is accepted, since some exporters write numbers that way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Count(pub u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-negative integer")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v).map(Count).map_err(|_| E::custom(format!("negative count {v}")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                if v < 0.0 {
                    Err(E::custom(format!("negative count {v}")))
                } else if v.fract() != 0.0 || !v.is_finite() || v > u64::MAX as f64 {
                    Err(E::custom(format!("count {v} is not a whole number")))
                } else {
                    Ok(Count(v as u64))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Deserialize into `Option<u64>` through [`Count`].
pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<Count>::deserialize(d)?.map(|c| c.0))
}

/// A point in time, as vendors write it: RFC 3339, an ISO 8601 date-time
/// without offset (taken as UTC), or a bare date (midnight UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(Timestamp(t.with_timezone(&Utc)));
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
                return Some(Timestamp(t.and_utc()));
            }
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| Timestamp(t.and_utc()))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s).ok_or_else(|| de::Error::custom(format!("invalid date {s:?}: expected RFC 3339 (2026-01-31T23:59:59Z)")))
    }
}

/// Deserialize into `Option<DateTime<Utc>>` through [`Timestamp`].
pub fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<Timestamp>::deserialize(d)?.map(|t| t.0))
}

/// A list of `T` as APIs and exports return it: a bare array, or an envelope
/// with the items under `data`, `items`, `results` or `result` (itself an array
/// or an object with `items`), and pagination fields beside them.
#[derive(Debug)]
pub struct Collection<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub next: Option<String>,
    pub total: Option<u64>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Collection { items: Vec::new(), next_cursor: None, next: None, total: None, offset: None, limit: None }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Collection<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Collection<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array, or an object with `data`, `items`, `results` or `result`")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Collection { items, ..Collection::default() })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Collection::default();
                let mut found = false;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "data" | "items" | "results" | "result" => {
                            let inner: Collection<T> = map.next_value()?;
                            found = true;
                            out.items = inner.items;
                            out.next_cursor = out.next_cursor.or(inner.next_cursor);
                            out.next = out.next.or(inner.next);
                            out.total = out.total.or(inner.total);
                            out.offset = out.offset.or(inner.offset);
                            out.limit = out.limit.or(inner.limit);
                        }
                        "next_cursor" | "nextCursor" => out.next_cursor = map.next_value()?,
                        "next" => out.next = map.next_value()?,
                        "total" => out.total = map.next_value::<Option<Count>>()?.map(|c| c.0),
                        "offset" => out.offset = map.next_value::<Option<Count>>()?.map(|c| c.0),
                        "limit" => out.limit = map.next_value::<Option<Count>>()?.map(|c| c.0),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                if !found {
                    return Err(de::Error::custom("no list of items: expected an array, or `data`, `items`, `results` or `result`"));
                }
                Ok(out)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Seat {
        #[allow(dead_code)]
        n: Count,
    }

    #[test]
    fn errors_name_the_json_path() {
        let e = decode::<Collection<Seat>>(br#"{"data":[{"n":1},{"n":-4}]}"#).err();
        assert_eq!(e.map(|e| e.to_string()), Some("$.data[1].n: negative count -4 at line 1 column 24".to_string()));
        let e = decode::<Collection<Seat>>(br#"[{"n":"7"}]"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("$[0].n: invalid type: string \"7\", expected a non-negative integer"), "{e}");
        let e = decode::<Collection<Seat>>(br#"[{"n":1}"#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("EOF while parsing"), "{e}");
    }

    #[test]
    fn empty_and_binary_inputs_are_named() {
        assert_eq!(decode::<Collection<Seat>>(b"  \n").err(), Some(PayloadError::Empty));
        assert_eq!(decode::<Collection<Seat>>(b"\x89PNG\r\n").err(), Some(PayloadError::NotJson(0x89)));
        assert_eq!(decode::<Collection<Seat>>(b"<html>").err(), Some(PayloadError::NotJson(b'<')));
    }

    #[test]
    fn collections_bare_and_enveloped() {
        for body in [
            r#"[{"n":1},{"n":2}]"#,
            r#"{"data":[{"n":1},{"n":2}],"next_cursor":"c2"}"#,
            r#"{"result":{"items":[{"n":1},{"n":2}],"limit":2,"total":9}}"#,
        ] {
            let c: Collection<Seat> = decode(body.as_bytes()).unwrap_or_default();
            assert_eq!(c.items.len(), 2, "{body}");
        }
        let c: Collection<Seat> = decode(br#"{"result":{"items":[],"limit":2,"total":9},"nextCursor":"x"}"#).unwrap_or_default();
        assert_eq!((c.total, c.limit, c.next_cursor.as_deref()), (Some(9), Some(2), Some("x")));
    }

    #[test]
    fn timestamps() {
        let t = |s: &str| Timestamp::parse(s).map(|t| t.0.to_rfc3339());
        assert_eq!(t("2021-07-07T23:59:59.000Z"), Some("2021-07-07T23:59:59+00:00".into()));
        assert_eq!(t("2021-07-07T23:59:59+02:00"), Some("2021-07-07T21:59:59+00:00".into()));
        assert_eq!(t("2022-06-09T13:41:22"), Some("2022-06-09T13:41:22+00:00".into()));
        assert_eq!(t("2026-12-31"), Some("2026-12-31T00:00:00+00:00".into()));
        assert_eq!(t("31/12/2026"), None);
        assert_eq!(t("2026-02-30"), None);
    }
}
