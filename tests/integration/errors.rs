//! Bad input: one clear line naming source, file and JSON path; exit 1; the
//! other sources still render.

use crate::env::{fixture, Output, TestEnv, ALL_KINDS};

/// Every bad fixture, through the one-off subcommand: exit 1, nothing on
/// stdout but an empty table, one `licusage: error:` line naming the source,
/// the file and what is wrong.
#[test]
fn each_bad_payload_is_one_line_naming_source_and_field() {
    let cases = [
        ("4d", "4d/bad-negative-balance.json", "$[0].productBalance: negative count -2"),
        ("4d", "4d/bad-truncated.json", "$[1].productName: EOF while parsing a string"),
        ("4d", "4d/bad-date.json", "$[0].time: invalid date \"23/11/2026 07:58\""),
        ("4d", "4d/bad-wrong-type.json", "$[0].productUsedCount: invalid type: string \"1\", expected a non-negative integer"),
        ("4d", "4d/bad-missing-name.json", "$[0]: missing field `productName`"),
        ("4d", "4d/bad-empty.json", "empty input"),
        ("4d", "4d/bad-binary.json", "not JSON: input starts with byte 0x1f"),
        ("veeva", "veeva/bad-negative.json", "$.applications[0].user_licensing.full__v.used: negative count -3"),
        ("veeva", "veeva/bad-wrong-type.json", "$.applications[1].user_licensing.full__v.licensed: invalid type"),
        ("veeva", "veeva/bad-missing-used.json", "$.applications[0].user_licensing.external__v: missing field `used`"),
        ("veeva", "veeva/bad-truncated.json", "EOF while parsing"),
        ("veeva", "veeva/bad-html.json", "not JSON"),
        ("veeva", "veeva/failure-invalid-session.json", "Vault answered FAILURE: INVALID_SESSION_ID: Invalid or expired session ID."),
        ("veeva", "veeva/exception.json", "Vault answered EXCEPTION: API_LIMIT_EXCEEDED"),
        ("veeva", "veeva/bad-application-twice.json", "two series with the id `pm_promomats__v/full__v`"),
        ("veeva", "veeva/bad-duplicate-type.json", "$.applications[0].user_licensing: license type `full__v` is listed twice"),
        ("veeva", "veeva/bad-no-applications.json", "$.applications: no applications in the answer"),
        ("leegality", "leegality/bad-empty-data.json", "$.data: no usage in the answer"),
        ("cpod", "cpod/bad-expiry-year-10000.json", "$[0].expiry_date: invalid date"),
        ("onlyoffice", "onlyoffice/error-invalid-token.json", "ONLYOFFICE error 6: invalid token"),
        ("onlyoffice", "onlyoffice/bad-negative.json", "$.license.users_count: negative count -10"),
        ("onlyoffice", "onlyoffice/bad-date.json", "$.license.end_date: invalid date \"next July\""),
        ("leegality", "leegality/error-401.json", "Leegality error LE_ERR_SS_401: Invalid or expired token (LE_ERR_SS_303)"),
        ("leegality", "leegality/error-403.json", "Leegality error LE_ERR_SS_403: Access denied"),
        ("leegality", "leegality/error-400.json", "LE_ERR_SS_008"),
        ("leegality", "leegality/error-500.json", "Leegality error LE_ERR_SS_500: Internal Server Error"),
        ("leegality", "leegality/bad-negative.json", "$.data.signatures.current: negative count -23"),
        ("cpod", "cpod/bad-negative.json", "$.data[1].used_seats: negative count -27"),
        ("cpod", "cpod/bad-date.json", "$.data[0].expiry_date: invalid date \"2027-13-45\""),
        ("cpod", "cpod/bad-missing-product.json", "$.data[1]: missing field `product_name`"),
        ("cpod", "cpod/bad-no-list.json", "no list of items"),
        ("cpod", "cpod/bad-truncated.json", "EOF while parsing"),
    ];
    let env = TestEnv::new();
    for (kind, file, want) in cases {
        let mut cmd = env.cmd();
        cmd.args([kind, "--file"]).arg(fixture(file));
        let out = Output::of(cmd);
        assert_eq!(out.code, 1, "{file}: {out:?}");
        assert_eq!(out.stderr.lines().count(), 1, "{file}: {}", out.stderr);
        let prefix = format!("licusage: error: source `{kind}` ({kind}): {}: ", fixture(file).display());
        assert!(out.stderr.starts_with(&prefix), "{file}: {}", out.stderr);
        assert!(out.stderr.contains(want), "{file}: want {want:?} in {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert!(out.stdout.is_empty(), "{file}: {}", out.stdout);
    }
}

#[test]
fn a_bad_source_does_not_hide_the_others() {
    let env = TestEnv::new();
    env.config(&format!(
        "{ALL_KINDS}\n[sources.broken]\nkind = \"veeva\"\nfile = \"{{fixtures}}/veeva/bad-truncated.json\"\n\n[sources.gone]\nkind = \"4d\"\nfile = \"{{fixtures}}/4d/no-such-file.json\"\n"
    ));
    let out = env.run(&["show", "--json"]);
    assert_eq!(out.code, 1);
    let doc = out.json();
    let sources: std::collections::BTreeSet<&str> =
        doc["records"].as_array().unwrap().iter().map(|r| r["source"].as_str().unwrap()).collect();
    // Every source of the shared config, each kind's, still there.
    let good: std::collections::BTreeSet<&str> =
        ALL_KINDS.lines().filter_map(|l| l.strip_prefix("[sources.").and_then(|l| l.strip_suffix(']'))).collect();
    assert_eq!(sources, good);
    assert_eq!(good.len(), licusage::vendors::kinds().count());
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!((errors[0]["source"].as_str(), errors[0]["kind"].as_str()), (Some("broken"), Some("veeva")));
    assert!(errors[0]["message"].as_str().unwrap().contains("EOF while parsing"));
    assert_eq!(errors[1]["source"], "gone");
    assert!(errors[1]["message"].as_str().unwrap().contains("no-such-file.json: No such file"), "{}", errors[1]);
    // The same errors on stderr, one line each.
    assert_eq!(out.stderr.lines().filter(|l| l.starts_with("licusage: error: source `")).count(), 2, "{}", out.stderr);

    // The table still shows the good sources.
    let table = env.run(&["show"]);
    assert_eq!(table.code, 1);
    assert!(table.stdout.contains("vault-prod") && table.stdout.contains("Acrobat Pro"), "{}", table.stdout);
    assert!(!table.stdout.contains("broken"));
}

/// Found by fuzzing (`stream_vs_slice`): a file and the same bytes on stdin
/// gave errors one column apart. Every fixture now reads the same both ways.
#[test]
fn file_and_stdin_agree_on_every_fixture() {
    let env = TestEnv::new();
    for kind in licusage::vendors::kinds() {
        let dir = fixture(kind);
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let (from_file, from_stdin) = file_and_stdin(&env, kind, &path);
            assert_eq!(from_file.code, from_stdin.code, "{}", path.display());
            assert_eq!(from_stdin, through_a_pipe(&env, kind, &path), "{}", path.display());
            assert_eq!(from_file.stdout, from_stdin.stdout, "{}", path.display());
            let shown = path.display().to_string();
            assert_eq!(from_file.stderr.replace(&shown, "INPUT"), from_stdin.stderr.replace("stdin", "INPUT"), "{}", path.display());
        }
    }
}

/// Payloads on which the fast file path once disagreed with the exact parse
/// (stdin), some silently ("no records, exit 0"): now the same answer both ways.
#[test]
fn file_and_stdin_agree_on_envelopes_the_fast_path_cannot_read() {
    let env = TestEnv::new();
    let pad = "p".repeat(1_100_000);
    let lic = r#"{"id":"a","product_name":"P","license_type":"named","total_seats":10,"used_seats":3}"#;
    let lic2 = r#"{"id":"b","product_name":"Q","license_type":"named","total_seats":5,"used_seats":1}"#;
    let fourd = r#"{"productId":1,"productName":"4D Client","productUsedCount":1,"productBalance":9,"time":"2026-11-23T07:58:11Z"}"#;
    for (kind, payload, records) in [
        ("cpod", format!(r#"{{"d\u0061ta":[{lic}]}}"#), Some(1)),
        ("cpod", format!(r#"{{"pad":"{pad}","count":3}}"#), None),
        ("cpod", format!(r#"{{"data":[{lic}],"data":[{lic2}]}}"#), Some(2)),
        ("4d", format!(r#"{{"pad":"{pad}","result":[{fourd}]}} garbage"#), None),
        ("4d", format!(r#"{{"pad":"{pad}","result":5}}"#), None),
    ] {
        let path = env.write("payload.json", &payload);
        let (from_file, from_stdin) = file_and_stdin(&env, kind, &path);
        let shown = &payload[..payload.len().min(60)];
        assert_eq!(from_stdin, through_a_pipe(&env, kind, &path), "{shown}");
        assert_eq!(from_file.stdout, from_stdin.stdout, "{shown}");
        assert_eq!(from_file.code, from_stdin.code, "{shown}");
        let path = path.display().to_string();
        assert_eq!(from_file.stderr.replace(&path, "INPUT"), from_stdin.stderr.replace("stdin", "INPUT"), "{shown}");
        match records {
            Some(n) => {
                assert_eq!(from_file.code, 0, "{shown}: {}", from_file.stderr);
                assert_eq!(from_file.stdout.lines().count(), n, "{shown}");
            }
            None => {
                assert_eq!(from_file.code, 1, "{shown}: no records and exit 0 would say nothing is licensed");
                assert!(from_file.stdout.is_empty() && from_file.stderr.starts_with("licusage: error: source `"), "{shown}");
            }
        }
    }
}

/// Counts past what a record holds exactly (the balance is an i64) are an
/// error naming the field, never a wrong balance.
#[test]
fn counts_too_large_to_be_exact_are_refused() {
    let env = TestEnv::new();
    for (payload, want) in [
        (
            r#"[{"product_name":"P","total_seats":10,"used_seats":9223372036854775808}]"#,
            "$[0].used_seats: count 9223372036854775808 is too large",
        ),
        (
            r#"[{"product_name":"P","total_seats":9223372036854775808,"used_seats":3}]"#,
            "$[0].total_seats: count 9223372036854775808 is too large",
        ),
    ] {
        let path = env.write("big.json", payload);
        let mut cmd = env.cmd();
        cmd.args(["cpod", "--file"]).arg(&path);
        let out = Output::of(cmd);
        assert_eq!(out.code, 1, "{payload}");
        assert!(out.stderr.contains(want), "{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    let path = env.write("max.json", r#"[{"product_name":"P","total_seats":9223372036854775807,"used_seats":3}]"#);
    let mut cmd = env.cmd();
    cmd.args(["cpod", "--json", "--file"]).arg(&path);
    let doc = Output::of(cmd).json();
    assert_eq!(doc["records"][0]["balance"].as_i64(), Some(9223372036854775804));
}

/// Standard input is parsed as it is read: endless input ends at once when it
/// is not JSON, and a document that is not a list is refused past 64 MiB
/// instead of growing without bound.
#[test]
fn stdin_is_bounded() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["4d", "--file", "-"]).stdin(std::fs::File::open("/dev/zero").unwrap());
    let out = Output::of(cmd);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("source `4d` (4d): stdin: not JSON: input starts with byte 0x00"), "{}", out.stderr);

    let big = env.write("big.json", &format!(r#"{{"responseStatus":"SUCCESS","pad":"{}","applications":[]}}"#, "p".repeat(65 << 20)));
    let mut cmd = env.cmd();
    cmd.args(["veeva", "--file", "-"]).stdin(std::fs::File::open(&big).unwrap());
    let out = Output::of(cmd);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("document larger than 64 MiB: refused (only lists of items are streamed)"), "{}", out.stderr);
}

/// `licusage <kind> --format ndjson` with `path` through a pipe.
fn through_a_pipe(env: &TestEnv, kind: &str, path: &std::path::Path) -> Output {
    let mut cmd = env.cmd();
    cmd.args([kind, "--format", "ndjson", "--file", "-"]);
    Output::piped(cmd, &std::fs::read(path).unwrap())
}

/// `licusage <kind> --format ndjson` on `path`, read as a file and from stdin.
fn file_and_stdin(env: &TestEnv, kind: &str, path: &std::path::Path) -> (Output, Output) {
    let mut cmd = env.cmd();
    cmd.args([kind, "--format", "ndjson", "--file"]).arg(path);
    let from_file = Output::of(cmd);
    let mut cmd = env.cmd();
    cmd.args([kind, "--format", "ndjson", "--file", "-"]).stdin(std::fs::File::open(path).unwrap());
    (from_file, Output::of(cmd))
}
