//! The OAuth 2.0 client-credentials flow (RFC 6749 §4.4) every kind that
//! uses it shares (cPod, generic): `POST token_url`, form-encoded
//! `grant_type=client_credentials&client_id=…&client_secret=…[&scope=…]`,
//! answering `{access_token, token_type, expires_in}`.

use anyhow::{bail, Context};

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
}

/// An access token for `client`. The token endpoint's answer is never echoed
/// in an error (it may hold the token).
pub async fn client_credentials(ctx: &Fetch<'_>, client: Client<'_>) -> anyhow::Result<Secret> {
    let Client { label, client_id, secret, token_url, scope } = client;
    let mut form = vec![("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", secret.expose())];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    let reply = ctx.send(Call::post_form(token_url, &form).header("accept", "application/json")).await?;
    if !reply.is_success() {
        bail!("{label} token request for client {client_id} failed: {}", reply.status_line());
    }
    let answer: TokenAnswer = decode_credential(&reply.body).with_context(|| format!("{label} token answer"))?;
    answer.token().filter(|t| !t.is_empty()).map(Secret::new).with_context(|| format!("{label} token answer has no `access_token`"))
}

/// `token_url` as configured, checked.
pub fn token_url(text: &str) -> anyhow::Result<reqwest::Url> {
    reqwest::Url::parse(text).with_context(|| format!("`token_url` {text:?} is not a URL"))
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
