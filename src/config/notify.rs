//! `[notify.NAME]`: where `licusage notify` sends the changes it finds
//! (docs/reference.md, Notify). A channel's URL is a secret (a webhook's path is its key).

use std::time::Duration;

use serde::Deserialize;

use crate::glob::Glob;
use crate::record::Status;
use crate::secret::{Secret, SecretSource};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChannel {
    kind: String,
    url: Option<Secret>,
    url_env: Option<String>,
    url_command: Option<String>,
    min_status: Option<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    products: Vec<String>,
    repeat: Option<String>,
    smtp: Option<String>,
    sendmail: Option<std::path::PathBuf>,
    from: Option<String>,
    #[serde(default)]
    to: Vec<String>,
    username: Option<String>,
    password: Option<Secret>,
    password_env: Option<String>,
    password_command: Option<String>,
}

/// How a mail goes out.
#[derive(Debug, Clone)]
pub enum Relay {
    /// `host:port` (587 when no port): STARTTLS required, but to this machine.
    Smtp { host: String, port: u16 },
    /// A sendmail-compatible program.
    Sendmail(std::path::PathBuf),
}

/// An `email` channel's settings.
#[derive(Debug, Clone)]
pub struct Email {
    pub relay: Relay,
    pub from: String,
    pub to: Vec<String>,
    pub username: Option<String>,
    pub password: SecretSource,
}

/// The kinds of channel this version sends to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// A JSON POST per change (docs/reference.md, Notify).
    Webhook,
    /// A Slack incoming webhook: Block Kit.
    Slack,
    /// A Microsoft Teams Workflows webhook: an Adaptive Card.
    Teams,
    /// Alertmanager's API v2 (`url` is the Alertmanager, e.g. http://am:9093).
    Alertmanager,
    /// A mail per change, by SMTP or sendmail.
    Email,
}

/// One `[notify.NAME]`, checked.
#[derive(Debug, Clone)]
pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    pub url: SecretSource,
    /// Series changes below this on both sides are not sent.
    pub min_status: Status,
    pub sources: Vec<Glob>,
    pub products: Vec<Glob>,
    /// Send an unresolved critical again after this long.
    pub repeat: Option<Duration>,
    /// `email`'s settings.
    pub email: Option<Email>,
}

impl Channel {
    /// Whether the channel wants what is about `source` (and `product`).
    pub fn wants(&self, source: &str, product: Option<&str>) -> bool {
        (self.sources.is_empty() || self.sources.iter().any(|g| g.matches(source)))
            && (self.products.is_empty() || product.is_none_or(|p| self.products.iter().any(|g| g.matches(p))))
    }
}

impl RawChannel {
    pub(super) fn check(self, name: &str) -> Result<Channel, String> {
        let kind = match self.kind.as_str() {
            "webhook" => ChannelKind::Webhook,
            "slack" => ChannelKind::Slack,
            "teams" => ChannelKind::Teams,
            "alertmanager" => ChannelKind::Alertmanager,
            "email" => ChannelKind::Email,
            other => return Err(format!("unknown kind `{other}` (one of webhook, slack, teams, email, alertmanager)")),
        };
        // A channel's address and password come from the environment or a
        // command only: a config file is copied around more than a vault.
        if self.url.is_some() {
            return Err("`url` is a secret (a webhook's address is its key): give `url_env` or `url_command`".into());
        }
        if self.password.is_some() {
            return Err("give the password as `password_env` or `password_command`, never inline".into());
        }
        let url = SecretSource { key: "url", inline: None, env: self.url_env, command: self.url_command };
        match ([url.inline.is_some(), url.env.is_some(), url.command.is_some()].iter().filter(|g| **g).count(), kind) {
            (0, ChannelKind::Email) => {}
            (0, _) => return Err("give the webhook's address as `url_env` or `url_command`".into()),
            (_, ChannelKind::Email) => return Err("an `email` channel has no `url`: give `smtp` or `sendmail`".into()),
            (1, _) => {}
            _ => return Err("give only one of `url_env`, `url_command`".into()),
        }
        let password = SecretSource { key: "password", inline: None, env: self.password_env, command: self.password_command };
        let email = match kind {
            ChannelKind::Email => {
                let relay = match (self.smtp, self.sendmail) {
                    (Some(smtp), None) => {
                        let (host, port) = match smtp.rsplit_once(':') {
                            Some((h, p)) => {
                                (h.to_string(), p.parse::<u16>().map_err(|_| format!("smtp `{smtp}`: the port is not a number"))?)
                            }
                            None => (smtp.clone(), 587),
                        };
                        if host.is_empty() {
                            return Err(format!("smtp `{smtp}`: no host"));
                        }
                        Relay::Smtp { host, port }
                    }
                    (None, Some(path)) => Relay::Sendmail(path),
                    _ => return Err("an `email` channel needs one of `smtp` (host:port) or `sendmail` (a program)".into()),
                };
                let from = self.from.ok_or("an `email` channel needs `from`")?;
                if self.to.is_empty() {
                    return Err("an `email` channel needs `to`, a list of addresses".into());
                }
                for address in std::iter::once(&from).chain(&self.to) {
                    address.parse::<lettre::message::Mailbox>().map_err(|e| format!("`{address}` is not a mail address ({e})"))?;
                }
                if self.username.is_some() != password.is_given() {
                    return Err("give both `username` and `password_env` (or `_command`), or neither".into());
                }
                Some(Email { relay, from, to: self.to, username: self.username, password })
            }
            _ => None,
        };
        let min_status = match self.min_status.as_deref().unwrap_or("warning") {
            "ok" => Status::Ok,
            "warning" => Status::Warning,
            "critical" => Status::Critical,
            "unknown" => Status::Unknown,
            other => return Err(format!("min_status `{other}`: one of ok, warning, critical, unknown")),
        };
        let globs = |list: &[String]| list.iter().map(|g| Glob::new(g)).collect::<Result<Vec<_>, _>>();
        let repeat =
            self.repeat.as_deref().map(|r| super::parse_duration_of(r, "repeat").map_err(|e| format!("repeat: {e}"))).transpose()?;
        Ok(Channel {
            name: name.to_string(),
            kind,
            url,
            min_status,
            sources: globs(&self.sources)?,
            products: globs(&self.products)?,
            repeat,
            email,
        })
    }
}
