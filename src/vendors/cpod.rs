//! cPod (CyberPod): `SoftwareLicense` records from `/api/v1/licenses` and their
//! `LicenseAssignment`s from `/api/v1/licenses/assignments`.
//!
//! Field names come in snake_case and in the older camelCase; lists come bare or
//! in an envelope (see `payload::for_each`).

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

use anyhow::Context;

use super::{Key, Kind, Payloads, Shape};
use crate::fetch::{BoxFuture, Fetch};
use crate::fetch::{oauth, paging};
use crate::holder::{Holder, Kept, Sink};
use crate::http::Call;
use crate::payload::{decode_pages, for_each_map, opt_time, Count, PayloadError};
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
    /// Prices: read loosely, as a value of any type; an odd one is left out.
    #[serde(default, alias = "listPrice")]
    list_price: Option<serde_json::Value>,
    #[serde(default, alias = "negotiatedDiscount")]
    negotiated_discount: Option<serde_json::Value>,
    #[serde(default)]
    cost: Option<serde_json::Value>,
    #[serde(default)]
    currency: Option<serde_json::Value>,
}

/// What one seat costs a year after the negotiated discount, and in which
/// currency: `list_price` (per seat per billing period) less
/// `negotiated_discount` percent, times the periods in a year (`cost`'s
/// `billing_period`, `billing_cycle` or `period`: annual, monthly, quarterly;
/// none said is annual). No currency (`cost.currency` or `currency`), a
/// negative or non-numeric price, a discount outside 0–100 or a period of
/// another name: no price, never a guess.
fn unit_price(lic: &License) -> Option<(f64, String)> {
    use serde_json::Value;
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let cost = lic.cost.as_ref().and_then(Value::as_object);
    let text = |key: &str| cost.and_then(|c| c.get(key)).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let currency = text("currency").or_else(|| lic.currency.as_ref().and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()))?;
    if currency.len() > 8 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let list = lic.list_price.as_ref().and_then(number).filter(|p| p.is_finite() && *p >= 0.0)?;
    let discount = match &lic.negotiated_discount {
        None | Some(Value::Null) => 0.0,
        Some(v) => number(v).filter(|d| (0.0..=100.0).contains(d))?,
    };
    let per_year = match text("billing_period").or_else(|| text("billing_cycle")).or_else(|| text("period")).map(str::to_ascii_lowercase).as_deref() {
        None | Some("annual" | "annually" | "yearly" | "year" | "per_year") => 1.0,
        Some("monthly" | "month" | "per_month") => 12.0,
        Some("quarterly" | "quarter" | "per_quarter") => 4.0,
        Some(_) => return None,
    };
    let price = (list * (1.0 - discount / 100.0) * per_year * 100.0).round() / 100.0;
    Some((price, currency.to_ascii_uppercase()))
}

/// What the holders of a license share: product, metric, price.
type Series = (Arc<str>, Arc<str>, Option<crate::holder::Price>);

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
        let (sp, k) = (shape.spelling, |n: &str| shape.spelling.key(n));
        match &settings.client_id {
            Some(_) if !shape.has("client_secret") && !shape.has("token") => {
                Err(format!("{} needs {}", k("client_id"), sp.either(&["client_secret_env", "client_secret_command"])))
            }
            None if !shape.has("token") => Err(format!(
                "the API needs credentials: {}, or {} with {} (or give {})",
                k("token_env"),
                k("client_id"),
                k("client_secret_env"),
                k("file")
            )),
            _ => Ok(()),
        }
    }

    fn parse(&self, payloads: &Payloads, _: &Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        let licenses: Vec<License> = decode_pages(&payloads.main, "")?;
        let mut records = Vec::new();
        // Each license's product and metric, shared by all its holders.
        let mut by_id: HashMap<&str, Series> = HashMap::default();
        for lic in licenses.iter().filter(|l| !l.deleted()) {
            let price = unit_price(lic);
            if let Some(id) = &lic.id {
                let shared = price.as_ref().map(|(p, c)| (*p, Arc::from(c.as_str())));
                by_id.insert(id, (Arc::from(lic.product_name.as_str()), Arc::from(lic.metric()), shared));
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
            if let Some((price, currency)) = price {
                rec = rec.detail("unit_price", price).detail("currency", currency);
            }
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
            // A CSV of a million rows shows no details: none are made.
            let details = holders.wants_details();
            let (wanted, emit) = holders.split();
            let holder = |a: Assignment| -> Option<Kept> {
                if !a.active() {
                    return None;
                }
                let (product, metric, price) = match a.license_id.as_deref().and_then(|id| by_id.get(id)) {
                    Some((product, metric, price)) => (product.clone(), metric.clone(), price.clone()),
                    None => (Arc::from(a.license_id.as_deref().unwrap_or("(unknown license)")), Arc::from("seats"), None),
                };
                // Moved, not copied: a million of these go through here.
                let Assignment { id, license_id, assignee_id, assignee_type, assigned_at, expires_at, last_used_at, asset_id, .. } = a;
                let mut h = Holder::new(product, metric, assignee_id.unwrap_or_else(|| "(unknown)".into()));
                if details {
                    h = h.detail("assignment_id", id).detail("license_id", license_id).detail("asset_id", asset_id);
                }
                h.identifying = &["assignment_id", "asset_id"];
                h.holder_type = assignee_type;
                h.since = assigned_at;
                h.last_used_at = last_used_at;
                h.expires_at = expires_at;
                h.tracks_use = true;
                h.price = price;
                wanted(h)
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
            let bearer = format!("Bearer {}", token.expose());
            let call = move |url: reqwest::Url| Call::get(url).header("accept", "application/json").secret_header("authorization", &bearer);
            let mut payloads = Payloads::default();
            let licenses = ctx.endpoint(&base, "/api/v1/licenses", &[])?;
            if ctx.want_holders {
                // A million assignments stream by, a page ahead of the parse,
                // fetched while the licenses are.
                let first = ctx.endpoint(&base, "/api/v1/licenses/assignments", &[])?;
                let assignments = paging::stream(ctx, base.clone(), first, call.clone());
                payloads.extra.insert(ASSIGNMENTS, vec![assignments]);
            }
            payloads.main = paging::pages(ctx, &base, licenses, paging::Shape::Lists, None, &call).await?;
            Ok(payloads)
        })
    }
}

/// The client-credentials flow as cPod's REST reference documents it:
/// `POST /v1/oauth/token` (`token_url` changes it), with `scope` when set.
async fn client_credentials(ctx: &Fetch<'_>, settings: &Settings, base: &reqwest::Url) -> anyhow::Result<Secret> {
    let client_id = settings.client_id.as_deref().with_context(|| {
        format!(
            "no cPod credentials: give {}, or {} with {}",
            ctx.either(&["token_env", "token_command"]),
            ctx.key("client_id"),
            ctx.either(&["client_secret_env", "client_secret_command"])
        )
    })?;
    let secret = ctx.secret("client_secret").await?.with_context(|| {
        format!("{} is set but no client secret: give {}", ctx.key("client_id"), ctx.either(&["client_secret_env", "client_secret_command"]))
    })?;
    let token_url = match &settings.token_url {
        Some(u) => oauth::token_url(ctx, u)?,
        None => ctx.endpoint(base, "/v1/oauth/token", &[])?,
    };
    oauth::client_credentials(ctx, oauth::Client { label: "cPod", client_id, secret: &secret, token_url, scope: settings.scope.as_deref(), basic: false, params: &[] }).await
}

