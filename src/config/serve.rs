//! `[serve]`: where `licusage serve` listens, how often it reads, and the
//! Basic auth and TLS that Prometheus exporters offer in their web config.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::secret::{Secret, SecretSource};

/// Where `serve` listens unless told: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9873";
/// How often `serve` reads each source unless told.
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(300);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawServe {
    listen: Option<String>,
    refresh: Option<String>,
    basic_auth_user: Option<String>,
    basic_auth_password: Option<Secret>,
    basic_auth_password_env: Option<String>,
    basic_auth_password_command: Option<String>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
}

/// `[serve]`, checked.
#[derive(Debug, Clone, Default)]
pub struct Serve {
    pub listen: Option<String>,
    pub refresh: Option<Duration>,
    /// Basic auth on every endpoint: the user and where the password comes from.
    pub basic_auth: Option<(String, SecretSource)>,
    /// TLS: the certificate chain and the private key, PEM files.
    pub tls: Option<(PathBuf, PathBuf)>,
}

impl RawServe {
    /// Checked; relative paths are taken from the config file's folder.
    pub(super) fn check(self, base: Option<&Path>) -> Result<Serve, String> {
        let refresh = self
            .refresh
            .as_deref()
            .map(|r| super::parse_duration_of(r, "the refresh interval").map_err(|e| format!("refresh: {e}")))
            .transpose()?;
        let password = SecretSource {
            key: "basic_auth_password",
            inline: self.basic_auth_password,
            env: self.basic_auth_password_env,
            command: self.basic_auth_password_command,
        };
        let given = [password.inline.is_some(), password.env.is_some(), password.command.is_some()].iter().filter(|g| **g).count();
        if given > 1 {
            return Err("give only one of `basic_auth_password`, `basic_auth_password_env`, `basic_auth_password_command`".into());
        }
        let basic_auth = match (self.basic_auth_user, given) {
            (Some(user), 1) if !user.is_empty() && !user.contains(':') => Some((user, password)),
            (Some(_), 1) => return Err("`basic_auth_user` must be a non-empty name without `:`".into()),
            (Some(_), _) => return Err("`basic_auth_user` needs `basic_auth_password_env` or `basic_auth_password_command`".into()),
            (None, 0) => None,
            (None, _) => return Err("a Basic auth password needs `basic_auth_user`".into()),
        };
        let anchored = |p: PathBuf| match base {
            Some(b) if p.is_relative() => b.join(p),
            _ => p,
        };
        let tls = match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Some((anchored(cert), anchored(key))),
            (None, None) => None,
            (Some(_), None) => return Err("`tls_cert` needs `tls_key`".into()),
            (None, Some(_)) => return Err("`tls_key` needs `tls_cert`".into()),
        };
        Ok(Serve { listen: self.listen, refresh, basic_auth, tls })
    }
}
