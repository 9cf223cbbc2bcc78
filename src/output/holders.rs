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

/// One format's writer: holders one at a time as they arrive, then the end.
trait Render: Send {
    fn push(&mut self, h: Holder) -> Result<()>;
    /// Close the document (JSON lists the errors too) and flush.
    fn finish(self: Box<Self>, errors: &[SourceError], style: &Style, now: DateTime<Utc>) -> Result<()>;
}

/// One document; the holders' list is written as they come.
struct Json {
    out: Out,
    first: bool,
}

impl Json {
    fn new(mut out: Out, now: DateTime<Utc>) -> Result<Self> {
        write!(
            out,
            "{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"generated_at\": \"{}\",\n  \"holders\": [",
            now.to_rfc3339_opts(SecondsFormat::Secs, true)
        )?;
        Ok(Json { out, first: true })
    }
}

impl Render for Json {
    fn push(&mut self, h: Holder) -> Result<()> {
        self.out.write_all(if self.first { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut self.out, &h)?;
        self.first = false;
        Ok(())
    }

    fn finish(mut self: Box<Self>, errors: &[SourceError], _: &Style, _: DateTime<Utc>) -> Result<()> {
        self.out.write_all(if self.first { b"],\n  \"errors\": " } else { b"\n  ],\n  \"errors\": " })?;
        serde_json::to_writer(&mut self.out, errors)?;
        self.out.write_all(b"\n}\n")?;
        Ok(self.out.flush()?)
    }
}

/// A holder per line.
struct Ndjson(Out);

impl Render for Ndjson {
    fn push(&mut self, h: Holder) -> Result<()> {
        serde_json::to_writer(&mut self.0, &h)?;
        Ok(self.0.write_all(b"\n")?)
    }

    fn finish(mut self: Box<Self>, _: &[SourceError], _: &Style, _: DateTime<Utc>) -> Result<()> {
        Ok(self.0.flush()?)
    }
}

/// A holder per row, RFC 4180.
struct Csv(csv::Writer<Out>);

impl Csv {
    fn new(out: Out) -> Result<Self> {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
        w.write_record(CSV_HEADER)?;
        Ok(Csv(w))
    }
}

impl Render for Csv {
    fn push(&mut self, h: Holder) -> Result<()> {
        Ok(self.0.write_record([
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
        ])?)
    }

    fn finish(mut self: Box<Self>, _: &[SourceError], _: &Style, _: DateTime<Utc>) -> Result<()> {
        Ok(self.0.flush()?)
    }
}

/// The table, which needs every row to align its columns.
struct Table(Out, Vec<Holder>);

impl Render for Table {
    fn push(&mut self, h: Holder) -> Result<()> {
        self.1.push(h);
        Ok(())
    }

    fn finish(mut self: Box<Self>, _: &[SourceError], style: &Style, now: DateTime<Utc>) -> Result<()> {
        // The order every format has: sources as selected, each as its vendor lists them.
        table(&mut self.0, &self.1, style, now)?;
        Ok(self.0.flush()?)
    }
}

pub struct HolderWriter {
    render: Box<dyn Render>,
    now: DateTime<Utc>,
    /// The first write error; later rows are dropped (a closed pipe, say).
    error: Option<anyhow::Error>,
}

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap_or_default()
}

impl HolderWriter {
    pub fn new(format: Format, out: Out, now: DateTime<Utc>) -> Result<Self> {
        let render: Box<dyn Render> = match format {
            Format::Json => Box::new(Json::new(out, now)?),
            Format::Ndjson => Box::new(Ndjson(out)),
            Format::Csv => Box::new(Csv::new(out)?),
            Format::Table | Format::Prometheus | Format::Checkmk | Format::Html | Format::Markdown | Format::Ics => {
                Box::new(Table(out, Vec::new()))
            }
        };
        Ok(HolderWriter { render, now, error: None })
    }

    pub fn push(&mut self, h: Holder) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = self.render.push(h) {
            self.error = Some(e);
        }
    }

    /// Close the document (JSON lists the errors too) and flush.
    pub fn finish(self, errors: &[SourceError], style: &Style) -> Result<()> {
        match self.error {
            Some(e) => Err(e),
            None => self.render.finish(errors, style, self.now),
        }
    }
}

/// The columns narrowed, in turn, when the short table is still too wide.
const SHORT_FIT: &[(usize, usize)] = &[
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
];

/// On a narrow terminal the times of day go first, then names shrink; then
/// EXPIRES and WHERE go, years lose their century, and names shrink further.
fn table(out: &mut Out, rows: &[Holder], style: &Style, now: DateTime<Utc>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let too_wide = |t: &tabled::Table| style.width.is_some_and(|w| t.total_width() > w);
    let mut table = build_table(rows, now, true, false);
    if too_wide(&table) {
        table = build_table(rows, now, false, false);
    }
    super::table::fit(&mut table, style.width, &[(9, 10), (1, 10), (3, 12), (2, 8), (0, 6)]);
    if too_wide(&table) {
        table = build_table(rows, now, false, true);
        super::table::fit(&mut table, style.width, SHORT_FIT);
    }
    super::table::print(out, &table)?;
    // What a seat costs a year, where the vendor says: a column, and totals by currency.
    if rows.iter().any(|h| h.price.is_some()) {
        writeln!(out, "{}", totals(rows))?;
    }
    Ok(())
}

/// The table's rows: with `times`, a time of day for what happened in the
/// last two days; `short`: two-digit years, and no EXPIRES or WHERE columns.
fn build_table(rows: &[Holder], now: DateTime<Utc>, times: bool, short: bool) -> tabled::Table {
    let priced = rows.iter().any(|h| h.price.is_some());
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
        b.push_record(row(h, now, times, short, priced));
    }
    let mut table = b.build();
    table.with(TableStyle::blank()).with(Padding::new(0, 1, 0, 0)).with(Modify::new(Columns::new(7..8)).with(Alignment::right()));
    if priced {
        table.with(Modify::new(Columns::new(cost_column..cost_column + 1)).with(Alignment::right()));
    }
    table
}

fn row(h: &Holder, now: DateTime<Utc>, times: bool, short: bool, priced: bool) -> Vec<String> {
    let date = if short { "%y-%m-%d" } else { "%Y-%m-%d" };
    let when = |t: Option<DateTime<Utc>>| -> String {
        match t {
            Some(t) if times && (now - t).num_hours().abs() < 48 => t.format("%Y-%m-%d %H:%M").to_string(),
            Some(t) => t.format(date).to_string(),
            None => "—".into(),
        }
    };
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
        row.push(h.price.as_ref().map(|(p, c)| super::table::money(*p, &text(c))).unwrap_or_else(|| "—".into()));
    }
    row
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
    let mut lines: Vec<String> = by_currency
        .iter()
        .map(|(c, (sum, n))| format!("total a year: {} for {}", super::table::money(*sum, &escape::text(c)), seats(*n)))
        .collect();
    match rows.iter().filter(|h| h.price.is_none()).count() {
        0 => {}
        n => lines.push(format!("({} without a price)", seats(n))),
    }
    lines.join("\n")
}
