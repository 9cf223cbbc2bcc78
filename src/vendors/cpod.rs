//! cPod (CyberPod): `SoftwareLicense` records from `/api/v1/licenses` and their
//! `LicenseAssignment`s from `/api/v1/licenses/assignments`.
//!
//! Field names come in snake_case and in the older camelCase; lists come bare or
//! in an envelope (see `wire::for_each`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

use anyhow::{bail, Context};

use super::wire::{decode_credential, decode_pages, TokenAnswer, for_each_map, opt_time, page_info, Count, PayloadError};
use super::{Body, Key, Kind, Payloads, Shape};
use crate::fetch::{BoxFuture, Fetch};
use crate::holder::{Holder, Sink};
use crate::http::Call;
use crate::record::{Record, Status};
use crate::secret::Secret;

pub struct Cpod;

/// cPod's own keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    client_id: Option<String>,
    token_url: Option<String>,
    scope: Option<String>,
}

/// The payload name of the assignments, beside the licenses.
const ASSIGNMENTS: &str = "assignments";

pub const DEFAULT_URL: &str = "https://api.cyberpod.app";
/// A guard against a server whose pagination never ends.
const MAX_PAGES: usize = 100_000;

/// `Some(None)` for an explicit `null`, `None` when the field is absent.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    Ok(Some(Option::<Count>::deserialize(d)?.map(|c| c.0)))
}

#[derive(Deserialize)]
struct License {
    id: Option<String>,
    #[serde(default, alias = "isDeleted")]
    is_deleted: Option<bool>,
    #[serde(default, alias = "deletedAt")]
    deleted_at: Option<String>,
    vendor: Option<String>,
    #[serde(alias = "productName")]
    product_name: String,
    #[serde(alias = "productSku")]
    product_sku: Option<String>,
    #[serde(alias = "licenseType")]
    license_type: Option<String>,
    /// snake_case: `null` (or absent) means unlimited.
    #[serde(default, deserialize_with = "present")]
    total_seats: Option<Option<u64>>,
    /// camelCase: `0` means unlimited as well.
    #[serde(default, rename = "totalSeats", deserialize_with = "present")]
    total_seats_camel: Option<Option<u64>>,
    #[serde(alias = "usedSeats", deserialize_with = "used_seats")]
    used_seats: u64,
    #[serde(default, alias = "availableSeats")]
    available_seats: Option<i64>,
    /// `expiresAt` in the older camelCase pages.
    #[serde(default, alias = "expiryDate", alias = "expiresAt", deserialize_with = "opt_time")]
    expiry_date: Option<DateTime<Utc>>,
    #[serde(default, alias = "renewalDate", deserialize_with = "opt_time")]
    renewal_date: Option<DateTime<Utc>>,
    #[serde(alias = "autoRenew")]
    auto_renew: Option<bool>,
    status: Option<String>,
    #[serde(alias = "complianceStatus")]
    compliance_status: Option<String>,
    #[serde(alias = "contractReference")]
    contract_reference: Option<String>,
}

fn used_seats<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Count::deserialize(d).map(|c| c.0)
}

impl License {
    fn deleted(&self) -> bool {
        // `deleted_at: ""` (an exporter's empty cell) is not a deletion time.
        self.is_deleted == Some(true) || self.deleted_at.as_deref().is_some_and(|d| !d.trim().is_empty())
    }

    fn limit(&self) -> Option<u64> {
        match (self.total_seats, self.total_seats_camel) {
            (Some(snake), _) => snake,
            (None, Some(camel)) => camel.filter(|n| *n > 0),
            (None, None) => None,
        }
    }

    fn metric(&self) -> &str {
        self.license_type.as_deref().unwrap_or("seats")
    }
}

#[derive(Deserialize)]
struct Assignment {
    id: Option<String>,
    #[serde(alias = "licenseId")]
    license_id: Option<String>,
    /// `personId` in the older camelCase pages.
    #[serde(alias = "assigneeId", alias = "personId")]
    assignee_id: Option<String>,
    #[serde(alias = "assigneeType")]
    assignee_type: Option<String>,
    #[serde(default, alias = "assignedAt", deserialize_with = "opt_time")]
    assigned_at: Option<DateTime<Utc>>,
    #[serde(default, alias = "expiresAt", deserialize_with = "opt_time")]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default, alias = "lastUsedAt", deserialize_with = "opt_time")]
    last_used_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "active_status")]
    status: Option<bool>,
    #[serde(default, alias = "isDeleted")]
    is_deleted: Option<bool>,
    /// Only whether it is set matters.
    #[serde(default, alias = "deletedAt")]
    deleted_at: Option<IgnoredAny>,
    #[serde(default, alias = "assetId")]
    asset_id: Option<String>,
}

/// `status`: whether it says `active`, read without copying the text.
fn active_status<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a status string")
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(self)
        }
        fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
            Ok(Some(s == "active"))
        }
    }
    d.deserialize_option(V)
}

impl Assignment {
    fn active(&self) -> bool {
        self.is_deleted != Some(true) && self.deleted_at.is_none() && self.status != Some(false)
    }
}

impl Kind for Cpod {
    type Settings = Settings;

    fn kind(&self) -> &'static str {
        "cpod"
    }

    fn about(&self) -> &'static str {
        "cPod software licenses and seat assignments (GET /api/v1/licenses)"
    }

    fn has_holders(&self) -> bool {
        true
    }

    fn example(&self) -> &'static str {
        "licusage cpod --file licenses.json --assignments-file assignments.json"
    }

    fn default_url(&self) -> Option<&'static str> {
        Some(DEFAULT_URL)
    }

    fn keys(&self) -> &'static [Key] {
        const KEYS: &[Key] = &[
            Key::secret("token", "the cPod API token"),
            Key::text("client_id", "cPod client id for the client-credentials flow"),
            Key::secret("client_secret", "the cPod client secret"),
            Key::text("token_url", "token endpoint of the client-credentials flow (default {url}/v1/oauth/token)"),
            Key::text("scope", "scope asked for in the client-credentials flow"),
            Key::input("assignments_file", ASSIGNMENTS, true, "read the cPod assignments payload from this file (- for stdin)"),
        ];
        KEYS
    }

    fn check(&self, settings: &Settings, shape: Shape) -> Result<(), String> {
        if shape.reads_file {
            return Ok(());
        }
        match &settings.client_id {
            Some(_) if !shape.has("client_secret") && !shape.has("token") => {
                Err("`client_id` needs `client_secret_env` or `client_secret_command`".into())
            }
            None if !shape.has("token") => {
                Err("the API needs credentials: `token_env`, or `client_id` with `client_secret_env` (or give `file`)".into())
            }
            _ => Ok(()),
        }
    }

    fn parse(&self, payloads: &Payloads, _: &Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        let licenses: Vec<License> = decode_pages(&payloads.main, "")?;
        let mut records = Vec::new();
        // Each license's product and metric, shared by all its holders.
        let mut by_id: HashMap<&str, (Arc<str>, Arc<str>)> = HashMap::new();
        for lic in licenses.iter().filter(|l| !l.deleted()) {
            if let Some(id) = &lic.id {
                by_id.insert(id, (Arc::from(lic.product_name.as_str()), Arc::from(lic.metric())));
            }
            let mut rec = Record::new(&lic.product_name, lic.metric(), Some(lic.used_seats), lic.limit())
                .with_id(lic.id.as_ref().filter(|id| !id.is_empty()))
                .expires(lic.expiry_date);
            rec.renews = lic.auto_renew == Some(true);
            if let (Some(given), Some(_)) = (lic.available_seats, rec.limit) {
                rec.balance = Some(given);
            }
            rec = rec
                .detail("vendor", lic.vendor.clone())
                .detail("license_id", lic.id.clone())
                .detail("sku", lic.product_sku.clone())
                .detail("auto_renew", lic.auto_renew)
                .detail("renewal_date", lic.renewal_date.map(|t| t.to_rfc3339()))
                .detail("license_status", lic.status.clone())
                .detail("compliance_status", lic.compliance_status.clone())
                .detail("contract", lic.contract_reference.clone());
            if lic.compliance_status.as_deref() == Some("over_allocated") {
                rec.flag(Status::Critical, "over-allocated (cPod compliance status)");
            }
            // The lifecycle status says what the dates may not: an expired
            // license without an expiry date is not ok.
            match lic.status.as_deref().map(str::to_ascii_lowercase).as_deref() {
                Some("expired") => rec.flag(Status::Critical, "license expired (cPod status)"),
                Some(s @ ("suspended" | "cancelled" | "canceled" | "terminated" | "inactive")) => {
                    rec.flag(Status::Warning, format!("license {s} (cPod status)"))
                }
                _ => {}
            }
            records.push(rec);
        }

        if let Some(pages) = payloads.extra(ASSIGNMENTS) {
            // Built, and kept or dropped, on the parsing threads; handed on here, in order.
            let (wanted, emit) = holders.split();
            let holder = |a: Assignment| -> Option<Holder> {
                if !a.active() {
                    return None;
                }
                let (product, metric) = match a.license_id.as_deref().and_then(|id| by_id.get(id)) {
                    Some((product, metric)) => (product.clone(), metric.clone()),
                    None => (Arc::from(a.license_id.as_deref().unwrap_or("(unknown license)")), Arc::from("seats")),
                };
                // Moved, not copied: a million of these go through here.
                let Assignment { id, license_id, assignee_id, assignee_type, assigned_at, expires_at, last_used_at, asset_id, .. } = a;
                let mut h = Holder::new(product, metric, assignee_id.unwrap_or_else(|| "(unknown)".into()))
                    .detail("assignment_id", id)
                    .detail("license_id", license_id)
                    .detail("asset_id", asset_id);
                h.identifying = &["assignment_id", "asset_id"];
                h.holder_type = assignee_type;
                h.since = assigned_at;
                h.last_used_at = last_used_at;
                h.expires_at = expires_at;
                h.tracks_use = true;
                wanted(&mut h).then_some(h)
            };
            for_each_map(pages, ASSIGNMENTS, &holder, emit)?;
        }
        Ok(records)
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>, settings: &'a Settings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
        Box::pin(async move {
            let base = ctx.base_url(Some(DEFAULT_URL))?;
            let token = match ctx.secret("token").await? {
                Some(t) => t,
                None => client_credentials(ctx, settings, &base).await?,
            };
            let main = pages(ctx, &base, ctx.endpoint(&base, "/api/v1/licenses", &[])?, &token).await?;
            let mut payloads = Payloads { main, ..Payloads::default() };
            if ctx.want_holders {
                let assignments = pages(ctx, &base, ctx.endpoint(&base, "/api/v1/licenses/assignments", &[])?, &token).await?;
                payloads.extra.insert(ASSIGNMENTS, assignments);
            }
            Ok(payloads)
        })
    }
}

/// The OAuth 2.0 client-credentials flow as cPod's REST reference documents
/// it: `POST /v1/oauth/token`, form-encoded, answering `{access_token,
/// token_type, expires_in}`; `token_url` and `scope` change it.
async fn client_credentials(ctx: &Fetch<'_>, settings: &Settings, base: &reqwest::Url) -> anyhow::Result<Secret> {
    let client_id = settings
        .client_id
        .as_deref()
        .context("no cPod credentials: give `token_env` (or `_command`), or `client_id` with `client_secret_env` (or `_command`)")?;
    let secret = ctx
        .secret("client_secret")
        .await?
        .context("`client_id` is set but no client secret: give `client_secret_env` or `client_secret_command`")?;
    let url = match &settings.token_url {
        Some(u) => reqwest::Url::parse(u).with_context(|| format!("`token_url` {u:?} is not a URL"))?,
        None => ctx.endpoint(base, "/v1/oauth/token", &[])?,
    };
    let mut form = vec![("grant_type", "client_credentials"), ("client_id", client_id), ("client_secret", secret.expose())];
    if let Some(scope) = &settings.scope {
        form.push(("scope", scope));
    }
    let reply = ctx.send(Call::post_form(url, &form).header("accept", "application/json")).await?;
    if !reply.is_success() {
        bail!("cPod token request for client {client_id} failed: {}", reply.status_line());
    }
    let answer: TokenAnswer = decode_credential(&reply.body).context("cPod token answer")?;
    answer.token().filter(|t| !t.is_empty()).map(Secret::new).context("cPod token answer has no `access_token`")
}

/// Every page of a list, following whichever pagination the server uses: a
/// `next_cursor` sent back as `?cursor=`, a `next` URL, a `Link: rel="next"`
/// header, or `total` with `offset`/`limit` paged by `?offset=`.
async fn pages(ctx: &Fetch<'_>, base: &reqwest::Url, first: reqwest::Url, token: &Secret) -> anyhow::Result<Vec<Body>> {
    let bearer = format!("Bearer {}", token.expose());
    let mut pages = Vec::new();
    let mut seen = HashSet::new();
    let mut fetched = 0u64;
    let mut next = Some(first.clone());
    while let Some(url) = next.take() {
        if !seen.insert(url.to_string()) {
            bail!("pagination loops: the server sent {} again after {} pages", crate::http::shown(&url), pages.len());
        }
        if pages.len() >= MAX_PAGES {
            bail!("pagination did not end after {MAX_PAGES} pages");
        }
        let reply = ctx.send(Call::get(url.clone()).header("accept", "application/json").secret_header("authorization", &bearer)?).await?;
        let link = reply.headers.get_all(reqwest::header::LINK).iter().filter_map(|v| v.to_str().ok()).find_map(link_next);
        let body = ctx.body(reply)?;
        let page = page_info(&body).with_context(|| format!("page {}", pages.len() + 1))?;
        let got = page.items;
        next = if let Some(cursor) = page.next_cursor.filter(|c| !c.is_empty()) {
            let mut u = first.clone();
            u.query_pairs_mut().append_pair("cursor", &cursor);
            Some(u)
        } else if let Some(href) = page.next.filter(|n| !n.is_empty()).or(link) {
            let u = url.join(&href).with_context(|| format!("`next` {href:?} is not a URL"))?;
            if u.origin() != base.origin() {
                bail!(
                    "`next` page {} is on another host: not followed, so that the token stays with {}",
                    crate::http::shown(&u),
                    base.origin().ascii_serialization()
                );
            }
            Some(u)
        } else if let (Some(total), true) = (page.total, page.offset.is_some() || page.limit.is_some()) {
            let offset = page.offset.unwrap_or(fetched) + got;
            if got > 0 && offset < total {
                let mut u = first.clone();
                u.query_pairs_mut().append_pair("offset", &offset.to_string());
                if let Some(limit) = page.limit {
                    u.query_pairs_mut().append_pair("limit", &limit.to_string());
                }
                Some(u)
            } else {
                None
            }
        } else {
            None
        };
        fetched += got;
        pages.push(Body::Bytes(body));
    }
    Ok(pages)
}

/// The target of `rel="next"` in a `Link` header.
fn link_next(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p == "rel=\"next\"" || p == "rel=next"
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        assert_eq!(link_next(r#"<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last""#), Some("https://a/x?page=2".into()));
        assert_eq!(link_next(r#"<https://a/x?page=1>; rel="prev""#), None);
        assert_eq!(link_next("</p3>; rel=next"), Some("/p3".into()));
    }
}
