//! `licusage holders` in each format. Rows are written as they arrive (a
//! million holders stream through), except for the table, which
//! needs every row to align its columns.

use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Modify, Padding, Style as TableStyle};

use super::{escape, Format, Style};
use crate::holder::{Holder, Kept, RowWriter};
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
    /// A holder written already by the format's [`RowWriter`].
    fn push_row(&mut self, row: &[u8]) -> Result<()>;
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
        self.push_row(&serde_json::to_vec(&h)?)
    }

    fn push_row(&mut self, row: &[u8]) -> Result<()> {
        self.out.write_all(if self.first { b"\n    " } else { b",\n    " })?;
        self.out.write_all(row)?;
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

    fn push_row(&mut self, row: &[u8]) -> Result<()> {
        Ok(self.0.write_all(row)?)
    }

    fn finish(mut self: Box<Self>, _: &[SourceError], _: &Style, _: DateTime<Utc>) -> Result<()> {
        Ok(self.0.flush()?)
    }
}

/// A holder per row, RFC 4180.
struct Csv(Out);

impl Csv {
    fn new(mut out: Out) -> Result<Self> {
        let mut w = csv_writer(Vec::new());
        w.write_record(CSV_HEADER)?;
        out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))?)?;
        Ok(Csv(out))
    }
}

fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(w)
}

/// One holder as a CSV row; `None` for a time the short form does not write
/// (see [`time`]): [`csv_row_exact`] writes that row.
fn csv_row(h: &Holder) -> Option<Vec<u8>> {
    let (mut since, mut last, mut expires) = ([0; 20], [0; 20], [0; 20]);
    let mut days = itoa::Buffer::new();
    let price = h.price.as_ref().map(|p| p.0.to_string());
    let fields: [&[u8]; 13] = [
        h.source.as_bytes(),
        h.kind.as_bytes(),
        h.product.as_bytes(),
        h.metric.as_bytes(),
        h.holder.as_bytes(),
        h.holder_type.as_deref().unwrap_or("").as_bytes(),
        time(h.since, &mut since)?,
        time(h.last_used_at, &mut last)?,
        h.idle_days.map(|d| days.format(d).as_bytes()).unwrap_or(b""),
        h.never_used.map(|n| if n { "true" } else { "false" }).unwrap_or("").as_bytes(),
        time(h.expires_at, &mut expires)?,
        price.as_deref().unwrap_or("").as_bytes(),
        h.price.as_ref().map(|p| &*p.1).unwrap_or("").as_bytes(),
    ];
    // csv_core, under the csv crate, writes the row: its quoting, no buffer
    // of its own to copy from.
    let mut w = csv_core::WriterBuilder::new().terminator(csv_core::Terminator::CRLF).build();
    let mut row = vec![0; 160];
    let mut len = 0;
    let put = |row: &mut Vec<u8>, len: &mut usize, step: &mut dyn FnMut(&mut [u8]) -> (csv_core::WriteResult, usize)| loop {
        let (result, n) = step(&mut row[*len..]);
        *len += n;
        match result {
            csv_core::WriteResult::InputEmpty => break,
            csv_core::WriteResult::OutputFull => row.resize(row.len() * 2, 0),
        }
    };
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            put(&mut row, &mut len, &mut |out| w.delimiter(out));
        }
        let mut input = field;
        put(&mut row, &mut len, &mut |out| {
            let (result, read, written) = w.field(input, out);
            input = &input[read..];
            (result, written)
        });
    }
    put(&mut row, &mut len, &mut |out| w.terminator(out));
    row.truncate(len);
    Some(row)
}

/// A time as RFC 3339 to the second in UTC (`2026-01-31T23:59:59Z`), the
/// way chrono's `to_rfc3339_opts(Secs, true)` writes it, into `buf`; empty
/// when there is none. `None` for what that form does not cover (a leap
/// second, a year outside 0–9999): the caller writes the row another way.
fn time(t: Option<DateTime<Utc>>, buf: &mut [u8; 20]) -> Option<&[u8]> {
    let Some(t) = t else { return Some(b"") };
    let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
    if t.nanosecond() >= 1_000_000_000 {
        return None;
    }
    let mut put = |at: usize, n: u32, width: u32| {
        for i in 0..width {
            buf[at + i as usize] = b'0' + (n / 10u32.pow(width - 1 - i) % 10) as u8;
        }
    };
    put(0, year, 4);
    put(5, t.month(), 2);
    put(8, t.day(), 2);
    put(11, t.hour(), 2);
    put(14, t.minute(), 2);
    put(17, t.second(), 2);
    (buf[4], buf[7], buf[10], buf[13], buf[16], buf[19]) = (b'-', b'-', b'T', b':', b':', b'Z');
    Some(&buf[..])
}

/// One holder as a CSV row, the slow way that covers every time chrono
/// can write: where [`csv_row`] cannot.
fn csv_row_exact(h: &Holder) -> Result<Vec<u8>> {
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)).unwrap_or_default();
    let mut w = csv_writer(Vec::new());
    w.write_record([
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
    ])?;
    w.into_inner().map_err(|e| anyhow::anyhow!("{}", e.error()))
}

impl Render for Csv {
    fn push(&mut self, h: Holder) -> Result<()> {
        match csv_row(&h) {
            Some(row) => self.push_row(&row),
            None => self.push_row(&csv_row_exact(&h)?),
        }
    }

    fn push_row(&mut self, row: &[u8]) -> Result<()> {
        Ok(self.0.write_all(row)?)
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

    fn push_row(&mut self, _: &[u8]) -> Result<()> {
        anyhow::bail!("internal error: a table row written ahead")
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

    /// How `format` writes a holder on the thread that read it, where it
    /// writes row by row (the table needs every row first).
    pub fn rows(format: Format) -> Option<RowWriter> {
        match format {
            Format::Json => Some(Arc::new(|h| serde_json::to_vec(h).ok())),
            Format::Ndjson => Some(Arc::new(|h| {
                let mut row = serde_json::to_vec(h).ok()?;
                row.push(b'\n');
                Some(row)
            })),
            Format::Csv => Some(Arc::new(csv_row)),
            Format::Table | Format::Prometheus | Format::Checkmk | Format::Html | Format::Markdown | Format::Ics => None,
        }
    }

    pub fn push(&mut self, kept: Kept) {
        if self.error.is_some() {
            return;
        }
        let done = match kept {
            Kept::Holder(h) => self.render.push(*h),
            Kept::Written(row) => self.render.push_row(&row),
        };
        if let Err(e) = done {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn when() -> impl Strategy<Value = Option<DateTime<Utc>>> {
        // Years from before 0 to past 9999, and now and then a leap second.
        proptest::option::of((-70_000_000_000i64..260_000_000_000, prop_oneof![Just(0u32), 0u32..2_000_000_000]))
            .prop_map(|t| t.and_then(|(secs, nanos)| DateTime::from_timestamp(secs, nanos)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// A row written on the parsing threads is the row the csv crate and
        /// chrono write, whatever the text and the times.
        #[test]
        fn rows_written_ahead_are_the_exact_rows(
            text in proptest::collection::vec("[a-z ,\"\r\nü]{0,8}", 4),
            since in when(), last in when(), expires in when(),
            idle in proptest::option::of(-5i64..100_000),
            never in proptest::option::of(any::<bool>()),
            price in proptest::option::of((0.0f64..10_000.0, "[A-Z,\"]{0,3}")),
        ) {
            let mut h = Holder::new(text[0].as_str(), text[1].as_str(), text[2].as_str());
            h.source = text[3].as_str().into();
            h.kind = "cpod";
            h.holder_type = Some(text[1].clone()).filter(|t| !t.is_empty());
            (h.since, h.last_used_at, h.expires_at) = (since, last, expires);
            (h.idle_days, h.never_used) = (idle, never);
            h.price = price.map(|(p, c)| (p, c.as_str().into()));
            let exact = csv_row_exact(&h).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let ahead = csv_row(&h);
            // Only a time the short form does not cover leaves a row to the exact way.
            let covered = [since, last, expires].iter().flatten().all(|t| (0..=9999).contains(&t.year()) && t.nanosecond() < 1_000_000_000);
            prop_assert_eq!(ahead.is_some(), covered);
            if let Some(row) = ahead {
                prop_assert_eq!(String::from_utf8_lossy(&row), String::from_utf8_lossy(&exact));
            }
        }
    }

    #[test]
    fn a_csv_document_has_its_header_then_rows_however_they_came() {
        let mut out = Vec::new();
        {
            let shared = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
            struct To(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
            impl Write for To {
                fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                    self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
                    Ok(buf.len())
                }
                fn flush(&mut self) -> std::io::Result<()> {
                    Ok(())
                }
            }
            let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
            let mut w = HolderWriter::new(Format::Csv, Box::new(To(shared.clone())), now).unwrap_or_else(|e| unreachable!("{e}"));
            let mut h = Holder::new("Acrobat, Pro", "seats", "ann \"a\"");
            h.since = DateTime::from_timestamp(1_700_000_000, 0);
            let rows = HolderWriter::rows(Format::Csv).unwrap_or_else(|| unreachable!());
            w.push(Kept::Written(rows(&h).unwrap_or_default()));
            w.push(Kept::Holder(Box::new(h)));
            w.finish(&[], &Style::default()).unwrap_or_else(|e| unreachable!("{e}"));
            out.extend_from_slice(&shared.lock().map(|v| v.clone()).unwrap_or_default());
        }
        let text = String::from_utf8_lossy(&out);
        let row = ",,\"Acrobat, Pro\",seats,\"ann \"\"a\"\"\",,2023-11-14T22:13:20Z,,,,,,\r\n";
        assert_eq!(text, format!("{}\r\n{row}{row}", CSV_HEADER.join(",")));
    }
}
