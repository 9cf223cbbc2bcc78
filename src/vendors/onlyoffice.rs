//! ONLYOFFICE Docs command service, `{"c": "license"}`.
//!
//! The server always answers HTTP 200; failures are only in `error`.

use anyhow::{bail, Context};
use serde::Deserialize;

use super::wire::{decode_body, opt_count, opt_time, PayloadError, Timestamp};
use super::{Key, Kind, Payloads};
use crate::fetch::{BoxFuture, Fetch};
use crate::holder::{Holder, Sink};
use crate::http::Call;
use crate::record::{Record, Status};
use crate::secret::Secret;

pub struct OnlyOffice;

/// ONLYOFFICE's own keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    jwt_header: Option<String>,
}

#[derive(Deserialize)]
struct Response {
    error: i64,
    license: Option<License>,
    server: Option<Server>,
    quota: Option<Quota>,
}

#[derive(Deserialize)]
struct License {
    #[serde(default, deserialize_with = "opt_time")]
    end_date: Option<chrono::DateTime<chrono::Utc>>,
    trial: Option<bool>,
    customization: Option<bool>,
    #[serde(default, deserialize_with = "opt_count")]
    connections: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    connections_view: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    users_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    users_view_count: Option<u64>,
    #[serde(default, deserialize_with = "opt_count")]
    users_expire: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Server {
    result_type: i64,
    package_type: Option<i64>,
    build_version: Option<String>,
    build_number: Option<i64>,
    build_date: Option<String>,
}

#[derive(Deserialize, Default)]
struct Quota {
    #[serde(default)]
    users: Vec<QuotaUser>,
    #[serde(default)]
    users_view: Vec<QuotaUser>,
}

#[derive(Deserialize)]
struct QuotaUser {
    userid: String,
    expire: Option<Timestamp>,
}

/// Meaning of the command service's `error` codes.
fn error_meaning(code: i64) -> &'static str {
    match code {
        1 => "document key missing or no document with that key",
        2 => "callback url not correct (parse error)",
        3 => "internal server error",
        4 => "no changes were applied (not modified)",
        5 => "command not correct (unknown command)",
        6 => "invalid token",
        7 => "token expired",
        _ => "unknown error code",
    }
}

fn package_name(code: i64) -> Option<&'static str> {
    match code {
        0 => Some("open source"),
        1 => Some("enterprise"),
        2 => Some("developer"),
        _ => None,
    }
}

impl Kind for OnlyOffice {
    type Settings = Settings;

    fn kind(&self) -> &'static str {
        "onlyoffice"
    }

    fn about(&self) -> &'static str {
        "ONLYOFFICE Docs license and user quota (command service, {\"c\":\"license\"})"
    }

    fn has_holders(&self) -> bool {
        true
    }

    fn example(&self) -> &'static str {
        "licusage onlyoffice --file - < license.json"
    }

    fn keys(&self) -> &'static [Key] {
        const KEYS: &[Key] = &[
            Key::secret("jwt_secret", "the ONLYOFFICE JWT secret"),
            Key::text("jwt_header", "header that carries the ONLYOFFICE JWT (default Authorization)"),
        ];
        KEYS
    }

    fn parse(&self, payloads: &Payloads, _: &Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        let r: Response = decode_body(payloads.first()?)?;
        if r.error != 0 {
            return Err(PayloadError::Vendor(format!("ONLYOFFICE error {}: {}", r.error, error_meaning(r.error))));
        }
        let license = r.license.ok_or_else(|| PayloadError::at("$", "missing field `license`"))?;
        let server = r.server.ok_or_else(|| PayloadError::at("$", "missing field `server`"))?;
        let quota = r.quota.unwrap_or_default();

        let series = [
            ("users", Some(quota.users.len() as u64), license.users_count),
            ("users_view", Some(quota.users_view.len() as u64), license.users_view_count),
            ("connections", None, license.connections),
            ("connections_view", None, license.connections_view),
        ];
        let mut records = Vec::new();
        for (metric, used, limit) in series {
            if limit.is_none() {
                continue;
            }
            let mut rec = Record::new("docs", metric, used, limit)
                .expires(license.end_date)
                .detail("trial", license.trial)
                .detail("customization", license.customization)
                .detail("users_expire_days", license.users_expire)
                .detail("package", server.package_type.and_then(package_name))
                .detail("build_version", server.build_version.clone())
                .detail("build_number", server.build_number)
                .detail("build_date", server.build_date.clone());
            match server.result_type {
                3 => {}
                2 | 6 => {
                    rec = rec.detail("result_type", server.result_type);
                    rec.flag(Status::Critical, "license expired");
                }
                1 => {
                    rec = rec.detail("result_type", server.result_type);
                    rec.flag(Status::Unknown, "license check failed on the server (resultType 1)");
                }
                other => rec = rec.detail("result_type", other),
            }
            records.push(rec);
        }

        for (metric, users) in [("users", &quota.users), ("users_view", &quota.users_view)] {
            for u in users {
                let mut h = Holder::new("docs", metric, &u.userid);
                h.holder_type = Some(if metric == "users" { "editor" } else { "viewer" }.to_string());
                h.expires_at = u.expire.map(|t| t.0);
                holders.push(h);
            }
        }
        Ok(records)
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>, settings: &'a Settings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
        Box::pin(async move {
            let base = ctx.base_url(None)?;
            let command = serde_json::json!({"c": "license"});
            let mut body = command.clone();
            let mut header = None;
            if let Some(secret) = ctx.secret("jwt_secret")? {
                body["token"] = sign(&command, &secret)?.into();
                header = Some(format!("Bearer {}", sign(&serde_json::json!({"payload": command}), &secret)?));
            }
            let header_name = settings.jwt_header.as_deref().unwrap_or("Authorization");
            // `/command` since 8.2; older servers only serve the CommandService.ashx path.
            let paths = ["/command", "/coauthoring/CommandService.ashx"];
            for (i, path) in paths.iter().enumerate() {
                let mut call = Call::post_json(ctx.endpoint(&base, path, &[])?, &body);
                if let Some(value) = &header {
                    call = call.secret_header(header_name, value)?;
                }
                let reply = ctx.send(call).await?;
                if reply.status.as_u16() == 404 && i + 1 < paths.len() {
                    continue;
                }
                return ctx.body(reply).map(Payloads::one);
            }
            bail!("no command service answered")
        })
    }
}

/// An HS256 JWT of `claims`, valid for five minutes. The real clock, not
/// `LICUSAGE_NOW`: the server checks the token against its own.
fn sign(claims: &serde_json::Value, secret: &Secret) -> anyhow::Result<String> {
    let now = chrono::Utc::now().timestamp();
    let mut claims = claims.clone();
    claims["iat"] = now.into();
    claims["exp"] = (now + 300).into();
    let key = jsonwebtoken::EncodingKey::from_secret(secret.expose().as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), &claims, &key)
        .context("cannot sign the ONLYOFFICE token")
}
