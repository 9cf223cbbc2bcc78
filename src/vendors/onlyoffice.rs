//! ONLYOFFICE Docs command service, `{"c": "license"}`.
//!
//! The server always answers HTTP 200; failures are only in `error`.

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::{Key, Kind, Payloads};
use crate::fetch::{BoxFuture, Fetch};
use crate::holder::{Holder, Sink};
use crate::http::Call;
use crate::payload::{decode_body, loose_amount, loose_count, opt_time, Count, PayloadError, Timestamp};
use crate::record::{Record, Status};
use crate::secret::Secret;

pub struct OnlyOffice;

/// What the server allows in a time-limited license's grace period
/// (`constants.js` `LICENSE_USERS`, `LICENSE_CONNECTIONS`).
const GRACE_USERS: u64 = 3;
const GRACE_CONNECTIONS: u64 = 20;

/// ONLYOFFICE's own keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    jwt_header: Option<String>,
    info_url: Option<String>,
}

/// The payload name of `/info/info.json`, beside the license answer.
const INFO: &str = "info";

/// `/info/info.json` (`DocService/sources/routes/info.js`
/// `buildLicenseInfoOutput`): the connections in use, which the license
/// command does not count.
#[derive(Deserialize)]
struct Info {
    quota: InfoQuota,
}

#[derive(Deserialize)]
struct InfoQuota {
    edit: InfoCount,
    view: InfoCount,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InfoCount {
    connections_count: Count,
}

/// The answer of `commandFromServer` for `license` (DocsCoServer.js
/// `commandLicense`): `license` is the installed license file as it is, or
/// `utils.convertLicenseInfoToFileParams` of the built-in one; `server` is
/// `convertLicenseInfoToServerParams`; `quota` the unique users present.
#[derive(Deserialize)]
struct Response {
    error: i64,
    license: Option<License>,
    server: Option<Server>,
    quota: Option<Quota>,
}

/// A license file's fields, read as the server reads them
/// (`tenantManager.js`): booleans may be the strings `"True"`/`"False"` and
/// counts numeric strings (`>> 0`); absent means the license has none.
#[derive(Deserialize)]
struct License {
    #[serde(default, deserialize_with = "opt_time")]
    start_date: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "opt_time")]
    end_date: Option<DateTime<Utc>>,
    /// `true`, `"true"` or `"True"`, as `readLicenseTenant` takes it.
    #[serde(default, deserialize_with = "trial_flag")]
    trial: Option<bool>,
    /// Only a JSON `true` makes a license time-limited (`readLicenseTenant`).
    #[serde(default, deserialize_with = "strict_flag")]
    timelimited: Option<bool>,
    #[serde(default, deserialize_with = "strict_flag")]
    developer: Option<bool>,
    #[serde(default, deserialize_with = "lenient_bool")]
    customization: Option<bool>,
    #[serde(default, deserialize_with = "lenient_bool")]
    multitenancy: Option<bool>,
    #[serde(default, deserialize_with = "loose_count")]
    connections: Option<u64>,
    #[serde(default, deserialize_with = "loose_count")]
    connections_view: Option<u64>,
    #[serde(default, deserialize_with = "loose_count")]
    users_count: Option<u64>,
    #[serde(default, deserialize_with = "loose_count")]
    users_view_count: Option<u64>,
    /// Days a unique user holds a seat: `usersExpire / 86400`, so possibly a fraction.
    #[serde(default, deserialize_with = "loose_amount")]
    users_expire: Option<f64>,
    #[serde(default, deserialize_with = "loose_count")]
    grace_days: Option<u64>,
}

impl License {
    /// Trial and time-limited licenses end on `end_date`; for any other it is
    /// the end of updates and support, checked against the build date.
    fn expires(&self) -> bool {
        self.trial == Some(true) || self.timelimited == Some(true)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Server {
    result_type: i64,
    package_type: Option<i64>,
    build_version: Option<String>,
    build_number: Option<i64>,
    #[serde(default, deserialize_with = "opt_time")]
    build_date: Option<DateTime<Utc>>,
    workers_count: Option<i64>,
}

#[derive(Deserialize, Default)]
struct Quota {
    #[serde(default)]
    users: Vec<QuotaUser>,
    #[serde(default)]
    users_view: Vec<QuotaUser>,
}

/// `editorData.getPresenceUniqueUser`: `{userid, expire}` and the user's info, `{anonym}`.
#[derive(Deserialize)]
struct QuotaUser {
    userid: String,
    expire: Option<Timestamp>,
    #[serde(default, deserialize_with = "lenient_bool")]
    anonym: Option<bool>,
}

/// Present: whether it is JSON `true` (anything else is not, for the server).
fn strict_flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(Some(serde_json::Value::deserialize(d)? == serde_json::Value::Bool(true)))
}

/// Present: whether it is `true`, `"true"` or `"True"` (someone who likes to
/// put a JSON string instead of a bool, says the server's comment).
fn trial_flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    Ok(Some(matches!(v.as_bool(), Some(true)) || matches!(v.as_str(), Some("true" | "True"))))
}

/// `true`/`false`, or the strings license files carry (`"True"`, `"False"`, any case), or 0/1.
fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("true or false")
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            match v {
                0 | 1 => Ok(Some(v == 1)),
                _ => Err(E::custom(format!("expected true or false, found {v}"))),
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Err(E::custom(format!("expected true or false, found {v}")))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            match v.trim() {
                t if t.eq_ignore_ascii_case("true") => Ok(Some(true)),
                t if t.eq_ignore_ascii_case("false") => Ok(Some(false)),
                _ => Err(E::custom(format!("expected true or false, found {v:?}"))),
            }
        }
    }
    d.deserialize_option(V)
}

/// In the grace period: what the server allows, and until when.
fn grace_reason(license: &License) -> String {
    let allows = if license.users_count.is_some_and(|n| n > 0) {
        format!("at most {GRACE_USERS} users")
    } else {
        format!("at most {GRACE_CONNECTIONS} connections")
    };
    let last = license.end_date.zip(license.grace_days).and_then(|(end, days)| {
        end.checked_add_signed(chrono::Duration::days(i64::try_from(days).ok()?))
    });
    let until = last.map(|t| format!(" until {}", t.format("%Y-%m-%d"))).unwrap_or_default();
    format!("license ended; in its grace period{until} the server allows {allows} (resultType 7 SuccessLimit)")
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A whole number as an integer (`30`, not `30.0`), a fraction as it is.
fn number(v: f64) -> serde_json::Value {
    if v.fract() == 0.0 && v < 9_007_199_254_740_992.0 {
        (v as u64).into()
    } else {
        v.into()
    }
}

/// What `server.resultType` (`constants.js` `LICENSE_RESULT`) means for the
/// records: a status and a reason a person understands. `None` for Success.
fn result_meaning(result: i64) -> Option<(Status, &'static str)> {
    Some(match result {
        3 => return None,
        1 => (Status::Unknown, "the server could not read its license (resultType 1 Error)"),
        2 => (Status::Critical, "updates and support ended before this build: the license does not cover it (resultType 2 Expired)"),
        4 => (Status::Warning, "the license does not know this user (resultType 4 UnknownUser)"),
        5 => (Status::Critical, "connection limit reached (resultType 5 Connections)"),
        6 => (Status::Critical, "trial license expired (resultType 6 ExpiredTrial)"),
        7 => (Status::Critical, "license ended, in its grace period: the server allows at most 3 users or 20 connections (resultType 7 SuccessLimit)"),
        8 => (Status::Critical, "user limit reached (resultType 8 UsersCount)"),
        9 => (Status::Critical, "connection limit of the open-source edition reached (resultType 9 ConnectionsOS)"),
        10 => (Status::Critical, "user limit of the open-source edition reached (resultType 10 UsersCountOS)"),
        11 => (Status::Critical, "time-limited license expired: editing and viewing stopped (resultType 11 ExpiredLimited)"),
        12 => (Status::Critical, "live-viewer connection limit of the open-source edition reached (resultType 12 ConnectionsLiveOS)"),
        13 => (Status::Critical, "live-viewer connection limit reached (resultType 13 ConnectionsLive)"),
        14 => (Status::Critical, "viewer limit reached (resultType 14 UsersViewCount)"),
        15 => (Status::Critical, "viewer limit of the open-source edition reached (resultType 15 UsersViewCountOS)"),
        16 => (Status::Critical, "license not valid yet (resultType 16 NotBefore)"),
        _ => (Status::Unknown, "unknown license state"),
    })
}

/// The metric a limit-reached result is about, when it is one metric's.
fn result_metric(result: i64) -> Option<&'static str> {
    match result {
        8 | 10 => Some("users"),
        14 | 15 => Some("users_view"),
        5 | 9 => Some("connections"),
        12 | 13 => Some("connections_view"),
        _ => None,
    }
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
            Key::text("info_url", "the server's /info/info.json, for the connections in use (answered to allowed hosts only)"),
            Key::input("info_file", INFO, false, "a saved /info/info.json, for the connections in use"),
        ];
        KEYS
    }

    /// `utils.checkClientIp` answers 403 before any token is looked at.
    fn status_hint(&self, status: u16) -> Option<&'static str> {
        (status == 403).then_some(
            " (the server's IP filter refused this host: allow it in the Docs `services.CoAuthoring.ipfilter` rules)",
        )
    }

    fn parse(&self, payloads: &Payloads, _: &Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        let r: Response = decode_body(payloads.first()?)?;
        if r.error != 0 {
            return Err(PayloadError::Vendor(format!("ONLYOFFICE error {}: {}", r.error, error_meaning(r.error))));
        }
        let license = r.license.ok_or_else(|| PayloadError::at("$", "missing field `license`"))?;
        let server = r.server.ok_or_else(|| PayloadError::at("$", "missing field `server`"))?;
        let quota = r.quota.unwrap_or_default();
        // Connections in use come only from /info/info.json, when it was read.
        let info: Option<Info> = match payloads.extra(INFO).and_then(|pages| pages.first()) {
            Some(body) => Some(decode_body(body).map_err(|e| match e {
                PayloadError::Invalid { path, message } => PayloadError::Invalid { path: format!("info {path}"), message },
                other => other,
            })?),
            None => None,
        };
        let connections = info.as_ref().map(|i| i.quota.edit.connections_count.0);
        let connections_view = info.as_ref().map(|i| i.quota.view.connections_count.0);

        // In its grace period the server enforces less than the file says (`tenantManager.js`).
        let grace = server.result_type == 7;
        let enforced = |limit: Option<u64>, cap: u64| if grace { limit.map(|l| l.min(cap)) } else { limit };
        let series = [
            ("users", Some(quota.users.len() as u64), enforced(license.users_count, GRACE_USERS)),
            ("users_view", Some(quota.users_view.len() as u64), enforced(license.users_view_count, GRACE_USERS)),
            ("connections", connections, enforced(license.connections, GRACE_CONNECTIONS)),
            ("connections_view", connections_view, enforced(license.connections_view, GRACE_CONNECTIONS)),
        ];
        // A metric the license counts: its limit is there and not 0 (an
        // open-source build answers `users_count: 0`, a connection license
        // `users_count` absent or 0).
        let counted: Vec<_> = series.into_iter().filter(|(_, _, limit)| limit.is_some_and(|l| l > 0)).collect();
        let flagged = result_metric(server.result_type).filter(|m| counted.iter().any(|(metric, ..)| metric == m));
        let records = counted.into_iter().map(|(metric, used, limit)| record(metric, used, limit, &license, &server, flagged)).collect();
        quota_holders(&quota, holders);
        Ok(records)
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>, settings: &'a Settings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
        Box::pin(async move {
            let base = ctx.base_url(None)?;
            let command = serde_json::json!({"c": "license"});
            let mut body = command.clone();
            let mut header = None;
            if let Some(secret) = ctx.secret("jwt_secret").await? {
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
                let mut payloads = ctx.body(reply).map(Payloads::one)?;
                if let Some(info) = &settings.info_url {
                    let url = reqwest::Url::parse(info).with_context(|| format!("{} {info:?} is not a URL", ctx.key("info_url")))?;
                    let reply = ctx.send(Call::get(url).header("accept", "application/json")).await?;
                    payloads.extra.insert(INFO, vec![super::Body::Bytes(ctx.body(reply)?)]);
                }
                return Ok(payloads);
            }
            bail!("no command service answered")
        })
    }
}

/// The record of one metric the license counts; `flagged` is the metric the
/// server's resultType is about, when it names one.
fn record(metric: &str, used: Option<u64>, limit: Option<u64>, license: &License, server: &Server, flagged: Option<&str>) -> Record {
    let unit = if metric.starts_with("connections") { "connections" } else { "seats" };
    let support_until = if license.expires() { None } else { license.end_date };
    let mut rec = Record::new("docs", metric, used, limit)
        .unit(unit)
        .expires(if license.expires() { license.end_date } else { None })
        .detail("trial", license.trial)
        .detail("time_limited", license.timelimited)
        .detail("developer", license.developer)
        .detail("customization", license.customization)
        .detail("multitenancy", license.multitenancy)
        .detail("start_date", license.start_date.map(rfc3339))
        .detail("support_until", support_until.map(rfc3339))
        .detail("grace_days", license.grace_days)
        .detail("users_expire_days", license.users_expire.map(number))
        .detail("package", server.package_type.and_then(package_name))
        .detail("workers", server.workers_count)
        .detail("build_version", server.build_version.clone())
        .detail("build_number", server.build_number)
        .detail("build_date", server.build_date.map(rfc3339));
    if let Some((status, reason)) = result_meaning(server.result_type) {
        rec = rec.detail("result_type", server.result_type);
        if flagged.is_none_or(|m| m == metric) {
            match (server.result_type, license.start_date) {
                (16, Some(start)) => rec.flag(status, format!("license not valid before {} (resultType 16 NotBefore)", start.format("%Y-%m-%d"))),
                (7, _) => rec.flag(status, grace_reason(license)),
                (n, _) if !(1..=16).contains(&n) => rec.flag(status, format!("{reason} (resultType {n})")),
                _ => rec.flag(status, reason),
            }
        }
    }
    // The build is newer than the end of updates and support the license
    // grants: the server should say resultType 2; say it anyway.
    if let (Some(until), Some(built), 3) = (support_until, server.build_date, server.result_type) {
        if built > until {
            rec.flag(Status::Warning, format!("build of {} is newer than the end of support ({})", built.format("%Y-%m-%d"), until.format("%Y-%m-%d")));
        }
    }
    rec
}

/// The users of the quota: editors and viewers, anonymous ones said so.
fn quota_holders(quota: &Quota, holders: &mut Sink) {
    for (metric, users) in [("users", &quota.users), ("users_view", &quota.users_view)] {
        for u in users {
            let mut h = Holder::new("docs", metric, &u.userid).detail("anonymous", u.anonym);
            let role = if metric == "users" { "editor" } else { "viewer" };
            h.holder_type = Some(if u.anonym == Some(true) { format!("anonymous {role}") } else { role.to_string() });
            h.expires_at = u.expire.map(|t| t.0);
            holders.push(h);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(result_type: i64, license: &str) -> Vec<Record> {
        let body = format!(
            r#"{{"key":"commandFromServer","error":0,"license":{license},"server":{{"resultType":{result_type},"packageType":1}},"quota":{{"users":[],"users_view":[]}}}}"#
        );
        OnlyOffice.parse(&Payloads::one(body.into_bytes()), &Settings::default(), &mut Sink::new(&crate::holder::Kept::all, &mut |_| {})).unwrap_or_default()
    }

    /// Every `LICENSE_RESULT` the server has: Success alone is ok; each other
    /// says what it means, on the metric it is about when it is one metric's.
    #[test]
    fn every_result_type_has_a_status_and_a_reason() {
        let license = r#"{"users_count":10,"users_view_count":10,"connections":5,"connections_view":5}"#;
        assert!(parse(3, license).iter().all(|r| r.status == Status::Ok && r.reasons.is_empty()));
        for n in (1..=16).filter(|n| *n != 3) {
            let records = parse(n, license);
            assert_eq!(records.len(), 4, "{n}");
            let flagged: Vec<&str> = records.iter().filter(|r| r.status != Status::Ok).map(|r| r.metric.as_str()).collect();
            match result_metric(n) {
                Some(metric) => assert_eq!(flagged, [metric], "{n}"),
                None => assert_eq!(flagged.len(), 4, "{n}"),
            }
            for r in records.iter().filter(|r| r.status != Status::Ok) {
                assert!(r.reasons.iter().any(|x| x.contains(&format!("resultType {n}"))), "{n}: {:?}", r.reasons);
                assert_eq!(r.details.get("result_type"), Some(&serde_json::Value::from(n)));
            }
        }
        let unknown = parse(42, license);
        assert!(unknown.iter().all(|r| r.status == Status::Unknown && r.reasons == ["unknown license state (resultType 42)"]));
    }

    #[test]
    fn flags_read_as_the_server_reads_them() {
        // `timelimited` only as JSON true; `trial` also as "true"/"True".
        for (license, expires) in [
            (r#"{"users_count":1,"end_date":"2027-01-01","timelimited":true}"#, true),
            (r#"{"users_count":1,"end_date":"2027-01-01","timelimited":"True"}"#, false),
            (r#"{"users_count":1,"end_date":"2027-01-01","trial":"True"}"#, true),
            (r#"{"users_count":1,"end_date":"2027-01-01","trial":"False"}"#, false),
            (r#"{"users_count":"1","end_date":"2027-01-01"}"#, false),
        ] {
            let r = &parse(3, license)[0];
            assert_eq!(r.expires_at.is_some(), expires, "{license}");
            assert_eq!(r.details.contains_key("support_until"), !expires, "{license}");
        }
        let e = OnlyOffice.parse(
            &Payloads::one(br#"{"error":0,"license":{"users_count":"ten"},"server":{"resultType":3}}"#.to_vec()),
            &Settings::default(),
            &mut Sink::new(&crate::holder::Kept::all, &mut |_| {}),
        );
        assert!(e.is_err_and(|e| e.to_string().starts_with("$.license.users_count: expected a non-negative integer, found \"ten\"")));
    }
}
