//! The monitoring-plugin output of `check`: one status line with perfdata,
//! then one line per series that is not ok and per source that could not be
//! read.

use std::io::Write;

use super::escape;
use crate::check::State;
use crate::config::Config;
use crate::record::{Record, Status};
use crate::report::SourceError;

/// A perfdata label: single-quoted, without `'` and `=` (the guidelines
/// forbid them in labels: replaced by `_`), and nothing that could end the
/// line or start the perfdata.
fn label(text: &str) -> String {
    format!("'{}'", escape::plugin(text).replace(['\'', '='], "_"))
}

/// `source/product/metric`, and the vendor's id after `#` when it has one, so
/// that two licenses of one product are two perfdata labels.
pub(super) fn series_label(record: &Record) -> String {
    match record.has_own_id() {
        true => format!("{}#{}", record.series(), record.id),
        false => record.series(),
    }
}

/// A threshold in seats: `pct` of `limit`, as a plain number.
fn seats(limit: u64, pct: f64) -> String {
    number(limit as f64 * pct / 100.0)
}

fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The seats at which a series turns warning or critical: the percentage
/// threshold, or the free-seat one when that is reached first, so that the
/// perfdata shows the threshold that decides the state.
pub(super) fn threshold(limit: u64, pct: f64, free: Option<i64>) -> String {
    let by_pct = limit as f64 * pct / 100.0;
    match free {
        Some(f) if (limit as f64 - f as f64) < by_pct => number((limit as f64 - f as f64).max(0.0)),
        _ => seats(limit, pct),
    }
}

/// The series of one record: `'source/product/metric'=used;warn;crit;0;limit`
/// (`U` for an unreported value, or left out with `skip_unknown`); then the
/// free seats and the days to expiry, where "lower is bad", so their
/// thresholds are `@~:N` (alert at N or below, as the state is decided).
fn perfdata(record: &Record, config: &Config, skip_unknown: bool, now: chrono::DateTime<chrono::Utc>) -> Vec<String> {
    let t = config.thresholds_for(&record.source, &record.product, &record.metric);
    let name = series_label(record);
    let mut out = Vec::new();
    if record.used.is_some() || !skip_unknown {
        out.push(used_series(record, &t, &name));
    }
    if let (Some(balance), Some(l)) = (record.balance, record.limit) {
        let at_most = |n: Option<i64>| n.map(|n| format!("@~:{n}")).unwrap_or_default();
        out.push(format!("{}={balance};{};{};;{l}", label(&format!("{name} free")), at_most(t.warn_free), at_most(t.crit_free)));
    }
    if let Some(expires) = record.expires_at {
        let days = (expires - now).num_days();
        out.push(format!("{}={days};@~:{};@~:{}", label(&format!("{name} days to expiry")), t.expiry_warn_days, t.expiry_crit_days));
    }
    out
}

fn used_series(record: &Record, t: &crate::record::Thresholds, name: &str) -> String {
    let used = record.used.map(|u| u.to_string()).unwrap_or_else(|| "U".into());
    let (warn, crit, max) = match record.limit {
        Some(l) => {
            // A range is in percent of the limit; perfdata is in seats.
            let seats_of = |r: Option<crate::range::Range>, pct: f64, free: Option<i64>| match r {
                Some(r) => r.scaled(l as f64 / 100.0).to_string(),
                None => threshold(l, pct, free),
            };
            (seats_of(t.warn_range, t.warn, t.warn_free), seats_of(t.crit_range, t.crit, t.crit_free), l.to_string())
        }
        None => (String::new(), String::new(), String::new()),
    };
    format!("{}={used};{warn};{crit};0;{max}", label(name))
}

pub(super) fn amount(r: &Record) -> String {
    match (r.used, r.limit, r.utilization) {
        (Some(u), Some(l), Some(_)) => format!("{u} of {l} used ({}%)", r.percent_used().unwrap_or_default()),
        (Some(u), Some(l), None) => format!("{u} of {l} used"),
        (Some(u), None, _) => format!("{u} used, no limit"),
        (None, Some(l), _) => format!("limit {l}, use not reported"),
        (None, None, _) => "no counts".to_string(),
    }
}

/// Write the plugin output and return the state.
/// How `check` writes its perfdata.
#[derive(Debug, Clone, Copy, Default)]
pub struct Perfdata {
    /// Leave out series whose use is unknown instead of writing `U`.
    pub skip_unknown: bool,
    pub now: chrono::DateTime<chrono::Utc>,
}

pub fn write(
    out: &mut dyn Write,
    records: &[Record],
    errors: &[SourceError],
    sources: usize,
    config: &Config,
    perf: Perfdata,
) -> std::io::Result<State> {
    let mut state = State::Ok;
    for r in records {
        state = state.max(State::of(r.status));
    }
    if !errors.is_empty() {
        state = state.max(State::Unknown);
    }
    let count = |s: Status| records.iter().filter(|r| r.status == s).count();
    let mut parts = Vec::new();
    for (status, name) in [(Status::Critical, "critical"), (Status::Warning, "warning"), (Status::Unknown, "unknown")] {
        let n = count(status);
        if n > 0 {
            parts.push(format!("{n} {name}"));
        }
    }
    if !errors.is_empty() {
        parts.push(format!("{} source{} failed", errors.len(), if errors.len() == 1 { "" } else { "s" }));
    }
    let scope =
        format!("{} series from {} source{}", records.len(), sources - errors.len(), if sources - errors.len() == 1 { "" } else { "s" });
    let summary = if parts.is_empty() { format!("{scope} within thresholds") } else { format!("{} of {scope}", parts.join(", ")) };
    let perf: Vec<String> = records.iter().flat_map(|r| perfdata(r, config, perf.skip_unknown, perf.now)).collect();
    if perf.is_empty() {
        writeln!(out, "LICUSAGE {} - {summary}", state.name())?;
    } else {
        writeln!(out, "LICUSAGE {} - {summary} | {}", state.name(), perf.join(" "))?;
    }
    let mut flagged: Vec<&Record> = records.iter().filter(|r| r.status != Status::Ok).collect();
    flagged.sort_by_key(|r| std::cmp::Reverse(State::of(r.status)));
    for r in flagged {
        let line = format!("{} {}: {}", r.series(), amount(r), r.reasons.join("; "));
        writeln!(out, "{}: {}", State::of(r.status).name(), escape::plugin(&line))?;
    }
    for e in errors {
        writeln!(out, "UNKNOWN: {}", escape::plugin(&e.to_string()))?;
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_quoted_and_escaped() {
        assert_eq!(label("a/O'Brien's/x=y"), "'a/O_Brien_s/x_y'");
        assert_eq!(label("a/x' | 'injected'=9\nCRITICAL: fake"), "'a/x_ \\x7c _injected__9\\x0aCRITICAL: fake'");
    }

    #[test]
    fn free_seat_thresholds_show_when_they_decide() {
        assert_eq!(threshold(500, 90.0, Some(60)), "440");
        assert_eq!(threshold(500, 90.0, Some(10)), "450");
        assert_eq!(threshold(500, 90.0, None), "450");
        assert_eq!(threshold(5, 90.0, Some(60)), "0");
    }

    #[test]
    fn thresholds_in_seats() {
        assert_eq!(seats(500, 80.0), "400");
        assert_eq!(seats(10, 95.0), "9.5");
        assert_eq!(seats(3, 33.3), "1");
        assert_eq!(seats(0, 80.0), "0");
    }
}
