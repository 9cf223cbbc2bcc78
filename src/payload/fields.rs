//! The fields vendors write loosely, read strictly: counts that are never
//! negative or inexact, timestamps in the forms vendors use.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A count of seats or units: a non-negative integer (a whole float such as
/// `10.0` is accepted, since some exporters write numbers that way), at most
/// [`Count::MAX`], so that a balance (limit − used) is always exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Count(pub u64);

impl Count {
    /// The largest count a record holds exactly: `i64::MAX`, the range of a balance.
    pub const MAX: u64 = i64::MAX as u64;
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-negative integer")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                if v > Count::MAX {
                    return Err(E::custom(format!("count {v} is too large (more than {})", Count::MAX)));
                }
                Ok(Count(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v).map(Count).map_err(|_| E::custom(format!("negative count {v}")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                // From 2^53 on a float no longer holds every whole number: such a
                // count (or one past u64, which JSON parsers read as a float)
                // would come out silently wrong.
                const EXACT: f64 = 9_007_199_254_740_992.0;
                if v < 0.0 {
                    Err(E::custom(format!("negative count {v}")))
                } else if !v.is_finite() || v >= EXACT {
                    Err(E::custom(format!("count {v} is too large to be exact")))
                } else if v.fract() != 0.0 {
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
    /// Years 1 to 9999 only: RFC 3339, which licusage writes, has four digits.
    pub fn parse(s: &str) -> Option<Self> {
        use chrono::Datelike;
        Self::parse_any(s).filter(|t| (1..=9999).contains(&t.0.year()))
    }

    fn parse_any(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(Timestamp(t.with_timezone(&Utc)));
        }
        // ISO 8601 to the minute, as 4D prints session times: `2021-12-01T15:36+01:00`.
        if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z") {
            return Some(Timestamp(t.with_timezone(&Utc)));
        }
        if let Some(t) = s.strip_suffix('Z').and_then(|s| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok()) {
            return Some(Timestamp(t.and_utc()));
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
                return Some(Timestamp(t.and_utc()));
            }
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| Timestamp(t.and_utc()))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor, so that the text is read where it lies, never copied.
        struct V;
        impl Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date-time string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Timestamp, E> {
                Timestamp::parse(s).ok_or_else(|| E::custom(format!("invalid date {s:?}: expected RFC 3339 (2026-01-31T23:59:59Z)")))
            }
        }
        d.deserialize_str(V)
    }
}

/// A time that only describes (a holder's session start): one that cannot
/// be read is left out, never the reason a source fails.
pub fn lenient_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Timestamp::parse(&s).map(|t| t.0),
        _ => None,
    })
}

/// Deserialize into `Option<DateTime<Utc>>` through [`Timestamp`].
pub fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<Timestamp>::deserialize(d)?.map(|t| t.0))
}
