//! `check` as a monitoring plugin, Prometheus metrics read by promtool, the
//! history store read back by `history` and sqlite3, and `diff`.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::env::{fixture, tool, Output, TestEnv, ALL_KINDS};

fn veeva_config(env: &TestEnv, extra: &str) {
    env.config(&format!("{extra}\n[sources.vault]\nkind = \"veeva\"\nfile = \"{{fixtures}}/veeva/licenses.json\"\n"));
}

/// A plugin answer's text lines (the part before its perfdata).
fn plugin_text(stdout: &str) -> Vec<String> {
    let text = stdout.split_once('|').map_or(stdout, |(t, _)| t);
    text.lines().map(|l| l.trim_end().to_string()).filter(|l| !l.is_empty()).collect()
}

/// A plugin answer's perfdata: after its one `|`, a value a line.
fn plugin_perf(stdout: &str) -> Vec<String> {
    stdout.split_once('|').map(|(_, p)| p.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()).unwrap_or_default()
}

#[test]
fn check_states_and_exit_codes() {
    let env = TestEnv::new();
    // pm_promomats__v/full__v is at 98.2%, pm_multichannel__v/full__v at 88.2%.
    veeva_config(&env, "");
    let crit = env.run(&["check"]);
    assert_eq!(crit.code, 2, "{}", crit.stdout);
    let first = crit.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "LICUSAGE CRITICAL - 1 critical, 1 warning; 7 series from 1 source; worst: vault/pm_promomats__v/full__v 491 of 500 used (98.2%)"
    );
    let perf = plugin_perf(&crit.stdout);
    // The series that are not ok first.
    assert_eq!(perf[0], "'vault/pm_promomats__v/full__v'=491;400;475;0;500", "{perf:?}");
    assert!(perf.contains(&"'vault/vault/doc_count'=2380;3200;3800;0;4000".to_string()), "{perf:?}");
    let text = plugin_text(&crit.stdout);
    assert_eq!(
        text[1..],
        [
            "CRITICAL: vault/pm_promomats__v/full__v 491 of 500 used (98.2%): utilization 98.2% >= 95%",
            "WARNING: vault/pm_multichannel__v/full__v 441 of 500 used (88.2%): utilization 88.2% >= 80%",
        ]
    );

    let warn = env.run(&["check", "--crit", "99"]);
    assert_eq!(warn.code, 1, "{}", warn.stdout);
    assert!(warn.stdout.starts_with("LICUSAGE WARNING - 2 warning; 7 series"), "{}", warn.stdout);

    let ok = env.run(&["check", "--warn", "99", "--crit", "99.5"]);
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert!(ok.stdout.starts_with("LICUSAGE OK - 7 series from 1 source within thresholds\n| "), "{}", ok.stdout);
    assert_eq!(plugin_text(&ok.stdout).len(), 1);
    assert_eq!(plugin_perf(&ok.stdout).len(), 14, "{}", ok.stdout);

    let free = env.run(&["check", "--warn", "99", "--crit", "99.5", "--warn-free", "60", "--crit-free", "9"]);
    assert_eq!(free.code, 2, "{}", free.stdout);
    assert!(free.stdout.contains("CRITICAL: vault/pm_promomats__v/full__v 491 of 500 used (98.2%): 9 free <= 9"), "{}", free.stdout);
    assert!(free.stdout.contains("WARNING: vault/pm_multichannel__v/full__v 441 of 500 used (88.2%): 59 free <= 60"), "{}", free.stdout);
}

#[test]
fn check_unknown_on_failed_source_and_usage_errors() {
    let env = TestEnv::new();
    env.config(&format!(
        "[sources.vault]\nkind = \"veeva\"\nfile = \"{}\"\n[sources.broken]\nkind = \"onlyoffice\"\nfile = \"{}\"\n",
        fixture("veeva/licenses.json").display(),
        fixture("onlyoffice/error-invalid-token.json").display()
    ));
    let out = env.run(&["check", "--warn", "99", "--crit", "99.5"]);
    assert_eq!(out.code, 3, "{}", out.stdout);
    assert!(out.stdout.starts_with("LICUSAGE UNKNOWN - 1 source failed; 7 series from 1 of 2 sources\n"), "{}", out.stdout);
    assert!(out.stdout.contains("\nUNKNOWN: source `broken` (onlyoffice): "), "{}", out.stdout);
    assert!(out.stdout.contains("ONLYOFFICE error 6: invalid token"));

    // A critical series outranks a failed source.
    let out = env.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stdout);

    for args in [&["check", "--warn", "lots"][..], &["check", "--bogus"], &["check", "--warn", "96"]] {
        let out = env.run(args);
        assert_eq!(out.code, 3, "{args:?}: {out:?}");
    }
    let out = env.run(&["check", "--warn", "96"]);
    assert_eq!(out.stdout, "LICUSAGE UNKNOWN - `warn` (96) is above `crit` (95)\n");
    env.config("[defaults]\nwarn = 80\n");
    let empty = env.run(&["check"]);
    assert_eq!(empty.code, 3);
    assert!(empty.stdout.starts_with("LICUSAGE UNKNOWN - no sources configured in "), "{}", empty.stdout);
    let mut cmd = env.cmd();
    cmd.args(["--config", "/nonexistent/licusage.toml", "check"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 3);
    assert!(out.stdout.starts_with("LICUSAGE UNKNOWN - no config file at /nonexistent/licusage.toml"), "{}", out.stdout);

    // Filters that match nothing: a misconfigured check, not OK.
    env.config(&ALL_KINDS);
    let none = env.run(&["check", "--product", "no-such-product*"]);
    assert_eq!(none.code, 3, "{}", none.stdout);
    assert!(none.stdout.starts_with("LICUSAGE UNKNOWN - no series matched"), "{}", none.stdout);
}

#[test]
fn check_thresholds_from_defaults_and_rules() {
    let env = TestEnv::new();
    veeva_config(
        &env,
        "[defaults]\nwarn = 60\ncrit = 90\n\n[[rules]]\nproduct = \"pm_promomats__v\"\nmetric = \"full__v\"\nwarn = 98.5\ncrit = 99\n",
    );
    let out = env.run(&["check"]);
    // promomats full__v (98.2%) is ok by its rule; multichannel full__v (88.2%) warns at 60; external__v (67%) too.
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("'vault/pm_promomats__v/full__v'=491;492.5;495;0;500"), "{}", out.stdout);
    assert!(
        out.stdout.contains("WARNING: vault/pm_promomats__v/external__v 67 of 100 used (67%): utilization 67% >= 60%"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("WARNING: vault/pm_promomats__v/full__v"), "{}", out.stdout);
    // Flags beat rules.
    let out = env.run(&["check", "--warn", "50", "--crit", "98"]);
    assert!(out.stdout.contains("CRITICAL: vault/pm_promomats__v/full__v"), "{}", out.stdout);
    // The perfdata thresholds are the ones that decide the state: 60 free seats
    // of 500 warn at 440 used, before 90% (450) does.
    let out = env.run(&["check", "--warn", "90", "--crit", "99", "--warn-free", "60"]);
    assert!(out.stdout.contains("'vault/pm_multichannel__v/full__v'=441;440;495;0;500"), "{}", out.stdout);
    assert!(out.stdout.contains("WARNING: vault/pm_multichannel__v/full__v 441 of 500 used (88.2%): 59 free <= 60"), "{}", out.stdout);
}

#[test]
fn check_expiry_perpetual_and_auto_renew() {
    let env = TestEnv::new();
    let at = |days: i64| {
        // A date: its days away are calendar days (licusage runs with TZ=UTC), whatever the hour.
        (chrono::Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d").to_string()
    };
    let body = format!(
        r#"[{{"product_name":"Soon","license_type":"named_user","total_seats":10,"used_seats":1,"expiry_date":"{}"}},
            {{"product_name":"Renews","license_type":"named_user","total_seats":10,"used_seats":1,"expiry_date":"{}","auto_renew":true}},
            {{"product_name":"Gone","license_type":"named_user","total_seats":10,"used_seats":1,"expiry_date":"{}"}},
            {{"product_name":"Perpetual","license_type":"named_user","total_seats":10,"used_seats":1,"expiry_date":null}},
            {{"product_name":"Later","license_type":"named_user","total_seats":10,"used_seats":1,"expiry_date":"{}"}}]"#,
        at(3),
        at(3),
        at(-10),
        at(45)
    );
    let file = env.write("lic.json", &body);
    env.config(&format!("[sources.c]\nkind = \"cpod\"\nfile = \"{}\"\n", file.display()));
    let out = env.run(&["check"]);
    assert_eq!(out.code, 2);
    let lines = plugin_text(&out.stdout);
    assert_eq!(
        lines[1..],
        [
            "CRITICAL: c/Gone/named_user 1 of 10 used (10%): expired 10 days ago",
            "CRITICAL: c/Soon/named_user 1 of 10 used (10%): expires in 3 days",
            "WARNING: c/Renews/named_user 1 of 10 used (10%): expires in 3 days",
        ]
    );
    let out = env.run(&["check", "--expiry-warn", "60", "--expiry-crit", "1"]);
    assert!(out.stdout.contains("WARNING: c/Later/named_user 1 of 10 used (10%): expires in 45 days"), "{}", out.stdout);
    assert!(out.stdout.contains("WARNING: c/Soon/named_user"), "{}", out.stdout);
    assert!(!out.stdout.contains("Perpetual/named_user 1"), "{}", out.stdout);
}

#[test]
fn perfdata_labels_are_quoted_and_unknown_values_are_u() {
    let env = TestEnv::new();
    let file = env.write("lic.json", r#"[{"product_name":"O'Neil = Pro","license_type":"named_user","total_seats":null,"used_seats":4}]"#);
    env.config(&format!(
        "[sources.c]\nkind = \"cpod\"\nfile = \"{}\"\n[sources.d]\nkind = \"onlyoffice\"\nfile = \"{}\"\n",
        file.display(),
        fixture("onlyoffice/connection-license.json").display()
    ));
    let out = env.run(&["check"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    // The guidelines forbid ' and = in labels: replaced.
    assert!(out.stdout.contains("'c/O_Neil _ Pro/named_user'=4;;;0;"), "{}", out.stdout);
    assert!(out.stdout.contains("'d/docs/connections'=U;40;47.5;0;50"), "{}", out.stdout);
    // Graphers that reject U: --skip-unknown leaves the series out.
    let out = env.run(&["check", "--skip-unknown"]);
    assert!(!out.stdout.contains("=U;") && out.stdout.contains("'c/O_Neil _ Pro/named_user'=4;;;0;"), "{}", out.stdout);
}

/// Perfdata for every record: used (thresholds in seats), free seats and the
/// days to expiry with "lower is bad" ranges (`@~:N`), as the state is decided.
#[test]
fn perfdata_has_free_seats_and_days_to_expiry() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_NOW", "2026-11-24T12:00:00Z").arg("--config").arg(env.path("config.toml")).args([
        "check",
        "--warn-free",
        "10",
        "--crit-free",
        "2",
    ]);
    let out = Output::of(cmd);
    let perf = plugin_perf(&out.stdout);
    assert!(perf.contains(&"'assets/AutoCAD LT/concurrent#lic_01HXA2 free'=-2;@~:10;@~:2;;25".to_string()), "{perf:?}");
    assert!(perf.contains(&"'assets/AutoCAD LT/concurrent#lic_01HXA2 days to expiry'=68;@~:30;@~:7".to_string()), "{perf:?}");
}

pub(crate) fn promtool_check(text: &str) -> Option<(bool, String)> {
    let promtool = tool("promtool")?;
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Some((out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))))
}

#[test]
fn prometheus_output_passes_promtool() {
    let env = TestEnv::new();
    let odd = env.write("odd.json", r#"[{"product_name":"Quote \" back\\slash\nnewline","license_type":"named_user","total_seats":5,"used_seats":1,"expiry_date":"2030-01-01T00:00:00Z"}]"#);
    env.config(&format!(
        "{ALL_KINDS}\n[sources.odd]\nkind = \"cpod\"\nfile = \"{}\"\n[sources.broken]\nkind = \"veeva\"\nfile = \"{}\"\n",
        odd.display(),
        fixture("veeva/exception.json").display()
    ));
    let out = env.run(&["show", "--format", "prometheus"]);
    assert_eq!(out.code, 1);
    let text = &out.stdout;
    assert!(text.contains("# TYPE licusage_used_seats gauge\n") && text.contains("# TYPE licusage_used_documents gauge\n"));
    assert!(text.contains("licusage_used_seats{source=\"vault-prod\",id=\"pm_promomats__v/full__v\",kind=\"veeva\",product=\"pm_promomats__v\",metric=\"full__v\"} 491\n"));
    assert!(text.contains(
        "licusage_utilization_ratio{source=\"vault-prod\",id=\"pm_promomats__v/full__v\",kind=\"veeva\",product=\"pm_promomats__v\",metric=\"full__v\"} 0.982\n"
    ));
    assert!(text.contains(
        "licusage_balance_seats{source=\"assets\",id=\"lic_01HXA2\",kind=\"cpod\",product=\"AutoCAD LT\",metric=\"concurrent\"} -2\n"
    ));
    assert!(text.contains("licusage_expiry_timestamp_seconds{source=\"odd\",id=\"Quote \\\" back\\\\slash\\nnewline/named_user\",kind=\"cpod\",product=\"Quote \\\" back\\\\slash\\nnewline\",metric=\"named_user\"} 1893456000\n"), "{text}");
    assert!(
        !text.contains("licusage_limit_seats{source=\"assets\",id=\"lic_01HXA3\",kind=\"cpod\",product=\"Jira Software\""),
        "unlimited: no limit sample"
    );
    assert!(text.contains("licusage_source_up{source=\"broken\",kind=\"veeva\"} 0\n"));
    assert!(text.contains("licusage_source_up{source=\"vault-prod\",kind=\"veeva\"} 1\n"));
    // Freshness per source, for alerting on a stale textfile; none for a failed one.
    assert!(text.contains("licusage_source_last_success_timestamp_seconds{source=\"vault-prod\",kind=\"veeva\"} "), "{text}");
    assert!(!text.contains("licusage_source_last_success_timestamp_seconds{source=\"broken\""), "{text}");
    assert!(text.contains("licusage_source_read_duration_seconds{source=\"broken\",kind=\"veeva\"} "), "{text}");
    // Vendor extras on an info metric, never on the value series.
    assert!(
        text.contains("licusage_license_info{source=\"assets\",id=\"lic_01HXA1\",kind=\"cpod\",product=\"Acrobat Pro\",metric=\"named_user\",auto_renew=\"true\",compliance_status=\"compliant\""),
        "{text}"
    );
    assert!(!text.lines().any(|l| l.starts_with("licusage_used_") && l.contains("compliance_status")), "{text}");
    // The state check gives each series, and the thresholds that decided it,
    // so that alert rules follow the config: 98.2% is critical by [defaults] crit = 95.
    let series = "{source=\"vault-prod\",id=\"pm_promomats__v/full__v\",kind=\"veeva\",product=\"pm_promomats__v\",metric=\"full__v\"}";
    assert!(text.contains(&format!("licusage_status{series} 2\n")), "{text}");
    assert!(
        text.contains(&format!("licusage_warn_ratio{series} 0.8\n")) && text.contains(&format!("licusage_crit_ratio{series} 0.95\n")),
        "{text}"
    );
    let odd = "{source=\"odd\",id=\"Quote \\\" back\\\\slash\\nnewline/named_user\",kind=\"cpod\",product=\"Quote \\\" back\\\\slash\\nnewline\",metric=\"named_user\"}";
    assert!(text.contains(&format!("licusage_expiry_warn_seconds{odd} 2592000\n")), "{text}");
    let Some((ok, said)) = promtool_check(text) else { return };
    assert!(ok, "promtool check metrics: {said}\n{text}");
}

fn history_config(env: &TestEnv, fixture_file: &str) {
    env.config(&format!(
        "[history]\npath = \"{}\"\n\n[sources.c]\nkind = \"cpod\"\nfile = \"{}\"\n",
        env.path("history.sqlite3").display(),
        env.path(fixture_file).display()
    ));
}

fn write_usage(env: &TestEnv, used: u64) {
    env.write("usage.json", &format!(r#"[{{"product_name":"CAD","license_type":"concurrent","total_seats":100,"used_seats":{used}}}]"#));
}

pub(crate) fn sqlite(db: &std::path::Path, sql: &str) -> Option<String> {
    let sqlite3 = tool("sqlite3")?;
    let out = Command::new(sqlite3).arg(db).arg(sql).output().unwrap();
    assert!(out.status.success(), "sqlite3: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn record_then_history_and_sqlite3_read_it_back() {
    let env = TestEnv::new();
    history_config(&env, "usage.json");
    for used in [40, 50, 45, 60] {
        write_usage(&env, used);
        let out = env.run(&["record"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(out.stdout.starts_with("recorded snapshot "), "{}", out.stdout);
    }
    assert!(env.run(&["-q", "record"]).stdout.is_empty(), "-q: silent for cron");
    let doc = env.run(&["history", "--json"]).json();
    let s = &doc["series"][0];
    assert_eq!((s["source"].as_str(), s["product"].as_str(), s["metric"].as_str()), (Some("c"), Some("CAD"), Some("concurrent")));
    assert_eq!((s["samples"].as_u64(), s["first"]["used"].as_i64(), s["last"]["used"].as_i64()), (Some(5), Some(40), Some(60)));
    assert_eq!((s["min"].as_i64(), s["max"].as_i64()), (Some(40), Some(60)));
    let table = env.run(&["history"]);
    assert!(table.stdout.lines().next().unwrap().starts_with("SOURCE"), "{}", table.stdout);
    assert!(table.stdout.contains("CAD"));
    let csv = env.run(&["history", "--format", "csv", "--product", "CAD"]);
    assert!(csv.stdout.starts_with("source,kind,product,metric,samples,"), "{}", csv.stdout);
    assert_eq!(env.run(&["history", "--json", "--product", "nothing*"]).json()["series"].as_array().unwrap().len(), 0);

    let db = env.path("history.sqlite3");
    let Some(rows) = sqlite(&db, "PRAGMA integrity_check; SELECT COUNT(*) FROM snapshots; SELECT group_concat(used) FROM (SELECT used FROM samples ORDER BY snapshot_id);") else { return };
    assert_eq!(rows, "ok\n5\n40,50,45,60,60\n");
    assert_eq!(sqlite(&db, "PRAGMA journal_mode; PRAGMA user_version;").unwrap(), "wal\n6\n");
}

#[test]
fn history_trend_and_forecast_over_days() {
    let env = TestEnv::new();
    history_config(&env, "usage.json");
    write_usage(&env, 1);
    assert_eq!(env.run(&["record"]).code, 0);
    // Samples a day apart, growing 3 a day, written as a cron job over ten days would.
    let db = env.path("history.sqlite3");
    let Some(_) = sqlite(&db, "SELECT 1") else { return };
    let now = chrono::Utc::now().timestamp();
    let mut sql = String::from("DELETE FROM samples; DELETE FROM snapshots;");
    for day in 0..10 {
        let at = now - (9 - day) * 86400;
        sql.push_str(&format!(
            "INSERT INTO snapshots (id, taken_at, sources, failed) VALUES ({}, {at}, 1, 0);
             INSERT INTO samples (series_id, taken_at, snapshot_id, used, \"limit\", balance, expires_at, status) VALUES (1, {at}, {}, {}, 100, {}, NULL, 'ok');",
            day + 1,
            day + 1,
            40 + 3 * day,
            60 - 3 * day
        ));
    }
    sqlite(&db, &sql).unwrap();
    let doc = env.run(&["history", "--json", "--since", "30d"]).json();
    let s = &doc["series"][0];
    assert!((s["trend_per_day"].as_f64().unwrap() - 3.0).abs() < 1e-6, "{s}");
    // 33 seats left at 3 a day: 11 days after the last sample.
    let exhausted = chrono::DateTime::parse_from_rfc3339(s["exhausted_at"].as_str().unwrap()).unwrap().timestamp();
    assert_eq!(exhausted, now + 11 * 86400);
    let table = env.run(&["history"]);
    assert!(table.stdout.contains("+3.00"), "{}", table.stdout);
    let spark: String = table.stdout.lines().nth(1).unwrap().chars().filter(|c| ('▁'..='█').contains(c)).collect();
    assert!(spark.starts_with('▁') && spark.ends_with('█'), "{spark}");
    // --since narrows the range.
    assert_eq!(env.run(&["history", "--json", "--since", "36h"]).json()["series"][0]["samples"].as_u64(), Some(2));
}

#[test]
fn concurrent_records_all_land() {
    // Cron jobs starting at once on a database that does not exist yet: the
    // first runs race to create it and switch it to WAL.
    for _ in 0..4 {
        concurrent_records_on_a_new_database(12);
    }
}

fn concurrent_records_on_a_new_database(runs: usize) {
    let env = TestEnv::new();
    history_config(&env, "usage.json");
    write_usage(&env, 7);
    let bin = assert_cmd::cargo::cargo_bin("licusage");
    let children: Vec<_> = (0..runs)
        .map(|_| {
            Command::new(&bin)
                .args(["--config"])
                .arg(env.path("config.toml"))
                .args(["-q", "record"])
                .env("HOME", env.dir.path())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let Some(rows) =
        sqlite(&env.path("history.sqlite3"), "PRAGMA integrity_check; SELECT COUNT(*) FROM snapshots; SELECT COUNT(*) FROM samples;")
    else {
        return;
    };
    assert_eq!(rows, format!("ok\n{runs}\n{runs}\n"));
}

#[test]
fn kill_9_during_record_leaves_whole_snapshots() {
    let env = TestEnv::new();
    // Enough series that a snapshot takes a while to write.
    let items: Vec<String> = (0..40_000)
        .map(|i| format!(r#"{{"product_name":"P{i}","license_type":"named_user","total_seats":10,"used_seats":{}}}"#, i % 10))
        .collect();
    env.write("big.json", &format!("[{}]", items.join(",")));
    history_config(&env, "big.json");
    let bin = assert_cmd::cargo::cargo_bin("licusage");
    for delay_ms in [30u64, 120, 250, 320, 400, 480, 560, 650] {
        let mut child = Command::new(&bin)
            .arg("--config")
            .arg(env.path("config.toml"))
            .args(["-q", "record"])
            .env("HOME", env.dir.path())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    assert_eq!(env.run(&["-q", "record"]).code, 0, "the store still takes writes");
    let Some(rows) = sqlite(
        &env.path("history.sqlite3"),
        "PRAGMA integrity_check; SELECT COUNT(*) FROM (SELECT snapshot_id, COUNT(*) AS n FROM samples GROUP BY snapshot_id HAVING n != 40000); SELECT COUNT(*) FROM snapshots WHERE id NOT IN (SELECT snapshot_id FROM samples);",
    ) else {
        return;
    };
    assert_eq!(rows, "ok\n0\n0\n", "every snapshot whole, none empty");
}

#[test]
fn record_skips_failed_sources_and_exits_1() {
    let env = TestEnv::new();
    write_usage(&env, 5);
    env.config(&format!(
        "[history]\npath = \"{}\"\n[sources.c]\nkind = \"cpod\"\nfile = \"{}\"\n[sources.bad]\nkind = \"cpod\"\nfile = \"{}\"\n",
        env.path("h.sqlite3").display(),
        env.path("usage.json").display(),
        fixture("cpod/bad-truncated.json").display()
    ));
    let out = env.run(&["record"]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("1 series from 1 of 2 sources"), "{}", out.stdout);
    assert!(out.stderr.contains("source `bad` (cpod)"), "{}", out.stderr);
    let Some(rows) = sqlite(&env.path("h.sqlite3"), "SELECT source FROM series; SELECT sources, failed FROM snapshots;") else { return };
    assert_eq!(rows, "c\n2|1\n");
}

#[test]
fn history_without_a_database_says_what_to_do() {
    let env = TestEnv::new();
    history_config(&env, "usage.json");
    let out = env.run(&["history"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no history at") && out.stderr.contains("licusage record"), "{}", out.stderr);
}

#[test]
fn diff_of_two_saved_outputs() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let old = env.run(&["show", "--json"]).stdout;
    std::fs::write(env.path("old.json"), &old).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&old).unwrap();
    let records = doc["records"].as_array_mut().unwrap();
    records.retain(|r| r["product"] != "Firefox ESR");
    for r in records.iter_mut() {
        if r["product"] == "pm_promomats__v" && r["metric"] == "full__v" {
            r["used"] = 499.into();
            r["limit"] = 510.into();
        }
    }
    let mut added = records[0].clone();
    added["product"] = "New Product".into();
    records.push(added);
    std::fs::write(env.path("new.json"), serde_json::to_string(&doc).unwrap()).unwrap();

    let same = env.run(&["diff", "old.json", "old.json"]);
    assert_eq!((same.code, same.stdout.as_str()), (0, ""));
    assert_eq!(same.stderr, "licusage: no change between old.json and old.json\n");
    assert_eq!(env.run(&["-q", "diff", "old.json", "old.json"]).stderr, "");
    let out = env.run(&["diff", "old.json", "new.json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        // Every line names the series alike: `#id` where the vendor has its own id.
        "+ assets/New Product/named_user#lic_01HXA1  used 142  limit 150  warning\n- assets/Firefox ESR/site#lic_01HXA6  used 0  limit —  ok\n~ vault-prod/pm_promomats__v/full__v  used 491 → 499 (+8)  limit 500 → 510 (+10)\n"
    );
    let json = env.run(&["diff", "old.json", "new.json", "--json"]).json();
    assert_eq!(json["changed"][0]["used_delta"], 8);
    assert_eq!(json["added"].as_array().unwrap().len(), 1);
    assert_eq!(json["removed"][0]["product"], "Firefox ESR");

    std::fs::write(env.path("bad.json"), "{\"schema_version\": 1, \"records\": [{\"source\": 1}]}").unwrap();
    let bad = env.run(&["diff", "old.json", "bad.json"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("bad.json: not a `licusage show --format json` document: $.records[0].source: invalid type"),
        "{}",
        bad.stderr
    );
}

/// Two contracts for one product and license type are two series
/// everywhere: history, Prometheus, `diff` and perfdata key on the id.
#[test]
fn two_licenses_of_one_product_are_two_series() {
    let env = TestEnv::new();
    let write = |a: u64, b: u64| {
        env.write(
            "two.json",
            &format!(
                r#"[{{"id":"lic-a","product_name":"P","license_type":"named","total_seats":10,"used_seats":{a}}},
                    {{"id":"lic-b","product_name":"P","license_type":"named","total_seats":20,"used_seats":{b}}}]"#
            ),
        );
    };
    env.config(&format!(
        "[history]\npath = \"{}\"\n\n[sources.c]\nkind = \"cpod\"\nfile = \"{}\"\n",
        env.path("h.sqlite3").display(),
        env.path("two.json").display()
    ));
    write(3, 5);
    assert_eq!(env.run(&["-q", "record"]).code, 0);
    let old = env.run(&["show", "--json"]);
    write(4, 5);
    let out = env.run(&["record"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let new = env.run(&["show", "--json"]);

    let doc = env.run(&["history", "--json"]).json();
    let series: Vec<(String, u64, i64)> = doc["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_string(), s["samples"].as_u64().unwrap(), s["last"]["used"].as_i64().unwrap()))
        .collect();
    assert_eq!(series, [("lic-a".to_string(), 2, 4), ("lic-b".to_string(), 2, 5)]);

    let text = env.run(&["show", "--format", "prometheus"]).stdout;
    let samples: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).map(|l| l.rsplit_once(' ').unwrap().0).collect();
    let unique: std::collections::BTreeSet<&&str> = samples.iter().collect();
    assert_eq!(unique.len(), samples.len(), "a series twice on one page: a scrape rejects it\n{text}");
    assert!(text.contains("licusage_used_seats{source=\"c\",id=\"lic-a\",kind=\"cpod\",product=\"P\",metric=\"named\"} 4\n"), "{text}");
    if let Some((ok, said)) = promtool_check(&text) {
        assert!(ok, "{said}");
    }

    std::fs::write(env.path("old.json"), &old.stdout).unwrap();
    std::fs::write(env.path("new.json"), &new.stdout).unwrap();
    let diff = env.run(&["diff", "old.json", "new.json"]);
    assert_eq!((diff.code, diff.stdout.as_str()), (1, "~ c/P/named#lic-a  used 3 → 4 (+1)\n"));

    let check = plugin_perf(&env.run(&["check"]).stdout);
    assert!(
        check.contains(&"'c/P/named#lic-a'=4;8;9.5;0;10".to_string()) && check.contains(&"'c/P/named#lic-b'=5;16;19;0;20".to_string()),
        "{check:?}"
    );

    // One id twice is the source's error, never a merge.
    env.write(
        "two.json",
        r#"[{"id":"x","product_name":"P","license_type":"named","used_seats":1},{"id":"x","product_name":"Q","license_type":"named","used_seats":2}]"#,
    );
    let out = env.run(&["show"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("source `c` (cpod): ") && out.stderr.contains("two.json: two series with the id `x` (P/named and Q/named)"),
        "{}",
        out.stderr
    );
}

/// Vendor text cannot end a line of plugin output, start perfdata or drive
/// the terminal: escaped in check, the table, holders and error lines; kept
/// as it came in JSON.
#[test]
fn vendor_text_cannot_forge_check_output_or_drive_the_terminal() {
    let env = TestEnv::new();
    let evil = "Evil\u{1b}[31m | 'injected/metric'=999;1;1;0;1\nCRITICAL: fake line\u{7}";
    let licenses = serde_json::json!([{"id": "l1", "product_name": evil, "license_type": "named", "total_seats": 10, "used_seats": 10}]);
    let assignments = serde_json::json!([{"license_id": "l1", "assignee_id": evil, "status": "active"}]);
    env.write("lic.json", &licenses.to_string());
    env.write("asg.json", &assignments.to_string());
    let vault_error = serde_json::json!({"responseStatus": "FAILURE", "errors": [{"type": "X", "message": "bad\nCRITICAL: forged | 'x'=1\u{1b}]0;title\u{7}"}]});
    env.write("vault.json", &vault_error.to_string());
    env.config(&format!(
        "[sources.c]\nkind = \"cpod\"\nfile = \"{}\"\nassignments_file = \"{}\"\n[sources.v]\nkind = \"veeva\"\nfile = \"{}\"\n",
        env.path("lic.json").display(),
        env.path("asg.json").display(),
        env.path("vault.json").display()
    ));
    let check = env.run(&["check"]);
    assert_eq!(check.code, 2, "{}", check.stdout);
    let lines = plugin_text(&check.stdout);
    assert_eq!(lines.len(), 3, "status, one critical series, one failed source:\n{}", check.stdout);
    assert_eq!(check.stdout.matches('|').count(), 1, "one perfdata separator:\n{}", check.stdout);
    assert_eq!(plugin_perf(&check.stdout).len(), 2, "one used and one free series:\n{}", check.stdout);
    assert!(lines[1].starts_with("CRITICAL: c/Evil\\x1b[31m \\x7c "), "{}", lines[1]);
    assert!(lines[2].starts_with("UNKNOWN: source `v` (veeva): ") && lines[2].contains("bad\\x0aCRITICAL: forged \\x7c"), "{}", lines[2]);
    for out in [check, env.run(&["show"]), env.run(&["holders"]), env.run(&["diff", "lic.json", "lic.json"])] {
        for stream in [&out.stdout, &out.stderr] {
            assert!(!stream.contains('\u{1b}') && !stream.contains('\u{7}'), "a control character got through: {stream:?}");
        }
    }
    // Machine formats carry the text as it came.
    let doc = env.run(&["show", "--json"]).json();
    assert_eq!(doc["records"][0]["product"], evil);
}

/// `history` only reads: an empty file is not given a schema, and a history
/// is read without writing to it.
#[test]
fn history_reads_without_writing() {
    let env = TestEnv::new();
    let db = env.path("h.sqlite3");
    std::fs::write(&db, b"").unwrap();
    env.config(&format!("[history]\npath = \"{}\"\n", db.display()));
    let out = env.run(&["history"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("is not a licusage history database"), "{}", out.stderr);
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "no schema written into it");

    history_config(&env, "usage.json");
    write_usage(&env, 40);
    assert_eq!(env.run(&["-q", "record"]).code, 0);
    let db = env.path("history.sqlite3");
    let before = std::fs::read(&db).unwrap();
    let out = env.run(&["history", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["series"].as_array().unwrap().len(), 1);
    assert_eq!(std::fs::read(&db).unwrap(), before, "reading changed the database");
}

/// Durations and clocks out of range are usage errors or plain answers, never
/// a panic.
#[test]
fn out_of_range_durations_and_clocks() {
    let env = TestEnv::new();
    history_config(&env, "usage.json");
    write_usage(&env, 40);
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_NOW", "1960-01-01T00:00:00Z").arg("--config").arg(env.path("config.toml")).arg("record");
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "a clock before 1970: {}", out.stderr);
    for (since, want) in [("300000y", "--since 300000years: too far back"), ("0s", "\"0s\": --since must be above zero")] {
        let out = env.run(&["history", "--since", since]);
        assert_eq!(out.code, 2, "{since}: {}", out.stderr);
        assert!(out.stderr.contains(want) && !out.stderr.contains("panicked"), "{since}: {}", out.stderr);
    }
}

/// A source that failed in the newer document is said to have failed, not
/// to have lost its licenses; a renewal (expiry moved) is a change.
#[test]
fn diff_says_a_source_failed_and_sees_renewals() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let old = env.run(&["show", "--json"]).json();
    std::fs::write(env.path("old.json"), old.to_string()).unwrap();
    let mut new = old.clone();
    let records = new["records"].as_array_mut().unwrap();
    records.retain(|r| r["source"] != "docs");
    let acrobat = records.iter_mut().find(|r| r["product"] == "Acrobat Pro").unwrap();
    acrobat["expires_at"] = "2028-06-30T00:00:00Z".into();
    new["errors"] = serde_json::json!([{"source": "docs", "kind": "onlyoffice", "message": "HTTP 503 Service Unavailable"}]);
    std::fs::write(env.path("new.json"), new.to_string()).unwrap();
    let out = env.run(&["diff", "old.json", "new.json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "~ assets/Acrobat Pro/named_user#lic_01HXA1  expires 2027-06-30 → 2028-06-30\n! source `docs` failed, not compared: HTTP 503 Service Unavailable\n"
    );
    let json = env.run(&["diff", "--json", "old.json", "new.json"]).json();
    assert_eq!(json["removed"].as_array().unwrap().len(), 0, "a failed read is not licenses removed");
    assert_eq!(json["failed"][0]["source"], "docs");
    assert_eq!(json["changed"][0]["expires_at"]["new"], "2028-06-30T00:00:00Z");
}

/// `--source` means the same in `history` as in `show`: a name or a kind,
/// and one that names nothing is a usage error.
#[test]
fn history_source_takes_names_and_kinds() {
    let env = TestEnv::new();
    history_config(&env, "usage.json");
    write_usage(&env, 40);
    assert_eq!(env.run(&["-q", "record"]).code, 0);
    for source in ["c", "cpod", "c*"] {
        let doc = env.run(&["history", "--json", "--source", source]).json();
        assert_eq!(doc["series"].as_array().unwrap().len(), 1, "--source {source}");
    }
    assert_eq!(env.run(&["history", "--json", "--source", "veeva"]).json()["series"].as_array().unwrap().len(), 0);
    let out = env.run(&["history", "--source", "nope"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no source or kind named `nope`"), "{}", out.stderr);
}

/// `check --format checkmk`: Checkmk's local-check lines, one service per
/// series and per source, states as `check` decides them.
#[test]
fn checkmk_local_check_lines() {
    let env = TestEnv::new();
    env.write("odd.json", r#"[{"id":"q","product_name":"Say \"hi\"\nCRIT","license_type":"named","total_seats":10,"used_seats":10}]"#);
    let config = format!(
        "{}\n[sources.odd]\nkind = \"cpod\"\nfile = \"{}\"\n[sources.broken]\nkind = \"veeva\"\nfile = \"{}\"\n",
        &*ALL_KINDS,
        env.path("odd.json").display(),
        fixture("veeva/bad-truncated.json").display()
    );
    env.config(&config);
    let out = env.run(&["check", "--format", "checkmk"]);
    assert_eq!(out.code, 0, "the agent reads the states from the lines: {}", out.stderr);
    let json = env.run(&["show", "--json"]).json();
    let records = json["records"].as_array().unwrap();
    let lines: Vec<&str> = out.stdout.lines().collect();
    // One line per series and per source.
    assert_eq!(lines.len(), records.len() + config.matches("[sources.").count(), "{}", out.stdout);
    let mut names = std::collections::BTreeSet::new();
    for line in &lines {
        let (state, rest) = line.split_once(' ').unwrap();
        assert!(["0", "1", "2", "3"].contains(&state), "{line}");
        let rest = rest.strip_prefix("\"licusage ").unwrap_or_else(|| panic!("{line}"));
        let (name, rest) = rest.split_once("\" ").unwrap();
        assert!(!name.contains('"') && !name.contains('\n'), "{line}");
        assert!(names.insert(name.to_string()), "service {name} twice");
        let (metrics, _detail) = rest.split_once(' ').unwrap();
        assert!(metrics == "-" || metrics.split('|').all(|m| m.contains('=')), "{line}");
    }
    // The states are check's.
    for r in records {
        let state = match r["status"].as_str().unwrap() {
            "ok" => "0",
            "warning" => "1",
            "critical" => "2",
            _ => "3",
        };
        let product = r["product"].as_str().unwrap();
        if product.contains('"') {
            continue;
        }
        let prefix = format!("{state} \"licusage {}/{product}/", r["source"].as_str().unwrap());
        assert!(lines.iter().any(|l| l.starts_with(&prefix)), "{prefix}\n{}", out.stdout);
    }
    assert!(lines.contains(&"2 \"licusage vault-prod/pm_promomats__v/full__v\" used=491;400;475;0;500|free=9 491 of 500 used (98.2%): utilization 98.2% >= 95%"), "{}", out.stdout);
    assert!(lines.iter().any(|l| l.starts_with("3 \"licusage source broken\" - veeva: ")), "{}", out.stdout);
    assert!(lines.contains(&"0 \"licusage source esign\" series=4 leegality: 4 series read"), "{}", out.stdout);
    assert!(
        lines.iter().any(|l| l.starts_with("2 \"licusage odd/Say 'hi'\\x0aCRIT/named#q\" used=10;8;9.5;0;10|free=0 ")),
        "{}",
        out.stdout
    );
    // Another format is refused, naming this one.
    let json = env.run(&["check", "--format", "json"]);
    assert_eq!(json.code, 3);
    assert!(json.stdout.contains("[possible values: checkmk]"), "{}", json.stdout);
}

/// `-w`/`-c` take the monitoring-plugins range expressions on utilization in
/// percent; perfdata carries them in seats; `-t` is the timeout.
#[test]
fn check_takes_nagios_ranges() {
    let env = TestEnv::new();
    veeva_config(&env, "");
    let out = env.run(&["check", "-w", "50", "-c", "~:90", "-t", "5s"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stdout.contains("'vault/pm_multichannel__v/full__v'=441;250;~:450;0;500"), "{}", out.stdout);
    assert!(
        out.stdout.contains("CRITICAL: vault/pm_promomats__v/full__v 491 of 500 used (98.2%): utilization 98.2% outside ~:90%"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("WARNING: vault/pm_multichannel__v/full__v 441 of 500 used (88.2%): utilization 88.2% outside 0:50%"),
        "{}",
        out.stdout
    );
    // @: alert inside; 10: alert below.
    let out = env.run(&["check", "-c", "@60:70"]);
    assert!(out.stdout.contains("utilization 67% inside 60:70%"), "{}", out.stdout);
    let out = env.run(&["check", "-w", "50:", "-c", "10:"]);
    assert!(!out.stdout.contains("CRITICAL: vault/pm_promomats__v/read_only__v"), "28% is not below 10%: {}", out.stdout);
    assert!(
        out.stdout.contains("WARNING: vault/pm_promomats__v/read_only__v 28 of 100 used (28%): utilization 28% outside 50:%"),
        "{}",
        out.stdout
    );
    let bad = env.run(&["check", "-w", "20:10"]);
    assert_eq!(bad.code, 3);
    assert!(bad.stdout.starts_with("LICUSAGE UNKNOWN - "), "{}", bad.stdout);
}

/// As the monitoring-plugins guidelines (and their own test suite) want:
/// `check` with -h, --help, -V or --version exits UNKNOWN.
#[test]
fn check_help_and_version_exit_unknown() {
    let env = TestEnv::new();
    for flag in ["-h", "--help", "-V", "--version"] {
        let mut cmd = env.cmd();
        cmd.args(["check", flag]);
        let out = Output::of(cmd);
        assert_eq!(out.code, 3, "check {flag}");
        assert!(!out.stdout.is_empty(), "check {flag} prints");
    }
    let mut cmd = env.cmd();
    cmd.args(["show", "--help"]);
    assert_eq!(Output::of(cmd).code, 0, "other commands' help exits 0");
}

/// One metric, one unit: seats, documents, signatures and the rest are
/// families of their own, so a sum over a family never mixes them. Checked by
/// promtool: the metrics, and a recording rule summing seats over a
/// mixed-unit estate, whose value is the seats' sum alone.
#[test]
fn prometheus_families_have_one_unit_each() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let text = env.run(&["show", "--format", "prometheus"]).stdout;
    let doc = env.run(&["show", "--json"]).json();
    let records = doc["records"].as_array().unwrap();
    let seats: u64 = records.iter().filter(|r| r["unit"] == "seats").filter_map(|r| r["used"].as_u64()).sum();
    let all: u64 = records.iter().filter_map(|r| r["used"].as_u64()).sum();
    assert!(records.iter().any(|r| r["unit"] != "seats") && seats < all, "the fixtures mix units");
    for unit in ["seats", "documents", "signatures", "departments", "certificates"] {
        assert!(text.contains(&format!("# TYPE licusage_used_{unit} gauge\n")), "{unit}\n{text}");
    }
    let Some(promtool) = tool("promtool") else { return };
    let (ok, said) = promtool_check(&text).unwrap();
    assert!(ok, "{said}");
    // A rules test over these very samples.
    let mut series = String::new();
    for line in text.lines().filter(|l| l.starts_with("licusage_used_")) {
        let (name, value) = line.rsplit_once(' ').unwrap();
        series.push_str(&format!("      - series: '{}'\n        values: '{value}'\n", name.replace('\'', "''")));
    }
    env.write(
        "rules.yml",
        "groups:\n  - name: licusage\n    rules:\n      - record: licusage:used_seats:sum\n        expr: sum(licusage_used_seats)\n",
    );
    let tests = format!(
        "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n{series}    promql_expr_test:\n      - expr: licusage:used_seats:sum\n        eval_time: 0m\n        exp_samples:\n          - labels: 'licusage:used_seats:sum'\n            value: {seats}\n"
    );
    let file = env.write("tests.yml", &tests);
    let out = Command::new(promtool).args(["test", "rules"]).arg(&file).current_dir(env.path("")).output().unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

/// However many series, the answer fits what Nagios reads (4 KiB) with a
/// short first line; `-v` gives every series' perfdata.
#[test]
fn check_answers_fit_in_4_kib_whatever_the_number_of_series() {
    let env = TestEnv::new();
    let licenses: Vec<serde_json::Value> = (0..400)
        .map(|n| serde_json::json!({"id": format!("lic-{n:03}"), "product_name": format!("Product {n:03}"), "license_type": "named_user", "total_seats": 100, "used_seats": if n == 7 { 99 } else { 10 }}))
        .collect();
    let file = env.write("many.json", &serde_json::Value::Array(licenses).to_string());
    env.config(&format!("[sources.c]\nkind = \"cpod\"\nfile = \"{}\"\n", file.display()));
    let out = env.run(&["check"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stdout.len() < 4096, "{} bytes", out.stdout.len());
    let first = out.stdout.lines().next().unwrap();
    assert_eq!(first, "LICUSAGE CRITICAL - 1 critical; 400 series from 1 source; worst: c/Product 007/named_user 99 of 100 used (99%)");
    let perf = plugin_perf(&out.stdout);
    assert_eq!(perf[0], "'c/Product 007/named_user#lic-007'=99;80;95;0;100", "the critical series' perfdata first");
    assert!(out.stdout.contains("perfdata values left out to keep the answer under 4 KiB (-v gives them all)"), "{}", out.stdout);
    let all = env.run(&["-v", "check"]);
    assert_eq!(plugin_perf(&all.stdout).len(), 800, "used and free for each of 400 series");
}

/// A history path that names another application's SQLite database is
/// refused and left as it was: no licusage tables added, no WAL switch.
#[test]
fn another_applications_database_is_not_made_a_history() {
    let env = TestEnv::new();
    history_config(&env, "usage.json");
    write_usage(&env, 40);
    let db = env.path("history.sqlite3");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places (url) VALUES ('https://example.com/');",
        )
        .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    for args in [&["-q", "record"][..], &["history"]] {
        let out = env.run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!(
                "{} is not a licusage history database (it holds another application's tables: moz_places)",
                db.display()
            )),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database was changed");
    assert!(!env.path("history.sqlite3-wal").exists());
    // A history of its own is marked as licusage's and keeps working.
    std::fs::remove_file(&db).unwrap();
    assert_eq!(env.run(&["-q", "record"]).code, 0);
    let id: i64 = rusqlite::Connection::open(&db).unwrap().query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(id, 0x4C49_4355);
    assert_eq!(env.run(&["-q", "record"]).code, 0);
}

/// Days are counted in `[defaults] timezone`: late on 7 December (UTC) it is
/// already the 8th in Auckland, one day less to a license ending on the 15th,
/// the same in `check` and the table; an unknown zone is a config error.
#[test]
fn days_are_counted_in_the_configured_time_zone() {
    let env = TestEnv::new();
    let file = env.write(
        "lic.json",
        r#"[{"product_name":"Miro","license_type":"named_user","total_seats":10,"used_seats":1,"expiry_date":"2026-12-15T00:00:00Z"}]"#,
    );
    let source = format!("[sources.c]\nkind = \"cpod\"\nfile = \"{}\"\n", file.display());
    let run = |zone: &str, args: &[&str]| {
        env.config(&format!("{zone}{source}"));
        let mut cmd = env.cmd();
        cmd.env("LICUSAGE_NOW", "2026-12-07T23:30:00Z").env("TZ", "UTC").arg("--config").arg(env.path("config.toml")).args(args);
        Output::of(cmd)
    };
    let out = run("", &["check"]);
    assert!(out.stdout.contains("expires in 8 days"), "{}", out.stdout);
    let auckland = "[defaults]\ntimezone = \"Pacific/Auckland\"\n";
    let out = run(auckland, &["check"]);
    assert!(out.stdout.contains("expires in 7 days"), "{}", out.stdout);
    assert!(out.stdout.contains("'c/Miro/named_user days to expiry'=7;"), "{}", out.stdout);
    let out = run(auckland, &["show", "--color", "never"]);
    assert!(out.stdout.contains("(7d)"), "{}", out.stdout);
    let out = run("[defaults]\ntimezone = \"Mars/Olympus\"\n", &["config", "check"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("[defaults] timezone: unknown time zone \"Mars/Olympus\""), "{}", out.stderr);
}

/// `check` through a real NRPE daemon (Debian's nagios-nrpe-server, on
/// loopback, started here) and `check_nrpe`: the whole multi-line answer
/// and its exit code come back as `check` gives them, on the example config.
#[test]
fn check_through_a_real_nrpe_daemon() {
    use std::os::unix::fs::PermissionsExt;
    let (Some(nrpe), Some(check_nrpe)) = (tool_at("nrpe", "/usr/sbin/nrpe"), tool_at("check_nrpe", "/usr/lib/nagios/plugins/check_nrpe"))
    else {
        return;
    };
    let env = TestEnv::new();
    let example = std::fs::read_to_string(crate::env::repo("config.example.toml")).unwrap();
    let config = example.replace("\"fixtures/", &format!("\"{}/", crate::env::repo("fixtures").display()));
    let config_path = env.write("config.toml", &config);
    // NRPE drops to its own user when started as root: it must read these.
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&config_path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let bin = assert_cmd::cargo::cargo_bin("licusage");
    let command =
        format!("/usr/bin/env LICUSAGE_NOW=2026-11-24T12:00:00Z TZ=UTC {} --config {} check", bin.display(), config_path.display());
    let cfg = env.write(
        "nrpe.cfg",
        &format!(
            "server_address=127.0.0.1\nserver_port={port}\nallowed_hosts=127.0.0.1\npid_file={}\nnrpe_user=nagios\nnrpe_group=nagios\n\
             dont_blame_nrpe=0\ncommand_timeout=60\nconnection_timeout=60\ncommand[licusage]={command}\n",
            env.path("nrpe.pid").display()
        ),
    );
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut daemon = Command::new(nrpe).args(["-c", cfg.to_str().unwrap(), "-f"]).spawn().unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _daemon = {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < until, "nrpe did not listen on {port}");
            assert!(daemon.try_wait().unwrap().is_none(), "nrpe exited");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Kill(daemon)
    };
    let direct = {
        let mut cmd = env.cmd();
        cmd.env("LICUSAGE_NOW", "2026-11-24T12:00:00Z").env("TZ", "UTC").arg("--config").arg(&config_path).arg("check");
        Output::of(cmd)
    };
    assert_eq!(direct.code, 2, "{}", direct.stdout);
    let out = Command::new(check_nrpe).args(["-H", "127.0.0.1", "-p", &port.to_string(), "-t", "60", "-c", "licusage"]).output().unwrap();
    let answer = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(2), "{answer}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(answer.trim_end(), direct.stdout.trim_end(), "the whole answer, every line of it, through NRPE");
    assert!(answer.lines().count() > 10 && answer.len() < 4096, "{} lines, {} bytes", answer.lines().count(), answer.len());
}

/// `name` on PATH, else at `path` (sbin and the plugins folder are not on every PATH).
fn tool_at(name: &str, path: &str) -> Option<std::path::PathBuf> {
    match std::path::Path::new(path).is_file() {
        true => Some(std::path::PathBuf::from(path)),
        false => tool(name),
    }
}
