//! One resolved configuration, built once per run (fd's `construct_config`):
//! the command line over the environment over the config file over the
//! defaults. Commands get a [`Run`] and a checked [`Config`]; nothing after
//! this looks at flags, the environment or the clock again.

use std::io::IsTerminal;

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::cli::{ColorChoice, Options};
use crate::config::{self, Config, ConfigPath, Overrides};
use crate::error::UsageError;
use crate::output::{Format, Rendered, Style};

/// Set to an RFC 3339 time, the time licusage takes as now: reports are
/// reproducible and tests can pin table, `check` and `holders` output.
pub const NOW_VAR: &str = "LICUSAGE_NOW";

/// How this run renders, and when it is.
#[derive(Debug, Clone)]
pub struct Run {
    pub now: DateTime<Utc>,
    pub format: Format,
    pub style: Style,
    pub quiet: bool,
    pub verbose: bool,
}

impl Run {
    /// `command` renders `rendered`: the format asked for must be one it has.
    pub fn new(options: &Options, command: &str, rendered: Rendered) -> Result<Self, UsageError> {
        Ok(Run {
            now: now()?,
            format: rendered.format(command, options.format)?,
            style: style(options),
            quiet: options.quiet,
            verbose: options.verbose,
        })
    }
}

/// `LICUSAGE_NOW` when set, else the clock.
pub fn now() -> Result<DateTime<Utc>, UsageError> {
    match std::env::var(NOW_VAR) {
        Ok(text) if !text.is_empty() => DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| UsageError(format!("{NOW_VAR}={text:?} is not an RFC 3339 time like 2026-11-24T12:00:00Z ({e})"))),
        _ => Ok(Utc::now()),
    }
}

/// Table style for stdout: colour per `--color`/`NO_COLOR`, width of the terminal.
fn style(options: &Options) -> Style {
    let tty = std::io::stdout().is_terminal();
    // NO_COLOR, and a terminal that says it cannot draw colour.
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) || std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let color = match options.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => tty && !no_color,
    };
    // The terminal's width; `COLUMNS` when it reports none (a pty of size 0, some CI runners).
    let columns = || std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|c| *c > 0);
    let width = if tty { terminal_size::terminal_size().map(|(w, _)| w.0 as usize).filter(|w| *w > 0).or_else(columns) } else { None };
    Style { color, width }
}

/// `--config`, else `LICUSAGE_CONFIG`, else the platform path.
pub fn config_path(options: &Options) -> Result<ConfigPath> {
    ConfigPath::resolve(options.config.clone()).map_err(|e| UsageError(format!("{e:#}")).into())
}

/// The config file, with the command line laid over it: `--timeout` over
/// every source's and `[defaults]`' timeout, `check`'s threshold flags over
/// `[[rules]]` and `[defaults]` (checked together).
pub fn config(options: &Options, overrides: Option<Overrides>) -> Result<Config> {
    let config = Config::load(&config_path(options)?)?;
    over(config, options, overrides)
}

/// A config holding one source from a one-off subcommand's flags, with the
/// thresholds and timeout of the config file (`[defaults]`, `[[rules]]`)
/// when there is one: given by `--config`/`LICUSAGE_CONFIG` it must load; at
/// the default path it is used when it loads.
pub fn one_off(options: &Options, kind: &str, table: toml::Table) -> Result<Config> {
    let source = config::check_source(kind, table, None, crate::spelling::Spelling::Flags)
        .map_err(|e| UsageError(format!("`licusage {kind}`: {}", e.message)))?;
    let mut config = Config::single(source.clone());
    let file = match &options.config {
        Some(_) => Some(Config::load(&config_path(options)?)?),
        None => config_path(options).ok().filter(|p| p.path.exists()).and_then(|p| Config::load(&p).ok()),
    };
    if let Some(file) = file {
        // No path: a one-off read's config is its flags (errors speak of them).
        config = Config { sources: vec![source], path: None, ..file };
    }
    over(config, options, None)
}

fn over(mut config: Config, options: &Options, overrides: Option<Overrides>) -> Result<Config> {
    crate::calendar::use_zone(config.timezone.clone());
    if let Some(timeout) = options.timeout {
        config.timeout = timeout;
        for source in &mut config.sources {
            source.timeout = Some(timeout);
        }
    }
    if let Some(overrides) = overrides {
        let mut effective = config.defaults.clone();
        overrides.apply(&mut effective);
        config::check_thresholds(&effective).map_err(UsageError)?;
        config.overrides = overrides;
    }
    Ok(config)
}
