//! Tests every registered kind passes, whatever it is: its fixtures as
//! reviewed snapshots, and its key declaration in step with its settings.

use std::path::Path;

use super::*;
use crate::holder::Sink;

/// A kind bound to the settings its fixtures are read with:
/// `fixtures/<kind>/settings.toml` when there is one (keys of
/// `[sources.NAME]`), else none.
pub(crate) fn fixture_bound(vendor: &'static dyn Vendor) -> Arc<dyn Bound> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(vendor.kind());
    let table = match std::fs::read_to_string(dir.join("settings.toml")) {
        Ok(text) => toml::from_str(&text).unwrap_or_else(|e| unreachable!("{}: {e}", dir.display())),
        Err(_) => toml::Table::new(),
    };
    vendor.bind(table, Shape { reads_file: true, ..Shape::default() }).unwrap_or_else(|e| unreachable!("{}: {e:?}", dir.display()))
}

/// Every fixture of every kind, parsed, as a reviewed snapshot: the records
/// (or the one-line error) a user would see, and the holders. A fixture's
/// extra payloads sit beside it as `NAME.<payload>.<ext>`.
#[test]
fn fixtures() {
    // Times printed without a zone (lmstat's) are the local time of the machine: UTC here, on every machine.
    std::env::set_var("TZ", "UTC");
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z").map(|t| t.with_timezone(&chrono::Utc)).ok();
    for vendor in VENDORS {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(vendor.kind());
        let bound = fixture_bound(*vendor);
        let payload_names: Vec<&str> = vendor
            .keys()
            .iter()
            .filter_map(|k| match k.ty {
                KeyType::Input { payload, .. } => Some(payload),
                _ => None,
            })
            .collect();
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| unreachable!("{}: {e}", dir.display()))
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e != "toml") && !p.file_stem().unwrap_or_default().to_string_lossy().contains('.'))
            .collect();
        paths.sort();
        assert!(paths.len() >= 3, "{} has too few fixtures", dir.display());
        for path in paths {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let ext = path.extension().unwrap_or_default().to_string_lossy().into_owned();
            let mut payloads = Payloads {
                main: vec![Body::Bytes(std::fs::read(&path).unwrap_or_default())],
                now,
                want_holders: true,
                ..Payloads::default()
            };
            for name in &payload_names {
                if let Ok(bytes) = std::fs::read(path.with_file_name(format!("{stem}.{name}.{ext}"))) {
                    payloads.extra.insert(name, vec![Body::Bytes(bytes)]);
                }
            }
            let mut holders = Vec::new();
            let parsed = bound.parse(&payloads, &mut Sink::new(&crate::holder::Kept::all, &mut |k| holders.extend(k.into_holder())));
            let value = match parsed {
                Ok(records) => serde_json::json!({"records": records, "holders": holders}),
                Err(e) => serde_json::json!({"error": e.to_string()}),
            };
            insta::assert_json_snapshot!(format!("{}__{stem}", vendor.kind()), value);
        }
    }
}

/// What a kind declares and what its settings struct reads are the same keys,
/// so that the one-off subcommand's flags and the config agree.
#[test]
fn declared_keys_are_the_settings_fields() {
    for vendor in VENDORS {
        let mut declared: Vec<&str> = vendor
            .keys()
            .iter()
            .filter(|k| matches!(k.ty, KeyType::Text | KeyType::Flag | KeyType::List | KeyType::Argv | KeyType::Table))
            .map(|k| k.name)
            .collect();
        let mut fields = vendor.settings_fields();
        declared.sort_unstable();
        fields.sort_unstable();
        assert_eq!(declared, fields, "kind `{}`: declared keys and settings fields differ", vendor.kind());
        let common: Vec<String> = crate::config::COMMON_KEYS.iter().flat_map(Key::names).collect();
        let mut seen = std::collections::HashSet::new();
        for key in vendor.keys() {
            for name in key.names() {
                assert!(!common.contains(&name), "kind `{}` redeclares the common key `{name}`", vendor.kind());
                assert!(seen.insert(name.clone()), "kind `{}` declares `{name}` twice", vendor.kind());
            }
        }
    }
}

#[test]
fn settings_name_the_bad_key() {
    for vendor in VENDORS {
        let mut table = toml::Table::new();
        table.insert("no_such_key".into(), true.into());
        let e =
            vendor.bind(table, Shape { reads_file: true, ..Shape::default() }).err().unwrap_or_else(|| unreachable!("{}", vendor.kind()));
        assert!(e.message.contains("no_such_key"), "{}: {e:?}", vendor.kind());
        for key in vendor.keys().iter().filter(|k| k.ty == KeyType::Text) {
            let mut table = toml::Table::new();
            table.insert(key.name.into(), toml::Value::Integer(3));
            let e = vendor
                .bind(table, Shape { reads_file: true, ..Shape::default() })
                .err()
                .unwrap_or_else(|| unreachable!("{}.{}", vendor.kind(), key.name));
            assert_eq!(e.key.as_deref(), Some(key.name), "{}: {e:?}", vendor.kind());
        }
    }
}

/// The real outputs a kind was checked against (`fixtures/<kind>/real/`,
/// provenance in its README): each read as a reviewed snapshot in a form a
/// person compares with the text — per series its counts, status, expiry
/// and reasons; per holder its user, host, display, start and count.
#[test]
fn real_corpus() {
    std::env::set_var("TZ", "UTC");
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z").map(|t| t.with_timezone(&chrono::Utc)).ok();
    for vendor in VENDORS {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(vendor.kind()).join("real");
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let bound = fixture_bound(*vendor);
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == vendor.payload_ext()))
            // `NAME.<payload>.txt` is an extra payload of NAME, not a reading of its own.
            .filter(|p| {
                let stem = p.file_stem().unwrap_or_default().to_string_lossy().into_owned();
                !vendor.keys().iter().any(|k| matches!(k.ty, KeyType::Input { payload, .. } if stem.ends_with(&format!(".{payload}"))))
            })
            .filter(|p| !p.file_stem().unwrap_or_default().to_string_lossy().ends_with("-i"))
            .collect();
        paths.sort();
        for path in paths {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let ext = path.extension().unwrap_or_default().to_string_lossy().into_owned();
            let mut payloads = Payloads {
                main: vec![Body::Bytes(std::fs::read(&path).unwrap_or_default())],
                now,
                want_holders: true,
                ..Payloads::default()
            };
            for key in vendor.keys() {
                if let KeyType::Input { payload, .. } = key.ty {
                    if let Ok(bytes) = std::fs::read(path.with_file_name(format!("{stem}.{payload}.{ext}"))) {
                        payloads.extra.insert(payload, vec![Body::Bytes(bytes)]);
                    }
                }
            }
            let mut holders = Vec::new();
            let parsed = bound.parse(&payloads, &mut Sink::new(&crate::holder::Kept::all, &mut |k| holders.extend(k.into_holder())));
            insta::assert_snapshot!(format!("{}__real__{stem}", vendor.kind()), reading(parsed, &holders));
        }
    }
}

/// A reading as a person checks it against the text.
fn reading(parsed: Result<Vec<Record>, PayloadError>, holders: &[crate::holder::Holder]) -> String {
    use std::fmt::Write as _;
    let records = match parsed {
        Ok(records) => records,
        Err(e) => return format!("error: {e}\n"),
    };
    let n = |v: Option<u64>| v.map_or("—".to_string(), |v| v.to_string());
    let mut out = String::new();
    for r in &records {
        let expires = r.expires_at.map_or("—".to_string(), |t| t.format("%Y-%m-%d").to_string());
        let _ = writeln!(out, "{}: used {} of {}, {}, expires {expires}", r.id, n(r.used), n(r.limit), r.status);
        for reason in &r.reasons {
            let _ = writeln!(out, "  reason: {reason}");
        }
        let mine: Vec<_> = holders.iter().filter(|h| *h.product == r.product).collect();
        if !mine.is_empty() {
            let sum: u64 = mine.iter().map(|h| h.details.get("licenses").and_then(|v| v.as_u64()).unwrap_or(1)).sum();
            let _ = writeln!(out, "  holders of {}: {} lines, {sum} licenses", r.product, mine.len());
        }
    }
    let _ = writeln!(out, "holders:");
    for h in holders {
        let detail = |k: &str| h.details.get(k).map_or("—".to_string(), |v| v.as_str().map_or(v.to_string(), str::to_string));
        let since = h.since.map_or("—".to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string());
        let _ = writeln!(
            out,
            "  {} | {} | host {} | display {} | since {since} | {} | linger {}{}",
            h.product,
            h.holder,
            detail("host"),
            detail("display"),
            detail("licenses"),
            detail("linger"),
            h.holder_type.as_deref().map_or(String::new(), |t| format!(" | {t}"))
        );
    }
    out
}
