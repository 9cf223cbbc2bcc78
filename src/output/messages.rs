//! The one-line answers of `record`, `config path` and `config check`.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::config::Config;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `recorded snapshot 7: 12 series from 4 of 5 sources into PATH`.
pub fn recorded(out: &mut dyn Write, id: i64, series: usize, read: usize, sources: usize, at: &crate::history::Location) -> Result<()> {
    writeln!(out, "recorded snapshot {id}: {series} series from {read} of {sources} sources into {at}")?;
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

/// What `licusage` alone says: the three commands a newcomer needs.
pub fn start_here(out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "licusage: license seats used, left, held and expiring, per vendor\n\n\
         Start here:\n  \
         licusage config init    write a starter config (every kind, commented) at the config path\n  \
         licusage show           read every configured source: used, limit, balance, expiry, status\n  \
         licusage check          the same as a Nagios/Icinga plugin, with its exit codes\n\n\
         Every command: licusage --help; one command: licusage <command> --help"
    )?;
    Ok(())
}

/// What `history migrate` copied, and the counts that verified it.
pub fn copied(out: &mut dyn Write, c: &crate::history::Copied, from: &Path, to: &crate::history::Server) -> Result<()> {
    writeln!(
        out,
        "copied {} snapshots ({} already there), {} samples, {} series from {} into {to}",
        c.snapshots,
        c.skipped,
        c.samples,
        c.series,
        from.display()
    )?;
    writeln!(out, "verified: {to} holds all {} snapshots and {} samples of {}", c.verified_snapshots, c.verified_samples, from.display())?;
    Ok(())
}
