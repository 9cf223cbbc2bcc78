//! The one record shape every vendor is normalized into (docs/reference.md, Records), and the
//! threshold evaluation that sets its `status` and `reasons` (docs/reference.md, Thresholds).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Health of one record after thresholds and expiry. Ordered by severity so
/// that the worst of several findings is `max()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Ok,
    Unknown,
    Warning,
    Critical,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Unknown => "unknown",
            Status::Warning => "warning",
            Status::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One licensed series: what is counted for which product, from which source.
/// Field order is the JSON field order, which scripts depend on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub source: String,
    /// The series' identity within its source: the vendor's own id where it
    /// has one, else `product/metric`. History, `diff`, perfdata and
    /// Prometheus key on (source, id). Empty only in documents written before
    /// it existed.
    #[serde(default)]
    pub id: String,
    pub kind: String,
    pub product: String,
    pub metric: String,
    /// What `used`, `limit` and `balance` count: `seats`, `documents`,
    /// `connections`, `signatures`, … Series of different units never add up.
    #[serde(default = "seats")]
    pub unit: String,
    pub used: Option<u64>,
    pub limit: Option<u64>,
    pub balance: Option<i64>,
    pub utilization: Option<f64>,
    #[serde(with = "rfc3339_opt")]
    pub expires_at: Option<DateTime<Utc>>,
    pub status: Status,
    pub reasons: Vec<String>,
    pub details: Map<String, Value>,
    /// Whether the license renews by itself: an expiry then is at most a
    /// warning. Set by the kind; not part of the JSON (its details say why).
    #[serde(skip)]
    pub renews: bool,
    /// The thresholds it was evaluated against (for Prometheus, which lets
    /// alert rules follow the config); not part of the JSON.
    #[serde(skip)]
    pub thresholds: Option<Thresholds>,
    /// Whether its licenses float (any user checks one out while working)
    /// rather than being assigned; set by the kind; not part of the JSON.
    #[serde(skip)]
    pub floating: bool,
}

/// What a record's units are when money is counted on them (unused and idle
/// seats): seats held by someone, licenses that float, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seating {
    /// Seats assigned to people: unused ones are bought and not assigned.
    Named,
    /// Licenses checked out while in use: free ones now are not wasted.
    Floating,
    /// Not seats (documents, signatures…), a free plan, or an expired license.
    Neither,
}

/// The units that are seats: what unused and idle money counts.
pub const SEAT_UNITS: &[&str] = &["seats", "users", "licenses"];

impl Record {
    /// A record with balance and utilization derived from `used` and `limit`.
    /// `source` and `kind` are stamped by the caller that knows the source.
    pub fn new(product: impl Into<String>, metric: impl Into<String>, used: Option<u64>, limit: Option<u64>) -> Self {
        // Exact or nothing: parsers keep counts within i64, so this never fails for them.
        let balance = match (used, limit) {
            (Some(u), Some(l)) => i64::try_from(l).ok().zip(i64::try_from(u).ok()).and_then(|(l, u)| l.checked_sub(u)),
            _ => None,
        };
        let utilization = match (used, limit) {
            (Some(u), Some(l)) if l > 0 => Some(u as f64 / l as f64),
            _ => None,
        };
        let (product, metric) = (product.into(), metric.into());
        Record {
            source: String::new(),
            id: format!("{product}/{metric}"),
            kind: String::new(),
            product,
            metric,
            unit: seats(),
            used,
            limit,
            balance,
            utilization,
            expires_at: None,
            status: Status::Ok,
            reasons: Vec::new(),
            details: Map::new(),
            renews: false,
            thresholds: None,
            floating: false,
        }
    }

    /// Licenses that float (checked out while in use), not assigned.
    pub fn floating(mut self, floating: bool) -> Self {
        self.floating = floating;
        self
    }

    /// What the units are when money is counted on them, as of `now`: a
    /// seat unit, not a free plan (`details.free`, a price of 0), not expired;
    /// floating when the kind says so or the metric is `concurrent`/`floating`.
    pub fn seating(&self, now: DateTime<Utc>) -> Seating {
        let free = self.details.get("free").and_then(Value::as_bool) == Some(true)
            || self.details.get("unit_price").and_then(Value::as_f64) == Some(0.0);
        let expired = self.expires_at.is_some_and(|t| t <= now);
        if !SEAT_UNITS.contains(&self.unit.as_str()) || free || expired {
            return Seating::Neither;
        }
        match self.floating || matches!(self.metric.to_ascii_lowercase().as_str(), "concurrent" | "floating") {
            true => Seating::Floating,
            false => Seating::Named,
        }
    }

    /// What the counts count, when it is not seats.
    pub fn unit(mut self, unit: &str) -> Self {
        self.unit = unit.to_string();
        self
    }

    /// The vendor's own id for this series, when it has one.
    pub fn with_id(mut self, id: Option<impl Into<String>>) -> Self {
        if let Some(id) = id {
            self.id = id.into();
        }
        self
    }

    /// Whether the id is the vendor's own rather than `product/metric`.
    pub fn has_own_id(&self) -> bool {
        !self.id.is_empty() && self.id != format!("{}/{}", self.product, self.metric)
    }

    /// The id to key on: `product/metric` for a record from before ids.
    pub fn key(&self) -> String {
        if self.id.is_empty() {
            format!("{}/{}", self.product, self.metric)
        } else {
            self.id.clone()
        }
    }

    pub fn expires(mut self, at: Option<DateTime<Utc>>) -> Self {
        self.expires_at = at;
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        let value = value.into();
        if !value.is_null() {
            self.details.insert(key.to_string(), value);
        }
        self
    }

    /// Raise the status to at least `status`, recording why.
    pub fn flag(&mut self, status: Status, reason: impl Into<String>) {
        self.status = self.status.max(status);
        self.reasons.push(reason.into());
    }

    /// `used` of `limit` in percent for display, rounded down to a tenth from
    /// the exact counts, so that the number shown never crosses a threshold
    /// the status did not (1,899 of 2,000 is 94.9%, not 95%).
    pub fn percent_used(&self) -> Option<String> {
        match (self.used, self.limit) {
            (Some(u), Some(l)) if l > 0 => Some(tenths(u128::from(u) * 1000 / u128::from(l))),
            _ => None,
        }
    }

    /// The `source/product/metric` name of this series.
    pub fn series(&self) -> String {
        format!("{}/{}/{}", self.source, self.product, self.metric)
    }
}

fn seats() -> String {
    "seats".to_string()
}

/// Thresholds (docs/reference.md). Percentages are of the limit; `*_free` are seats left.
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    pub warn: f64,
    pub crit: f64,
    /// `check -w`/`-c`: Nagios ranges on utilization in percent, in place of
    /// `warn`/`crit` when given.
    pub warn_range: Option<crate::range::Range>,
    pub crit_range: Option<crate::range::Range>,
    pub warn_free: Option<i64>,
    pub crit_free: Option<i64>,
    pub expiry_warn_days: i64,
    pub expiry_crit_days: i64,
    /// `plan`: the margin over the p95 a recommendation keeps (0.1: 10%).
    pub headroom: f64,
    /// `plan`: licenses are bought in packs of this many.
    pub pack: u64,
    /// `plan`: how many days before the renewal or expiry the decision is due.
    pub notice_days: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            warn: 80.0,
            crit: 95.0,
            warn_range: None,
            crit_range: None,
            warn_free: None,
            crit_free: None,
            expiry_warn_days: 30,
            expiry_crit_days: 7,
            headroom: 0.1,
            pack: 1,
            notice_days: 30,
        }
    }
}

/// `98.2` for 98.2, `95` for 95: a threshold as configured, short.
pub fn percent(value: f64) -> String {
    let s = format!("{value:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// `949` tenths as `94.9`, `950` as `95`.
fn tenths(n: u128) -> String {
    match n % 10 {
        0 => (n / 10).to_string(),
        d => format!("{}.{d}", n / 10),
    }
}

/// Set `status` and `reasons` from the thresholds, on top of whatever the vendor
/// itself reported (an expired or over-allocated license, say).
pub fn evaluate(record: &mut Record, t: &Thresholds, now: DateTime<Utc>) {
    record.thresholds = Some(t.clone());
    if let (Some(used), Some(limit)) = (record.used, record.limit) {
        if used > limit {
            record.flag(Status::Critical, format!("over limit by {}", used - limit));
        } else if limit > 0 {
            // Compared on the counts (used × 100 against pct × limit), not on
            // a rounded utilization: 29 of 100 is 29%, not 28.999…%.
            let reached = |pct: f64| used as f64 * 100.0 >= pct * limit as f64;
            let shown = record.percent_used().unwrap_or_default();
            let pct = used as f64 * 100.0 / limit as f64;
            let outside = |r: &crate::range::Range| match r.inside {
                true => format!("utilization {shown}% inside {}%", r.bounds()),
                false => format!("utilization {shown}% outside {}%", r.bounds()),
            };
            match (t.crit_range, t.warn_range) {
                (Some(c), _) if c.alerts(pct) => record.flag(Status::Critical, outside(&c)),
                (None, _) if reached(t.crit) => record.flag(Status::Critical, format!("utilization {shown}% >= {}%", percent(t.crit))),
                (_, Some(w)) if w.alerts(pct) => record.flag(Status::Warning, outside(&w)),
                (_, None) if reached(t.warn) => record.flag(Status::Warning, format!("utilization {shown}% >= {}%", percent(t.warn))),
                _ => {}
            }
        }
        if limit > 0 && used <= limit {
            if let Some(balance) = record.balance {
                if let Some(crit) = t.crit_free.filter(|c| balance <= *c) {
                    record.flag(Status::Critical, format!("{balance} free <= {crit}"));
                } else if let Some(warn) = t.warn_free.filter(|w| balance <= *w) {
                    record.flag(Status::Warning, format!("{balance} free <= {warn}"));
                }
            }
        }
    }
    if let Some(expires) = record.expires_at {
        // An auto-renewing license is expected to roll over: never worse than warning.
        let cap = if record.renews { Status::Warning } else { Status::Critical };
        // Calendar days, as the date reads: not 24-hour periods.
        let days = crate::calendar::days_between(now, expires);
        if expires <= now {
            let when = match -days {
                ..=0 => "expired today".to_string(),
                1 => "expired 1 day ago".to_string(),
                n => format!("expired {n} days ago"),
            };
            record.flag(cap, when);
        } else if days <= t.expiry_warn_days {
            let status = if days <= t.expiry_crit_days { Status::Critical } else { Status::Warning };
            let when = match days {
                0 => "expires today".to_string(),
                1 => "expires in 1 day".to_string(),
                n => format!("expires in {n} days"),
            };
            record.flag(status.min(cap), when);
        }
    }
}

/// RFC 3339 in UTC with a `Z`, whole seconds unless the vendor gave fractions.
mod rfc3339_opt {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<DateTime<Utc>>::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).single().unwrap_or_default()
    }

    fn eval(mut r: Record) -> Record {
        evaluate(&mut r, &Thresholds::default(), now());
        r
    }

    #[test]
    fn balance_and_utilization_follow_used_and_limit() {
        let r = Record::new("p", "m", Some(491), Some(500));
        assert_eq!(r.balance, Some(9));
        assert_eq!(r.utilization, Some(0.982));
        let over = Record::new("p", "m", Some(12), Some(10));
        assert_eq!(over.balance, Some(-2));
        let zero = Record::new("p", "m", Some(0), Some(0));
        assert_eq!((zero.balance, zero.utilization), (Some(0), None));
        let unlimited = Record::new("p", "m", Some(7), None);
        assert_eq!((unlimited.balance, unlimited.utilization), (None, None));
        let unreported = Record::new("p", "m", None, Some(7));
        assert_eq!((unreported.balance, unreported.utilization), (None, None));
    }

    #[test]
    fn utilization_thresholds() {
        assert_eq!(eval(Record::new("p", "m", Some(79), Some(100))).status, Status::Ok);
        let w = eval(Record::new("p", "m", Some(80), Some(100)));
        assert_eq!((w.status, w.reasons.as_slice()), (Status::Warning, &["utilization 80% >= 80%".to_string()][..]));
        let c = eval(Record::new("p", "m", Some(491), Some(500)));
        assert_eq!((c.status, c.reasons.as_slice()), (Status::Critical, &["utilization 98.2% >= 95%".to_string()][..]));
        let over = eval(Record::new("p", "m", Some(15), Some(10)));
        assert_eq!((over.status, over.reasons.as_slice()), (Status::Critical, &["over limit by 5".to_string()][..]));
        assert_eq!(eval(Record::new("p", "m", Some(0), Some(0))).status, Status::Ok);
        assert_eq!(eval(Record::new("p", "m", Some(3), Some(0))).status, Status::Critical);
    }

    /// The number shown and the status never disagree, however close to a threshold.
    #[test]
    fn shown_percentages_agree_with_the_status() {
        let near = eval(Record::new("p", "m", Some(1899), Some(2000)));
        assert_eq!((near.status, near.percent_used().as_deref()), (Status::Warning, Some("94.9")));
        assert_eq!(near.reasons, ["utilization 94.9% >= 80%"]);
        let below = eval(Record::new("p", "m", Some(7999), Some(10_000)));
        assert_eq!((below.status, below.percent_used().as_deref()), (Status::Ok, Some("79.9")));
        let exact = eval(Record::new("p", "m", Some(29), Some(100)));
        assert_eq!(exact.percent_used().as_deref(), Some("29"));
        let t = Thresholds { warn: 29.0, ..Thresholds::default() };
        let mut r = Record::new("p", "m", Some(29), Some(100));
        evaluate(&mut r, &t, now());
        assert_eq!(r.status, Status::Warning, "29 of 100 reaches 29%");
    }

    #[test]
    fn free_seat_thresholds() {
        let t = Thresholds { warn_free: Some(10), crit_free: Some(2), ..Thresholds::default() };
        let mut r = Record::new("p", "m", Some(10), Some(20));
        evaluate(&mut r, &t, now());
        assert_eq!((r.status, r.reasons.clone()), (Status::Warning, vec!["10 free <= 10".to_string()]));
        let mut r = Record::new("p", "m", Some(1000), Some(1002));
        evaluate(&mut r, &t, now());
        assert_eq!(r.status, Status::Critical);
        assert!(r.reasons.contains(&"2 free <= 2".to_string()));
    }

    #[test]
    fn expiry_thresholds() {
        let at = |days: i64| Some(now() + chrono::Duration::days(days) + chrono::Duration::hours(1));
        assert_eq!(eval(Record::new("p", "m", Some(1), Some(10)).expires(at(31))).status, Status::Ok);
        let w = eval(Record::new("p", "m", Some(1), Some(10)).expires(at(30)));
        assert_eq!((w.status, w.reasons.clone()), (Status::Warning, vec!["expires in 30 days".to_string()]));
        let c = eval(Record::new("p", "m", Some(1), Some(10)).expires(at(3)));
        assert_eq!((c.status, c.reasons.clone()), (Status::Critical, vec!["expires in 3 days".to_string()]));
        let gone = eval(Record::new("p", "m", Some(1), Some(10)).expires(at(-3)));
        assert_eq!(gone.status, Status::Critical);
        // Calendar days: 20 November is 3 days before the 23rd, whatever the hour.
        assert_eq!(gone.reasons, vec!["expired 3 days ago".to_string()]);
        let midnight = chrono::DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").map(|t| t.with_timezone(&chrono::Utc)).ok();
        let soon = eval(Record::new("p", "m", Some(1), Some(10)).expires(midnight));
        assert_eq!(soon.reasons, vec!["expires in 8 days".to_string()]);
        let renews = eval(Record { renews: true, ..Record::new("p", "m", Some(1), Some(10)).expires(at(3)) });
        assert_eq!(renews.status, Status::Warning);
        assert_eq!(eval(Record::new("p", "m", Some(1), Some(10))).status, Status::Ok);
    }

    #[test]
    fn json_field_order_and_dates() {
        let r = Record::new("p", "m", Some(1), None).expires(Some(now()));
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"source":"","id":"p/m","kind":"","product":"p","metric":"m","unit":"seats","used":1,"limit":null,"balance":null,"utilization":null,"expires_at":"2026-11-23T12:00:00Z","status":"ok","reasons":[],"details":{}}"#
        );
    }
}
