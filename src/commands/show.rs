//! `licusage show`, and the one-off `licusage <kind>` read of one payload.

use anyhow::Result;

use super::{exit_of, peeked, print, print_errors, read_sources, shown_path};
use crate::cli::Options;
use crate::config::{Config, Source};
use crate::error::Exit;
use crate::output::{self, Rendered};
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// `show`: every configured source (or those named), rendered.
pub fn run(options: &Options, sources: &[String], filter: &RecordFilter) -> Result<Exit> {
    let run = Run::new(options, "show", Rendered::Records)?;
    let config = resolve::config(options, None)?;
    let chosen = select::sources(&config, sources)?;
    if chosen.is_empty() && !run.quiet {
        eprintln!("licusage: warning: no sources configured in {}", shown_path(&config));
    }
    show(&run, &config, &chosen, filter)
}

/// `licusage <kind>`: one payload read without a config file.
pub fn one_off(options: &Options, kind: &str, table: toml::Table, filter: &RecordFilter) -> Result<Exit> {
    let run = Run::new(options, kind, Rendered::Records)?;
    let config = resolve::one_off(options, kind, table)?;
    let chosen: Vec<&Source> = config.sources.iter().collect();
    show(&run, &config, &chosen, filter)
}

fn show(run: &Run, config: &Config, sources: &[&Source], filter: &RecordFilter) -> Result<Exit> {
    let mut report = read_sources(run, config, sources, filter, None, peeked(config, sources, run))?;
    if run.format == output::Format::Prometheus {
        report.decisions = crate::digest::decisions_for(config, &report.records, run.now);
    }
    print(|out| output::render(out, run.format, &report, run.now, &run.style))?;
    print_errors(&report);
    Ok(exit_of(&report))
}
