//! `licusage plan` in each format.

use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Modify, Padding, Style as TableStyle};

use super::table::{money, thousands};
use super::{escape, Format, Style};
use crate::plan::Decision;
use crate::report::{SourceError, SCHEMA_VERSION};

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn write(
    out: &mut dyn Write,
    format: Format,
    decisions: &[Decision],
    since: DateTime<Utc>,
    errors: &[SourceError],
    style: &Style,
    now: DateTime<Utc>,
) -> Result<()> {
    match format {
        Format::Json => {
            let doc = serde_json::json!({
                "schema_version": SCHEMA_VERSION,
                "generated_at": rfc3339(now),
                "since": rfc3339(since),
                "decisions": decisions,
                "errors": errors,
            });
            super::json_document(out, &doc)?;
        }
        Format::Ndjson => super::json_lines(out, decisions)?,
        Format::Csv => csv(out, decisions)?,
        Format::Ics => ics(out, decisions, now)?,
        _ => table(out, decisions, style)?,
    }
    Ok(())
}

const CSV_HEADER: [&str; 24] = [
    "deadline",
    "when",
    "source",
    "kind",
    "product",
    "metric",
    "unit",
    "limit",
    "peak",
    "p95",
    "mean",
    "days_at_limit",
    "denials",
    "recommended",
    "change",
    "yearly",
    "currency",
    "date",
    "date_is",
    "notice_days",
    "samples",
    "history_days",
    "note",
    "id",
];

fn csv(out: &mut dyn Write, decisions: &[Decision]) -> Result<()> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    w.write_record(CSV_HEADER)?;
    let o = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for d in decisions {
        w.write_record([
            d.deadline.map(rfc3339).unwrap_or_default(),
            d.when.as_str().to_string(),
            d.source.clone(),
            d.kind.clone(),
            d.product.clone(),
            d.metric.clone(),
            d.unit.clone(),
            o(d.limit),
            o(d.peak),
            o(d.p95),
            d.mean.map(|m| format!("{m:.2}")).unwrap_or_default(),
            d.days_at_limit.to_string(),
            o(d.denials),
            o(d.recommended),
            o(d.change),
            d.yearly.map(|y| format!("{y:.2}")).unwrap_or_default(),
            d.currency.clone().unwrap_or_default(),
            d.date.map(rfc3339).unwrap_or_default(),
            d.date_is.unwrap_or_default().to_string(),
            d.notice_days.to_string(),
            d.samples.to_string(),
            d.history_days.to_string(),
            d.note.clone().unwrap_or_default(),
            d.id.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// A stable UID per series and event, so that a calendar importing the
/// file again updates its events instead of doubling them.
fn uid(what: &str, d: &Decision) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, format!("{}\u{0}{}", d.source, d.id).as_bytes());
    let hex: String = digest.as_ref().iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("{what}-{hex}@licusage")
}

/// RFC 5545: one all-day event on each decision deadline (its alarm a week
/// before) and one on each renewal or expiry date (its alarm the day
/// before). The crate escapes the text (vendor names included).
fn ics(out: &mut dyn Write, decisions: &[Decision], now: DateTime<Utc>) -> Result<()> {
    use icalendar::{Alarm, Calendar, Component, Event, EventLike};
    let mut calendar = Calendar::new();
    calendar.name("licusage: renewal decisions");
    for d in decisions {
        let (Some(date), Some(is), Some(deadline)) = (d.date, d.date_is, d.deadline) else { continue };
        let series = format!("{} {} ({})", d.product, d.metric, d.source);
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_else(|| "?".into());
        let renew = match (d.recommended, &d.note) {
            (Some(r), _) => {
                let money = match (d.yearly, &d.currency) {
                    (Some(y), Some(c)) => format!(", {} a year", money(y, c)),
                    _ => String::new(),
                };
                format!("Renew at {r} (today {}, change {}{money}).", opt(d.limit), opt(d.change))
            }
            (None, Some(note)) => format!("No recommendation: {note}."),
            (None, None) => "No recommendation.".into(),
        };
        let description = format!(
            "{renew} Peak {}, p95 {} over {} days of history; {} days at the limit. It {is} on {}; notice {} days.",
            opt(d.peak),
            opt(d.p95),
            d.history_days,
            d.days_at_limit,
            date.format("%Y-%m-%d"),
            d.notice_days
        );
        let summary = format!("Decide on {series}: it {is} on {}", date.format("%Y-%m-%d"));
        calendar.push(
            Event::new()
                .uid(&uid("deadline", d))
                .timestamp(now)
                .summary(&summary)
                .description(&description)
                .all_day(deadline.date_naive())
                .alarm(Alarm::display(&summary, -chrono::Duration::days(7)).uid(&uid("deadline-alarm", d)).timestamp(now).done())
                .done(),
        );
        let summary = format!("{series} {is}");
        calendar.push(
            Event::new()
                .uid(&uid(is, d))
                .timestamp(now)
                .summary(&summary)
                .description(&description)
                .all_day(date.date_naive())
                .alarm(Alarm::display(&summary, -chrono::Duration::days(1)).uid(&uid(&format!("{is}-alarm"), d)).timestamp(now).done())
                .done(),
        );
    }
    write!(out, "{calendar}")?;
    Ok(())
}

/// The table, then why a series has no recommendation.
fn table(out: &mut dyn Write, decisions: &[Decision], style: &Style) -> Result<()> {
    if decisions.is_empty() {
        return Ok(());
    }
    let text = |s: &str| escape::text(s).into_owned();
    let opt = |v: Option<i64>| v.map(thousands).unwrap_or_else(|| "—".into());
    let mut b = Builder::default();
    b.push_record([
        "DEADLINE",
        "WHEN",
        "SOURCE",
        "PRODUCT",
        "METRIC",
        "LIMIT",
        "PEAK",
        "P95",
        "FULL DAYS",
        "DENIED",
        "RENEW AT",
        "CHANGE",
        "A YEAR",
        "DATE",
    ]);
    for d in decisions {
        let change = d.change.map(|c| if c > 0 { format!("+{}", thousands(c)) } else { thousands(c) }).unwrap_or_else(|| "—".into());
        let yearly = match (d.yearly, &d.currency) {
            (Some(y), Some(c)) => money(y, &text(c)),
            _ => "—".into(),
        };
        let date = match (d.date, d.date_is) {
            (Some(t), Some(is)) => format!("{} {is}", t.format("%Y-%m-%d")),
            _ => "—".into(),
        };
        b.push_record([
            d.deadline.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into()),
            d.when.as_str().to_string(),
            text(&d.source),
            text(&d.product),
            text(&d.metric),
            d.limit.map(thousands).unwrap_or_else(|| "unlimited".into()),
            opt(d.peak),
            opt(d.p95),
            d.days_at_limit.to_string(),
            opt(d.denials),
            opt(d.recommended),
            change,
            yearly,
            date,
        ]);
    }
    let mut table = b.build();
    table.with(TableStyle::blank()).with(Padding::new(0, 1, 0, 0)).with(Modify::new(Columns::new(5..13)).with(Alignment::right()));
    super::table::fit(&mut table, style.width, &[(3, 10), (2, 8), (4, 8), (3, 6), (2, 5), (4, 5)]);
    super::table::print(out, &table)?;
    let notes: Vec<&Decision> = decisions.iter().filter(|d| d.note.is_some()).collect();
    if !notes.is_empty() {
        writeln!(out)?;
        for d in notes {
            writeln!(out, "{}/{}/{}: {}", text(&d.source), text(&d.product), text(&d.metric), d.note.as_deref().unwrap_or_default())?;
        }
    }
    Ok(())
}
