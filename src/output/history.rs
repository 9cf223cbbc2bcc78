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

pub fn write(out: &mut dyn Write, format: Format, series: &[SeriesHistory], since: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    match format {
        Format::Json => {
            let doc = serde_json::json!({
                "schema_version": crate::report::SCHEMA_VERSION,
                "generated_at": now.to_rfc3339_opts(SecondsFormat::Secs, true),
                "since": since.to_rfc3339_opts(SecondsFormat::Secs, true),
                "series": series,
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        Format::Ndjson => {
            for s in series {
                serde_json::to_writer(&mut *out, s)?;
                writeln!(out)?;
            }
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
            w.write_record([
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
            ])?;
            let o = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
            for s in series {
                w.write_record([
                    s.source.clone(),
                    s.kind.clone(),
                    s.product.clone(),
                    s.metric.clone(),
                    s.samples.to_string(),
                    s.first.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                    o(s.first.used),
                    s.last.at.to_rfc3339_opts(SecondsFormat::Secs, true),
                    o(s.last.used),
                    o(s.last.limit),
                    o(s.min),
                    o(s.max),
                    s.trend_per_day.map(|t| t.to_string()).unwrap_or_default(),
                    s.exhausted_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap_or_default(),
                    s.id.clone(),
                    s.over_limit.to_string(),
                ])?;
            }
            w.flush()?;
        }
        Format::Table | Format::Prometheus => {
            if series.is_empty() {
                return Ok(());
            }
            let mut b = Builder::default();
            b.push_record(["SOURCE", "PRODUCT", "METRIC", "FIRST", "LAST", "MIN", "MAX", "LIMIT", "TREND/DAY", "HISTORY", "EXHAUSTED"]);
            for s in series {
                b.push_record([
                    escape::text(&s.source).into_owned(),
                    escape::text(&s.product).into_owned(),
                    escape::text(&s.metric).into_owned(),
                    opt(s.first.used),
                    opt(s.last.used),
                    opt(s.min),
                    opt(s.max),
                    s.last.limit.map(thousands).unwrap_or_else(|| "unlimited".into()),
                    trend(s.trend_per_day),
                    s.sparkline.clone(),
                    match (s.over_limit, s.exhausted_at) {
                        (true, _) => "at limit now".into(),
                        (false, Some(t)) => t.format("%Y-%m-%d").to_string(),
                        (false, None) => "—".into(),
                    },
                ]);
            }
            let mut table = b.build();
            table.with(TableStyle::blank()).with(Padding::new(0, 1, 0, 0)).with(Modify::new(Columns::new(3..9)).with(Alignment::right()));
            super::table::print(out, &table)?;
        }
    }
    Ok(())
}
