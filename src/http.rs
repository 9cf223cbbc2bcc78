//! The one HTTP layer: a `reqwest::Client` built once, with the timeout, the
//! retries (connection errors, 429, 502, 503, 504; exponential backoff with
//! jitter; `Retry-After` honoured up to 60 s), the 64 MiB body cap enforced while
//! streaming, redirects kept on the same host, and a request log for `-v` that
//! never shows a header value. Vendors describe requests; only this module
//! retries or sleeps.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};

pub const MAX_BODY: usize = 64 * 1024 * 1024;
pub const RETRIES: u32 = 2;
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
const BACKOFF_BASE: Duration = Duration::from_millis(250);
const MAX_REDIRECTS: usize = 5;

/// One request, as a vendor describes it.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
}

impl Call {
    pub fn get(url: Url) -> Self {
        Call { method: Method::GET, url, headers: HeaderMap::new(), body: None }
    }

    pub fn post_json(url: Url, body: &serde_json::Value) -> Self {
        let mut call = Call { method: Method::POST, url, headers: HeaderMap::new(), body: Some(body.to_string().into_bytes()) };
        call.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        call
    }

    /// A POST whose body is sent as given (`text/plain`).
    pub fn post_bytes(url: Url, body: Vec<u8>) -> Self {
        let mut call = Call { method: Method::POST, url, headers: HeaderMap::new(), body: Some(body) };
        call.headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        call
    }

    pub fn post_form(url: Url, fields: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let mut call = Call { method: Method::POST, url, headers: HeaderMap::new(), body: Some(body.into_bytes()) };
        call.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        call
    }

    /// Add a header whose value is a credential: marked sensitive, never logged.
    pub fn secret_header(mut self, name: &str, value: &str) -> anyhow::Result<Self> {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| anyhow::anyhow!("`{name}` is not a valid header name"))?;
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| anyhow::anyhow!("the value for header {name} contains characters a header cannot carry"))?;
        value.set_sensitive(true);
        self.headers.insert(name, value);
        Ok(self)
    }

    /// Add a header whose value comes from the configuration (not a credential).
    pub fn text_header(mut self, name: &'static str, value: &str) -> anyhow::Result<Self> {
        let value = HeaderValue::from_str(value)
            .map_err(|_| anyhow::anyhow!("the value for header {name} contains characters a header cannot carry"))?;
        self.headers.insert(HeaderName::from_static(name), value);
        Ok(self)
    }

    /// Add a header named in the configuration (not a credential).
    pub fn named_header(mut self, name: &str, value: &str) -> anyhow::Result<Self> {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| anyhow::anyhow!("`{name}` is not a valid header name"))?;
        let value = HeaderValue::from_str(value)
            .map_err(|_| anyhow::anyhow!("the value for header {name} contains characters a header cannot carry"))?;
        self.headers.insert(name, value);
        Ok(self)
    }

    pub fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
        self
    }
}

/// A response, its body read in full (up to [`MAX_BODY`]).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub url: Url,
}

impl Reply {
    pub fn is_success(&self) -> bool {
        self.status.is_success()
    }

    /// `HTTP 503 Service Unavailable`.
    pub fn status_line(&self) -> String {
        format!("HTTP {} {}", self.status.as_u16(), self.status.canonical_reason().unwrap_or("")).trim_end().to_string()
    }
}

/// What went wrong with a request, in a user's words (the request and the
/// root cause), with the transport error kept for whoever needs to look in.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct HttpError {
    pub kind: HttpErrorKind,
    message: String,
    #[source]
    source: Option<reqwest::Error>,
}

/// The kinds of [`HttpError`] that call for different hints or handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpErrorKind {
    Timeout,
    /// The TLS handshake failed (a certificate that does not verify, say).
    Tls,
    Connect,
    /// The connection broke while the body was read.
    Body,
    /// A redirect not followed, or a redirect loop.
    Redirect,
    /// The body passed [`MAX_BODY`].
    TooLarge,
    /// The server asked to come back later than licusage waits.
    RetryLater,
    Other,
}

impl HttpError {
    fn new(kind: HttpErrorKind, message: String, source: Option<reqwest::Error>) -> Self {
        HttpError { kind, message, source }
    }

    /// `what: …` from a transport error, its kind found by looking inside it.
    fn transport(what: &str, e: reqwest::Error, timeout: Duration) -> Self {
        let (kind, message) = describe(&e, timeout);
        HttpError::new(kind, format!("{what}: {message}"), Some(e))
    }
}

/// Cheap to clone: the connection pool is shared.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    verbose: bool,
}

impl Http {
    pub fn new(verbose: bool) -> Result<Self, String> {
        let policy = reqwest::redirect::Policy::custom(|attempt| {
            let same_origin = attempt.previous().last().is_some_and(|prev| {
                prev.host_str() == attempt.url().host_str()
                    && prev.port_or_known_default() == attempt.url().port_or_known_default()
                    && (prev.scheme() == attempt.url().scheme() || attempt.url().scheme() == "https")
            });
            if !same_origin {
                // Hand the 3xx back: credentials must not follow to another host.
                attempt.stop()
            } else if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(concat!("licusage/", env!("CARGO_PKG_VERSION")))
            .redirect(policy)
            .connect_timeout(Duration::from_secs(10))
            // A session cookie goes back to the server that set it, within a run:
            // 4D opens (and holds a license for) a session per request without one.
            .cookie_store(true)
            .build()
            .map_err(|e| format!("cannot set up HTTP: {e}"))?;
        Ok(Http { client, verbose })
    }

    /// Send `call`, retrying what is worth retrying, and read the body.
    pub async fn send(&self, call: &Call, timeout: Duration) -> Result<Reply, HttpError> {
        let what = format!("{} {}", call.method, shown(&call.url));
        // The log names the credentials sent, never their values.
        let sent: Vec<String> = call.headers.iter().filter(|(_, v)| v.is_sensitive()).map(|(n, _)| format!("{n}: [redacted]")).collect();
        let logged = if sent.is_empty() { what.clone() } else { format!("{what} ({})", sent.join(", ")) };
        let mut attempt = 0;
        loop {
            let started = Instant::now();
            let mut request = self.client.request(call.method.clone(), call.url.clone()).headers(call.headers.clone()).timeout(timeout);
            if let Some(body) = &call.body {
                request = request.body(body.clone());
            }
            match request.send().await {
                Err(e) => {
                    let (_, message) = describe(&e, timeout);
                    self.log(&logged, &format!("failed: {message}"), started);
                    if e.is_connect() && attempt < RETRIES {
                        tokio::time::sleep(backoff(attempt)).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(HttpError::transport(&what, e, timeout));
                }
                Ok(response) => {
                    let status = response.status();
                    if retryable(status) && attempt < RETRIES {
                        let wait = match retry_after(response.headers()) {
                            Some(d) if d > MAX_RETRY_AFTER => {
                                self.log(&logged, &format!("{status}, Retry-After {} s", d.as_secs()), started);
                                return Err(HttpError::new(
                                    HttpErrorKind::RetryLater,
                                    format!(
                                        "{what}: HTTP {} and Retry-After {} s, more than the {} s licusage waits; try again later",
                                        status.as_u16(),
                                        d.as_secs(),
                                        MAX_RETRY_AFTER.as_secs()
                                    ),
                                    None,
                                ));
                            }
                            Some(d) => d,
                            None => backoff(attempt),
                        };
                        self.log(&logged, &format!("{status}, retrying in {} ms", wait.as_millis()), started);
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                        continue;
                    }
                    if status.is_redirection() {
                        let to = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("?");
                        self.log(&logged, &format!("{status}, redirect not followed"), started);
                        return Err(HttpError::new(
                            HttpErrorKind::Redirect,
                            format!(
                                "{what}: redirected to {to}, another host: not followed, so that credentials stay with the configured host"
                            ),
                            None,
                        ));
                    }
                    let url = response.url().clone();
                    let headers = response.headers().clone();
                    let body = read_capped(response, &what, timeout).await?;
                    self.log(&logged, &format!("{status} ({} bytes)", body.len()), started);
                    return Ok(Reply { status, headers, body, url });
                }
            }
        }
    }

    fn log(&self, what: &str, outcome: &str, started: Instant) {
        if self.verbose {
            eprintln!("licusage: {what} -> {outcome} in {} ms", started.elapsed().as_millis());
        }
    }
}

fn retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// 250 ms, 500 ms, … with up to 50% random jitter so that many cron jobs do
/// not retry in step.
fn backoff(attempt: u32) -> Duration {
    let base = BACKOFF_BASE * 2u32.saturating_pow(attempt);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let jitter = base.mul_f64(f64::from(nanos % 1000) / 2000.0);
    base + jitter
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let secs = (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds().max(0);
    Some(Duration::from_secs(secs.unsigned_abs()))
}

/// Read the body in chunks, refusing it as soon as it passes [`MAX_BODY`].
async fn read_capped(mut response: reqwest::Response, what: &str, timeout: Duration) -> Result<Vec<u8>, HttpError> {
    let too_big = || {
        let message = format!("{what}: response body is larger than {} MiB: refused", MAX_BODY / (1024 * 1024));
        HttpError::new(HttpErrorKind::TooLarge, message, None)
    };
    if response.content_length().is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_big());
    }
    let mut body = Vec::with_capacity(response.content_length().unwrap_or(0) as usize);
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY {
                    return Err(too_big());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                let (kind, message) = describe(&e, timeout);
                return Err(HttpError::new(kind, format!("{what}: reading the response body: {message}"), Some(e)));
            }
        }
    }
}

/// Whether a query parameter's name says its value is a credential
/// (`api_key`, `token`, `sig`, `client_secret`…).
pub fn is_credential_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["key", "token", "secret", "pass", "sig", "auth", "code", "credential"].iter().any(|s| n.contains(s))
}

/// The URL without user info, query or fragment: what a log or an error may show.
pub fn shown(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// What went wrong, in a user's words, with the root cause; its kind found
/// by looking inside the error, not at its text.
fn describe(e: &reqwest::Error, timeout: Duration) -> (HttpErrorKind, String) {
    if e.is_timeout() {
        return (HttpErrorKind::Timeout, format!("timed out after {}", humantime::format_duration(timeout)));
    }
    if let Some(tls) = tls_cause(e) {
        return (HttpErrorKind::Tls, format!("TLS error: {tls} (certificates are always verified)"));
    }
    let mut root: &dyn std::error::Error = e;
    while let Some(next) = root.source() {
        root = next;
    }
    let cause = root.to_string();
    if e.is_connect() {
        return (HttpErrorKind::Connect, format!("cannot connect: {cause}"));
    }
    if e.is_body() || e.is_decode() {
        return (HttpErrorKind::Body, format!("connection broken while reading the response: {cause}"));
    }
    if e.is_redirect() {
        return (HttpErrorKind::Redirect, format!("redirect error: {cause}"));
    }
    (HttpErrorKind::Other, cause)
}

/// The TLS error under a transport error: rustls' own, which an I/O error
/// that carries it keeps out of `source()` (only `get_ref` reaches it, and
/// I/O errors may nest).
fn tls_cause<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut pending: Vec<&'a (dyn std::error::Error + 'static)> = vec![e];
    while let Some(err) = pending.pop() {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(inner) = err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            pending.push(inner);
        }
        pending.extend(err.source());
    }
    None
}

/// Whether a URL's host is on this machine (credentials may go there over http://).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_grows_with_bounded_jitter() {
        for attempt in 0..3 {
            let d = backoff(attempt);
            let base = BACKOFF_BASE * 2u32.pow(attempt);
            assert!(d >= base && d <= base.mul_f64(1.5), "{d:?}");
        }
    }

    #[test]
    fn shown_urls_drop_credentials_and_queries() {
        let u = Url::parse("https://user:pw@example.com/api?cursor=abc#x").unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(shown(&u), "https://example.com/api");
    }

    #[test]
    fn loopback_hosts() {
        for (u, want) in [
            ("http://127.0.0.1:8080/", true),
            ("http://localhost/", true),
            ("http://[::1]/", true),
            ("http://10.0.0.1/", false),
            ("http://example.com/", false),
        ] {
            assert_eq!(is_loopback(&Url::parse(u).unwrap_or_else(|e| unreachable!("{e}"))), want, "{u}");
        }
    }
}
