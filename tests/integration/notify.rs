//! `notify` from cron over a changing cPod file, to a webhook receiver on
//! loopback: each change sent once, what recovered resolved, a receiver
//! that fails loses nothing, a source that fails and comes back.

use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::env::TestEnv;
use crate::live::Server;

fn licenses(env: &TestEnv, a: u64, b: u64) {
    env.write(
        "today.json",
        &format!(
            r#"[{{"id": "a", "product_name": "CAD", "license_type": "named_user", "total_seats": 100, "used_seats": {a}}},
               {{"id": "b", "product_name": "BI", "license_type": "named_user", "total_seats": 100, "used_seats": {b}}}]"#
        ),
    );
}

fn notify(env: &TestEnv, args: &[&str]) -> crate::env::Output {
    let mut cmd = env.cmd();
    cmd.env("HOOK_URL", std::fs::read_to_string(env.path("hook-url")).unwrap())
        .arg("--config")
        .arg(env.path("config.toml"))
        .arg("notify")
        .args(args);
    crate::env::Output::of(cmd)
}

/// The documents the receiver got (answered or not), in order.
fn received(server: &Server) -> Vec<serde_json::Value> {
    server.requests().iter().filter(|r| r.url.path() == "/hooks/T0/SECRET123").map(|r| serde_json::from_slice(&r.body).unwrap()).collect()
}

#[test]
fn each_change_is_sent_once_and_a_failing_receiver_loses_nothing() {
    let server = Server::start();
    // Fails once (from the fourth run), else takes it.
    server.mount(Mock::given(method("POST")).and(path("/hooks/T0/SECRET123")).respond_with(ResponseTemplate::new(200)));
    let env = TestEnv::new();
    env.write("hook-url", &format!("{}/hooks/T0/SECRET123", server.url()));
    licenses(&env, 50, 99);
    env.config(
        "[history]\npath = \"history.sqlite3\"\n\n[sources.assets]\nkind = \"cpod\"\nfile = \"today.json\"\n\n\
         [sources.spare]\nkind = \"cpod\"\nfile = \"spare.json\"\n\n[notify.ops]\nkind = \"webhook\"\nurl_env = \"HOOK_URL\"\n",
    );
    env.write("spare.json", r#"[{"id": "s", "product_name": "Spare", "license_type": "named_user", "total_seats": 5, "used_seats": 1}]"#);

    // First run: BI is critical (99 of 100); CAD is fine, remembered, not sent.
    let out = notify(&env, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "channel ops: 1 sent\n");
    let got = received(&server);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0]["event"].as_str(), got[0]["id"].as_str(), got[0]["from"].as_str(), got[0]["to"].as_str()),
        (Some("status"), Some("b"), None, Some("critical"))
    );
    assert_eq!(got[0]["summary"], "assets/BI/named_user is critical: 99 of 100 used (99%)");
    assert_eq!((got[0]["channel"].as_str(), got[0]["resolved"].as_bool()), (Some("ops"), Some(false)));

    // Nothing changed: nothing sent.
    assert_eq!(notify(&env, &[]).stdout, "channel ops: 0 sent\n");
    assert_eq!(received(&server).len(), 1);

    // BI recovers, CAD goes warning: two messages, one of them a resolution.
    licenses(&env, 85, 50);
    assert_eq!(notify(&env, &["--dry-run"]).stdout, "ops: assets/BI/named_user is ok again (was critical): 50 of 100 used (50%)\nops: assets/CAD/named_user is warning (was ok): 85 of 100 used (85%)\n");
    assert_eq!(received(&server).len(), 1, "--dry-run sends nothing");
    assert_eq!(notify(&env, &[]).stdout, "channel ops: 2 sent\n");
    let got = received(&server);
    let bi = got.iter().find(|d| d["id"] == "b" && d["to"] == "ok").unwrap();
    assert_eq!((bi["from"].as_str(), bi["resolved"].as_bool()), (Some("critical"), Some(true)));

    // The receiver fails: the change stays to send, and the address is never shown.
    server.mount(
        Mock::given(method("POST"))
            .and(path("/hooks/T0/SECRET123"))
            .respond_with(ResponseTemplate::new(500))
            .up_to_n_times(1)
            .with_priority(1),
    );
    licenses(&env, 99, 50);
    let out = notify(&env, &[]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("channel `ops`: the webhook answered HTTP 500"), "{}", out.stderr);
    assert!(!out.stderr.contains("SECRET123") && !out.stdout.contains("SECRET123"), "{}", out.stderr);
    let out = notify(&env, &[]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "channel ops: 1 sent\n"), "{}", out.stderr);
    let last = received(&server).last().cloned().unwrap();
    assert_eq!((last["id"].as_str(), last["from"].as_str(), last["to"].as_str()), (Some("a"), Some("warning"), Some("critical")));

    // A source that fails, then comes back.
    std::fs::remove_file(env.path("spare.json")).unwrap();
    let out = notify(&env, &[]);
    assert_eq!(out.code, 1, "a source failed");
    let down = received(&server).last().cloned().unwrap();
    assert_eq!((down["event"].as_str(), down["source"].as_str(), down["to"].as_str()), (Some("source"), Some("spare"), Some("down")));
    assert!(down["details"][0].as_str().unwrap().contains("spare.json"), "{down}");
    env.write("spare.json", r#"[{"id": "s", "product_name": "Spare", "license_type": "named_user", "total_seats": 5, "used_seats": 1}]"#);
    assert_eq!(notify(&env, &[]).stdout, "channel ops: 1 sent\n");
    let up = received(&server).last().cloned().unwrap();
    assert_eq!((up["event"].as_str(), up["to"].as_str(), up["resolved"].as_bool()), (Some("source"), Some("up"), Some(true)));
    // Six changes, each sent once; one of them tried twice (the 500).
    assert_eq!(received(&server).len(), 7);
}

#[test]
fn channels_are_checked_when_the_config_is_read() {
    let env = TestEnv::new();
    for (text, said) in [
        ("[notify.x]\nkind = \"pager\"\nurl_env = \"U\"\n", "[notify.x]: unknown kind `pager`"),
        ("[notify.x]\nkind = \"webhook\"\n", "[notify.x]: give the webhook's address"),
        ("[notify.x]\nkind = \"webhook\"\nurl_env = \"U\"\nmin_status = \"bad\"\n", "min_status `bad`"),
        ("[notify.x]\nkind = \"webhook\"\nurl_env = \"U\"\nrepeat = \"often\"\n", "repeat"),
        ("[notify.x]\nkind = \"slack\"\nurl = \"https://hooks.slack.com/services/T/B/X\"\n", "`url` is a secret"),
        (
            "[notify.x]\nkind = \"email\"\nsmtp = \"m:587\"\nfrom = \"a@b.c\"\nto = [\"d@e.f\"]\nusername = \"u\"\npassword = \"p\"\n",
            "never inline",
        ),
    ] {
        env.config(text);
        let out = env.run(&["notify"]);
        assert_eq!(out.code, 2, "{text}: {}", out.stderr);
        assert!(out.stderr.contains(said), "{text}: {}", out.stderr);
    }
    // A webhook's address is its key: never over plain http to another machine.
    env.write("today.json", r#"[{"id": "b", "product_name": "BI", "license_type": "named_user", "total_seats": 100, "used_seats": 99}]"#);
    env.config("[history]\npath = \"h.sqlite3\"\n[sources.a]\nkind = \"cpod\"\nfile = \"today.json\"\n[notify.x]\nkind = \"webhook\"\nurl_env = \"U\"\n");
    let mut cmd = env.cmd();
    cmd.env("U", "http://192.0.2.1/hooks/KEY").arg("--config").arg(env.path("config.toml")).arg("notify");
    let out = crate::env::Output::of(cmd);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("channel `x`: its url must be https://") && !out.stderr.contains("KEY"), "{}", out.stderr);
    // Nor in an error, whatever the address looks like (a query, a closed
    // port), nor in `-v`'s request log.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut cmd = env.cmd();
    cmd.env("U", format!("http://127.0.0.1:{closed}/hooks/T0/SECRETXYZ?token=abc"))
        .arg("-v")
        .arg("--config")
        .arg(env.path("config.toml"))
        .arg("notify");
    let out = crate::env::Output::of(cmd);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("channel `x`: POST <the channel's url>: cannot connect"), "{}", out.stderr);
    assert!(!out.stderr.contains("SECRETXYZ") && !out.stderr.contains("abc"), "{}", out.stderr);
    env.config("[sources.a]\nkind = \"cpod\"\nfile = \"x.json\"\n");
    let out = env.run(&["notify"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no [notify.NAME] channel"), "{}", out.stderr);
}

/// Slack and Teams: their documented shapes (Block Kit; a message with one
/// Adaptive Card), vendor text escaped by each one's rules.
#[test]
fn slack_and_teams_get_their_own_payloads_with_vendor_text_escaped() {
    let server = Server::start();
    for hook in ["/slack/T0/B0/XXX", "/teams/workflow"] {
        server.mount(Mock::given(method("POST")).and(path(hook)).respond_with(ResponseTemplate::new(200)));
    }
    let env = TestEnv::new();
    env.write(
        "today.json",
        r#"[{"id": "x", "product_name": "CAD <b>&*_[x]", "license_type": "named_user", "total_seats": 10, "used_seats": 10}]"#,
    );
    env.config(
        "[history]\npath = \"history.sqlite3\"\n[sources.assets]\nkind = \"cpod\"\nfile = \"today.json\"\n\
         [notify.chat]\nkind = \"slack\"\nurl_env = \"SLACK\"\n[notify.office]\nkind = \"teams\"\nurl_env = \"TEAMS\"\n",
    );
    let mut cmd = env.cmd();
    cmd.env("SLACK", format!("{}/slack/T0/B0/XXX", server.url()))
        .env("TEAMS", format!("{}/teams/workflow", server.url()))
        .arg("--config")
        .arg(env.path("config.toml"))
        .arg("notify");
    let out = crate::env::Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "channel chat: 1 sent\nchannel office: 1 sent\n");
    let body = |p: &str| -> serde_json::Value {
        serde_json::from_slice(&server.requests().iter().find(|r| r.url.path() == p).unwrap().body).unwrap()
    };
    let slack = body("/slack/T0/B0/XXX");
    let headline = "CRITICAL: assets/CAD &lt;b&gt;&amp;*_[x]/named_user is critical: 10 of 10 used (100%)";
    assert_eq!(slack["text"], headline);
    assert_eq!((slack["blocks"][0]["type"].as_str(), slack["blocks"][0]["text"]["type"].as_str()), (Some("section"), Some("mrkdwn")));
    assert_eq!(slack["blocks"][0]["text"]["text"], headline);
    assert_eq!(slack["blocks"][1]["type"], "context");
    let teams = body("/teams/workflow");
    assert_eq!(teams["type"], "message");
    let card = &teams["attachments"][0];
    assert_eq!(card["contentType"], "application/vnd.microsoft.card.adaptive");
    assert_eq!((card["content"]["type"].as_str(), card["content"]["version"].as_str()), (Some("AdaptiveCard"), Some("1.4")));
    assert_eq!(card["content"]["body"][0]["type"], "TextBlock");
    assert_eq!(
        card["content"]["body"][0]["text"],
        "CRITICAL: assets/CAD \\<b\\>&\\*\\_\\[x\\]/named\\_user is critical: 10 of 10 used (100%)"
    );
}

/// A real Alertmanager (Debian's) on loopback: the problem is an active
/// alert with its labels, and its resolution ends it.
#[test]
fn alertmanager_shows_the_alert_and_its_resolution() {
    let Some(am) = crate::env::tool("prometheus-alertmanager") else { return };
    let env = TestEnv::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    env.write("am.yml", "route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    // Stopped however the test ends.
    let _am = Kill(
        std::process::Command::new(am)
            .arg(format!("--config.file={}", env.path("am.yml").display()))
            .arg(format!("--storage.path={}", env.path("am-data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().unwrap();
    let get = |p: &str| -> Option<String> {
        rt.block_on(async {
            let reply = client.get(format!("{base}{p}")).send().await.ok()?;
            if !reply.status().is_success() {
                return None;
            }
            reply.text().await.ok()
        })
    };
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while get("/-/ready").is_none() {
        assert!(std::time::Instant::now() < until, "alertmanager did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    licenses(&env, 50, 99);
    env.config(
        "[history]\npath = \"history.sqlite3\"\n[sources.assets]\nkind = \"cpod\"\nfile = \"today.json\"\n\
         [notify.am]\nkind = \"alertmanager\"\nurl_env = \"AM\"\n",
    );
    let run = || {
        let mut cmd = env.cmd();
        cmd.env("AM", &base).arg("--config").arg(env.path("config.toml")).arg("notify");
        crate::env::Output::of(cmd)
    };
    let out = run();
    assert_eq!((out.code, out.stdout.as_str()), (0, "channel am: 1 sent\n"), "{}", out.stderr);
    let alerts: serde_json::Value = serde_json::from_str(&get("/api/v2/alerts").unwrap()).unwrap();
    let alerts = alerts.as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let a = &alerts[0];
    assert_eq!(
        (a["labels"]["alertname"].as_str(), a["labels"]["id"].as_str(), a["labels"]["severity"].as_str()),
        (Some("LicenseSeriesStatus"), Some("b"), Some("critical"))
    );
    assert_eq!(a["status"]["state"], "active");
    assert_eq!(a["annotations"]["summary"], "assets/BI/named_user is critical: 99 of 100 used (99%)");
    // Recovered: the same alert ends.
    licenses(&env, 50, 50);
    assert_eq!(run().stdout, "channel am: 1 sent\n");
    let active: serde_json::Value = serde_json::from_str(&get("/api/v2/alerts?active=true").unwrap()).unwrap();
    let firing: Vec<&serde_json::Value> = active.as_array().unwrap().iter().filter(|a| a["status"]["state"] == "active").collect();
    assert!(firing.is_empty(), "resolved: {active}");
}

/// Mail: to a real SMTP server on loopback (Python's aiosmtpd, started by
/// the test), and through a sendmail-compatible program.
#[test]
fn mail_goes_out_by_smtp_and_by_sendmail() {
    let Some(python) = crate::env::tool("python3") else { return };
    if !std::process::Command::new(&python).args(["-c", "import aiosmtpd"]).status().is_ok_and(|s| s.success()) {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "python3's aiosmtpd module is required in CI");
        return;
    }
    let env = TestEnv::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let server = env.write(
        "smtpd.py",
        "import sys, time\nfrom aiosmtpd.controller import Controller\nclass H:\n    async def handle_DATA(self, server, session, envelope):\n        \
         with open(sys.argv[2], 'ab') as f:\n            f.write(('MAIL FROM ' + envelope.mail_from + ' RCPT ' + ','.join(envelope.rcpt_tos) + '\\n').encode() + envelope.content + b'\\n=====\\n')\n        \
         return '250 OK'\nc = Controller(H(), hostname='127.0.0.1', port=int(sys.argv[1]))\nc.start()\nprint('ready', flush=True)\ntime.sleep(120)\n",
    );
    let inbox = env.path("inbox.txt");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut smtpd = Kill(
        std::process::Command::new(&python)
            .arg(&server)
            .arg(port.to_string())
            .arg(&inbox)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut ready = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(smtpd.0.stdout.take().unwrap()), &mut ready).unwrap();
    assert_eq!(ready.trim(), "ready");
    licenses(&env, 50, 99);
    let sendmail = env.write("sendmail.sh", &format!("#!/bin/sh\ncat >> '{}'\n", env.path("sent.txt").display()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&sendmail, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    env.config(&format!(
        "[history]\npath = \"history.sqlite3\"\n[sources.assets]\nkind = \"cpod\"\nfile = \"today.json\"\n\
         [notify.mail]\nkind = \"email\"\nsmtp = \"127.0.0.1:{port}\"\nfrom = \"licusage@example.com\"\nto = [\"licenses@example.com\", \"it@example.com\"]\n\
         [notify.local]\nkind = \"email\"\nsendmail = \"{}\"\nfrom = \"licusage@example.com\"\nto = [\"root@localhost\"]\n",
        sendmail.display()
    ));
    let out = env.run(&["notify"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "channel local: 1 sent\nchannel mail: 1 sent\n"), "{}", out.stderr);
    let got = std::fs::read_to_string(&inbox).unwrap();
    assert!(got.starts_with("MAIL FROM licusage@example.com RCPT licenses@example.com,it@example.com\n"), "{got}");
    // Read as a mail reader would: Python's email parser (folded headers, quoted-printable).
    let parse = "import sys, json, email\nraw = open(sys.argv[1], 'rb').read().split(b'\\n', 1)[1].split(b'\\n=====\\n')[0]\n\
                 m = email.message_from_bytes(raw, policy=email.policy.default)\n\
                 print(json.dumps({'subject': str(m['subject']), 'to': str(m['to']), 'body': m.get_content()}))\n";
    let parsed = std::process::Command::new(&python).args(["-c", &format!("import email.policy\n{parse}")]).arg(&inbox).output().unwrap();
    assert!(parsed.status.success(), "{}", String::from_utf8_lossy(&parsed.stderr));
    let mail: serde_json::Value = serde_json::from_slice(&parsed.stdout).unwrap();
    assert_eq!(mail["subject"], "licusage: CRITICAL: assets/BI/named_user is critical: 99 of 100 used (99%)");
    assert_eq!(mail["to"], "licenses@example.com, it@example.com");
    // A mail's lines end in CRLF.
    assert!(
        mail["body"]
            .as_str()
            .unwrap()
            .replace("\r\n", "\n")
            .starts_with("assets/BI/named_user is critical: 99 of 100 used (99%)\n  utilization 99% >= 95%"),
        "{mail}"
    );
    let sent = std::fs::read_to_string(env.path("sent.txt")).unwrap();
    assert!(sent.contains("To: root@localhost") && sent.contains("Subject: licusage: CRITICAL"), "{sent}");
}

/// New denials in a license server's log: the log as it was is the base;
/// each refusal after it is told once.
#[test]
fn new_denials_are_told_once() {
    let server = Server::start();
    server.mount(Mock::given(method("POST")).and(path("/hooks/T0/SECRET123")).respond_with(ResponseTemplate::new(200)));
    let env = TestEnv::new();
    env.write("hook-url", &format!("{}/hooks/T0/SECRET123", server.url()));
    let log = env.path("lmgrd.log");
    std::fs::copy(crate::env::fixture(crate::serverlog::REAL_LOG), &log).unwrap();
    env.write("lmstat.txt", crate::serverlog::LMSTAT);
    env.config(
        "[history]\npath = \"history.sqlite3\"\n[sources.partek]\nkind = \"flexlm\"\nfile = \"lmstat.txt\"\nlog = \"lmgrd.log\"\n\
         [notify.ops]\nkind = \"webhook\"\nurl_env = \"HOOK_URL\"\n",
    );
    assert_eq!(notify(&env, &[]).stdout, "channel ops: 0 sent\n", "the 64 and 30 of the past are the base");
    std::fs::OpenOptions::new()
        .append(true)
        .open(&log)
        .and_then(|mut f| {
            std::io::Write::write_all(
                &mut f,
                b"10:02:00 (parteklm) DENIED: \"base\" alice@ws1  (Licensed number of users already reached. (-4,342))\n\
                  10:03:00 (parteklm) DENIED: \"base\" bob@ws2  (Licensed number of users already reached. (-4,342))\n",
            )
        })
        .unwrap();
    assert_eq!(notify(&env, &[]).stdout, "channel ops: 1 sent\n");
    let got = received(&server);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0]["event"].as_str(), got[0]["from"].as_str(), got[0]["to"].as_str()),
        (Some("denials"), Some("64"), Some("66")),
        "base: 64 by hand, 2 more"
    );
    assert_eq!(got[0]["summary"], "partek/base/licenses: 2 checkouts refused (1 of 6 used (16.6%))");
    assert_eq!(notify(&env, &[]).stdout, "channel ops: 0 sent\n");
}

/// `notify --digest`: per source, the seats idle 90+ days and their cost a
/// year (the cPod fixture: two Acrobat Pro seats at 239.88 less 15%, 203.898
/// each), `[holders] exempt` and `grace` honoured.
#[test]
fn the_reclaim_digest_honours_exempt_holders_and_grace() {
    let server = Server::start();
    server.mount(Mock::given(method("POST")).and(path("/hooks/T0/SECRET123")).respond_with(ResponseTemplate::new(200)));
    let env = TestEnv::new();
    env.write("hook-url", &format!("{}/hooks/T0/SECRET123", server.url()));
    let config = |holders: &str| {
        env.config(&format!(
            "[history]\npath = \"history.sqlite3\"\n[holders]\n{holders}\n[sources.assets]\nkind = \"cpod\"\nfile = \"{{fixtures}}/cpod/licenses.json\"\n\
             assignments_file = \"{{fixtures}}/cpod/licenses.assignments.json\"\n[notify.ops]\nkind = \"webhook\"\nurl_env = \"HOOK_URL\"\n"
        ))
    };
    let digest = |args: &[&str]| {
        let mut cmd = env.cmd();
        cmd.env("LICUSAGE_NOW", "2026-11-24T12:00:00Z")
            .env("HOOK_URL", std::fs::read_to_string(env.path("hook-url")).unwrap())
            .arg("--config")
            .arg(env.path("config.toml"))
            .args(["notify", "--digest"])
            .args(args);
        crate::env::Output::of(cmd)
    };
    config("");
    assert_eq!(
        digest(&["--dry-run"]).stdout,
        "assets: 2 seats idle 90+ days to reclaim, 407.80 EUR a year\n  Acrobat Pro named_user: 2 idle, 407.80 EUR a year\n"
    );
    // A service account kept on purpose: exempt.
    config("exempt = [\"per_01HXK3\"]");
    let out = digest(&[]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "channel ops: 1 sent\n"), "{}", out.stderr);
    let got: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!((got["event"].as_str(), got["source"].as_str(), got["to"].as_str()), (Some("digest"), Some("assets"), Some("1")));
    assert_eq!(got["summary"], "assets: 1 seat idle 90+ days to reclaim, 203.90 EUR a year");
    // Both assigned within 700 days (2025-02-01 and 2025-03-15): too young to call idle.
    config("grace = \"700d\"");
    assert_eq!(digest(&["--dry-run"]).stdout, "No seat idle 90+ days to reclaim in 1 source\n");
    // `holders --idle` agrees.
    config("exempt = [\"per_01HXK3\"]");
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_NOW", "2026-11-24T12:00:00Z")
        .arg("--config")
        .arg(env.path("config.toml"))
        .args(["holders", "--idle", "90", "--format", "csv"]);
    let csv = crate::env::Output::of(cmd).stdout;
    assert!(csv.contains("per_01HXK2") && !csv.contains("per_01HXK3"), "{csv}");
}

/// Two `notify` runs at once (cron overlapping a manual run): the change is
/// sent once, the second run waiting for the first and finding it told.
#[test]
fn two_runs_at_once_send_a_change_once() {
    let server = Server::start();
    // A slow receiver: the first run holds the lock while it waits.
    server.mount(
        Mock::given(method("POST"))
            .and(path("/hooks/T0/SECRET123"))
            .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_millis(800))),
    );
    let env = TestEnv::new();
    env.write("hook-url", &format!("{}/hooks/T0/SECRET123", server.url()));
    licenses(&env, 50, 99);
    env.config("[history]\npath = \"history.sqlite3\"\n[sources.assets]\nkind = \"cpod\"\nfile = \"today.json\"\n[notify.ops]\nkind = \"webhook\"\nurl_env = \"HOOK_URL\"\n");
    // No database yet: both make it, one migrating it under its lock.
    std::thread::scope(|s| {
        let runs: Vec<_> = (0..2).map(|_| s.spawn(|| notify(&env, &[]))).collect();
        let outs: Vec<_> = runs.into_iter().map(|r| r.join().unwrap()).collect();
        assert!(outs.iter().all(|o| o.code == 0), "{outs:?}");
        let mut said: Vec<&str> = outs.iter().map(|o| o.stdout.as_str()).collect();
        said.sort();
        assert_eq!(said, ["channel ops: 0 sent\n", "channel ops: 1 sent\n"]);
    });
    assert_eq!(received(&server).len(), 1);
}

/// A mail server that is not there: the channel's error, exit 1, and the
/// change kept for the next run (it goes out once the server answers).
#[test]
fn a_mail_server_that_is_down_fails_its_channel_and_keeps_the_change() {
    let env = TestEnv::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    licenses(&env, 50, 99);
    let sent = env.path("sent.txt");
    let sendmail = env.write("sendmail.sh", &format!("#!/bin/sh\ncat >> '{}'\n", sent.display()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&sendmail, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let config = |relay: &str| {
        env.config(&format!(
            "[history]\npath = \"history.sqlite3\"\n[sources.assets]\nkind = \"cpod\"\nfile = \"today.json\"\n\
             [notify.mail]\nkind = \"email\"\n{relay}\nfrom = \"licusage@example.com\"\nto = [\"licenses@example.com\"]\n"
        ))
    };
    config(&format!("smtp = \"127.0.0.1:{closed}\""));
    let out = env.run(&["--timeout", "5s", "notify"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains(&format!("channel `mail`: smtp 127.0.0.1:{closed}:")), "{}", out.stderr);
    // The same channel, delivered by sendmail now: the change was kept.
    config(&format!("sendmail = \"{}\"", sendmail.display()));
    let out = env.run(&["notify"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "channel mail: 1 sent\n"), "{}", out.stderr);
    assert!(std::fs::read_to_string(&sent).unwrap().contains("Subject: licusage: CRITICAL"));
}
