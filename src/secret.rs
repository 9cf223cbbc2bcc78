//! Secrets: tokens, passwords, session ids. They come from an environment
//! variable (`*_env`), a command's stdout (`*_command`) or, in a private config
//! file, inline; they are never printed (`Debug` shows `[redacted]`).

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use crate::command::Stderr;

#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The three ways one secret can be given, as the config names them.
#[derive(Debug, Clone, Default)]
pub struct SecretSource {
    /// The key's base name, e.g. `token` for `token`, `token_env`, `token_command`.
    pub key: &'static str,
    pub inline: Option<Secret>,
    pub env: Option<String>,
    pub command: Option<String>,
}

impl SecretSource {
    pub fn is_given(&self) -> bool {
        self.inline.is_some() || self.env.is_some() || self.command.is_some()
    }

    /// The secret, or `None` when none of the keys is set. A command runs at
    /// most `timeout` and is killed past it. Errors say which key failed and
    /// why, never the value, nor what a failing command printed.
    pub async fn resolve(&self, timeout: Duration) -> Result<Option<Secret>, String> {
        let key = self.key;
        if let Some(s) = &self.inline {
            return Ok(Some(s.clone()));
        }
        if let Some(var) = &self.env {
            return match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(Some(Secret(v.trim().to_string()))),
                Ok(_) => Err(format!("environment variable {var} ({key}_env) is empty")),
                Err(std::env::VarError::NotPresent) => Err(format!("environment variable {var} ({key}_env) is not set")),
                Err(std::env::VarError::NotUnicode(_)) => Err(format!("environment variable {var} ({key}_env) is not valid UTF-8")),
            };
        }
        if let Some(cmdline) = &self.command {
            return run_command(key, cmdline, timeout).await.map(Some);
        }
        Ok(None)
    }
}

/// The secrets a source's kind declared, each as the source gives it (or not).
#[derive(Debug, Clone, Default)]
pub struct Secrets(Vec<SecretSource>);

impl Secrets {
    pub fn new(secrets: Vec<SecretSource>) -> Self {
        Secrets(secrets)
    }

    /// The secret `key`, or `None` when the source gives none. A key its kind
    /// did not declare is an error, never another secret.
    pub async fn resolve(&self, key: &str, timeout: Duration) -> Result<Option<Secret>, String> {
        match self.0.iter().find(|s| s.key == key) {
            Some(s) => s.resolve(timeout).await,
            None => Err(format!("internal error: secret `{key}` is not declared by this kind")),
        }
    }

    /// Whether any secret is given, in any of its three ways.
    pub fn any_given(&self) -> bool {
        self.0.iter().any(SecretSource::is_given)
    }

    /// The secrets given inline.
    pub fn inline(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().filter(|s| s.inline.is_some()).map(|s| s.key)
    }
}

/// The secret values one read sent (tokens, passwords, the Authorization
/// headers made of them, credentials in URLs), to take out of whatever the
/// vendor says back: an API that echoes a request's headers in its error
/// must not put the token in stderr, JSON `errors`, `/records` or a log.
#[derive(Clone, Default)]
pub struct Sent(std::sync::Arc<std::sync::Mutex<Vec<Secret>>>);

impl fmt::Debug for Sent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sent([redacted])")
    }
}

/// What stands for a secret in text shown to people.
pub const REDACTED: &str = "[redacted]";

impl Sent {
    /// Remember `value`, and its parts (`Bearer abc` is `abc` too), as they
    /// are and URL-encoded. Values too short to be told from words are not.
    pub fn add(&self, value: &str) {
        let mut values: Vec<&str> = vec![value.trim()];
        values.extend(value.split_whitespace());
        let Ok(mut held) = self.0.lock() else { return };
        for v in values.into_iter().filter(|v| v.len() >= 6) {
            let encoded: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
            for v in [v.to_string(), encoded] {
                if !held.iter().any(|h| h.0 == v) {
                    held.push(Secret(v));
                }
            }
        }
    }

    /// `text` with every remembered value replaced by [`REDACTED`].
    pub fn scrub(&self, text: &str) -> String {
        let Ok(held) = self.0.lock() else { return text.to_string() };
        let mut values: Vec<&str> = held.iter().map(Secret::expose).collect();
        // Longer first: `Bearer abc` before `abc`.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.iter().fold(text.to_string(), |t, v| if t.contains(v) { t.replace(v, REDACTED) } else { t })
    }
}

/// Run `cmdline` (split like a shell would, but without a shell: no
/// expansion, pipes or redirection) for at most `timeout`, and take its
/// stdout, trimmed. What it prints on stderr is never shown: it may hold the
/// secret.
async fn run_command(key: &str, cmdline: &str, timeout: Duration) -> Result<Secret, String> {
    let words =
        shlex::split(cmdline).filter(|w| !w.is_empty()).ok_or_else(|| format!("{key}_command: cannot split {cmdline:?} into words"))?;
    let label = format!("{key}_command");
    let program = words.first().cloned().unwrap_or_default();
    let out = crate::command::run(&label, &words, timeout, Stderr::Hidden).await?;
    let value = String::from_utf8(out).map_err(|_| format!("{label} `{program}` printed something that is not UTF-8"))?;
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("{label} `{program}` printed nothing"));
    }
    Ok(Secret(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_sent_is_scrubbed_from_what_comes_back() {
        let sent = Sent::default();
        sent.add("Bearer s3cr3t+token/x");
        sent.add("abc");
        let said = "401: header was 'Bearer s3cr3t+token/x', token s3cr3t+token/x, query ?t=s3cr3t%2Btoken%2Fx, abc stays";
        assert_eq!(sent.scrub(said), "401: header was '[redacted]', token [redacted], query ?t=[redacted], abc stays");
        assert_eq!(format!("{sent:?}"), "Sent([redacted])");
    }

    fn source(env: Option<&str>, command: Option<&str>) -> SecretSource {
        SecretSource { key: "token", inline: None, env: env.map(String::from), command: command.map(String::from) }
    }

    fn resolve(s: &SecretSource) -> Result<Option<Secret>, String> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
        rt.block_on(s.resolve(Duration::from_secs(5)))
    }

    #[test]
    fn from_a_command_without_a_shell() {
        let s = resolve(&source(None, Some("printf '%s\\n' 'tok en'")));
        assert_eq!(s.map(|s| s.map(|s| s.expose().to_string())), Ok(Some("tok en".to_string())));
        // No shell: `$HOME` is passed literally, `;` is an argument.
        let s = resolve(&source(None, Some("echo $HOME ; x")));
        assert_eq!(s.map(|s| s.map(|s| s.expose().to_string())), Ok(Some("$HOME ; x".to_string())));
        let e = resolve(&source(None, Some("false"))).err().unwrap_or_default();
        assert_eq!(e, "token_command `false` failed (exit code 1)");
        let e = resolve(&source(None, Some("/no/such/program"))).err().unwrap_or_default();
        assert!(e.starts_with("token_command: cannot run `/no/such/program`"), "{e}");
        let e = resolve(&source(None, Some("true"))).err().unwrap_or_default();
        assert_eq!(e, "token_command `true` printed nothing");
    }

    #[test]
    fn a_hanging_command_is_killed_at_the_timeout() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| unreachable!("{e}"));
        let started = std::time::Instant::now();
        let e = rt.block_on(source(None, Some("sleep 30")).resolve(Duration::from_millis(200))).err().unwrap_or_default();
        assert_eq!(e, "token_command `sleep` did not finish within 200ms: killed");
        assert!(started.elapsed() < Duration::from_secs(10), "not waited for");
    }

    #[test]
    fn from_the_environment() {
        let e = resolve(&source(Some("LICUSAGE_TEST_SURELY_UNSET"), None)).err().unwrap_or_default();
        assert_eq!(e, "environment variable LICUSAGE_TEST_SURELY_UNSET (token_env) is not set");
        assert_eq!(resolve(&source(None, None)), Ok(None));
    }

    #[test]
    fn undeclared_secrets_are_an_error() {
        let secrets = Secrets::new(vec![SecretSource { key: "token", inline: Some(Secret::new("t")), ..SecretSource::default() }]);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap_or_else(|e| unreachable!("{e}"));
        let get = |key: &str| rt.block_on(secrets.resolve(key, Duration::from_secs(1)));
        assert_eq!(get("token").map(|s| s.map(|s| s.expose().to_string())), Ok(Some("t".to_string())));
        assert!(get("client_secret").is_err_and(|e| e.contains("not declared")));
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "[redacted]");
    }
}
