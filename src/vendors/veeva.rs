//! Veeva Vault: `GET /api/{version}/objects/licenses`.
//!
//! Vault answers HTTP 200 for most failures, so `responseStatus` decides.


use anyhow::{bail, Context};
use serde::Deserialize;

use super::{Key, Kind, Payloads, Shape};
use crate::fetch::{BoxFuture, Fetch, Throttle};
use crate::holder::Sink;
use crate::http::{Call, Reply};
use crate::payload::{decode, decode_body, Count, PayloadError};
use crate::record::Record;
use crate::secret::Secret;

/// The API version used when the source names none.
pub const DEFAULT_API_VERSION: &str = "v25.3";
/// Where OAuth 2.0 / OpenID Connect sessions are made (`AuthenticationRequest.URL_OAUTH`).
pub const DEFAULT_LOGIN_URL: &str = "https://login.veevavault.com";
/// `X-VaultAPI-ClientID` when the source names none: Vault logs every call under it.
pub const DEFAULT_CLIENT_ID: &str = "licusage";

pub struct Veeva;

/// Vault's own keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    api_version: Option<String>,
    username: Option<String>,
    client_id: Option<String>,
    oauth_profile_id: Option<String>,
    login_url: Option<String>,
}

impl Settings {
    fn client_id(&self) -> &str {
        self.client_id.as_deref().unwrap_or(DEFAULT_CLIENT_ID)
    }
}

#[derive(Deserialize)]
struct Response {
    #[serde(rename = "responseStatus")]
    response_status: String,
    #[serde(rename = "responseMessage")]
    response_message: Option<String>,
    #[serde(default)]
    errors: Vec<VaultMessage>,
    #[serde(default)]
    warnings: Vec<VaultMessage>,
    doc_count: Option<Usage>,
    applications: Option<Vec<Application>>,
}

/// The answer to `POST /api/{version}/auth`.
#[derive(Deserialize)]
struct Login {
    #[serde(rename = "responseStatus")]
    response_status: String,
    #[serde(rename = "sessionId")]
    session_id: Option<String>,
    #[serde(default)]
    errors: Vec<VaultMessage>,
    /// The Vault the session is for, and the Vaults the user may reach.
    #[serde(rename = "vaultId")]
    vault_id: Option<i64>,
    #[serde(rename = "vaultIds", default)]
    vault_ids: Vec<VaultEntry>,
}

#[derive(Deserialize)]
struct VaultEntry {
    id: Option<i64>,
    url: Option<String>,
}

impl Login {
    /// The host of the Vault the session is for, when the answer says.
    fn session_host(&self) -> Option<String> {
        let entry = self.vault_ids.iter().find(|v| v.id.is_some() && v.id == self.vault_id)?;
        reqwest::Url::parse(entry.url.as_deref()?).ok()?.host_str().map(str::to_ascii_lowercase)
    }
}

/// Just the status of an answer, to spot an expired session.
#[derive(Deserialize)]
struct Status {
    #[serde(rename = "responseStatus")]
    response_status: Option<String>,
    #[serde(default)]
    errors: Vec<VaultMessage>,
}

#[derive(Deserialize)]
struct VaultMessage {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: Option<String>,
}

impl VaultMessage {
    fn describe(&self) -> String {
        match (&self.kind, &self.message) {
            (Some(k), Some(m)) => format!("{k}: {m}"),
            (Some(k), None) => k.clone(),
            (None, Some(m)) => m.clone(),
            (None, None) => "no details".to_string(),
        }
    }
}

#[derive(Deserialize)]
struct Application {
    application_name: String,
    #[serde(deserialize_with = "unique_types")]
    user_licensing: Vec<(String, LicenseType)>,
}

/// License types in the order Vault lists them; one listed twice is an
/// error (which count would be right?), never the last one silently.
fn unique_types<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<(String, LicenseType)>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<(String, LicenseType)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of license types")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(String, LicenseType)> = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.iter().any(|(k, _)| *k == key) {
                    return Err(serde::de::Error::custom(format!("license type `{key}` is listed twice")));
                }
                let value = map.next_value()?;
                out.push((key, value));
            }
            Ok(out)
        }
    }
    d.deserialize_map(V)
}

#[derive(Deserialize)]
struct LicenseType {
    licensed: Count,
    used: Count,
    shared: Option<bool>,
}

#[derive(Deserialize)]
struct Usage {
    licensed: Count,
    used: Count,
}

impl Kind for Veeva {
    type Settings = Settings;

    fn kind(&self) -> &'static str {
        "veeva"
    }

    fn about(&self) -> &'static str {
        "Veeva Vault application licenses (GET /api/{version}/objects/licenses)"
    }

    fn example(&self) -> &'static str {
        "licusage veeva --file licenses.json --format json"
    }

    fn keys(&self) -> &'static [Key] {
        const KEYS: &[Key] = &[
            Key::text("api_version", "Vault API version, e.g. v25.3"),
            Key::secret("session_id", "the Vault session id"),
            Key::text("username", "user name for a Vault login (with the password)"),
            Key::secret("password", "the Vault password"),
            Key::text("oauth_profile_id", "Vault OAuth 2.0 / OpenID Connect profile id, for SSO-only Vaults (with an access token)"),
            Key::secret("access_token", "the identity provider's access token for the OAuth profile"),
            Key::text("login_url", "Vault's login service for OAuth sessions (default https://login.veevavault.com)"),
            Key::text("client_id", "X-VaultAPI-ClientID sent with every call, which Vault logs (default licusage)"),
        ];
        KEYS
    }

    fn check(&self, settings: &Settings, shape: Shape) -> Result<(), String> {
        let (sp, k) = (shape.spelling, |n: &str| shape.spelling.key(n));
        if !shape.reads_file {
            match (&settings.username, &settings.oauth_profile_id) {
                (Some(_), _) if !shape.has("password") => {
                    return Err(format!("{} needs {}", k("username"), sp.either(&["password_env", "password_command"])))
                }
                (_, Some(_)) if !shape.has("access_token") => {
                    return Err(format!("{} needs {}", k("oauth_profile_id"), sp.either(&["access_token_env", "access_token_command"])))
                }
                (None, None) if !shape.has("session_id") => {
                    return Err(format!(
                        "the API needs credentials: {}, {} with {}, or {} with {} (or give {})",
                        k("session_id_env"),
                        k("username"),
                        k("password_env"),
                        k("oauth_profile_id"),
                        k("access_token_env"),
                        k("file")
                    ))
                }
                _ => {}
            }
        }
        if let Some(v) = &settings.api_version {
            let ok = v.strip_prefix('v').and_then(|r| r.split_once('.')).is_some_and(|(a, b)| {
                !a.is_empty() && !b.is_empty() && a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit())
            });
            if !ok {
                return Err(format!("{} is `{v}`; expected the form v25.3", k("api_version")));
            }
        }
        // Vault's rule for client ids: letters, digits, `-` and `_`, at most 100.
        let id = settings.client_id();
        if id.is_empty() || id.len() > 100 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("{} is {id:?}; expected letters, digits, - and _ (at most 100)", k("client_id")));
        }
        if let Some(url) = &settings.login_url {
            let parsed = reqwest::Url::parse(url).map_err(|e| format!("{} {url:?} is not a URL: {e}", k("login_url")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(format!("{} {url:?} must be http:// or https://", k("login_url")));
            }
        }
        Ok(())
    }

    fn parse(&self, payloads: &Payloads, _: &Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        let r: Response = decode_body(payloads.first()?)?;
        if r.response_status != "SUCCESS" && r.response_status != "WARNING" {
            let why: Vec<String> = r.errors.iter().map(VaultMessage::describe).chain(r.response_message.clone()).collect();
            let why = if why.is_empty() { "no errors given".to_string() } else { why.join("; ") };
            return Err(PayloadError::Vendor(format!("Vault answered {}: {why}", r.response_status)));
        }
        let applications = r.applications.ok_or_else(|| PayloadError::at("$", "missing field `applications`"))?;
        // An answer with nothing in it is not "nothing is licensed".
        if applications.is_empty() && r.doc_count.is_none() {
            return Err(PayloadError::at("$.applications", "no applications in the answer"));
        }
        let warnings: Vec<String> = r.warnings.iter().map(VaultMessage::describe).collect();
        let mut records = Vec::new();
        for app in &applications {
            for (license_type, usage) in &app.user_licensing {
                let mut rec = Record::new(&app.application_name, license_type, Some(usage.used.0), Some(usage.licensed.0));
                rec = rec.detail("shared", usage.shared);
                records.push(rec);
            }
        }
        if let Some(docs) = r.doc_count {
            records.push(Record::new("vault", "doc_count", Some(docs.used.0), Some(docs.licensed.0)).unit("documents"));
        }
        if !warnings.is_empty() {
            for rec in &mut records {
                rec.details.insert("vault_warnings".into(), warnings.clone().into());
            }
        }
        let _ = holders;
        Ok(records)
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>, settings: &'a Settings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
        Box::pin(async move {
            let base = ctx.base_url(None)?;
            let version = settings.api_version.as_deref().unwrap_or(DEFAULT_API_VERSION);
            let url = ctx.endpoint(&base, &format!("/api/{version}/objects/licenses"), &[])?;
            let ((mut session, mut throttle), logged_in) = match ctx.secret("session_id").await? {
                Some(s) => ((s, Throttle::None), false),
                None => (login(ctx, settings, &base, version, Throttle::None).await?, true),
            };
            let mut relogged = false;
            loop {
                let call = Call::get(url.clone())
                    .header("accept", "application/json")
                    .text_header("x-vaultapi-clientid", settings.client_id())?
                    .secret_header("authorization", session.expose())?;
                let reply = ctx.send_throttled(call, throttle, BURST).await?;
                throttle = burst(&reply);
                let body = ctx.body(reply)?;
                // A session from our own login can expire between the two calls: log in once more.
                if logged_in && !relogged && session_expired(&body) {
                    (session, throttle) = login(ctx, settings, &base, version, throttle).await?;
                    relogged = true;
                    continue;
                }
                return Ok(Payloads::one(body));
            }
        })
    }
}

const BURST: &str = "Vault's API burst limit is reached (X-VaultAPI-BurstLimitRemaining)";

/// Past its burst limit Vault does not refuse calls: it holds each answer
/// back for the rest of its 5-minute window, and says by how long in
/// `X-VaultAPI-ResponseDelay` (milliseconds). The next call waits for it
/// rather than being cut off by the timeout; with no calls left and no delay
/// said yet, it may wait until the deadline.
fn burst(reply: &Reply) -> Throttle {
    let number = |name: &str| reply.headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
    match (number("x-vaultapi-responsedelay"), number("x-vaultapi-burstlimitremaining")) {
        (Some(ms), _) if ms > 0 => Throttle::By(std::time::Duration::from_millis(ms)),
        (_, Some(0)) => Throttle::Unsaid,
        _ => Throttle::None,
    }
}

fn session_expired(body: &[u8]) -> bool {
    decode::<Status>(body).is_ok_and(|s| {
        s.response_status.as_deref() != Some("SUCCESS") && s.errors.iter().any(|e| e.kind.as_deref() == Some("INVALID_SESSION_ID"))
    })
}

/// A session: from an OAuth 2.0 / OpenID Connect profile when the source
/// names one, else from `POST /api/{version}/auth` with the user name and
/// password. Either way Vault is told which Vault (`vaultDNS`), as its SDK does.
async fn login(
    ctx: &Fetch<'_>,
    settings: &Settings,
    base: &reqwest::Url,
    version: &str,
    throttle: Throttle,
) -> anyhow::Result<(Secret, Throttle)> {
    let dns = base.host_str().unwrap_or_default();
    let (call, who) = match (&settings.oauth_profile_id, &settings.username) {
        (Some(profile), _) => {
            let token = ctx.secret("access_token").await?.with_context(|| {
                format!(
                    "{} is set but no access token: give {}",
                    ctx.key("oauth_profile_id"),
                    ctx.either(&["access_token_env", "access_token_command"])
                )
            })?;
            let login = reqwest::Url::parse(settings.login_url.as_deref().unwrap_or(DEFAULT_LOGIN_URL))?;
            let url = ctx.endpoint(&login, "/auth/oauth/session", &[profile])?;
            let call = Call::post_form(url, &[("vaultDNS", dns)]).secret_header("authorization", &format!("Bearer {}", token.expose()))?;
            (call, format!("with OAuth profile {profile}"))
        }
        (None, Some(username)) => {
            let password = ctx.secret("password").await?.with_context(|| {
                format!("{} is set but no password: give {}", ctx.key("username"), ctx.either(&["password_env", "password_command"]))
            })?;
            let url = ctx.endpoint(base, &format!("/api/{version}/auth"), &[])?;
            let call = Call::post_form(url, &[("username", username), ("password", password.expose()), ("vaultDNS", dns)]);
            (call, format!("as {username}"))
        }
        (None, None) => bail!(
            "no Vault credentials: give {}, {} with {}, or {} with {}",
            ctx.either(&["session_id_env", "session_id_command"]),
            ctx.key("username"),
            ctx.either(&["password_env", "password_command"]),
            ctx.key("oauth_profile_id"),
            ctx.either(&["access_token_env", "access_token_command"])
        ),
    };
    let call = call.header("accept", "application/json").text_header("x-vaultapi-clientid", settings.client_id())?;
    let reply = ctx.send_throttled(call, throttle, BURST).await?;
    let throttle = burst(&reply);
    let status = reply.status_line();
    let answer: Login = crate::payload::decode_credential(&reply.body).with_context(|| format!("Vault login {who}: {status}: unexpected answer"))?;
    let session_host = answer.session_host();
    let other_vault = session_host.as_deref().filter(|h| !h.eq_ignore_ascii_case(dns));
    match (answer.response_status.as_str(), answer.session_id) {
        // As Veeva's SDK does: a session for another Vault than the one
        // configured (a user with several) would count the wrong licenses.
        ("SUCCESS", Some(_)) if other_vault.is_some() => {
            bail!("Vault login {who} gave a session for {}, not {dns}: check {}", other_vault.unwrap_or_default(), ctx.key("url"))
        }
        ("SUCCESS", Some(id)) if !id.is_empty() => Ok((Secret::new(id), throttle)),
        (status, _) => {
            let why: Vec<String> = answer.errors.iter().map(VaultMessage::describe).collect();
            let why = if why.is_empty() { "no session id in the answer".to_string() } else { why.join("; ") };
            bail!("Vault login {who} failed ({status}): {why}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_look_like_v25_3() {
        let check = |v: &str| Veeva.check(&Settings { api_version: Some(v.into()), ..Settings::default() }, Shape { reads_file: true, ..Shape::default() });
        assert_eq!(check("v25.3"), Ok(()));
        for bad in ["25", "v25", "v.3", "vx.y", "v25.3.1"] {
            assert_eq!(check(bad), Err(format!("`api_version` is `{bad}`; expected the form v25.3")), "{bad}");
        }
    }
}
