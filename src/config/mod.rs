//! The TOML configuration (docs/reference.md, Config): a raw serde shape that rejects unknown
//! keys, checked into [`Config`]. `source` checks one `[sources.NAME]`
//! table, `thresholds` the threshold keys; `crate::resolve` lays the command
//! line over the result.

pub mod notify;
mod serve;
mod source;
pub mod starter;
mod thresholds;

pub use serve::{Serve, DEFAULT_LISTEN, DEFAULT_REFRESH};
pub use source::{check_source, Source, TableError, COMMON_KEYS, PLAN_KEYS};
pub use thresholds::{check as check_thresholds, Overrides, Rule};

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Deserialize;
use toml::Spanned;

use crate::error::UsageError;
use crate::record::Thresholds;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default)]
    history: RawHistory,
    #[serde(default)]
    holders: RawHolders,
    #[serde(default)]
    serve: serve::RawServe,
    #[serde(default)]
    notify: BTreeMap<String, notify::RawChannel>,
    #[serde(default)]
    sources: BTreeMap<String, Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
    #[serde(default)]
    rules: Vec<Spanned<thresholds::RawRule>>,
}

thresholds::with_threshold_keys! {
    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawDefaults {
        timeout: Option<String>,
        timezone: Option<String>,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHistory {
    path: Option<PathBuf>,
    url: Option<String>,
    password_env: Option<String>,
    password_command: Option<String>,
}

impl RawHistory {
    /// Where the history lives; `None`: the default file. `timeout` bounds a password command.
    fn check(self, base: Option<&Path>, timeout: Duration) -> Result<Option<crate::history::Location>, String> {
        let password =
            crate::secret::SecretSource { key: "password", inline: None, env: self.password_env, command: self.password_command };
        if password.env.is_some() && password.command.is_some() {
            return Err("give only one of `password_env`, `password_command`".into());
        }
        match (self.path, self.url) {
            (Some(_), Some(_)) => Err("give `path` (a SQLite file) or `url` (a PostgreSQL server), not both".into()),
            (path, None) => {
                if password.is_given() {
                    return Err("`password_env` and `password_command` go with `url`".into());
                }
                Ok(path.map(|p| match base {
                    Some(b) if p.is_relative() => crate::history::Location::File(b.join(p)),
                    _ => crate::history::Location::File(p),
                }))
            }
            (None, Some(url)) => {
                Ok(Some(crate::history::Location::Server(Box::new(crate::history::Server::parse(&url, password, base, timeout)?))))
            }
        }
    }
}

/// `[holders]`: a secret salt for `--redact`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHolders {
    redact_salt: Option<crate::secret::Secret>,
    redact_salt_env: Option<String>,
    redact_salt_command: Option<String>,
    #[serde(default)]
    exempt: Vec<String>,
    grace: Option<String>,
}

/// `[holders] exempt` and `grace`: who is never a seat to reclaim.
#[derive(Debug, Clone, Default)]
pub struct Reclaim {
    /// Holder globs (service accounts, named exceptions).
    pub exempt: Vec<crate::glob::Glob>,
    /// No seat assigned more recently than this is idle.
    pub grace: Option<Duration>,
}

impl Reclaim {
    /// Whether `h` (aged) is a seat to reclaim at `days` idle.
    pub fn idle(&self, h: &crate::holder::Holder, days: i64, now: chrono::DateTime<chrono::Utc>) -> bool {
        let young = match (self.grace, h.since) {
            (Some(grace), Some(since)) => chrono::Duration::from_std(grace).is_ok_and(|g| now - since < g),
            _ => false,
        };
        h.idle_for(days) && !young && !self.exempt.iter().any(|g| g.matches(&h.holder))
    }
}

/// Where the config path came from, for `config path -v` and error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Env,
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Flag => "--config",
            Origin::Env => "LICUSAGE_CONFIG",
            Origin::Default => "default location",
        })
    }
}

#[derive(Debug, Clone)]
pub struct ConfigPath {
    pub path: PathBuf,
    pub origin: Origin,
}

impl ConfigPath {
    /// `--config`, else `LICUSAGE_CONFIG` (both resolved by the CLI layer),
    /// else the platform config dir.
    pub fn resolve(given: Option<(PathBuf, Origin)>) -> Result<Self> {
        if let Some((path, origin)) = given {
            return Ok(ConfigPath { path, origin });
        }
        let dirs = directories::ProjectDirs::from("", "", "licusage")
            .context("cannot find a home directory for the default config path; pass --config")?;
        Ok(ConfigPath { path: dirs.config_dir().join("config.toml"), origin: Origin::Default })
    }
}

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from; `None` for a one-off vendor subcommand.
    pub path: Option<PathBuf>,
    pub defaults: Thresholds,
    pub rules: Vec<Rule>,
    pub timeout: Duration,
    /// `[defaults] timezone`: where days are counted (`None`: the machine's zone).
    pub timezone: Option<crate::calendar::Zone>,
    /// `[history]`: `None` for the default file.
    pub history: Option<crate::history::Location>,
    /// `[holders] redact_salt…`: keys the `--redact` hash, so that a staff
    /// list alone does not re-identify.
    pub redact_salt: crate::secret::SecretSource,
    /// `[holders] exempt`, `grace`.
    pub reclaim: Reclaim,
    /// `[serve]`: the exporter's listen address, refresh, auth and TLS.
    pub serve: Serve,
    /// `[notify.NAME]` channels, by name.
    pub notify: Vec<notify::Channel>,
    pub sources: Vec<Source>,
    /// Thresholds from the command line (`check --warn …`), over everything else.
    pub overrides: Overrides,
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl Config {
    /// Where the history lives: `[history]`, else the default file.
    pub fn history_location(&self) -> Result<crate::history::Location> {
        match &self.history {
            Some(at) => Ok(at.clone()),
            None => crate::history::default_path().map(crate::history::Location::File),
        }
    }

    /// A config with no file and no source.
    pub fn single_empty() -> Self {
        Config {
            path: None,
            defaults: Thresholds::default(),
            rules: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            timezone: None,
            history: None,
            redact_salt: crate::secret::SecretSource::default(),
            reclaim: Reclaim::default(),
            serve: Serve::default(),
            notify: Vec::new(),
            sources: Vec::new(),
            overrides: Overrides::default(),
        }
    }

    /// A config without a file, holding one source (one-off vendor subcommands).
    pub fn single(source: Source) -> Self {
        Config { sources: vec![source], ..Self::single_empty() }
    }

    pub fn load(path: &ConfigPath) -> Result<Self> {
        let text = std::fs::read_to_string(&path.path).map_err(|e| {
            let shown = path.path.display();
            let origin = path.origin;
            if e.kind() == std::io::ErrorKind::NotFound {
                let hint = match origin {
                    Origin::Default => "run `licusage config init` to write a starter config there, or pass --config PATH",
                    _ => "check the path",
                };
                return UsageError(format!("no config file at {shown} ({origin}): {hint}"));
            }
            // The reason without `(os error N)`.
            let why = e.to_string();
            let why = why.split(" (os error").next().unwrap_or(&why).to_string();
            UsageError(format!("cannot read config file {shown} ({origin}): {why}"))
        })?;
        let config = Self::parse(&text, &path.path)?;
        let inline_serve = config.serve.basic_auth.as_ref().is_some_and(|(_, p)| p.inline.is_some());
        if config.redact_salt.inline.is_some()
            || inline_serve
            || config.sources.iter().any(|s| s.secrets.inline().next().is_some() || s.url_has_password())
        {
            check_private(&path.path)?;
        }
        Ok(config)
    }

    /// Parse and check config text; `path` names it in errors and anchors
    /// relative `file` paths.
    pub fn parse(text: &str, path: &Path) -> Result<Self, UsageError> {
        let shown = path.display();
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| format!(":{}", line_of(text, s.start))).unwrap_or_default();
            let mut message = humane(e.message().trim_end());
            // Name the key a duplicate is about: the line it is on says.
            if message == "duplicate key" {
                let key = e.span().and_then(|s| text.get(s.start..)).and_then(|rest| rest.split(['=', '\n']).next()).map(str::trim);
                if let Some(key) = key.filter(|k| !k.is_empty()) {
                    message = format!("duplicate key `{}`", key.trim_matches('"'));
                }
            }
            UsageError(format!("{shown}{at}: {message}"))
        })?;
        let at = |offset: usize| format!("{shown}:{}", line_of(text, offset));
        let defaults = raw
            .defaults
            .overrides()
            .and_then(|set| thresholds::over(&set, Thresholds::default()))
            .map_err(|e| UsageError(format!("{shown}: [defaults]: {e}")))?;
        let timeout = match &raw.defaults.timeout {
            Some(t) => parse_duration(t).map_err(|e| UsageError(format!("{shown}: [defaults] timeout: {e}")))?,
            None => DEFAULT_TIMEOUT,
        };
        let timezone = raw
            .defaults
            .timezone
            .as_deref()
            .map(crate::calendar::Zone::named)
            .transpose()
            .map_err(|e| UsageError(format!("{shown}: [defaults] timezone: {e}")))?;
        let base = path.parent();
        let mut sources = Vec::new();
        for (name, table) in raw.sources {
            let table_at = table.span().start;
            let mut lines = BTreeMap::new();
            let mut plain = toml::Table::new();
            for (key, value) in table.into_inner() {
                lines.insert(key.clone(), value.span().start);
                plain.insert(key, value.into_inner());
            }
            let source = check_source(&name, plain, base, crate::spelling::Spelling::Keys).map_err(|e| {
                let line = at(e.key.as_ref().and_then(|k| lines.get(k)).copied().unwrap_or(table_at));
                let message = humane(&e.message);
                match e.is_unknown_key() {
                    true => UsageError(format!("{line}: {message}")),
                    false => UsageError(format!("{line}: source `{name}`: {message}")),
                }
            })?;
            sources.push(source);
        }
        let mut rules = Vec::new();
        for rule in raw.rules {
            let line = at(rule.span().start);
            rules.push(rule.into_inner().check(&defaults).map_err(|e| UsageError(format!("{line}: [[rules]]: {e}")))?);
        }
        let history = raw.history.check(base, timeout).map_err(|e| UsageError(format!("{shown}: [history]: {e}")))?;
        let h = raw.holders;
        let given = [h.redact_salt.is_some(), h.redact_salt_env.is_some(), h.redact_salt_command.is_some()];
        if given.iter().filter(|g| **g).count() > 1 {
            return Err(UsageError(format!(
                "{shown}: [holders]: give only one of `redact_salt`, `redact_salt_env`, `redact_salt_command`"
            )));
        }
        let redact_salt = crate::secret::SecretSource {
            key: "redact_salt",
            inline: h.redact_salt,
            env: h.redact_salt_env,
            command: h.redact_salt_command,
        };
        let reclaim = Reclaim {
            exempt: h
                .exempt
                .iter()
                .map(|g| crate::glob::Glob::new(g))
                .collect::<Result<_, _>>()
                .map_err(|e| UsageError(format!("{shown}: [holders] exempt: {e}")))?,
            grace: h
                .grace
                .as_deref()
                .map(|g| parse_duration_of(g, "grace"))
                .transpose()
                .map_err(|e| UsageError(format!("{shown}: [holders] grace: {e}")))?,
        };
        let serve = raw.serve.check(base).map_err(|e| UsageError(format!("{shown}: [serve]: {e}")))?;
        let mut notify = Vec::new();
        for (name, channel) in raw.notify {
            notify.push(channel.check(&name).map_err(|e| UsageError(format!("{shown}: [notify.{name}]: {e}")))?);
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            defaults,
            rules,
            timeout,
            timezone,
            history,
            redact_salt,
            reclaim,
            serve,
            notify,
            sources,
            overrides: Overrides::default(),
        })
    }

    /// The timeout per request for `source`: its own, else the config's
    /// (`crate::resolve` lays `--timeout` over both).
    pub fn timeout_of(&self, source: &Source) -> Duration {
        source.timeout.unwrap_or(self.timeout)
    }

    /// How long `source`'s whole read may take, retries and waits included:
    /// its `deadline`, else three times its timeout.
    pub fn deadline_of(&self, source: &Source) -> Duration {
        source.deadline.unwrap_or_else(|| self.timeout_of(source).saturating_mul(3))
    }

    /// The thresholds for one series: `[defaults]`, then every matching
    /// `[[rules]]` entry in order, later ones winning, then the command line.
    pub fn thresholds_for(&self, source: &str, product: &str, metric: &str) -> Thresholds {
        let mut t = self.defaults.clone();
        // A source's own `headroom`, `pack`, `notice`; then the rules, more specific.
        if let Some(s) = self.sources.iter().find(|s| s.name == source) {
            s.plan.apply(&mut t);
        }
        for rule in self.rules.iter().filter(|r| r.matches(source, product, metric)) {
            rule.set.apply(&mut t);
        }
        self.overrides.apply(&mut t);
        t
    }
}

/// A timeout: `30s`, `1m 30s`, `500ms`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    parse_duration_of(text, "a timeout")
}

/// A duration above zero; `what` names it in the error (`--since`).
pub fn parse_duration_of(text: &str, what: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text).map_err(|e| format!("{text:?} is not a duration like 30s or 2m ({e})"))?;
    if d.is_zero() {
        return Err(format!("{text:?}: {what} must be above zero"));
    }
    Ok(d)
}

/// serde's words in a person's: `expected f64` is `expected a number`.
fn humane(message: &str) -> String {
    let mut out = message.to_string();
    for (serde, person) in [
        ("expected f64", "expected a number"),
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected a sequence", "expected a list, like [\"a\", \"b\"]"),
        ("expected a boolean", "expected true or false"),
        ("invalid type: floating point", "invalid type: number"),
        ("invalid type: sequence", "invalid type: list"),
        ("invalid type: map", "invalid type: table"),
    ] {
        out = out.replace(serde, person);
    }
    out
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes().iter().take(offset).filter(|b| **b == b'\n').count() + 1
}

/// Refuse inline secrets in a file others can read.
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), UsageError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0);
    if mode & 0o077 != 0 {
        return Err(UsageError(format!(
            "{} holds an inline secret but is readable by group or others (mode {:o}): run `chmod 600 {}` or use a `*_env`/`*_command` key",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), UsageError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::Input;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/etc/licusage.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn unknown_keys_name_key_and_line() {
        let e = parse("[defaults]\nwarn = 80\n\n[sources.a]\nkind = \"veeva\"\nfile = \"x.json\"\ncolour = \"red\"\n").err();
        let e = e.unwrap_or_default();
        assert!(e.starts_with("/etc/licusage.toml:7: unknown field `colour`"), "{e}");
        let e = parse("[defaultz]\n").err().unwrap_or_default();
        assert!(e.starts_with("/etc/licusage.toml:1: unknown field `defaultz`"), "{e}");
    }

    #[test]
    fn unknown_kind_and_foreign_keys() {
        let e = parse("\n[sources.a]\nkind = \"sap\"\nfile = \"x\"\n").err().unwrap_or_default();
        let kinds = crate::vendors::kinds().collect::<Vec<_>>().join(", ");
        assert_eq!(e, format!("/etc/licusage.toml:3: source `a`: unknown kind `sap` (supported: {kinds})"));
        // A key of another kind says so, on its own line.
        for vendor in crate::vendors::VENDORS {
            let Some(other) = crate::vendors::VENDORS.iter().find(|v| v.kind() != vendor.kind()) else { continue };
            let Some(key) = other.keys().iter().map(|k| k.name).find(|n| !vendor.keys().iter().any(|k| k.names().iter().any(|m| m == n)))
            else {
                continue;
            };
            let text = format!("[sources.a]\nkind = \"{}\"\nfile = \"x\"\n{key} = \"l\"\n", vendor.kind());
            let e = parse(&text).err().unwrap_or_default();
            assert_eq!(e, format!("/etc/licusage.toml:4: source `a`: key `{key}` does not apply to kind `{}`", vendor.kind()));
        }
        let e = parse("[sources.a]\nkind = \"cpod\"\ntoken_env = \"A\"\ntoken_command = \"b\"\n").err().unwrap_or_default();
        assert!(e.ends_with("give only one of `token_env`, `token_command`"), "{e}");
    }

    /// Errors in a person's words: the key meant, the key repeated, the type wanted.
    #[test]
    fn errors_speak_plainly() {
        for (text, want) in [
            ("[sources.a]\nkind = \"4d\"\nfiel = \"x\"\n", "/etc/licusage.toml:3: unknown field `fiel`: did you mean `file`?"),
            ("[sources.a]\nkind = \"4d\"\nfile = \"x\"\nfile = \"y\"\n", "/etc/licusage.toml:4: duplicate key `file`"),
            ("[defaults]\nwarn = \"80\"\n", "/etc/licusage.toml:2: invalid type: string \"80\", expected a number"),
            (
                "[sources.a]\nkind = \"4d\"\nfile = \"x\"\ninclude = \"pm_*\"\n",
                "/etc/licusage.toml:4: source `a`: `include`: invalid type: string \"pm_*\", expected a list, like [\"a\", \"b\"]",
            ),
        ] {
            assert_eq!(parse(text).err().as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn relative_files_are_anchored_at_the_config_dir() {
        let c = parse("[sources.a]\nkind = \"4d\"\nfile = \"fixtures/4d/x.json\"\n").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(c.sources[0].file, Some(Input::Path(PathBuf::from("/etc/fixtures/4d/x.json"))));
    }

    #[test]
    fn rules_override_defaults_in_order() {
        let c = parse(
            "[defaults]\nwarn = 70\n[[rules]]\nproduct = \"pm_*\"\ncrit = 99\n[[rules]]\nsource = \"a\"\nmetric = \"full__v\"\nwarn = 90\n",
        )
        .unwrap_or_else(|e| unreachable!("{e}"));
        let t = c.thresholds_for("a", "pm_promomats__v", "full__v");
        assert_eq!((t.warn, t.crit), (90.0, 99.0));
        let t = c.thresholds_for("b", "other", "full__v");
        assert_eq!((t.warn, t.crit), (70.0, 95.0));
    }

    #[test]
    fn bad_values_are_refused() {
        for (text, want) in [
            ("[defaults]\nwarn = 96\n", "`warn` (96) is above `crit` (95)"),
            ("[defaults]\ntimeout = \"soon\"\n", "timeout"),
            ("[sources.a]\nkind = \"veeva\"\nurl = \"ftp://x\"\n", "must be http:// or https://"),
            ("[sources.a]\nkind = \"veeva\"\n", "give `file`"),
            ("[sources.a]\nkind = \"cpod\"\nfile = \"f\"\ninclude = [\"[\"]\n", "invalid glob"),
        ] {
            let e = parse(text).err().unwrap_or_default();
            assert!(e.contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let c = parse("[sources.a]\nkind = \"cpod\"\ntoken = \"s3cr3t-value\"\n").unwrap_or_else(|e| unreachable!("{e}"));
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }
}
