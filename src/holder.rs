//! Who holds a seat: a 4D session, an ONLYOFFICE quota user, a cPod assignment.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holder {
    pub source: String,
    pub kind: String,
    pub product: String,
    pub metric: String,
    /// The identity holding the seat: user name, user id or assignee id.
    pub holder: String,
    /// Session type (4D), `user`/`viewer` (ONLYOFFICE), assignee type (cPod).
    pub holder_type: Option<String>,
    /// When the seat was taken: session start or assignment date.
    pub since: Option<DateTime<Utc>>,
    /// When the seat was last used, where the vendor records it.
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub details: Map<String, Value>,
    /// Whether the vendor records use at all (cPod's `last_used_at`), so that
    /// no `last_used_at` means never used rather than unknown.
    #[serde(skip)]
    pub tracks_use: bool,
}

impl Holder {
    pub fn new(product: impl Into<String>, metric: impl Into<String>, holder: impl Into<String>) -> Self {
        Holder {
            source: String::new(),
            kind: String::new(),
            product: product.into(),
            metric: metric.into(),
            holder: holder.into(),
            holder_type: None,
            since: None,
            last_used_at: None,
            expires_at: None,
            details: Map::new(),
            tracks_use: false,
        }
    }

    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        let value = value.into();
        if !value.is_null() {
            self.details.insert(key.to_string(), value);
        }
        self
    }
}
