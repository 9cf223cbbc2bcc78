//! `licusage check`: a Nagios/Icinga/Checkmk plugin.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::{cursors, history_location, print, read_sources, shown_path};
use crate::check::{DenialLimits, State};
use crate::cli::Options;
use crate::config::Overrides;
use crate::error::UsageError;
use crate::history::{Consumer, Store};
use crate::output::{self, Rendered};
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// `check`: plugin output on stdout, the state as exit code; any failure
/// before that is UNKNOWN, as the plugin guidelines want.
pub fn run(
    options: &Options,
    sources: &[String],
    filter: &RecordFilter,
    overrides: Overrides,
    skip_unknown: bool,
    denials: DenialLimits,
) -> ExitCode {
    let result = (|| -> Result<State> {
        let run = Run::new(options, "check", Rendered::Check)?;
        let config = resolve::config(options, Some(overrides))?;
        let chosen = select::sources(&config, sources)?;
        if chosen.is_empty() {
            // Nothing checked is not OK: a plugin must not go green on an empty config.
            return Err(UsageError(format!("no sources configured in {}", shown_path(&config))).into());
        }
        // The server logs are read from where the previous check left them
        // (its own place, apart from `record`'s), and the place moved on.
        let logged = chosen.iter().any(|s| s.log.is_some());
        let mut store = match logged {
            true => Some(Store::open(&history_location(Some(&config))?)?),
            false => None,
        };
        let from = match &store {
            Some(store) => cursors(store, Consumer::Check, &chosen)?,
            None => None,
        };
        let mut report = read_sources(&run, &config, &chosen, filter, None, from)?;
        if let Some(store) = &mut store {
            store.advance_logs(Consumer::Check, &report.logs, run.now)?;
        }
        // Denials of features the server does not list count too: a
        // refused checkout is not OK because no series names it.
        if denials.any() {
            let unlisted: Vec<_> =
                report.logs.iter().flat_map(|l| l.unlisted.iter()).filter(|r| filter.matches(&r.product, &r.metric)).cloned().collect();
            report.records.extend(unlisted);
        }
        denials.apply(&mut report.records);
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
        let perf = output::check::Perfdata { skip_unknown, now: run.now, all: run.verbose };
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
