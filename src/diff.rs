//! `licusage diff OLD.json NEW.json`: what changed between two saved
//! `show --format json` documents, per series.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::error::UsageError;
use crate::payload::decode;
use crate::record::{Record, Status};
use crate::report::{SourceError, SCHEMA_VERSION};

/// A saved `show --format json` document: its records, and the sources that
/// could not be read then.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Saved {
    schema_version: u32,
    pub records: Vec<Record>,
    #[serde(default)]
    pub errors: Vec<SourceError>,
}

/// Read a saved `show --format json` document.
pub fn load(path: &Path) -> Result<Saved, UsageError> {
    let bytes = std::fs::read(path).map_err(|e| UsageError(format!("cannot read {}: {e}", path.display())))?;
    parse(&bytes).map_err(|e| UsageError(format!("{}: {e}", path.display())))
}

/// A `show --format json` document.
pub fn parse(bytes: &[u8]) -> Result<Saved, String> {
    let doc: Saved = decode(bytes).map_err(|e| format!("not a `licusage show --format json` document: {e}"))?;
    if doc.schema_version != SCHEMA_VERSION {
        return Err(format!("schema_version {} is not supported (expected {SCHEMA_VERSION})", doc.schema_version));
    }
    Ok(doc)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change<T> {
    pub old: Option<T>,
    pub new: Option<T>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub source: String,
    pub id: String,
    pub kind: String,
    pub product: String,
    pub metric: String,
    pub used: Change<u64>,
    pub used_delta: Option<i64>,
    pub limit: Change<u64>,
    pub limit_delta: Option<i64>,
    pub status: Change<Status>,
    /// A renewal moves the expiry: a change of its own.
    pub expires_at: Change<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Default, Serialize)]
pub struct Diff {
    pub added: Vec<Record>,
    pub removed: Vec<Record>,
    pub changed: Vec<Changed>,
    /// Sources that failed in the newer document: their series are not
    /// compared (a failed read is not licenses removed).
    pub failed: Vec<SourceError>,
}

impl Diff {
    /// No series changed (failed sources aside).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn delta(old: Option<u64>, new: Option<u64>) -> Option<i64> {
    Some(i64::try_from(new?).ok()? - i64::try_from(old?).ok()?)
}

/// Series are matched on (source, id); a record from a document written
/// before ids matches the new record of the same product and metric.
pub fn compare(old: Saved, new: Saved) -> Diff {
    let key = |r: &Record| (r.source.clone(), r.key());
    let failed = |source: &str| new.errors.iter().any(|e| e.source == source);
    let mut before: BTreeMap<_, Record> = old.records.into_iter().filter(|r| !failed(&r.source)).map(|r| (key(&r), r)).collect();
    let mut diff = Diff { failed: new.errors.clone(), ..Diff::default() };
    let mut after: Vec<Record> = new.records;
    after.sort_by_key(|r| (r.source.clone(), r.product.clone(), r.metric.clone(), r.id.clone()));
    for n in after {
        let legacy = (n.source.clone(), format!("{}/{}", n.product, n.metric));
        let old = match before.remove(&key(&n)) {
            Some(o) => Some(o),
            None if before.get(&legacy).is_some_and(|o| o.id.is_empty()) => before.remove(&legacy),
            None => None,
        };
        match old {
            None => diff.added.push(n),
            Some(o) if o.used != n.used || o.limit != n.limit || o.status != n.status || o.expires_at != n.expires_at => {
                diff.changed.push(Changed {
                    used_delta: delta(o.used, n.used),
                    limit_delta: delta(o.limit, n.limit),
                    used: Change { old: o.used, new: n.used },
                    limit: Change { old: o.limit, new: n.limit },
                    status: Change { old: Some(o.status), new: Some(n.status) },
                    expires_at: Change { old: o.expires_at, new: n.expires_at },
                    id: n.key(),
                    source: n.source,
                    kind: n.kind,
                    product: n.product,
                    metric: n.metric,
                })
            }
            Some(_) => {}
        }
    }
    diff.removed = before.into_values().collect();
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(product: &str, used: u64, limit: u64) -> Record {
        let mut r = Record::new(product, "m", Some(used), Some(limit));
        r.source = "s".into();
        r
    }

    #[test]
    fn added_removed_changed() {
        let saved = |records| Saved { schema_version: SCHEMA_VERSION, records, errors: Vec::new() };
        let d = compare(
            saved(vec![rec("a", 1, 10), rec("b", 5, 10), rec("c", 1, 1)]),
            saved(vec![rec("a", 1, 10), rec("b", 7, 12), rec("d", 0, 3)]),
        );
        assert_eq!(d.added.iter().map(|r| r.product.as_str()).collect::<Vec<_>>(), ["d"]);
        assert_eq!(d.removed.iter().map(|r| r.product.as_str()).collect::<Vec<_>>(), ["c"]);
        assert_eq!(d.changed.len(), 1);
        assert_eq!((d.changed[0].used_delta, d.changed[0].limit_delta), (Some(2), Some(2)));
        let mut text = Vec::new();
        crate::output::diff::write(&mut text, crate::output::Format::Table, &d).unwrap_or_default();
        assert_eq!(
            String::from_utf8_lossy(&text),
            "+ s/d/m  used 0  limit 3  ok\n- s/c/m  used 1  limit 1  ok\n~ s/b/m  used 5 → 7 (+2)  limit 10 → 12 (+2)\n"
        );
        assert!(compare(saved(vec![rec("a", 1, 10)]), saved(vec![rec("a", 1, 10)])).is_empty());
    }
}
