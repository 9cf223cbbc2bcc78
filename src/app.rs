//! Running a parsed command: load the config, read, render, pick the exit code.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use chrono::Utc;

use crate::check::{self, State};
use crate::cli::{self, ColorChoice, Invocation, Options, Task};
use crate::config::{self, Config, ConfigPath, Input, Overrides, Source, SourceSettings};
use crate::diff;
use crate::error::{Exit, UsageError};
use crate::history::{self, HistoryFilter, Store};
use crate::output::holders::HolderWriter;
use crate::output::{self, Format, Style};
use crate::read::{self, HolderSink, ReadOptions, Report};
use crate::select::{self, RecordFilter};
use crate::vendors;

/// Parse `args`, run, print any error as `licusage: error: …`, and return the exit code.
pub fn main<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let invocation = match cli::parse(args.clone()) {
        Ok(i) => i,
        Err(e) => {
            let _ = e.print();
            // A monitoring plugin's usage error is UNKNOWN.
            let usage = if cli::is_check(args) { State::Unknown.code() } else { Exit::Usage as u8 };
            return ExitCode::from(if e.use_stderr() { usage } else { 0 });
        }
    };
    match run(invocation) {
        Ok(code) => code,
        Err(_) if output::stdout_closed() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("licusage: error: {e:#}");
            let exit = if e.downcast_ref::<UsageError>().is_some() { Exit::Usage } else { Exit::SourceFailed };
            exit.into()
        }
    }
}

fn run(invocation: Invocation) -> Result<ExitCode> {
    let Invocation { options, task } = invocation;
    let exit = match task {
        Task::Show { sources, filter } => {
            let config = load_config(&options)?;
            let chosen = select::sources(&config, &sources)?;
            if chosen.is_empty() && !options.quiet {
                eprintln!("licusage: warning: no sources configured in {}", shown_path(&config));
            }
            show(&options, &config, &chosen, &filter)?
        }
        Task::Vendor { settings, filter } => {
            let kind = settings.kind.clone();
            let source = one_off(&kind, *settings)?;
            let config = Config::single(source);
            let chosen: Vec<&Source> = config.sources.iter().collect();
            show(&options, &config, &chosen, &filter)?
        }
        Task::Holders { sources, filter, idle, redact } => holders(&options, &sources, &filter, idle, redact)?,
        Task::Check { sources, filter, overrides } => return Ok(check(&options, &sources, &filter, overrides)),
        Task::Record { sources, filter } => record(&options, &sources, &filter)?,
        Task::History { filter, since } => history(&options, &filter, since)?,
        Task::Diff { old, new } => diff(&options, &old, &new)?,
        Task::Sources { names: true } => source_names(&options)?,
        Task::Sources { names: false } => sources(&options)?,
        Task::Completions(shell) => {
            let mut out = output::stdout();
            out.write_all(crate::completions::script(shell).as_bytes())?;
            out.flush()?;
            Exit::Ok
        }
        Task::ConfigPath => {
            let path = config_path(&options)?;
            if options.verbose {
                eprintln!("licusage: config path from {}", path.origin);
            }
            let mut out = output::stdout();
            writeln!(out, "{}", path.path.display())?;
            out.flush()?;
            Exit::Ok
        }
        Task::ConfigCheck => config_check(&options)?,
    };
    Ok(exit.into())
}

/// A one-off source: relative paths stay relative to the working directory.
fn one_off(kind: &str, settings: SourceSettings) -> Result<Source> {
    Ok(config::check_source(kind, settings, None).map_err(|e| UsageError(format!("`licusage {kind}`: {e}")))?)
}

fn config_path(options: &Options) -> Result<ConfigPath> {
    ConfigPath::resolve(options.config.clone()).map_err(|e| UsageError(format!("{e:#}")).into())
}

fn load_config(options: &Options) -> Result<Config> {
    Config::load(&config_path(options)?)
}

fn shown_path(config: &Config) -> String {
    config.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default()
}

/// Table style for stdout: colour per `--color`/`NO_COLOR`, width of the terminal.
fn style(options: &Options) -> Style {
    let tty = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match options.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    };
    let width = if tty { terminal_size::terminal_size().map(|(w, _)| w.0 as usize) } else { None };
    Style { color, width }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().context("starting the async runtime")
}

/// Read the sources, with the progress and timeout options of the command line.
fn read_sources(
    options: &Options,
    config: &Config,
    sources: &[&Source],
    filter: &RecordFilter,
    now: chrono::DateTime<Utc>,
) -> Result<Report> {
    read_with(options, config, sources, filter, now, None)
}

fn read_with(
    options: &Options,
    config: &Config,
    sources: &[&Source],
    filter: &RecordFilter,
    now: chrono::DateTime<Utc>,
    holders: Option<HolderSink>,
) -> Result<Report> {
    let read_options = ReadOptions { timeout: options.timeout, verbose: options.verbose, progress: !options.quiet, holders };
    Ok(runtime()?.block_on(read::read(config, sources, filter, &read_options, now)))
}

/// `holders`: who holds the seats, streamed to stdout as the sources are read.
fn holders(options: &Options, sources: &[String], filter: &RecordFilter, idle: Option<i64>, redact: bool) -> Result<Exit> {
    let config = load_config(options)?;
    let chosen: Vec<&Source> = select::sources(&config, sources)?
        .into_iter()
        .filter(|s| {
            let has = s.vendor.has_holders();
            if !has && !sources.is_empty() && !options.quiet {
                eprintln!("licusage: warning: source `{}` ({}) does not say who holds its seats", s.name, s.kind());
            }
            has
        })
        .collect();
    let now = Utc::now();
    let format = options.format.unwrap_or(Format::Table);
    if format == Format::Prometheus {
        return Err(UsageError("`holders` has no prometheus format: use table, json, ndjson or csv".into()).into());
    }
    let writer = Arc::new(Mutex::new(HolderWriter::new(format, Box::new(output::stdout()), now)?));
    let sink_writer = writer.clone();
    let sink = HolderSink {
        wanted: Arc::new(move |h| {
            h.age(now);
            if idle.is_some_and(|days| !h.idle_for(days)) {
                return false;
            }
            if redact {
                h.redact();
            }
            true
        }),
        write: Arc::new(move |h| {
            if let Ok(mut w) = sink_writer.lock() {
                w.push(h);
            }
        }),
    };
    let report = read_with(options, &config, &chosen, filter, now, Some(sink))?;
    let writer = Arc::try_unwrap(writer).map_err(|_| anyhow::anyhow!("internal error: holder output still in use"))?;
    let writer = writer.into_inner().map_err(|_| anyhow::anyhow!("internal error: holder output poisoned"))?;
    writer.finish(&report.errors, &style(options))?;
    print_errors(&report);
    Ok(if report.errors.is_empty() { Exit::Ok } else { Exit::SourceFailed })
}

fn print_errors(report: &Report) {
    for e in &report.errors {
        eprintln!("licusage: error: {e}");
    }
}

fn show(options: &Options, config: &Config, sources: &[&Source], filter: &RecordFilter) -> Result<Exit> {
    let now = Utc::now();
    let report = read_sources(options, config, sources, filter, now)?;
    let format = options.format.unwrap_or(Format::Table);
    let mut out = output::stdout();
    output::render(&mut out, format, &report, now, &style(options))?;
    out.flush()?;
    print_errors(&report);
    Ok(if report.errors.is_empty() { Exit::Ok } else { Exit::SourceFailed })
}

/// `check`: plugin output on stdout, the state as exit code; any failure
/// before that is UNKNOWN, as the plugin guidelines want.
fn check(options: &Options, sources: &[String], filter: &RecordFilter, overrides: Overrides) -> ExitCode {
    let result = (|| -> Result<State> {
        let mut config = load_config(options)?;
        config.overrides = overrides;
        let mut effective = config.defaults.clone();
        config.overrides.apply(&mut effective);
        config::check_thresholds(&effective).map_err(UsageError)?;
        let chosen = select::sources(&config, sources)?;
        if chosen.is_empty() {
            // Nothing checked is not OK: a plugin must not go green on an empty config.
            return Err(UsageError(format!("no sources configured in {}", shown_path(&config))).into());
        }
        let report = read_sources(options, &config, &chosen, filter, Utc::now())?;
        let mut out = output::stdout();
        let state = check::write(&mut out, &report.records, &report.errors, chosen.len(), &config)?;
        out.flush()?;
        Ok(state)
    })();
    match result {
        Ok(state) => ExitCode::from(state.code()),
        Err(_) if output::stdout_closed() => ExitCode::SUCCESS,
        Err(e) => {
            let message = format!("{e:#}").replace('\n', " ");
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
    let config = load_config(options)?;
    let chosen = select::sources(&config, sources)?;
    let now = Utc::now();
    let report = read_sources(options, &config, &chosen, filter, now)?;
    let path = history_path(Some(&config))?;
    let mut store = Store::open(&path)?;
    let id =
        store.record(now, &report.records, chosen.len(), report.errors.len()).with_context(|| format!("writing to {}", path.display()))?;
    print_errors(&report);
    if !options.quiet {
        let mut out = output::stdout();
        writeln!(
            out,
            "recorded snapshot {id}: {} series from {} of {} sources into {}",
            report.records.len(),
            chosen.len() - report.errors.len(),
            chosen.len(),
            path.display()
        )?;
        out.flush()?;
    }
    Ok(if report.errors.is_empty() { Exit::Ok } else { Exit::SourceFailed })
}

fn history(options: &Options, filter: &HistoryFilter, since: std::time::Duration) -> Result<Exit> {
    // The config only says where the database is: without one, the default place.
    let config = match load_config(options) {
        Ok(c) => Some(c),
        Err(_) if options.config.is_none() && !config_path(options)?.path.exists() => None,
        Err(e) => return Err(e),
    };
    let path = history_path(config.as_ref())?;
    if !path.exists() {
        return Err(
            UsageError(format!("no history at {} yet: run `licusage record` first (from cron, for example)", path.display())).into()
        );
    }
    let store = Store::open(&path)?;
    let now = Utc::now();
    let since = now - chrono::Duration::from_std(since).map_err(|e| UsageError(format!("--since: {e}")))?;
    let series = store.history(filter, since, now)?;
    let mut out = output::stdout();
    output::history::write(&mut out, options.format.unwrap_or(Format::Table), &series, since, now)?;
    out.flush()?;
    if series.is_empty() && !options.quiet {
        eprintln!("licusage: no samples in {} since {}", path.display(), since.format("%Y-%m-%d %H:%M UTC"));
    }
    Ok(Exit::Ok)
}

/// `diff`: exit 0 when nothing changed, 1 when something did (like diff(1)).
fn diff(options: &Options, old: &std::path::Path, new: &std::path::Path) -> Result<Exit> {
    let changes = diff::compare(diff::load(old)?, diff::load(new)?);
    let mut out = output::stdout();
    match options.format.unwrap_or(Format::Table) {
        Format::Json | Format::Ndjson => {
            serde_json::to_writer_pretty(&mut out, &changes)?;
            writeln!(out)?;
        }
        _ => diff::write_text(&mut out, &changes)?,
    }
    out.flush()?;
    Ok(if changes.is_empty() { Exit::Ok } else { Exit::SourceFailed })
}

fn sources(options: &Options) -> Result<Exit> {
    let config = load_config(options)?;
    let mut out = output::stdout();
    match options.format.unwrap_or(Format::Table) {
        Format::Json | Format::Ndjson => {
            let doc = serde_json::json!({
                "sources": config.sources.iter().map(|s| serde_json::json!({
                    "name": s.name, "kind": s.kind(), "reads": s.origin(),
                })).collect::<Vec<_>>(),
                "kinds": vendors::VENDORS.iter().map(|v| serde_json::json!({"kind": v.kind(), "about": v.about()})).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(&mut out);
            w.write_record(["name", "kind", "reads"])?;
            for s in &config.sources {
                w.write_record([s.name.as_str(), s.kind(), &s.origin()])?;
            }
            w.flush()?;
        }
        Format::Table | Format::Prometheus => {
            let name_w = config.sources.iter().map(|s| s.name.len()).max().unwrap_or(0).max(4);
            if config.sources.is_empty() {
                writeln!(out, "No sources configured in {}.", shown_path(&config))?;
            } else {
                writeln!(out, "{:name_w$}  {:10}  READS", "NAME", "KIND")?;
                for s in &config.sources {
                    writeln!(out, "{:name_w$}  {:10}  {}", s.name, s.kind(), s.origin())?;
                }
            }
            writeln!(out, "\nSupported kinds:")?;
            for v in vendors::VENDORS {
                writeln!(out, "  {:10}  {}", v.kind(), v.about())?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::Ok)
}

/// Source names, then kinds, one per line; quiet and never failing, since
/// completion scripts call it on every <Tab>.
fn source_names(options: &Options) -> Result<Exit> {
    let mut out = output::stdout();
    if let Ok(config) = load_config(options) {
        for s in &config.sources {
            writeln!(out, "{}", s.name)?;
        }
    }
    for kind in vendors::kinds() {
        writeln!(out, "{kind}")?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}

fn config_check(options: &Options) -> Result<Exit> {
    let config = load_config(options)?;
    if !options.quiet {
        for s in &config.sources {
            for input in [&s.file, &s.assignments_file].into_iter().flatten() {
                if let Input::Path(p) = input {
                    if !p.exists() {
                        eprintln!("licusage: warning: source `{}`: {} does not exist (yet)", s.name, p.display());
                    }
                }
            }
        }
    }
    let n = config.sources.len();
    let mut out = output::stdout();
    writeln!(
        out,
        "{}: OK ({n} source{}, {} rule{})",
        shown_path(&config),
        if n == 1 { "" } else { "s" },
        config.rules.len(),
        if config.rules.len() == 1 { "" } else { "s" }
    )?;
    out.flush()?;
    Ok(Exit::Ok)
}
