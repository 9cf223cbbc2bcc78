//! The `generic` kind both ways round: every preset's filters over random
//! documents, and random filters over a fixed document. Records or an
//! error, never a panic; every record's arithmetic holds.
//!
//! Here the filters run in-process (no worker): random filters that could
//! loop or grow without end (the words below) are left out, as bounding
//! those is the worker's job, tested end to end by the integration tests.
#![no_main]

use libfuzzer_sys::fuzz_target;
use licusage::holder::{Kept, Sink};
use licusage::payload::Body;
use std::sync::{Arc, OnceLock};

use licusage::vendors::{find, Bound, Payloads, Shape};

const PRESETS: &str = include_str!("../../src/vendors/generic/presets.toml");

/// What can loop, recurse or grow past any bound when run in-process.
const UNBOUNDED: &[&str] = &[
    "def", "recurse", "repeat", "range", "while", "until", "limit", "input", "walk", "env", "halt", "combinations", "reduce",
    "foreach", "..", "*", "pow", "path", "splits", "getpath", "tostream", "fromstream", "ltrimstr", "@", "label", "nth", "first",
    "last", "$__", "exp", "ldexp", "scalb", "implode", "indices", "index", "sub", "gsub", "test", "match", "capture", "scan",
];

const DOCUMENT: &str = r#"{"value": [{"skuPartNumber": "SPE_E5", "prepaidUnits": {"enabled": 1500, "suspended": 0, "warning": 0},
"consumedUnits": 1432}, {"skuPartNumber": "POWER_BI_PRO", "prepaidUnits": {"enabled": 50}, "consumedUnits": 12}],
"users": [{"mail": "a@example.com", "lastSignIn": "2026-11-01T00:00:00Z"}], "total": 2}"#;

fn filters() -> Vec<(String, Option<String>)> {
    let presets: toml::Table = toml::from_str(PRESETS).unwrap_or_default();
    let text = |t: &toml::Table, k: &str| t.get(k).and_then(|v| v.as_str()).map(str::to_string);
    presets.values().filter_map(|p| p.as_table()).filter_map(|p| Some((text(p, "jq")?, text(p, "holders_jq")))).collect()
}

fn bind(jq: &str, holders_jq: Option<&str>) -> Option<Arc<dyn Bound>> {
    let generic = find("generic")?;
    let mut table = toml::Table::new();
    table.insert("jq".into(), jq.into());
    if let Some(h) = holders_jq {
        table.insert("holders_jq".into(), h.into());
    }
    generic.bind(table, Shape { reads_file: true, ..Shape::default() }).ok()
}

/// Each preset's filters, compiled once for the whole run.
fn presets() -> &'static [Arc<dyn Bound>] {
    static BOUND: OnceLock<Vec<Arc<dyn Bound>>> = OnceLock::new();
    BOUND.get_or_init(|| filters().iter().filter_map(|(jq, h)| bind(jq, h.as_deref())).collect())
}

fn parse(bound: &dyn Bound, doc: &[u8]) {
    let payloads = Payloads { main: vec![Body::Bytes(doc.to_vec())], want_holders: true, ..Payloads::default() };
    let mut holders = 0usize;
    if let Ok(records) = bound.parse(&payloads, &mut Sink::new(&Kept::all, &mut |_| holders += 1)) {
        for r in records {
            if let (Some(u), Some(l)) = (r.used, r.limit) {
                assert_eq!(r.balance, Some(l as i64 - u as i64));
                if l > 0 {
                    assert!(r.utilization.is_some_and(|x| (x - u as f64 / l as f64).abs() < 1e-9));
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode % 2 == 0 {
        for bound in presets() {
            parse(bound.as_ref(), rest);
        }
    } else {
        let Ok(code) = std::str::from_utf8(rest) else { return };
        if code.len() > 200 || UNBOUNDED.iter().any(|w| code.contains(w)) {
            return;
        }
        if let Some(bound) = bind(code, None) {
            parse(bound.as_ref(), DOCUMENT.as_bytes());
        }
    }
});
