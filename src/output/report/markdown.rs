//! The report as Markdown (GFM tables, sparklines for charts), for tickets
//! and chat: the same content as the HTML.

use std::io::Write;

use anyhow::Result;

use super::{chart, count, limit, money, percent_text, sums};
use crate::digest::{self, Digest, Seats};
use crate::output::escape;
use crate::report::Report;

/// Vendor text in a table cell: controls escaped, Markdown's own characters
/// too, and what GitHub would link on its own (`https://`, `www.`,
/// `@mention`, `#123`) broken by a zero-width space.
fn t(s: &str) -> String {
    const ZWSP: char = '\u{200b}';
    let mut out = String::new();
    let text = escape::text(s);
    let mut rest = text.as_ref();
    while let Some(c) = rest.chars().next() {
        if matches!(c, '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~') {
            out.push('\\');
        }
        out.push(c);
        let lower = rest.get(..4).map(str::to_ascii_lowercase);
        if matches!(c, '@' | '#') || (c == ':' && rest.starts_with("://")) || lower.as_deref() == Some("www.") {
            out.push(ZWSP);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn seats(out: &mut dyn Write, rows: &[Seats], what: &str) -> Result<()> {
    writeln!(out, "| Source | Product | Metric | {what} | Price a seat / year | Cost a year |\n|---|---|---|---:|---:|---:|")?;
    for s in rows {
        let price = s.price.as_ref().map(|(p, c)| money(*p, &t(c))).unwrap_or_else(|| "—".into());
        let cost = s.cost().map(|(v, c)| money(v, &t(c))).unwrap_or_else(|| "—".into());
        writeln!(out, "| {} | {} | {} | {} | {price} | {cost} |", t(&s.source), t(&s.product), t(&s.metric), count(Some(s.seats)))?;
    }
    writeln!(out, "| **Total a year** | | | | | {} |\n", sums(&digest::totals(rows), t))?;
    Ok(())
}

/// The renewal decisions due now or soon (`plan`), first.
fn due(out: &mut dyn Write, d: &Digest) -> Result<()> {
    writeln!(out, "## Decisions due\n")?;
    if d.due.is_empty() {
        writeln!(
            out,
            "No renewal or expiry needs a decision in the next {} days (`licusage plan` lists them all).\n",
            crate::plan::SOON_DAYS
        )?;
        return Ok(());
    }
    writeln!(out, "| Deadline | Series | Limit | Peak | P95 | Renew at | Change | Date |\n|---|---|---:|---:|---:|---:|---:|---|")?;
    for x in &d.due {
        writeln!(
            out,
            "| {} {} | {} {} ({}) | {} | {} | {} | {} | {} | {} {} |",
            x.deadline.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            x.when.as_str(),
            t(&x.product),
            t(&x.metric),
            t(&x.source),
            count(x.limit),
            count(x.peak),
            count(x.p95),
            super::renew_at(x),
            super::change(x, t),
            x.date.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            x.date_is.unwrap_or_default()
        )?;
    }
    writeln!(out)?;
    Ok(())
}

pub fn write(out: &mut dyn Write, d: &Digest) -> Result<()> {
    writeln!(
        out,
        "# License usage report\n\nGenerated {} by licusage {} from {} sources.\n",
        d.generated_at.format("%Y-%m-%d %H:%M UTC"),
        env!("CARGO_PKG_VERSION"),
        d.report.sources.len()
    )?;
    due(out, d)?;
    summary(out, d)?;
    sources(out, &d.report)?;
    trends(out, d)?;
    reclaim(out, d)?;
    ahead(out, d)
}

/// The counts, and the sources that could not be read.
fn summary(out: &mut dyn Write, d: &Digest) -> Result<()> {
    let r = &d.report;
    writeln!(out, "## Summary\n")?;
    let states: Vec<String> = d.by_status().iter().map(|(s, n)| format!("{n} {s}")).collect();
    writeln!(out, "- Series: {}", states.join(", "))?;
    writeln!(out, "- Sources failed: {}", r.errors.len())?;
    writeln!(out, "- Seats idle {}+ days cost a year: {}", d.idle_days, sums(&digest::totals(&d.reclaim), t))?;
    writeln!(out, "- Unused seats cost a year: {}", sums(&digest::totals(&d.unused), t))?;
    writeln!(out, "- Expiries and renewals in {} days: {}\n", digest::AHEAD_DAYS, d.ahead.len())?;
    for e in &r.errors {
        writeln!(out, "> **{}** ({}): {}", t(&e.source), t(&e.kind), t(&e.message))?;
    }
    if !r.errors.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

/// A table per source.
fn sources(out: &mut dyn Write, r: &Report) -> Result<()> {
    writeln!(out, "## Usage by source\n")?;
    for (name, kind) in &r.sources {
        let records: Vec<_> = r.records.iter().filter(|x| &x.source == name).collect();
        if records.is_empty() {
            continue;
        }
        writeln!(
            out,
            "### {} ({})\n\n| Product | Metric | Used | Limit | Use | Expires | Status |\n|---|---|---:|---:|---:|---|---|",
            t(name),
            t(kind)
        )?;
        for x in records {
            let used = percent_text(x).unwrap_or_else(|| "—".into());
            let expires = x.expires_at.map(|e| e.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into());
            let reasons: Vec<String> = x.reasons.iter().map(|s| t(s)).collect();
            let state = if reasons.is_empty() { x.status.to_string() } else { format!("{} ({})", x.status, reasons.join("; ")) };
            writeln!(out, "| {} | {} | {} | {} | {used} | {expires} | {state} |", t(&x.product), t(&x.metric), count(x.used), limit(x))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A sparkline and its description per series, or why there is none.
fn trends(out: &mut dyn Write, d: &Digest) -> Result<()> {
    writeln!(out, "## Trends over {}\n", super::range(d.since))?;
    match &d.history {
        Err(none) => {
            writeln!(out, "No history yet at `{}`: run `licusage record` from cron and the trends and forecasts appear here.\n", none.at)?
        }
        Ok(series) if series.is_empty() => writeln!(out, "The history holds no samples in this range.\n")?,
        Ok(series) => {
            writeln!(out, "{}\n", super::history_span(series))?;
            let (charts, young, blank) = super::chart_groups(series);
            if !charts.is_empty() {
                writeln!(out, "| Series | Used | Trend |\n|---|---|---|")?;
                for s in &charts {
                    writeln!(
                        out,
                        "| {} {} ({}) | `{}` | {} |",
                        t(&s.product),
                        t(&s.metric),
                        t(&s.source),
                        s.sparkline,
                        chart::describe(s)
                    )?;
                }
                writeln!(out)?;
            }
            if !young.is_empty() {
                writeln!(
                    out,
                    "Too little history for a chart yet. {}\n\n| Series | Samples | Since | Used |\n|---|---:|---|---:|",
                    super::charts_from(&young)
                )?;
                for s in &young {
                    writeln!(
                        out,
                        "| {} {} ({}) | {} | {} | {} |",
                        t(&s.product),
                        t(&s.metric),
                        t(&s.source),
                        s.samples,
                        s.first.at.format("%Y-%m-%d"),
                        count(s.last.used)
                    )?;
                }
                writeln!(out)?;
            }
            if blank > 0 {
                writeln!(out, "{blank} series report no counts and have no chart.\n")?;
            }
        }
    }
    Ok(())
}

/// Idle seats held and seats bought unassigned, priced.
fn reclaim(out: &mut dyn Write, d: &Digest) -> Result<()> {
    writeln!(out, "## Seats to reclaim and unused seats\n")?;
    match d.reclaim.is_empty() {
        true => writeln!(out, "No seat held by someone who has not used it for {} days or more.\n", d.idle_days)?,
        false => seats(out, &d.reclaim, "Idle seats")?,
    }
    match d.unused.is_empty() {
        true => writeln!(out, "Every limited named seat is assigned.\n")?,
        false => seats(out, &d.unused, "Unused seats")?,
    }
    if !d.floating.is_empty() {
        writeln!(out, "Floating licenses not checked out now (a free floating license serves the next user: not waste):\n")?;
        seats(out, &d.floating, "Free now")?;
    }
    writeln!(out, "Only seats count here (seats, users, licenses): never documents or signatures, free plans or expired licenses.\n")?;
    Ok(())
}

/// What expires or renews soon.
fn ahead(out: &mut dyn Write, d: &Digest) -> Result<()> {
    writeln!(out, "## Expiries and renewals in the next {} days\n", digest::AHEAD_DAYS)?;
    if d.ahead.is_empty() {
        writeln!(out, "Nothing expires or renews in that time.")?;
        return Ok(());
    }
    writeln!(out, "| Date | What | Source | Product | Metric | Auto-renew |\n|---|---|---|---|---|---|")?;
    for due in &d.ahead {
        let what = if due.at < d.generated_at { "expired" } else { due.what };
        let auto = match due.auto_renew {
            Some(true) => "yes",
            Some(false) => "no",
            None => "—",
        };
        writeln!(
            out,
            "| {} | {what} | {} | {} | {} | {auto} |",
            due.at.format("%Y-%m-%d"),
            t(&due.source),
            t(&due.product),
            t(&due.metric)
        )?;
    }
    Ok(())
}
