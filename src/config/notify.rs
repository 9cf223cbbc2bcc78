//! `[notify.NAME]`: where `licusage notify` sends the changes it finds
//! (SPEC §11). A channel's URL is a secret (a webhook's path is its key).

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
            "email" => {
                return Err(format!("kind `{}` is not supported by this version yet: use webhook, slack, teams or alertmanager", self.kind))
            }
            other => return Err(format!("unknown kind `{other}` (one of webhook, slack, teams, email, alertmanager)")),
        };
        let url = SecretSource { key: "url", inline: self.url, env: self.url_env, command: self.url_command };
        match [url.inline.is_some(), url.env.is_some(), url.command.is_some()].iter().filter(|g| **g).count() {
            0 => return Err("give the webhook's address as `url_env` or `url_command` (or `url`)".into()),
            1 => {}
            _ => return Err("give only one of `url`, `url_env`, `url_command`".into()),
        }
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
        })
    }
}
