//! Output formats, read back by the programs that consume them.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::env::{tool, TestEnv, ALL_KINDS};

fn jq(filter: &str, input: &str) -> Option<String> {
    let jq = tool("jq")?;
    let mut child = Command::new(jq).args(["-r", filter]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "jq {filter} failed");
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn json_document_shape_read_by_jq() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let out = env.run(&["show", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let Some(keys) = jq("keys_unsorted | join(\",\")", &out.stdout) else { return };
    assert_eq!(keys.trim(), "schema_version,generated_at,records,errors");
    let fields = jq(".records[0] | keys_unsorted | join(\",\")", &out.stdout).unwrap();
    assert_eq!(fields.trim(), "source,id,kind,product,metric,unit,used,limit,balance,utilization,expires_at,status,reasons,details");
    let v = jq(".schema_version, (.errors | length), (.generated_at | test(\"^\\\\d{4}-\\\\d\\\\d-\\\\d\\\\dT\\\\d\\\\d:\\\\d\\\\d:\\\\d\\\\dZ$\"))", &out.stdout).unwrap();
    assert_eq!(v, "1\n0\ntrue\n");
    let full = jq(
        r#".records[] | select(.source == "vault-prod" and .product == "pm_promomats__v" and .metric == "full__v") | [.used, .limit, .balance, .utilization, .status] | @csv"#,
        &out.stdout,
    )
    .unwrap();
    assert_eq!(full.trim(), r#"491,500,9,0.982,"critical""#);
    let not_ok = jq(r#"[.records[] | select(.status != "ok") | .source + "/" + .product] | join(" ")"#, &out.stdout).unwrap();
    assert!(not_ok.contains("assets/AutoCAD LT"), "{not_ok}");
    let expiry = jq(r#".records[] | select(.product == "Acrobat Pro") | .expires_at, .details.vendor"#, &out.stdout).unwrap();
    assert_eq!(expiry, "2027-06-30T00:00:00Z\nAdobe\n");
    let nulls =
        jq(r#".records[] | select(.product == "Jira Software") | [.limit, .balance, .utilization] | map(. == null) | all"#, &out.stdout)
            .unwrap();
    assert_eq!(nulls.trim(), "true");
}

#[test]
fn ndjson_is_one_record_per_line_for_jq() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let json = env.run(&["show", "--json"]).json();
    let out = env.run(&["show", "--format", "ndjson"]);
    assert_eq!(out.code, 0);
    let lines: Vec<serde_json::Value> = out.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(&serde_json::Value::Array(lines), &json["records"]);
    let Some(count) = jq("-c", &out.stdout).map(|s| s.lines().count()) else { return };
    assert_eq!(count, out.stdout.lines().count());
}

#[test]
fn csv_is_rfc4180_with_a_header() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let out = env.run(&["show", "--format", "csv", "--source", "assets"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("source,kind,product,metric,used,limit,balance,utilization,expires_at,status,reasons,id,unit\r\n"));
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    let autocad = rows.iter().find(|r| &r[2] == "AutoCAD LT").unwrap();
    assert_eq!(
        autocad.iter().skip(4).collect::<Vec<_>>(),
        [
            "27",
            "25",
            "-2",
            "1.08",
            "2027-01-31T00:00:00Z",
            "critical",
            "over-allocated (cPod compliance status); over limit by 2",
            "lic_01HXA2",
            "seats"
        ]
    );
    let jira = rows.iter().find(|r| &r[2] == "Jira Software").unwrap();
    assert_eq!(jira.iter().skip(4).take(4).collect::<Vec<_>>(), ["812", "", "", ""]);
}

#[test]
fn csv_quotes_fields_with_commas_and_quotes() {
    let env = TestEnv::new();
    let file =
        env.write("c.json", r#"[{"product_name":"Office, \"Pro\" Plus","license_type":"named_user","total_seats":5,"used_seats":1}]"#);
    let mut cmd = env.cmd();
    cmd.args(["cpod", "--format", "csv", "--file"]).arg(file);
    let out = crate::env::Output::of(cmd);
    assert!(
        out.stdout
            .contains("cpod,cpod,\"Office, \"\"Pro\"\" Plus\",named_user,1,5,4,0.2,,ok,,\"Office, \"\"Pro\"\" Plus/named_user\",seats\r\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let piped = env.run(&["show"]);
    assert!(!piped.stdout.contains('\x1b'), "no colour in a pipe");
    let forced = env.run(&["show", "--color", "always"]);
    assert!(
        forced.stdout.contains("\x1b[1m\x1b[31mcritical")
            || forced.stdout.contains("\x1b[1;31mcritical")
            || forced.stdout.contains("\x1b[31"),
        "{:?}",
        forced.stdout
    );
    let mut cmd = env.cmd();
    cmd.env("NO_COLOR", "1").arg("--config").arg(env.path("config.toml")).args(["show", "--color", "never"]);
    assert!(!crate::env::Output::of(cmd).stdout.contains('\x1b'));
    // JSON is never coloured.
    assert!(!env.run(&["show", "--json", "--color", "always"]).stdout.contains('\x1b'));
}

#[test]
fn broken_pipe_exits_quietly() {
    let Some(bash) = tool("bash") else { return };
    let env = TestEnv::new();
    // Far more output than a pipe buffer holds, so `head` closes it mid-write.
    let items: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"product_name":"Product {i}","license_type":"named_user","total_seats":100,"used_seats":{}}}"#, i % 100))
        .collect();
    let file = env.write("big.json", &format!("[{}]", items.join(",")));
    let bin = assert_cmd::cargo::cargo_bin("licusage");
    let script = format!("set -o pipefail; '{}' cpod --file '{}' --format ndjson | head -1", bin.display(), file.display());
    let out = Command::new(bash).args(["-c", &script]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}

/// Started with stdout closed (`>&-`), licusage says so and fails, unlike a
/// reader that closed the pipe after reading (`| head`), or `> /dev/null`.
#[test]
fn a_closed_stdout_is_an_error() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let bin = assert_cmd::cargo::cargo_bin("licusage");
    let cfg = env.path("config.toml");
    let sh = |redirect: &str| {
        let script = format!("exec \"$0\" --config \"$1\" show {redirect}");
        let mut cmd = std::process::Command::new("sh");
        cmd.args(["-c", &script]).arg(&bin).arg(&cfg).env("HOME", env.path(""));
        crate::env::Output::of(cmd)
    };
    let closed = sh(">&-");
    assert_eq!(closed.code, 1, "{closed:?}");
    assert!(closed.stderr.contains("standard output is closed"), "{}", closed.stderr);
    let null = sh(">/dev/null");
    assert_eq!(null.code, 0, "{null:?}");
}
