//! Property tests: the record arithmetic, the output formats read back, label
//! escaping, and every vendor parser on generated payloads (parse or error,
//! never a panic).

use proptest::prelude::*;

use crate::holder::Sink;
use crate::output::{self, Format, Style};
use crate::payload::Body;
use crate::record::{evaluate, Record, Status, Thresholds};
use crate::report::Report;
use crate::vendors::{KeyType, Payloads, Vendor, VENDORS};

fn record() -> impl Strategy<Value = Record> {
    (
        "[a-z][a-z0-9-]{0,8}",
        "\\PC{1,12}",
        "[a-z_]{1,10}",
        proptest::option::of(0u64..100_000),
        proptest::option::of(0u64..100_000),
        proptest::option::of(0i64..4_000_000_000),
    )
        .prop_map(|(source, product, metric, used, limit, expiry)| {
            let mut r = Record::new(product, metric, used, limit);
            r.source = source;
            r.kind = "cpod".into();
            r.expires_at = expiry.and_then(|s| chrono::DateTime::from_timestamp(s, 0));
            evaluate(&mut r, &Thresholds::default(), chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default());
            r
        })
}

fn render(format: Format, records: &[Record]) -> String {
    let report = Report { records: records.to_vec(), ..Report::default() };
    let mut out = Vec::new();
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    output::render(&mut out, format, &report, now, &Style::default()).unwrap_or_else(|e| unreachable!("{e}"));
    String::from_utf8(out).unwrap_or_default()
}

fn unescape(label: &str) -> String {
    let mut out = String::new();
    let mut chars = label.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    out
}

proptest! {
    #[test]
    fn balance_and_utilization(used in proptest::option::of(0u64..u64::MAX / 2), limit in proptest::option::of(0u64..u64::MAX / 2)) {
        let r = Record::new("p", "m", used, limit);
        match (used, limit) {
            (Some(u), Some(l)) => prop_assert_eq!(r.balance, Some(l as i64 - u as i64)),
            _ => prop_assert_eq!(r.balance, None),
        }
        prop_assert_eq!(r.utilization.is_none(), used.is_none() || limit.is_none_or(|l| l == 0));
        if let (Some(u), Some(l), Some(x)) = (used, limit, r.utilization) {
            prop_assert!((x - u as f64 / l as f64).abs() < 1e-12);
        }
    }

    #[test]
    fn status_never_improves_as_usage_grows(limit in 1u64..10_000, a in 0u64..20_000, b in 0u64..20_000, warn in 0.0f64..100.0, gap in 0.0f64..50.0) {
        let t = Thresholds { warn, crit: (warn + gap).min(100.0), ..Thresholds::default() };
        let status = |used| {
            let mut r = Record::new("p", "m", Some(used), Some(limit));
            evaluate(&mut r, &t, chrono::Utc::now());
            r.status
        };
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(status(lo) <= status(hi), "{lo} -> {:?}, {hi} -> {:?}", status(lo), status(hi));
        prop_assert!(status(hi) != Status::Unknown);
    }

    #[test]
    fn json_reads_back_to_the_same_records(records in proptest::collection::vec(record(), 0..20)) {
        let doc: serde_json::Value = serde_json::from_str(&render(Format::Json, &records)).unwrap_or_default();
        let back: Vec<Record> = serde_json::from_value(doc["records"].clone()).unwrap_or_default();
        // What the JSON does not carry: the thresholds a record was evaluated against.
        let records: Vec<Record> = records.into_iter().map(|r| Record { thresholds: None, ..r }).collect();
        prop_assert_eq!(back, records.clone());
        let lines: Vec<Record> = render(Format::Ndjson, &records).lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        prop_assert_eq!(lines, records);
    }

    #[test]
    fn csv_reads_back_to_the_same_fields(records in proptest::collection::vec(record(), 0..20)) {
        let text = render(Format::Csv, &records);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
        prop_assert_eq!(rows.len(), records.len());
        for (row, r) in rows.iter().zip(&records) {
            prop_assert_eq!(&row[0], r.source.as_str());
            prop_assert_eq!(&row[2], r.product.as_str());
            let (used, balance, reasons) = (r.used.map(|u| u.to_string()).unwrap_or_default(), r.balance.map(|b| b.to_string()).unwrap_or_default(), r.reasons.join("; "));
            prop_assert_eq!(&row[4], used.as_str());
            prop_assert_eq!(&row[6], balance.as_str());
            prop_assert_eq!(&row[9], r.status.as_str());
            prop_assert_eq!(&row[10], reasons.as_str());
        }
    }

    #[test]
    fn prometheus_label_values_round_trip(value in "\\PC*|[\\\\\"\\n a-z]*") {
        let escaped = output::prometheus::escape(&value);
        prop_assert!(!escaped.contains('\n'));
        prop_assert_eq!(unescape(&escaped), value);
    }

    #[test]
    fn any_bytes_parse_or_error(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        for vendor in VENDORS {
            let _ = crate::vendors::tests::fixture_bound(*vendor).parse(&every_payload(*vendor, &bytes), &mut Sink::new(&crate::holder::Kept::all, &mut |_| {}));
        }
    }

    #[test]
    fn any_json_parse_or_error(value in json(4)) {
        let text = serde_json::to_vec(&value).unwrap_or_default();
        for vendor in VENDORS {
            let _ = crate::vendors::tests::fixture_bound(*vendor).parse(&every_payload(*vendor, &text), &mut Sink::new(&crate::holder::Kept::all, &mut |_| {}));
        }
    }
}

/// `bytes` as the main payload and as every extra payload the kind declares.
fn every_payload(vendor: &dyn Vendor, bytes: &[u8]) -> Payloads {
    let mut payloads = Payloads { main: vec![Body::Bytes(bytes.to_vec())], ..Payloads::default() };
    for key in vendor.keys() {
        if let KeyType::Input { payload, .. } = key.ty {
            payloads.extra.insert(payload, vec![Body::Bytes(bytes.to_vec())]);
        }
    }
    payloads
}

/// JSON built from the vendors' own field names, so that the generated
/// documents reach deep into the parsers rather than failing at the top.
fn json(depth: u32) -> impl Strategy<Value = serde_json::Value> {
    const KEYS: &[&str] = &[
        "data",
        "items",
        "result",
        "results",
        "responseStatus",
        "applications",
        "application_name",
        "user_licensing",
        "licensed",
        "used",
        "doc_count",
        "error",
        "license",
        "server",
        "quota",
        "users",
        "users_view",
        "userid",
        "users_count",
        "connections",
        "end_date",
        "resultType",
        "current",
        "limit",
        "code",
        "errors",
        "productId",
        "productName",
        "productUsedCount",
        "productBalance",
        "time",
        "session",
        "product_name",
        "license_type",
        "total_seats",
        "totalSeats",
        "used_seats",
        "available_seats",
        "expiry_date",
        "is_deleted",
        "compliance_status",
        "license_id",
        "assignee_id",
        "last_used_at",
        "status",
        "next_cursor",
        "total",
        "offset",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (0u64..2000).prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        prop_oneof![Just("SUCCESS".to_string()), Just("2026-01-01T00:00:00Z".to_string()), Just("active".to_string()), "\\PC{0,12}"]
            .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(depth, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(proptest::sample::select(KEYS).prop_map(str::to_string), inner, 0..8)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
