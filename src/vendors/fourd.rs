//! 4D Server's `License usage` collection, as JSON (`JSON Stringify(License usage)`),
//! bare or as an ORDA exposed function's `{"result": [...]}`.

use serde::Deserialize;

use super::wire::{decode_pages, Count, PayloadError, Timestamp};
use super::{Parsed, Payloads, Vendor};
use crate::config::SourceSettings;
use crate::fetch::{BoxFuture, Fetch};
use crate::holder::Holder;
use crate::http::Call;
use crate::record::Record;

pub struct FourD;

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
    creation_date_time: Option<Timestamp>,
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

impl Vendor for FourD {
    fn kind(&self) -> &'static str {
        "4d"
    }

    fn about(&self) -> &'static str {
        "4D Server `License usage` collection (served by an exposed function, or exported)"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["token", "token_env", "token_command", "username", "password", "password_env", "password_command"]
    }

    fn parse(&self, payloads: &Payloads, _: &SourceSettings) -> Result<Parsed, PayloadError> {
        let items: Vec<RetainedLicense> = decode_pages(&payloads.main, "")?;
        // One record per product, in order of first appearance.
        let mut products: Vec<(u64, Vec<&RetainedLicense>)> = Vec::new();
        for item in &items {
            match products.iter_mut().find(|(id, _)| *id == item.product_id.0) {
                Some((_, items)) => items.push(item),
                None => products.push((item.product_id.0, vec![item])),
            }
        }
        let mut records = Vec::new();
        for (id, items) in &products {
            let Some(newest) = items.iter().max_by_key(|i| i.time) else { continue };
            let limit = newest
                .product_used_count
                .0
                .checked_add(newest.product_balance.0)
                .ok_or_else(|| PayloadError::at("$", format!("product {id}: productUsedCount + productBalance overflows")))?;
            records.push(
                Record::new(&newest.product_name, "licenses", Some(items.len() as u64), Some(limit))
                    .detail("product_id", *id)
                    .detail("global_used", newest.global_product_used_count.map(|c| c.0)),
            );
        }
        let holders = items
            .iter()
            .map(|item| {
                let s = item.session.as_ref();
                let name = s.and_then(|s| s.user_name.clone()).unwrap_or_else(|| "(unknown)".into());
                let mut h = Holder::new(&item.product_name, "licenses", name)
                    .detail("machine", s.and_then(|s| s.machine_name.clone()))
                    .detail("system_user", s.and_then(|s| s.system_user_name.clone()))
                    .detail("ip", s.and_then(|s| s.ip_address.clone()))
                    .detail("host_type", s.and_then(|s| s.host_type.clone()))
                    .detail("state", s.and_then(|s| s.state.clone()))
                    .detail("session_id", s.and_then(|s| s.id.clone().or_else(|| s.session_id.clone())))
                    .detail("user_agent", s.and_then(|s| s.user_agent.clone()))
                    .detail("reason", item.reason.clone());
                h.holder_type = s.and_then(Session::kind);
                h.since = s.and_then(|s| s.creation_date_time).map(|t| t.0).or(Some(item.time.0));
                h
            })
            .collect();
        Ok(Parsed { records, holders })
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>) -> BoxFuture<'a, Result<Payloads, String>> {
        Box::pin(async move {
            let url = ctx.base_url(None)?;
            let mut call = Call::get(url).header("accept", "application/json");
            if let Some(token) = ctx.secret("token")? {
                call = call.secret_header("authorization", &format!("Bearer {}", token.expose()))?;
            } else if let Some(user) = ctx.settings().username.as_deref() {
                let password =
                    ctx.secret("password")?.ok_or("`username` is set but no password: give `password_env` or `password_command`")?;
                let basic = base64_encode(format!("{user}:{}", password.expose()).as_bytes());
                call = call.secret_header("authorization", &format!("Basic {basic}"))?;
            }
            ctx.body(ctx.send(call).await?, self).map(Payloads::one)
        })
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
