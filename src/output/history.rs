//! `licusage history` in each format.

use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Modify, Padding, Style as TableStyle};

use super::table::thousands;
use super::{escape, Format};
use crate::history::SeriesHistory;

fn opt(v: Option<i64>) -> String {
    v.map(thousands).unwrap_or_else(|| "—".into())
}

fn trend(v: Option<f64>) -> String {
    match v {
        Some(t) if t.abs() < 0.005 => "0".into(),
        Some(t) => format!("{t:+.2}"),
        None => "—".into(),
    }
}

/// `history` in `format`: one renderer per format.
pub fn write(
    out: &mut dyn Write,
    format: Format,
    series: &[SeriesHistory],
    since: DateTime<Utc>,
    now: DateTime<Utc>,
    style: &super::Style,
) -> Result<()> {
    match format {
        Format::Json => json(out, series, since, now),
        Format::Ndjson => ndjson(out, series),
        Format::Csv => csv(out, series),
        Format::Table | Format::Prometheus | Format::Checkmk | Format::Html | Format::Markdown | Format::Ics => table(out, series, style),
    }
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One document: when, since when, every series.
fn json(out: &mut dyn Write, series: &[SeriesHistory], since: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    let doc = serde_json::json!({
        "schema_version": crate::report::SCHEMA_VERSION,
        "generated_at": rfc3339(now),
        "since": rfc3339(since),
        "series": series,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}

/// A series per line.
fn ndjson(out: &mut dyn Write, series: &[SeriesHistory]) -> Result<()> {
    for s in series {
        serde_json::to_writer(&mut *out, s)?;
        writeln!(out)?;
    }
    Ok(())
}

const CSV_HEADER: [&str; 18] = [
    "source",
    "kind",
    "product",
    "metric",
    "samples",
    "first_at",
    "first_used",
    "last_at",
    "last_used",
    "last_limit",
    "min",
    "max",
    "trend_per_day",
    "exhausted_at",
    "id",
    "over_limit",
    "peak",
    "denials",
];

/// A series per row, RFC 4180.
fn csv(out: &mut dyn Write, series: &[SeriesHistory]) -> Result<()> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    w.write_record(CSV_HEADER)?;
    let o = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for s in series {
        w.write_record([
            s.source.clone(),
            s.kind.clone(),
            s.product.clone(),
            s.metric.clone(),
            s.samples.to_string(),
            rfc3339(s.first.at),
            o(s.first.used),
            rfc3339(s.last.at),
            o(s.last.used),
            o(s.last.limit),
            o(s.min),
            o(s.max),
            s.trend_per_day.map(|t| t.to_string()).unwrap_or_default(),
            s.exhausted_at.map(rfc3339).unwrap_or_default(),
            s.id.clone(),
            s.over_limit.to_string(),
            o(s.peak),
            o(s.denials),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// The table; on a narrow terminal, names shrink, then the first/min/max go
/// and the sparkline halves, then names shrink further.
fn table(out: &mut dyn Write, series: &[SeriesHistory], style: &super::Style) -> Result<()> {
    if series.is_empty() {
        return Ok(());
    }
    let too_wide = |t: &tabled::Table| style.width.is_some_and(|w| t.total_width() > w);
    let mut table = build_table(series, false);
    super::table::fit(&mut table, style.width, &[(1, 10), (2, 8), (0, 6)]);
    if too_wide(&table) {
        table = build_table(series, true);
        super::table::fit(&mut table, style.width, super::table::NARROWEST);
    }
    super::table::print(out, &table)
}

/// The table's rows; `narrow`: half the sparkline, and LAST, LIMIT and the trend only.
fn build_table(series: &[SeriesHistory], narrow: bool) -> tabled::Table {
    let mut b = Builder::default();
    // The true peak and the denials where a server log was read.
    let logged = series.iter().any(|s| s.peak.is_some() || s.denials.is_some());
    let mut header: Vec<&str> = if narrow {
        // FULL: when the limit is reached.
        vec!["SOURCE", "PRODUCT", "METRIC", "LAST", "LIMIT", "TREND", "HISTORY", "FULL"]
    } else {
        vec!["SOURCE", "PRODUCT", "METRIC", "FIRST", "LAST", "MIN", "MAX", "LIMIT", "TREND/DAY", "HISTORY", "EXHAUSTED"]
    };
    if logged && !narrow {
        header.splice(7..7, ["PEAK", "DENIED"]);
    }
    b.push_record(header.iter().copied());
    for s in series {
        b.push_record(row(s, narrow, logged));
    }
    let numbers = match (narrow, logged) {
        (true, _) => 3..6,
        (false, false) => 3..9,
        (false, true) => 3..11,
    };
    let mut table = b.build();
    table.with(TableStyle::blank()).with(Padding::new(0, 1, 0, 0)).with(Modify::new(Columns::new(numbers)).with(Alignment::right()));
    table
}

fn row(s: &SeriesHistory, narrow: bool, logged: bool) -> Vec<String> {
    let mut row = vec![escape::text(&s.source).into_owned(), escape::text(&s.product).into_owned(), escape::text(&s.metric).into_owned()];
    if !narrow {
        row.push(opt(s.first.used));
    }
    row.push(opt(s.last.used));
    if !narrow {
        row.extend([opt(s.min), opt(s.max)]);
        if logged {
            row.extend([opt(s.peak), opt(s.denials)]);
        }
    }
    let spark = if narrow { s.sparkline.chars().skip(1).step_by(2).collect() } else { s.sparkline.clone() };
    let over = s.last.balance.is_some_and(|b| b < 0);
    let full = match (s.over_limit, s.exhausted_at) {
        (true, _) if narrow && over => "over".into(),
        (true, _) if narrow => "now".into(),
        (true, _) if over => "over limit now".into(),
        (true, _) => "at limit now".into(),
        (false, Some(t)) => t.format(if narrow { "%y-%m-%d" } else { "%Y-%m-%d" }).to_string(),
        (false, None) => "—".into(),
    };
    let limit = s.last.limit.map(thousands).unwrap_or_else(|| if narrow { "∞".into() } else { "unlimited".into() });
    row.extend([limit, trend(s.trend_per_day), spark, full]);
    row
}
