//! `licusage report`: the document people forward.

use std::path::Path;

use anyhow::Result;

use super::{exit_of, history_location, peeked, print, print_errors, read_sources, write_whole};
use crate::cli::Options;
use crate::error::{Exit, UsageError};
use crate::history::{HistoryFilter, Store};
use crate::output::{self, Rendered};
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// `report`: the document of a read, the history, the seats to reclaim and
/// what is due; exit code as `show`'s.
pub fn run(
    options: &Options,
    sources: &[String],
    filter: &RecordFilter,
    since: std::time::Duration,
    idle: i64,
    output: Option<&Path>,
) -> Result<Exit> {
    let run = Run::new(options, "report", Rendered::Report)?;
    let config = resolve::config(options, None)?;
    let chosen = select::sources(&config, sources)?;
    let now = run.now;
    // Idle seats are counted per series as they stream by, never kept.
    let (sink, idle_seats) = crate::digest::idle_counter(config.reclaim.clone(), idle, now);
    let report = read_sources(&run, &config, &chosen, filter, Some(sink), peeked(&config, &chosen, &run))?;
    let path = history_location(Some(&config))?;
    let history = match path.exists() {
        false => Err(crate::digest::NoHistory { at: path }),
        true => {
            // Every series in the history (a shared one holds other
            // collectors' too), or those `--source` names.
            let names = sources.iter().map(|s| crate::glob::Glob::new(s)).collect::<Result<Vec<_>, _>>().map_err(UsageError)?;
            let filter = HistoryFilter { sources: names, ..HistoryFilter::default() };
            let from = now - chrono::Duration::from_std(since).unwrap_or_default();
            let store = Store::open_read(&path)?;
            let series = store.history_in(&filter, from, now, 60)?;
            // A young history: the charts' axis spans the data, not the window.
            match series.iter().map(|s| s.first.at).min().filter(|first| *first > from) {
                Some(first) => Ok(store.history_in(&filter, first, now, 60)?),
                None => Ok(series),
            }
        }
    };
    let idle_seats = idle_seats.lock().map(|s| s.clone()).unwrap_or_default();
    // The report opens with the renewal decisions that are due.
    let due = crate::plan::due(crate::digest::decisions_for(&config, &report.records, now));
    let mut digest = crate::digest::Digest::new(report, history, idle_seats, since, idle, now);
    digest.due = due;
    match output {
        None => print(|out| output::report::write(out, run.format, &digest))?,
        // A mailer never reads half a report.
        Some(file) => write_whole(file, |out| output::report::write(out, run.format, &digest))?,
    }
    print_errors(&digest.report);
    Ok(exit_of(&digest.report))
}
