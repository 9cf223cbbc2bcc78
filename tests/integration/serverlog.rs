//! License-server logs end to end (docs/reference.md, "License-server logs"): a real FlexLM debug log and a
//! real RLM report log read by the binary beside a snapshot; denials and
//! true peaks in `show`, the history, `check` and the Prometheus counter;
//! a log appended to and rotated between two `record`s loses and doubles
//! nothing; checkout hours for chargeback.

use std::io::Write;

use crate::env::{fixture, TestEnv};

/// An `lmstat -a` of the Partek server the real log comes from (its
/// features, as the log names them): base 1 of 6 in use, matk none of 6 (the
/// log's denials at the limit come with 6 out, replayed by hand).
pub(crate) const LMSTAT: &str = "lmutil - Copyright (c) 1989-2014 Flexera Software LLC. All Rights Reserved.
Flexible License Manager status on Thu 11/13/2014 10:20

License server status: 27000@niams-lic
    License file(s) on niams-lic: D:\\Partek\\license.dat:

  niams-lic: license server UP (MASTER) v11.9

Vendor daemon status (on niams-lic):

  parteklm: UP v11.9
Feature usage info:

Users of base:  (Total of 6 licenses issued;  Total of 1 license in use)

  \"base\" v6.0, vendor: parteklm, expiry: permanent(no expiration date)
  floating license

    chrisprimiani imac imac (v6.0) (niams-lic/27000 101), start Thu 11/13 9:55

Users of matk:  (Total of 6 licenses issued;  Total of 0 licenses in use)

";

pub(crate) const REAL_LOG: &str = "flexlm/debuglog/real/partek-v11.9-windows-denied-2014.log";

pub(crate) fn append(path: &std::path::Path, text: &str) {
    std::fs::OpenOptions::new().append(true).open(path).unwrap().write_all(text.as_bytes()).unwrap();
}

fn setup(env: &TestEnv) -> std::path::PathBuf {
    let log = env.path("lmgrd.log");
    std::fs::copy(fixture(REAL_LOG), &log).unwrap();
    env.write("lmstat.txt", LMSTAT);
    env.config(
        "[sources.partek]\nkind = \"flexlm\"\nfile = \"lmstat.txt\"\nlog = \"lmgrd.log\"\n\n[history]\npath = \"history.sqlite3\"\n",
    );
    log
}

fn record_of<'a>(doc: &'a serde_json::Value, product: &str) -> &'a serde_json::Value {
    doc["records"].as_array().unwrap().iter().find(|r| r["product"] == product).unwrap()
}

fn history_of(env: &TestEnv, product: &str) -> serde_json::Value {
    let doc = env.run(&["history", "--since", "100000d", "--json"]).json();
    doc["series"].as_array().unwrap().iter().find(|s| s["product"] == product).cloned().unwrap()
}

#[test]
fn denials_and_peaks_from_a_real_log_through_record_rotation_and_check() {
    let env = TestEnv::new();
    let log = setup(&env);

    // No history yet: the whole log, as counted by hand (the fixture's README:
    // base 64 and matk 30 refused at the limit, pathway_base unsupported once).
    let out = env.run(&["show", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    assert_eq!(record_of(&doc, "base")["details"]["denials"], serde_json::json!({"limit": 64}));
    assert_eq!(record_of(&doc, "matk")["details"]["denials"], serde_json::json!({"limit": 30}));
    assert_eq!(
        record_of(&doc, "base")["details"]["denials_since"],
        "2014-11-07T12:41:24Z",
        "the start line (28), the first that says the date"
    );
    let metrics = env.run(&["show", "--format", "prometheus"]).stdout;
    for line in [
        "licusage_denials_total{source=\"partek\",id=\"base\",kind=\"flexlm\",product=\"base\",metric=\"licenses\",reason=\"limit\"} 64",
        "licusage_denials_total{source=\"partek\",id=\"matk\",kind=\"flexlm\",product=\"matk\",metric=\"licenses\",reason=\"limit\"} 30",
        // Not in the snapshot: the counter only.
        "licusage_denials_total{source=\"partek\",id=\"pathway_base@parteklm\",kind=\"flexlm\",product=\"pathway_base\",metric=\"licenses\",reason=\"unsupported\"} 1",
    ] {
        assert!(metrics.contains(line), "{line}\n{metrics}");
    }
    assert!(!metrics.contains("denials_since"), "a moving time is no label");
    if let Some((ok, said)) = crate::monitoring::promtool_check(&metrics) {
        assert!(ok, "{said}");
    }

    // The first snapshot takes the whole log; a look after it finds nothing new.
    assert_eq!(env.run(&["record"]).code, 0);
    let doc = env.run(&["show", "--json"]).json();
    let base = record_of(&doc, "base");
    assert_eq!(
        (&base["details"]["denials"], &base["details"]["denials_total"]),
        (&serde_json::json!({}), &serde_json::json!({"limit": 64}))
    );
    assert_eq!(history_of(&env, "base")["denials"], 64);

    // Lines written after it, then the log rotated (renamed away, a new one
    // begun) before the next snapshot: each line counted once.
    append(
        &log,
        "10:02:00 (parteklm) DENIED: \"base\" alice@ws1  (Licensed number of users already reached. (-4,342))\n\
         10:03:00 (parteklm) OUT: \"base\" alice@ws1  \n\
         10:03:30 (parteklm) OUT: \"base\" bob@ws2  \n",
    );
    std::fs::rename(&log, env.path("lmgrd.log.1")).unwrap();
    std::fs::write(
        &log,
        "10:10:00 (lmgrd) TIMESTAMP 11/13/2014\n\
         10:11:00 (parteklm) DENIED: \"base\" carol@ws3  (Licensed number of users already reached. (-4,342))\n\
         10:12:00 (parteklm) DENIED: \"matk\" carol@ws3  (User/host on EXCLUDE list for feature. (-38,349))\n\
         10:13:00 (parteklm) IN: \"base\" bob@ws2  \n\
         10:14:00 (parteklm) DENIED: \"base\" dave@ws4  (Licensed number of users already reached. (-4,342:10054 \"\"))\n",
    )
    .unwrap();
    let out = env.run(&["record"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let base = history_of(&env, "base");
    // 64 + 3; the week's peak is 6 (an OUT/IN replay by hand: the limit, when
    // the denials came), where the polls saw 1.
    assert_eq!((base["denials"].as_i64(), base["peak"].as_i64(), base["max"].as_i64()), (Some(67), Some(6), Some(1)));
    assert_eq!(history_of(&env, "matk")["denials"], 31);
    let Some(rows) = crate::monitoring::sqlite(
        &env.path("history.sqlite3"),
        "SELECT group_concat(s.denials), group_concat(s.peak) FROM samples s JOIN series r ON r.id = s.series_id WHERE r.product = 'base' ORDER BY s.taken_at;",
    ) else {
        return;
    };
    // Per snapshot, what came since the one before; at 10:03:30 three were
    // out: the snapshot's one and two more.
    assert_eq!(rows, "64,3|6,3\n");
    let table = env.run(&["history", "--since", "100000d"]).stdout;
    assert!(table.lines().next().unwrap().contains("PEAK") && table.contains("DENIED"), "{table}");

    // check: its own place in the log; the first reads the log as it is now
    // (the rotated file is behind it).
    let first = env.run(&["check", "--denials-warn", "1", "--denials-crit", "2"]);
    assert_eq!(first.code, 2, "{}", first.stdout);
    assert!(
        first.stdout.contains("CRITICAL: partek/base/licenses 1 of 6 used (16.6%): 2 denied since 2014-11-13T10:11:00Z (2 limit)"),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains("WARNING: partek/matk/licenses 0 of 6 used (0%): 1 denied since 2014-11-13T10:11:00Z (1 excluded)"),
        "{}",
        first.stdout
    );
    let again = env.run(&["check", "--denials-warn", "1"]);
    assert_eq!(again.code, 0, "nothing refused since the last check:\n{}", again.stdout);
    append(&log, "10:20:00 (parteklm) DENIED: \"base\" erin@ws5  (Licensed number of users already reached. (-4,342))\n");
    let third = env.run(&["check", "--denials-warn", "1"]);
    assert_eq!(third.code, 1, "{}", third.stdout);
    assert!(third.stdout.contains("1 denied since 2014-11-13T10:14:00Z (1 limit)"), "{}", third.stdout);
    // record's place is its own: the new line is still to come for it.
    let doc = env.run(&["show", "--json"]).json();
    assert_eq!(record_of(&doc, "base")["details"]["denials"], serde_json::json!({"limit": 1}));

    // A feature the server does not list, refused (the real log's line 77,
    // as it came): no series names it, and the check is still not OK.
    append(
        &log,
        "19:25:04 (parteklm) UNSUPPORTED: \"pathway_base\" (PORT_AT_HOST_PLUS   ) shihh2@NIAMS01677371M  (License server system does not support this feature. (-18,327))\n",
    );
    let unlisted = env.run(&["check", "--denials-warn", "1"]);
    assert_eq!(unlisted.code, 1, "{}", unlisted.stdout);
    assert!(
        unlisted.stdout.contains("WARNING: partek/pathway_base/licenses")
            && unlisted.stdout.contains("1 denied since 2014-11-13T10:20:00Z (1 unsupported): a feature the server does not list"),
        "{}",
        unlisted.stdout
    );
    assert_eq!(env.run(&["check", "--denials-warn", "1"]).code, 0, "told once");
    // Without denial limits the check is about the listed series only.
    append(
        &log,
        "19:26:04 (parteklm) UNSUPPORTED: \"pathway_base\" (PORT_AT_HOST_PLUS   ) shihh2@NIAMS01677371M  (License server system does not support this feature. (-18,327))\n",
    );
    let plain = env.run(&["check"]);
    assert!(plain.code == 0 && !plain.stdout.contains("pathway_base"), "{}", plain.stdout);
}

/// Checkout hours from the history and the log's tail give what one read of
/// the whole log, rotation and all, gives.
#[test]
fn checkout_hours_from_history_and_log_match_one_read_of_it_all() {
    let env = TestEnv::new();
    let log = setup(&env);
    let tail_before = "10:03:00 (parteklm) OUT: \"base\" alice@ws1  \n";
    let tail_after = "10:10:00 (lmgrd) TIMESTAMP 11/13/2014\n11:33:00 (parteklm) IN: \"base\" alice@ws1  \n";
    let usage = |env: &TestEnv| {
        let mut cmd = env.cmd();
        cmd.env("LICUSAGE_NOW", "2014-11-14T00:00:00Z")
            .arg("--config")
            .arg(env.path("config.toml"))
            .args(["holders", "--usage", "--since", "30d", "--json"]);
        let out = crate::env::Output::of(cmd);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.json()["usage"].clone()
    };
    assert_eq!(env.run(&["record"]).code, 0);
    append(&log, tail_before);
    std::fs::rename(&log, env.path("lmgrd.log.1")).unwrap();
    std::fs::write(&log, tail_after).unwrap();
    assert_eq!(env.run(&["record"]).code, 0);
    let split = usage(&env);

    let whole = TestEnv::new();
    let log = setup(&whole);
    append(&log, &format!("{tail_before}{tail_after}"));
    let one = usage(&whole);
    assert_eq!(split, one);
    let rows = one.as_array().unwrap();
    let alice = rows.iter().find(|r| r["user"] == "alice" && r["feature"] == "base").unwrap();
    assert_eq!((alice["hours"].as_f64(), alice["days"].as_u64()), (Some(1.5), Some(1)), "10:03 to 11:33");
    assert!(rows.iter().any(|r| r["feature"] == "matk"), "{one}");

    // Redacted: the same hours, no names.
    let mut cmd = whole.cmd();
    cmd.env("LICUSAGE_NOW", "2014-11-14T00:00:00Z")
        .arg("--config")
        .arg(whole.path("config.toml"))
        .args(["holders", "--usage", "--redact", "--format", "csv"]);
    let csv = crate::env::Output::of(cmd).stdout;
    assert!(csv.starts_with("source,feature,user,hours,days\r\n") && !csv.contains("alice") && csv.contains(",u-"), "{csv}");
}

/// RLM: the denial in a real report log, by its reason, as the counter.
#[test]
fn rlm_report_log_denials_are_counted() {
    let env = TestEnv::new();
    env.config(&format!(
        "[sources.render]\nkind = \"rlm\"\nfile = \"{{fixtures}}/rlm/foundry-nuke.txt\"\nlog = \"{}\"\n",
        fixture("rlm/real/reportlog_std_v10_demo_two_sessions.log").display()
    ));
    let out = env.run(&["show", "--format", "prometheus"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("licusage_denials_total{source=\"render\",id=\"simulator\",kind=\"rlm\",product=\"simulator\",metric=\"licenses\",reason=\"limit\"} 1"),
        "{}",
        out.stdout
    );
}

/// The report log of the Foundry server whose real `rlmstat -a` is
/// fixtures/rlm/foundry-nuke.txt, written by us to its pool table (the
/// twelve PRODUCT lines, numbered as `rlmstat` numbers them): `nuke_i` has
/// three pools and `nuke_r` three, two of them of one version. An OUT names
/// its pool by number (its version is the requested one), an IN only by its
/// OUT's handle; a denial names no pool.
const FOUNDRY_LOG: &str = "RLM Report Log Format 0, version 12.2, authenticated
ISV: foundry, RLM version 12.2 BL2

START RLM-SERVER 03/28/2024 08:00:00
PRODUCT hieroplayer_i 2024.0331 1 1 0 1 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT nukexassist_i 2024.0331 2 2 0 2 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT nuke_i 2024.0331 3 1 0 1 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT nukex_i 2024.0331 4 1 0 1 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT hieroplayer_i 2024.0701 5 22 0 22 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT nuke_i 2024.0701 6 22 0 22 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT nukexassist_i 2024.0701 7 6 0 6 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT nukex_i 2024.0701 8 3 0 3 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT nuke_i 2024.0416 9 4 0 4 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT nuke_r 2024.0701 10 16 0 16 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT nuke_r 2025.0118 11 5 0 5 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
PRODUCT nuke_r 2024.0701 12 4 0 4 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0
03/28/2024 08:00
OUT nuke_i 14.0 6 ann a1 \"\" 1 1 0 a01 a01 100 \"\" \"\" \"\" 03/28 09:00:00
OUT nuke_i 14.0 6 bob b1 \"\" 2 3 0 a02 a02 101 \"\" \"\" \"\" 03/28 09:01:00
OUT nuke_i 14.0 6 cy c1 \"\" 2 5 0 a03 a03 102 \"\" \"\" \"\" 03/28 09:02:00
IN 1 nuke_i 14.0 bob b1 \"\" 2 3 0 a02 03/28 09:30:00
OUT nuke_i 14.0 3 dee d1 \"\" 1 1 0 a04 a04 103 \"\" \"\" \"\" 03/28 10:00:00
OUT nuke_i 14.0 9 eve e1 \"\" 1 1 0 a05 a05 104 \"\" \"\" \"\" 03/28 10:10:00
OUT nuke_i 14.0 9 fay f1 \"\" 1 2 0 a06 a06 105 \"\" \"\" \"\" 03/28 10:11:00
IN 1 nuke_i 14.0 eve e1 \"\" 1 1 0 a05 03/28 10:20:00
IN 1 nuke_i 14.0 fay f1 \"\" 1 0 0 a06 03/28 10:21:00
OUT nuke_r 14.0 10 gus g1 \"\" 7 7 0 a07 a07 106 \"\" \"\" \"\" 03/28 11:00:00
IN 1 nuke_r 14.0 gus g1 \"\" 7 0 0 a07 03/28 11:30:00
OUT nuke_r 14.0 12 hal h1 \"\" 4 4 0 a08 a08 107 \"\" \"\" \"\" 03/28 12:00:00
DENY nuke_r 14.0 ivy i1 \"\" 1 -22 1 03/28 12:01
";

/// RLM: each of a product's pools gets its own true peak (the pool the OUT
/// names, the IN found by its OUT's handle, also in a later read), with or
/// without `pool: N` in the `rlmstat` output, or with numbers of another run;
/// a denial lands on the product's first pool.
#[test]
fn rlm_pools_of_one_product_each_get_their_own_peak() {
    // (metric, peak, denials) of each nuke_i and nuke_r record, in show's order.
    fn peaks(doc: &serde_json::Value) -> Vec<(String, u64, serde_json::Value)> {
        let records = doc["records"].as_array().unwrap();
        records
            .iter()
            .filter(|r| r["product"] == "nuke_i" || r["product"] == "nuke_r")
            .map(|r| {
                (
                    format!("{} {}", r["product"].as_str().unwrap(), r["metric"].as_str().unwrap()),
                    r["details"]["peak"].as_u64().unwrap(),
                    r["details"]["denials"].clone(),
                )
            })
            .collect()
    }
    let none = serde_json::json!({});
    let limit = serde_json::json!({"limit": 1});
    // By hand: pool 6 out to 5 (1, 3, 5), pool 3 to 1, pool 9 to 2, pool 10
    // to 7, pool 12 to 4 (still out); the polled use where more (pool 6's
    // rlmstat says 3). The denial on nuke_r's first pool.
    // `rlmstat`'s pools numbered as the log's, not numbered, numbered one on
    // (its pool 12 is then the other version: the number alone would mislead).
    let expected = |numbers: Option<u64>| {
        let m = |v: &str, p: u64| match numbers {
            Some(from) => format!("v{v} pool {}", p + from),
            None => format!("v{v} #{}", if p == 12 { 2 } else { 1 }),
        };
        vec![
            ("nuke_i v2024.0331".to_string(), 1, none.clone()),
            ("nuke_i v2024.0416".to_string(), 2, none.clone()),
            ("nuke_i v2024.0701".to_string(), 5, none.clone()),
            (format!("nuke_r {}", m("2024.0701", 10)), 7, limit.clone()),
            (format!("nuke_r {}", m("2024.0701", 12)), 4, none.clone()),
            ("nuke_r v2025.0118".to_string(), 0, none.clone()),
        ]
    };
    let rlmstat = std::fs::read_to_string(fixture("rlm/foundry-nuke.txt")).unwrap();
    for numbers in [Some(0), None, Some(1)] {
        let env = TestEnv::new();
        // An older rlmutil prints no pool numbers, and a snapshot taken before
        // a restart numbers them otherwise: the pools are told apart by
        // version and order.
        let text = match numbers {
            Some(0) => rlmstat.clone(),
            None => rlmstat.lines().map(|l| l.split(", pool:").next().unwrap_or_default()).collect::<Vec<_>>().join("\n"),
            Some(from) => rlmstat
                .lines()
                .map(|l| match l.split_once(", pool: ") {
                    Some((head, n)) => format!("{head}, pool: {}", n.trim().parse::<u64>().unwrap() + from),
                    None => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        };
        env.write("rlmstat.txt", &text);
        env.write("report.log", FOUNDRY_LOG);
        env.config(
            "[sources.render]\nkind = \"rlm\"\nfile = \"rlmstat.txt\"\nlog = \"report.log\"\n\n[history]\npath = \"history.sqlite3\"\n",
        );
        let out = env.run(&["show", "--json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(peaks(&out.json()), expected(numbers), "pool numbers in rlmstat: {numbers:?}");
        assert_eq!(env.run(&["record"]).code, 0);

        // The next read: hal's four come back by handle (kept from the
        // first read) to pool 12, which the server says leaves 3 in use
        // (others out that the log did not see start); nothing else moves:
        // each record's peak is its polled use, pool 12's the 3.
        append(&env.path("report.log"), "IN 1 nuke_r 14.0 hal h1 \"\" 4 3 0 a08 03/28 13:00:00\n");
        let out = env.run(&["show", "--json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let next: Vec<u64> = peaks(&out.json()).into_iter().map(|(_, p, _)| p).collect();
        assert_eq!(next, [1, 0, 3, 0, 3, 0], "pool numbers in rlmstat: {numbers:?}");
    }
}

/// A log that is not there is the source's error, naming it; the other
/// sources are read.
#[test]
fn a_missing_log_fails_its_source_only() {
    let env = TestEnv::new();
    env.config(
        "[sources.partek]\nkind = \"flexlm\"\nfile = \"{fixtures}/flexlm/v9-single.txt\"\nlog = \"missing.log\"\n\n\
         [sources.other]\nkind = \"flexlm\"\nfile = \"{fixtures}/flexlm/v9-single.txt\"\n",
    );
    let out = env.run(&["show", "--json"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("source `partek` (flexlm): log ") && out.stderr.contains("missing.log"), "{}", out.stderr);
    assert!(out.json()["records"].as_array().unwrap().iter().all(|r| r["source"] == "other"));
}

/// A `log` that names another file — the other server's log, an export, a
/// log written in a form not read — is the source's error naming it, never a
/// read that found no denial: twenty lines or more none of which has the
/// format's shape. A few such lines (a header) are not.
#[test]
fn a_log_that_is_not_the_servers_log_is_an_error_not_zero_denials() {
    let env = TestEnv::new();
    let rlm_log = fixture("rlm/real/reportlog_std_v10_demo_two_sessions.log");
    let flexlm_log = fixture("flexlm/debuglog/real/partek-v11.9-windows-denied-2014.log");
    env.write(
        "export.json",
        &format!("[\n{}\n]\n", (0..30).map(|i| format!("  {{\"user\": \"u{i}\", \"denied\": 1}}")).collect::<Vec<_>>().join(",\n")),
    );
    env.write("header.log", "RLM Report Log Format 0, version 10.0, authenticated\nISV: demo, RLM version 10.0 BL2\nthree\nfour\n");
    env.config(&format!(
        "[sources.flex]\nkind = \"flexlm\"\nfile = \"{{fixtures}}/flexlm/v9-single.txt\"\nlog = \"{}\"\n\n\
         [sources.export]\nkind = \"flexlm\"\nfile = \"{{fixtures}}/flexlm/v9-single.txt\"\nlog = \"export.json\"\n\n\
         [sources.render]\nkind = \"rlm\"\nfile = \"{{fixtures}}/rlm/foundry-nuke.txt\"\nlog = \"{}\"\n\n\
         [sources.fresh]\nkind = \"rlm\"\nfile = \"{{fixtures}}/rlm/foundry-nuke.txt\"\nlog = \"header.log\"\n",
        rlm_log.display(),
        flexlm_log.display()
    ));
    let out = env.run(&["show", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for (source, lines, shape) in [
        ("flex", "none of the 63 lines read is an lmgrd debug log line", "flexlm"),
        ("export", "none of the 32 lines read is an lmgrd debug log line", "flexlm"),
        ("render", "none of the 400 lines read is an RLM report log record", "rlm"),
    ] {
        let line = out.stderr.lines().find(|l| l.contains(&format!("source `{source}` ({shape}): log "))).unwrap_or_default();
        assert!(line.contains(lines) && line.contains("is `log` the right file?"), "{source}: {}", out.stderr);
    }
    // A log of a header only: read, nothing found.
    let doc = out.json();
    let sources: Vec<&str> = doc["records"].as_array().unwrap().iter().filter_map(|r| r["source"].as_str()).collect();
    assert!(sources.contains(&"fresh") && !sources.contains(&"flex"), "{sources:?}");
}
