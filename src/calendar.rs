//! Days as people count them: calendar days between two dates in the local
//! time zone (`TZ`), not 24-hour periods. On 7 December a license that ends
//! on 15 December ends in 8 days, whatever the hour.

use chrono::{DateTime, Local, Utc};

/// Calendar days from `from`'s date to `to`'s date (negative when `to` is earlier).
pub fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to.with_timezone(&Local).date_naive() - from.with_timezone(&Local).date_naive()).num_days()
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
    }
}
