//! `licusage diff`: what changed between two saved outputs.

use std::path::Path;

use anyhow::Result;

use super::print;
use crate::cli::Options;
use crate::diff;
use crate::error::Exit;
use crate::output::{self, Rendered};
use crate::resolve::Run;

/// `diff`: exit 0 when nothing changed, 1 when something did (like diff(1)).
pub fn run(options: &Options, old: &Path, new: &Path) -> Result<Exit> {
    let run = Run::new(options, "diff", Rendered::Diff)?;
    let changes = diff::compare(diff::load(old)?, diff::load(new)?);
    print(|out| output::diff::write(out, run.format, &changes))?;
    let same = changes.is_empty() && changes.failed.is_empty();
    // Nothing on stdout is the answer (as diff(1)); a person is told on stderr.
    if same && !run.quiet {
        let shown = |p: &Path| output::escape::text(&p.display().to_string()).into_owned();
        eprintln!("licusage: no change between {} and {}", shown(old), shown(new));
    }
    Ok(if same { Exit::Ok } else { Exit::SourceFailed })
}
