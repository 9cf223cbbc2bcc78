//! What a person sees at a terminal: through script(1), a real pseudo-terminal
//! of a chosen width.

use std::process::Command;

use crate::env::{tool, TestEnv, ALL_KINDS};

/// Run licusage on a terminal `cols` wide; what it printed, without the
/// terminal's carriage returns.
fn on_terminal(env: &TestEnv, cols: usize, args: &str, no_color: bool) -> Option<String> {
    let script = tool("script")?;
    let bin = assert_cmd::cargo::cargo_bin("licusage");
    let line = format!("stty rows 50 cols {cols}; '{}' --config '{}' {args}", bin.display(), env.path("config.toml").display());
    let mut cmd = Command::new(script);
    cmd.args(["-qec", &line, "/dev/null"]).env("HOME", env.dir.path()).env_remove("LICUSAGE_CONFIG").env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd.output().unwrap();
    Some(String::from_utf8_lossy(&out.stdout).replace('\r', ""))
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn the_table_fits_the_terminal_width() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let Some(wide) = on_terminal(&env, 220, "show --color never", false) else { return };
    assert!(wide.contains("█████████▉  98.2%"), "bars on a wide terminal:\n{wide}");
    assert!(wide.contains("bd82845c-897b-4022-b5f7-679905c1979b"), "{wide}");
    assert!(!wide.contains('…'), "{wide}");

    let medium = on_terminal(&env, 100, "show --color never", false).unwrap();
    for line in medium.lines() {
        assert!(line.chars().count() <= 100, "{} wide: {line}", line.chars().count());
    }
    let esign = medium.lines().find(|l| l.starts_with("esign")).unwrap();
    assert!(
        esign.contains("bd82845c-") && esign.contains('…') && !esign.contains("679905c1979b"),
        "long products end in an ellipsis:\n{medium}"
    );
    assert!(medium.contains("98.2%") && !medium.contains('█'), "the bar goes first:\n{medium}");
    assert!(medium.contains(" 1,000 ") && medium.contains(" 2,380 "), "numbers are never cut:\n{medium}");
    let header: Vec<&str> = medium.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["SOURCE", "PRODUCT", "METRIC", "USED", "LIMIT", "BALANCE", "USE%", "EXPIRES", "STATUS"]);

    // Piped, nothing is cut whatever the terminal.
    let piped = env.run(&["show"]);
    assert!(piped.stdout.contains("bd82845c-897b-4022-b5f7-679905c1979b") && piped.stdout.contains('█'));
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let Some(coloured) = on_terminal(&env, 200, "show", false) else { return };
    assert!(coloured.contains("\x1b["), "colour on a terminal");
    assert!(strip_ansi(&coloured).contains("critical"));
    let plain = on_terminal(&env, 200, "show", true).unwrap();
    assert!(!plain.contains("\x1b["), "NO_COLOR: {plain:?}");
    let never = on_terminal(&env, 200, "show --color never", false).unwrap();
    assert!(!never.contains("\x1b["));
    assert_eq!(strip_ansi(&coloured), never, "colour changes nothing but colour");
}

#[test]
fn holders_table_fits_too() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let Some(out) = on_terminal(&env, 110, "holders --source assets --source fourd --color never", false) else { return };
    for line in out.lines() {
        assert!(line.chars().count() <= 110, "{line}");
    }
    assert!(out.contains("per_01HXK3") && out.contains("never"), "{out}");
}

/// Every table fits the terminal it is drawn on, down to 60 columns.
#[test]
fn every_table_fits_every_width_from_60_to_80() {
    let env = TestEnv::new();
    env.config(&format!("{}\n[history]\npath = \"{}\"\n", &*ALL_KINDS, env.path("h.sqlite3").display()));
    assert_eq!(env.run(&["-q", "record"]).code, 0);
    assert_eq!(env.run(&["-q", "record"]).code, 0);
    for cols in [60, 64, 72, 80] {
        for args in ["-q show --color never", "-q holders --color never", "-q holders --idle 90 --color never", "-q history --color never"]
        {
            let Some(screen) = on_terminal(&env, cols, args, true) else { return };
            assert!(screen.lines().count() > 2, "{args} at {cols}:\n{screen}");
            for line in screen.lines() {
                assert!(line.chars().count() < cols, "{args} at {cols} columns: a line of {}:\n{line}", line.chars().count());
            }
        }
    }
}

/// `TERM=dumb` gets no colour; an empty table says so on a terminal.
#[test]
fn dumb_terminals_and_empty_tables() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let Some(script) = tool("script") else { return };
    let bin = assert_cmd::cargo::cargo_bin("licusage");
    let run = |args: &str, term: &str| {
        let line = format!("stty rows 50 cols 120; '{}' --config '{}' {args}", bin.display(), env.path("config.toml").display());
        let out = Command::new(&script)
            .args(["-qec", &line, "/dev/null"])
            .env("HOME", env.dir.path())
            .env("TERM", term)
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).replace('\r', "")
    };
    assert!(run("show", "xterm-256color").contains('\u{1b}'), "colour on a colour terminal");
    assert!(!run("show", "dumb").contains('\u{1b}'), "no colour on a dumb terminal");
    let empty = run("show --product 'no-such*'", "dumb");
    assert!(empty.contains("SOURCE") && empty.contains("(no records)"), "{empty}");
}

/// At 60, 80, 100 and 160 columns the table keeps the numbers people act on
/// (USED, LIMIT, BALANCE whole) and rows that read apart, says why every row
/// that is not ok is so (a REASON column, or numbered notes), and writes
/// dates whole; with no size from the terminal, `COLUMNS` is the width.
#[test]
fn the_table_keeps_the_balance_and_the_reasons_at_every_width() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let json = env.run(&["show", "--json"]).json();
    let records = json["records"].as_array().unwrap().clone();
    for cols in [60, 80, 100, 160] {
        let Some(screen) = on_terminal(&env, cols, "show --color never", true) else { return };
        let lines: Vec<&str> = screen.lines().collect();
        for line in &lines {
            assert!(line.chars().count() < cols, "{cols}: a line of {}:\n{line}", line.chars().count());
        }
        let header: Vec<&str> = lines[0].split_whitespace().collect();
        for column in ["USED", "LIMIT", "BALANCE", "STATUS"] {
            assert!(header.contains(&column), "{cols}: no {column} in {header:?}");
        }
        let rows: Vec<&str> = lines[1..].iter().take_while(|l| !l.is_empty()).copied().collect();
        assert_eq!(rows.len(), records.len(), "{cols}:\n{screen}");
        let mut names = std::collections::HashSet::new();
        for (row, record) in rows.iter().zip(&records) {
            let cells: Vec<&str> = row.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
            assert!(names.insert(cells[..3].to_vec()), "{cols}: two rows read the same: {:?}\n{screen}", &cells[..3]);
            // Balance whole: limit − used, with its thousands.
            if let Some(balance) = record["balance"].as_i64() {
                let shown = cells[5].replace(',', "");
                assert_eq!(shown, balance.to_string(), "{cols}: {row}");
            }
        }
        // Why each row that is not ok is so: on its line, or in a note.
        let text = screen.split_whitespace().collect::<Vec<_>>().join(" ");
        for record in records.iter().filter(|r| r["status"] != "ok") {
            for reason in record["reasons"].as_array().unwrap() {
                let reason = reason.as_str().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(text.contains(&reason), "{cols}: no reason {reason:?}:\n{screen}");
            }
        }
        // Dates with their century, or none.
        assert!(!screen.contains("30-02-28 ") || screen.contains("2030-02-28"), "{cols}:\n{screen}");
    }
    // No size from the terminal: COLUMNS.
    let script = tool("script").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("licusage");
    let line =
        format!("stty rows 0 cols 0; COLUMNS=70 '{}' --config '{}' show --color never", bin.display(), env.path("config.toml").display());
    let out = Command::new(script).args(["-qec", &line, "/dev/null"]).env("NO_COLOR", "1").output().unwrap();
    let screen = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert!(screen.lines().count() > 5, "{screen}");
    for line in screen.lines() {
        assert!(line.chars().count() < 70, "COLUMNS=70: {line}");
    }
}
