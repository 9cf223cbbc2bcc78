//! One `[sources.NAME]` table: the keys every kind takes, the secrets and
//! inputs its kind declared (read here, the same way for every kind), and
//! the rest handed to the kind, which checks its own.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::secret::{Secret, SecretSource, Secrets};
use crate::select::Glob;
use crate::vendors::{self, Key, KeyType, KindSettings, Vendor};

/// Keys every kind takes.
pub const COMMON_KEYS: &[Key] = &[
    Key::text("file", "read a saved payload from this file instead of the API (- for stdin)"),
    Key::text("url", "base URL of the vendor API"),
    Key::list("include", "only records whose product, metric or product/metric matches one of these globs"),
    Key::list("exclude", "drop records whose product, metric or product/metric matches one of these globs"),
    Key::text("timeout", "per-request timeout for this source, e.g. 10s"),
    Key::text("deadline", "how long this source's whole read may take, retries included (default 3 × timeout)"),
    Key::flag("allow_insecure_http", "allow credentials over plain http:// to a non-loopback host"),
];

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
}

/// Where a payload is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

impl Input {
    pub fn new(value: &str, base: Option<&Path>) -> Self {
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

/// A payload file besides `file`, as its kind declared it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraInput {
    /// The config key (`NAME_file`).
    pub key: &'static str,
    /// The name the kind's parse finds it under.
    pub payload: &'static str,
    /// Read only when holders are wanted.
    pub holders_only: bool,
    pub input: Input,
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
    /// The kind's own settings, opaque here.
    pub settings: Arc<dyn KindSettings>,
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
                Ok(mut u) if u.password().is_some() => {
                    let _ = u.set_password(None);
                    u.to_string()
                }
                _ => url.clone(),
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

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

fn text(table: &mut toml::Table, key: &str) -> Result<Option<String>, TableError> {
    match table.remove(key) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(TableError::new(Some(key), format!("`{key}`: invalid type: {}, expected a string", other.type_str()))),
    }
}

/// Check one `[sources.NAME]` table against its kind; relative paths are
/// anchored at `base` (the config file's directory).
pub fn check_source(name: &str, mut table: toml::Table, base: Option<&Path>) -> Result<Source, TableError> {
    let kind = text(&mut table, "kind")?.ok_or_else(|| TableError::new(None, "missing field `kind`"))?;
    let vendor = vendors::find(&kind).ok_or_else(|| {
        TableError::new(Some("kind"), format!("unknown kind `{kind}` (supported: {})", vendors::kinds().collect::<Vec<_>>().join(", ")))
    })?;

    // Every key is a common one, or one its kind declared.
    let common: Vec<String> = COMMON_KEYS.iter().flat_map(Key::names).collect();
    let own: Vec<String> = vendor.keys().iter().flat_map(Key::names).collect();
    let mut keys: Vec<&String> = table.keys().collect();
    keys.sort();
    for key in keys {
        if common.contains(key) || own.contains(key) {
            continue;
        }
        if vendors::VENDORS.iter().any(|v| v.keys().iter().any(|k| k.names().contains(key))) {
            return Err(TableError::new(Some(key), format!("key `{key}` does not apply to kind `{kind}`")));
        }
        let mut expected = vec!["kind".to_string()];
        expected.extend(common.iter().cloned());
        expected.extend(own.iter().cloned());
        // A typo is the likely cause: name the key meant, when one is close.
        let near = expected.iter().map(|k| (distance(key, k), k)).filter(|(d, _)| *d <= 2).min_by_key(|(d, _)| *d);
        let message = match near {
            Some((_, k)) => format!("unknown field `{key}`: did you mean `{k}`?"),
            None => format!("unknown field `{key}`; kind `{kind}` takes {}", quoted(&expected)),
        };
        return Err(TableError::new(Some(key), message));
    }

    // Secrets and inputs, for whichever names the kind declared.
    let mut secrets = Vec::new();
    let mut inputs = Vec::new();
    for key in vendor.keys() {
        match key.ty {
            KeyType::Secret => {
                let names = key.names();
                let given: Vec<String> = names.iter().filter(|n| table.contains_key(n.as_str())).cloned().collect();
                if given.len() > 1 {
                    return Err(TableError::new(Some(&given[1]), format!("give only one of {}", quoted(&given))));
                }
                let inline = text(&mut table, &names[0])?.map(Secret::new);
                let env = text(&mut table, &names[1])?;
                let command = text(&mut table, &names[2])?;
                secrets.push(SecretSource { key: key.name, inline, env, command });
            }
            KeyType::Input { payload, holders_only } => {
                if let Some(value) = text(&mut table, key.name)? {
                    inputs.push(ExtraInput { key: key.name, payload, holders_only, input: Input::new(&value, base) });
                }
            }
            _ => {}
        }
    }

    // The common keys; what is left is the kind's.
    let mut rest = toml::Table::new();
    let mut shared = toml::Table::new();
    for (key, value) in table {
        if common.contains(&key) {
            shared.insert(key, value);
        } else {
            rest.insert(key, value);
        }
    }
    let common: Common = serde_path_to_error::deserialize(toml::Value::Table(shared)).map_err(|e| {
        let key = e.path().iter().next().map(|s| s.to_string());
        // The first line: toml adds `in \`key\`` on a second.
        let message = e.into_inner().to_string();
        let message = message.lines().next().unwrap_or_default().to_string();
        TableError { message: format!("`{}`: {message}", key.as_deref().unwrap_or("?")), key }
    })?;
    if let Some(url) = &common.url {
        let parsed = reqwest::Url::parse(url).map_err(|e| TableError::new(Some("url"), format!("`url` {url:?} is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(TableError::new(Some("url"), format!("`url` {url:?} must be http:// or https://")));
        }
    }
    if !vendor.reads_url() && common.url.is_some() {
        return Err(TableError::new(
            Some("url"),
            format!("kind `{kind}` reads no `url`: give `file` (a saved payload) or the kind's own keys"),
        ));
    }
    if common.file.is_none() && common.url.is_none() && vendor.default_url().is_none() && vendor.reads_url() {
        return Err(TableError::new(None, "give `file` (a saved payload) or `url` (the vendor API)"));
    }
    if common.file.is_some() && common.url.is_some() {
        return Err(TableError::new(Some("url"), "give `file` (a saved payload) or `url` (the vendor API), not both"));
    }
    let given: Vec<&'static str> = secrets.iter().filter(|s| s.is_given()).map(|s| s.key).collect();
    let given_inputs: Vec<&'static str> = inputs.iter().map(|i: &ExtraInput| i.key).collect();
    let shape = vendors::Shape { reads_file: common.file.is_some(), secrets: &given, inputs: &given_inputs };
    let settings = vendor.settings(rest, shape).map_err(|e| TableError {
        message: match &e.key {
            Some(k) if !e.message.contains(k.as_str()) => format!("`{k}`: {}", e.message),
            _ => e.message.clone(),
        },
        key: e.key,
    })?;

    let globs = |key: &str, list: &Option<Vec<String>>| -> Result<Vec<Glob>, TableError> {
        list.iter().flatten().map(|g| Glob::new(g).map_err(|e| TableError::new(Some(key), e))).collect()
    };
    let timeout = common
        .timeout
        .as_deref()
        .map(super::parse_duration)
        .transpose()
        .map_err(|e| TableError::new(Some("timeout"), format!("`timeout`: {e}")))?;
    let deadline = common
        .deadline
        .as_deref()
        .map(|d| super::parse_duration_of(d, "a deadline"))
        .transpose()
        .map_err(|e| TableError::new(Some("deadline"), format!("`deadline`: {e}")))?;
    Ok(Source {
        name: name.to_string(),
        deadline,
        vendor,
        file: common.file.as_deref().map(|f| Input::new(f, base)),
        inputs,
        include: globs("include", &common.include)?,
        exclude: globs("exclude", &common.exclude)?,
        timeout,
        allow_insecure_http: common.allow_insecure_http == Some(true),
        secrets: Secrets::new(secrets),
        settings,
        url: common.url,
    })
}
