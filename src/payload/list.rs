//! A list as APIs and exports return it: bare, or inside an envelope beside
//! its pagination fields.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::fields::Count;

/// The keys an envelope names its list by (as [`Items`] reads them).
pub(crate) const LIST_KEYS: [&[u8]; 4] = [b"data", b"items", b"results", b"result"];

/// JSON's whitespace: space, tab, line feed, carriage return. Not form feed
/// or vertical tab, which `u8::is_ascii_whitespace` also takes (and serde
/// refuses): a document the in-memory path refuses must not pass here.
pub(crate) fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Where a paged list goes on, as its page says.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PageInfo {
    pub items: u64,
    pub next_cursor: Option<String>,
    pub next: Option<String>,
    pub total: Option<u64>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

/// A list of `T` as APIs and exports return it: a bare array, or an envelope
/// with the items under `data`, `items`, `results` or `result` (itself an array
/// or an object with `items`), and pagination fields beside them. Each item
/// goes to `f` as soon as it is read.
pub(crate) struct Items<'f, T> {
    pub(crate) f: &'f mut dyn FnMut(T),
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Items<'_, T> {
    type Value = PageInfo;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<PageInfo, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Items<'_, T> {
    type Value = PageInfo;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array, or an object with `data`, `items`, `results` or `result`")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PageInfo, A::Error> {
        let mut info = PageInfo::default();
        while let Some(item) = seq.next_element()? {
            (self.f)(item);
            info.items += 1;
        }
        Ok(info)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PageInfo, A::Error> {
        let mut out = PageInfo::default();
        let mut found = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "data" | "items" | "results" | "result" => {
                    let inner = map.next_value_seed(Items { f: &mut *self.f })?;
                    found = true;
                    out.items += inner.items;
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
