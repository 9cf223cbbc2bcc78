//! The TOML configuration (SPEC §5): a raw serde shape that rejects unknown
//! keys, checked and resolved into [`Config`], which is all the rest of the
//! code sees.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use serde::Deserialize;
use toml::Spanned;

use crate::error::UsageError;
use crate::record::Thresholds;
use crate::secret::{Secret, SecretSource};
use crate::select::Glob;
use crate::vendors::{self, Vendor};

/// How a source key is given: on the command line of a one-off vendor
/// subcommand it becomes `--key-name`, unless it is an inline secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Text,
    Flag,
    List,
    Secret,
}

pub struct KeyInfo {
    pub name: &'static str,
    pub kind: KeyType,
    pub help: &'static str,
}

/// Defines [`SourceSettings`] (every key a `[sources.NAME]` table may hold) and
/// [`KEYS`] (their names, types and help) from one list.
macro_rules! source_keys {
    ($($key:ident : $ty:ty = $kt:ident, $help:literal;)*) => {
        /// The keys of one `[sources.NAME]` table. Which of them a kind takes is
        /// the vendor's `keys()` plus [`COMMON_KEYS`].
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct SourceSettings {
            pub kind: String,
            $(pub $key: Option<$ty>,)*
        }

        impl SourceSettings {
            /// The keys set in this table, `kind` aside.
            pub fn present_keys(&self) -> Vec<&'static str> {
                let mut keys = Vec::new();
                $(if self.$key.is_some() { keys.push(stringify!($key)); })*
                keys
            }
        }

        pub static KEYS: &[KeyInfo] = &[$(KeyInfo { name: stringify!($key), kind: KeyType::$kt, help: $help },)*];
    };
}

source_keys! {
    file: String = Text, "read a saved payload from this file instead of the API (- for stdin)";
    assignments_file: String = Text, "read the cPod assignments payload from this file (- for stdin)";
    url: String = Text, "base URL of the vendor API";
    include: Vec<String> = List, "only records whose product, metric or product/metric matches one of these globs";
    exclude: Vec<String> = List, "drop records whose product, metric or product/metric matches one of these globs";
    timeout: String = Text, "per-request timeout for this source, e.g. 10s";
    allow_insecure_http: bool = Flag, "allow credentials over plain http:// to a non-loopback host";
    api_version: String = Text, "Vault API version, e.g. v25.3";
    session_id: Secret = Secret, "Vault session id (inline; prefer session_id_env)";
    session_id_env: String = Text, "environment variable holding the Vault session id";
    session_id_command: String = Text, "command whose stdout is the Vault session id";
    username: String = Text, "user name for a login (Vault) or Basic auth (4D)";
    password: Secret = Secret, "password (inline; prefer password_env)";
    password_env: String = Text, "environment variable holding the password";
    password_command: String = Text, "command whose stdout is the password";
    jwt_secret: Secret = Secret, "ONLYOFFICE JWT secret (inline; prefer jwt_secret_env)";
    jwt_secret_env: String = Text, "environment variable holding the ONLYOFFICE JWT secret";
    jwt_secret_command: String = Text, "command whose stdout is the ONLYOFFICE JWT secret";
    jwt_header: String = Text, "header that carries the ONLYOFFICE JWT (default Authorization)";
    license_id: String = Text, "Leegality license id";
    environment: String = Text, "Leegality environment: production or sandbox";
    token: Secret = Secret, "API token (inline; prefer token_env)";
    token_env: String = Text, "environment variable holding the API token";
    token_command: String = Text, "command whose stdout is the API token";
    client_id: String = Text, "cPod client id for the client-credentials flow";
    client_secret: Secret = Secret, "cPod client secret (inline; prefer client_secret_env)";
    client_secret_env: String = Text, "environment variable holding the cPod client secret";
    client_secret_command: String = Text, "command whose stdout is the cPod client secret";
}

/// The secrets a source may need; each is given inline (`token`), by an
/// environment variable (`token_env`) or by a command (`token_command`).
pub const SECRETS: [&str; 5] = ["token", "password", "session_id", "jwt_secret", "client_secret"];

/// Keys every kind takes.
pub const COMMON_KEYS: &[&str] = &["file", "url", "include", "exclude", "timeout", "allow_insecure_http"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    defaults: RawThresholds,
    #[serde(default)]
    history: RawHistory,
    #[serde(default)]
    sources: BTreeMap<String, Spanned<SourceSettings>>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThresholds {
    timeout: Option<String>,
    warn: Option<f64>,
    crit: Option<f64>,
    warn_free: Option<i64>,
    crit_free: Option<i64>,
    expiry_warn_days: Option<i64>,
    expiry_crit_days: Option<i64>,
}

impl RawThresholds {
    fn overrides(&self) -> Overrides {
        Overrides {
            warn: self.warn,
            crit: self.crit,
            warn_free: self.warn_free,
            crit_free: self.crit_free,
            expiry_warn_days: self.expiry_warn_days,
            expiry_crit_days: self.expiry_crit_days,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHistory {
    path: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    source: Option<String>,
    product: Option<String>,
    metric: Option<String>,
    warn: Option<f64>,
    crit: Option<f64>,
    warn_free: Option<i64>,
    crit_free: Option<i64>,
    expiry_warn_days: Option<i64>,
    expiry_crit_days: Option<i64>,
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

/// Where a payload is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

impl Input {
    fn new(value: &str, base: Option<&Path>) -> Self {
        match value {
            "-" => Input::Stdin,
            v => {
                let p = PathBuf::from(v);
                match base {
                    Some(base) if p.is_relative() => Input::Path(base.join(p)),
                    _ => Input::Path(p),
                }
            }
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Stdin => f.write_str("stdin"),
            Input::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

/// One configured source, checked.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub vendor: &'static dyn Vendor,
    pub settings: SourceSettings,
    pub file: Option<Input>,
    pub assignments_file: Option<Input>,
    pub include: Vec<Glob>,
    pub exclude: Vec<Glob>,
    pub timeout: Option<Duration>,
}

impl Source {
    pub fn kind(&self) -> &'static str {
        self.vendor.kind()
    }

    /// Where this source reads from, for `licusage sources`.
    pub fn origin(&self) -> String {
        match (&self.file, &self.settings.url) {
            (Some(f), _) => format!("file {f}"),
            (None, Some(url)) => url.clone(),
            (None, None) => "vendor default URL".to_string(),
        }
    }

    /// Whether a record of this source passes its `include`/`exclude` globs.
    pub fn wants(&self, product: &str, metric: &str) -> bool {
        let hit = |g: &Glob| g.matches_series(product, metric);
        (self.include.is_empty() || self.include.iter().any(hit)) && !self.exclude.iter().any(hit)
    }
}

/// Threshold values that replace those beneath them: a `[[rules]]` entry's,
/// or the `check` flags'.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub warn: Option<f64>,
    pub crit: Option<f64>,
    pub warn_free: Option<i64>,
    pub crit_free: Option<i64>,
    pub expiry_warn_days: Option<i64>,
    pub expiry_crit_days: Option<i64>,
}

impl Overrides {
    pub fn apply(&self, t: &mut Thresholds) {
        t.warn = self.warn.unwrap_or(t.warn);
        t.crit = self.crit.unwrap_or(t.crit);
        t.warn_free = self.warn_free.or(t.warn_free);
        t.crit_free = self.crit_free.or(t.crit_free);
        t.expiry_warn_days = self.expiry_warn_days.unwrap_or(t.expiry_warn_days);
        t.expiry_crit_days = self.expiry_crit_days.unwrap_or(t.expiry_crit_days);
    }
}

/// Thresholds for the series a rule's globs match.
#[derive(Debug, Clone)]
pub struct Rule {
    pub source: Option<Glob>,
    pub product: Option<Glob>,
    pub metric: Option<Glob>,
    pub set: Overrides,
}

impl Rule {
    fn matches(&self, source: &str, product: &str, metric: &str) -> bool {
        let ok = |g: &Option<Glob>, v: &str| g.as_ref().is_none_or(|g| g.matches(v));
        ok(&self.source, source) && ok(&self.product, product) && ok(&self.metric, metric)
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
    pub history_path: Option<PathBuf>,
    pub sources: Vec<Source>,
    /// Thresholds from the command line (`check --warn …`), over everything else.
    pub overrides: Overrides,
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl Config {
    /// A config without a file, holding one source (one-off vendor subcommands).
    pub fn single(source: Source) -> Self {
        Config {
            path: None,
            defaults: Thresholds::default(),
            rules: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            history_path: None,
            sources: vec![source],
            overrides: Overrides::default(),
        }
    }

    pub fn load(path: &ConfigPath) -> Result<Self> {
        let text = std::fs::read_to_string(&path.path).map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::NotFound && path.origin == Origin::Default {
                " (create it from config.example.toml, or pass --config PATH)"
            } else {
                ""
            };
            UsageError(format!("cannot read config file {} ({}): {e}{hint}", path.path.display(), path.origin))
        })?;
        let config = Self::parse(&text, &path.path)?;
        if config.sources.iter().any(|s| !s.settings.inline_secrets().is_empty()) {
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
            UsageError(format!("{shown}{at}: {}", e.message().trim_end()))
        })?;
        let at = |span: std::ops::Range<usize>| format!("{shown}:{}", line_of(text, span.start));
        let defaults =
            thresholds(&raw.defaults.overrides(), Thresholds::default()).map_err(|e| UsageError(format!("{shown}: [defaults]: {e}")))?;
        let timeout = match &raw.defaults.timeout {
            Some(t) => parse_duration(t).map_err(|e| UsageError(format!("{shown}: [defaults] timeout: {e}")))?,
            None => DEFAULT_TIMEOUT,
        };
        let base = path.parent();
        let mut sources = Vec::new();
        for (name, table) in raw.sources {
            let line = at(table.span());
            let settings = table.into_inner();
            let source = check_source(&name, settings, base).map_err(|e| UsageError(format!("{line}: source `{name}`: {e}")))?;
            sources.push(source);
        }
        let mut rules = Vec::new();
        for rule in raw.rules {
            let line = at(rule.span());
            let r = rule.into_inner();
            let glob = |g: &Option<String>| g.as_deref().map(Glob::new).transpose();
            let checked = (|| -> Result<Rule, String> {
                let set = Overrides {
                    warn: r.warn,
                    crit: r.crit,
                    warn_free: r.warn_free,
                    crit_free: r.crit_free,
                    expiry_warn_days: r.expiry_warn_days,
                    expiry_crit_days: r.expiry_crit_days,
                };
                thresholds(&set, defaults.clone())?;
                Ok(Rule { source: glob(&r.source)?, product: glob(&r.product)?, metric: glob(&r.metric)?, set })
            })()
            .map_err(|e| UsageError(format!("{line}: [[rules]]: {e}")))?;
            rules.push(checked);
        }
        let history_path = raw.history.path.map(|p| match base {
            Some(b) if p.is_relative() => b.join(p),
            _ => p,
        });
        Ok(Config { path: Some(path.to_path_buf()), defaults, rules, timeout, history_path, sources, overrides: Overrides::default() })
    }

    /// The thresholds for one series: `[defaults]`, then every matching
    /// `[[rules]]` entry in order, later ones winning, then the command line.
    pub fn thresholds_for(&self, source: &str, product: &str, metric: &str) -> Thresholds {
        let mut t = self.defaults.clone();
        for rule in self.rules.iter().filter(|r| r.matches(source, product, metric)) {
            rule.set.apply(&mut t);
        }
        self.overrides.apply(&mut t);
        t
    }
}

impl SourceSettings {
    /// Where the secret `key` (one of [`SECRETS`]) comes from.
    pub fn secret(&self, key: &'static str) -> SecretSource<'_> {
        let (inline, env, command) = match key {
            "token" => (&self.token, &self.token_env, &self.token_command),
            "password" => (&self.password, &self.password_env, &self.password_command),
            "session_id" => (&self.session_id, &self.session_id_env, &self.session_id_command),
            "jwt_secret" => (&self.jwt_secret, &self.jwt_secret_env, &self.jwt_secret_command),
            _ => (&self.client_secret, &self.client_secret_env, &self.client_secret_command),
        };
        SecretSource { key, inline: inline.as_ref(), env: env.as_deref(), command: command.as_deref() }
    }

    /// The inline secret keys set in this table.
    pub fn inline_secrets(&self) -> Vec<&'static str> {
        SECRETS.into_iter().filter(|k| self.secret(k).inline.is_some()).collect()
    }

    /// Whether any secret is given, in any of its three ways.
    pub fn has_credentials(&self) -> bool {
        SECRETS.iter().any(|k| self.secret(k).is_given())
    }
}

/// Check one `[sources.NAME]` table against its kind.
pub fn check_source(name: &str, settings: SourceSettings, base: Option<&Path>) -> Result<Source, String> {
    let vendor = vendors::find(&settings.kind)
        .ok_or_else(|| format!("unknown kind `{}` (supported: {})", settings.kind, vendors::kinds().collect::<Vec<_>>().join(", ")))?;
    for key in settings.present_keys() {
        if !COMMON_KEYS.contains(&key) && !vendor.keys().contains(&key) {
            return Err(format!("key `{key}` does not apply to kind `{}`", vendor.kind()));
        }
    }
    // At most one way to give each secret.
    for secret in SECRETS {
        let group = [secret.to_string(), format!("{secret}_env"), format!("{secret}_command")];
        let set: Vec<_> = settings.present_keys().into_iter().filter(|k| group.iter().any(|g| g == k)).collect();
        if set.len() > 1 {
            return Err(format!("give only one of {}", set.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")));
        }
    }
    if let Some(env) = &settings.environment {
        if env != "production" && env != "sandbox" {
            return Err(format!("`environment` is `{env}`; expected `production` or `sandbox`"));
        }
    }
    if let Some(url) = &settings.url {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("`url` {url:?} is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("`url` {url:?} must be http:// or https://"));
        }
    }
    if let Some(v) = &settings.api_version {
        let ok = v.strip_prefix('v').and_then(|r| r.split_once('.')).is_some_and(|(a, b)| {
            !a.is_empty() && !b.is_empty() && a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit())
        });
        if !ok {
            return Err(format!("`api_version` is `{v}`; expected the form v25.3"));
        }
    }
    if settings.file.is_none() && settings.url.is_none() && vendor.default_url().is_none() {
        return Err("give `file` (a saved payload) or `url` (the vendor API)".to_string());
    }
    let globs = |list: &Option<Vec<String>>| -> Result<Vec<Glob>, String> { list.iter().flatten().map(|g| Glob::new(g)).collect() };
    let timeout = settings.timeout.as_deref().map(parse_duration).transpose().map_err(|e| format!("`timeout`: {e}"))?;
    Ok(Source {
        name: name.to_string(),
        vendor,
        file: settings.file.as_deref().map(|f| Input::new(f, base)),
        assignments_file: settings.assignments_file.as_deref().map(|f| Input::new(f, base)),
        include: globs(&settings.include)?,
        exclude: globs(&settings.exclude)?,
        timeout,
        settings,
    })
}

/// `base` with `set` applied, checked.
fn thresholds(set: &Overrides, base: Thresholds) -> Result<Thresholds, String> {
    let mut t = base;
    set.apply(&mut t);
    check_thresholds(&t)?;
    Ok(t)
}

/// Thresholds that make sense together: percentages in 0–100, warning before critical.
pub fn check_thresholds(t: &Thresholds) -> Result<(), String> {
    for (name, v) in [("warn", t.warn), ("crit", t.crit)] {
        if !(0.0..=100.0).contains(&v) {
            return Err(format!("`{name}` is {v}; expected a percentage from 0 to 100"));
        }
    }
    if t.warn > t.crit {
        return Err(format!("`warn` ({}) is above `crit` ({})", t.warn, t.crit));
    }
    if let (Some(w), Some(c)) = (t.warn_free, t.crit_free) {
        if c > w {
            return Err(format!("`crit_free` ({c}) is above `warn_free` ({w})"));
        }
    }
    if t.expiry_crit_days > t.expiry_warn_days {
        return Err(format!("`expiry_crit_days` ({}) is above `expiry_warn_days` ({})", t.expiry_crit_days, t.expiry_warn_days));
    }
    Ok(())
}

/// `30s`, `1m 30s`, `500ms`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text).map_err(|e| format!("{text:?} is not a duration like 30s or 2m ({e})"))?;
    if d.is_zero() {
        return Err(format!("{text:?}: a timeout must be above zero"));
    }
    Ok(d)
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
        assert_eq!(e, "/etc/licusage.toml:2: source `a`: unknown kind `sap` (supported: 4d, veeva, onlyoffice, leegality, cpod)");
        let e = parse("[sources.a]\nkind = \"veeva\"\nfile = \"x\"\nlicense_id = \"l\"\n").err().unwrap_or_default();
        assert_eq!(e, "/etc/licusage.toml:1: source `a`: key `license_id` does not apply to kind `veeva`");
        let e = parse("[sources.a]\nkind = \"cpod\"\ntoken_env = \"A\"\ntoken_command = \"b\"\n").err().unwrap_or_default();
        assert!(e.ends_with("give only one of `token_env`, `token_command`"), "{e}");
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
            ("[sources.a]\nkind = \"leegality\"\nenvironment = \"staging\"\n", "`environment` is `staging`"),
            ("[sources.a]\nkind = \"veeva\"\nurl = \"ftp://x\"\n", "must be http:// or https://"),
            ("[sources.a]\nkind = \"veeva\"\nurl = \"https://v\"\napi_version = \"25\"\n", "expected the form v25.3"),
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
