//! What is decided once per run: the clock (`LICUSAGE_NOW`), the format each
//! command supports, and the rules every renderer follows (CRLF in CSV).
//! With the clock pinned, table, `check` and `holders` output are reviewed
//! snapshots.

use crate::env::{Output, TestEnv, ALL_KINDS};

const NOW: &str = "2026-11-24T12:00:00Z";

fn pinned(env: &TestEnv, args: &[&str]) -> Output {
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_NOW", NOW).arg("--config").arg(env.path("config.toml")).args(args);
    Output::of(cmd)
}

#[test]
fn a_pinned_clock_gives_the_same_output_as_reviewed() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    for (name, args, code) in [
        ("show_table", &["show"][..], 0),
        ("check", &["check"], 2),
        ("holders_table", &["holders"], 0),
        ("holders_idle_csv", &["holders", "--idle", "90", "--format", "csv"], 0),
    ] {
        let out = pinned(&env, &[&["-q"], args].concat());
        assert_eq!(out.code, code, "{name}: {}", out.stderr);
        assert!(out.stderr.is_empty(), "{name}: {}", out.stderr);
        insta::assert_snapshot!(name, out.stdout);
    }
    // The JSON documents carry the pinned time.
    assert_eq!(pinned(&env, &["show", "--json"]).json()["generated_at"], NOW);
    assert_eq!(pinned(&env, &["holders", "--json"]).json()["generated_at"], NOW);
}

#[test]
fn a_bad_clock_is_a_usage_error() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_NOW", "yesterday").arg("--config").arg(env.path("config.toml")).arg("show");
    let out = Output::of(cmd);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("LICUSAGE_NOW=\"yesterday\" is not an RFC 3339 time"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_NOW", "yesterday").arg("--config").arg(env.path("config.toml")).arg("check");
    let out = Output::of(cmd);
    assert_eq!(out.code, 3, "check: UNKNOWN");
    assert!(out.stdout.starts_with("LICUSAGE UNKNOWN - LICUSAGE_NOW="), "{}", out.stdout);
}

/// Every command refuses a format it does not have, naming the ones it has,
/// before it reads anything; `check` says so as UNKNOWN.
#[test]
fn unsupported_formats_are_usage_errors_for_every_command() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let saved = env.write("saved.json", &env.run(&["show", "--json"]).stdout);
    let saved = saved.to_str().unwrap();
    for (args, format, supported) in [
        (&["holders"][..], "prometheus", "use table, json, ndjson or csv"),
        (&["history"], "prometheus", "use table, json, ndjson or csv"),
        (&["diff", saved, saved], "ndjson", "use table or json"),
        (&["diff", saved, saved], "csv", "use table or json"),
        (&["sources"], "ndjson", "use table, json or csv"),
        (&["sources"], "prometheus", "use table, json or csv"),
    ] {
        // Before the subcommand, refused with the formats it has; after it,
        // clap lists them.
        let out = env.run(&[&["--format", format][..], args].concat());
        assert_eq!(out.code, 2, "{args:?} --format {format}: {out:?}");
        let command = args[..if args[0] == "config" { 2 } else { 1 }].join(" ");
        let want = format!("licusage: error: `{command}` has no {format} format: {supported}\n");
        assert_eq!(out.stderr, want, "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        let out = env.run(&[args, &["--format", format]].concat());
        assert_eq!(out.code, 2, "{args:?} --format {format}: {out:?}");
        let values = supported.trim_start_matches("use ").replace(" or ", ", ");
        assert!(out.stderr.contains(&format!("invalid value '{format}' for '--format <FORMAT>'")), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("[possible values: {values}]")), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
    }
    // Commands that print text take no --format: not offered after them, and
    // refused before them.
    for args in [&["record"][..], &["config", "check"], &["config", "path"], &["completions", "bash"], &["serve"]] {
        let command = args.join(" ").replace(" bash", "");
        let out = env.run(&[&["--format", "json"][..], args].concat());
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert_eq!(out.stderr, format!("licusage: error: `{command}` takes no --format: it prints text\n"), "{args:?}");
        for flag in ["--format", "--json"] {
            let out = env.run(&[args, &[flag, "json"]].concat());
            assert_eq!(out.code, 2, "{args:?} {flag}: {out:?}");
            assert!(out.stderr.contains(&format!("unexpected argument '{flag}' found")), "{args:?}: {}", out.stderr);
        }
        let help = env.run(&[args, &["--help"]].concat());
        assert!(!help.stdout.contains("--format <FORMAT>"), "{args:?} --help offers --format:\n{}", help.stdout);
    }
    assert!(!env.path("xdg-data/licusage/history.sqlite3").exists(), "record refused before it read or wrote anything");
    let out = env.run(&["--format", "json", "check"]);
    assert_eq!(out.code, 3);
    assert_eq!(
        out.stdout,
        "LICUSAGE UNKNOWN - `check` has no json format: it prints the monitoring-plugin format, or checkmk's local-check lines with --format checkmk\n"
    );
    let out = env.run(&["check", "--format", "json"]);
    assert_eq!(out.code, 3);
    assert_eq!(out.stdout, "LICUSAGE UNKNOWN - invalid value 'json' for '--format <FORMAT>' [possible values: checkmk]\n");
    // What is supported still works.
    for args in [&["sources", "--format", "csv"][..], &["diff", "--json", saved, saved], &["holders", "--format", "ndjson"]] {
        assert_eq!(env.run(args).code, 0, "{args:?}");
    }
}

/// RFC 4180 line ends in every CSV licusage writes.
#[test]
fn every_csv_ends_lines_with_crlf() {
    let env = TestEnv::new();
    env.config(&format!("{ALL_KINDS}\n[history]\npath = \"{}\"\n", env.path("h.sqlite3").display()));
    assert_eq!(env.run(&["-q", "record"]).code, 0);
    for args in [&["show"][..], &["holders"], &["history"], &["sources"]] {
        let out = env.run(&[args, &["--format", "csv"]].concat());
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        let lines = out.stdout.split_inclusive('\n').count();
        assert!(lines >= 2, "{args:?}: {}", out.stdout);
        assert_eq!(out.stdout.matches("\r\n").count(), lines, "{args:?}: {:?}", out.stdout);
    }
}
