//! Days as people count them: calendar days between two dates in the
//! configured time zone (`[defaults] timezone`, else the machine's: `TZ`),
//! not 24-hour periods. On 7 December a license that ends on 15 December ends
//! in 8 days, whatever the hour.

use std::sync::RwLock;

use chrono::{DateTime, Local, NaiveDate, Utc};

/// A time zone by its IANA name (`Europe/Berlin`), checked when the config is read.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone(jiff::tz::TimeZone);

impl Zone {
    pub fn named(name: &str) -> Result<Zone, String> {
        jiff::tz::TimeZone::get(name)
            .map(Zone)
            .map_err(|_| format!("unknown time zone {name:?}: give an IANA name like \"Europe/Berlin\" or \"UTC\""))
    }
}

/// The zone days are counted in; `None` is the machine's.
static ZONE: RwLock<Option<Zone>> = RwLock::new(None);

/// Count days in `zone` from now on (`None`: the machine's), as the config says.
pub fn use_zone(zone: Option<Zone>) {
    if let Ok(mut z) = ZONE.write() {
        *z = zone;
    }
}

/// The date `t` falls on in `zone` (`None`: the machine's).
fn date_in(zone: Option<&Zone>, t: DateTime<Utc>) -> NaiveDate {
    let zoned = zone.and_then(|Zone(tz)| {
        let date = jiff::Timestamp::from_second(t.timestamp()).ok()?.to_zoned(tz.clone()).date();
        NaiveDate::from_ymd_opt(i32::from(date.year()), u32::try_from(date.month()).ok()?, u32::try_from(date.day()).ok()?)
    });
    zoned.unwrap_or_else(|| t.with_timezone(&Local).date_naive())
}

/// Calendar days from `from`'s date to `to`'s date in `zone`.
fn days_in(zone: Option<&Zone>, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (date_in(zone, to) - date_in(zone, from)).num_days()
}

/// The date `t` falls on where days are counted.
pub fn date_of(t: DateTime<Utc>) -> NaiveDate {
    let zone = ZONE.read().ok().and_then(|z| z.clone());
    date_in(zone.as_ref(), t)
}

/// Calendar days from `from`'s date to `to`'s date (negative when `to` is
/// earlier), where days are counted.
pub fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let zone = ZONE.read().ok().and_then(|z| z.clone());
    days_in(zone.as_ref(), from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
    }

    #[test]
    fn days_are_calendar_days() {
        std::env::set_var("TZ", "UTC");
        assert_eq!(days_between(at("2026-12-07T12:00:00Z"), at("2026-12-15T00:00:00Z")), 8);
        assert_eq!(days_between(at("2026-12-07T23:59:00Z"), at("2026-12-08T00:01:00Z")), 1);
        assert_eq!(days_between(at("2026-12-07T00:01:00Z"), at("2026-12-07T23:59:00Z")), 0);
        assert_eq!(days_between(at("2026-12-07T12:00:00Z"), at("2026-11-28T00:00:00Z")), -9);
        // Late on the 7th in UTC is the 8th in Auckland: a day less to the 15th.
        let auckland = Zone::named("Pacific/Auckland").ok();
        assert_eq!(days_in(auckland.as_ref(), at("2026-12-07T23:30:00Z"), at("2026-12-15T00:00:00Z")), 7);
        assert_eq!(days_in(Zone::named("UTC").ok().as_ref(), at("2026-12-07T23:30:00Z"), at("2026-12-15T00:00:00Z")), 8);
        assert!(Zone::named("Mars/Olympus").unwrap_err().contains("unknown time zone \"Mars/Olympus\""));
    }
}
