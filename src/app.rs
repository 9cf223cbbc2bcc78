//! Running a parsed command: load the config, read, render, pick the exit code.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::Utc;

use crate::cli::{self, ColorChoice, Invocation, Options, Task};
use crate::config::{self, Config, ConfigPath, Input, Source, SourceSettings};
use crate::error::{Exit, UsageError};
use crate::output::{self, Format, Style};
use crate::read::{self, ReadOptions, Report};
use crate::select::{self, RecordFilter};
use crate::vendors;

/// Parse `args`, run, print any error as `licusage: error: …`, and return the exit code.
pub fn main<I: IntoIterator<Item = OsString>>(args: I) -> ExitCode {
    let invocation = match cli::parse(args) {
        Ok(i) => i,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { Exit::Usage as u8 } else { 0 });
        }
    };
    match run(invocation) {
        Ok(exit) => exit.into(),
        Err(_) if output::stdout_closed() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("licusage: error: {e:#}");
            let exit = if e.downcast_ref::<UsageError>().is_some() { Exit::Usage } else { Exit::SourceFailed };
            exit.into()
        }
    }
}

fn run(invocation: Invocation) -> Result<Exit> {
    let Invocation { options, task } = invocation;
    match task {
        Task::Show { sources, filter } => {
            let config = load_config(&options)?;
            let chosen = select::sources(&config, &sources)?;
            if chosen.is_empty() && !options.quiet {
                eprintln!("licusage: warning: no sources configured in {}", shown_path(&config));
            }
            show(&options, &config, &chosen, &filter)
        }
        Task::Vendor { settings, filter } => {
            let kind = settings.kind.clone();
            let source = one_off(&kind, *settings)?;
            let config = Config::single(source);
            let chosen: Vec<&Source> = config.sources.iter().collect();
            show(&options, &config, &chosen, &filter)
        }
        Task::Sources => sources(&options),
        Task::ConfigPath => {
            let path = config_path(&options)?;
            if options.verbose {
                eprintln!("licusage: config path from {}", path.origin);
            }
            let mut out = output::stdout();
            writeln!(out, "{}", path.path.display())?;
            out.flush()?;
            Ok(Exit::Ok)
        }
        Task::ConfigCheck => config_check(&options),
    }
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

fn show(options: &Options, config: &Config, sources: &[&Source], filter: &RecordFilter) -> Result<Exit> {
    let now = Utc::now();
    let read_options = ReadOptions { timeout: options.timeout, verbose: options.verbose, progress: !options.quiet, want_holders: false };
    let report: Report = runtime()?.block_on(read::read(config, sources, filter, &read_options, now));
    let format = options.format.unwrap_or(Format::Table);
    let mut out = output::stdout();
    output::render(&mut out, format, &report.records, &report.errors, now, &style(options))?;
    out.flush()?;
    for e in &report.errors {
        eprintln!("licusage: error: {e}");
    }
    Ok(if report.errors.is_empty() { Exit::Ok } else { Exit::SourceFailed })
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
            writeln!(out, "name,kind,reads")?;
            for s in &config.sources {
                writeln!(out, "{},{},{}", csv_field(&s.name), s.kind(), csv_field(&s.origin()))?;
            }
        }
        Format::Table => {
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

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
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
