//! `licusage record`: a snapshot into the history, for cron.

use anyhow::{Context, Result};

use super::{cursors, exit_of, history_location, print, print_errors, read_sources};
use crate::cli::Options;
use crate::error::Exit;
use crate::history::{Consumer, Store};
use crate::output::{self, Rendered};
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// `record`: one snapshot of what the sources answered. A failed source adds
/// nothing (never half its records) and makes the exit code 1.
pub fn run(options: &Options, sources: &[String], filter: &RecordFilter) -> Result<Exit> {
    let run = Run::new(options, "record", Rendered::Text)?;
    let config = resolve::config(options, None)?;
    let chosen = select::sources(&config, sources)?;
    let path = history_location(Some(&config))?;
    let mut store = Store::open(&path)?;
    // The server logs from where the previous snapshot left them.
    let from = cursors(&store, Consumer::Record, &chosen)?;
    let report = read_sources(&run, &config, &chosen, filter, None, from)?;
    let id = store
        .record_with_logs(run.now, &report.records, chosen.len(), report.errors.len(), &report.logs)
        .with_context(|| format!("writing to {}", path))?;
    print_errors(&report);
    if !run.quiet {
        let read = chosen.len() - report.errors.len();
        print(|out| output::messages::recorded(out, id, report.records.len(), read, chosen.len(), &path))?;
    }
    Ok(exit_of(&report))
}
