//! `licusage holders` in each format. Rows are written as they arrive (a
//! million holders stream through), except for the table, which
//! needs every row to align its columns.

use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Modify, Padding, Style as TableStyle};

use super::{escape, Format, Style};
use crate::holder::Holder;
use crate::report::{SourceError, SCHEMA_VERSION};

type Out = Box<dyn Write + Send>;

const CSV_HEADER: [&str; 13] = [
    "source",
    "kind",
    "product",
    "metric",
    "holder",
    "holder_type",
    "since",
    "last_used_at",
    "idle_days",
    "never_used",
    "expires_at",
    "unit_price",
    "currency",
];

enum Sink {
    Table(Out, Vec<Holder>),
    Json(Out, bool),
    Ndjson(Out),
    Csv(Box<csv::Writer<Out>>),
}

pub struct HolderWriter {
    sink: Sink,
    now: DateTime<Utc>,
    /// The first write error; later rows are dropped (a closed pipe, say).
    error: Option<anyhow::Error>,
}

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap_or_default()
}

impl HolderWriter {
    pub fn new(format: Format, mut out: Out, now: DateTime<Utc>) -> Result<Self> {
        let sink = match format {
            Format::Json => {
                write!(
                    out,
                    "{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"generated_at\": \"{}\",\n  \"holders\": [",
                    now.to_rfc3339_opts(SecondsFormat::Secs, true)
                )?;
                Sink::Json(out, true)
            }
            Format::Ndjson => Sink::Ndjson(out),
            Format::Csv => {
                let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
                w.write_record(CSV_HEADER)?;
                Sink::Csv(Box::new(w))
            }
            Format::Table | Format::Prometheus | Format::Checkmk | Format::Html | Format::Markdown => Sink::Table(out, Vec::new()),
        };
        Ok(HolderWriter { sink, now, error: None })
    }

    pub fn push(&mut self, h: Holder) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.write(h) {
            self.error = Some(e);
        }
    }

    fn write(&mut self, h: Holder) -> Result<()> {
        match &mut self.sink {
            Sink::Table(_, rows) => rows.push(h),
            Sink::Json(out, first) => {
                out.write_all(if *first { b"\n    " } else { b",\n    " })?;
                serde_json::to_writer(&mut *out, &h)?;
                *first = false;
            }
            Sink::Ndjson(out) => {
                serde_json::to_writer(&mut *out, &h)?;
                out.write_all(b"\n")?;
            }
            Sink::Csv(w) => w.write_record([
                &h.source,
                h.kind,
                &h.product,
                &h.metric,
                h.holder.as_str(),
                h.holder_type.as_deref().unwrap_or(""),
                &time(h.since),
                &time(h.last_used_at),
                &h.idle_days.map(|d| d.to_string()).unwrap_or_default(),
                h.never_used.map(|n| if n { "true" } else { "false" }).unwrap_or(""),
                &time(h.expires_at),
                &h.price.as_ref().map(|p| p.0.to_string()).unwrap_or_default(),
                h.price.as_ref().map(|p| &*p.1).unwrap_or(""),
            ])?,
        }
        Ok(())
    }

    /// Close the document (JSON lists the errors too) and flush.
    pub fn finish(self, errors: &[SourceError], style: &Style) -> Result<()> {
        if let Some(e) = self.error {
            return Err(e);
        }
        match self.sink {
            // The order every format has: sources as selected, each as its vendor lists them.
            Sink::Table(mut out, rows) => {
                table(&mut out, &rows, style, self.now)?;
                out.flush()?;
            }
            Sink::Json(mut out, first) => {
                out.write_all(if first { b"],\n  \"errors\": " } else { b"\n  ],\n  \"errors\": " })?;
                serde_json::to_writer(&mut out, errors)?;
                out.write_all(b"\n}\n")?;
                out.flush()?;
            }
            Sink::Ndjson(mut out) => out.flush()?,
            Sink::Csv(mut w) => w.flush()?,
        }
        Ok(())
    }
}

fn table(out: &mut Out, rows: &[Holder], style: &Style, now: DateTime<Utc>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    // What a seat costs a year, where the vendor says: a column, and totals by currency.
    let priced = rows.iter().any(|h| h.price.is_some());
    // `short`: two-digit years, and no EXPIRES or WHERE columns.
    let build = |times: bool, short: bool| {
        let date = if short { "%y-%m-%d" } else { "%Y-%m-%d" };
        let when = |t: Option<DateTime<Utc>>| -> String {
            match t {
                Some(t) if times && (now - t).num_hours().abs() < 48 => t.format("%Y-%m-%d %H:%M").to_string(),
                Some(t) => t.format(date).to_string(),
                None => "—".into(),
            }
        };
        let mut b = Builder::default();
        let mut header = vec!["SOURCE", "PRODUCT", "METRIC", "HOLDER", "TYPE", "SINCE", "LAST USED", "IDLE"];
        if !short {
            header.extend(["EXPIRES", "WHERE"]);
        }
        if priced {
            header.push("COST/YR");
        }
        let cost_column = header.len() - 1;
        b.push_record(header);
        for h in rows {
            let last = match (h.last_used_at, h.never_used) {
                (Some(t), _) => when(Some(t)),
                (None, Some(true)) => "never".into(),
                _ => "—".into(),
            };
            let text = |s: &str| escape::text(s).into_owned();
            let mut row = vec![
                text(&h.source),
                text(&h.product),
                text(&h.metric),
                text(&h.holder),
                h.holder_type.as_deref().map(text).unwrap_or_else(|| "—".into()),
                when(h.since),
                last,
                h.idle_days.map(|d| format!("{d}d")).unwrap_or_else(|| "—".into()),
            ];
            if !short {
                row.push(h.expires_at.map(|t| t.format(date).to_string()).unwrap_or_else(|| "—".into()));
                row.push(h.location.as_deref().map(text).unwrap_or_else(|| "—".into()));
            }
            if priced {
                row.push(h.price.as_ref().map(|(p, c)| format!("{p:.2} {}", text(c))).unwrap_or_else(|| "—".into()));
            }
            b.push_record(row);
        }
        let mut table = b.build();
        table.with(TableStyle::blank()).with(Padding::new(0, 1, 0, 0)).with(Modify::new(Columns::new(7..8)).with(Alignment::right()));
        if priced {
            table.with(Modify::new(Columns::new(cost_column..cost_column + 1)).with(Alignment::right()));
        }
        table
    };
    // On a narrow terminal the times of day go first, then names shrink;
    // then EXPIRES and WHERE go, years lose their century, and names shrink
    // further.
    let too_wide = |t: &tabled::Table| style.width.is_some_and(|w| t.total_width() > w);
    let mut table = build(true, false);
    if too_wide(&table) {
        table = build(false, false);
    }
    super::table::fit(&mut table, style.width, &[(9, 10), (1, 10), (3, 12), (2, 8), (0, 6)]);
    if too_wide(&table) {
        table = build(false, true);
        super::table::fit(
            &mut table,
            style.width,
            &[
                (1, 10),
                (3, 12),
                (2, 8),
                (0, 6),
                (1, 5),
                (3, 8),
                (2, 5),
                (4, 5),
                (0, 4),
                (6, 8),
                (4, 4),
                (3, 6),
                (8, 7),
                (4, 2),
                (6, 5),
                (3, 4),
                (1, 4),
                (2, 4),
                (0, 3),
            ],
        );
    }
    super::table::print(out, &table)?;
    if priced {
        writeln!(out, "{}", totals(rows))?;
    }
    Ok(())
}

/// The yearly cost of the seats listed, a line per currency, and how many
/// have no price: `total a year: 407.80 EUR for 2 seats`.
fn totals(rows: &[Holder]) -> String {
    let mut by_currency: std::collections::BTreeMap<&str, (f64, usize)> = std::collections::BTreeMap::new();
    for (price, currency) in rows.iter().filter_map(|h| h.price.as_ref()) {
        let t = by_currency.entry(currency).or_default();
        t.0 += price;
        t.1 += 1;
    }
    let seats = |n: usize| if n == 1 { "1 seat".to_string() } else { format!("{n} seats") };
    let mut lines: Vec<String> =
        by_currency.iter().map(|(c, (sum, n))| format!("total a year: {sum:.2} {} for {}", escape::text(c), seats(*n))).collect();
    match rows.iter().filter(|h| h.price.is_none()).count() {
        0 => {}
        n => lines.push(format!("({} without a price)", seats(n))),
    }
    lines.join("\n")
}
