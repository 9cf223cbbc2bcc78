//! Every configured secret, and every token minted from one, stays out of
//! everything licusage writes: stdout in every format, stderr, the `-v`
//! request log, error messages and the history database.

use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::env::{fixture, Output, TestEnv};
use crate::live::{json_file, Server};

const SECRETS: [&str; 9] = [
    "VAULT-PASSWORD-SECRET",
    "SID-SECRET-FROM-LOGIN",
    "JWT-SECRET-VALUE",
    "LEEGALITY-SECRET",
    "CPOD-CLIENT-SECRET",
    "CPOD-MINTED-SECRET",
    "FOURD-PASSWORD-SECRET",
    // admin:FOURD-PASSWORD-SECRET, as Basic auth sends it
    "YWRtaW46Rk9VUkQtUEFTU1dPUkQtU0VDUkVU",
    "pa55-with-$pecial",
];

fn vendor_servers() -> Server {
    let s = Server::start();
    s.mount(Mock::given(method("POST")).and(path("/vault/api/v25.3/auth")).respond_with(
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"responseStatus": "SUCCESS", "sessionId": "SID-SECRET-FROM-LOGIN"})),
    ));
    s.mount(
        Mock::given(method("GET"))
            .and(path("/vault/api/v25.3/objects/licenses"))
            .and(header("authorization", "SID-SECRET-FROM-LOGIN"))
            .respond_with(json_file("veeva/licenses.json")),
    );
    s.mount(Mock::given(method("POST")).and(path("/docs/command")).respond_with(json_file("onlyoffice/license.json")));
    s.mount(
        Mock::given(method("GET"))
            .and(path("/lg/api/v1/licenses/L1/usage-statistics"))
            .and(header("x-auth-token", "LEEGALITY-SECRET"))
            .respond_with(json_file("leegality/usage-statistics.json")),
    );
    s.mount(Mock::given(method("GET")).and(path("/lg/api/v1/licenses/L2/usage-statistics")).respond_with(
        ResponseTemplate::new(401).set_body_raw(std::fs::read(fixture("leegality/error-401.json")).unwrap(), "application/json"),
    ));
    s.mount(
        Mock::given(method("POST"))
            .and(path("/cpod/v1/oauth/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": "CPOD-MINTED-SECRET"}))),
    );
    s.mount(Mock::given(method("GET")).and(path("/cpod/api/v1/licenses")).respond_with(json_file("cpod/licenses.json")));
    s.mount(
        Mock::given(method("GET")).and(path("/cpod/api/v1/licenses/assignments")).respond_with(json_file("cpod/licenses.assignments.json")),
    );
    s.mount(
        Mock::given(method("GET"))
            .and(path("/fourd"))
            .and(header("authorization", "Basic YWRtaW46Rk9VUkQtUEFTU1dPUkQtU0VDUkVU"))
            .respond_with(json_file("4d/license-usage.json")),
    );
    s
}

#[test]
fn no_secret_in_any_output_log_error_or_history() {
    let server = vendor_servers();
    let env = TestEnv::new();
    let url = server.url();
    let cfg = env.write(
        "config.toml",
        &format!(
            r#"[history]
path = "{db}"

[sources.vault]
kind = "veeva"
url = "{url}/vault"
username = "integration@example.com"
password_env = "VAULT_PW"

[sources.docs]
kind = "onlyoffice"
url = "{url}/docs"
jwt_secret = "JWT-SECRET-VALUE"

[sources.esign]
kind = "leegality"
url = "{url}/lg"
license_id = "L1"
token_env = "LG_TOKEN"

[sources.esign-bad]
kind = "leegality"
url = "{url}/lg"
license_id = "L2"
token_command = "printf pa55-with-$pecial"

[sources.assets]
kind = "cpod"
url = "{url}/cpod"
client_id = "licusage"
client_secret_command = "printf CPOD-CLIENT-SECRET"

[sources.fourd]
kind = "4d"
url = "{url}/fourd"
username = "admin"
password_command = "printf FOURD-PASSWORD-SECRET"
"#,
            db = env.path("history.sqlite3").display()
        ),
    );
    let mut outputs: Vec<(String, Output)> = Vec::new();
    for args in [
        &["show", "-v"][..],
        &["show", "--json", "-v"],
        &["show", "--format", "csv"],
        &["show", "--format", "ndjson"],
        &["show", "--format", "prometheus"],
        &["holders", "--json", "-v"],
        &["holders", "--format", "csv"],
        &["check", "-v"],
        &["record", "-v"],
        &["config", "check"],
        &["sources", "--json"],
    ] {
        let mut cmd = env.cmd();
        cmd.arg("--config").arg(&cfg).args(args).env("VAULT_PW", "VAULT-PASSWORD-SECRET").env("LG_TOKEN", "LEEGALITY-SECRET");
        outputs.push((args.join(" "), Output::of(cmd)));
    }
    // The runs did read the vendors (and one failed on purpose).
    let show = &outputs[1].1;
    assert_eq!(show.code, 1, "{}", show.stderr);
    let doc = show.json();
    assert_eq!(doc["errors"].as_array().unwrap().len(), 1, "{}", doc["errors"]);
    assert!(doc["errors"][0]["message"].as_str().unwrap().contains("LE_ERR_SS_401"));
    assert!(show.stderr.contains("POST http://127.0.0.1:"), "the -v log is there: {}", show.stderr);
    for (args, out) in &outputs {
        for secret in SECRETS {
            assert!(!out.stdout.contains(secret), "`licusage {args}` printed {secret} on stdout");
            assert!(!out.stderr.contains(secret), "`licusage {args}` printed {secret} on stderr: {}", out.stderr);
        }
    }
    // Nor in the history database (and its WAL).
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(env.dir.path()).unwrap().flatten() {
        if entry.file_name().to_string_lossy().starts_with("history.sqlite3") {
            stored.extend(std::fs::read(entry.path()).unwrap());
        }
    }
    assert!(stored.len() > 4096, "record wrote a database");
    let stored = String::from_utf8_lossy(&stored);
    assert!(stored.contains("pm_promomats__v"));
    for secret in SECRETS {
        assert!(!stored.contains(secret), "{secret} in the history database");
    }
}

#[test]
fn a_failing_secret_command_is_named_without_its_output() {
    let env = TestEnv::new();
    let cfg = env.write(
        "config.toml",
        "[sources.a]\nkind = \"cpod\"\nurl = \"http://127.0.0.1:9/\"\ntoken_command = \"sh -c 'echo LEAKED-TOKEN; echo boom >&2; exit 3'\"\n",
    );
    let mut cmd = env.cmd();
    cmd.arg("--config").arg(&cfg).arg("show");
    let out = Output::of(cmd);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("token_command `sh` failed (exit code 3)\n"), "{}", out.stderr);
    // Not even its stderr: it may hold the secret.
    assert!(!out.stderr.contains("boom"), "{}", out.stderr);
    assert!(!out.stderr.contains("LEAKED-TOKEN") && !out.stdout.contains("LEAKED-TOKEN"));
}

/// A secret command that hangs is killed at the source's timeout; the file
/// sources are rendered, and the run ends.
#[test]
fn a_hanging_secret_command_is_killed_at_the_timeout() {
    let env = TestEnv::new();
    let cfg = env.write(
        "config.toml",
        &format!(
            "[sources.c]\nkind = \"cpod\"\nurl = \"http://127.0.0.1:1\"\ntoken_command = \"sleep 100\"\n\n[sources.f]\nkind = \"4d\"\nfile = \"{}\"\n",
            fixture("4d/single-client.json").display()
        ),
    );
    let mut cmd = env.cmd();
    cmd.arg("--config").arg(&cfg).args(["--timeout", "1s", "show", "--format", "csv"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("source `c` (cpod): token_command `sleep` did not finish within 1s: killed"), "{}", out.stderr);
    assert!(out.stdout.contains("f,4d,4D Client,licenses,1,10,9"), "{}", out.stdout);
}

#[test]
fn an_api_that_echoes_the_credentials_back_does_not_get_them_shown() {
    // APIs that repeat the request in their error: the Authorization header
    // (Bearer and Basic), a query key, in the HTTP error body and in an error
    // under HTTP 200.
    let echo =
        |said: &str| ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": {"code": "Unauthorized", "message": said}}));
    let s = Server::start();
    s.mount(Mock::given(method("GET")).and(path("/bearer")).respond_with(echo("bad header Authorization: Bearer ECHOED-TOKEN-123")));
    // u:ECHO-PASSWORD-9, as Basic auth sends it
    s.mount(Mock::given(method("GET")).and(path("/basic")).respond_with(echo("bad header Authorization: Basic dTpFQ0hPLVBBU1NXT1JELTk=")));
    s.mount(Mock::given(method("GET")).and(path("/ok-false")).respond_with(
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": false, "error": "invalid_auth for xoxb-ECHOED-TOKEN-123"})),
    ));
    s.mount(
        Mock::given(method("GET")).and(path("/keyed")).respond_with(echo("no such key QUERY-KEY-456 for /keyed?api_key=QUERY-KEY-456")),
    );
    let jq = "jq = '{product: \"x\", metric: \"seats\", used: 1}'\n";
    let config = format!(
        "[sources.bearer]\nkind = \"generic\"\nurl = \"{u}/bearer\"\ntoken_env = \"T\"\n{jq}\
         [sources.basic]\nkind = \"generic\"\nurl = \"{u}/basic\"\nusername = \"u\"\npassword_env = \"P\"\n{jq}\
         [sources.slack]\nkind = \"generic\"\nurl = \"{u}/ok-false\"\ntoken_env = \"S\"\n{jq}\
         [sources.keyed]\nkind = \"generic\"\nurl = \"{u}/keyed?api_key=QUERY-KEY-456\"\n{jq}",
        u = s.url()
    );
    let env = TestEnv::new();
    env.write("config.toml", &config);
    for args in [&["show"][..], &["show", "--json"], &["check"]] {
        let mut cmd = env.cmd();
        cmd.arg("--config").arg(env.path("config.toml")).args(args);
        cmd.env("T", "ECHOED-TOKEN-123").env("P", "ECHO-PASSWORD-9").env("S", "xoxb-ECHOED-TOKEN-123");
        let out = Output::of(cmd);
        assert_ne!(out.code, 0, "{}", out.stderr);
        let text = format!("{}{}", out.stdout, out.stderr);
        for secret in ["ECHOED-TOKEN-123", "dTpFQ0hPLVBBU1NXT1JELTk=", "QUERY-KEY-456"] {
            assert!(!text.contains(secret), "{args:?}: {secret} shown: {text}");
        }
        // The error is still told, with the secret's place marked.
        assert!(text.contains("source `bearer` (generic): HTTP 401 Unauthorized from"), "{args:?}: {text}");
        assert!(text.contains("Unauthorized: bad header Authorization: [redacted]"), "{args:?}: {text}");
        assert!(text.contains("invalid_auth for [redacted]"), "{args:?}: {text}");
        assert!(text.contains("no such key [redacted]"), "{args:?}: {text}");
    }
}
