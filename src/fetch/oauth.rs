//! OAuth 2.0 grants every kind that uses them shares (cPod, generic): the
//! client-credentials flow (RFC 6749 §4.4: `POST token_url`, form-encoded
//! `grant_type=client_credentials`, the client in the form or, with
//! `client_secret_basic`, in a Basic header; extra form fields such as Zoom's
//! `grant_type=account_credentials&account_id=…`), and the JWT-bearer grant
//! of service accounts (RFC 7523: a Google key file's RS256-signed assertion),
//! each answering `{access_token, token_type, expires_in}`.

use anyhow::{bail, Context};
use base64::Engine as _;

use serde::Deserialize;

use super::Fetch;
use crate::http::Call;
use crate::payload::decode_credential;
use crate::secret::Secret;

/// The client's credentials and where to trade them for a token.
pub struct Client<'a> {
    /// Who is asking, for errors (`cPod`, `generic source`).
    pub label: &'a str,
    pub client_id: &'a str,
    pub secret: &'a Secret,
    pub token_url: reqwest::Url,
    pub scope: Option<&'a str>,
    /// `client_secret_basic`: the client in a Basic header, not in the form.
    pub basic: bool,
    /// Form fields beside (or instead of) `grant_type=client_credentials`.
    pub params: &'a [(String, String)],
}

/// An access token for `client`. The token endpoint's answer is never echoed
/// in an error (it may hold the token).
pub async fn client_credentials(ctx: &Fetch<'_>, client: Client<'_>) -> anyhow::Result<Secret> {
    let Client { label, client_id, secret, token_url, scope, basic, params } = client;
    let mut form: Vec<(&str, &str)> = Vec::new();
    if !params.iter().any(|(k, _)| k == "grant_type") {
        form.push(("grant_type", "client_credentials"));
    }
    form.extend(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if !basic {
        form.extend([("client_id", client_id), ("client_secret", secret.expose())]);
    }
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    let mut call = Call::post_form(token_url, &form).header("accept", "application/json");
    if basic {
        // RFC 6749 §2.3.1: each part form-encoded, then Basic.
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let pair = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", enc(client_id), enc(secret.expose())));
        call = call.secret_header("authorization", &format!("Basic {pair}"))?;
    }
    let reply = ctx.send(call).await?;
    token(label, &format!("client {client_id}"), reply)
}

/// The token of a token endpoint's answer, or why there is none.
fn token(label: &str, who: &str, reply: crate::http::Reply) -> anyhow::Result<Secret> {
    if !reply.is_success() {
        // The error an OAuth server answers (`invalid_client`, `invalid_grant`) names the problem.
        let said = decode_credential::<OAuthError>(&reply.body).ok().and_then(|e| e.error).map(|e| format!(" ({e})")).unwrap_or_default();
        bail!("{label} token request for {who} failed: {}{said}", reply.status_line());
    }
    let answer: TokenAnswer = decode_credential(&reply.body).with_context(|| format!("{label} token answer"))?;
    answer.token().filter(|t| !t.is_empty()).map(Secret::new).with_context(|| format!("{label} token answer has no `access_token`"))
}

/// `{"error": "invalid_grant", …}` (RFC 6749 §5.2): the code only, never the description (it may quote the request).
#[derive(Deserialize)]
struct OAuthError {
    error: Option<String>,
}

/// A Google service account's key file, as the console downloads it.
#[derive(Deserialize)]
struct KeyFile {
    client_email: String,
    private_key: String,
    private_key_id: Option<String>,
    token_uri: Option<String>,
}

/// A token for a service account (RFC 7523 JWT-bearer grant): an assertion
/// signed with the key file's private key (RS256) for `scope`, on behalf of
/// `subject` when the account has domain-wide delegation.
pub async fn jwt_bearer(
    ctx: &Fetch<'_>,
    label: &str,
    key_file: &std::path::Path,
    scope: Option<&str>,
    subject: Option<&str>,
) -> anyhow::Result<Secret> {
    let file = format!("{} {}", ctx.key("service_account_file"), key_file.display());
    let bytes = tokio::fs::read(key_file).await.with_context(|| format!("cannot read {file}"))?;
    let key: KeyFile = decode_credential(&bytes).with_context(|| file.clone())?;
    let token_uri = key.token_uri.as_deref().unwrap_or("https://oauth2.googleapis.com/token");
    let token_url = reqwest::Url::parse(token_uri).with_context(|| format!("{file}: `token_uri` {token_uri:?} is not a URL"))?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let mut claims = serde_json::json!({
        "iss": key.client_email,
        "scope": scope.unwrap_or_default(),
        "aud": token_uri,
        "iat": now,
        "exp": now + 3600,
    });
    // `sub` only with delegation: a null one is not the same claim.
    if let (Some(subject), Some(map)) = (subject, claims.as_object_mut()) {
        map.insert("sub".into(), subject.into());
    }
    let signing = jsonwebtoken::EncodingKey::from_rsa_pem(key.private_key.as_bytes())
        .map_err(|_| anyhow::anyhow!("{file}: `private_key` is not an RSA private key in PEM"))?;
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = key.private_key_id;
    let assertion = Secret::new(jsonwebtoken::encode(&header, &claims, &signing).context("signing the service account's assertion")?);
    // A grant in itself for an hour: never echoed back in an error either.
    ctx.sent.add(assertion.expose());
    let form = [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion.expose())];
    let reply = ctx.send(Call::post_form(token_url, &form).header("accept", "application/json")).await?;
    token(label, &format!("service account {}", key.client_email), reply)
}

/// The source's `token_url`, checked.
pub fn token_url(ctx: &Fetch<'_>, text: &str) -> anyhow::Result<reqwest::Url> {
    reqwest::Url::parse(text).with_context(|| format!("{} {text:?} is not a URL", ctx.key("token_url")))
}

/// A token endpoint's answer, in the spellings seen: `access_token`,
/// `accessToken` or `token`, at the top or inside `data`.
#[derive(Deserialize)]
pub struct TokenAnswer {
    #[serde(alias = "accessToken", alias = "token")]
    access_token: Option<String>,
    data: Option<Box<TokenAnswer>>,
}

impl TokenAnswer {
    pub fn token(self) -> Option<String> {
        self.access_token.or_else(|| self.data.and_then(|d| d.token()))
    }
}
