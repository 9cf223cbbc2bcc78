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
        let days = crate::calendar::days_between(now, expires);
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

pub fn amount(r: &Record) -> String {
    match (r.used, r.limit, r.utilization) {
        (Some(u), Some(l), Some(_)) => format!("{u} of {l} used ({}%)", r.percent_used().unwrap_or_default()),
        (Some(u), Some(l), None) => format!("{u} of {l} used"),
        (Some(u), None, _) => format!("{u} used, no limit"),
        (None, Some(l), _) => format!("limit {l}, use not reported"),
        (None, None, _) => "no counts".to_string(),
    }
}

/// How `check` writes its perfdata.
#[derive(Debug, Clone, Copy, Default)]
pub struct Perfdata {
    /// Leave out series whose use is unknown instead of writing `U`.
    pub skip_unknown: bool,
    pub now: chrono::DateTime<chrono::Utc>,
    /// Every series' perfdata, past the 4 KiB a plugin answer keeps to (`-v`).
    pub all: bool,
}

/// What Nagios reads of a plugin's answer (NRPE 2 reads 1 KiB: the first
/// line stays short for it).
const ANSWER_BYTES: usize = 4096;

/// Write the plugin output and return the state: a short first line (the
/// counts by state and the worst series), a line per series that is not ok
/// and per source that failed, then the perfdata, one series a line, as
/// much as fits in 4 KiB (all with `-v`), the series that are not ok first.
pub fn write(
    out: &mut dyn Write,
    records: &[Record],
    errors: &[SourceError],
    sources: usize,
    config: &Config,
    perf: Perfdata,
) -> std::io::Result<State> {
    let mut state = if errors.is_empty() { State::Ok } else { State::Unknown };
    for r in records {
        state = state.max(State::of(r.status));
    }
    let mut flagged: Vec<&Record> = records.iter().filter(|r| r.status != Status::Ok).collect();
    flagged.sort_by_key(|r| std::cmp::Reverse(State::of(r.status)));
    let first = format!("LICUSAGE {} - {}", state.name(), escape::plugin(&summary(records, errors, sources, flagged.first().copied())));
    let mut text: Vec<String> = flagged
        .iter()
        .map(|r| {
            format!(
                "{}: {}",
                State::of(r.status).name(),
                escape::plugin(&format!("{} {}: {}", r.series(), amount(r), r.reasons.join("; ")))
            )
        })
        .collect();
    text.extend(errors.iter().map(|e| format!("UNKNOWN: {}", escape::plugin(&e.to_string()))));
    // The perfdata of the series that are not ok first, then the others in order.
    let order = flagged.iter().copied().chain(records.iter().filter(|r| r.status == Status::Ok));
    let series: Vec<String> = order.flat_map(|r| perfdata(r, config, perf.skip_unknown, perf.now)).collect();
    let mut used = first.len() + text.iter().map(|l| l.len() + 1).sum::<usize>() + 200;
    let mut kept = Vec::new();
    for p in &series {
        if !perf.all && used + p.len() + 1 > ANSWER_BYTES {
            break;
        }
        used += p.len() + 1;
        kept.push(p.as_str());
    }
    if kept.len() < series.len() {
        text.push(format!("{} perfdata values left out to keep the answer under 4 KiB (-v gives them all)", series.len() - kept.len()));
    }
    writeln!(out, "{first}")?;
    let (last, lines) = match text.split_last() {
        Some((last, lines)) => (last.clone(), lines),
        None => (String::new(), &[][..]),
    };
    for line in lines {
        writeln!(out, "{line}")?;
    }
    // The perfdata starts after the long text's `|`, a series a line.
    match kept.split_first() {
        Some((p, rest)) => {
            writeln!(out, "{last}{}| {p}", if last.is_empty() { "" } else { " " })?;
            for p in rest {
                writeln!(out, "{p}")?;
            }
        }
        None if !last.is_empty() => writeln!(out, "{last}")?,
        None => {}
    }
    Ok(state)
}

/// The first line's text: counts by state, how many series from how many
/// sources, and the worst series.
fn summary(records: &[Record], errors: &[SourceError], sources: usize, worst: Option<&Record>) -> String {
    let count = |s: Status| records.iter().filter(|r| r.status == s).count();
    let plural = |n: usize, what: &str| if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") };
    let mut parts = Vec::new();
    for (status, name) in [(Status::Critical, "critical"), (Status::Warning, "warning"), (Status::Unknown, "unknown")] {
        let n = count(status);
        if n > 0 {
            parts.push(format!("{n} {name}"));
        }
    }
    if !errors.is_empty() {
        parts.push(format!("{} failed", plural(errors.len(), "source")));
    }
    let scope = match errors.len() {
        0 => format!("{} series from {}", records.len(), plural(sources, "source")),
        failed => format!("{} series from {} of {}", records.len(), sources - failed, plural(sources, "source")),
    };
    match (parts.is_empty(), worst) {
        (true, _) => format!("{scope} within thresholds"),
        (false, Some(w)) => format!("{}; {scope}; worst: {} {}", parts.join(", "), w.series(), amount(w)),
        (false, None) => format!("{}; {scope}", parts.join(", ")),
    }
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
