//! `licusage config path|check|init`.

use anyhow::{Context, Result};

use super::{print, write_whole};
use crate::cli::Options;
use crate::error::{Exit, UsageError};
use crate::output::{self, Rendered};
use crate::payload::Input;
use crate::resolve::{self, Run};

/// `config path`: where the config file is (and, with -v, why there).
pub fn path(options: &Options) -> Result<Exit> {
    let run = Run::new(options, "config path", Rendered::Text)?;
    let path = resolve::config_path(options)?;
    if run.verbose {
        eprintln!("licusage: config path from {}", path.origin);
    }
    print(|out| output::messages::path(out, &path.path))?;
    Ok(Exit::Ok)
}

/// `config init`: the starter config, mode 0600, never over a file unless `force`.
pub fn init(options: &Options, path: Option<std::path::PathBuf>, force: bool) -> Result<Exit> {
    let run = Run::new(options, "config init", Rendered::Text)?;
    let path = match path {
        Some(p) => p,
        None => resolve::config_path(options)?.path,
    };
    if path.exists() && !force {
        return Err(UsageError(format!("{} exists: not replaced (--force replaces it)", path.display())).into());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_whole(&path, |out| Ok(out.write_all(crate::config::starter::text().as_bytes())?))?;
    if !run.quiet {
        eprintln!("licusage: wrote {}: uncomment a source in it, then run `licusage show`", path.display());
    }
    Ok(Exit::Ok)
}

/// `config check`: the file parses, and every file it names is there.
pub fn check(options: &Options) -> Result<Exit> {
    let _run = Run::new(options, "config check", Rendered::Text)?;
    let config = resolve::config(options, None)?;
    // A file that is not there fails every run: an error here, not a warning
    // (a copied config whose relative paths no longer point anywhere).
    let missing: Vec<String> = config
        .sources
        .iter()
        .flat_map(|s| {
            s.files().filter_map(move |i| match i {
                Input::Path(p) if !p.exists() => Some(format!("source `{}`: {} does not exist", s.name, p.display())),
                _ => None,
            })
        })
        .collect();
    if !missing.is_empty() {
        return Err(UsageError(missing.join("; ")).into());
    }
    print(|out| output::messages::config_ok(out, &config))?;
    Ok(Exit::Ok)
}
