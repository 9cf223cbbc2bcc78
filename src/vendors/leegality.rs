//! Leegality: `GET /api/v1/licenses/{licenseId}/usage-statistics`.

use serde::Deserialize;

use super::wire::{decode_body, opt_count, PayloadError};
use super::{Payloads, Vendor};
use crate::config::SourceSettings;
use crate::fetch::{BoxFuture, Fetch};
use crate::holder::Sink;
use crate::http::Call;
use crate::record::Record;

pub struct Leegality;

pub const PRODUCTION: &str = "https://app1.leegality.com/api";
pub const SANDBOX: &str = "https://sandbox.leegality.com/api";

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

impl Vendor for Leegality {
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

    fn keys(&self) -> &'static [&'static str] {
        &["license_id", "environment", "token", "token_env", "token_command"]
    }

    fn parse(&self, payloads: &Payloads, settings: &SourceSettings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
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
        .filter_map(|(metric, res)| res.as_ref().map(|res| Record::new(product, metric, res.current, res.limit)))
        .collect();
        let _ = holders;
        Ok(records)
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>) -> BoxFuture<'a, Result<Payloads, String>> {
        Box::pin(async move {
            let default = match ctx.settings().environment.as_deref() {
                Some("sandbox") => SANDBOX,
                _ => PRODUCTION,
            };
            let base = ctx.base_url(Some(default))?;
            let id = ctx.settings().license_id.as_deref().ok_or("no `license_id` configured")?;
            let url = ctx.endpoint(&base, "/api/v1/licenses", &[id, "usage-statistics"])?;
            let token = ctx.secret("token")?.ok_or("no API token: give `token_env` or `token_command`")?;
            let call = Call::get(url).header("accept", "application/json").secret_header("x-auth-token", token.expose())?;
            ctx.body(ctx.send(call).await?, self).map(Payloads::one)
        })
    }
}
