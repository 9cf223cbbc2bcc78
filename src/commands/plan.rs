//! `licusage plan`: renewal decisions from the history and today's read.

use anyhow::Result;

use super::{exit_of, history_location, peeked, print, print_errors, read_sources};
use crate::cli::Options;
use crate::error::{Exit, UsageError};
use crate::history::Store;
use crate::output::{self, Rendered};
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// `plan`: a decision per series of today's read, weighed over `since` of
/// history; exit code as `show`'s.
pub fn run(options: &Options, sources: &[String], filter: &RecordFilter, since: std::time::Duration) -> Result<Exit> {
    let run = Run::new(options, "plan", Rendered::Plan)?;
    let config = resolve::config(options, None)?;
    let chosen = select::sources(&config, sources)?;
    let report = read_sources(&run, &config, &chosen, filter, None, peeked(&config, &chosen, &run))?;
    let from = chrono::Duration::from_std(since)
        .ok()
        .and_then(|d| run.now.checked_sub_signed(d))
        .ok_or_else(|| UsageError(format!("--since {}: too far back", humantime::format_duration(since))))?;
    let window_days = i64::try_from(since.as_secs().div_ceil(86_400)).unwrap_or(i64::MAX);
    let path = history_location(Some(&config))?;
    let store = match path.exists() {
        true => Some(Store::open_read(&path)?),
        false => {
            if !run.quiet {
                eprintln!("licusage: warning: no history at {} yet: run `licusage record` (from cron) for recommendations", path);
            }
            None
        }
    };
    let samples = match &store {
        Some(store) => store.samples_of(&report.records, from)?,
        None => vec![Vec::new(); report.records.len()],
    };
    let mut decisions = Vec::with_capacity(report.records.len());
    for (r, samples) in report.records.iter().zip(samples) {
        let t = config.thresholds_for(&r.source, &r.product, &r.metric);
        decisions.push(crate::plan::decide(r, &samples, &t, window_days, run.now));
    }
    crate::plan::sort(&mut decisions);
    print(|out| output::plan::write(out, run.format, &decisions, from, &report.errors, &run.style, run.now))?;
    print_errors(&report);
    Ok(exit_of(&report))
}
