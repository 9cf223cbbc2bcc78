//! What a kind's `fetch` gets to work with: its source, its secrets, and the
//! HTTP layer, with the checks every kind shares (plain-http refusal, HTTP
//! error statuses turned into the vendor's own error message).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use reqwest::Url;

use crate::config::Source;
use crate::holder::Sink;
use crate::http::{self, Call, Http, Reply};
use crate::secret::Secret;
use crate::vendors::wire::PayloadError;
use crate::vendors::Payloads;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub struct Fetch<'a> {
    pub http: &'a Http,
    pub source: &'a Source,
    pub timeout: Duration,
    /// Whether holders are wanted (a kind may fetch them only then).
    pub want_holders: bool,
}

impl Fetch<'_> {
    /// The source's `url`, else the kind's default base URL.
    pub fn base_url(&self, default: Option<&str>) -> Result<Url> {
        let text = self.source.url.as_deref().or(default).context("no `url` configured (and no `file`): give the vendor API's base URL")?;
        Url::parse(text).with_context(|| format!("`url` {text:?} is not a URL"))
    }

    /// `path` appended to the base URL's own path: `https://x/api` + `/api/v1/…`
    /// is `https://x/api/api/v1/…`. Path segments in `segments` are escaped.
    pub fn endpoint(&self, base: &Url, path: &str, segments: &[&str]) -> Result<Url> {
        let mut url = base.clone();
        {
            let mut parts = url.path_segments_mut().map_err(|_| anyhow!("`url` {base} cannot be a base URL"))?;
            parts.pop_if_empty();
            parts.extend(path.split('/').filter(|s| !s.is_empty()));
            parts.extend(segments);
        }
        Ok(url)
    }

    /// The secret `key` (one the kind declared), or `None` when the source gives none.
    /// A secret command runs under the source's timeout.
    pub async fn secret(&self, key: &str) -> Result<Option<Secret>> {
        self.source.secrets.resolve(key, self.timeout).await.map_err(|e| anyhow!(e))
    }

    /// Send through the HTTP layer, after refusing to send a source's
    /// credentials over plain http:// to a host that is not this machine.
    pub async fn send(&self, call: Call) -> Result<Reply> {
        // User info in a URL is a credential too (reqwest sends it as Basic auth).
        let credentials = self.source.secrets.any_given() || !call.url.username().is_empty() || call.url.password().is_some();
        if credentials && call.url.scheme() == "http" && !http::is_loopback(&call.url) && !self.source.allow_insecure_http {
            bail!(
                "refusing to send credentials over plain http:// to {}: use https://, or set `allow_insecure_http = true` for this source",
                call.url.host_str().unwrap_or("?")
            );
        }
        Ok(self.http.send(&call, self.timeout).await?)
    }

    /// The body of a successful reply. For an HTTP error, the vendor's own
    /// error message when the body carries one, else the status line.
    pub fn body(&self, reply: Reply) -> Result<Vec<u8>> {
        if reply.is_success() {
            return Ok(reply.body);
        }
        let status = reply.status_line();
        let url = http::shown(&reply.url);
        let vendor = self.source.vendor;
        let hint = match (vendor.status_hint(reply.status.as_u16()), reply.status.as_u16()) {
            (Some(hint), _) => hint,
            (None, 401) => " (check the credentials)",
            (None, 403) => " (the credentials lack permission)",
            (None, 404) => " (check `url`)",
            _ => "",
        };
        match vendor.parse(&Payloads::one(reply.body), self.source.settings.as_ref(), &mut Sink::new(&|_| false, &mut |_| {})) {
            Err(PayloadError::Vendor(message)) => bail!("{status} from {url}: {message}"),
            _ => bail!("{status} from {url}{hint}"),
        }
    }
}
