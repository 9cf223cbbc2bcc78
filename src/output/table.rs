use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};
use tabled::grid::records::vec_records::Cell;
use tabled::settings::object::Columns;
use tabled::settings::{Modify, Width};
use tabled::Table;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::escape;
use crate::record::{Record, Status};

/// How the table is drawn: colour, and the terminal width to fit (none in pipes).
#[derive(Debug, Clone, Default)]
pub struct Style {
    pub color: bool,
    pub width: Option<usize>,
}

const HEADER: [&str; 9] = ["SOURCE", "PRODUCT", "METRIC", "USED", "LIMIT", "BALANCE", "USE%", "EXPIRES", "STATUS"];
const NONE: &str = "—";

/// `1,234,567`.
pub fn thousands(n: impl std::fmt::Display) -> String {
    let s = n.to_string();
    let (sign, digits) = s.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", &s));
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

/// `1,234.50 EUR`.
/// `currency` is written as it is: the caller escapes it for its format.
/// Any amount is written whole (formatted, never cast: no saturation).
pub fn money(amount: f64, currency: &str) -> String {
    if !amount.is_finite() {
        return format!("? {currency}");
    }
    let text = format!("{:.2}", amount.abs());
    let (digits, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if amount < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') { "-" } else { "" };
    format!("{sign}{grouped}.{frac} {currency}")
}

/// A ten-cell bar in eighths, then the percentage: `█████████▊  98.2%`.
fn bar(utilization: f64, shown: &str) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = ((utilization.clamp(0.0, 1.0)) * 80.0).round() as usize;
    let mut bar = "█".repeat(eighths / 8);
    bar.push_str(EIGHTHS[eighths % 8]);
    let cells = bar.chars().count();
    bar.push_str(&" ".repeat(10 - cells));
    format!("{bar} {shown:>5}%")
}

fn paint(text: &str, status: Status, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let style = match status {
        Status::Ok => anstyle::AnsiColor::Green.on_default(),
        Status::Warning => anstyle::AnsiColor::Yellow.on_default().bold(),
        Status::Critical => anstyle::AnsiColor::Red.on_default().bold(),
        Status::Unknown => anstyle::AnsiColor::Magenta.on_default(),
    };
    format!("{style}{text}{style:#}")
}

fn expires(at: Option<DateTime<Utc>>, now: DateTime<Utc>, countdown: bool) -> String {
    match at {
        None => NONE.to_string(),
        Some(t) => {
            let days = crate::calendar::days_between(now, t);
            let date = t.format("%Y-%m-%d");
            if !countdown {
                date.to_string()
            } else if t <= now {
                format!("{date} (expired)")
            } else if days <= 90 {
                format!("{date} ({days}d)")
            } else {
                date.to_string()
            }
        }
    }
}

pub fn write(out: &mut dyn Write, records: &[Record], style: &Style, now: DateTime<Utc>) -> Result<()> {
    if records.is_empty() {
        // A person at a terminal sees that nothing came, not a blank line;
        // a pipe gets nothing.
        if style.width.is_some() {
            writeln!(out, "{}", HEADER.join("  "))?;
            writeln!(out, "(no records)")?;
        }
        return Ok(());
    }
    let rows: Vec<Row> = records.iter().map(|r| Row::of(r, now)).collect();
    let explained = rows.iter().any(|r| !r.reasons.is_empty());
    // Narrower and narrower: the reasons move under the table as notes, the
    // bar goes, then the countdown, then the dates, then the use; then the
    // names shrink, each keeping its start and its end. SOURCE, PRODUCT,
    // METRIC, USED, LIMIT, BALANCE and STATUS always stay, numbers whole.
    let layouts = [
        Layout { reasons: explained, bar: true, countdown: true, expiry: true, usage: true },
        Layout { reasons: false, bar: true, countdown: true, expiry: true, usage: true },
        Layout { reasons: false, bar: false, countdown: true, expiry: true, usage: true },
        Layout { reasons: false, bar: false, countdown: false, expiry: true, usage: true },
        Layout { reasons: false, bar: false, countdown: false, expiry: false, usage: true },
        Layout { reasons: false, bar: false, countdown: false, expiry: false, usage: false },
    ];
    let fits = |columns: &[Column]| style.width.is_none_or(|w| total_width(columns) < w);
    let shrunk = |layout: &Layout, stages: &[(usize, usize)]| {
        let mut columns = layout.columns(&rows);
        if let Some(width) = style.width {
            shrink(&mut columns, width, stages);
        }
        columns
    };
    let candidates = &layouts[if explained { 0 } else { 1 }..];
    let chosen = candidates.iter().find_map(|layout| Some((*layout, shrunk(layout, &SHRINK[..3]))).filter(|(_, c)| fits(c)));
    let (layout, columns) = chosen.unwrap_or_else(|| {
        let last = layouts[layouts.len() - 1];
        (last, shrunk(&last, SHRINK))
    });
    let notes = explained && !layout.reasons;
    for i in 0..=rows.len() {
        let mut line = String::new();
        for (c, column) in columns.iter().enumerate() {
            let text = &column.cells[i];
            let pad = column.width().saturating_sub(cols(text));
            let cell = if column.right { format!("{}{text}", " ".repeat(pad)) } else { format!("{text}{}", " ".repeat(pad)) };
            if c > 0 {
                line.push_str("  ");
            }
            // The state in its colour, its note number after it.
            match (column.header, i) {
                ("STATUS", 1..) => {
                    let row = &rows[i - 1];
                    line.push_str(&paint(row.status.as_str(), row.status, style.color));
                    line.push_str(&cell[row.status.as_str().len()..]);
                }
                _ => line.push_str(&cell),
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    if notes {
        writeln!(out)?;
        for (n, row) in rows.iter().filter(|r| !r.reasons.is_empty()).enumerate() {
            let note = format!("[{}] {}/{}/{}: {}", n + 1, row.source, row.product, row.metric, row.reasons);
            for line in wrap(&note, style.width, format!("[{}] ", n + 1).len()) {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(())
}

/// `text` in lines narrower than `width`, the lines after the first indented
/// by `indent`; a word longer than a line stays whole.
fn wrap(text: &str, width: Option<usize>, indent: usize) -> Vec<String> {
    let Some(width) = width.filter(|w| *w > indent + 10) else { return vec![text.to_string()] };
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.trim().is_empty() && cols(&line) + 1 + cols(word) >= width {
            lines.push(std::mem::replace(&mut line, " ".repeat(indent)));
        } else if !line.is_empty() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// One record's cells, every form of them.
struct Row {
    source: String,
    product: String,
    metric: String,
    used: String,
    limit: String,
    balance: String,
    bar: String,
    percent: String,
    expiry_countdown: String,
    expiry_date: String,
    status: Status,
    reasons: String,
}

impl Row {
    fn of(r: &Record, now: DateTime<Utc>) -> Row {
        let (bar, percent) = match (r.utilization, r.percent_used()) {
            (Some(u), Some(shown)) => (self::bar(u, &shown), format!("{shown}%")),
            _ => (NONE.into(), NONE.into()),
        };
        Row {
            source: escape::text(&r.source).into_owned(),
            product: escape::text(&r.product).into_owned(),
            metric: escape::text(&r.metric).into_owned(),
            used: r.used.map(thousands).unwrap_or_else(|| NONE.into()),
            limit: r.limit.map(thousands).unwrap_or_else(|| "unlimited".into()),
            balance: r.balance.map(thousands).unwrap_or_else(|| NONE.into()),
            bar,
            percent,
            expiry_countdown: expires(r.expires_at, now, true),
            expiry_date: expires(r.expires_at, now, false),
            status: r.status,
            reasons: escape::text(&r.reasons.join("; ")).into_owned(),
        }
    }
}

/// Which parts of the table are drawn.
#[derive(Debug, Clone, Copy)]
struct Layout {
    /// A REASON column (else numbered notes under the table).
    reasons: bool,
    bar: bool,
    countdown: bool,
    expiry: bool,
    usage: bool,
}

/// A column: its header and cells (the header first), and its side.
struct Column {
    header: &'static str,
    cells: Vec<String>,
    right: bool,
    /// The cells before any shrinking.
    whole: Vec<String>,
}

impl Column {
    fn new(header: &'static str, right: bool, rows: &[Row], cell: impl Fn(&Row) -> String) -> Column {
        let mut cells = vec![header.to_string()];
        cells.extend(rows.iter().map(cell));
        Column { header, whole: cells.clone(), cells, right }
    }

    fn width(&self) -> usize {
        self.cells.iter().map(|c| cols(c)).max().unwrap_or(0)
    }
}

fn total_width(columns: &[Column]) -> usize {
    columns.iter().map(Column::width).sum::<usize>() + 2 * columns.len().saturating_sub(1)
}

impl Layout {
    fn columns(&self, rows: &[Row]) -> Vec<Column> {
        let mut columns = vec![
            Column::new("SOURCE", false, rows, |r| r.source.clone()),
            Column::new("PRODUCT", false, rows, |r| r.product.clone()),
            Column::new("METRIC", false, rows, |r| r.metric.clone()),
            Column::new("USED", true, rows, |r| r.used.clone()),
            Column::new("LIMIT", true, rows, |r| r.limit.clone()),
            Column::new("BALANCE", true, rows, |r| r.balance.clone()),
        ];
        if self.usage {
            let bar = self.bar;
            columns.push(Column::new("USE%", true, rows, move |r| if bar { r.bar.clone() } else { r.percent.clone() }));
        }
        if self.expiry {
            let countdown = self.countdown;
            columns.push(Column::new(
                "EXPIRES",
                false,
                rows,
                move |r| {
                    if countdown {
                        r.expiry_countdown.clone()
                    } else {
                        r.expiry_date.clone()
                    }
                },
            ));
        }
        let explained = !self.reasons && rows.iter().any(|r| !r.reasons.is_empty());
        let mut n = 0;
        let mut status = vec!["STATUS".to_string()];
        for r in rows {
            let mut cell = r.status.as_str().to_string();
            if explained && !r.reasons.is_empty() {
                n += 1;
                cell.push_str(&format!(" [{n}]"));
            }
            status.push(cell);
        }
        columns.push(Column { header: "STATUS", whole: status.clone(), cells: status, right: false });
        if self.reasons {
            columns.push(Column::new("REASON", false, rows, |r| r.reasons.clone()));
        }
        columns
    }
}

/// How the name columns (1 product, 2 metric, 0 source) shrink, in turn,
/// each to the width given: the first three before a column is dropped.
const SHRINK: &[(usize, usize)] = &[(1, 10), (2, 8), (0, 6), (1, 7), (2, 6), (0, 4), (1, 5), (2, 4), (0, 3)];

/// The name columns shrunk in `stages` to fit `width`, each keeping the part
/// of its cells that tells them apart (`pm_multichannel__v` and
/// `pm_promomats__v` as `pm_m…` and `pm_p…`).
fn shrink(columns: &mut [Column], width: usize, stages: &[(usize, usize)]) {
    for &(column, min) in stages {
        let total = total_width(columns);
        if total < width {
            return;
        }
        let current = columns[column].width();
        let target = current.saturating_sub(total + 1 - width).max(min);
        if target < current {
            let column = &mut columns[column];
            let mut shown = vec![middle(&column.whole[0], target, target.saturating_sub(1), 0)];
            shown.extend(apart(&column.whole[1..], target));
            column.cells = shown;
        }
    }
}

/// `cells` in at most `width` columns each: a start, `…`, an end, split the
/// same way for the whole column, where the most cells still read apart.
fn apart(cells: &[String], width: usize) -> Vec<String> {
    let keep = width.saturating_sub(1);
    let shown = |head: usize| -> Vec<String> { cells.iter().map(|c| middle(c, width, head, keep - head)).collect() };
    let distinct = |v: &[String]| v.iter().collect::<std::collections::HashSet<_>>().len();
    // The most distinct, a longer start first on a tie.
    (0..=keep).map(shown).max_by_key(|v| distinct(v)).unwrap_or_default()
}

/// The columns `text` takes on a terminal.
fn cols(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` in at most `width` columns: `head` columns of its start, `…`,
/// `tail` columns of its end (`text` itself when it fits).
fn middle(text: &str, width: usize, head: usize, tail: usize) -> String {
    if cols(text) <= width {
        return text.to_string();
    }
    let mut start = String::new();
    for c in text.chars() {
        if cols(&start) + c.width().unwrap_or(0) > head {
            break;
        }
        start.push(c);
    }
    let mut end: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > tail {
            break;
        }
        used += w;
        end.push(c);
    }
    end.reverse();
    format!("{start}…{}", end.into_iter().collect::<String>())
}

/// The source, product and metric columns (0, 1, 2) shrunk in turn, as far
/// as they go, when the compact layout still does not fit.
pub const NARROWEST: &[(usize, usize)] = &[(1, 10), (2, 8), (0, 6), (1, 5), (2, 5), (0, 4), (1, 4), (2, 4), (0, 3)];

/// Write a table without trailing padding (noise in terminals and diffs).
pub fn print(out: &mut dyn Write, table: &Table) -> Result<()> {
    for line in table.to_string().lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Narrow `table` to `width` by truncating the given columns, in order, each
/// down to its minimum, with an ellipsis. What still does not fit wraps in
/// the terminal as it would anyway.
pub fn fit(table: &mut Table, width: Option<usize>, shrinkable: &[(usize, usize)]) {
    let Some(width) = width else { return };
    for &(column, min) in shrinkable {
        let total = table.total_width();
        if total <= width {
            return;
        }
        let current = (0..table.count_rows())
            .filter_map(|row| table.get_records().get(row).and_then(|r| r.get(column)))
            .map(|c| c.text().chars().count())
            .max()
            .unwrap_or(0);
        if current <= min {
            continue;
        }
        let target = current.saturating_sub(total - width).max(min);
        table.with(Modify::new(Columns::new(column..column + 1)).with(Width::truncate(target).suffix("…")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
    }

    #[test]
    fn bars() {
        assert_eq!(bar(0.982, "98.2"), "█████████▉  98.2%");
        assert_eq!(bar(0.0, "0"), format!("{}     0%", " ".repeat(10)));
        assert_eq!(bar(1.5, "150"), "██████████   150%");
        assert_eq!(bar(0.5, "50"), "█████         50%");
    }
}
