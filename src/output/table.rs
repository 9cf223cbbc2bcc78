use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};
use tabled::builder::Builder;
use tabled::grid::records::vec_records::Cell;
use tabled::settings::object::{Columns, Rows};
use tabled::settings::{Alignment, Modify, Padding, Style as TableStyle, Width};
use tabled::Table;

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
    let build = |layout: Layout| {
        let mut header: Vec<&str> = HEADER.to_vec();
        if !layout.balance {
            header.retain(|h| *h != "BALANCE");
        }
        let mut builder = Builder::with_capacity(records.len() + 1, header.len());
        builder.push_record(header);
        for r in records {
            let usage = match (r.utilization, r.percent_used()) {
                (Some(u), Some(shown)) if layout.bar => bar(u, &shown),
                (Some(_), Some(shown)) => format!("{shown}%"),
                _ => NONE.into(),
            };
            let unlimited = if layout.short { "∞" } else { "unlimited" };
            let mut row = vec![
                escape::text(&r.source).into_owned(),
                escape::text(&r.product).into_owned(),
                escape::text(&r.metric).into_owned(),
                r.used.map(thousands).unwrap_or_else(|| NONE.into()),
                r.limit.map(thousands).unwrap_or_else(|| unlimited.into()),
            ];
            if layout.balance {
                row.push(r.balance.map(thousands).unwrap_or_else(|| NONE.into()));
            }
            let expiry = match (r.expires_at, layout.short) {
                (Some(t), true) => t.format("%y-%m-%d").to_string(),
                (at, _) => expires(at, now, layout.countdown),
            };
            row.extend([usage, expiry, paint(r.status.as_str(), r.status, style.color)]);
            builder.push_record(row);
        }
        let numbers = if layout.balance { 3..7 } else { 3..6 };
        let mut table = builder.build();
        table
            .with(TableStyle::blank())
            .with(Padding::new(0, 1, 0, 0))
            .with(Modify::new(Columns::new(numbers)).with(Alignment::right()))
            .with(Modify::new(Rows::first()).with(Alignment::left()));
        table
    };
    // On a narrow terminal the bar goes first, then the countdown to expiry,
    // then the names shrink with an ellipsis, product first; then the
    // balance (limit − used) goes, `unlimited` becomes `∞` and dates lose
    // their century, and the names shrink further. Numbers are never cut.
    let too_wide = |t: &Table| style.width.is_some_and(|w| t.total_width() > w);
    let steps = [
        Layout { bar: true, countdown: true, balance: true, short: false },
        Layout { bar: false, countdown: true, balance: true, short: false },
        Layout { bar: false, countdown: false, balance: true, short: false },
    ];
    let mut table = build(steps[0]);
    for layout in &steps[1..] {
        if !too_wide(&table) {
            break;
        }
        table = build(*layout);
    }
    fit(&mut table, style.width, &[(1, 10), (2, 8), (0, 6)]);
    if too_wide(&table) {
        table = build(Layout { bar: false, countdown: false, balance: false, short: true });
        fit(&mut table, style.width, NARROWEST);
    }
    print(out, &table)
}

/// The source, product and metric columns (0, 1, 2) shrunk in turn, as far
/// as they go, when the compact layout still does not fit.
pub const NARROWEST: &[(usize, usize)] = &[(1, 10), (2, 8), (0, 6), (1, 5), (2, 5), (0, 4), (1, 4), (2, 4), (0, 3)];

/// Which parts of the table are drawn.
#[derive(Debug, Clone, Copy)]
struct Layout {
    bar: bool,
    countdown: bool,
    balance: bool,
    /// `∞` for unlimited, two-digit years.
    short: bool,
}

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
