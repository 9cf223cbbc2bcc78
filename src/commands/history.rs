//! `licusage history`: usage over time per series.

use anyhow::Result;

use super::{history_location, print};
use crate::cli::Options;
use crate::error::{Exit, UsageError};
use crate::history::{HistoryFilter, Store};
use crate::output::{self, Rendered};
use crate::resolve::{self, Run};

/// `history`: the samples of each series since `since`, with trend and forecast.
pub fn run(options: &Options, filter: &HistoryFilter, since: std::time::Duration, names: &[String]) -> Result<Exit> {
    let run = Run::new(options, "history", Rendered::History)?;
    // The config only says where the database is: without one, the default place.
    let config = match resolve::config(options, None) {
        Ok(c) => Some(c),
        Err(_) if options.config.is_none() && !resolve::config_path(options)?.path.exists() => None,
        Err(e) => return Err(e),
    };
    let path = history_location(config.as_ref())?;
    if !path.exists() {
        return Err(UsageError(format!("no history at {} yet: run `licusage record` first (from cron, for example)", path)).into());
    }
    let store = Store::open_read(&path)?;
    // A --source that names nothing anywhere is a mistake, as in `show`.
    let known = store.sources()?;
    for name in names {
        let hit = |v: &str| crate::glob::Glob::new(name).is_ok_and(|g| g.matches(v));
        let configured = config.iter().flat_map(|c| &c.sources).any(|s| hit(&s.name) || hit(s.kind()));
        if !configured && !known.iter().any(|(s, k)| hit(s) || hit(k)) && !crate::vendors::kinds().any(hit) {
            return Err(UsageError(format!("no source or kind named `{name}` in the config or the history")).into());
        }
    }
    // A range reaching before the calendar chrono knows is a usage error, not a panic.
    let since = chrono::Duration::from_std(since)
        .ok()
        .and_then(|d| run.now.checked_sub_signed(d))
        .ok_or_else(|| UsageError(format!("--since {}: too far back", humantime::format_duration(since))))?;
    let series = store.history(filter, since, run.now)?;
    print(|out| output::history::write(out, run.format, &series, since, run.now, &run.style))?;
    if series.is_empty() && !run.quiet {
        eprintln!("licusage: no samples in {} since {}", path, since.format("%Y-%m-%d %H:%M UTC"));
    }
    Ok(Exit::Ok)
}

/// `history migrate --to URL`: the local history copied into a server's.
pub fn migrate(
    options: &Options,
    to: &str,
    from: Option<std::path::PathBuf>,
    password_env: Option<String>,
    password_command: Option<String>,
) -> Result<Exit> {
    let config = match resolve::config(options, None) {
        Ok(c) => Some(c),
        Err(_) if options.config.is_none() && !resolve::config_path(options)?.path.exists() => None,
        Err(e) => return Err(e),
    };
    let from = match from {
        Some(p) => p,
        None => match history_location(config.as_ref())? {
            crate::history::Location::File(p) => p,
            crate::history::Location::Server(s) => {
                return Err(
                    UsageError(format!("the config's history is already on a server ({s}): give the file to copy with --from")).into()
                )
            }
        },
    };
    if !from.exists() {
        return Err(UsageError(format!("no history at {} to copy", from.display())).into());
    }
    // The password: the flags, else the config's `[history]` (for the same server).
    let configured = config.as_ref().and_then(|c| match &c.history {
        Some(crate::history::Location::Server(s)) => Some(s.password().clone()),
        _ => None,
    });
    let password = match (password_env, password_command) {
        (None, None) => configured.unwrap_or_default(),
        (env, command) => crate::secret::SecretSource { key: "password", inline: None, env, command },
    };
    let timeout = config.as_ref().map_or(crate::config::DEFAULT_TIMEOUT, |c| c.timeout);
    let server = crate::history::Server::parse(to, password, None, timeout).map_err(|e| UsageError(format!("--to: {e}")))?;
    let copied = crate::history::copy(&from, &server)?;
    print(|out| output::messages::copied(out, &copied, &from, &server))?;
    Ok(Exit::Ok)
}
