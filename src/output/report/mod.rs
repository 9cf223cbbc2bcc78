//! `licusage report`: one document a person reads (the README, report), from a
//! [`Digest`]: self-contained HTML (inline CSS and SVG, no script, no
//! external reference) or Markdown with the same content.

mod chart;
mod html;
mod markdown;

use std::io::Write;

use anyhow::Result;

use super::Format;
use crate::digest::Digest;
use crate::output::table::money;
use crate::record::Record;

pub fn write(out: &mut dyn Write, format: Format, digest: &Digest) -> Result<()> {
    match format {
        Format::Markdown => markdown::write(out, digest),
        _ => html::write(out, digest),
    }
}

/// A decision's change and what it means a year: `-90 (-10,800.00 EUR a year)`.
fn change(d: &crate::plan::Decision, escape: impl Fn(&str) -> String) -> String {
    let Some(c) = d.change else { return "—".into() };
    let c = if c > 0 { format!("+{}", crate::output::table::thousands(c)) } else { crate::output::table::thousands(c) };
    match (d.yearly, &d.currency) {
        (Some(y), Some(cur)) => format!("{c} ({} a year)", money(y, &escape(cur))),
        _ => c,
    }
}

/// A decision's renewal figure, or why there is none.
fn renew_at(d: &crate::plan::Decision) -> String {
    match (d.recommended, &d.note) {
        (Some(r), _) => crate::output::table::thousands(r),
        (None, Some(note)) => format!("— ({note})"),
        (None, None) => "—".into(),
    }
}

/// Whether a series' history has a shape to draw: a day of it, three
/// samples, and counts.
pub(crate) fn chartable(s: &crate::history::SeriesHistory) -> bool {
    s.samples >= 3 && s.last.at - s.first.at >= chrono::Duration::days(1) && s.max.is_some()
}

/// The series to chart, those near their limit or changing first; those
/// with too little history; how many report no counts at all.
pub(crate) fn chart_groups(
    series: &[crate::history::SeriesHistory],
) -> (Vec<&crate::history::SeriesHistory>, Vec<&crate::history::SeriesHistory>, usize) {
    let mut charts: Vec<_> = series.iter().filter(|s| chartable(s)).collect();
    let weight = |s: &crate::history::SeriesHistory| {
        let use_ = match (s.last.used, s.last.limit) {
            (Some(u), Some(l)) if l > 0 => u as f64 / l as f64,
            _ => 0.0,
        };
        let change = s.trend_per_day.unwrap_or(0.0).abs() / (s.max.unwrap_or(1).max(1) as f64);
        (s.over_limit, (use_ * 1000.0) as i64 + (change * 1000.0) as i64)
    };
    charts.sort_by_key(|s| std::cmp::Reverse(weight(s)));
    let young: Vec<_> = series.iter().filter(|s| !chartable(s) && s.max.is_some()).collect();
    let blank = series.iter().filter(|s| s.max.is_none()).count();
    (charts, young, blank)
}

/// The young series grouped by source, in their order.
pub(crate) fn by_source<'a>(series: &[&'a crate::history::SeriesHistory]) -> Vec<(&'a str, Vec<&'a crate::history::SeriesHistory>)> {
    let mut out: Vec<(&str, Vec<&crate::history::SeriesHistory>)> = Vec::new();
    for s in series {
        match out.iter_mut().find(|(source, _)| *source == s.source) {
            Some((_, rows)) => rows.push(s),
            None => out.push((s.source.as_str(), vec![s])),
        }
    }
    out
}

/// When the first charts come, as `record` goes on.
pub(crate) fn charts_from(young: &[&crate::history::SeriesHistory]) -> String {
    match young.iter().map(|s| s.first.at).min() {
        Some(first) => format!(
            "A chart needs a day of history and three samples: as `licusage record` goes on, the first come on {}.",
            (first + chrono::Duration::days(1)).format("%Y-%m-%d")
        ),
        None => String::new(),
    }
}

/// How much history there is, in words.
pub(crate) fn history_span(series: &[crate::history::SeriesHistory]) -> String {
    let first = series.iter().map(|s| s.first.at).min();
    let last = series.iter().map(|s| s.last.at).max();
    match first.zip(last) {
        Some((f, l)) => {
            let days = (l - f).num_days();
            format!(
                "The history runs from {} to {} ({} day{}); a chart needs a day and three samples of a series.",
                f.format("%Y-%m-%d"),
                l.format("%Y-%m-%d"),
                days,
                if days == 1 { "" } else { "s" }
            )
        }
        None => String::new(),
    }
}

/// A count, or `—`.
/// A count as `show` writes it: `1,432`.
fn count<N: std::fmt::Display>(v: Option<N>) -> String {
    v.map(crate::output::table::thousands).unwrap_or_else(|| "—".into())
}

/// The limit, `unlimited` when there is none.
fn limit(r: &Record) -> String {
    r.limit.map(crate::output::table::thousands).unwrap_or_else(|| "unlimited".into())
}

/// Use in whole percent (floored), for a bar's width, when known.
fn percent(r: &Record) -> Option<u32> {
    r.utilization.map(|u| (u * 100.0).floor().max(0.0) as u32)
}

/// Use as `show` and `check` say it: `94.6%`.
fn percent_text(r: &Record) -> Option<String> {
    r.percent_used().map(|p| format!("{p}%"))
}

/// Totals per currency, `1,234.50 EUR + 80.00 USD`, or `—`; each currency
/// (vendor text) through `esc`, the format's escaping.
fn sums(totals: &std::collections::BTreeMap<String, f64>, esc: impl Fn(&str) -> String) -> String {
    match totals.is_empty() {
        true => "—".into(),
        false => totals.iter().map(|(c, v)| money(*v, &esc(c))).collect::<Vec<_>>().join(" + "),
    }
}

/// `30 days`, `12 hours`: a range as people say it.
fn range(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    match secs {
        s if s >= 86400 && s % 86400 == 0 => format!("{} days", s / 86400),
        s if s >= 3600 && s % 3600 == 0 => format!("{} hours", s / 3600),
        _ => humantime::format_duration(d).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped() {
        assert_eq!(money(1234.5, "EUR"), "1,234.50 EUR");
        assert_eq!(money(999.999, "USD"), "1,000.00 USD");
        assert_eq!(money(12.0, "EUR"), "12.00 EUR");
        assert_eq!(money(1234567.891, "EUR"), "1,234,567.89 EUR");
        // Past i64 cents: written whole, never saturated at 92,233,720,368,547,758.07.
        assert_eq!(money(1.0e20, "JPY"), "100,000,000,000,000,000,000.00 JPY");
        assert_eq!(money(-0.001, "EUR"), "0.00 EUR");
        assert_eq!(money(-5.5, "EUR"), "-5.50 EUR");
    }
}
