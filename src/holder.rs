//! Who holds a seat: a session, a quota user, an assignment; what each kind
//! calls its holders is its own module's business.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// What one seat costs a year, and the currency.
pub type Price = (f64, Arc<str>);

/// One row of `licusage holders`. The strings every row of a series shares
/// are reference-counted, not copied: an export has a million rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holder {
    pub source: Arc<str>,
    pub kind: &'static str,
    pub product: Arc<str>,
    pub metric: Arc<str>,
    /// The identity holding the seat: user name, user id or assignee id.
    pub holder: String,
    /// What sort of holder, in the kind's words (a session type, `editor`, …).
    pub holder_type: Option<String>,
    /// When the seat was taken: session start or assignment date.
    pub since: Option<DateTime<Utc>>,
    /// When the seat was last used, where the vendor records it.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Days since last use (or since assignment, when never used); only where
    /// the vendor records use.
    pub idle_days: Option<i64>,
    /// Whether the seat was never used; only where the vendor records use.
    pub never_used: Option<bool>,
    pub expires_at: Option<DateTime<Utc>>,
    /// What the seat costs a year and in which currency, when the vendor
    /// reports prices (`unit_price` and `currency` in JSON).
    #[serde(flatten, serialize_with = "price")]
    pub price: Option<Price>,
    pub details: BTreeMap<&'static str, Value>,
    /// Where the seat is held from (host, IP), for the table; identifying.
    #[serde(skip)]
    pub location: Option<String>,
    /// The keys of `details` that identify a person or a machine: `--redact`
    /// drops them. Shared by every holder of a kind, never copied.
    #[serde(skip)]
    pub identifying: &'static [&'static str],
    /// Whether the vendor records use at all (a last-used time), so that
    /// no `last_used_at` means never used rather than unknown.
    #[serde(skip)]
    pub tracks_use: bool,
}

/// `unit_price` and `currency`, null when unknown.
fn price<S: serde::Serializer>(price: &Option<Price>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(2))?;
    map.serialize_entry("unit_price", &price.as_ref().map(|p| p.0))?;
    map.serialize_entry("currency", &price.as_ref().map(|p| &*p.1))?;
    map.end()
}

impl Holder {
    pub fn new(product: impl Into<Arc<str>>, metric: impl Into<Arc<str>>, holder: impl Into<String>) -> Self {
        thread_local! {
            /// The source until the reader stamps it: one per thread, not one per holder.
            static UNSTAMPED: Arc<str> = Arc::from("");
        }
        Holder {
            source: UNSTAMPED.with(Arc::clone),
            kind: "",
            product: product.into(),
            metric: metric.into(),
            holder: holder.into(),
            holder_type: None,
            since: None,
            last_used_at: None,
            idle_days: None,
            never_used: None,
            expires_at: None,
            price: None,
            details: BTreeMap::new(),
            location: None,
            identifying: &[],
            tracks_use: false,
        }
    }

    /// Fill `idle_days` and `never_used` as of `now`.
    pub fn age(&mut self, now: DateTime<Utc>) {
        if self.tracks_use {
            self.never_used = Some(self.last_used_at.is_none());
            self.idle_days = self.last_used_at.or(self.since).map(|t| (now - t).num_days().max(0));
        }
    }

    /// Whether the seat has gone unused for `days`: since its last use, or,
    /// never used, since it was assigned (a seat assigned last week is not
    /// idle for 90 days; one never used with no assignment date is not known to be).
    pub fn idle_for(&self, days: i64) -> bool {
        self.idle_days.is_some_and(|d| d >= days)
    }

    /// Replace the identity by a stable short hash and drop the location and
    /// the details the kind marked identifying, for reports that leave the team.
    /// Without a salt the hash is the same everywhere: whoever has a list of
    /// the names can hash it and re-identify. With a secret salt (an HMAC
    /// key) only those who hold the salt can.
    pub fn redact(&mut self, salt: Option<&str>) {
        self.holder = pseudonym(&self.holder, salt);
        self.location = None;
        let identifying = self.identifying;
        self.details.retain(|k, _| !identifying.contains(k));
    }

    pub fn detail(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        let value = value.into();
        if !value.is_null() {
            self.details.insert(key, value);
        }
        self
    }
}

/// The stable short stand-in for a holder's name (`--redact`): keyed by
/// the salt where there is one, so that it cannot be reversed by hashing
/// guessed names.
pub fn pseudonym(name: &str, salt: Option<&str>) -> String {
    let digest: Vec<u8> = match salt {
        Some(salt) => {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, salt.as_bytes());
            ring::hmac::sign(&key, name.as_bytes()).as_ref().to_vec()
        }
        None => ring::digest::digest(&ring::digest::SHA256, format!("licusage:{name}").as_bytes()).as_ref().to_vec(),
    };
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("u-{hex}")
}

/// A holder on its way out: as built, or already written in the output's
/// format on the thread that read it (rows of a large export are written on
/// every core, and freed where they were made).
pub enum Kept {
    Holder(Box<Holder>),
    Written(Vec<u8>),
}

impl Kept {
    /// Every holder, as built: for a sink that keeps them all.
    pub fn all(h: Holder) -> Option<Kept> {
        Some(Kept::Holder(Box::new(h)))
    }

    /// The holder, unless it was written already.
    pub fn into_holder(self) -> Option<Holder> {
        match self {
            Kept::Holder(h) => Some(*h),
            Kept::Written(_) => None,
        }
    }
}

/// Writes one holder as a row of the output (a line of NDJSON or CSV, an
/// object of the JSON list), on whichever thread read it; `None` if it cannot.
pub type RowWriter = Arc<dyn Fn(&Holder) -> Option<Vec<u8>> + Send + Sync>;

/// Finishes a holder and says whether it goes out, and how.
pub type Wanted<'a> = dyn Fn(Holder) -> Option<Kept> + Sync + 'a;

/// Where a vendor hands the holders it reads. `wanted` finishes a holder
/// (stamps, ages, redacts, may write it) and says whether it goes out; it may
/// run on the threads that parse a large export. `emit` hands it on, in the
/// order read.
pub struct Sink<'a> {
    wanted: &'a Wanted<'a>,
    emit: &'a mut dyn FnMut(Kept),
    details: bool,
}

impl<'a> Sink<'a> {
    pub fn new(wanted: &'a Wanted<'a>, emit: &'a mut dyn FnMut(Kept)) -> Self {
        Sink { wanted, emit, details: true }
    }

    /// A sink whose output shows no `details` (CSV, the table, a count).
    pub fn without_details(mut self) -> Self {
        self.details = false;
        self
    }

    /// Whether the holders' `details` are shown: a kind that reads a large
    /// export may leave them out where they are not.
    pub fn wants_details(&self) -> bool {
        self.details
    }

    /// Hand on one holder, if it is wanted.
    pub fn push(&mut self, h: Holder) {
        if let Some(kept) = (self.wanted)(h) {
            (self.emit)(kept);
        }
    }

    /// The two halves, for a vendor that builds holders on several threads:
    /// it calls `wanted` where it builds them and `emit` in order.
    pub fn split(&mut self) -> (&'a Wanted<'a>, &mut dyn FnMut(Kept)) {
        (self.wanted, &mut *self.emit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn idle_and_never_used() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).single().unwrap_or_default();
        let mut h = Holder::new("p", "m", "alice");
        h.tracks_use = true;
        h.since = Some(now - chrono::Duration::days(400));
        h.age(now);
        assert_eq!((h.idle_days, h.never_used), (Some(400), Some(true)));
        // Never used: idle once its assignment is older than the window, not before.
        assert!(h.idle_for(400) && !h.idle_for(401), "never used, assigned 400 days ago");
        h.since = Some(now - chrono::Duration::days(66));
        h.age(now);
        assert!(!h.idle_for(90), "assigned 66 days ago and never used is not idle for 90");
        h.since = None;
        h.age(now);
        assert!(!h.idle_for(1), "never used, assigned when unknown: not known to be idle");
        h.last_used_at = Some(now - chrono::Duration::days(12));
        h.age(now);
        assert_eq!((h.idle_days, h.never_used), (Some(12), Some(false)));
        assert!(h.idle_for(12) && !h.idle_for(13));
        let mut session = Holder::new("p", "m", "bob");
        session.age(now);
        assert_eq!((session.idle_days, session.never_used), (None, None));
        assert!(!session.idle_for(0), "no use recorded: not reported as idle");
    }

    #[test]
    fn redaction_is_stable_and_drops_identifying_details() {
        let mut a = Holder::new("p", "m", "Anna Schmidt").detail("host", "ACC-PC-12").detail("host_type", "windows");
        a.identifying = &["host"];
        a.location = Some("ACC-PC-12".into());
        let mut b = Holder::new("q", "n", "Anna Schmidt");
        a.redact(None);
        b.redact(None);
        assert_eq!(a.holder, b.holder);
        assert!(a.holder.starts_with("u-") && a.holder.len() == 12, "{}", a.holder);
        assert_ne!(a.holder, {
            let mut c = Holder::new("p", "m", "Luis Ortega");
            c.redact(None);
            c.holder
        });
        assert_eq!(a.details.keys().copied().collect::<Vec<_>>(), ["host_type"]);
        // A salt changes every hash, the same way for everyone who holds it.
        let salted = |salt| {
            let mut h = Holder::new("p", "m", "Anna Schmidt");
            h.redact(Some(salt));
            h.holder
        };
        assert_eq!(salted("s3cret"), salted("s3cret"));
        assert_ne!(salted("s3cret"), a.holder);
        assert_ne!(salted("s3cret"), salted("other"));
        assert_eq!(a.location, None);
    }
}
