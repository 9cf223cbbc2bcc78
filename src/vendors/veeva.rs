//! Veeva Vault: `GET /api/{version}/objects/licenses`.
//!
//! Vault answers HTTP 200 for most failures, so `responseStatus` decides.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::wire::{decode, Count, PayloadError};
use super::{Parsed, Payloads, Vendor};
use crate::config::SourceSettings;
use crate::record::Record;

pub struct Veeva;

#[derive(Deserialize)]
struct Response {
    #[serde(rename = "responseStatus")]
    response_status: String,
    #[serde(rename = "responseMessage")]
    response_message: Option<String>,
    #[serde(default)]
    errors: Vec<VaultMessage>,
    #[serde(default)]
    warnings: Vec<VaultMessage>,
    doc_count: Option<Usage>,
    applications: Option<Vec<Application>>,
}

#[derive(Deserialize)]
struct VaultMessage {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: Option<String>,
}

impl VaultMessage {
    fn describe(&self) -> String {
        match (&self.kind, &self.message) {
            (Some(k), Some(m)) => format!("{k}: {m}"),
            (Some(k), None) => k.clone(),
            (None, Some(m)) => m.clone(),
            (None, None) => "no details".to_string(),
        }
    }
}

#[derive(Deserialize)]
struct Application {
    application_name: String,
    user_licensing: BTreeMap<String, LicenseType>,
}

#[derive(Deserialize)]
struct LicenseType {
    licensed: Count,
    used: Count,
    shared: Option<bool>,
}

#[derive(Deserialize)]
struct Usage {
    licensed: Count,
    used: Count,
}

impl Vendor for Veeva {
    fn kind(&self) -> &'static str {
        "veeva"
    }

    fn about(&self) -> &'static str {
        "Veeva Vault application licenses (GET /api/{version}/objects/licenses)"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["api_version", "session_id", "session_id_env", "session_id_command", "username", "password", "password_env", "password_command"]
    }

    fn parse(&self, payloads: &Payloads, _: &SourceSettings) -> Result<Parsed, PayloadError> {
        let r: Response = decode(&payloads.main)?;
        if r.response_status != "SUCCESS" && r.response_status != "WARNING" {
            let why: Vec<String> = r.errors.iter().map(VaultMessage::describe).chain(r.response_message.clone()).collect();
            let why = if why.is_empty() { "no errors given".to_string() } else { why.join("; ") };
            return Err(PayloadError::Vendor(format!("Vault answered {}: {why}", r.response_status)));
        }
        let applications = r.applications.ok_or_else(|| PayloadError::at("$", "missing field `applications`"))?;
        let warnings: Vec<String> = r.warnings.iter().map(VaultMessage::describe).collect();
        let mut records = Vec::new();
        for app in &applications {
            for (license_type, usage) in &app.user_licensing {
                let mut rec = Record::new(&app.application_name, license_type, Some(usage.used.0), Some(usage.licensed.0));
                rec = rec.detail("shared", usage.shared);
                records.push(rec);
            }
        }
        if let Some(docs) = r.doc_count {
            records.push(Record::new("vault", "doc_count", Some(docs.used.0), Some(docs.licensed.0)));
        }
        if !warnings.is_empty() {
            for rec in &mut records {
                rec.details.insert("vault_warnings".into(), warnings.clone().into());
            }
        }
        Ok(Parsed { records, holders: Vec::new() })
    }
}
