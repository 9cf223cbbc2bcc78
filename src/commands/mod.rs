//! One file per command: each resolves what it runs with (`resolve`), reads,
//! hands the result to its renderer (`output`) and picks the exit code.
//! `app` only dispatches; the helpers every command shares are here.

pub mod check;
pub mod completions;
pub mod config;
pub mod diff;
pub mod history;
pub mod holders;
pub mod notify;
pub mod plan;
pub mod record;
pub mod report;
pub mod serve;
pub mod show;
pub mod sources;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::config::{Config, Source};
use crate::error::Exit;
use crate::history::{Consumer, Location, Store};

use crate::output;
use crate::read::{self, HolderSink, LogReads, ReadOptions};
use crate::report::Report;
use crate::resolve::Run;
use crate::select::RecordFilter;

/// Render to stdout (buffered) and flush.
pub(crate) fn print(render: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let mut out = output::stdout();
    render(&mut out)?;
    out.flush()?;
    Ok(())
}

pub(crate) fn shown_path(config: &Config) -> String {
    config.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default()
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().context("starting the async runtime")
}

/// Read the sources, with the progress and logging options of the run.
pub(crate) fn read_sources(
    run: &Run,
    config: &Config,
    sources: &[&Source],
    filter: &RecordFilter,
    holders: Option<HolderSink>,
    cursors: Option<Cursors>,
) -> Result<Report> {
    let read_options = ReadOptions { verbose: run.verbose, progress: !run.quiet, holders, cursors };
    Ok(runtime()?.block_on(read::read(config, sources, filter, &read_options, run.now)))
}

/// Where the sources' server logs are read from.
pub(crate) type Cursors = Arc<LogReads>;

/// The sources' server logs (`log`), as the store keys their cursors.
fn logs_of<'a>(sources: &[&'a Source]) -> Vec<(&'a str, &'a Path)> {
    sources.iter().filter_map(|s| s.log.as_ref().map(|l| (s.name.as_str(), l.path.as_path()))).collect()
}

/// Where `consumer` left the logs of `sources` in `store`; `None` when no
/// source has a log.
pub(crate) fn cursors(store: &Store, consumer: Consumer, sources: &[&Source]) -> Result<Option<Cursors>> {
    let logs = logs_of(sources);
    if logs.is_empty() {
        return Ok(None);
    }
    let from = store.cursors(consumer, &logs).with_context(|| format!("reading log positions from {}", store.location))?;
    // Checkout time is `record`'s to keep.
    Ok(Some(Arc::new(LogReads { from, usage: consumer == Consumer::Record })))
}

/// For a command that only looks (`show`, `holders`, `report`): the logs
/// from where `record` left them, so that `details.denials` is what came
/// since the last snapshot; nothing is moved on. Without a history (or one
/// that cannot be read) a log is read from its start.
pub(crate) fn peeked(config: &Config, sources: &[&Source], run: &Run) -> Option<Cursors> {
    if logs_of(sources).is_empty() {
        return None;
    }
    let at = history_location(Some(config)).ok().filter(|at| at.exists())?;
    match Store::peek(&at).and_then(|store| store.cursors(Consumer::Record, &logs_of(sources))) {
        Ok(from) => Some(Arc::new(LogReads { from, usage: false })),
        Err(e) => {
            if run.verbose {
                eprintln!("licusage: logs read from their start: {}", output::escape::text(&format!("{e:#}")));
            }
            None
        }
    }
}

pub(crate) fn print_errors(report: &Report) {
    for e in &report.errors {
        eprintln!("licusage: error: {}", output::escape::text(&e.to_string()));
    }
}

pub(crate) fn exit_of(report: &Report) -> Exit {
    if report.errors.is_empty() {
        Exit::Ok
    } else {
        Exit::SourceFailed
    }
}

/// Where the history lives: `[history]`, else the default file.
pub(crate) fn history_location(config: Option<&Config>) -> Result<Location> {
    match config {
        Some(c) => c.history_location(),
        None => crate::history::default_path().map(Location::File),
    }
}

/// Write `path` whole: into a file beside it, flushed, then renamed over it,
/// so that a reader never sees half of it and a failed write leaves the old
/// file as it was. A symlink is followed (the file it names is replaced, the
/// link stays); a device or FIFO (`/dev/stdout`, a pipe) is written in place;
/// a file that exists keeps its mode, a new one is 0600.
pub(crate) fn write_whole(path: &Path, render: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let target = followed(path);
    let existing = std::fs::metadata(&target).ok();
    if let Some(m) = &existing {
        if m.is_dir() {
            anyhow::bail!("cannot write {}: it is a directory", path.display());
        }
        if !m.is_file() {
            let file = std::fs::OpenOptions::new().write(true).open(&target).with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            render(&mut out)?;
            return out.flush().with_context(|| format!("cannot write {}", path.display()));
        }
    }
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = existing.map(|m| m.permissions().mode() & 0o7777).unwrap_or(0o600);
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        render(&mut out)?;
        // Flushed here, where an error (a full disk) is seen, not on drop.
        out.flush().with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.persist(&target).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// The file `path` names once its symlinks are followed (a link to a file
/// that does not exist yet names that file).
fn followed(path: &Path) -> std::path::PathBuf {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&at) {
            Ok(to) => at = at.parent().map(|d| d.join(&to)).unwrap_or(to),
            Err(_) => break,
        }
    }
    at
}
