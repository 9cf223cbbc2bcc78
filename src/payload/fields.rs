//! The fields vendors write loosely, read strictly: counts that are never
//! negative or inexact, timestamps in the forms vendors use.

use std::fmt;
use std::marker::PhantomData;

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

/// A non-negative amount, whole or not (days, a price).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Amount(pub f64);

/// A kind of number, and how it takes each JSON number, or a number
/// written as a string (where the reader takes strings).
trait Numeric: Sized {
    const EXPECTING: &'static str;
    fn from_u64(v: u64) -> Result<Self, String>;
    fn from_i64(v: i64) -> Result<Self, String>;
    fn from_f64(v: f64) -> Result<Self, String>;
    fn from_text(v: &str) -> Result<Self, String>;
}

impl Numeric for Count {
    const EXPECTING: &'static str = "a non-negative integer";

    fn from_u64(v: u64) -> Result<Self, String> {
        match v > Count::MAX {
            true => Err(format!("count {v} is too large (more than {})", Count::MAX)),
            false => Ok(Count(v)),
        }
    }

    fn from_i64(v: i64) -> Result<Self, String> {
        u64::try_from(v).map(Count).map_err(|_| format!("negative count {v}"))
    }

    fn from_f64(v: f64) -> Result<Self, String> {
        // From 2^53 on a float no longer holds every whole number: such a
        // count (or one past u64, which JSON parsers read as a float) would
        // come out silently wrong.
        const EXACT: f64 = 9_007_199_254_740_992.0;
        if v < 0.0 {
            Err(format!("negative count {v}"))
        } else if !v.is_finite() || v >= EXACT {
            Err(format!("count {v} is too large to be exact"))
        } else if v.fract() != 0.0 {
            Err(format!("count {v} is not a whole number"))
        } else {
            Ok(Count(v as u64))
        }
    }

    fn from_text(v: &str) -> Result<Self, String> {
        v.trim().parse::<u64>().map_err(|_| format!("expected a non-negative integer, found {v:?}")).and_then(Self::from_u64)
    }
}

impl Numeric for Amount {
    const EXPECTING: &'static str = "a non-negative number";

    fn from_u64(v: u64) -> Result<Self, String> {
        Ok(Amount(v as f64))
    }

    fn from_i64(v: i64) -> Result<Self, String> {
        Self::from_f64(v as f64)
    }

    fn from_f64(v: f64) -> Result<Self, String> {
        match v.is_finite() && v >= 0.0 {
            true => Ok(Amount(v)),
            false => Err(format!("expected a non-negative number, found {v}")),
        }
    }

    fn from_text(v: &str) -> Result<Self, String> {
        v.trim().parse::<f64>().map_err(|_| format!("expected a non-negative number, found {v:?}")).and_then(Self::from_f64)
    }
}

/// The one reader of numbers: JSON numbers, and numeric strings when `text`.
struct Numbers<T> {
    text: bool,
    kind: PhantomData<T>,
}

impl<T: Numeric> Visitor<'_> for Numbers<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_u64(v).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_i64(v).map_err(E::custom)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        T::from_f64(v).map_err(E::custom)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        match self.text {
            true => T::from_text(v).map_err(E::custom),
            false => Err(E::invalid_type(de::Unexpected::Str(v), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Numbers { text: false, kind: PhantomData })
    }
}

/// A number that may come as a string (`"25"`), as license files write them.
struct Loose<T>(T);

impl<'de, T: Numeric> Deserialize<'de> for Loose<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Numbers { text: true, kind: PhantomData }).map(Loose)
    }
}

/// Deserialize into `Option<u64>` through [`Count`].
pub fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<Count>::deserialize(d)?.map(|c| c.0))
}

/// A count as a number (the usual rules: whole, not negative) or a numeric string.
pub fn loose_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<Loose<Count>>::deserialize(d)?.map(|c| c.0 .0))
}

/// A non-negative number, possibly a fraction, or a numeric string.
pub fn loose_amount<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(Option::<Loose<Amount>>::deserialize(d)?.map(|a| a.0 .0))
}

/// A point in time, as vendors write it: RFC 3339, an ISO 8601 date-time
/// without offset (taken as UTC), or a bare date (midnight UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// Years 1 to 9999 only: RFC 3339, which licusage writes, has four digits.
    pub fn parse(s: &str) -> Option<Self> {
        use chrono::Datelike;
        Self::canonical(s).or_else(|| Self::parse_any(s).filter(|t| (1..=9999).contains(&t.0.year())))
    }

    /// `2026-01-31T23:59:59Z` exactly, the form nearly every API writes
    /// (a million of them in an export), read without chrono's general
    /// parser. Anything else, or a time that does not exist (a leap second,
    /// February 30th, year 0), is left to the general way, which gives the
    /// same answer for whatever this one reads.
    fn canonical(s: &str) -> Option<Self> {
        let b: &[u8; 20] = s.as_bytes().try_into().ok()?;
        if (b[4], b[7], b[10], b[13], b[16], b[19]) != (b'-', b'-', b'T', b':', b':', b'Z') {
            return None;
        }
        let n =
            |from: usize, to: usize| b[from..to].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')));
        let year = n(0, 4).filter(|y| *y >= 1)?;
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, n(5, 7)?, n(8, 10)?)?;
        Some(Timestamp(date.and_hms_opt(n(11, 13)?, n(14, 16)?, n(17, 19)?)?.and_utc()))
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4_000))]

        /// The canonical form's reader gives chrono's answer wherever it
        /// gives one, and `parse` the general way's everywhere.
        #[test]
        fn the_canonical_form_reads_as_chrono_does(y in 0u32..10_000, mo in 0u32..14, d in 0u32..33, h in 0u32..26, mi in 0u32..62, s in 0u32..62) {
            use chrono::Datelike;
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
            let general = Timestamp::parse_any(&text).filter(|t| (1..=9999).contains(&t.0.year()));
            proptest::prop_assert_eq!(Timestamp::parse(&text), general);
            if let Some(fast) = Timestamp::canonical(&text) {
                proptest::prop_assert_eq!(Some(fast), general);
            }
        }

        #[test]
        fn any_text_reads_as_chrono_does(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}[Zz+-]|[0-9T:Z+ -]{18,22}|\\PC{0,24}") {
            use chrono::Datelike;
            let general = Timestamp::parse_any(&text).filter(|t| (1..=9999).contains(&t.0.year()));
            proptest::prop_assert_eq!(Timestamp::parse(&text), general);
        }
    }

    #[test]
    fn the_common_form_takes_the_short_way_and_the_rest_the_general_one() {
        let t = |s: &str| Timestamp::parse(s).map(|t| t.0.to_rfc3339());
        assert!(Timestamp::canonical("2026-01-31T23:59:59Z").is_some());
        assert_eq!(t("2026-01-31T23:59:59Z").as_deref(), Some("2026-01-31T23:59:59+00:00"));
        // A leap second, a lower-case `t`, an offset: chrono's.
        for s in ["2016-12-31T23:59:60Z", "2026-01-31t23:59:59Z", "2026-01-31T23:59:59+01:00"] {
            assert!(Timestamp::canonical(s).is_none() && Timestamp::parse(s).is_some(), "{s}");
        }
        assert_eq!(t("2016-12-31T23:59:60Z").as_deref(), Some("2016-12-31T23:59:60+00:00"));
        // Nothing that does not exist.
        for s in ["2026-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-13-01T00:00:00Z"] {
            assert_eq!(t(s), None, "{s}");
        }
    }

    #[derive(Debug, Deserialize)]
    struct Loosely {
        #[serde(default, deserialize_with = "loose_count")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "loose_amount")]
        x: Option<f64>,
    }

    fn loosely(json: &str) -> Result<(Option<u64>, Option<f64>), String> {
        serde_json::from_str::<Loosely>(json).map(|l| (l.n, l.x)).map_err(|e| e.to_string())
    }

    /// License files write numbers as strings: read as the number, by the same rules.
    #[test]
    fn loose_numbers_take_numeric_strings_by_the_same_rules() {
        assert_eq!(loosely(r#"{"n": "25", "x": " 2.5 "}"#), Ok((Some(25), Some(2.5))));
        assert_eq!(loosely(r#"{"n": 25.0, "x": 3}"#), Ok((Some(25), Some(3.0))));
        assert_eq!(loosely(r#"{"n": null}"#), Ok((None, None)));
        assert_eq!(loosely("{}"), Ok((None, None)));
        let error = |json: &str| loosely(json).err().unwrap_or_default();
        assert!(error(r#"{"n": "-3"}"#).starts_with("expected a non-negative integer, found \"-3\""), "{}", error(r#"{"n": "-3"}"#));
        assert!(error(r#"{"n": -3}"#).starts_with("negative count -3"));
        assert!(error(r#"{"n": "99999999999999999999"}"#).starts_with("expected a non-negative integer"));
        assert!(error(r#"{"n": "9223372036854775808"}"#).starts_with("count 9223372036854775808 is too large"));
        assert!(error(r#"{"x": -0.5}"#).starts_with("expected a non-negative number, found -0.5"));
        assert!(error(r#"{"x": "NaN"}"#).starts_with("expected a non-negative number, found NaN"));
        assert!(error(r#"{"x": true}"#).starts_with("invalid type: boolean `true`, expected a non-negative number"));
    }

    /// A strict count takes no string: an API that sends `"25"` changed its shape.
    #[test]
    fn a_strict_count_refuses_strings() {
        let e = serde_json::from_str::<Count>(r#""25""#).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("invalid type: string \"25\", expected a non-negative integer"), "{e}");
    }
}
