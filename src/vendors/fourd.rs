//! 4D Server's `License usage` collection, as JSON (`JSON Stringify(License usage)`),
//! bare or as an ORDA exposed function's `{"result": [...]}`.

use anyhow::Context;
use serde::Deserialize;

use super::{Key, Kind, Payloads, Shape};
use crate::fetch::{BoxFuture, Fetch};
use crate::holder::{Holder, Sink};
use crate::http::Call;
use crate::payload::{for_each, lenient_time, Count, PayloadError, Timestamp};
use crate::record::Record;

pub struct FourD;

/// 4D's own keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    username: Option<String>,
    /// `directory`: log in with `POST /rest/$directory/login` (the
    /// `username-4D`/`password-4D` headers) instead of Basic auth.
    login: Option<String>,
}

/// Session details that identify a person or a machine (dropped by `--redact`).
const IDENTIFYING: &[&str] = &["machine", "system_user", "ip", "session_id", "user_agent"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RetainedLicense {
    product_id: Count,
    product_name: String,
    product_used_count: Count,
    product_balance: Count,
    global_product_used_count: Option<Count>,
    time: Timestamp,
    reason: Option<String>,
    session: Option<Session>,
}

/// The session object differs by session type (4D client, SQL, REST); all of
/// its fields are optional here.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Session {
    #[serde(rename = "type")]
    kind: Option<String>,
    user_name: Option<String>,
    machine_name: Option<String>,
    system_user_name: Option<String>,
    #[serde(rename = "IPAddress")]
    ip_address: Option<String>,
    host_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_time")]
    creation_date_time: Option<chrono::DateTime<chrono::Utc>>,
    state: Option<String>,
    #[serde(rename = "ID")]
    id: Option<String>,
    #[serde(rename = "sessionID")]
    session_id: Option<String>,
    user_agent: Option<String>,
    user_id: Option<serde_json::Value>,
}

impl Session {
    fn kind(&self) -> Option<String> {
        self.kind.clone().or_else(|| {
            if self.session_id.is_some() {
                Some("rest".into())
            } else if self.user_agent.is_some() || self.user_id.is_some() {
                Some("sql".into())
            } else {
                None
            }
        })
    }
}

/// A product's retained licenses so far, and its newest element's counts.
struct Product {
    id: u64,
    name: String,
    retained: u64,
    newest: Timestamp,
    used_count: u64,
    balance: u64,
    global_used: Option<u64>,
}

impl Product {
    fn new(item: &RetainedLicense) -> Self {
        Product {
            id: item.product_id.0,
            name: item.product_name.clone(),
            retained: 1,
            newest: item.time,
            used_count: item.product_used_count.0,
            balance: item.product_balance.0,
            global_used: item.global_product_used_count.map(|c| c.0),
        }
    }

    fn add(&mut self, item: &RetainedLicense) {
        self.retained += 1;
        if item.time > self.newest {
            *self = Product { retained: self.retained, ..Product::new(item) };
        }
    }
}

fn holder(item: RetainedLicense) -> Holder {
    let s = item.session.as_ref();
    let name = s.and_then(|s| s.user_name.clone()).unwrap_or_else(|| "(unknown)".into());
    let mut h = Holder::new(item.product_name.as_str(), "licenses", name)
        .detail("machine", s.and_then(|s| s.machine_name.clone()))
        .detail("system_user", s.and_then(|s| s.system_user_name.clone()))
        .detail("ip", s.and_then(|s| s.ip_address.clone()))
        .detail("host_type", s.and_then(|s| s.host_type.clone()))
        .detail("state", s.and_then(|s| s.state.clone()))
        .detail("session_id", s.and_then(|s| s.id.clone().or_else(|| s.session_id.clone())))
        .detail("user_agent", s.and_then(|s| s.user_agent.clone()))
        .detail("reason", item.reason.clone());
    h.identifying = IDENTIFYING;
    let place: Vec<&str> = s.iter().flat_map(|s| [s.machine_name.as_deref(), s.ip_address.as_deref()]).flatten().collect();
    h.location = (!place.is_empty()).then(|| place.join(" "));
    h.holder_type = s.and_then(Session::kind);
    h.since = s.and_then(|s| s.creation_date_time).or(Some(item.time.0));
    h
}

impl Kind for FourD {
    type Settings = Settings;

    fn kind(&self) -> &'static str {
        "4d"
    }

    fn about(&self) -> &'static str {
        "4D Server `License usage` collection (served by an exposed function, or exported)"
    }

    fn has_holders(&self) -> bool {
        true
    }

    fn example(&self) -> &'static str {
        "licusage 4d --file license-usage.json"
    }

    fn keys(&self) -> &'static [Key] {
        const KEYS: &[Key] = &[
            Key::secret("token", "the API token (sent as Bearer)"),
            Key::text("username", "user name for Basic auth (with the password)"),
            Key::text("login", "`directory`: log in with POST /rest/$directory/login (username-4D, password-4D) instead of Basic auth"),
            Key::secret("password", "the password for Basic auth"),
        ];
        KEYS
    }

    fn check(&self, settings: &Settings, shape: Shape) -> Result<(), String> {
        let (sp, k) = (shape.spelling, |n: &str| shape.spelling.key(n));
        match settings.login.as_deref() {
            None => {}
            Some("directory") if settings.username.is_some() || shape.reads_file => {}
            Some("directory") => return Err(format!("{} `directory` needs {} and {}", k("login"), k("username"), k("password_env"))),
            Some(other) => return Err(format!("{} is `{other}`; expected `directory`", k("login"))),
        }
        match settings.username {
            Some(_) if !shape.reads_file && !shape.has("password") => {
                Err(format!("{} needs {}", k("username"), sp.either(&["password_env", "password_command"])))
            }
            _ => Ok(()),
        }
    }

    fn parse(&self, payloads: &Payloads, _: &Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        // One record per product, in order of first appearance; each element is
        // a holder, handed on as it is read.
        // Grouped through an index: a million elements in linear time.
        let mut products: Vec<Product> = Vec::new();
        let mut index: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
        for_each(&payloads.main, "", &mut |item: RetainedLicense| {
            match index.get(&item.product_id.0).and_then(|&i| products.get_mut(i)) {
                Some(p) => p.add(&item),
                None => {
                    index.insert(item.product_id.0, products.len());
                    products.push(Product::new(&item));
                }
            }
            holders.push(holder(item));
        })?;
        let mut records = Vec::new();
        for p in &products {
            let limit = p
                .used_count
                .checked_add(p.balance)
                .filter(|l| *l <= Count::MAX)
                .ok_or_else(|| PayloadError::at("$", format!("product {}: productUsedCount + productBalance is too large (more than {})", p.id, Count::MAX)))?;
            records.push(
                // A 4D license is a license, as FlexLM's and Microsoft 365's are (one unit word across kinds).
                // Held by a connection while it lasts: floating, not assigned.
                Record::new(&p.name, "licenses", Some(p.retained), Some(limit))
                    .unit("licenses")
                    .floating(true)
                    .with_id(Some(p.id.to_string()))
                    .detail("product_id", p.id)
                    .detail("global_used", p.global_used),
            );
        }
        Ok(records)
    }

    /// One REST session per read, closed after it: 4D holds a license for
    /// each session (and opens one for every request that does not send its
    /// cookie back), so licusage must not spend licenses to count them. The
    /// HTTP layer keeps the session cookie for the run; a `/rest/` URL is
    /// logged out of when the read is done.
    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>, settings: &'a Settings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
        Box::pin(async move {
            let url = ctx.base_url(None)?;
            let rest = url.path().starts_with("/rest/");
            let mut call = Call::get(url.clone()).header("accept", "application/json");
            if let Some(token) = ctx.secret("token").await? {
                call = call.secret_header("authorization", &format!("Bearer {}", token.expose()))?;
            } else if let Some(user) = settings.username.as_deref() {
                let password = ctx.secret("password").await?.with_context(|| {
                    format!("{} is set but no password: give {}", ctx.key("username"), ctx.either(&["password_env", "password_command"]))
                })?;
                if settings.login.as_deref() == Some("directory") {
                    // The session cookie this sets is sent with the read.
                    let login = ctx.endpoint(&origin(&url), "/rest/$directory/login", &[])?;
                    let call = Call::post_json(login, &serde_json::json!({}))
                        .secret_header("username-4D", user)?
                        .secret_header("password-4D", password.expose())?;
                    let reply = ctx.send(call).await?;
                    if !reply.is_success() {
                        anyhow::bail!("4D login as {user} failed: {}", reply.status_line());
                    }
                } else {
                    let basic = base64_encode(format!("{user}:{}", password.expose()).as_bytes());
                    call = call.secret_header("authorization", &format!("Basic {basic}"))?;
                }
            }
            let body = ctx.body(ctx.send(call).await?);
            if rest {
                // Give the session (and its license) back; a server that has
                // no such endpoint costs one failed request, never the read.
                let logout = ctx.endpoint(&origin(&url), "/rest/$directory/logout", &[])?;
                let _ = ctx.send(Call::post_json(logout, &serde_json::json!({}))).await;
            }
            body.map(Payloads::one)
        })
    }
}

/// The URL's scheme, host and port: where `/rest/$directory/…` lives.
fn origin(url: &reqwest::Url) -> reqwest::Url {
    let mut u = url.clone();
    u.set_path("/");
    u.set_query(None);
    u.set_fragment(None);
    u
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
