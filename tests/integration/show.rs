//! `show` and the one-off vendor subcommands over file and stdin sources.

use std::io::Write;
use std::process::Stdio;

use crate::env::{fixture, repo, Output, TestEnv, ALL_KINDS};

#[test]
fn readme_quick_start_renders_all_five_vendors() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.current_dir(repo("")).args(["--config", "config.example.toml", "show"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["SOURCE", "PRODUCT", "METRIC", "USED", "LIMIT", "BALANCE", "USE%", "EXPIRES", "STATUS", "REASON"]
    );
    for source in ["assets", "docs", "esign", "fourd", "vault-prod"] {
        assert!(lines.iter().any(|l| l.starts_with(source)), "no {source} row:\n{}", out.stdout);
    }
    // Rows sorted by source, then product, then metric.
    let keys: Vec<_> = lines[1..].iter().map(|l| l.split_whitespace().next().unwrap()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn table_shows_numbers_nulls_and_status() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let out = env.run(&["show"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let row = |needle: &str| -> Vec<String> {
        let line = out.stdout.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no row {needle}:\n{}", out.stdout));
        line.split("  ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
    };
    let doc = row("doc_count");
    assert_eq!(&doc[..6], ["vault-prod", "vault", "doc_count", "2,380", "4,000", "1,620"]);
    assert_eq!((doc[6].as_str(), doc[7].as_str()), ("██████", "59.5%"), "bar, then percentage: {doc:?}");
    let jira = row("Jira Software");
    assert_eq!(&jira[3..6], ["812", "unlimited", "—"]);
    let autocad = row("AutoCAD LT");
    assert_eq!(autocad[5], "-2");
    // Every row that is not ok says why, in the REASON column when it fits.
    assert_eq!(autocad[autocad.len() - 2..], ["critical", "over-allocated (cPod compliance status); over limit by 2"]);
}

#[test]
fn source_selection_by_name_and_kind() {
    let env = TestEnv::new();
    env.config(&format!("{ALL_KINDS}\n[sources.vault-test]\nkind = \"veeva\"\nfile = \"{{fixtures}}/veeva/legacy-naming.json\"\n"));
    let sources = |out: &Output| -> Vec<String> {
        let mut s: Vec<String> =
            out.json()["records"].as_array().unwrap().iter().map(|r| r["source"].as_str().unwrap().to_string()).collect();
        s.dedup();
        s
    };
    let by_name = env.run(&["show", "--source", "vault-test", "--json"]);
    assert_eq!(sources(&by_name), ["vault-test"]);
    let by_kind = env.run(&["show", "--source", "veeva", "--json"]);
    assert_eq!(sources(&by_kind), ["vault-prod", "vault-test"]);
    let two = env.run(&["show", "-s", "esign", "-s", "fourd", "--json"]);
    assert_eq!(sources(&two), ["esign", "fourd"]);
    let unknown = env.run(&["show", "--source", "sap"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("no source or kind named `sap`"), "{}", unknown.stderr);
    assert!(unknown.stdout.is_empty());
}

#[test]
fn product_and_metric_globs_and_config_include_exclude() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let out = env.run(&["show", "--source", "vault-prod", "--product", "pm_*", "--metric", "full__v", "--format", "ndjson"]);
    let series: Vec<String> = out
        .stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!("{}/{}", v["product"].as_str().unwrap(), v["metric"].as_str().unwrap())
        })
        .collect();
    assert_eq!(series, ["pm_multichannel__v/full__v", "pm_promomats__v/full__v"]);

    env.config(
        "[sources.v]\nkind = \"veeva\"\nfile = \"{fixtures}/veeva/licenses.json\"\ninclude = [\"pm_promomats__v\"]\nexclude = [\"*/read_only__v\"]\n",
    );
    let out = env.run(&["show", "--format", "csv"]);
    let metrics: Vec<&str> = out.stdout.lines().skip(1).map(|l| l.split(',').nth(3).unwrap()).collect();
    assert_eq!(metrics, ["external__v", "full__v"]);
}

#[test]
fn every_vendor_one_off_from_a_file() {
    let env = TestEnv::new();
    for (kind, file, product, metric, used, limit) in [
        ("4d", "4d/license-usage.json", "4D Client", "licenses", 3, 10),
        ("veeva", "veeva/licenses.json", "pm_promomats__v", "full__v", 491, 500),
        ("onlyoffice", "onlyoffice/license.json", "docs", "users", 2, 10),
        ("leegality", "leegality/usage-statistics.json", "license", "users", 233, 1000),
        ("cpod", "cpod/licenses.json", "Acrobat Pro", "named_user", 142, 150),
    ] {
        let mut cmd = env.cmd();
        cmd.args([kind, "--file"]).arg(fixture(file)).arg("--json");
        let out = Output::of(cmd);
        assert_eq!(out.code, 0, "{kind}: {}", out.stderr);
        let doc = out.json();
        let rec = doc["records"].as_array().unwrap().iter().find(|r| r["product"] == product && r["metric"] == metric);
        let rec = rec.unwrap_or_else(|| panic!("{kind}: no {product}/{metric} in {doc}"));
        assert_eq!((rec["source"].as_str(), rec["kind"].as_str()), (Some(kind), Some(kind)));
        assert_eq!((rec["used"].as_u64(), rec["limit"].as_u64()), (Some(used), Some(limit)), "{kind}");
        assert_eq!(rec["balance"].as_i64(), Some(limit as i64 - used as i64));
    }
}

#[test]
fn leegality_product_is_the_license_id() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["leegality", "--license-id", "bd82845c-897b", "--format", "csv", "--file"]).arg(fixture("leegality/near-limit.json"));
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "\r\nleegality,leegality,bd82845c-897b,users,96,100,4,0.96,,critical,utilization 96% >= 95%,bd82845c-897b/users,seats\r\n"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("leegality,leegality,bd82845c-897b,certificates,2,,,,,ok,,bd82845c-897b/certificates,certificates\r\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn one_off_reads_stdin() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["onlyoffice", "--file", "-", "--format", "ndjson"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read(fixture("onlyoffice/trial-expired.json")).unwrap()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // A connection-based trial: the user counts of 0 are not series.
    assert_eq!(lines.len(), 2);
    for r in &lines {
        assert_eq!(r["status"], "critical");
        assert_eq!(r["reasons"][0], "trial license expired (resultType 6 ExpiredTrial)");
        assert_eq!(r["details"]["trial"], true);
        assert_eq!(r["source"], "onlyoffice");
    }
}

#[test]
fn config_file_source_reads_stdin() {
    let env = TestEnv::new();
    env.config("[sources.pipe]\nkind = \"cpod\"\nfile = \"-\"\n");
    let mut cmd = env.cmd();
    cmd.arg("--config")
        .arg(env.path("config.toml"))
        .args(["show", "--json"])
        .stdin(std::fs::File::open(fixture("cpod/camel-result-items.json")).unwrap());
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    let jira = doc["records"].as_array().unwrap().iter().find(|r| r["product"] == "Jira Software").unwrap();
    // camelCase `totalSeats: 0` means unlimited.
    assert_eq!((jira["limit"].is_null(), jira["balance"].is_null(), jira["utilization"].is_null()), (true, true, true));
}

#[test]
fn thresholds_from_defaults_and_rules_set_status() {
    let env = TestEnv::new();
    env.config(
        "[defaults]\nwarn = 50\ncrit = 60\n[[rules]]\nproduct = \"pm_multichannel__v\"\nwarn = 90\ncrit = 99\n\n[sources.v]\nkind = \"veeva\"\nfile = \"{fixtures}/veeva/licenses.json\"\n",
    );
    let doc = env.run(&["show", "--json", "--metric", "full__v"]).json();
    let recs = doc["records"].as_array().unwrap();
    assert_eq!(recs[0]["product"], "pm_multichannel__v");
    assert_eq!(recs[0]["status"], "ok", "88.2% is under the rule's 90%");
    assert_eq!(recs[1]["status"], "critical");
    assert_eq!(recs[1]["reasons"][0], "utilization 98.2% >= 60%");
}

#[test]
fn expiry_sets_status_relative_to_today() {
    let env = TestEnv::new();
    // Calendar days: noon of the day 5 (20) days on, whatever the hour now
    // (now + 5 days + 2 hours is 6 calendar days away after 22:00).
    let noon_in = |days: u64| (chrono::Utc::now().date_naive() + chrono::Days::new(days)).format("%Y-%m-%dT12:00:00Z");
    let (soon, later) = (noon_in(5), noon_in(20));
    let body = format!(
        r#"[{{"id":"a","product_name":"A","license_type":"named_user","total_seats":10,"used_seats":1,"expiry_date":"{soon}"}},
            {{"id":"b","product_name":"B","license_type":"named_user","total_seats":10,"used_seats":1,"expiry_date":"{soon}","auto_renew":true}},
            {{"id":"c","product_name":"C","license_type":"named_user","total_seats":10,"used_seats":1,"expiry_date":"{later}"}},
            {{"id":"d","product_name":"D","license_type":"named_user","total_seats":10,"used_seats":1,"expiry_date":null}}]"#
    );
    let file = env.write("cpod.json", &body);
    let mut cmd = env.cmd();
    cmd.args(["cpod", "--json", "--file"]).arg(file);
    let doc = Output::of(cmd).json();
    let status: Vec<(&str, &str)> = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["status"].as_str().unwrap(), r["reasons"][0].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        status,
        [("critical", "expires in 5 days"), ("warning", "expires in 5 days"), ("warning", "expires in 20 days"), ("ok", "")]
    );
}

/// A one-off read takes `[defaults]` and `[[rules]]` from the config it is
/// given (the sources of that config aside).
#[test]
fn one_off_reads_use_the_config_thresholds() {
    let env = TestEnv::new();
    env.config("[defaults]\nwarn = 50\ncrit = 60\n[[rules]]\nmetric = \"doc_count\"\nwarn = 99\ncrit = 100\n");
    let out = env.run(&["veeva", "--json", "--file", fixture("veeva/licenses.json").to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc = out.json();
    let status = |product: &str, metric: &str| {
        doc["records"].as_array().unwrap().iter().find(|r| r["product"] == product && r["metric"] == metric).unwrap()["status"].clone()
    };
    // 67 of 100 is past crit 60; without the config it would be ok (80/95).
    assert_eq!(status("pm_promomats__v", "external__v"), "critical");
    // 2,380 of 4,000 (59.5%): the rule for doc_count keeps it ok.
    assert_eq!(status("vault", "doc_count"), "ok");
}
