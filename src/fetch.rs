//! What a vendor's `fetch` gets to work with: its source's settings, its
//! secrets, and the HTTP layer, with the checks every vendor shares (plain-http
//! refusal, HTTP error statuses turned into the vendor's own error message).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::Url;

use crate::config::{Source, SourceSettings};
use crate::holder::Sink;
use crate::http::{self, Call, Http, Reply};
use crate::secret::Secret;
use crate::vendors::wire::PayloadError;
use crate::vendors::{Payloads, Vendor};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub struct Fetch<'a> {
    pub http: &'a Http,
    pub source: &'a Source,
    pub timeout: Duration,
    /// Whether holders are wanted (cPod fetches its assignments only then).
    pub want_holders: bool,
}

impl Fetch<'_> {
    pub fn settings(&self) -> &SourceSettings {
        &self.source.settings
    }

    /// The source's `url`, else the vendor's default base URL.
    pub fn base_url(&self, default: Option<&str>) -> Result<Url, String> {
        let text = self
            .settings()
            .url
            .as_deref()
            .or(default)
            .ok_or_else(|| "no `url` configured (and no `file`): give the vendor API's base URL".to_string())?;
        Url::parse(text).map_err(|e| format!("`url` {text:?} is not a URL: {e}"))
    }

    /// `path` appended to the base URL's own path: `https://x/api` + `/api/v1/…`
    /// is `https://x/api/api/v1/…`. Path segments in `segments` are escaped.
    pub fn endpoint(&self, base: &Url, path: &str, segments: &[&str]) -> Result<Url, String> {
        let mut url = base.clone();
        {
            let mut parts = url.path_segments_mut().map_err(|_| format!("`url` {base} cannot be a base URL"))?;
            parts.pop_if_empty();
            parts.extend(path.split('/').filter(|s| !s.is_empty()));
            parts.extend(segments);
        }
        Ok(url)
    }

    /// The secret `key`, or `None` when the source gives none.
    pub fn secret(&self, key: &'static str) -> Result<Option<Secret>, String> {
        self.settings().secret(key).resolve()
    }

    /// Send through the HTTP layer, after refusing to send a source's
    /// credentials over plain http:// to a host that is not this machine.
    pub async fn send(&self, call: Call) -> Result<Reply, String> {
        if self.settings().has_credentials()
            && call.url.scheme() == "http"
            && !http::is_loopback(&call.url)
            && self.settings().allow_insecure_http != Some(true)
        {
            return Err(format!(
                "refusing to send credentials over plain http:// to {}: use https://, or set `allow_insecure_http = true` for this source",
                call.url.host_str().unwrap_or("?")
            ));
        }
        self.http.send(&call, self.timeout).await
    }

    /// The body of a successful reply. For an HTTP error, the vendor's own
    /// error message when the body carries one, else the status line.
    pub fn body(&self, reply: Reply, vendor: &dyn Vendor) -> Result<Vec<u8>, String> {
        if reply.is_success() {
            return Ok(reply.body);
        }
        let status = reply.status_line();
        let url = http::shown(&reply.url);
        let hint = match reply.status.as_u16() {
            401 => " (check the credentials)",
            403 => " (the credentials lack permission)",
            404 => " (check `url`)",
            _ => "",
        };
        match vendor.parse(&Payloads::one(reply.body), self.settings(), &mut Sink::new(&|_| false, &mut |_| {})) {
            Err(PayloadError::Vendor(message)) => Err(format!("{status} from {url}: {message}")),
            _ => Err(format!("{status} from {url}{hint}")),
        }
    }
}
