//! cPod (CyberPod): `SoftwareLicense` records from `/api/v1/licenses` and their
//! `LicenseAssignment`s from `/api/v1/licenses/assignments`.
//!
//! Field names come in snake_case and in the older camelCase; lists come bare or
//! in an envelope (see [`Collection`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

use super::wire::{decode, opt_time, Collection, Count, PayloadError};
use super::{Parsed, Payloads, Vendor};
use crate::config::SourceSettings;
use crate::holder::Holder;
use crate::record::{Record, Status};

pub struct Cpod;

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
    #[serde(default, alias = "expiryDate", deserialize_with = "opt_time")]
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
        self.is_deleted == Some(true) || self.deleted_at.is_some()
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
    #[serde(alias = "assigneeId")]
    assignee_id: Option<String>,
    #[serde(alias = "assigneeType")]
    assignee_type: Option<String>,
    #[serde(default, alias = "assignedAt", deserialize_with = "opt_time")]
    assigned_at: Option<DateTime<Utc>>,
    #[serde(default, alias = "expiresAt", deserialize_with = "opt_time")]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default, alias = "lastUsedAt", deserialize_with = "opt_time")]
    last_used_at: Option<DateTime<Utc>>,
    status: Option<String>,
    #[serde(default, alias = "isDeleted")]
    is_deleted: Option<bool>,
    #[serde(default, alias = "deletedAt")]
    deleted_at: Option<String>,
    #[serde(default, alias = "assetId")]
    asset_id: Option<String>,
}

impl Assignment {
    fn active(&self) -> bool {
        self.is_deleted != Some(true) && self.deleted_at.is_none() && self.status.as_deref().is_none_or(|s| s == "active")
    }
}

impl Vendor for Cpod {
    fn kind(&self) -> &'static str {
        "cpod"
    }

    fn about(&self) -> &'static str {
        "cPod software licenses and seat assignments (GET /api/v1/licenses)"
    }

    fn keys(&self) -> &'static [&'static str] {
        &[
            "token",
            "token_env",
            "token_command",
            "client_id",
            "client_secret",
            "client_secret_env",
            "client_secret_command",
            "assignments_file",
        ]
    }

    fn parse(&self, payloads: &Payloads, _: &SourceSettings) -> Result<Parsed, PayloadError> {
        let licenses: Collection<License> = decode(&payloads.main)?;
        let mut records = Vec::new();
        let mut by_id: HashMap<&str, &License> = HashMap::new();
        for lic in licenses.items.iter().filter(|l| !l.deleted()) {
            if let Some(id) = &lic.id {
                by_id.insert(id, lic);
            }
            let mut rec = Record::new(&lic.product_name, lic.metric(), Some(lic.used_seats), lic.limit()).expires(lic.expiry_date);
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
            records.push(rec);
        }

        let mut holders = Vec::new();
        if let Some(body) = &payloads.assignments {
            let assignments: Collection<Assignment> = decode(body).map_err(|e| match e {
                PayloadError::Invalid { path, message } => PayloadError::at(format!("assignments {path}"), message),
                other => PayloadError::Vendor(format!("assignments: {other}")),
            })?;
            for a in assignments.items.iter().filter(|a| a.active()) {
                let license = a.license_id.as_deref().and_then(|id| by_id.get(id));
                let (product, metric) = match license {
                    Some(l) => (l.product_name.clone(), l.metric().to_string()),
                    None => (a.license_id.clone().unwrap_or_else(|| "(unknown license)".into()), "seats".into()),
                };
                let mut h = Holder::new(product, metric, a.assignee_id.clone().unwrap_or_else(|| "(unknown)".into()))
                    .detail("assignment_id", a.id.clone())
                    .detail("license_id", a.license_id.clone())
                    .detail("asset_id", a.asset_id.clone());
                h.holder_type = a.assignee_type.clone();
                h.since = a.assigned_at;
                h.last_used_at = a.last_used_at;
                h.expires_at = a.expires_at;
                holders.push(h);
            }
        }
        Ok(Parsed { records, holders })
    }
}
