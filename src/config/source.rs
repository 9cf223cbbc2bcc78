//! One `[sources.NAME]` table: the keys every kind takes, the secrets and
//! inputs its kind declared (read here, the same way for every kind), and
//! the rest handed to the kind, which checks its own.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::fetch::Target;
use crate::glob::Glob;
use crate::payload::{ExtraInput, Input};
use crate::secret::{Secret, SecretSource, Secrets};
use crate::spelling::Spelling;
use crate::vendors::{self, Bound, Key, KeyType, Vendor};

/// Keys every kind takes.
pub const COMMON_KEYS: &[Key] = &[
    Key::text("file", "read a saved payload from this file instead of the API (- for stdin)"),
    Key::text("url", "base URL of the vendor API"),
    Key::list("include", "only records whose product, metric or product/metric matches one of these globs"),
    Key::list("exclude", "drop records whose product, metric or product/metric matches one of these globs"),
    Key::text("timeout", "per-request timeout for this source, e.g. 10s"),
    Key::text("deadline", "how long this source's whole read may take, retries included (default 3 × timeout)"),
    Key::flag("allow_insecure_http", "allow credentials over plain http:// to a non-loopback host"),
    Key::text("headroom", "plan: the margin over the p95 a recommendation keeps, e.g. 0.1 for 10% (else [defaults])"),
    Key::text("pack", "plan: licenses are bought in packs of this many (else [defaults], 1)"),
    Key::text("notice", "plan: the notice period before the renewal or expiry, e.g. 90d (else [defaults], 30d)"),
];

/// The common keys only `plan` reads.
pub const PLAN_KEYS: [&str; 3] = ["headroom", "pack", "notice"];

/// The common keys as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Common {
    file: Option<String>,
    url: Option<String>,
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    timeout: Option<String>,
    deadline: Option<String>,
    allow_insecure_http: Option<bool>,
    headroom: Option<f64>,
    pack: Option<u64>,
    notice: Option<String>,
}

/// One configured source, checked.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub vendor: &'static dyn Vendor,
    pub url: Option<String>,
    pub file: Option<Input>,
    pub inputs: Vec<ExtraInput>,
    pub include: Vec<Glob>,
    pub exclude: Vec<Glob>,
    /// The timeout per request, once resolved (`--timeout`, this source's
    /// `timeout`, `[defaults]`, 30 s); before that, the source's own.
    pub timeout: Option<Duration>,
    /// How long the whole read may take (`Config::deadline_of`).
    pub deadline: Option<Duration>,
    pub allow_insecure_http: bool,
    pub secrets: Secrets,
    /// Whether the source came from a config file or a one-off's flags.
    pub spelling: Spelling,
    /// The kind bound to this source's own keys: what parses and fetches.
    pub bound: Arc<dyn Bound>,
    /// The license server's own log read beside the snapshot (`log`).
    pub log: Option<ServerLog>,
    /// Its own `headroom`, `pack`, `notice` (`plan`), over `[defaults]`.
    pub plan: super::Overrides,
}

/// A source's `log`: where, and how its lines read.
#[derive(Debug, Clone)]
pub struct ServerLog {
    pub path: std::path::PathBuf,
    pub format: &'static dyn crate::serverlog::Format,
}

impl Target for Source {
    fn name(&self) -> &str {
        &self.name
    }

    fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    fn allow_insecure_http(&self) -> bool {
        self.allow_insecure_http
    }

    fn spelling(&self) -> Spelling {
        self.spelling
    }

    fn inputs(&self) -> &[ExtraInput] {
        &self.inputs
    }

    fn status_hint(&self, status: u16) -> Option<&'static str> {
        self.vendor.status_hint(status)
    }

    fn error_message(&self, body: &[u8]) -> Option<String> {
        self.bound.error_message(body)
    }
}

impl Source {
    pub fn kind(&self) -> &'static str {
        self.vendor.kind()
    }

    /// Where this source reads from, for `licusage sources`: never a
    /// password given in the URL.
    pub fn origin(&self) -> String {
        match (&self.file, &self.url) {
            (Some(f), _) => format!("file {f}"),
            (None, Some(url)) => match reqwest::Url::parse(url) {
                Ok(u) => without_secrets(u),
                Err(_) => url.clone(),
            },
            (None, None) if !self.vendor.reads_url() => "runs its `command`".to_string(),
            (None, None) => "vendor default URL".to_string(),
        }
    }

    /// Whether the source's URL carries a password.
    pub fn url_has_password(&self) -> bool {
        self.url.as_deref().and_then(|u| reqwest::Url::parse(u).ok()).is_some_and(|u| u.password().is_some())
    }

    /// Whether a record of this source passes its `include`/`exclude` globs.
    pub fn wants(&self, product: &str, metric: &str) -> bool {
        let hit = |g: &Glob| g.matches_series(product, metric);
        (self.include.is_empty() || self.include.iter().any(hit)) && !self.exclude.iter().any(hit)
    }

    /// Every payload file this source reads: `file` and the kind's inputs.
    pub fn files(&self) -> impl Iterator<Item = &Input> {
        self.file.iter().chain(self.inputs.iter().map(|i| &i.input))
    }
}

/// A URL as `licusage sources` shows it: no password, and the value of a
/// query parameter that looks like a credential (`api_key`, `token`, `sig`…)
/// replaced.
fn without_secrets(mut u: reqwest::Url) -> String {
    let _ = u.set_password(None);
    let secret = crate::http::is_credential_name;
    if u.query_pairs().any(|(k, _)| secret(&k)) {
        let pairs: Vec<(String, String)> =
            u.query_pairs().map(|(k, v)| (k.to_string(), if secret(&k) { "REDACTED".to_string() } else { v.into_owned() })).collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

/// What is wrong with a `[sources.NAME]` table, and the key it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    pub key: Option<String>,
    pub message: String,
}

impl TableError {
    fn new(key: Option<&str>, message: impl Into<String>) -> Self {
        TableError { key: key.map(str::to_string), message: message.into() }
    }

    /// An unknown key is reported as serde reports unknown fields.
    pub fn is_unknown_key(&self) -> bool {
        self.message.starts_with("unknown field")
    }
}

/// The edit distance between two short strings (Levenshtein).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut last = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let old = row[j + 1];
            row[j + 1] = (last + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            last = old;
        }
    }
    row[b.len()]
}

fn quoted(sp: Spelling, names: &[String]) -> String {
    names.iter().map(|n| sp.key(n)).collect::<Vec<_>>().join(", ")
}

fn text(sp: Spelling, table: &mut toml::Table, key: &str) -> Result<Option<String>, TableError> {
    match table.remove(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(TableError::new(Some(key), format!("{}: invalid type: {}, expected a string", sp.key(key), other.type_str()))),
    }
}

/// Check one `[sources.NAME]` table against its kind; relative paths are
/// anchored at `base` (the config file's directory). Messages name the
/// settings as `spelling` says: keys of the config file, or a one-off's flags.
pub fn check_source(name: &str, mut table: toml::Table, base: Option<&Path>, spelling: Spelling) -> Result<Source, TableError> {
    let sp = spelling;
    let kind = text(sp, &mut table, "kind")?.ok_or_else(|| TableError::new(None, "missing field `kind`"))?;
    let vendor = vendors::find(&kind).ok_or_else(|| {
        TableError::new(Some("kind"), format!("unknown kind `{kind}` (supported: {})", vendors::kinds().collect::<Vec<_>>().join(", ")))
    })?;
    let preset = preset(sp, vendor, &mut table)?;
    known_keys(sp, vendor, &table)?;
    let (secrets, inputs) = declared(sp, vendor, &mut table, base)?;
    // The common keys; what is left is the kind's.
    if let Some(name) = &preset {
        placeholders(sp, name, &table)?;
    }
    let common_names: Vec<String> = COMMON_KEYS.iter().flat_map(Key::names).collect();
    let (shared, rest): (toml::Table, toml::Table) = table.into_iter().partition(|(key, _)| common_names.contains(key));
    let common: Common = serde_path_to_error::deserialize(toml::Value::Table(shared)).map_err(|e| {
        let key = e.path().iter().next().map(|s| s.to_string());
        TableError { message: format!("{}: {}", sp.key(key.as_deref().unwrap_or("?")), first_line(e.into_inner())), key }
    })?;
    location(sp, vendor, &common)?;
    let given: Vec<&'static str> = secrets.iter().filter(|s| s.is_given()).map(|s| s.key).collect();
    let given_inputs: Vec<&'static str> = inputs.iter().map(|i: &ExtraInput| i.key).collect();
    let shape =
        vendors::Shape { reads_file: common.file.is_some(), secrets: &given, inputs: &given_inputs, url: common.url.as_deref(), spelling };
    let bound = vendor.bind(rest, shape).map_err(|e| TableError {
        message: match &e.key {
            Some(k) if !e.message.contains(&sp.key(k)) => format!("{}: {}", sp.key(k), e.message),
            _ => e.message.clone(),
        },
        key: e.key,
    })?;
    let globs = |key: &str, list: &Option<Vec<String>>| -> Result<Vec<Glob>, TableError> {
        list.iter().flatten().map(|g| Glob::new(g).map_err(|e| TableError::new(Some(key), e))).collect()
    };
    let duration = |key: &str, value: &Option<String>, what: &str| {
        value
            .as_deref()
            .map(|d| super::parse_duration_of(d, what))
            .transpose()
            .map_err(|e| TableError::new(Some(key), format!("{}: {e}", sp.key(key))))
    };
    let log = match bound.log() {
        Some((path, format)) => match Input::new(path, base) {
            Input::Path(path) if !path.as_os_str().is_empty() => Some(ServerLog { path, format }),
            _ => return Err(TableError::new(Some("log"), format!("{} must be the path of the server's log file", sp.key("log")))),
        },
        None => None,
    };
    let plan = super::Overrides {
        headroom: common.headroom,
        pack: common.pack,
        notice_days: common
            .notice
            .as_deref()
            .map(super::thresholds::notice_days)
            .transpose()
            .map_err(|e| TableError::new(Some("notice"), format!("{}: {e}", sp.key("notice"))))?,
        ..super::Overrides::default()
    };
    super::thresholds::over(&plan, crate::record::Thresholds::default()).map_err(|e| TableError::new(None, e))?;
    Ok(Source {
        log,
        plan,
        name: name.to_string(),
        timeout: duration("timeout", &common.timeout, "a timeout")?,
        deadline: duration("deadline", &common.deadline, "a deadline")?,
        vendor,
        file: common.file.as_deref().map(|f| Input::new(f, base)),
        inputs,
        include: globs("include", &common.include)?,
        exclude: globs("exclude", &common.exclude)?,
        allow_insecure_http: common.allow_insecure_http == Some(true),
        secrets: Secrets::new(secrets),
        spelling,
        bound,
        url: common.url,
    })
}

/// `preset = NAME`: the preset's keys laid under the table's own (a
/// source's key wins, a table key by key); the preset's name.
fn preset(sp: Spelling, vendor: &dyn Vendor, table: &mut toml::Table) -> Result<Option<String>, TableError> {
    let Some(name) = text(sp, table, "preset")? else { return Ok(None) };
    let kind = vendor.kind();
    let presets: toml::Table = match vendor.presets().map(toml::from_str) {
        Some(Ok(p)) => p,
        Some(Err(e)) => {
            return Err(TableError::new(Some("preset"), format!("internal error: the presets of kind `{kind}` do not parse: {e}")))
        }
        None => return Err(TableError::new(Some("preset"), format!("kind `{kind}` has no presets"))),
    };
    let Some(toml::Value::Table(keys)) = presets.get(&name) else {
        let names: Vec<&String> = presets.keys().collect();
        let names = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        return Err(TableError::new(Some("preset"), format!("unknown preset `{name}` (kind `{kind}` has {names})")));
    };
    // A source that reads a saved file takes the preset's mapping only, none
    // of its request, auth or paging.
    let reads_file = table.contains_key("file");
    for (key, value) in keys {
        if reads_file && !matches!(key.as_str(), "jq" | "holders_jq" | "error") {
            continue;
        }
        match (table.get_mut(key), value) {
            (None, _) => {
                table.insert(key.clone(), value.clone());
            }
            (Some(toml::Value::Table(own)), toml::Value::Table(given)) => {
                for (k, v) in given {
                    own.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            (Some(_), _) => {}
        }
    }
    Ok(Some(name))
}

/// A preset's `<…>` part the source has not set: the customer's own
/// (`<tenant>`, `<org>`), named with the key it is in.
fn placeholders(sp: Spelling, preset: &str, table: &toml::Table) -> Result<(), TableError> {
    let mut found = None;
    let mut walk = |key: &str, v: &toml::Value| {
        if let toml::Value::String(s) = v {
            // `<name>`: a word between angle brackets (never jq's `.a < .b`).
            for (start, _) in s.match_indices('<') {
                let rest = &s[start + 1..];
                let word = rest.split('>').next().unwrap_or_default();
                if rest.contains('>') && !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                    found.get_or_insert((key.to_string(), format!("<{word}>")));
                }
            }
        }
    };
    for (key, value) in table {
        match value {
            toml::Value::Table(inner) => inner.iter().for_each(|(k, v)| walk(&format!("{key}.{k}"), v)),
            v => walk(key, v),
        }
    }
    match found {
        Some((key, part)) => Err(TableError::new(
            Some(key.split('.').next().unwrap_or(&key)),
            format!("preset `{preset}`: set {} (its {part} is yours: your tenant, organisation or account)", sp.key(&key)),
        )),
        None => Ok(()),
    }
}

/// The first line of a deserializer's message: toml adds `in \`key\`` on a second.
fn first_line(e: impl std::fmt::Display) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

/// Every key is a common one, or one the kind declared: else an error that
/// names the key, and the key meant when one is close.
fn known_keys(sp: Spelling, vendor: &dyn Vendor, table: &toml::Table) -> Result<(), TableError> {
    let kind = vendor.kind();
    let common: Vec<String> = COMMON_KEYS.iter().flat_map(Key::names).collect();
    let own: Vec<String> = vendor.keys().iter().flat_map(Key::names).collect();
    let mut keys: Vec<&String> = table.keys().collect();
    keys.sort();
    for key in keys {
        if common.contains(key) || own.contains(key) {
            continue;
        }
        if vendors::VENDORS.iter().any(|v| v.keys().iter().any(|k| k.names().contains(key))) {
            return Err(TableError::new(Some(key), format!("{} does not apply to kind `{kind}`", sp.named(key))));
        }
        let mut expected = vec!["kind".to_string()];
        expected.extend(common.iter().cloned());
        expected.extend(own.iter().cloned());
        let near = expected.iter().map(|k| (distance(key, k), k)).filter(|(d, _)| *d <= 2).min_by_key(|(d, _)| *d);
        let message = match near {
            Some((_, k)) => format!("unknown field `{key}`: did you mean {}?", sp.key(k)),
            None => format!("unknown field `{key}`; kind `{kind}` takes {}", quoted(sp, &expected)),
        };
        return Err(TableError::new(Some(key), message));
    }
    Ok(())
}

/// The secrets and inputs the kind declared, taken out of `table`.
fn declared(
    sp: Spelling,
    vendor: &dyn Vendor,
    table: &mut toml::Table,
    base: Option<&Path>,
) -> Result<(Vec<SecretSource>, Vec<ExtraInput>), TableError> {
    let mut secrets = Vec::new();
    let mut inputs = Vec::new();
    for key in vendor.keys() {
        match key.ty {
            KeyType::Secret => {
                let names = key.names();
                let given: Vec<String> = names.iter().filter(|n| table.contains_key(n.as_str())).cloned().collect();
                if given.len() > 1 {
                    return Err(TableError::new(Some(&given[1]), format!("give only one of {}", quoted(sp, &given))));
                }
                let inline = text(sp, table, &names[0])?.map(Secret::new);
                let env = text(sp, table, &names[1])?;
                let command = text(sp, table, &names[2])?;
                secrets.push(SecretSource { key: key.name, inline, env, command });
            }
            KeyType::Input { payload, holders_only } => {
                if let Some(value) = text(sp, table, key.name)? {
                    inputs.push(ExtraInput { key: key.name, payload, holders_only, input: Input::new(&value, base) });
                }
            }
            _ => {}
        }
    }
    Ok((secrets, inputs))
}

/// Where the source reads: `file` or `url` (or the kind's default URL, or
/// its own keys for a kind that reads no URL), a URL that is http(s).
fn location(sp: Spelling, vendor: &dyn Vendor, common: &Common) -> Result<(), TableError> {
    let kind = vendor.kind();
    let (url_key, file_key) = (sp.key("url"), sp.key("file"));
    if let Some(url) = &common.url {
        let parsed = reqwest::Url::parse(url).map_err(|e| TableError::new(Some("url"), format!("{url_key} {url:?} is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(TableError::new(Some("url"), format!("{url_key} {url:?} must be http:// or https://")));
        }
    }
    if !vendor.reads_url() && common.url.is_some() {
        return Err(TableError::new(
            Some("url"),
            format!("kind `{kind}` reads no {url_key}: give {file_key} (a saved payload) or the kind's own settings"),
        ));
    }
    let which = format!("give {file_key} (a saved payload) or {url_key} (the vendor API)");
    if common.file.is_none() && common.url.is_none() && vendor.default_url().is_none() && vendor.reads_url() {
        return Err(TableError::new(None, which));
    }
    if common.file.is_some() && common.url.is_some() {
        return Err(TableError::new(Some("url"), format!("{which}, not both")));
    }
    Ok(())
}
