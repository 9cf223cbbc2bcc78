//! `licusage holders`: who holds the seats.

use std::sync::{Arc, Mutex};

use anyhow::Result;

use super::{cursors, exit_of, history_location, peeked, print, print_errors, read_sources, runtime};
use crate::cli::Options;
use crate::config::Source;
use crate::error::{Exit, UsageError};
use crate::history::{Consumer, Store, Usage, UsageDay};
use crate::output::holders::HolderWriter;
use crate::output::{self, Format, Rendered};
use crate::read::HolderSink;
use crate::report::SourceError;
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// `holders`: who holds the seats, streamed to stdout as the sources are read.
pub fn run(options: &Options, sources: &[String], filter: &RecordFilter, idle: Option<i64>, redact: bool) -> Result<Exit> {
    let run = Run::new(options, "holders", Rendered::Holders)?;
    let config = resolve::config(options, None)?;
    // Every source that cannot list holders says so: its kind does not name
    // them, or a file source lacks the payload they come in.
    let chosen: Vec<&Source> = select::sources(&config, sources)?
        .into_iter()
        .filter(|s| match holders_missing(s) {
            Some(why) => {
                if !run.quiet {
                    eprintln!("licusage: warning: source `{}` ({}): {why}", s.name, s.kind());
                }
                false
            }
            None => true,
        })
        .collect();
    let now = run.now;
    let salt = match redact {
        true => runtime()?.block_on(config.redact_salt.resolve(config.timeout)).map_err(|e| UsageError(format!("[holders] {e}")))?,
        false => None,
    };
    let writer = Arc::new(Mutex::new(HolderWriter::new(run.format, Box::new(output::stdout()), now)?));
    let sink_writer = writer.clone();
    let reclaim = config.reclaim.clone();
    let sink = HolderSink {
        wanted: Arc::new(move |h| {
            h.age(now);
            if idle.is_some_and(|days| !reclaim.idle(h, days, now)) {
                return false;
            }
            if redact {
                h.redact(salt.as_ref().map(|s| s.expose()));
            }
            true
        }),
        render: HolderWriter::rows(run.format),
        details: matches!(run.format, Format::Json | Format::Ndjson),
        write: Arc::new(move |h| {
            if let Ok(mut w) = sink_writer.lock() {
                w.push(h);
            }
        }),
    };
    let report = read_sources(&run, &config, &chosen, filter, Some(sink), peeked(&config, &chosen, &run))?;
    let writer = Arc::try_unwrap(writer).map_err(|_| anyhow::anyhow!("internal error: holder output still in use"))?;
    let writer = writer.into_inner().map_err(|_| anyhow::anyhow!("internal error: holder output poisoned"))?;
    writer.finish(&report.errors, &run.style)?;
    print_errors(&report);
    Ok(exit_of(&report))
}

/// Why `source` cannot list who holds its seats, if it cannot.
fn holders_missing(source: &Source) -> Option<String> {
    if !source.vendor.has_holders() {
        return Some("its kind does not say who holds the seats".into());
    }
    if source.file.is_some() {
        let missing = source.vendor.keys().iter().find(|k| {
            matches!(k.ty, crate::vendors::KeyType::Input { holders_only: true, .. }) && !source.inputs.iter().any(|i| i.key == k.name)
        });
        if let Some(key) = missing {
            return Some(format!("no `{}`: the holders come in that payload", key.name));
        }
    }
    None
}

/// `holders --usage`: checkout hours per user and feature over `since`, from
/// the sources' server logs: what `record` kept in the history, and what
/// the logs say after the last `record`; without a history, the logs whole.
pub fn usage(options: &Options, sources: &[String], filter: &RecordFilter, since: std::time::Duration, redact: bool) -> Result<Exit> {
    let run = Run::new(options, "holders", Rendered::Holders)?;
    let config = resolve::config(options, None)?;
    let chosen: Vec<&Source> = select::sources(&config, sources)?
        .into_iter()
        .filter(|s| match s.log.is_some() {
            true => true,
            false => {
                if !run.quiet && !sources.is_empty() {
                    eprintln!("licusage: warning: source `{}` ({}): no `log`: checkout time comes from the server's log", s.name, s.kind());
                }
                false
            }
        })
        .collect();
    if chosen.is_empty() {
        return Err(UsageError("--usage: no chosen source has a server log (`log = PATH` on a flexlm or rlm source)".into()).into());
    }
    let from = chrono::Duration::from_std(since)
        .ok()
        .and_then(|d| run.now.checked_sub_signed(d))
        .ok_or_else(|| UsageError(format!("--since {}: too far back", humantime::format_duration(since))))?;
    // Days of the server's calendar: the log's times are its local times.
    let from = from.with_timezone(&chrono::Local).date_naive();
    let salt = match redact {
        true => runtime()?.block_on(config.redact_salt.resolve(config.timeout)).map_err(|e| UsageError(format!("[holders] {e}")))?,
        false => None,
    };
    let history = history_location(Some(&config)).ok().filter(|p| p.exists());
    let store = history.as_ref().map(Store::open_read).transpose()?;
    let mut days: Vec<UsageDay> = Vec::new();
    let mut cursors_now = None;
    if let Some(store) = &store {
        let names: Vec<&str> = chosen.iter().map(|s| s.name.as_str()).collect();
        days.extend(store.usage(&names, from)?);
        cursors_now = cursors(store, Consumer::Record, &chosen)?;
    }
    let mut errors = Vec::new();
    for source in &chosen {
        let Some(log) = &source.log else { continue };
        let cursor = cursors_now.as_ref().and_then(|c| c.from.get(&source.name));
        let ends = std::time::Instant::now() + config.deadline_of(source);
        match crate::serverlog::read_log(&log.path, log.format, cursor, Some(ends), true) {
            Ok(read) => {
                for row in read.tally.usage.rows() {
                    let (feature, user, day, seconds) = row.map_err(|e| UsageError(format!("source `{}`: {e}", source.name)))?;
                    if day >= from {
                        days.push(UsageDay {
                            source: source.name.clone(),
                            feature: feature.to_string(),
                            user: user.to_string(),
                            day,
                            seconds,
                        });
                    }
                }
            }
            Err(message) => errors.push(SourceError { source: source.name.clone(), kind: source.kind().to_string(), message }),
        }
    }
    let rows = totals(days, filter, |user| match redact {
        true => crate::holder::pseudonym(user, salt.as_ref().map(|s| s.expose())),
        false => user.to_string(),
    });
    let report = crate::report::Report { errors, ..Default::default() };
    print(|out| output::usage::write(out, run.format, &rows, from, &report.errors, &run.style, run.now))?;
    print_errors(&report);
    Ok(exit_of(&report))
}

/// Days summed per source, feature and user (the feature filtered as a
/// product), most hours first.
fn totals(days: Vec<UsageDay>, filter: &RecordFilter, name: impl Fn(&str) -> String) -> Vec<Usage> {
    let mut sums: std::collections::BTreeMap<(String, String, String), (f64, std::collections::BTreeSet<chrono::NaiveDate>)> =
        Default::default();
    let wanted = |feature: &str| filter.products.is_empty() || filter.products.iter().any(|g| g.matches(feature));
    for d in days.into_iter().filter(|d| wanted(&d.feature)) {
        let entry = sums.entry((d.source, d.feature, name(&d.user))).or_default();
        entry.0 += d.seconds;
        if d.seconds > 0.0 {
            entry.1.insert(d.day);
        }
    }
    let mut rows: Vec<Usage> = sums
        .into_iter()
        .filter(|(_, (seconds, _))| *seconds > 0.0)
        .map(|((source, feature, user), (seconds, days))| Usage { source, feature, user, hours: seconds / 3600.0, days: days.len() as u32 })
        .collect();
    rows.sort_by(|a, b| b.hours.total_cmp(&a.hours).then_with(|| (&a.source, &a.feature, &a.user).cmp(&(&b.source, &b.feature, &b.user))));
    rows
}
