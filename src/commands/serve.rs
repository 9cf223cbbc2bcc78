//! `licusage serve`: the Prometheus exporter (the server itself is `crate::serve`).

use anyhow::Result;

use crate::cli::Options;
use crate::error::Exit;
use crate::output::Rendered;
use crate::resolve::Run;
use crate::select::RecordFilter;

/// Serve until SIGTERM or SIGINT.
pub fn run(
    options: &Options,
    sources: Vec<String>,
    filter: RecordFilter,
    listen: Option<String>,
    refresh: Option<std::time::Duration>,
) -> Result<Exit> {
    Run::new(options, "serve", Rendered::Text)?;
    crate::serve::run(options, crate::serve::Request { sources, filter, listen, refresh })?;
    Ok(Exit::Ok)
}
