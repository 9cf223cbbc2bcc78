//! `licusage holders --usage`: checkout hours per user and feature, from
//! the license servers' logs (chargeback).

use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Modify, Padding, Style as TableStyle};

use super::{escape, Format, Style};
use crate::history::Usage;
use crate::report::{SourceError, SCHEMA_VERSION};

/// Hours with two decimals: a chargeback sheet sums them.
fn hours(h: f64) -> String {
    format!("{h:.2}")
}

pub fn write(
    out: &mut dyn Write,
    format: Format,
    rows: &[Usage],
    since: NaiveDate,
    errors: &[SourceError],
    style: &Style,
    now: DateTime<Utc>,
) -> Result<()> {
    match format {
        Format::Json => {
            let doc = serde_json::json!({
                "schema_version": SCHEMA_VERSION,
                "generated_at": now.to_rfc3339_opts(SecondsFormat::Secs, true),
                "since": since.to_string(),
                "usage": rows,
                "errors": errors,
            });
            super::json_document(out, &doc)?;
        }
        Format::Ndjson => super::json_lines(out, rows)?,
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
            w.write_record(["source", "feature", "user", "hours", "days"])?;
            for r in rows {
                w.write_record([r.source.as_str(), &r.feature, &r.user, &hours(r.hours), &r.days.to_string()])?;
            }
            w.flush()?;
        }
        _ => {
            if rows.is_empty() {
                return Ok(());
            }
            let text = |s: &str| escape::text(s).into_owned();
            let mut b = Builder::default();
            b.push_record(["SOURCE", "FEATURE", "USER", "HOURS", "DAYS"]);
            for r in rows {
                b.push_record([text(&r.source), text(&r.feature), text(&r.user), hours(r.hours), r.days.to_string()]);
            }
            let mut table = b.build();
            table.with(TableStyle::blank()).with(Padding::new(0, 1, 0, 0)).with(Modify::new(Columns::new(3..5)).with(Alignment::right()));
            super::table::fit(&mut table, style.width, &[(1, 10), (2, 10), (0, 6)]);
            super::table::print(out, &table)?;
            let total: f64 = rows.iter().map(|r| r.hours).sum();
            writeln!(out, "total: {} license-hours since {since}", hours(total))?;
        }
    }
    Ok(())
}
