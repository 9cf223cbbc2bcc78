//! `licusage notify`: one message per change to each `[notify.NAME]` channel.

use anyhow::Result;

use super::{history_path, peeked, print_errors, read_sources, runtime};
use crate::cli::Options;
use crate::error::{Exit, UsageError};
use crate::history::Store;
use crate::output::{self, Rendered};
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// `notify`: read, compare with what each channel was told, send what
/// changed. A channel that fails keeps its changes for the next run; the
/// others are sent. Exit 1 when a channel or a source failed.
pub fn run(options: &Options, sources: &[String], filter: &RecordFilter, dry_run: bool) -> Result<Exit> {
    let run = Run::new(options, "notify", Rendered::Text)?;
    let config = resolve::config(options, None)?;
    if config.notify.is_empty() {
        let shown = super::shown_path(&config);
        return Err(UsageError(format!("no [notify.NAME] channel in {shown}: add one (docs/reference.md, Notify)")).into());
    }
    let chosen = select::sources(&config, sources)?;
    let report = read_sources(&run, &config, &chosen, filter, None, peeked(&config, &chosen, &run))?;
    let decisions = crate::digest::decisions_for(&config, &report.records, run.now);
    let path = history_path(Some(&config))?;
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
    let http = crate::http::Http::new(run.verbose).map_err(anyhow::Error::msg)?;
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
