//! `licusage plan` (docs/reference.md, Plan): per series, what the history says was needed
//! (peak, p95, mean, days at the limit, denials), the limit to renew at,
//! what that changes a year, and by when it must be said.
//!
//! The p95 is the nearest-rank percentile of the polled counts over the
//! window; the peak is the largest polled count or the true peak a server
//! log gave, whichever is larger. Recommended = the larger of the peak and
//! p95 × (1 + headroom), rounded up to the pack size. With less history than
//! [`MIN_DAYS`] (or than the window, when it is shorter) nothing is
//! recommended: the figures are shown and the shortfall said.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::history::Sample;
use crate::record::{Record, Thresholds};

/// Days of history a recommendation needs (the window, when shorter).
pub const MIN_DAYS: i64 = 30;
/// `plan --since`'s default, in days (and the window of the metrics).
pub const DEFAULT_DAYS: i64 = 90;
/// A deadline within this many days is `soon`.
pub const SOON_DAYS: i64 = 30;

/// When a decision is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// The deadline has passed or is today.
    ActNow,
    /// Within [`SOON_DAYS`].
    Soon,
    Later,
    /// No renewal or expiry date known.
    Undated,
}

impl When {
    pub fn as_str(self) -> &'static str {
        match self {
            When::ActNow => "act now",
            When::Soon => "soon",
            When::Later => "later",
            When::Undated => "no date",
        }
    }
}

/// One series' renewal decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub source: String,
    pub id: String,
    pub kind: String,
    pub product: String,
    pub metric: String,
    pub unit: String,
    /// The limit today (the read's).
    pub limit: Option<i64>,
    /// Samples in the window, and the days they span (first sample to now).
    pub samples: usize,
    pub history_days: i64,
    pub peak: Option<i64>,
    pub p95: Option<i64>,
    pub mean: Option<f64>,
    /// Calendar days with a sample at or over its limit.
    pub days_at_limit: usize,
    /// Refused checkouts in the window, where a server log is read.
    pub denials: Option<i64>,
    pub headroom: f64,
    pub pack: u64,
    pub recommended: Option<i64>,
    /// recommended − limit: negative is seats to drop.
    pub change: Option<i64>,
    /// What the change costs a year at the seat price (negative: saves).
    pub yearly: Option<f64>,
    pub currency: Option<String>,
    /// The renewal date, else the expiry, and which it is.
    pub date: Option<DateTime<Utc>>,
    pub date_is: Option<&'static str>,
    pub notice_days: i64,
    pub deadline: Option<DateTime<Utc>>,
    pub when: When,
    /// Why there is no recommendation, when there is none.
    pub note: Option<String>,
}

/// The nearest-rank `p`th percentile of `values` (sorted here).
fn percentile(values: &mut [i64], p: f64) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = ((p / 100.0) * values.len() as f64).ceil().max(1.0) as usize;
    values.get(rank - 1).copied()
}

/// `x` rounded up to a multiple of `pack`.
fn round_up(x: i64, pack: u64) -> i64 {
    let pack = i64::try_from(pack.max(1)).unwrap_or(i64::MAX);
    x.div_euclid(pack).saturating_add(i64::from(x.rem_euclid(pack) != 0)).saturating_mul(pack)
}

/// The decision for `record` (today's read) from its `samples` over a window
/// of `window_days`, with the series' thresholds `t`.
pub fn decide(record: &Record, samples: &[Sample], t: &Thresholds, window_days: i64, now: DateTime<Utc>) -> Decision {
    let mut used: Vec<i64> = samples.iter().filter_map(|s| s.used).collect();
    let polled_max = used.iter().copied().max();
    let true_peak = samples.iter().filter_map(|s| s.peak).max();
    let peak = polled_max.max(true_peak);
    let mean = (!used.is_empty()).then(|| used.iter().sum::<i64>() as f64 / used.len() as f64);
    let p95 = percentile(&mut used, 95.0);
    let mut full_days: Vec<chrono::NaiveDate> = samples
        .iter()
        .filter(|s| matches!((s.used, s.limit), (Some(u), Some(l)) if u >= l && !(u == 0 && l == 0)))
        .map(|s| crate::calendar::date_of(s.at))
        .collect();
    full_days.dedup();
    let denials = samples.iter().filter_map(|s| s.denials).reduce(|a, b| a + b);
    let history_days = samples.first().map(|s| crate::calendar::days_between(s.at, now)).unwrap_or(0);
    let needed = MIN_DAYS.min(window_days);
    let note = match samples.len() {
        0 => Some("no history in the window: run `licusage record` from cron".to_string()),
        _ if history_days < needed => Some(format!("{history_days} days of history; {needed} needed")),
        _ if p95.is_none() => Some("no counts in the history".to_string()),
        _ => None,
    };
    let recommended = match (note.is_none(), p95, peak) {
        (true, Some(p95), Some(peak)) => {
            // 100 × 1.1 is 110.00000000000001 in binary: not a reason for 111.
            let x = p95 as f64 * (1.0 + t.headroom);
            let margin = (x - x.abs() * 1e-12).ceil() as i64;
            Some(round_up(peak.max(margin), t.pack))
        }
        _ => None,
    };
    let limit = record.limit.and_then(|l| i64::try_from(l).ok());
    let change = recommended.zip(limit).map(|(r, l)| r - l);
    let price = record.details.get("unit_price").and_then(serde_json::Value::as_f64);
    let currency = record.details.get("currency").and_then(serde_json::Value::as_str).map(str::to_string);
    let yearly = change.zip(price).map(|(c, p)| c as f64 * p);
    let renewal = record
        .details
        .get("renewal_date")
        .and_then(serde_json::Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc));
    let (date, date_is) = match (renewal, record.expires_at) {
        (Some(r), _) => (Some(r), Some("renews")),
        (None, Some(e)) => (Some(e), Some("expires")),
        (None, None) => (None, None),
    };
    let deadline = date.map(|d| d - chrono::Duration::days(t.notice_days));
    let when = match deadline.map(|d| crate::calendar::days_between(now, d)) {
        None => When::Undated,
        Some(days) if days <= 0 => When::ActNow,
        Some(days) if days <= SOON_DAYS => When::Soon,
        Some(_) => When::Later,
    };
    Decision {
        source: record.source.clone(),
        id: record.key(),
        kind: record.kind.clone(),
        product: record.product.clone(),
        metric: record.metric.clone(),
        unit: record.unit.clone(),
        limit,
        samples: samples.len(),
        history_days,
        peak,
        p95,
        mean,
        days_at_limit: full_days.len(),
        denials,
        headroom: t.headroom,
        pack: t.pack,
        recommended,
        change,
        yearly,
        currency: currency.filter(|_| yearly.is_some()),
        date,
        date_is,
        notice_days: t.notice_days,
        deadline,
        when,
        note,
    }
}

/// The decisions due now or within [`SOON_DAYS`], by deadline: what a
/// report opens with.
pub fn due(decisions: impl IntoIterator<Item = Decision>) -> Vec<Decision> {
    let mut due: Vec<Decision> = decisions.into_iter().filter(|d| matches!(d.when, When::ActNow | When::Soon)).collect();
    sort(&mut due);
    due
}

/// By deadline (undated last), then by name.
pub fn sort(decisions: &mut [Decision]) {
    decisions.sort_by(|a, b| {
        (a.deadline.is_none(), a.deadline, &a.source, &a.product, &a.metric).cmp(&(
            b.deadline.is_none(),
            b.deadline,
            &b.source,
            &b.product,
            &b.metric,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank_and_packs_round_up() {
        let mut v: Vec<i64> = (1..=100).collect();
        assert_eq!(percentile(&mut v, 95.0), Some(95));
        assert_eq!(percentile(&mut [7], 95.0), Some(7));
        // 20 values: rank ceil(19) = 19th.
        let mut twenty: Vec<i64> = (1..=20).rev().collect();
        assert_eq!(percentile(&mut twenty, 95.0), Some(19));
        assert_eq!(percentile(&mut [], 95.0), None);
        assert_eq!((round_up(319, 5), round_up(320, 5), round_up(0, 5), round_up(7, 1)), (320, 320, 0, 7));
    }
}
