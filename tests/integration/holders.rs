//! `licusage holders`: who holds the seats, which are idle, redacted reports.

use std::time::Duration;

use crate::env::{fixture, Output, TestEnv, ALL_KINDS};

fn holders_of(out: &Output) -> Vec<serde_json::Value> {
    let doc = out.json();
    assert_eq!(doc["schema_version"], 1);
    doc["holders"].as_array().unwrap().clone()
}

#[test]
fn each_vendor_with_holders() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let out = env.run(&["holders", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let all = holders_of(&out);
    let count = |source: &str| all.iter().filter(|h| h["source"] == source).count();
    // 4D: one per retained license; ONLYOFFICE: 231 editors + 40 viewers; cPod: active, non-deleted assignments.
    assert_eq!((count("fourd"), count("docs"), count("assets")), (6, 271, 5));
    assert_eq!((count("vault-prod"), count("esign")), (0, 0), "Vault and Leegality do not name holders");

    let anna = all.iter().find(|h| h["holder"] == "Anna Schmidt").unwrap();
    assert_eq!((anna["product"].as_str(), anna["holder_type"].as_str()), (Some("4D Client"), Some("remote")));
    assert_eq!((anna["details"]["machine"].as_str(), anna["details"]["ip"].as_str()), (Some("ACC-PC-12"), Some("10.10.4.12")));
    assert_eq!(anna["since"], "2026-11-23T07:58:11Z");
    let rest = all.iter().find(|h| h["holder"] == "portal-api").unwrap();
    assert_eq!(rest["holder_type"], "rest");
    let sql = all.iter().find(|h| h["holder"] == "reporting").unwrap();
    assert_eq!(sql["holder_type"], "sql");

    let viewer = all.iter().find(|h| h["holder"] == "viewer7@example.com").unwrap();
    assert_eq!(
        (viewer["metric"].as_str(), viewer["holder_type"].as_str(), viewer["expires_at"].as_str()),
        (Some("users_view"), Some("viewer"), Some("2026-12-15T10:00:00Z"))
    );

    let never = all.iter().find(|h| h["holder"] == "per_01HXK3").unwrap();
    assert_eq!(
        (never["product"].as_str(), never["never_used"].as_bool(), never["last_used_at"].is_null()),
        (Some("Acrobat Pro"), Some(true), true)
    );
    assert!(never["idle_days"].as_i64().unwrap() > 600);
    // Revoked and soft-deleted assignments hold no seat.
    assert!(!all.iter().any(|h| h["holder"] == "per_01HXK5" || h["holder"] == "per_01HXK6"));
    // Veeva was not read at all, and says why.
    assert!(out.stderr.contains("source `vault-prod` (veeva): its kind does not say who holds the seats"), "{}", out.stderr);
}

#[test]
fn idle_keeps_the_seats_to_reclaim() {
    let env = TestEnv::new();
    let now = chrono::Utc::now();
    let ago = |days: i64| (now - chrono::Duration::days(days)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    env.write("lic.json", r#"[{"id":"l1","product_name":"CAD","license_type":"named_user","total_seats":10,"used_seats":4}]"#);
    env.write(
        "asg.json",
        &format!(
            r#"{{"data":[
            {{"id":"a1","license_id":"l1","assignee_id":"recent","status":"active","assigned_at":"{}","last_used_at":"{}"}},
            {{"id":"a2","license_id":"l1","assignee_id":"stale","status":"active","assigned_at":"{}","last_used_at":"{}"}},
            {{"id":"a3","license_id":"l1","assignee_id":"never","status":"active","assigned_at":"{}","last_used_at":null}},
            {{"id":"a4","license_id":"l1","assignee_id":"exactly-90","status":"active","assigned_at":"{}","last_used_at":"{}"}}
        ]}}"#,
            ago(400),
            ago(3),
            ago(400),
            ago(120),
            ago(5),
            ago(200),
            ago(90)
        ),
    );
    env.config(&format!(
        "[sources.c]\nkind = \"cpod\"\nfile = \"{}\"\nassignments_file = \"{}\"\n\n[sources.f]\nkind = \"4d\"\nfile = \"{}\"\n",
        env.path("lic.json").display(),
        env.path("asg.json").display(),
        fixture("4d/license-usage.json").display()
    ));
    let out = env.run(&["holders", "--idle", "90", "--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let who: Vec<&str> = out.stdout.lines().skip(1).map(|l| l.split(',').nth(4).unwrap()).collect();
    // Never used counts once its assignment is older than the window (it was
    // assigned 5 days ago: not idle yet, as its IDLE of 5 days says); 4D
    // sessions record no use and are never idle.
    assert_eq!(who, ["stale", "exactly-90"]);
    let stale = out.stdout.lines().find(|l| l.contains(",stale,")).unwrap();
    assert!(stale.ends_with(",120,false,,,"), "{stale}");
    let all = env.run(&["holders", "--format", "csv"]);
    let never = all.stdout.lines().find(|l| l.contains(",never,")).unwrap();
    assert!(never.ends_with(",5,true,,,"), "{never}");

    // With prices, each seat to reclaim says what it costs a year (after the
    // discount, monthly made yearly), and the table totals them.
    env.write(
        "lic.json",
        r#"[{"id":"l1","product_name":"CAD","license_type":"named_user","total_seats":10,"used_seats":4,
             "list_price":"50","negotiated_discount":20,"cost":{"currency":"eur","billing_period":"monthly"}}]"#,
    );
    let out = env.run(&["holders", "--idle", "90", "--format", "csv"]);
    let stale = out.stdout.lines().find(|l| l.contains(",stale,")).unwrap();
    assert!(stale.ends_with(",120,false,,480,EUR"), "{stale}");
    let json = env.run(&["holders", "--idle", "90", "--json"]).json();
    assert_eq!(json["holders"][0]["unit_price"], 480.0);
    assert_eq!(json["holders"][0]["currency"], "EUR");
    let table = env.run(&["holders", "--idle", "90"]).stdout;
    assert!(table.lines().next().unwrap().ends_with("COST/YR"), "{table}");
    assert!(table.contains("480.00 EUR"), "{table}");
    assert!(table.contains("total a year: 960.00 EUR for 2 seats"), "{table}");
    // An odd price (a discount past 100%, no currency, a period of another name) is no price.
    for odd in [
        r#""list_price":50,"negotiated_discount":120,"currency":"EUR""#,
        r#""list_price":50"#,
        r#""list_price":50,"cost":{"currency":"EUR","billing_period":"fortnightly"}"#,
        r#""list_price":-5,"currency":"EUR""#,
    ] {
        env.write(
            "lic.json",
            &format!(r#"[{{"id":"l1","product_name":"CAD","license_type":"named_user","total_seats":10,"used_seats":4,{odd}}}]"#),
        );
        let out = env.run(&["holders", "--idle", "90", "--json"]);
        assert_eq!(out.code, 0, "{odd}: {}", out.stderr);
        assert!(out.json()["holders"].as_array().unwrap().iter().all(|h| h["unit_price"].is_null()), "{odd}");
        assert!(!env.run(&["holders", "--idle", "90"]).stdout.contains("COST/YR"), "{odd}");
    }
}

#[test]
fn redact_is_stable_and_hides_identities() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let first = env.run(&["holders", "--redact", "--format", "ndjson", "--source", "fourd", "--source", "assets"]);
    let second = env.run(&["holders", "--redact", "--format", "ndjson", "--source", "fourd", "--source", "assets"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout, second.stdout, "same input, same hashes");
    for secret in ["Anna Schmidt", "ACC-PC-12", "10.10.4.12", "per_01HXK1", "B1F3A0C2E4D54C7A9E2F6B8D0C1A2E3F", "anna.schmidt", "4D ODBC"] {
        assert!(!first.stdout.contains(secret), "{secret} in a redacted report");
    }
    let rows: Vec<serde_json::Value> = first.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 11);
    assert!(rows.iter().all(|h| h["holder"].as_str().unwrap().starts_with("u-") && h["holder"].as_str().unwrap().len() == 12));
    let distinct: std::collections::BTreeSet<&str> = rows.iter().map(|h| h["holder"].as_str().unwrap()).collect();
    assert_eq!(distinct.len(), 11);
    // What is not identifying stays.
    assert!(rows.iter().any(|h| h["details"]["host_type"] == "mac"));
    assert!(rows.iter().any(|h| h["never_used"] == true));
}

#[test]
fn every_format() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let table = env.run(&["holders", "--source", "fourd"]);
    assert_eq!(table.code, 0);
    let header: Vec<&str> = table.stdout.lines().next().unwrap().split("  ").map(str::trim).filter(|s| !s.is_empty()).collect();
    assert_eq!(header, ["SOURCE", "PRODUCT", "METRIC", "HOLDER", "TYPE", "SINCE", "LAST USED", "IDLE", "EXPIRES", "WHERE"]);
    assert!(table.stdout.lines().any(|l| l.contains("Anna Schmidt") && l.contains("ACC-PC-12 10.10.4.12")), "{}", table.stdout);
    let csv = env.run(&["holders", "--source", "fourd", "--format", "csv"]);
    assert!(csv.stdout.starts_with(
        "source,kind,product,metric,holder,holder_type,since,last_used_at,idle_days,never_used,expires_at,unit_price,currency\r\n"
    ));
    assert_eq!(csv.stdout.lines().count(), 7);
    let ndjson = env.run(&["holders", "--source", "fourd", "--format", "ndjson"]);
    assert_eq!(ndjson.stdout.lines().count(), 6);
    let json = env.run(&["holders", "--source", "fourd", "--json"]);
    assert_eq!(holders_of(&json).len(), 6);
    assert_eq!(json.json()["errors"], serde_json::json!([]));
    let prom = env.run(&["holders", "--format", "prometheus"]);
    assert_eq!(prom.code, 2);
    // No holders at all: an empty document, still valid.
    let none = env.run(&["holders", "--json", "--product", "nothing"]);
    assert_eq!(holders_of(&none).len(), 0);
}

#[test]
fn a_failing_source_is_listed_and_the_others_still_stream() {
    let env = TestEnv::new();
    env.config(&format!(
        "{ALL_KINDS}\n[sources.bad]\nkind = \"cpod\"\nfile = \"{}\"\nassignments_file = \"{}\"\n",
        fixture("cpod/licenses.json").display(),
        fixture("cpod/bad-truncated.json").display()
    ));
    let out = env.run(&["holders", "--json"]);
    assert_eq!(out.code, 1);
    let doc = out.json();
    assert_eq!(doc["errors"][0]["source"], "bad");
    // Named by the file it is in (the assignments', not the licenses').
    let message = doc["errors"][0]["message"].as_str().unwrap();
    assert!(message.starts_with(&format!("{}: assignments $.data[", fixture("cpod/bad-truncated.json").display())), "{message}");
    assert!(doc["holders"].as_array().unwrap().len() >= 282);
    let mut cmd = env.cmd();
    cmd.arg("--config").arg(env.path("config.toml")).args(["holders", "--source", "vault-prod"]);
    let vault = Output::of(cmd);
    assert!(vault.stderr.contains("source `vault-prod` (veeva): its kind does not say who holds the seats"), "{}", vault.stderr);
    // From stdin: named as such.
    env.config(&format!(
        "[sources.bad]\nkind = \"cpod\"\nfile = \"{}\"\nassignments_file = \"-\"\n",
        fixture("cpod/licenses.json").display()
    ));
    let mut cmd = env.cmd();
    cmd.arg("--config")
        .arg(env.path("config.toml"))
        .args(["holders", "--json"])
        .stdin(std::fs::File::open(fixture("cpod/bad-truncated.json")).unwrap());
    let piped = Output::of(cmd);
    assert!(piped.json()["errors"][0]["message"].as_str().unwrap().starts_with("stdin: assignments $.data["), "{}", piped.stdout);
}

/// Every source that cannot list holders says so, whether named or not; a
/// cPod file source without its assignments too.
#[test]
fn every_source_without_holders_says_so() {
    let env = TestEnv::new();
    env.config(&format!("{ALL_KINDS}\n[sources.bare]\nkind = \"cpod\"\nfile = \"{}\"\n", fixture("cpod/licenses.json").display()));
    let out = env.run(&["holders", "--format", "csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for want in [
        "source `vault-prod` (veeva): its kind does not say who holds the seats",
        "source `esign` (leegality): its kind does not say who holds the seats",
        "source `bare` (cpod): no `assignments_file`: the holders come in that payload",
    ] {
        assert!(out.stderr.contains(want), "{want}: {}", out.stderr);
    }
    assert!(env.run(&["-q", "holders"]).stderr.is_empty());
    // One order in every format: the table lists holders as the CSV does.
    let csv: Vec<String> = out.stdout.lines().skip(1).map(|l| l.split(',').nth(4).unwrap().to_string()).collect();
    let table = env.run(&["holders"]).stdout;
    // Below the rows, the totals of what the seats cost.
    let rows: Vec<&str> = table.lines().skip(1).filter(|l| !l.starts_with("total a year: ") && !l.starts_with('(')).collect();
    assert_eq!(rows.len(), csv.len());
    for (row, holder) in rows.iter().zip(&csv) {
        assert!(row.contains(holder.as_str()), "{row} / {holder}");
    }
}

#[test]
fn holders_come_in_source_order_however_the_reads_race() {
    use wiremock::matchers::method;
    use wiremock::Mock;
    // The first source answers slowly, the second is a file read at once:
    // still every row of the first comes before any of the second, on every run.
    let server = crate::live::Server::start();
    server.mount(
        Mock::given(method("GET")).respond_with(crate::live::json_file("4d/license-usage.json").set_delay(Duration::from_millis(800))),
    );
    let env = TestEnv::new();
    env.config(&format!(
        "[sources.a-slow]\nkind = \"4d\"\nurl = \"{}\"\n\n[sources.b-file]\nkind = \"cpod\"\nfile = \"{}\"\nassignments_file = \"{}\"\n\n[sources.c-broken]\nkind = \"cpod\"\nfile = \"{}\"\nassignments_file = \"{}\"\n",
        server.url(),
        fixture("cpod/licenses.json").display(),
        fixture("cpod/licenses.assignments.json").display(),
        fixture("cpod/licenses.json").display(),
        fixture("cpod/bad-truncated.json").display(),
    ));
    let out = env.run(&["holders", "--format", "csv"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let sources: Vec<&str> = out.stdout.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert!(sources.first() == Some(&"a-slow") && sources.contains(&"b-file"), "{sources:?}");
    assert!(sources.windows(2).all(|w| w[0] <= w[1]), "rows out of source order: {sources:?}");
    assert!(out.stderr.contains("c-broken"), "{}", out.stderr);
}

/// A secret salt keys the `--redact` hash: without it, anyone with a staff
/// list could hash the names and re-identify.
#[test]
fn redact_with_a_secret_salt() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let plain = env.run(&["-q", "holders", "--redact", "--format", "csv", "--source", "fourd"]).stdout;
    env.config(&format!("[holders]\nredact_salt_env = \"SALT\"\n{}", &*ALL_KINDS));
    let salted = |salt: &str| {
        let mut cmd = env.cmd();
        cmd.env("SALT", salt)
            .arg("--config")
            .arg(env.path("config.toml"))
            .args(["-q", "holders", "--redact", "--format", "csv", "--source", "fourd"]);
        Output::of(cmd)
    };
    let one = salted("pepper-SECRET");
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout, salted("pepper-SECRET").stdout, "stable for one salt");
    assert_ne!(one.stdout, plain, "the salt changes the hashes");
    assert_ne!(one.stdout, salted("another").stdout);
    assert!(!one.stdout.contains("Anna Schmidt") && !one.stdout.contains("pepper-SECRET"));
    let missing = Output::of({
        let mut cmd = env.cmd();
        cmd.env_remove("SALT").arg("--config").arg(env.path("config.toml")).args(["holders", "--redact"]);
        cmd
    });
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("[holders] environment variable SALT (redact_salt_env) is not set"), "{}", missing.stderr);
}

/// An export of several MiB (parsed in segments on every core) gives the same
/// rows and the same errors from a file, from a file on stdin (`< export`)
/// and through a pipe, where what was read is kept for the exact pass that
/// names an error or reads a shape the fast path does not.
#[test]
fn a_large_export_reads_alike_from_a_file_stdin_and_a_pipe() {
    let env = TestEnv::new();
    env.write("lic.json", r#"[{"id":"l1","product_name":"CAD","license_type":"named_user","total_seats":90000,"used_seats":4}]"#);
    let item = |i: usize, last_used: &str| {
        format!(
            r#"{{"id":"a{i}","license_id":"l1","assignee_id":"user{i} \"q\", é","status":"{}","assigned_at":"2024-01-01T00:00:00Z","last_used_at":{last_used},"note":"}},{{\"x\":1}}"}}"#,
            if i.is_multiple_of(7) { "revoked" } else { "active" }
        )
    };
    let export = |key: &str, bad_at: Option<usize>| {
        let items: Vec<String> = (0..30_000)
            .map(|i| match (bad_at == Some(i), i % 3) {
                (true, _) => item(i, r#""2026-02-30T00:00:00Z""#),
                (false, 0) => item(i, "null"),
                _ => item(i, &format!(r#""2025-{:02}-{:02}T12:00:00Z""#, i % 12 + 1, i % 28 + 1)),
            })
            .collect();
        format!("{{\"{key}\":[{}],\"next_cursor\":null}}", items.join(",\n"))
    };
    let run_three_ways = |text: &str| {
        let path = env.write("asg.json", text);
        let config = |assignments: &str| {
            env.config(&format!(
                "[sources.c]\nkind = \"cpod\"\nfile = \"{}\"\nassignments_file = \"{assignments}\"\n",
                env.path("lic.json").display()
            ))
        };
        config(&path.display().to_string());
        let file = env.run(&["holders", "--format", "csv"]);
        config("-");
        let holders = || {
            let mut cmd = env.cmd();
            cmd.arg("--config").arg(env.path("config.toml")).args(["holders", "--format", "csv"]);
            cmd
        };
        let mut cmd = holders();
        cmd.stdin(std::fs::File::open(&path).unwrap());
        let stdin = Output::of(cmd);
        let pipe = Output::piped(holders(), text.as_bytes());
        let shown = path.display().to_string();
        // Not assert_eq!: a difference in megabytes of rows would drown the report.
        assert!(
            file.stdout == stdin.stdout,
            "file and stdin rows differ: {} and {} bytes, {}",
            file.stdout.len(),
            stdin.stdout.len(),
            stdin.stderr
        );
        assert_eq!((file.code, file.stderr.replace(&shown, "stdin")), (stdin.code, stdin.stderr.clone()));
        assert!(
            stdin.stdout == pipe.stdout,
            "stdin and pipe rows differ: {} and {} bytes, {}",
            stdin.stdout.len(),
            pipe.stdout.len(),
            pipe.stderr
        );
        assert_eq!((stdin.code, &stdin.stderr), (pipe.code, &pipe.stderr));
        file
    };
    assert!(export("data", None).len() > 4 << 20, "large enough for segments");

    let good = run_three_ways(&export("data", None));
    assert_eq!(good.code, 0, "{}", good.stderr);
    let rows: Vec<&str> = good.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 30_000 - 30_000_usize.div_ceil(7), "every active assignment, once");
    assert!(rows[0].starts_with(r#"c,cpod,CAD,named_user,"user1 ""q"", é",,2024-01-01T00:00:00Z,2025-02-02T12:00:00Z,"#), "{}", rows[0]);
    assert!(rows.iter().any(|r| r.contains(r#""user29999 ""q"", é""#)));

    // A date that does not exist, deep in the list: the same error every way,
    // naming the item and the field, and no rows claimed complete.
    let bad = run_three_ways(&export("data", Some(25_001)));
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("$.data[25001].last_used_at: invalid date \"2026-02-30T00:00:00Z\""), "{}", bad.stderr);

    // The list under a key written with escapes: only the exact pass reads
    // it, over what the pipe delivered and what was kept of it.
    let escaped = run_three_ways(&export("d\\u0061ta", None));
    assert_eq!(escaped.code, 0, "{}", escaped.stderr);
    assert!(escaped.stdout == good.stdout, "the escaped key's rows differ");
}
