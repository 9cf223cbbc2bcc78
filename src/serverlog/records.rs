//! A log read laid onto the records of its source's snapshot: each feature's
//! denials and true peak on the record of that feature (`details.denials`,
//! `details.denials_total`, `details.peak`, `details.denials_since`), the
//! counters `licusage_denials_total` are rendered from (features the snapshot
//! does not list, such as a denial for a feature the server does not have,
//! included), and the carry-over set to the snapshot's counts, so that the
//! next read replays from them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Value};

use super::{Cursor, LogRead, Pool, Reason};
use crate::record::Record;

/// One counter of `licusage_denials_total`.
#[derive(Debug, Clone, PartialEq)]
pub struct Counter {
    pub id: String,
    pub product: String,
    pub metric: String,
    pub unit: String,
    pub reason: Reason,
    pub total: u64,
}

/// What reading a source's log gave, beside its records.
#[derive(Debug, Clone)]
pub struct SourceLog {
    pub source: String,
    pub kind: String,
    pub path: PathBuf,
    /// The cursor the read started from, and the one the next starts from.
    pub before: Option<Cursor>,
    pub after: Cursor,
    /// License-seconds per (feature, user) and day.
    pub usage: super::Usage,
    pub counters: Vec<Counter>,
    /// Features the snapshot does not list (a denial of a feature the
    /// server does not have) refused in this read: a record each, its
    /// `details.denials` this read's, for `check --denials-*`.
    pub unlisted: Vec<Record>,
    pub rotated: bool,
}

/// A moment of the log (the server's local time) as UTC.
pub fn utc(t: NaiveDateTime) -> Option<DateTime<Utc>> {
    Local.from_local_datetime(&t).earliest().map(|t| t.with_timezone(&Utc))
}

fn daemon_of(r: &Record) -> Option<&str> {
    r.details.get("vendor_daemon").and_then(Value::as_str)
}

fn matches(r: &Record, feature: &str, daemon: Option<&str>) -> bool {
    r.product == feature && (daemon.is_none() || daemon_of(r).is_none_or(|d| Some(d) == daemon))
}

/// The record a feature of the log (one of its pools, where the log says)
/// is laid on: the record of that pool's number and version, else the
/// `nth` record of its version (a snapshot without pool numbers, or taken
/// before a restart numbered the pools anew), else the record of its number
/// (the log has not said its version), else the feature's first record (a
/// denial names no pool: it lands on the product's first).
fn record_of(records: &[Record], feature: &str, daemon: Option<&str>, pool: Option<&Pool>) -> Option<usize> {
    let of_feature = || records.iter().enumerate().filter(|(_, r)| matches(r, feature, daemon));
    let Some(pool) = pool else { return of_feature().next().map(|(i, _)| i) };
    let numbered = |r: &Record| r.details.get("pool").and_then(Value::as_u64) == Some(pool.number);
    let version = Some(pool.version.as_str()).filter(|v| !v.is_empty());
    let versioned = |r: &Record| version.is_some() && r.details.get("version").and_then(Value::as_str) == version;
    of_feature()
        .find(|(_, r)| numbered(r) && versioned(r))
        .or_else(|| of_feature().filter(|(_, r)| versioned(r)).nth(pool.nth.max(1) as usize - 1))
        .or_else(|| of_feature().find(|(_, r)| numbered(r)))
        .or_else(|| of_feature().next())
        .map(|(i, _)| i)
}

/// The pool record `i` is of, as a log would name it: its number where the
/// snapshot says it (RLM's `pool: N`), its version, and its place among the
/// product's records of that version.
fn pool_of(records: &[Record], i: usize) -> Pool {
    let r = &records[i];
    let version = r.details.get("version").and_then(Value::as_str).unwrap_or_default();
    let same = |o: &Record| o.product == r.product && o.details.get("version").and_then(Value::as_str).unwrap_or_default() == version;
    let nth = records[..i].iter().filter(|o| same(o)).count() as u32 + 1;
    Pool { number: r.details.get("pool").and_then(Value::as_u64).unwrap_or(0), version: version.to_string(), nth }
}

fn reasons(map: &BTreeMap<Reason, u64>) -> Value {
    Value::Object(map.iter().filter(|(_, n)| **n > 0).map(|(r, n)| (r.as_str().to_string(), json!(n))).collect())
}

/// A record's denials this read and in all, by reason, and since when.
fn lay_denials(r: &mut Record, now: &BTreeMap<Reason, u64>, total: &BTreeMap<Reason, u64>, since: Option<DateTime<Utc>>) {
    r.details.insert("denials".into(), reasons(now));
    r.details.insert("denials_total".into(), reasons(total));
    if let Some(since) = since {
        r.details.insert("denials_since".into(), json!(since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
    }
}

/// What lands on one record: denials this read and in all, by reason, and the peak.
type Laid = (BTreeMap<Reason, u64>, BTreeMap<Reason, u64>, u64);

/// Lay `read` onto `records` (one source's, stamped with its name and kind
/// or not yet), and say what the read gave.
pub fn attach(records: &mut [Record], read: LogRead, before: Option<Cursor>, source: &str, kind: &str, path: PathBuf) -> SourceLog {
    let LogRead { tally, mut cursor, rotated, .. } = read;
    let since = before.as_ref().and_then(|c| c.tally.last).or(tally.first).and_then(utc);
    let mut per_record: Vec<Laid> = vec![Default::default(); records.len()];
    let mut counters = Vec::new();
    let mut unlisted = Vec::new();
    // Denials name no pool (the tally keeps them off pools): a feature's
    // unlisted denials are one key, one record.
    for ((feature, daemon, pool), f) in &tally.features {
        let index = record_of(records, feature, daemon.as_deref(), pool.as_ref());
        match index {
            Some(i) => {
                let (now, total, peak) = &mut per_record[i];
                for (reason, n) in &f.denials {
                    *now.entry(*reason).or_default() += n;
                }
                for (reason, n) in &f.denials_total {
                    *total.entry(*reason).or_default() += n;
                }
                *peak = (*peak).max(f.peak);
            }
            None => {
                let id = match daemon {
                    Some(d) => format!("{feature}@{d}"),
                    None => feature.clone(),
                };
                if f.denials.values().any(|n| *n > 0) {
                    let mut r = Record::new(feature.clone(), "licenses", None, None).with_id(Some(id.clone()));
                    (r.source, r.kind, r.unit) = (source.to_string(), kind.to_string(), "licenses".into());
                    lay_denials(&mut r, &f.denials, &f.denials_total, since);
                    r.details.insert("listed".into(), json!(false));
                    unlisted.push(r);
                }
                for (reason, n) in &f.denials_total {
                    counters.push(Counter {
                        id: id.clone(),
                        product: feature.clone(),
                        metric: "licenses".into(),
                        unit: "licenses".into(),
                        reason: *reason,
                        total: *n,
                    });
                }
            }
        }
    }
    // The next read replays from what this snapshot counted: each key of
    // the carry-over that lands on a record gets that record's count (a
    // product's pools each their own); a record no key lands on gets one.
    let mut resynced = vec![false; records.len()];
    let keys: Vec<(String, Option<String>, Option<Pool>)> =
        cursor.tally.features.iter().map(|f| (f.feature.clone(), f.daemon.clone(), f.pool.clone())).collect();
    for (feature, daemon, pool) in &keys {
        if let Some(used) = record_of(records, feature, daemon.as_deref(), pool.as_ref()).and_then(|i| records[i].used.map(|u| (i, u))) {
            cursor.tally.resync(feature, daemon.as_deref(), pool.as_ref(), used.1);
            resynced[used.0] = true;
        }
    }
    for (i, r) in records.iter().enumerate() {
        let (Some(used), false) = (r.used, resynced[i]) else { continue };
        let pooled = keys.iter().any(|(f, _, p)| *f == r.product && p.is_some());
        let pool = pooled.then(|| pool_of(records, i));
        cursor.tally.resync(&r.product, daemon_of(r), pool.as_ref(), used);
    }
    for (r, (now, total, peak)) in records.iter_mut().zip(per_record) {
        let peak = peak.max(r.used.unwrap_or(0));
        for (reason, n) in &total {
            counters.push(Counter {
                id: r.key(),
                product: r.product.clone(),
                metric: r.metric.clone(),
                unit: r.unit.clone(),
                reason: *reason,
                total: *n,
            });
        }
        lay_denials(r, &now, &total, since);
        r.details.insert("peak".into(), json!(peak));
    }
    counters.sort_by(|a, b| (&a.id, a.reason).cmp(&(&b.id, b.reason)));
    SourceLog {
        source: source.to_string(),
        kind: kind.to_string(),
        path,
        before,
        after: cursor,
        usage: tally.usage,
        counters,
        unlisted,
        rotated,
    }
}
