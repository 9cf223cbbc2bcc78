use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};
use tabled::builder::Builder;
use tabled::settings::object::{Columns, Rows};
use tabled::settings::peaker::Priority;
use tabled::settings::{Alignment, Modify, Padding, Style as TableStyle, Width};

use crate::record::{percent, Record, Status};

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
fn bar(utilization: f64) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = ((utilization.clamp(0.0, 1.0)) * 80.0).round() as usize;
    let mut bar = "█".repeat(eighths / 8);
    bar.push_str(EIGHTHS[eighths % 8]);
    let cells = bar.chars().count();
    bar.push_str(&" ".repeat(10 - cells));
    format!("{bar} {:>5}%", percent(utilization * 100.0))
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

fn expires(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match at {
        None => NONE.to_string(),
        Some(t) => {
            let days = (t - now).num_days();
            let date = t.format("%Y-%m-%d");
            if t <= now {
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
        return Ok(());
    }
    let mut builder = Builder::with_capacity(records.len() + 1, HEADER.len());
    builder.push_record(HEADER);
    for r in records {
        builder.push_record([
            r.source.clone(),
            r.product.clone(),
            r.metric.clone(),
            r.used.map(thousands).unwrap_or_else(|| NONE.into()),
            r.limit.map(thousands).unwrap_or_else(|| "unlimited".into()),
            r.balance.map(thousands).unwrap_or_else(|| NONE.into()),
            r.utilization.map(bar).unwrap_or_else(|| NONE.into()),
            expires(r.expires_at, now),
            paint(r.status.as_str(), r.status, style.color),
        ]);
    }
    let mut table = builder.build();
    table
        .with(TableStyle::blank())
        .with(Padding::new(0, 2, 0, 0))
        .with(Modify::new(Columns::new(3..6)).with(Alignment::right()))
        .with(Modify::new(Rows::first()).with(Alignment::left()));
    if let Some(width) = style.width {
        table.with(Width::truncate(width).priority(Priority::max(false)).suffix("…"));
    }
    // Trailing padding is noise in terminals and diffs.
    for line in table.to_string().lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
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
        assert_eq!(bar(0.982), "█████████▉  98.2%");
        assert_eq!(bar(0.0), format!("{}     0%", " ".repeat(10)));
        assert_eq!(bar(1.5), "██████████   150%");
        assert_eq!(bar(0.5), "█████         50%");
    }
}
