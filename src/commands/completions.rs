//! `licusage completions SHELL`.

use anyhow::Result;

use super::print;
use crate::cli::Options;
use crate::error::Exit;
use crate::output::Rendered;
use crate::resolve::Run;

/// The completion script for `shell`.
pub fn run(options: &Options, shell: clap_complete::Shell) -> Result<Exit> {
    Run::new(options, "completions", Rendered::Text)?;
    print(|out| Ok(out.write_all(crate::completions::script(shell).as_bytes())?))?;
    Ok(Exit::Ok)
}
