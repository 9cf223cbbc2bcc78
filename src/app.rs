//! Running a parsed command: resolve what it runs with (`resolve`), read,
//! hand the result to its renderer (`output`), pick the exit code. Nothing
//! here writes output itself.

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};

use crate::check::State;
use crate::cli::{self, Invocation, Options, Task};
use crate::config::{Config, Overrides, Source};
use crate::diff;
use crate::error::{Exit, UsageError};
use crate::history::{self, HistoryFilter, Store};
use crate::output::holders::HolderWriter;
use crate::output::{self, Rendered};
use crate::payload::Input;
use crate::read::{self, HolderSink, ReadOptions};
use crate::report::Report;
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// Parse `args`, run, print any error as `licusage: error: …`, and return the exit code.
pub fn main<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    // Set but empty is unset (`LICUSAGE_CONFIG= licusage …`), not a flag
    // without its value. Single-threaded here, before anything reads it.
    if std::env::var_os("LICUSAGE_CONFIG").is_some_and(|v| v.is_empty()) {
        std::env::remove_var("LICUSAGE_CONFIG");
    }
    // No arguments at all: a newcomer. The three commands that get them going.
    if args.len() <= 1 {
        let mut out = output::stdout();
        let _ = output::messages::start_here(&mut out).and_then(|_| Ok(out.flush()?));
        return ExitCode::from(Exit::Usage as u8);
    }
    let invocation = match cli::parse(args.clone()) {
        Ok(i) => i,
        Err(e) => {
            let _ = e.print();
            // A monitoring plugin's usage error is UNKNOWN, said on stdout too:
            // Nagios shows stdout, and "(No output)" helps nobody.
            // `check --help` and `check --version` exit UNKNOWN, as the
            // monitoring-plugins guidelines (and their test suite) want.
            let check = cli::is_check(args.clone());
            if !e.use_stderr() {
                return if check { ExitCode::from(State::Unknown.code()) } else { ExitCode::SUCCESS };
            }
            if check {
                // The error and what clap says with it ("[possible values:
                // checkmk]"), up to the first blank line, on one line.
                let text = e.to_string();
                let first: Vec<&str> = text.lines().take_while(|l| !l.trim().is_empty()).map(str::trim).collect();
                let first = first.join(" ").trim_start_matches("error: ").to_string();
                let mut out = output::stdout();
                let _ = writeln!(out, "LICUSAGE UNKNOWN - {}", output::escape::plugin(&first)).and_then(|_| out.flush());
                return ExitCode::from(State::Unknown.code());
            }
            return ExitCode::from(Exit::Usage as u8);
        }
    };
    // Started with stdout closed (`>&-`), every write would vanish and the run
    // look successful: say so instead (a cron `-q record` writes nothing).
    let silent = matches!(invocation.task, Task::Record { .. }) && invocation.options.quiet;
    if !silent && stdout_is_closed() {
        eprintln!("licusage: error: standard output is closed: nothing could be written");
        let code = if matches!(invocation.task, Task::Check { .. }) { State::Unknown.code() } else { Exit::SourceFailed as u8 };
        return ExitCode::from(code);
    }
    match run(invocation) {
        Ok(code) => code,
        Err(_) if output::stdout_closed() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("licusage: error: {}", output::escape::text(&format!("{e:#}")));
            let exit = if e.downcast_ref::<UsageError>().is_some() { Exit::Usage } else { Exit::SourceFailed };
            exit.into()
        }
    }
}

/// Whether licusage was started with stdout closed. Rust's runtime opens
/// `/dev/null` read-write in place of a closed standard descriptor, which a
/// shell's `> /dev/null` never does (it opens it write-only): on Linux that
/// tells the two apart.
#[cfg(target_os = "linux")]
fn stdout_is_closed() -> bool {
    let target = std::fs::read_link("/proc/self/fd/1").ok();
    let flags = std::fs::read_to_string("/proc/self/fdinfo/1")
        .ok()
        .and_then(|info| info.lines().find_map(|l| l.strip_prefix("flags:")).and_then(|f| u32::from_str_radix(f.trim(), 8).ok()));
    const O_ACCMODE: u32 = 0o3;
    const O_RDWR: u32 = 0o2;
    target.is_some_and(|t| t == std::path::Path::new("/dev/null")) && flags.is_some_and(|f| f & O_ACCMODE == O_RDWR)
}

#[cfg(not(target_os = "linux"))]
fn stdout_is_closed() -> bool {
    false
}

fn run(invocation: Invocation) -> Result<ExitCode> {
    let Invocation { options, task } = invocation;
    let exit = match task {
        Task::Show { sources, filter } => {
            let run = Run::new(&options, "show", Rendered::Records)?;
            let config = resolve::config(&options, None)?;
            let chosen = select::sources(&config, &sources)?;
            if chosen.is_empty() && !run.quiet {
                eprintln!("licusage: warning: no sources configured in {}", shown_path(&config));
            }
            show(&run, &config, &chosen, &filter)?
        }
        Task::Vendor { kind, table, filter } => {
            let run = Run::new(&options, &kind, Rendered::Records)?;
            let config = resolve::one_off(&options, &kind, table)?;
            let chosen: Vec<&Source> = config.sources.iter().collect();
            show(&run, &config, &chosen, &filter)?
        }
        Task::Holders { sources, filter, idle, redact } => holders(&options, &sources, &filter, idle, redact)?,
        Task::Check { sources, filter, overrides, skip_unknown } => return Ok(check(&options, &sources, &filter, overrides, skip_unknown)),
        Task::Record { sources, filter } => record(&options, &sources, &filter)?,
        Task::History { filter, since, names } => history(&options, &filter, since, &names)?,
        Task::Diff { old, new } => diff(&options, &old, &new)?,
        Task::Sources { names } => sources(&options, names)?,
        Task::Completions(shell) => {
            Run::new(&options, "completions", Rendered::Text)?;
            print(|out| Ok(out.write_all(crate::completions::script(shell).as_bytes())?))?;
            Exit::Ok
        }
        Task::ConfigPath => {
            let run = Run::new(&options, "config path", Rendered::Text)?;
            let path = resolve::config_path(&options)?;
            if run.verbose {
                eprintln!("licusage: config path from {}", path.origin);
            }
            print(|out| output::messages::path(out, &path.path))?;
            Exit::Ok
        }
        Task::ConfigCheck => config_check(&options)?,
        Task::ConfigInit { path, force } => config_init(&options, path, force)?,
        Task::Report { sources, filter, since, idle, output } => report(&options, &sources, &filter, since, idle, output.as_deref())?,
        Task::Serve { sources, filter, listen, refresh } => {
            Run::new(&options, "serve", Rendered::Text)?;
            crate::serve::run(&options, crate::serve::Request { sources, filter, listen, refresh })?;
            Exit::Ok
        }
    };
    Ok(exit.into())
}

/// Render to stdout (buffered) and flush.
fn print(render: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let mut out = output::stdout();
    render(&mut out)?;
    out.flush()?;
    Ok(())
}

fn shown_path(config: &Config) -> String {
    config.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default()
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().context("starting the async runtime")
}

/// Read the sources, with the progress and logging options of the run.
fn read_sources(run: &Run, config: &Config, sources: &[&Source], filter: &RecordFilter, holders: Option<HolderSink>) -> Result<Report> {
    let read_options = ReadOptions { verbose: run.verbose, progress: !run.quiet, holders };
    let mut report = runtime()?.block_on(read::read(config, sources, filter, &read_options, run.now));
    // A one-off read has flags, not config keys: its errors say so.
    if config.path.is_none() {
        for e in &mut report.errors {
            if let Some(source) = sources.iter().find(|s| s.name == e.source) {
                e.message = resolve::in_flag_terms(source.vendor, &e.message);
            }
        }
    }
    Ok(report)
}

fn print_errors(report: &Report) {
    for e in &report.errors {
        eprintln!("licusage: error: {}", output::escape::text(&e.to_string()));
    }
}

fn exit_of(report: &Report) -> Exit {
    if report.errors.is_empty() {
        Exit::Ok
    } else {
        Exit::SourceFailed
    }
}

/// `report`: the document of a read, the history, the seats to reclaim and
/// what is due; exit code as `show`'s.
fn report(
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
    let idle_seats: Arc<Mutex<crate::digest::IdleSeats>> = Arc::default();
    let counted = idle_seats.clone();
    let sink = HolderSink {
        wanted: Arc::new(move |h| {
            h.age(now);
            h.idle_for(idle)
        }),
        write: Arc::new(move |h| {
            if let Ok(mut seats) = counted.lock() {
                let entry = seats.entry((h.source.to_string(), h.product.to_string(), h.metric.to_string())).or_insert((0, None));
                entry.0 += 1;
                if let Some((price, currency)) = h.price {
                    entry.1 = Some((price, currency.to_string()));
                }
            }
        }),
    };
    let report = read_sources(&run, &config, &chosen, filter, Some(sink))?;
    let path = history_path(Some(&config))?;
    let history = match path.exists() {
        false => Err(crate::digest::NoHistory { path }),
        true => {
            let names = chosen.iter().map(|s| crate::glob::Glob::new(&s.name)).collect::<Result<Vec<_>, _>>().map_err(UsageError)?;
            let filter = HistoryFilter { sources: names, ..HistoryFilter::default() };
            let from = now - chrono::Duration::from_std(since).unwrap_or_default();
            Ok(Store::open_read(&path)?.history_in(&filter, from, now, 60)?)
        }
    };
    let idle_seats = idle_seats.lock().map(|s| s.clone()).unwrap_or_default();
    let digest = crate::digest::Digest::new(report, history, idle_seats, since, idle, now);
    match output {
        None => print(|out| output::report::write(out, run.format, &digest))?,
        // A mailer never reads half a report.
        Some(file) => write_whole(file, |out| output::report::write(out, run.format, &digest))?,
    }
    print_errors(&digest.report);
    Ok(exit_of(&digest.report))
}

/// `holders`: who holds the seats, streamed to stdout as the sources are read.
fn holders(options: &Options, sources: &[String], filter: &RecordFilter, idle: Option<i64>, redact: bool) -> Result<Exit> {
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
    let sink = HolderSink {
        wanted: Arc::new(move |h| {
            h.age(now);
            if idle.is_some_and(|days| !h.idle_for(days)) {
                return false;
            }
            if redact {
                h.redact(salt.as_ref().map(|s| s.expose()));
            }
            true
        }),
        write: Arc::new(move |h| {
            if let Ok(mut w) = sink_writer.lock() {
                w.push(h);
            }
        }),
    };
    let report = read_sources(&run, &config, &chosen, filter, Some(sink))?;
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

fn show(run: &Run, config: &Config, sources: &[&Source], filter: &RecordFilter) -> Result<Exit> {
    let report = read_sources(run, config, sources, filter, None)?;
    print(|out| output::render(out, run.format, &report, run.now, &run.style))?;
    print_errors(&report);
    Ok(exit_of(&report))
}

/// `check`: plugin output on stdout, the state as exit code; any failure
/// before that is UNKNOWN, as the plugin guidelines want.
fn check(options: &Options, sources: &[String], filter: &RecordFilter, overrides: Overrides, skip_unknown: bool) -> ExitCode {
    let result = (|| -> Result<State> {
        let run = Run::new(options, "check", Rendered::Check)?;
        let config = resolve::config(options, Some(overrides))?;
        let chosen = select::sources(&config, sources)?;
        if chosen.is_empty() {
            // Nothing checked is not OK: a plugin must not go green on an empty config.
            return Err(UsageError(format!("no sources configured in {}", shown_path(&config))).into());
        }
        let report = read_sources(&run, &config, &chosen, filter, None)?;
        // Checkmk's local check: one line per service, and the agent reads
        // the states from them, not from the exit code.
        if run.format == output::Format::Checkmk {
            print(|out| Ok(output::checkmk::write(out, &report, &config)?))?;
            return Ok(State::Ok);
        }
        // Nothing checked is not OK either: a misconfigured check must not go green.
        if report.records.is_empty() && report.errors.is_empty() {
            return Err(UsageError("no series matched: check --product/--metric and the sources' include/exclude".into()).into());
        }
        let mut out = output::stdout();
        let perf = output::check::Perfdata { skip_unknown, now: run.now };
        let state = output::check::write(&mut out, &report.records, &report.errors, chosen.len(), &config, perf)?;
        out.flush()?;
        Ok(state)
    })();
    match result {
        Ok(state) => ExitCode::from(state.code()),
        Err(_) if output::stdout_closed() => ExitCode::SUCCESS,
        Err(e) => {
            let message = output::escape::plugin(&format!("{e:#}")).into_owned();
            let mut out = output::stdout();
            let _ = writeln!(out, "LICUSAGE UNKNOWN - {message}").and_then(|_| out.flush());
            ExitCode::from(State::Unknown.code())
        }
    }
}

fn history_path(config: Option<&Config>) -> Result<std::path::PathBuf> {
    match config.and_then(|c| c.history_path.clone()) {
        Some(p) => Ok(p),
        None => history::default_path(),
    }
}

/// `record`: one snapshot of what the sources answered. A failed source adds
/// nothing (never half its records) and makes the exit code 1.
fn record(options: &Options, sources: &[String], filter: &RecordFilter) -> Result<Exit> {
    let run = Run::new(options, "record", Rendered::Text)?;
    let config = resolve::config(options, None)?;
    let chosen = select::sources(&config, sources)?;
    let report = read_sources(&run, &config, &chosen, filter, None)?;
    let path = history_path(Some(&config))?;
    let mut store = Store::open(&path)?;
    let id = store
        .record(run.now, &report.records, chosen.len(), report.errors.len())
        .with_context(|| format!("writing to {}", path.display()))?;
    print_errors(&report);
    if !run.quiet {
        let read = chosen.len() - report.errors.len();
        print(|out| output::messages::recorded(out, id, report.records.len(), read, chosen.len(), &path))?;
    }
    Ok(exit_of(&report))
}

fn history(options: &Options, filter: &HistoryFilter, since: std::time::Duration, names: &[String]) -> Result<Exit> {
    let run = Run::new(options, "history", Rendered::History)?;
    // The config only says where the database is: without one, the default place.
    let config = match resolve::config(options, None) {
        Ok(c) => Some(c),
        Err(_) if options.config.is_none() && !resolve::config_path(options)?.path.exists() => None,
        Err(e) => return Err(e),
    };
    let path = history_path(config.as_ref())?;
    if !path.exists() {
        return Err(
            UsageError(format!("no history at {} yet: run `licusage record` first (from cron, for example)", path.display())).into()
        );
    }
    let store = Store::open_read(&path)?;
    // A --source that names nothing anywhere is a mistake, as in `show`.
    let known = store.sources()?;
    for name in names {
        let hit = |v: &str| crate::glob::Glob::new(name).is_ok_and(|g| g.matches(v));
        let configured = config.iter().flat_map(|c| &c.sources).any(|s| hit(&s.name) || hit(s.kind()));
        if !configured && !known.iter().any(|(s, k)| hit(s) || hit(k)) && !crate::vendors::kinds().any(hit) {
            return Err(UsageError(format!("no source or kind named `{name}` in the config or the history")).into());
        }
    }
    // A range reaching before the calendar chrono knows is a usage error, not a panic.
    let since = chrono::Duration::from_std(since)
        .ok()
        .and_then(|d| run.now.checked_sub_signed(d))
        .ok_or_else(|| UsageError(format!("--since {}: too far back", humantime::format_duration(since))))?;
    let series = store.history(filter, since, run.now)?;
    print(|out| output::history::write(out, run.format, &series, since, run.now, &run.style))?;
    if series.is_empty() && !run.quiet {
        eprintln!("licusage: no samples in {} since {}", path.display(), since.format("%Y-%m-%d %H:%M UTC"));
    }
    Ok(Exit::Ok)
}

/// `diff`: exit 0 when nothing changed, 1 when something did (like diff(1)).
fn diff(options: &Options, old: &Path, new: &Path) -> Result<Exit> {
    let run = Run::new(options, "diff", Rendered::Diff)?;
    let changes = diff::compare(diff::load(old)?, diff::load(new)?);
    print(|out| output::diff::write(out, run.format, &changes))?;
    Ok(if changes.is_empty() && changes.failed.is_empty() { Exit::Ok } else { Exit::SourceFailed })
}

/// `sources`; with `--names`, source names then kinds, one per line, quiet
/// and never failing, since completion scripts call it on every <Tab>.
fn sources(options: &Options, names: bool) -> Result<Exit> {
    if names {
        let config = resolve::config(options, None).ok();
        print(|out| output::sources::names(out, config.as_ref()))?;
        return Ok(Exit::Ok);
    }
    let run = Run::new(options, "sources", Rendered::Sources)?;
    // Without a config file yet, the kinds are still worth listing.
    let config = match resolve::config(options, None) {
        Ok(c) => c,
        Err(_) if options.config.is_none() && !resolve::config_path(options)?.path.exists() => {
            let path = resolve::config_path(options)?.path;
            Config { path: Some(path), ..Config::single_empty() }
        }
        Err(e) => return Err(e),
    };
    print(|out| output::sources::write(out, run.format, &config))?;
    Ok(Exit::Ok)
}

/// Write `path` whole: into a file beside it (mode 0600), flushed, then
/// renamed over it, so that a reader never sees half of it and a failed write
/// leaves the old file as it was.
fn write_whole(path: &Path, render: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    {
        let mut out = std::io::BufWriter::new(tmp.as_file_mut());
        render(&mut out)?;
        // Flushed here, where an error (a full disk) is seen, not on drop.
        out.flush().with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// `config init`: the starter config, mode 0600, never over a file unless `force`.
fn config_init(options: &Options, path: Option<std::path::PathBuf>, force: bool) -> Result<Exit> {
    let run = Run::new(options, "config init", Rendered::Text)?;
    let path = match path {
        Some(p) => p,
        None => resolve::config_path(options)?.path,
    };
    if path.exists() && !force {
        return Err(UsageError(format!("{} exists: not replaced (--force replaces it)", path.display())).into());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_whole(&path, |out| Ok(out.write_all(crate::config::starter::text().as_bytes())?))?;
    if !run.quiet {
        eprintln!("licusage: wrote {}: uncomment a source in it, then run `licusage show`", path.display());
    }
    Ok(Exit::Ok)
}

fn config_check(options: &Options) -> Result<Exit> {
    let _run = Run::new(options, "config check", Rendered::Text)?;
    let config = resolve::config(options, None)?;
    // A file that is not there fails every run: an error here, not a warning
    // (a copied config whose relative paths no longer point anywhere).
    let missing: Vec<String> = config
        .sources
        .iter()
        .flat_map(|s| {
            s.files().filter_map(move |i| match i {
                Input::Path(p) if !p.exists() => Some(format!("source `{}`: {} does not exist", s.name, p.display())),
                _ => None,
            })
        })
        .collect();
    if !missing.is_empty() {
        return Err(UsageError(missing.join("; ")).into());
    }
    print(|out| output::messages::config_ok(out, &config))?;
    Ok(Exit::Ok)
}
