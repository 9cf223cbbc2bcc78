//! `flexlm` sources the way license admins run them: a `command` that runs
//! lmutil (here a stand-in script that prints lmstat output), one that hangs,
//! one that fails, the one-off subcommand, and a big license server.

use std::fmt::Write as _;

use crate::env::{fixture, Output, TestEnv};

/// A stand-in for `lmutil`: a script that prints `fixture` (and exits `code`).
fn lmutil(env: &TestEnv, name: &str, body: &str) -> String {
    let path = env.write(name, &format!("#!/bin/sh\n{body}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    path.display().to_string()
}

#[test]
fn a_command_source_runs_lmutil_and_reads_its_output() {
    let env = TestEnv::new();
    // lmutil speaks the user's language unless told otherwise: licusage runs it in the C locale.
    let a = lmutil(
        &env,
        "lmutil-a",
        &format!(
            "[ \"$LC_ALL\" = C ] || {{ echo \"Lizenzserverstatus: LC_ALL=$LC_ALL\"; exit 1; }}\ncat '{}'",
            fixture("flexlm/v11-triad.txt").display()
        ),
    );
    let i = lmutil(&env, "lmutil-i", &format!("cat '{}'", fixture("flexlm/v11-triad.expiry.txt").display()));
    env.config(&format!(
        "[sources.cad]\nkind = \"flexlm\"\ncommand = [\"{a}\", \"lmstat\", \"-a\", \"-c\", \"27000@lic1\"]\nexpiry_command = [\"{i}\", \"lmstat\", \"-i\"]\n"
    ));
    let out = env.run(&["sources"]);
    assert!(out.stdout.contains("cad   flexlm") && out.stdout.contains("runs its `command`"), "{}", out.stdout);
    let mut cmd = env.cmd();
    cmd.env("LC_ALL", "de_DE.UTF-8").arg("--config").arg(env.path("config.toml")).args(["show", "--json"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    let records = json["records"].as_array().unwrap();
    let meshing = records.iter().find(|r| r["product"] == "meshing").unwrap();
    // Its expiry comes from the `lmstat -i` table only.
    assert_eq!(meshing["expires_at"], "2026-11-28T00:00:00Z");
    let cfd = records.iter().find(|r| r["product"] == "cfd_base").unwrap();
    assert_eq!((cfd["used"].as_u64(), cfd["limit"].as_u64(), cfd["unit"].as_str()), (Some(24), Some(25), Some("licenses")));
    assert!(cfd["reasons"].as_array().unwrap().iter().any(|r| r == "license server lic3.example.com down (2 of 3 up)"), "{cfd}");
    assert_eq!(cfd["details"]["queued"], 4);
    assert_eq!(cfd["details"]["reserved"], 5);

    // Holders: one row per checkout line, with its count of licenses.
    let out = env.run(&["holders", "--format", "ndjson", "--product", "cfd_base"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<serde_json::Value> = out.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let counts: Vec<(&str, u64)> =
        rows.iter().map(|r| (r["holder"].as_str().unwrap(), r["details"]["licenses"].as_u64().unwrap())).collect();
    assert_eq!(counts, [("mlopez", 16), ("kwong", 3), ("rpatel", 5)]);
    // `--redact` hides the user, the host, the display and the process.
    let out = env.run(&["holders", "--format", "json", "--redact", "--product", "cfd_base"]);
    assert!(!out.stdout.contains("kwong") && !out.stdout.contains("ws-cfd-03") && !out.stdout.contains("48121"), "{}", out.stdout);
}

#[test]
fn a_hanging_command_is_killed_and_the_other_sources_are_read() {
    let env = TestEnv::new();
    let hang = lmutil(&env, "lmutil-hang", "sleep 100");
    env.config(&format!(
        "[sources.hung]\nkind = \"flexlm\"\ncommand = [\"{hang}\", \"lmstat\", \"-a\"]\ntimeout = \"1s\"\n\n[sources.f]\nkind = \"4d\"\nfile = \"{}\"\n",
        fixture("4d/single-client.json").display()
    ));
    let started = std::time::Instant::now();
    let out = env.run(&["show", "--format", "csv"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("source `hung` (flexlm): command `"), "{}", out.stderr);
    assert!(out.stderr.contains("did not finish within 1s: killed"), "{}", out.stderr);
    assert!(out.stdout.contains("f,4d,4D Client,licenses,1,10,9"), "{}", out.stdout);
    // Not a timing assertion on speed: a hang would be 100 s.
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn a_failing_lmutil_is_the_sources_error_with_lmstats_reason() {
    let env = TestEnv::new();
    let down = lmutil(
        &env,
        "lmutil-down",
        "echo 'lmutil - Copyright (c) 1989-2023 Flexera. All Rights Reserved.'\necho 'Error getting status: Cannot connect to license server system. (-15,10:61 \"Connection refused\")'\nexit 1",
    );
    let broken = lmutil(&env, "lmutil-broken", "echo 'lmutil: cannot open shared object' >&2\nexit 127");
    // Exit 0 but every server down: still the source's error, never zeros.
    let silent = lmutil(&env, "lmutil-zero", &format!("cat '{}'", fixture("flexlm/bad-server-down.txt").display()));
    env.config(&format!(
        "[sources.down]\nkind = \"flexlm\"\ncommand = [\"{down}\"]\n[sources.broken]\nkind = \"flexlm\"\ncommand = [\"{broken}\"]\n[sources.silent]\nkind = \"flexlm\"\ncommand = [\"{silent}\"]\n"
    ));
    let out = env.run(&["show", "--json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let json = out.json();
    assert_eq!(json["records"].as_array().unwrap().len(), 0, "{json}");
    let message = |name: &str| {
        json["errors"].as_array().unwrap().iter().find(|e| e["source"] == name).unwrap()["message"].as_str().unwrap().to_string()
    };
    assert!(
        message("down").ends_with(
            "failed (exit code 1): Error getting status: Cannot connect to license server system. (-15,10:61 \"Connection refused\")"
        ),
        "{}",
        message("down")
    );
    assert!(message("broken").ends_with("failed (exit code 127): lmutil: cannot open shared object"), "{}", message("broken"));
    assert!(
        message("silent").starts_with("no feature usage to read: license server lic1: License server machine is down"),
        "{}",
        message("silent")
    );
    // In monitoring: UNKNOWN, and the exporter's source_up 0.
    let out = env.run(&["check"]);
    assert_eq!(out.code, 3, "{}", out.stdout);
    let out = env.run(&["show", "--format", "prometheus"]);
    assert!(out.stdout.contains("licusage_source_up{source=\"silent\",kind=\"flexlm\"} 0"), "{}", out.stdout);
}

#[test]
fn the_one_off_subcommand_reads_stdin_or_runs_a_command() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["flexlm", "--file", "-", "--format", "csv"]).stdin(std::fs::File::open(fixture("flexlm/windows-crlf.txt")).unwrap());
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("flexlm,flexlm,PROE_Design,licenses,28,30,2"), "{}", out.stdout);
    let script = lmutil(&env, "my lmutil", &format!("cat '{}'", fixture("flexlm/v9-single.txt").display()));
    let out = Output::of({
        let mut cmd = env.cmd();
        cmd.args(["flexlm", "--command", &format!("'{script}' lmstat -a"), "--format", "csv"]);
        cmd
    });
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Spectre_Simulator,licenses,1,1,0"), "{}", out.stdout);
    // Neither: a usage error that says what to give.
    let out = Output::of({
        let mut cmd = env.cmd();
        cmd.arg("flexlm");
        cmd
    });
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("give `--file`") && out.stderr.contains("`--command`"), "{}", out.stderr);
}

#[test]
fn config_errors_name_the_key() {
    let env = TestEnv::new();
    env.config("[sources.x]\nkind = \"flexlm\"\nurl = \"https://lic1\"\n");
    let out = env.run(&["config", "check"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("reads no `url`"), "{}", out.stderr);
    env.config("[sources.x]\nkind = \"flexlm\"\ncommand = \"lmutil lmstat -a\"\n");
    let out = env.run(&["config", "check"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("config.toml:3: source `x`: `command`") && out.stderr.contains("expected a list"), "{}", out.stderr);
}

/// A big license server: 10,000 checkout lines, every one a holder.
#[test]
fn ten_thousand_checkouts() {
    let env = TestEnv::new();
    let mut text = String::from("Flexible License Manager status on Tue 11/24/2026 10:00\n\nLicense server status: 27000@big\n      big: license server UP (MASTER) v11.19.6\n\nFeature usage info:\n\n");
    for f in 0..10 {
        writeln!(text, "Users of feature{f}:  (Total of 2000 licenses issued;  Total of 1000 licenses in use)\n\n  \"feature{f}\" v1.0, vendor: vd, expiry: 31-dec-2027\n  floating license\n").unwrap();
        for u in 0..1000 {
            writeln!(text, "    user{u} host{u} host{u}:0 (v1.0) (big/27000 {u}), start Tue 11/24 {}:{:02}", u % 10, u % 60).unwrap();
        }
        text.push('\n');
    }
    env.write("big.txt", &text);
    env.config(&format!("[sources.big]\nkind = \"flexlm\"\nfile = \"{}\"\n", env.path("big.txt").display()));
    let out = env.run(&["holders", "--format", "ndjson"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 10_000);
    let out = env.run(&["show", "--format", "csv"]);
    assert_eq!(out.stdout.lines().filter(|l| l.contains(",1000,2000,1000,")).count(), 10, "{}", out.stdout);
}
