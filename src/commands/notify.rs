//! `licusage notify`: one message per change to each `[notify.NAME]` channel.

use anyhow::Result;

use super::{history_location, peeked, print_errors, read_sources, runtime};
use crate::cli::Options;
use crate::error::{Exit, UsageError};
use crate::history::Store;
use crate::notify::Change;
use crate::output::{self, Rendered};
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// The config, which must name a channel to tell.
fn with_channels(options: &Options) -> Result<crate::config::Config> {
    let config = resolve::config(options, None)?;
    if config.notify.is_empty() {
        let shown = super::shown_path(&config);
        return Err(UsageError(format!("no [notify.NAME] channel in {shown}: add one (docs/reference.md, Notify)")).into());
    }
    Ok(config)
}

/// `notify`: read, compare with what each channel was told, send what
/// changed. A channel that fails keeps its changes for the next run; the
/// others are sent. Exit 1 when a channel or a source failed.
pub fn run(options: &Options, sources: &[String], filter: &RecordFilter, dry_run: bool) -> Result<Exit> {
    let run = Run::new(options, "notify", Rendered::Text)?;
    let config = with_channels(options)?;
    let chosen = select::sources(&config, sources)?;
    let report = read_sources(&run, &config, &chosen, filter, None, peeked(&config, &chosen, &run))?;
    let decisions = crate::digest::decisions_for(&config, &report.records, run.now);
    let path = history_location(Some(&config))?;
    let now = run.now;
    if dry_run {
        // What would go out; nothing sent, nothing stored.
        let store = path.exists().then(|| Store::open_read(&path)).transpose()?;
        let mut lines = Vec::new();
        for channel in &config.notify {
            let told = store.as_ref().map(|s| s.notified(&channel.name)).transpose()?.unwrap_or_default();
            for c in crate::notify::changes(channel, &report, &decisions, &told, now).iter().filter(|c| c.is_message()) {
                lines.push(format!("{}: {}", output::escape::text(&channel.name), output::escape::text(&c.summary)));
            }
        }
        super::print(|out| {
            for line in &lines {
                writeln!(out, "{line}")?;
            }
            Ok(())
        })?;
        print_errors(&report);
        return Ok(super::exit_of(&report));
    }
    let mut store = Store::open(&path)?;
    let rt = runtime()?;
    // Never `-v`: its request log would show a webhook's address, which is its key.
    let http = crate::http::Http::new(false).map_err(anyhow::Error::msg)?;
    let mut failed = 0;
    for outcome in crate::notify::deliver(rt.handle(), &config, &mut store, &http, &report, &decisions, now) {
        for e in &outcome.errors {
            eprintln!("licusage: error: channel `{}`: {}", outcome.channel, output::escape::text(e));
        }
        failed += outcome.errors.len();
        if !run.quiet && outcome.tried {
            let failures = if outcome.errors.is_empty() { String::new() } else { format!(", {} failed", outcome.errors.len()) };
            super::print(|out| Ok(writeln!(out, "channel {}: {} sent{failures}", output::escape::text(&outcome.channel), outcome.sent)?))?;
        }
    }
    print_errors(&report);
    Ok(if failed > 0 || !report.errors.is_empty() { Exit::SourceFailed } else { Exit::Ok })
}

/// `notify --digest`: per source, the named seats idle `idle` days or more
/// (`[holders] exempt` and `grace` honoured) and what they cost a year, to
/// every channel but Alertmanager; no state (a digest goes out each time).
pub fn digest(options: &Options, sources: &[String], filter: &RecordFilter, idle: i64, dry_run: bool) -> Result<Exit> {
    let run = Run::new(options, "notify", Rendered::Text)?;
    let config = with_channels(options)?;
    let chosen: Vec<_> = select::sources(&config, sources)?.into_iter().filter(|s| s.vendor.has_holders()).collect();
    let now = run.now;
    let (sink, seats) = crate::digest::idle_counter(config.reclaim.clone(), idle, now);
    let report = read_sources(&run, &config, &chosen, filter, Some(sink), peeked(&config, &chosen, &run))?;
    let seats = seats.lock().map(|s| s.clone()).unwrap_or_default();
    let path = history_location(Some(&config))?;
    let d = crate::digest::Digest::new(report, Err(crate::digest::NoHistory { at: path }), seats, std::time::Duration::ZERO, idle, now);
    let messages = digest_messages(&d, idle);
    if dry_run {
        super::print(|out| {
            for m in &messages {
                writeln!(out, "{}", output::escape::text(&m.summary))?;
                for line in &m.details {
                    writeln!(out, "  {}", output::escape::text(line))?;
                }
            }
            Ok(())
        })?;
        print_errors(&d.report);
        return Ok(super::exit_of(&d.report));
    }
    let rt = runtime()?;
    // Never `-v`: its request log would show a webhook's address, which is its key.
    let http = crate::http::Http::new(false).map_err(anyhow::Error::msg)?;
    let mut failed = 0;
    for outcome in crate::notify::deliver_all(rt.handle(), &config, &http, &messages, now) {
        for e in &outcome.errors {
            eprintln!("licusage: error: channel `{}`: {}", outcome.channel, output::escape::text(e));
        }
        failed += outcome.errors.len();
        if !run.quiet && outcome.tried {
            super::print(|out| Ok(writeln!(out, "channel {}: {} sent", output::escape::text(&outcome.channel), outcome.sent)?))?;
        }
    }
    print_errors(&d.report);
    Ok(if failed > 0 || !d.report.errors.is_empty() { Exit::SourceFailed } else { Exit::Ok })
}

/// One digest message per source with seats to reclaim, or one saying there are none.
fn digest_messages(d: &crate::digest::Digest, idle: i64) -> Vec<Change> {
    let mut by_source: std::collections::BTreeMap<&str, Vec<&crate::digest::Seats>> = Default::default();
    for s in &d.reclaim {
        by_source.entry(s.source.as_str()).or_default().push(s);
    }
    let kind_of = |source: &str| d.report.sources.iter().find(|(n, _)| n == source).map(|(_, k)| k.clone()).unwrap_or_default();
    let money = |rows: &[&crate::digest::Seats]| {
        let totals = crate::digest::totals(rows.iter().copied());
        totals.iter().map(|(c, v)| output::table::money(*v, c)).collect::<Vec<_>>().join(" + ")
    };
    let mut out: Vec<Change> = by_source
        .into_iter()
        .map(|(source, rows)| {
            let n: u64 = rows.iter().map(|s| s.seats).sum();
            let cost = money(&rows);
            let cost = if cost.is_empty() { String::new() } else { format!(", {cost} a year") };
            Change {
                event: "digest",
                source: source.to_string(),
                kind: kind_of(source),
                id: None,
                product: None,
                metric: None,
                from: None,
                to: n.to_string(),
                resolved: false,
                repeated: false,
                summary: format!("{source}: {n} seat{} idle {idle}+ days to reclaim{cost}", if n == 1 { "" } else { "s" }),
                details: rows
                    .iter()
                    .map(|s| match s.cost() {
                        Some((v, c)) => format!("{} {}: {} idle, {} a year", s.product, s.metric, s.seats, output::table::money(v, c)),
                        None => format!("{} {}: {} idle", s.product, s.metric, s.seats),
                    })
                    .collect(),
                subject: String::new(),
            }
        })
        .collect();
    if out.is_empty() {
        out.push(Change {
            event: "digest",
            source: String::new(),
            kind: String::new(),
            id: None,
            product: None,
            metric: None,
            from: None,
            to: "0".into(),
            resolved: false,
            repeated: false,
            summary: match d.report.sources.len() {
                1 => format!("No seat idle {idle}+ days to reclaim in 1 source"),
                n => format!("No seat idle {idle}+ days to reclaim in {n} sources"),
            },
            details: Vec::new(),
            subject: String::new(),
        });
    }
    out
}
