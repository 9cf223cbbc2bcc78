//! `licusage holders`: who holds the seats.

use std::sync::{Arc, Mutex};

use anyhow::Result;

use super::{exit_of, print_errors, read_sources, runtime};
use crate::cli::Options;
use crate::config::Source;
use crate::error::{Exit, UsageError};
use crate::output::holders::HolderWriter;
use crate::output::{self, Rendered};
use crate::read::HolderSink;
use crate::resolve::{self, Run};
use crate::select::{self, RecordFilter};

/// `holders`: who holds the seats, streamed to stdout as the sources are read.
pub fn run(options: &Options, sources: &[String], filter: &RecordFilter, idle: Option<i64>, redact: bool) -> Result<Exit> {
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
