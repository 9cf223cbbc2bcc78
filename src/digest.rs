//! What `licusage report` says (the README, report), gathered once and handed to its
//! renderers: a read of the sources (with the seats idle past `--idle`
//! counted per series, not listed), the history of each series, what unused
//! and idle seats cost, and what expires or renews soon.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::history::SeriesHistory;
use crate::record::{Record, Seating, Status};
use crate::report::Report;

/// Seats idle past `--idle`, counted per (source, product, metric), with
/// their price a seat a year when known.
pub type IdleSeats = BTreeMap<(String, String, String), (u64, Option<(f64, String)>)>;

/// How far ahead expiries and renewals are listed.
pub const AHEAD_DAYS: i64 = 90;

#[derive(Debug)]
pub struct Digest {
    pub generated_at: DateTime<Utc>,
    pub since: std::time::Duration,
    pub idle_days: i64,
    pub report: Report,
    /// The history of each series, or why there is none.
    pub history: Result<Vec<SeriesHistory>, NoHistory>,
    /// Seats held but unused for `idle_days` or more, per series.
    pub reclaim: Vec<Seats>,
    /// Named seats bought and not held (limit − used), per series.
    pub unused: Vec<Seats>,
    /// Floating licenses not checked out now (limit − used), per series:
    /// apart, since a free floating license is not a wasted one.
    pub floating: Vec<Seats>,
    pub ahead: Vec<Due>,
    /// `plan`'s decisions due now or within [`crate::plan::SOON_DAYS`], by deadline.
    pub due: Vec<crate::plan::Decision>,
    /// The page reloads itself every this many seconds (`serve`'s `/`).
    pub refresh: Option<u64>,
}

/// Why a report has no charts.
#[derive(Debug, Clone)]
pub struct NoHistory {
    /// Where the history was looked for.
    pub at: crate::history::Location,
}

/// A number of seats of one series, and what they cost a year when priced.
#[derive(Debug, Clone, PartialEq)]
pub struct Seats {
    pub source: String,
    pub product: String,
    pub metric: String,
    pub seats: u64,
    /// Per seat per year, and the currency.
    pub price: Option<(f64, String)>,
}

impl Seats {
    pub fn cost(&self) -> Option<(f64, &str)> {
        self.price.as_ref().map(|(p, c)| (p * self.seats as f64, c.as_str()))
    }
}

/// Costs summed per currency.
pub fn totals<'a>(seats: impl IntoIterator<Item = &'a Seats>) -> BTreeMap<String, f64> {
    let mut sums = BTreeMap::new();
    for s in seats {
        if let Some((cost, currency)) = s.cost() {
            *sums.entry(currency.to_string()).or_insert(0.0) += cost;
        }
    }
    sums
}

/// Something that expires or renews within [`AHEAD_DAYS`].
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub at: DateTime<Utc>,
    pub source: String,
    pub product: String,
    pub metric: String,
    /// `expires` or `renews`.
    pub what: &'static str,
    pub auto_renew: Option<bool>,
}

/// The unit price a record's details carry, when they carry one.
fn price_of(record: &Record) -> Option<(f64, String)> {
    let price = record.details.get("unit_price").and_then(serde_json::Value::as_f64)?;
    let currency = record.details.get("currency").and_then(serde_json::Value::as_str)?;
    Some((price, currency.to_string()))
}

impl Digest {
    /// `idle`: the holders idle past `idle_days`, counted per (source, product, metric).
    pub fn new(
        report: Report,
        history: Result<Vec<SeriesHistory>, NoHistory>,
        idle: IdleSeats,
        since: std::time::Duration,
        idle_days: i64,
        now: DateTime<Utc>,
    ) -> Self {
        // Money only on seats: not documents or signatures, free plans or expired licenses.
        let seating: BTreeMap<(&str, &str, &str), Seating> =
            report.records.iter().map(|r| ((r.source.as_str(), r.product.as_str(), r.metric.as_str()), r.seating(now))).collect();
        let reclaim = idle
            .into_iter()
            .filter(|((source, product, metric), _)| {
                seating.get(&(source.as_str(), product.as_str(), metric.as_str())) == Some(&Seating::Named)
            })
            .map(|((source, product, metric), (seats, price))| Seats { source, product, metric, seats, price })
            .collect();
        let left = |want: Seating| -> Vec<Seats> {
            report
                .records
                .iter()
                .filter(|r| r.seating(now) == want)
                .filter_map(|r| {
                    let left = r.balance.filter(|b| *b > 0)?;
                    Some(Seats {
                        source: r.source.clone(),
                        product: r.product.clone(),
                        metric: r.metric.clone(),
                        seats: left as u64,
                        price: price_of(r),
                    })
                })
                .collect()
        };
        let (unused, floating) = (left(Seating::Named), left(Seating::Floating));
        let until = now + Duration::days(AHEAD_DAYS);
        let mut ahead = Vec::new();
        for r in &report.records {
            let auto_renew = r.details.get("auto_renew").and_then(serde_json::Value::as_bool).or(r.renews.then_some(true));
            let due = |at: DateTime<Utc>, what| Due {
                at,
                source: r.source.clone(),
                product: r.product.clone(),
                metric: r.metric.clone(),
                what,
                auto_renew,
            };
            if let Some(at) = r.expires_at.filter(|t| *t <= until) {
                ahead.push(due(at, "expires"));
            }
            let renewal =
                r.details.get("renewal_date").and_then(serde_json::Value::as_str).and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            if let Some(at) = renewal.map(|t| t.with_timezone(&Utc)).filter(|t| *t <= until && *t >= now) {
                ahead.push(due(at, "renews"));
            }
        }
        ahead.sort_by(|a, b| (a.at, &a.source, &a.product).cmp(&(b.at, &b.source, &b.product)));
        Digest { generated_at: now, since, idle_days, report, history, reclaim, unused, floating, ahead, due: Vec::new(), refresh: None }
    }

    /// How many series are in each state, in the order ok, warning, critical, unknown.
    pub fn by_status(&self) -> [(Status, usize); 4] {
        [Status::Ok, Status::Warning, Status::Critical, Status::Unknown]
            .map(|s| (s, self.report.records.iter().filter(|r| r.status == s).count()))
    }
}

/// A holder sink counting, per series, the seats idle `idle` days or more
/// (`[holders] exempt` and `grace` never are) and their price, as they stream
/// by (never kept): for `report` and `notify --digest`.
pub fn idle_counter(
    reclaim: crate::config::Reclaim,
    idle: i64,
    now: DateTime<Utc>,
) -> (crate::read::HolderSink, std::sync::Arc<std::sync::Mutex<IdleSeats>>) {
    use std::sync::{Arc, Mutex};
    let seats: Arc<Mutex<IdleSeats>> = Arc::default();
    let counted = seats.clone();
    let sink = crate::read::HolderSink {
        wanted: Arc::new(move |h| {
            h.age(now);
            reclaim.idle(h, idle, now)
        }),
        render: None,
        details: false,
        write: Arc::new(move |kept| {
            let Some(h) = kept.into_holder() else { return };
            if let Ok(mut seats) = counted.lock() {
                let entry = seats.entry((h.source.to_string(), h.product.to_string(), h.metric.to_string())).or_insert((0, None));
                entry.0 += 1;
                if let Some((price, currency)) = h.price {
                    entry.1 = Some((price, currency.to_string()));
                }
            }
        }),
    };
    (sink, seats)
}

/// The decisions for `records` over `plan`'s default window, from the
/// history where there is one (Prometheus: `show`, `serve`): without it, or
/// when it cannot be read, dates and deadlines only.
pub fn decisions_for(config: &crate::config::Config, records: &[Record], now: DateTime<Utc>) -> Vec<crate::plan::Decision> {
    let at = config.history_location().ok();
    let store = at.filter(|at| at.exists()).and_then(|at| crate::history::Store::peek(&at).ok());
    let from = now - chrono::Duration::days(crate::plan::DEFAULT_DAYS);
    let samples = store.as_ref().and_then(|s| s.samples_of(records, from).ok()).unwrap_or_else(|| vec![Vec::new(); records.len()]);
    records
        .iter()
        .zip(samples)
        .map(|(r, samples)| {
            crate::plan::decide(r, &samples, &config.thresholds_for(&r.source, &r.product, &r.metric), crate::plan::DEFAULT_DAYS, now)
        })
        .collect()
}
