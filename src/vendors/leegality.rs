//! Leegality: `GET /api/v1/licenses/{licenseId}/usage-statistics`.

use anyhow::Context;
use serde::Deserialize;

use super::{Key, Kind, Payloads, Shape};
use crate::fetch::oauth::TokenAnswer;
use crate::fetch::{BoxFuture, Fetch};
use crate::holder::Sink;
use crate::http::Call;
use crate::payload::{decode_body, decode_credential, opt_count, PayloadError};
use crate::record::Record;
use crate::secret::Secret;

pub struct Leegality;

pub const PRODUCTION: &str = "https://app1.leegality.com/api";
pub const SANDBOX: &str = "https://sandbox.leegality.com/api";

/// Leegality's own keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    license_id: Option<String>,
    environment: Option<String>,
    client_id: Option<String>,
}

#[derive(Deserialize)]
struct Response {
    code: Option<String>,
    message: Option<String>,
    data: Option<Data>,
    #[serde(default)]
    errors: Option<Vec<ErrorDetail>>,
}

#[derive(Deserialize)]
struct Data {
    users: Option<Resource>,
    departments: Option<Resource>,
    signatures: Option<Resource>,
    certificates: Option<Resource>,
}

#[derive(Deserialize)]
struct Resource {
    #[serde(default, deserialize_with = "opt_count")]
    current: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    limit: Option<u64>,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: Option<String>,
    message: Option<String>,
}

/// The error a Leegality error body carries: its top-level code and each
/// `errors[]` message with its own code.
fn describe_failure(r: &Response) -> String {
    let mut parts: Vec<String> = r
        .errors
        .iter()
        .flatten()
        .map(|e| match (&e.message, &e.code) {
            (Some(m), Some(c)) => format!("{m} ({c})"),
            (Some(m), None) => m.clone(),
            (None, Some(c)) => c.clone(),
            (None, None) => "no details".to_string(),
        })
        .collect();
    if parts.is_empty() {
        parts.extend(r.message.clone());
    }
    let code = r.code.as_deref().unwrap_or("without a code");
    if parts.is_empty() {
        format!("Leegality error {code}")
    } else {
        format!("Leegality error {code}: {}", parts.join("; "))
    }
}

/// `POST {url}/api/v1/auth/token` with `{clientId, clientSecret}`: a token.
async fn signstation_token(ctx: &Fetch<'_>, settings: &Settings, base: &reqwest::Url) -> anyhow::Result<Secret> {
    let client_id = settings.client_id.as_deref().with_context(|| {
        format!("no API credentials: give {}, or {} with {}", ctx.key("token_env"), ctx.key("client_id"), ctx.key("client_secret_env"))
    })?;
    let secret = ctx.secret("client_secret").await?.with_context(|| {
        format!("{} is set but no client secret: give {}", ctx.key("client_id"), ctx.either(&["client_secret_env", "client_secret_command"]))
    })?;
    let url = ctx.endpoint(base, "/api/v1/auth/token", &[])?;
    let body = serde_json::json!({"clientId": client_id, "clientSecret": secret.expose()});
    let reply = ctx.send(Call::post_json(url, &body).header("accept", "application/json")).await?;
    if !reply.is_success() {
        anyhow::bail!("SignStation token request for client {client_id} failed: {}", reply.status_line());
    }
    let answer: TokenAnswer = decode_credential(&reply.body).context("SignStation token answer")?;
    answer.token().filter(|t| !t.is_empty()).map(Secret::new).context("SignStation token answer has no token")
}

impl Kind for Leegality {
    type Settings = Settings;

    fn kind(&self) -> &'static str {
        "leegality"
    }

    fn about(&self) -> &'static str {
        "Leegality license usage statistics (GET /api/v1/licenses/{id}/usage-statistics)"
    }

    fn example(&self) -> &'static str {
        "licusage leegality --file usage.json --license-id bd82845c-…"
    }

    fn default_url(&self) -> Option<&'static str> {
        Some(PRODUCTION)
    }

    fn keys(&self) -> &'static [Key] {
        const KEYS: &[Key] = &[
            Key::text("license_id", "Leegality license id"),
            Key::text("environment", "Leegality environment: production or sandbox"),
            Key::secret("token", "the Leegality API token (sent as X-Auth-Token)"),
            Key::text("client_id", "SignStation client id, for a Bearer token from {url}/api/v1/auth/token"),
            Key::secret("client_secret", "the SignStation client secret"),
        ];
        KEYS
    }

    fn check(&self, settings: &Settings, shape: Shape) -> Result<(), String> {
        let k = |n: &str| shape.spelling.key(n);
        if let Some(env) = settings.environment.as_deref().filter(|e| !matches!(*e, "production" | "sandbox")) {
            return Err(format!("{} is `{env}`; expected `production` or `sandbox`", k("environment")));
        }
        if !shape.reads_file {
            if settings.license_id.is_none() {
                return Err(format!("the API needs {} (or give {})", k("license_id"), k("file")));
            }
            match &settings.client_id {
                Some(_) if !shape.has("token") && !shape.has("client_secret") => {
                    return Err(format!("{} needs {}", k("client_id"), shape.spelling.either(&["client_secret_env", "client_secret_command"])))
                }
                None if !shape.has("token") => {
                    return Err(format!(
                        "the API needs credentials: {} (X-Auth-Token), or {} with {} (or give {})",
                        k("token_env"),
                        k("client_id"),
                        k("client_secret_env"),
                        k("file")
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn parse(&self, payloads: &Payloads, settings: &Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        let r: Response = decode_body(payloads.first()?)?;
        let failed = r.errors.as_ref().is_some_and(|e| !e.is_empty()) || r.code.as_deref().is_some_and(|c| c.contains("ERR"));
        let data = match (&r.data, failed) {
            (Some(data), false) => data,
            (None, false) => return Err(PayloadError::at("$", "missing field `data`")),
            (_, true) => return Err(PayloadError::Vendor(describe_failure(&r))),
        };
        let product = settings.license_id.as_deref().unwrap_or("license");
        let records = [
            ("users", &data.users),
            ("departments", &data.departments),
            ("signatures", &data.signatures),
            ("certificates", &data.certificates),
        ]
        .into_iter()
        .filter_map(|(metric, res)| {
            // Users hold seats; the others count what they name.
            let unit = if metric == "users" { "seats" } else { metric };
            res.as_ref().map(|res| Record::new(product, metric, res.current, res.limit).unit(unit))
        })
        .collect::<Vec<_>>();
        let _ = holders;
        // An answer with nothing in it is not "nothing is licensed".
        if records.is_empty() {
            return Err(PayloadError::at("$.data", "no usage in the answer: none of `users`, `departments`, `signatures`, `certificates`"));
        }
        Ok(records)
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>, settings: &'a Settings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
        Box::pin(async move {
            let default = match settings.environment.as_deref() {
                Some("sandbox") => SANDBOX,
                _ => PRODUCTION,
            };
            let base = ctx.base_url(Some(default))?;
            let id = settings.license_id.as_deref().with_context(|| format!("no {} given", ctx.key("license_id")))?;
            let url = ctx.endpoint(&base, "/api/v1/licenses", &[id, "usage-statistics"])?;
            let call = Call::get(url).header("accept", "application/json");
            // The documented X-Auth-Token; or SignStation's client credentials
            // for a Bearer token, as its auth pages and demo code use.
            let call = match ctx.secret("token").await? {
                Some(token) => call.secret_header("x-auth-token", token.expose())?,
                None => {
                    let token = signstation_token(ctx, settings, &base).await?;
                    call.secret_header("authorization", &format!("Bearer {}", token.expose()))?
                }
            };
            ctx.body(ctx.send(call).await?).map(Payloads::one)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_is_production_or_sandbox() {
        let check = |env: &str| Leegality.check(&Settings { environment: Some(env.into()), ..Settings::default() }, Shape { reads_file: true, ..Shape::default() });
        assert_eq!(check("sandbox"), Ok(()));
        assert_eq!(check("staging"), Err("`environment` is `staging`; expected `production` or `sandbox`".to_string()));
    }
}
