//! `licusage sources`: the configured sources and the supported kinds.

use anyhow::Result;

use super::print;
use crate::cli::Options;
use crate::config::Config;
use crate::error::Exit;
use crate::output::{self, Rendered};
use crate::resolve::{self, Run};

/// `sources`; with `--names`, source names then kinds, one per line, quiet
/// and never failing, since completion scripts call it on every <Tab>.
pub fn run(options: &Options, names: bool) -> Result<Exit> {
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
