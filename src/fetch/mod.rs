//! What a kind's `fetch` gets to work with: its source, its secrets, and the
//! HTTP layer, with the checks every kind shares (plain-http refusal, HTTP
//! error statuses turned into the vendor's own error message); `paging`
//! follows a paged API, `oauth` trades client credentials for a token.

pub mod oauth;
pub mod paging;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use reqwest::Url;

use crate::http::{self, Call, Http, Reply};
use crate::payload::ExtraInput;
use crate::secret::{Secret, Secrets, Sent};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a server said about how it will delay its next answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Throttle {
    #[default]
    None,
    /// By this long.
    By(Duration),
    /// By an amount it did not say.
    Unsaid,
}

/// What a fetch needs of its source (the configured source implements it).
pub trait Target: Send + Sync {
    fn name(&self) -> &str;
    /// The source's `url`.
    fn url(&self) -> Option<&str>;
    fn secrets(&self) -> &Secrets;
    fn allow_insecure_http(&self) -> bool;
    /// How messages name the source's settings (keys or flags).
    fn spelling(&self) -> crate::spelling::Spelling;
    /// The declared payload files the source gives besides `file`.
    fn inputs(&self) -> &[ExtraInput];
    /// A hint for an HTTP error status that means something particular to the kind.
    fn status_hint(&self, status: u16) -> Option<&'static str>;
    /// The vendor's own message in the body of an HTTP error answer.
    fn error_message(&self, body: &[u8]) -> Option<String>;
}

pub struct Fetch<'a> {
    pub http: &'a Http,
    pub source: std::sync::Arc<dyn Target>,
    pub timeout: Duration,
    /// Whether holders are wanted (a kind may fetch them only then).
    pub want_holders: bool,
    /// When the whole read must be over (the source's `deadline`).
    pub ends: tokio::time::Instant,
    /// The secrets this read sent, scrubbed from what the source says back.
    pub sent: Sent,
}

impl Fetch<'_> {
    /// One of the source's settings as its user gave it: `` `url` `` in a
    /// config file, `` `--url` `` on a one-off subcommand.
    pub fn key(&self, name: &str) -> String {
        self.source.spelling().key(name)
    }

    /// Several of the source's settings as alternatives: `` `a`, `b` or `c` ``.
    pub fn either(&self, names: &[&str]) -> String {
        self.source.spelling().either(names)
    }

    /// The source's `url`, else the kind's default base URL.
    pub fn base_url(&self, default: Option<&str>) -> Result<Url> {
        let url = self.key("url");
        let text =
            self.source.url().or(default).with_context(|| format!("no {url} given (and no file): give the vendor API's base URL"))?;
        Url::parse(text).with_context(|| format!("{url} {text:?} is not a URL"))
    }

    /// `path` appended to the base URL's own path: `https://x/api` + `/api/v1/…`
    /// is `https://x/api/api/v1/…`. Path segments in `segments` are escaped.
    pub fn endpoint(&self, base: &Url, path: &str, segments: &[&str]) -> Result<Url> {
        let mut url = base.clone();
        {
            let mut parts = url.path_segments_mut().map_err(|_| anyhow!("{} {base} cannot be a base URL", self.key("url")))?;
            parts.pop_if_empty();
            parts.extend(path.split('/').filter(|s| !s.is_empty()));
            parts.extend(segments);
        }
        Ok(url)
    }

    /// The secret `key` (one the kind declared), or `None` when the source gives none.
    /// A secret command runs under the source's timeout.
    pub async fn secret(&self, key: &str) -> Result<Option<Secret>> {
        let secret = self.source.secrets().resolve(key, self.timeout).await.map_err(|e| anyhow!(e))?;
        if let Some(s) = &secret {
            self.sent.add(s.expose());
        }
        Ok(secret)
    }

    /// Send through the HTTP layer, after refusing to send a source's
    /// credentials over plain http:// to a host that is not this machine.
    pub async fn send(&self, call: Call) -> Result<Reply> {
        self.check_credentials(&call)?;
        Ok(self.http.send(&call, self.timeout).await?)
    }

    fn check_credentials(&self, call: &Call) -> Result<()> {
        self.remember(call);
        // User info in a URL is a credential too (reqwest sends it as Basic
        // auth), and so is whatever a call carries that no declared secret
        // gave: a token a grant returned (a credential header), a grant's
        // signed assertion or secret in a form body.
        let credentials = self.source.secrets().any_given()
            || !call.url.username().is_empty()
            || call.url.password().is_some()
            || call.headers.values().any(reqwest::header::HeaderValue::is_sensitive)
            || carries_credential_form(call);
        if credentials && call.url.scheme() == "http" && !http::is_loopback(&call.url) && !self.source.allow_insecure_http() {
            bail!(
                "refusing to send credentials over plain http:// to {}: use https://, or {}",
                call.url.host_str().unwrap_or("?"),
                self.source.spelling().switch_on("allow_insecure_http")
            );
        }
        Ok(())
    }

    /// The credentials `call` carries: its sensitive headers, the URL's
    /// password, query values named like credentials.
    fn remember(&self, call: &Call) {
        for value in call.headers.values().filter(|v| v.is_sensitive()) {
            self.sent.add(&String::from_utf8_lossy(value.as_bytes()));
        }
        if let Some(password) = call.url.password() {
            self.sent.add(password);
        }
        for (_, value) in call.url.query_pairs().filter(|(k, _)| http::is_credential_name(k)) {
            self.sent.add(&value);
        }
    }

    /// [`Fetch::send`] to a server that throttles by holding its answers
    /// back rather than refusing them: the request gets the timeout plus the
    /// delay the server announced, or all the time left before the deadline
    /// when it announced none. A delay that cannot fit before the deadline is
    /// an error now rather than at the deadline.
    pub async fn send_throttled(&self, call: Call, throttle: Throttle, why: &str) -> Result<Reply> {
        let left = self.ends.saturating_duration_since(tokio::time::Instant::now());
        let timeout = match throttle {
            Throttle::None => return self.send(call).await,
            Throttle::By(delay) if delay >= left => bail!(
                "{why}: answers are delayed by {}, past this source's deadline ({} left; {} sets it): try again later",
                humantime::format_duration(whole_ms(delay)),
                humantime::format_duration(Duration::from_secs(left.as_secs_f64().round() as u64)),
                self.key("deadline")
            ),
            Throttle::By(delay) => self.timeout.saturating_add(delay),
            Throttle::Unsaid => left.max(self.timeout),
        };
        self.check_credentials(&call)?;
        Ok(self.http.send(&call, timeout).await?)
    }

    /// The body of a successful reply. For an HTTP error, the vendor's own
    /// error message when the body carries one, else the status line.
    pub fn body(&self, reply: Reply) -> Result<Vec<u8>> {
        if reply.is_success() {
            return Ok(reply.body);
        }
        let status = reply.status_line();
        let url = http::shown(&reply.url);
        let hint = match (self.source.status_hint(reply.status.as_u16()), reply.status.as_u16()) {
            (Some(hint), _) => hint.to_string(),
            (None, 401) => " (check the credentials)".to_string(),
            (None, 403) => " (the credentials lack permission)".to_string(),
            (None, 404) => format!(" (check {})", self.key("url")),
            _ => String::new(),
        };
        match self.source.error_message(&reply.body) {
            Some(message) => bail!("{status} from {url}: {message}"),
            None => bail!("{status} from {url}{hint}"),
        }
    }
}

/// Whole milliseconds, for messages.
fn whole_ms(d: Duration) -> Duration {
    Duration::from_millis(d.as_millis().min(u64::MAX as u128) as u64)
}

/// Whether `call` posts a form with a field named like a credential
/// (`client_secret`, `refresh_token`, `password`) or a grant's `assertion`.
fn carries_credential_form(call: &Call) -> bool {
    let form =
        call.headers.get(reqwest::header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/x-www-form-urlencoded"));
    match (&call.body, form) {
        (Some(body), true) => url::form_urlencoded::parse(body).any(|(k, _)| k == "assertion" || http::is_credential_name(&k)),
        _ => false,
    }
}
