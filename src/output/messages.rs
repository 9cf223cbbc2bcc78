//! The one-line answers of `record`, `config path` and `config check`.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::config::Config;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `recorded snapshot 7: 12 series from 4 of 5 sources into PATH`.
pub fn recorded(out: &mut dyn Write, id: i64, series: usize, read: usize, sources: usize, path: &Path) -> Result<()> {
    writeln!(out, "recorded snapshot {id}: {series} series from {read} of {sources} sources into {}", path.display())?;
    Ok(())
}

/// `PATH: OK (5 sources, 2 rules)`.
pub fn config_ok(out: &mut dyn Write, config: &Config) -> Result<()> {
    let path = config.path.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
    writeln!(out, "{path}: OK ({}, {})", plural(config.sources.len(), "source"), plural(config.rules.len(), "rule"))?;
    Ok(())
}

pub fn path(out: &mut dyn Write, path: &Path) -> Result<()> {
    writeln!(out, "{}", path.display())?;
    Ok(())
}
