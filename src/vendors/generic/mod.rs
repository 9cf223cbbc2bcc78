//! Any JSON API or file, mapped to records by a jq filter in the config: no
//! code of the user's own. The filter runs in-process (the jaq crates'
//! implementation of the jq language), compiled once when the config is
//! loaded; what it yields is checked field by field, so that a filter that
//! yields a wrong type is an error naming the field, never a wrong number.

use std::collections::BTreeMap;

use anyhow::Context;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use jaq_json::Val;
use serde::Deserialize;
use serde_json::{Map, Value};

mod items;
mod jq;
mod pages;
mod projection;
pub mod sandbox;

use self::jq::Jq;
use super::{Body, Key, Kind, Payloads, Shape};
use crate::fetch::{BoxFuture, Fetch};
use crate::fetch::{oauth, paging};
use crate::holder::{Holder, Sink};
use crate::http::Call;
use crate::payload::{decode_body, PayloadError, Timestamp, MAX_DOCUMENT};
use crate::record::Record;

pub struct Generic;

/// The name of the service account key file among a source's inputs.
const SERVICE_ACCOUNT: &str = "service_account";

/// The generic kind's own keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    jq: Option<Jq>,
    holders_jq: Option<Jq>,
    method: Option<String>,
    body: Option<String>,
    headers: Option<BTreeMap<String, String>>,
    auth_header: Option<String>,
    auth_scheme: Option<String>,
    username: Option<String>,
    client_id: Option<String>,
    token_url: Option<String>,
    scope: Option<String>,
    next: Option<Jq>,
    next_query: Option<Jq>,
    page_param: Option<String>,
    first_page: Option<String>,
    last: Option<Jq>,
    error: Option<Jq>,
    client_auth: Option<String>,
    token_params: Option<BTreeMap<String, String>>,
    subject: Option<String>,
}

impl Kind for Generic {
    type Settings = Settings;

    fn kind(&self) -> &'static str {
        "generic"
    }

    fn about(&self) -> &'static str {
        "Any JSON API or file, mapped to records by a jq filter"
    }

    fn example(&self) -> &'static str {
        "licusage generic --file seats.json --jq '.[] | {product: .name, metric: \"seats\", used: .used, limit: .total}'"
    }

    fn has_holders(&self) -> bool {
        true
    }

    fn presets(&self) -> Option<&'static str> {
        Some(include_str!("presets.toml"))
    }

    fn keys(&self) -> &'static [Key] {
        const KEYS: &[Key] = &[
            Key::text("jq", "jq filter yielding {product, metric, used, limit, expires_at?, unit_price?, currency?, details?}"),
            Key::text("holders_jq", "jq filter yielding holders {holder, product?, metric?, since?, last_used?, expires_at?, details?}"),
            Key::text("method", "HTTP method: GET (default) or POST"),
            Key::text("body", "request body for POST (sent as JSON when it parses as JSON)"),
            Key::table("headers", "extra request headers (not credentials)"),
            Key::secret("token", "the API token"),
            Key::text("auth_header", "header the token is sent in (default Authorization)"),
            Key::text("auth_scheme", "scheme before the token (default Bearer; \"\" for none)"),
            Key::text("username", "user name for HTTP Basic authentication"),
            Key::secret("password", "the Basic authentication password"),
            Key::text("client_id", "client id for the OAuth2 client-credentials flow"),
            Key::secret("client_secret", "the OAuth2 client secret"),
            Key::text("token_url", "token endpoint of the OAuth2 client-credentials flow"),
            Key::text("scope", "scope asked for in the client-credentials flow"),
            Key::text("next", "jq giving the next page's URL (null on the last page), e.g. .\"@odata.nextLink\""),
            Key::text("next_query", "jq giving the next request's query parameters (null on the last page), e.g. {pageToken: .nextPageToken}"),
            Key::text("page_param", "query parameter of the page number (or {page} in the URL), with `last`"),
            Key::text("first_page", "the first page's number with `page_param` or {page} (default 1)"),
            Key::text("last", "jq telling the last page (true) when paging by number"),
            Key::text("error", "jq giving the API's error in an answer under HTTP 200 (null when none)"),
            Key::text("client_auth", "how the OAuth2 client authenticates: post (in the form, default) or basic (client_secret_basic)"),
            Key::table("token_params", "extra form fields of the token request, e.g. Zoom's grant_type and account_id"),
            Key::input("service_account_file", SERVICE_ACCOUNT, false, "a service account's JSON key file (Google): the JWT-bearer grant, with `scope`"),
            Key::text("subject", "the user a service account acts for (domain-wide delegation)"),
        ];
        KEYS
    }

    fn check(&self, s: &Settings, shape: Shape) -> Result<(), String> {
        let (sp, k) = (shape.spelling, |n: &str| shape.spelling.key(n));
        if s.jq.is_none() {
            return Err(format!("{} is missing: a jq filter that turns the document into records", k("jq")));
        }
        let numbered = s.page_param.is_some() || shape.url.is_some_and(|u| u.contains("{page}"));
        let ways = [s.next.is_some(), s.next_query.is_some(), numbered];
        let by_number = format!("{} or {{page}} in {}", k("page_param"), k("url"));
        if ways.iter().filter(|w| **w).count() > 1 {
            return Err(format!("give one way to page: {}, {}, or page numbers ({by_number})", k("next"), k("next_query")));
        }
        if numbered && s.last.is_none() {
            return Err(format!("paging by number needs {}: a jq filter that is true on the last page (e.g. .lastPage)", k("last")));
        }
        if let Some(p) = s.first_page.as_deref().filter(|p| p.trim().parse::<u64>().is_err()) {
            return Err(format!("{}: {p:?} is not a page number (0, 1, …)", k("first_page")));
        }
        if !numbered && (s.last.is_some() || s.first_page.is_some()) {
            return Err(format!("{} and {} go with page numbers: {by_number}", k("last"), k("first_page")));
        }
        match s.method.as_deref().map(str::to_ascii_uppercase).as_deref() {
            None | Some("GET") if s.body.is_some() => return Err(format!("{} goes with {} POST", k("body"), k("method"))),
            None | Some("GET" | "POST") => {}
            Some(m) => return Err(format!("{}: {m:?} is not supported (GET or POST)", k("method"))),
        }
        for name in s.headers.iter().flat_map(|h| h.keys()) {
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(format!("{}: {name:?} is not a header name", k("headers")));
            }
            if name.eq_ignore_ascii_case("authorization") {
                return Err(format!(
                    "{}: put credentials in {} (with {}/{}), not in {}",
                    k("headers"),
                    k("token_env"),
                    k("auth_header"),
                    k("auth_scheme"),
                    k("headers")
                ));
            }
        }
        if shape.reads_file {
            return Ok(());
        }
        let password = sp.either(&["password_env", "password_command"]);
        let client_secret = sp.either(&["client_secret_env", "client_secret_command"]);
        if s.username.is_some() != shape.has("password") {
            return Err(format!("{} and {password} go together", k("username")));
        }
        if s.client_id.is_some() && (!shape.has("client_secret") || s.token_url.is_none()) {
            return Err(format!("{} needs {client_secret}, and {}", k("client_id"), k("token_url")));
        }
        let service_account = shape.inputs.contains(&"service_account_file");
        let schemes = [shape.has("token"), s.username.is_some(), s.client_id.is_some(), service_account];
        if schemes.iter().filter(|x| **x).count() > 1 {
            return Err(format!(
                "give one way to authenticate: {}, {} + {}, {} + {}, or {}",
                k("token_env"),
                k("username"),
                k("password_env"),
                k("client_id"),
                k("client_secret_env"),
                k("service_account_file")
            ));
        }
        if let Some(auth) = s.client_auth.as_deref().filter(|a| !matches!(*a, "post" | "basic")) {
            return Err(format!("{}: {auth:?} is not `post` or `basic`", k("client_auth")));
        }
        if (s.client_auth.is_some() || s.token_params.is_some()) && s.client_id.is_none() {
            return Err(format!("{} and {} go with {} (the client-credentials flow)", k("client_auth"), k("token_params"), k("client_id")));
        }
        if s.subject.is_some() && !service_account {
            return Err(format!("{} goes with {}", k("subject"), k("service_account_file")));
        }
        if (s.auth_header.is_some() || s.auth_scheme.is_some()) && !shape.has("token") && s.client_id.is_none() {
            let token = sp.either(&["token_env", "token_command"]);
            return Err(format!("{} and {} apply to a token: give {token}", k("auth_header"), k("auth_scheme")));
        }
        Ok(())
    }

    /// The error shapes JSON APIs answer with: `{"error": {"code", "message"}}`
    /// (Microsoft Graph, Google), `{"message": …}` (GitHub), `{"error": "…",
    /// "error_description": …}` (OAuth 2.0), `{"errors": [{"message"}]}`.
    fn error_message(&self, body: &[u8], _: &Settings) -> Option<String> {
        let doc: Value = serde_json::from_slice(body).ok()?;
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let error = doc.get("error");
        let message = match error {
            Some(Value::Object(e)) => match (text(e.get("code")), text(e.get("message"))) {
                (Some(code), Some(message)) => Some(format!("{code}: {message}")),
                (code, message) => message.or(code),
            },
            Some(Value::String(code)) => Some(match text(doc.get("error_description")) {
                Some(d) => format!("{code}: {d}"),
                None => code.clone(),
            }),
            _ => text(doc.get("message")).or_else(|| text(doc.pointer("/errors/0/message"))),
        };
        message.map(|m| m.chars().take(300).collect())
    }

    fn parse(&self, payloads: &Payloads, settings: &Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        let mut filters = filters(settings, None, 1, payloads.spelling);
        // `show` and `check` want no holders: `holders_jq` does not run for them.
        if !payloads.want_holders {
            filters.holders_jq = None;
        }
        // A plain projection over one document's items: records made where
        // each item is read, no jq, no worker.
        let make = |i: usize, value: Value| record(&value).map_err(|e| refused(i, &value, e));
        let said = |how: &str| {
            if let Some(source) = &payloads.verbose {
                eprintln!("licusage: source `{}`: {how}", crate::escape::text(source));
            }
        };
        let (records, mapped) = match sandbox::projected(&filters, &payloads.main, &make) {
            Some(records) => {
                said("`jq` mapped by licusage itself, item by item (a plain projection: no jq worker)");
                (records?, sandbox::Mapped::default())
            }
            None => {
                said("the filters run by jq in a worker");
                let mapped = sandbox::map(&filters, &payloads.main, payloads.ends)?;
                (records_of(&mapped.records)?, mapped)
            }
        };
        if records.is_empty() {
            return Err(PayloadError::Vendor(format!(
                "the {} filter yielded no records: check it against the document (a path that matches nothing yields nothing)",
                payloads.spelling.key("jq")
            )));
        }
        holders_of(&mapped.holders, &records, holders)?;
        Ok(records)
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>, settings: &'a Settings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
        Box::pin(async move {
            // `{page}` in the URL: the first page's number in its place.
            let template = ctx.source.url().filter(|u| u.contains("{page}")).map(str::to_string);
            let first_page = settings.first_page.as_deref().and_then(|p| p.trim().parse().ok()).unwrap_or(1);
            let base = match &template {
                Some(t) => {
                    reqwest::Url::parse(&t.replace("{page}", &first_page.to_string())).with_context(|| format!("{} {t:?} is not a URL", ctx.key("url")))?
                }
                None => ctx.base_url(None)?,
            };
            // One token for every page.
            let auth = credentials(ctx, settings).await?;
            let call = |url: reqwest::Url| request(settings, auth.as_ref(), url);
            let filters = filters(settings, template.as_deref(), first_page, ctx.source.spelling());
            let custom = settings.next.is_some() || settings.next_query.is_some() || settings.page_param.is_some() || template.is_some();
            let ends = ctx.ends.into_std();
            let steer = |body: &[u8], index: usize| -> anyhow::Result<paging::Next> {
                match custom {
                    true => sandbox::steer(&filters, body, index, Some(ends)),
                    false => Ok(paging::Next::Rules),
                }
            };
            let main = paging::pages(ctx, &base, base.clone(), paging::Shape::Any, Some(&steer), &call).await?;
            Ok(Payloads { main, ..Payloads::default() })
        })
    }
}

/// Each value `jq` yields, on every page (or once, over all pages as its
/// `inputs`, when it reads them), with the page it came from.
fn outputs(jq: &Jq, documents: &[Val]) -> Vec<(Result<Value, String>, Option<usize>)> {
    if jq.reads_inputs {
        return jq.run_over(&mut documents.iter().cloned()).into_iter().map(|out| (out, None)).collect();
    }
    documents.iter().enumerate().flat_map(|(page, doc)| jq.run(doc.clone()).into_iter().map(move |out| (out, Some(page)))).collect()
}

/// The source's filters and paging, as the jq worker takes them.
fn filters(s: &Settings, template: Option<&str>, first_page: u64, spelling: crate::spelling::Spelling) -> sandbox::Filters {
    let code = |jq: &Option<Jq>| jq.as_ref().map(|j| j.code().to_string());
    sandbox::Filters {
        jq: code(&s.jq),
        holders_jq: code(&s.holders_jq),
        error: code(&s.error),
        next: code(&s.next),
        next_query: code(&s.next_query),
        last: code(&s.last),
        page_param: s.page_param.clone(),
        template: template.map(str::to_string),
        first_page,
        spelling,
    }
}

/// The records the `jq` filter's outputs make (none when it yields none).
fn records_of(outputs: &[Value]) -> Result<Vec<Record>, PayloadError> {
    let mut records = Vec::with_capacity(outputs.len());
    for (i, value) in outputs.iter().enumerate() {
        records.push(record(value).map_err(|e| refused(i, value, e))?);
    }
    Ok(records)
}

/// `jq`'s `i`-th output (from 0) is not a record.
fn refused(i: usize, value: &Value, e: String) -> PayloadError {
    PayloadError::Vendor(format!("jq output #{} {}: {e}", i + 1, shown(value)))
}

/// The holders `holders_jq`'s outputs make, priced as their series are.
fn holders_of(outputs: &[Value], records: &[Record], holders: &mut Sink) -> Result<(), PayloadError> {
    let only = match records {
        [one] => Some((one.product.clone(), one.metric.clone())),
        _ => None,
    };
    // A holder's seat costs what its series' seats cost, when the filter says.
    let prices: std::collections::HashMap<(&str, &str), (f64, std::sync::Arc<str>)> = records
        .iter()
        .filter_map(|r| {
            let price = r.details.get("unit_price").and_then(Value::as_f64)?;
            let currency = r.details.get("currency").and_then(Value::as_str)?;
            Some(((r.product.as_str(), r.metric.as_str()), (price, std::sync::Arc::from(currency))))
        })
        .collect();
    for (i, value) in outputs.iter().enumerate() {
        let mut h = holder(value, only.as_ref()).map_err(|e| PayloadError::Vendor(format!("holders_jq output #{} {}: {e}", i + 1, shown(value))))?;
        h.price = prices.get(&(&*h.product, &*h.metric)).cloned();
        holders.push(h);
    }
    Ok(())
}

/// One request of the source: its method, body, headers and credentials.
fn request(settings: &Settings, auth: Option<&(String, String)>, url: reqwest::Url) -> anyhow::Result<Call> {
    let post = settings.method.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("POST"));
    let mut call = match (post, &settings.body) {
        (true, Some(body)) => match serde_json::from_str::<Value>(body) {
            Ok(json) => Call::post_json(url, &json),
            Err(_) => Call::post_bytes(url, body.as_bytes().to_vec()),
        },
        (true, None) => Call::post_bytes(url, Vec::new()),
        (false, _) => Call::get(url),
    };
    call = call.header("accept", "application/json");
    for (name, value) in settings.headers.iter().flatten() {
        call = call.named_header(name, value)?;
    }
    if let Some((name, value)) = auth {
        call = call.secret_header(name, value)?;
    }
    Ok(call)
}

/// The header that carries the source's credentials, if any.
async fn credentials(ctx: &Fetch<'_>, s: &Settings) -> anyhow::Result<Option<(String, String)>> {
    let header = s.auth_header.clone().unwrap_or_else(|| "authorization".into());
    let with_scheme = |token: &str| match s.auth_scheme.as_deref() {
        None => format!("Bearer {token}"),
        Some("") => token.to_string(),
        Some(scheme) => format!("{scheme} {token}"),
    };
    if let Some(token) = ctx.secret("token").await? {
        return Ok(Some((header, with_scheme(token.expose()))));
    }
    if let Some(user) = &s.username {
        let password = ctx.secret("password").await?.with_context(|| {
            format!("{} is set but no password: give {}", ctx.key("username"), ctx.either(&["password_env", "password_command"]))
        })?;
        let pair = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.expose()));
        return Ok(Some(("authorization".into(), format!("Basic {pair}"))));
    }
    if let Some(client_id) = &s.client_id {
        let secret = ctx.secret("client_secret").await?.with_context(|| {
            format!("{} is set but no client secret: give {}", ctx.key("client_id"), ctx.either(&["client_secret_env", "client_secret_command"]))
        })?;
        let token_url = s.token_url.as_deref().with_context(|| format!("{} needs {}", ctx.key("client_id"), ctx.key("token_url")))?;
        let token_url = oauth::token_url(ctx, token_url)?;
        let params: Vec<(String, String)> = s.token_params.iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect();
        let basic = s.client_auth.as_deref() == Some("basic");
        let client = oauth::Client { label: "OAuth2", client_id, secret: &secret, token_url, scope: s.scope.as_deref(), basic, params: &params };
        let token = oauth::client_credentials(ctx, client).await?;
        return Ok(Some((header, with_scheme(token.expose()))));
    }
    if let Some(key) = ctx.source.inputs().iter().find(|i| i.payload == SERVICE_ACCOUNT) {
        let crate::payload::Input::Path(path) = &key.input else {
            anyhow::bail!("{} must be a file, not stdin", ctx.key("service_account_file"))
        };
        let token = oauth::jwt_bearer(ctx, "service account", path, s.scope.as_deref(), s.subject.as_deref()).await?;
        return Ok(Some((header, with_scheme(token.expose()))));
    }
    Ok(None)
}

/// The document as jq values, read by jaq's own JSON reader (the fastest
/// way in); one it refuses is read again by serde for an error that names
/// the JSON path.
fn document(body: &Body) -> Result<Val, PayloadError> {
    let bytes = match body {
        Body::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
        Body::File(path) => {
            let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            if len > MAX_DOCUMENT {
                return Err(PayloadError::Io(format!("{}: document larger than {} MiB: refused", path.display(), MAX_DOCUMENT >> 20)));
            }
            std::borrow::Cow::Owned(std::fs::read(path).map_err(|e| PayloadError::Io(format!("cannot read {}: {e}", path.display())))?)
        }
        // Read once, by serde, capped.
        Body::Stdin => return decode_body(body),
        Body::Incoming(_) => return Err(PayloadError::Io("internal error: streamed pages read as one document".into())),
    };
    let text = bytes.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(&bytes);
    // jaq's reader recurses without a limit: a deep document is refused first.
    if let Some(at) = crate::payload::too_deep(text) {
        return Err(PayloadError::at("$", format!("nested deeper than {} levels (at byte {at}): refused", crate::payload::MAX_DEPTH)));
    }
    match jaq_json::read::parse_single(text) {
        Ok(v) => Ok(v),
        Err(_) => decode_body::<Val>(&Body::Bytes(bytes.into_owned())),
    }
}

/// What the document holds at its top, for a filter that found nothing
/// where it looked (an API's error answer is the usual cause).
fn top_keys(doc: &Val) -> String {
    match doc {
        Val::Obj(map) => {
            let keys: Vec<String> = map.keys().take(8).map(|k| k.to_string()).collect();
            format!(" (the document's top-level keys: {})", keys.join(", "))
        }
        Val::Arr(items) => format!(" (the document is an array of {} items)", items.len()),
        _ => String::new(),
    }
}

/// A filter output for an error line: its product when it has one, else
/// the output, shortened.
fn shown(value: &Value) -> String {
    if let Some(Value::String(product)) = value.get("product").or_else(|| value.get("holder")) {
        let field = if value.get("product").is_some() { "product" } else { "holder" };
        return format!("({field} {product:?})");
    }
    let text = value.to_string();
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("({}…)", &text[..i]),
        None => format!("({text})"),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn object<'v>(value: &'v Value, what: &str, fields: &[&str]) -> Result<&'v Map<String, Value>, String> {
    let map = value.as_object().ok_or_else(|| format!("is {}, not {what} object", kind_of(value)))?;
    if let Some(unknown) = map.keys().find(|k| !fields.contains(&k.as_str())) {
        // A misspelt field would be a silent null (an unlimited limit): name it.
        return Err(format!("unknown field `{unknown}` (fields: {})", fields.join(", ")));
    }
    Ok(map)
}

fn text(map: &Map<String, Value>, field: &str, required: bool) -> Result<Option<String>, String> {
    match map.get(field) {
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        Some(Value::Null) | None if !required => Ok(None),
        None | Some(Value::Null) => Err(format!("`{field}` is missing")),
        Some(Value::String(_)) => Err(format!("`{field}` is empty")),
        Some(v) => Err(format!("`{field}`: expected a string, found {} {v}", kind_of(v))),
    }
}

/// A count: a whole number from 0 to 2^63−1, or null.
fn count(map: &Map<String, Value>, field: &str) -> Result<Option<u64>, String> {
    match map.get(field) {
        None => Err(format!("`{field}` is missing (null when the API does not say)")),
        Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(v), _) if v <= i64::MAX as u64 => Ok(Some(v)),
            (None, Some(f)) if f.fract() == 0.0 && (0.0..9.0e15).contains(&f) => Ok(Some(f as u64)),
            _ if n.as_i64().is_some_and(|v| v < 0) || n.as_f64().is_some_and(|f| f < 0.0) => {
                Err(format!("`{field}`: {n} is negative, not a count"))
            }
            _ => Err(format!("`{field}`: {n} is not a whole number")),
        },
        Some(v) => Err(format!("`{field}`: expected a number, found {} {v}", kind_of(v))),
    }
}

fn time(map: &Map<String, Value>, field: &str) -> Result<Option<DateTime<Utc>>, String> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            Timestamp::parse(s).map(|t| Some(t.0)).ok_or_else(|| format!("`{field}`: invalid date {s:?}: expected RFC 3339 (2026-01-31T23:59:59Z)"))
        }
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .map(Some)
            .ok_or_else(|| format!("`{field}`: {n} is not a time in seconds since 1970")),
        Some(v) => Err(format!("`{field}`: expected a date string, found {} {v}", kind_of(v))),
    }
}

const RECORD_FIELDS: &[&str] = &["product", "metric", "used", "limit", "expires_at", "unit_price", "currency", "details", "id", "unit"];

/// One filter output as a record.
fn record(value: &Value) -> Result<Record, String> {
    let map = object(value, "a record", RECORD_FIELDS)?;
    let product = text(map, "product", true)?.unwrap_or_default();
    let metric = text(map, "metric", true)?.unwrap_or_default();
    let mut rec = Record::new(product, metric, count(map, "used")?, count(map, "limit")?)
        .with_id(text(map, "id", false)?)
        .expires(time(map, "expires_at")?);
    if let Some(unit) = text(map, "unit", false)? {
        rec = rec.unit(&unit);
    }
    match map.get("unit_price") {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) if n.as_f64().is_some_and(|p| p >= 0.0) => rec = rec.detail("unit_price", Value::Number(n.clone())),
        Some(v) => return Err(format!("`unit_price`: expected a non-negative number (per seat per year), found {v}")),
    }
    if let Some(currency) = text(map, "currency", false)? {
        rec = rec.detail("currency", currency);
    }
    match map.get("details") {
        None | Some(Value::Null) => {}
        Some(Value::Object(extra)) => {
            for (k, v) in extra {
                rec.details.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        Some(v) => return Err(format!("`details`: expected an object, found {} {v}", kind_of(v))),
    }
    Ok(rec)
}

const HOLDER_FIELDS: &[&str] = &["holder", "product", "metric", "since", "last_used", "expires_at", "details", "type"];

/// One `holders_jq` output as a holder; `only` is the series when the
/// source has one.
fn holder(value: &Value, only: Option<&(String, String)>) -> Result<Holder, String> {
    let map = object(value, "a holder", HOLDER_FIELDS)?;
    let name = text(map, "holder", true)?.unwrap_or_default();
    let (product, metric) = match (text(map, "product", false)?, text(map, "metric", false)?, only) {
        (Some(p), Some(m), _) => (p, m),
        (Some(p), None, _) => (p, "seats".to_string()),
        (None, _, Some((p, m))) => (p.clone(), m.clone()),
        (None, _, None) => return Err("`product` is missing: with several records, each holder names its `product` (and `metric`)".into()),
    };
    let mut h = Holder::new(product, metric, name);
    h.since = time(map, "since")?;
    h.expires_at = time(map, "expires_at")?;
    h.holder_type = text(map, "type", false)?;
    // A `last_used` field, even null, says the API records use: null is never used.
    if map.contains_key("last_used") {
        h.tracks_use = true;
        h.last_used_at = time(map, "last_used")?;
    }
    match map.get("details") {
        None | Some(Value::Null) => {}
        // Holder details are keyed by static names: the API's go under `details`.
        Some(Value::Object(extra)) if !extra.is_empty() => {
            h.details.insert("details", Value::Object(extra.clone()));
        }
        Some(Value::Object(_)) => {}
        Some(v) => return Err(format!("`details`: expected an object, found {} {v}", kind_of(v))),
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_say_where() {
        assert_eq!(Jq::compile(".a |\n  .[").err().unwrap_or_default(), "jq syntax error at line 2, column 5 of the filter: expected closing bracket");
        let e = Jq::compile(".a | nosuch(1)").err().unwrap_or_default();
        assert_eq!(e, "jq: undefined filter (with 1 arguments) `nosuch` at line 1, column 6 of the filter");
        assert!(Jq::compile(".value[] | {product: .skuPartNumber}").is_ok());
    }

    #[test]
    fn wrong_types_name_the_field() {
        let e = |v: Value| record(&v).err().unwrap_or_default();
        assert_eq!(e(serde_json::json!("E5")), "is a string, not a record object");
        assert_eq!(e(serde_json::json!({"product": "E5", "metric": "seats", "used": "3", "limit": 5})), "`used`: expected a number, found a string \"3\"");
        assert_eq!(e(serde_json::json!({"product": "E5", "metric": "seats", "used": -3, "limit": 5})), "`used`: -3 is negative, not a count");
        assert_eq!(e(serde_json::json!({"product": "E5", "metric": "seats", "used": 2.5, "limit": 5})), "`used`: 2.5 is not a whole number");
        assert_eq!(e(serde_json::json!({"product": "E5", "metric": "seats", "used": 1, "limt": 5})), "unknown field `limt` (fields: product, metric, used, limit, expires_at, unit_price, currency, details, id, unit)");
        assert_eq!(
            e(serde_json::json!({"product": "E5", "metric": "seats", "used": 1, "limit": 5, "expires_at": "soon"})),
            "`expires_at`: invalid date \"soon\": expected RFC 3339 (2026-01-31T23:59:59Z)"
        );
        assert_eq!(e(serde_json::json!({"product": "E5", "used": 1, "limit": 5})), "`metric` is missing");
    }
}
