//! `licusage serve`: the real binary on a free port, scraped over HTTP by
//! reqwest, checked by promtool, and scraped by a real Prometheus server.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::env::{fixture, tool, TestEnv};
use crate::live::{json_file, Server};

/// A running `licusage serve`, ended (SIGKILL) when dropped.
struct Served {
    child: Child,
    /// `127.0.0.1:PORT`, from its "listening on" line.
    addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    /// `licusage --config <env>/config.toml serve --listen 127.0.0.1:0 ARGS…`,
    /// once it listens.
    fn start(env: &TestEnv, args: &[&str], vars: &[(&str, &str)]) -> Served {
        let mut cmd = env.cmd();
        cmd.arg("--config").arg(env.path("config.toml")).args(["serve", "--listen", "127.0.0.1:0"]).args(args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        Self::start_with(cmd)
    }

    fn start_with(mut cmd: std::process::Command) -> Served {
        let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        let log = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                // Logged before the address is handed on: a test that
                // reads the log once serve listens finds the line there.
                log.lock().unwrap().push_str(&format!("{line}\n"));
                if let Some(at) = line.split("://").nth(1).filter(|_| line.contains("listening on")) {
                    let _ = tx.send(at.split_whitespace().next().unwrap_or_default().to_string());
                }
            }
        });
        let addr = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("serve did not start listening:\n{}", stderr.lock().unwrap())
        });
        Served { child, addr, stderr }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn signal(&self, name: &str) {
        let ok = std::process::Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status().unwrap();
        assert!(ok.success());
    }

    /// The exit code once it exits, waiting at most `most`.
    fn exit_within(&mut self, most: Duration) -> Option<i32> {
        let until = Instant::now() + most;
        while Instant::now() < until {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// `/metrics` once `ready` holds of it (the first reads are in the background).
    fn metrics_when(&self, http: &Http, ready: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let body = http.get(&self.url("/metrics")).2;
            if ready(&body) {
                return body;
            }
            assert!(Instant::now() < until, "metrics never got ready:\n{body}\nlog:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking HTTP client for the tests.
struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    fn new() -> Self {
        Self::with(reqwest::Client::builder())
    }

    fn with(builder: reqwest::ClientBuilder) -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        Http { rt, client: builder.timeout(Duration::from_secs(5)).build().unwrap() }
    }

    fn send(&self, request: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, String) {
        self.rt.block_on(async {
            let reply = request.send().await.unwrap();
            let (status, headers) = (reply.status().as_u16(), reply.headers().clone());
            (status, headers, reply.text().await.unwrap())
        })
    }

    fn get(&self, url: &str) -> (u16, reqwest::header::HeaderMap, String) {
        self.send(self.client.get(url))
    }
}

/// The value of the sample whose line starts with `series` (name and labels).
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find(|l| l.starts_with(series)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok())
}

fn vault_server() -> Server {
    let server = Server::start();
    server.mount(Mock::given(method("GET")).and(path("/api/v25.3/objects/licenses")).respond_with(json_file("veeva/licenses.json")));
    server
}

fn vault_and_4d(env: &TestEnv, server: &Server) {
    env.write(
        "config.toml",
        &format!(
            "[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\nsession_id_env = \"VAULT_SID\"\n[sources.fourd]\nkind = \"4d\"\nfile = \"{}\"\n",
            server.url(),
            fixture("4d/license-usage.json").display()
        ),
    );
}

#[test]
fn serve_answers_from_its_reads_and_refuses_the_rest() {
    let server = vault_server();
    let env = TestEnv::new();
    vault_and_4d(&env, &server);
    let served = Served::start(&env, &["--refresh", "1h"], &[("VAULT_SID", "SID-SECRET-1")]);
    let http = Http::new();
    let metrics = served.metrics_when(&http, |m| m.contains("source=\"vault\"") && m.contains("source=\"fourd\""));
    let vault_reads = || server.requests().iter().filter(|r| r.url.path().contains("/objects/licenses")).count();
    assert_eq!(vault_reads(), 1);

    // What `show --format prometheus` says of the same sources, sample for sample.
    let show = env
        .cmd()
        .arg("--config")
        .arg(env.path("config.toml"))
        .args(["show", "--format", "prometheus"])
        .env("VAULT_SID", "SID-SECRET-1")
        .output()
        .unwrap();
    let show = String::from_utf8(show.stdout).unwrap();
    let values = |text: &str| -> Vec<String> {
        text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("licusage_source_")).map(String::from).collect()
    };
    assert_eq!(values(&metrics), values(&show));
    for family in ["licusage_source_up", "licusage_source_last_success_timestamp_seconds", "licusage_source_read_duration_seconds"] {
        assert_eq!(metrics.matches(&format!("# TYPE {family} gauge")).count(), 1, "{metrics}");
        assert!(metrics.contains(&format!("{family}{{source=\"vault\",kind=\"veeva\"}}")), "{family}:\n{metrics}");
    }
    assert_eq!(sample(&metrics, "licusage_source_up{source=\"vault\""), Some(1.0));

    let (status, headers, _) = http.get(&served.url("/metrics"));
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    if let Some(promtool) = tool("promtool") {
        let file = env.write("scrape.prom", &metrics);
        let out =
            std::process::Command::new(promtool).args(["check", "metrics"]).stdin(std::fs::File::open(file).unwrap()).output().unwrap();
        assert!(out.status.success(), "promtool: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }

    // /records is the `show --json` document of the latest reads.
    let (status, headers, body) = http.get(&served.url("/records"));
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "application/json"));
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["records"].as_array().unwrap().len(), values(&show).iter().filter(|l| l.starts_with("licusage_license_info")).count());

    let (status, _, body) = http.get(&served.url("/healthz"));
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    let (status, headers, body) = http.send(http.client.head(served.url("/metrics")));
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    assert_eq!(http.get(&served.url("/")).0, 200, "the report page");
    assert_eq!(http.get(&served.url("/report")).0, 404);
    assert_eq!(http.get(&served.url("/metrics/x")).0, 404);
    let (status, headers, _) = http.send(http.client.post(served.url("/metrics")));
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "GET,HEAD");
    assert_eq!(http.send(http.client.delete(served.url("/records"))).0, 405);

    // Scrapes between refreshes read no vendor: serve's one read and show's, however many scrapes.
    assert_eq!(vault_reads(), 2);
    let log = served.log();
    assert!(log.contains("vault (veeva): ok, "), "{log}");
    assert!(!log.contains("SID-SECRET-1") && !metrics.contains("SID-SECRET-1") && !body.contains("SID-SECRET-1"));
}

#[test]
fn a_failing_vendor_keeps_its_last_series_and_a_hanging_one_delays_no_scrape() {
    let server = Server::start();
    // Good once, then failing.
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/v25.3/objects/licenses"))
            .respond_with(json_file("veeva/licenses.json"))
            .up_to_n_times(1)
            .with_priority(1),
    );
    server.mount(Mock::given(method("GET")).and(path("/api/v25.3/objects/licenses")).respond_with(ResponseTemplate::new(503)));
    // Answers after a minute: far past any scrape.
    let hang = Server::start();
    hang.mount(Mock::given(method("GET")).respond_with(json_file("veeva/licenses.json").set_delay(Duration::from_secs(60))));
    let env = TestEnv::new();
    env.write(
        "config.toml",
        &format!(
            "[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\nsession_id_env = \"SID\"\n[sources.stuck]\nkind = \"veeva\"\nurl = \"{}\"\nsession_id_env = \"SID\"\ntimeout = \"50s\"\n",
            server.url(),
            hang.url()
        ),
    );
    let served = Served::start(&env, &["--refresh", "300ms"], &[("SID", "x")]);
    // A client that gives up after 2 s: the stuck vendor's read takes a minute.
    let http = Http::with(reqwest::Client::builder().timeout(Duration::from_secs(2)));
    let first = served.metrics_when(&http, |m| m.contains("licusage_source_up{source=\"vault\",kind=\"veeva\"} 1"));
    let used = "licusage_used_seats{source=\"vault\",id=\"pm_multichannel__v/full__v\"";
    let before = sample(&first, used).expect("a used series");
    // The stuck source has no series yet: it was never read, which is not a 0.
    assert!(!first.contains("source=\"stuck\""), "{first}");

    let failed = served.metrics_when(&http, |m| m.contains("licusage_source_up{source=\"vault\",kind=\"veeva\"} 0"));
    assert_eq!(sample(&failed, used), Some(before), "the last good value is kept:\n{failed}");
    assert!(failed.contains("licusage_source_last_success_timestamp_seconds{source=\"vault\""), "{failed}");
    let (_, _, records) = http.get(&served.url("/records"));
    let doc: serde_json::Value = serde_json::from_str(&records).unwrap();
    assert_eq!(doc["errors"][0]["source"], "vault", "{doc}");
    assert!(doc["errors"][0]["message"].as_str().unwrap().contains("503"), "{doc}");
    assert!(served.log().contains("vault (veeva): failed after"), "{}", served.log());
}

#[test]
fn a_hundred_concurrent_scrapes_get_the_same_answer() {
    let server = vault_server();
    let env = TestEnv::new();
    vault_and_4d(&env, &server);
    let served = Served::start(&env, &["--refresh", "1h"], &[("VAULT_SID", "s")]);
    let http = Http::new();
    let expected = served.metrics_when(&http, |m| m.contains("source=\"vault\"") && m.contains("source=\"fourd\""));
    let url = served.url("/metrics");
    let bodies: Vec<(u16, String)> = http.rt.block_on(async {
        let mut scrapes = tokio::task::JoinSet::new();
        for _ in 0..100 {
            let (client, url) = (http.client.clone(), url.clone());
            scrapes.spawn(async move {
                let reply = client.get(url).send().await.unwrap();
                (reply.status().as_u16(), reply.text().await.unwrap())
            });
        }
        scrapes.join_all().await
    });
    assert_eq!(bodies.len(), 100);
    assert!(bodies.iter().all(|(status, body)| *status == 200 && *body == expected));
}

#[test]
fn sigterm_and_sigint_end_it_with_exit_0_while_a_read_hangs() {
    let hang = Server::start();
    hang.mount(Mock::given(method("GET")).respond_with(json_file("veeva/licenses.json").set_delay(Duration::from_secs(60))));
    let env = TestEnv::new();
    env.write("config.toml", &format!("[sources.stuck]\nkind = \"veeva\"\nurl = \"{}\"\nsession_id_env = \"SID\"\n", hang.url()));
    for signal in ["TERM", "INT"] {
        let before = hang.requests().len();
        let mut served = Served::start(&env, &[], &[("SID", "s")]);
        // The read is in flight: the vendor got this run's request and holds it
        // (counted from before, or the second run would not wait at all).
        let until = Instant::now() + Duration::from_secs(10);
        while hang.requests().len() <= before && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        served.signal(signal);
        assert_eq!(served.exit_within(Duration::from_secs(5)), Some(0), "SIG{signal}:\n{}", served.log());
        assert!(served.log().contains(&format!("SIG{signal}: stopping")), "{}", served.log());
    }
}

/// SIGTERM while a reload waits for a slow password command stops at once
/// (it used to wait for the command, up to its timeout).
#[test]
fn sigterm_during_a_slow_reload_stops_at_once() {
    let env = TestEnv::new();
    let slow = env.path("slow");
    let fourd = format!("[sources.fourd]\nkind = \"4d\"\nfile = \"{}\"\n", fixture("4d/license-usage.json").display());
    env.write(
        "config.toml",
        &format!(
            "[defaults]\ntimeout = \"60s\"\n[serve]\nbasic_auth_user = \"prom\"\nbasic_auth_password_command = \"sh -c 'test -e {} && sleep 60; echo pw'\"\n{fourd}",
            slow.display()
        ),
    );
    let mut served = Served::start(&env, &[], &[]);
    std::fs::write(&slow, "").unwrap();
    served.signal("HUP");
    std::thread::sleep(Duration::from_millis(300));
    served.signal("TERM");
    assert_eq!(served.exit_within(Duration::from_secs(5)), Some(0), "{}", served.log());
    assert!(served.log().contains("SIGTERM: stopping"), "{}", served.log());
}

#[test]
fn sighup_takes_a_good_config_and_keeps_the_old_one_for_a_bad_one() {
    let server = vault_server();
    let env = TestEnv::new();
    let vault = format!("[sources.vault]\nkind = \"veeva\"\nurl = \"{}\"\nsession_id_env = \"VAULT_SID\"\n", server.url());
    env.write("config.toml", &vault);
    let served = Served::start(&env, &["--refresh", "1h"], &[("VAULT_SID", "s")]);
    let http = Http::new();
    served.metrics_when(&http, |m| m.contains("source=\"vault\""));

    let fourd = format!("[sources.fourd]\nkind = \"4d\"\nfile = \"{}\"\n", fixture("4d/license-usage.json").display());
    env.write("config.toml", &format!("{vault}{fourd}"));
    served.signal("HUP");
    let both = served.metrics_when(&http, |m| m.contains("source=\"fourd\""));
    assert!(both.contains("source=\"vault\""), "{both}");
    assert!(served.log().contains("SIGHUP: config reloaded, 2 sources"), "{}", served.log());

    // Line 6 names a kind that does not exist: logged with its line, the old config kept.
    env.write("config.toml", &format!("{vault}[sources.broken]\nkind = \"nope\"\n"));
    served.signal("HUP");
    let until = Instant::now() + Duration::from_secs(10);
    while !served.log().contains("not reloaded") && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = served.log();
    let line = log.lines().find(|l| l.contains("not reloaded")).unwrap_or_else(|| panic!("no reload error:\n{log}"));
    assert!(line.contains("config.toml:6") && line.contains("nope"), "{line}");
    let after = http.get(&served.url("/metrics")).2;
    assert!(after.contains("source=\"fourd\"") && after.contains("source=\"vault\""), "{after}");
    assert_eq!(http.get(&served.url("/healthz")).0, 200);
}

#[test]
fn basic_auth_and_tls_as_configured() {
    let Some(openssl) = tool("openssl") else { return };
    let env = TestEnv::new();
    let (cert, key) = (env.path("cert.pem"), env.path("key.pem"));
    let made = std::process::Command::new(openssl)
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "basicConstraints=critical,CA:FALSE", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let fourd = format!("[sources.fourd]\nkind = \"4d\"\nfile = \"{}\"\n", fixture("4d/license-usage.json").display());
    env.write(
        "config.toml",
        &format!("[serve]\nbasic_auth_user = \"prom\"\nbasic_auth_password_env = \"SCRAPE_PW\"\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n{fourd}"),
    );
    let served = Served::start(&env, &[], &[("SCRAPE_PW", "PW-SECRET-9")]);
    assert!(served.log().contains("listening on https://"), "{}", served.log());
    let ca = reqwest::Certificate::from_pem(&std::fs::read(&cert).unwrap()).unwrap();
    let https = Http::with(reqwest::Client::builder().add_root_certificate(ca));
    let url = format!("https://{}/metrics", served.addr);

    let (status, headers, _) = https.get(&url);
    assert_eq!(status, 401);
    assert!(headers["www-authenticate"].to_str().unwrap().starts_with("Basic realm="));
    assert_eq!(https.send(https.client.get(&url).basic_auth("prom", Some("wrong"))).0, 401);
    assert_eq!(https.send(https.client.get(&url).basic_auth("other", Some("PW-SECRET-9"))).0, 401);
    assert_eq!(https.send(https.client.get(format!("https://{}/healthz", served.addr))).0, 401);
    let until = Instant::now() + Duration::from_secs(20);
    let metrics = loop {
        let (status, _, body) = https.send(https.client.get(&url).basic_auth("prom", Some("PW-SECRET-9")));
        assert_eq!(status, 200);
        if body.contains("source=\"fourd\"") || Instant::now() > until {
            break body;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(metrics.contains("licusage_used_licenses{source=\"fourd\""), "{metrics}");
    // Plain HTTP to the TLS port gets no metrics.
    let plain = Http::new();
    let answered = plain.rt.block_on(async { plain.client.get(served.url("/metrics")).send().await });
    assert!(answered.is_err() || answered.is_ok_and(|r| !r.status().is_success()));
    assert!(!served.log().contains("PW-SECRET-9"));

    // Without [serve] auth, the same address needs none; a non-loopback
    // address is said once.
    env.write("config.toml", &fourd);
    let mut cmd = env.cmd();
    cmd.arg("--config").arg(env.path("config.toml")).args(["serve", "--listen", "0.0.0.0:0"]);
    let open = Served::start_with(cmd);
    assert_eq!(open.log().matches("is not a loopback address").count(), 1, "{}", open.log());
    let port = open.addr.rsplit(':').next().unwrap().to_string();
    assert_eq!(plain.get(&format!("http://127.0.0.1:{port}/healthz")).0, 200);
}

#[test]
fn a_real_prometheus_scrapes_serve() {
    let Some(prometheus) = tool("prometheus") else { return };
    let server = vault_server();
    let env = TestEnv::new();
    vault_and_4d(&env, &server);
    let served = Served::start(&env, &["--refresh", "1s"], &[("VAULT_SID", "s")]);
    let http = Http::new();
    served.metrics_when(&http, |m| m.contains("source=\"vault\"") && m.contains("source=\"fourd\""));
    let expected = env.cmd().arg("--config").arg(env.path("config.toml")).args(["show", "--json"]).env("VAULT_SID", "s").output().unwrap();
    let expected: serde_json::Value = serde_json::from_slice(&expected.stdout).unwrap();

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    env.write(
        "prometheus.yml",
        &format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: licusage\n    static_configs:\n      - targets: ['{}']\n",
            served.addr
        ),
    );
    let prom = std::process::Command::new(prometheus)
        .arg(format!("--config.file={}", env.path("prometheus.yml").display()))
        .arg(format!("--storage.tsdb.path={}", env.path("tsdb").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    struct Kill(Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _prom = Kill(prom);
    let query = |q: &str| -> Vec<serde_json::Value> {
        let url = reqwest::Url::parse_with_params(&format!("http://127.0.0.1:{port}/api/v1/query"), &[("query", q)]).unwrap();
        let reply = http.rt.block_on(async { http.client.get(url).send().await.ok()?.json::<serde_json::Value>().await.ok() });
        reply.and_then(|r| r["data"]["result"].as_array().cloned()).unwrap_or_default()
    };
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let up = query("up{job=\"licusage\"} == 1");
        let used = query("licusage_used_seats");
        if up.len() == 1 && !used.is_empty() {
            break;
        }
        assert!(Instant::now() < until, "Prometheus never scraped licusage: up={up:?}");
        std::thread::sleep(Duration::from_millis(250));
    }
    // Every seat count of the fixtures, as Prometheus stored it.
    let mut stored: Vec<(String, String, String)> = query("licusage_used_seats")
        .iter()
        .map(|s| {
            (
                s["metric"]["source"].as_str().unwrap().into(),
                s["metric"]["id"].as_str().unwrap().into(),
                s["value"][1].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut fixtures: Vec<(String, String, String)> = expected["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["unit"] == "seats" && r["used"].is_number())
        .map(|r| (r["source"].as_str().unwrap().into(), r["id"].as_str().unwrap().into(), r["used"].to_string()))
        .collect();
    stored.sort();
    fixtures.sort();
    assert!(!fixtures.is_empty());
    assert_eq!(stored, fixtures);
    assert_eq!(query("licusage_source_up == 1").len(), 2);
}

/// The alerting rules the README points to: promtool accepts them, their
/// unit tests pass, and every licusage metric they name is one licusage
/// writes.
#[test]
fn the_alerting_rules_check_and_pass_their_tests() {
    let Some(promtool) = tool("promtool") else { return };
    let docs = crate::env::repo("docs");
    for args in [&["check", "rules", "prometheus-rules.yml"][..], &["test", "rules", "prometheus-rules.test.yml"]] {
        let out = std::process::Command::new(&promtool).args(args).current_dir(&docs).output().unwrap();
        assert!(
            out.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let env = TestEnv::new();
    // Every kind, and a license server's log (the denials counter).
    env.config(&format!(
        "{}\n[sources.partek-log]\nkind = \"flexlm\"\nfile = \"{{fixtures}}/flexlm/v9-single.txt\"\nlog = \"{{fixtures}}/flexlm/debuglog/real/partek-v11.9-windows-denied-2014.log\"\n",
        crate::env::ALL_KINDS
    ));
    let written = String::from_utf8(env.run(&["show", "--format", "prometheus"]).stdout.into_bytes()).unwrap();
    let rules = std::fs::read_to_string(docs.join("prometheus-rules.yml")).unwrap();
    let mut named: Vec<&str> = rules
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("licusage_") && w.len() > "licusage_".len())
        .collect();
    named.sort();
    named.dedup();
    assert!(named.len() >= 5, "{named:?}");
    for name in named {
        let typed = |t: &str| written.contains(&format!("# TYPE {name} {t}"));
        assert!(typed("gauge") || typed("counter"), "the rules name {name}, which licusage does not write");
    }
}

/// A client that sends its headers a byte at a time, one that sends a head
/// past the limit, and a `record` run on the same config: the scrapes of
/// others go on, and the history is written.
#[test]
fn slow_clients_and_record_beside_it_stall_nothing() {
    use std::io::{Read, Write};
    let server = vault_server();
    let env = TestEnv::new();
    vault_and_4d(&env, &server);
    let served = Served::start(&env, &["--refresh", "1h"], &[("VAULT_SID", "s")]);
    let http = Http::new();
    served.metrics_when(&http, |m| m.contains("source=\"vault\"") && m.contains("source=\"fourd\""));

    let mut slow: Vec<std::net::TcpStream> = (0..20).map(|_| std::net::TcpStream::connect(&served.addr).unwrap()).collect();
    for s in &mut slow {
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n").unwrap();
    }
    for _ in 0..3 {
        for s in &mut slow {
            let _ = s.write_all(b"X-Slow: 1\r\n");
        }
        assert_eq!(http.get(&served.url("/metrics")).0, 200);
        std::thread::sleep(Duration::from_millis(100));
    }
    // A head far past any real one is refused, not buffered.
    let mut big = std::net::TcpStream::connect(&served.addr).unwrap();
    big.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = big.write_all(format!("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(200_000)).as_bytes());
    let mut answer = Vec::new();
    let _ = big.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 431"), "{answer}");

    let mut record = env.cmd();
    record.arg("--config").arg(env.path("config.toml")).arg("record").env("VAULT_SID", "s");
    let out = crate::env::Output::of(record);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let history = env.run(&["history", "--format", "json"]);
    assert_eq!(history.code, 0, "{}", history.stderr);
    assert!(history.stdout.contains("\"vault\""), "{}", history.stdout);
    assert_eq!(http.get(&served.url("/metrics")).0, 200);
}

/// Idle connections that never send a request cannot starve the scrapes:
/// past the connection limit, a new connection closes the one that has
/// waited longest (400 idle ones used to leave no scrape answered in 10 s).
#[test]
fn idle_connections_do_not_starve_a_scrape() {
    use std::io::Read;
    let server = vault_server();
    let env = TestEnv::new();
    vault_and_4d(&env, &server);
    let served = Served::start(&env, &["--refresh", "1h"], &[("VAULT_SID", "s")]);
    let http = Http::new();
    served.metrics_when(&http, |m| m.contains("source=\"vault\""));
    // 400 connections that never send a request, opened as fast as the
    // server takes them, held open.
    let idle = Arc::new(Mutex::new(Vec::new()));
    let opener = {
        let (idle, addr) = (idle.clone(), served.addr.clone());
        std::thread::spawn(move || {
            for _ in 0..400 {
                if let Ok(s) = std::net::TcpStream::connect(&addr) {
                    idle.lock().unwrap().push(s);
                }
            }
        })
    };
    while idle.lock().unwrap().len() < 300 {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Scrapes on new connections are answered (the client gives up after
    // 5 s), with the idle ones open.
    let fresh = Http::with(reqwest::Client::builder().pool_max_idle_per_host(0));
    for _ in 0..5 {
        let (status, _, body) = fresh.get(&served.url("/metrics"));
        assert_eq!(status, 200);
        assert!(body.contains("licusage_used_documents{source=\"vault\""), "{body}");
    }
    opener.join().unwrap();
    let mut idle = idle.lock().unwrap();
    // The oldest idle connections were the ones closed.
    let first = &mut idle[0];
    first.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(first.read(&mut buf).unwrap_or(usize::MAX), 0, "the oldest idle connection is closed");
}

#[test]
fn a_config_that_cannot_serve_exits_2_before_listening() {
    let env = TestEnv::new();
    for (config, says) in [
        ("[serve]\nrefresh = \"soon\"\n", "config.toml: [serve]: refresh"),
        ("[serve]\nbasic_auth_user = \"prom\"\n", "needs `basic_auth_password_env`"),
        ("[serve]\nlisten = \"127.0.0.1:9873\"\nport = 1\n", "config.toml:3"),
        ("[serve]\ntls_cert = \"none.pem\"\ntls_key = \"none.pem\"\n[sources.f]\nkind = \"4d\"\nfile = \"x.json\"\n", "tls_cert"),
        ("", "no sources configured"),
    ] {
        env.write("config.toml", config);
        let out = env.run(&["serve", "--listen", "127.0.0.1:0"]);
        assert_eq!(out.code, 2, "{config}: {}", out.stderr);
        assert!(out.stderr.contains(says) && !out.stderr.contains("listening"), "{config}: {}", out.stderr);
    }
    let out = env.run(&["serve", "--refresh", "0s"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// A supervisor that gives `serve` /dev/null as stdout, opened read-write
/// (Python's `subprocess.DEVNULL`): it serves, since it never writes there.
#[test]
fn serve_starts_with_stdout_on_dev_null_read_write() {
    use std::io::{BufRead, BufReader};
    let env = TestEnv::new();
    env.write("config.toml", &format!("[sources.f]\nkind = \"4d\"\nfile = \"{}\"\n", fixture("4d/license-usage.json").display()));
    let null = std::fs::File::options().read(true).write(true).open("/dev/null").unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("licusage"))
        .args(["--config"])
        .arg(env.path("config.toml"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("HOME", env.path(""))
        .stdout(null)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let first = BufReader::new(stderr).lines().next().and_then(Result::ok).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("listening on http://127.0.0.1:"), "{first}");
}

/// A `generic` source's filters run in a child of the binary: one started
/// before a package upgrade replaced the binary keeps reading (the child is
/// the running image, not the file's path).
#[test]
fn filters_keep_running_after_the_binary_is_replaced() {
    let env = TestEnv::new();
    env.write("doc.json", r#"{"n": 3}"#);
    env.write(
        "config.toml",
        &format!(
            "[sources.g]\nkind = \"generic\"\nfile = \"{}\"\njq = '{{product: \"p\", metric: \"seats\", used: .n, limit: 5}}'\n",
            env.path("doc.json").display()
        ),
    );
    let copy = env.path("licusage-old");
    std::fs::copy(assert_cmd::cargo::cargo_bin("licusage"), &copy).unwrap();
    let mut cmd = std::process::Command::new(&copy);
    cmd.env("HOME", env.dir.path()).env_remove("LICUSAGE_CONFIG").arg("--config").arg(env.path("config.toml"));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--refresh", "1h"]);
    let served = Served::start_with(cmd);
    let http = Http::new();
    served.metrics_when(&http, |m| m.contains("source=\"g\""));
    // The upgrade: the file goes, another takes its name.
    std::fs::remove_file(&copy).unwrap();
    std::fs::write(&copy, b"#!/bin/sh\nexit 1\n").unwrap();
    env.write("doc.json", r#"{"n": 4}"#);
    served.signal("HUP");
    let metrics = served.metrics_when(&http, |m| {
        m.contains("licusage_used_seats{source=\"g\",id=\"p/seats\",kind=\"generic\",product=\"p\",metric=\"seats\"} 4")
    });
    assert!(metrics.contains("licusage_source_up{source=\"g\",kind=\"generic\"} 1"), "{metrics}\n{}", served.log());
}

/// A license server's log under `serve`: the denials counter starts from the
/// log as it is, then counts each new line once across refreshes and a
/// rotation, never going back (a counter that drops is a reset to Prometheus).
#[test]
fn the_denials_counter_counts_on_across_refreshes_and_a_rotation() {
    let env = TestEnv::new();
    let log = env.path("lmgrd.log");
    std::fs::copy(crate::env::fixture("flexlm/debuglog/real/partek-v11.9-windows-denied-2014.log"), &log).unwrap();
    env.config("[sources.partek]\nkind = \"flexlm\"\nfile = \"{fixtures}/flexlm/v9-single.txt\"\nlog = \"lmgrd.log\"\n");
    let served = Served::start(&env, &["--refresh", "300ms"], &[]);
    let http = Http::new();
    let base = "licusage_denials_total{source=\"partek\",id=\"base@parteklm\",kind=\"flexlm\",product=\"base\",metric=\"licenses\",reason=\"limit\"}";
    let first = served.metrics_when(&http, |m| m.contains(base));
    assert_eq!(sample(&first, base), Some(64.0), "the hand count of the real log:\n{first}");
    let denied = |who: &str| {
        format!("10:0{}:00 (parteklm) DENIED: \"base\" {who}@ws  (Licensed number of users already reached. (-4,342))\n", who.len() % 10)
    };
    {
        use std::io::Write;
        std::fs::OpenOptions::new().append(true).open(&log).unwrap().write_all(denied("alice").as_bytes()).unwrap();
    }
    served.metrics_when(&http, |m| sample(m, base) == Some(65.0));
    std::fs::rename(&log, env.path("lmgrd.log.1")).unwrap();
    std::fs::write(&log, format!("{}{}", denied("bob"), denied("carol"))).unwrap();
    let after = served.metrics_when(&http, |m| sample(m, base) == Some(67.0));
    // A few more refreshes: nothing counted twice.
    std::thread::sleep(Duration::from_millis(1000));
    let later = http.get(&served.url("/metrics")).2;
    assert_eq!(sample(&later, base), Some(67.0), "{after}\n{later}");
}

/// With a history, `serve` starts from where `record` left the log, with
/// its counts: restarted after the log was rotated, the counter goes on
/// from `record`'s count through the rest of the old file and the new one,
/// instead of dropping to the new file's (a reset, its whole value new
/// denials to `increase()`).
#[test]
fn the_denials_counter_goes_on_from_records_place_across_a_restart() {
    let env = TestEnv::new();
    let log = env.path("lmgrd.log");
    std::fs::copy(crate::env::fixture("flexlm/debuglog/real/partek-v11.9-windows-denied-2014.log"), &log).unwrap();
    env.config("[history]\npath = \"history.sqlite3\"\n[sources.partek]\nkind = \"flexlm\"\nfile = \"{fixtures}/flexlm/v9-single.txt\"\nlog = \"lmgrd.log\"\n");
    let recorded = env.cmd().arg("--config").arg(env.path("config.toml")).args(["-q", "record"]).output().unwrap();
    assert!(recorded.status.success(), "{}", String::from_utf8_lossy(&recorded.stderr));
    let base = "licusage_denials_total{source=\"partek\",id=\"base@parteklm\",kind=\"flexlm\",product=\"base\",metric=\"licenses\",reason=\"limit\"}";
    let denied =
        |who: &str| format!("10:00:00 (parteklm) DENIED: \"base\" {who}@ws  (Licensed number of users already reached. (-4,342))\n");
    let append = |text: &str| {
        use std::io::Write;
        std::fs::OpenOptions::new().append(true).open(&log).unwrap().write_all(text.as_bytes()).unwrap();
    };
    let http = Http::new();
    {
        let served = Served::start(&env, &["--refresh", "300ms"], &[]);
        // `record`'s count of the real log (the hand count), nothing read twice.
        let first = served.metrics_when(&http, |m| m.contains(base));
        assert_eq!(sample(&first, base), Some(64.0), "{first}\n{}", served.log());
        append(&denied("alice"));
        served.metrics_when(&http, |m| sample(m, base) == Some(65.0));
    }
    // Stopped; the log rotated; started again.
    std::fs::rename(&log, env.path("lmgrd.log.1")).unwrap();
    std::fs::write(&log, format!("{}{}", denied("bob"), denied("carol"))).unwrap();
    let served = Served::start(&env, &["--refresh", "300ms"], &[]);
    let again = served.metrics_when(&http, |m| m.contains(base));
    assert_eq!(sample(&again, base), Some(67.0), "{again}\n{}", served.log());
}

/// `plan`'s deadline per series on `/metrics`, as `show` has it: the renewal
/// date of the cPod fixture less the 30 days of notice.
#[test]
fn serve_exports_the_renewal_deadlines() {
    let env = TestEnv::new();
    env.config("[sources.assets]\nkind = \"cpod\"\nfile = \"{fixtures}/cpod/licenses.json\"\nnotice = \"31d\"\n");
    let served = Served::start(&env, &["--refresh", "1h"], &[("LICUSAGE_NOW", "2026-12-07T12:00:00Z")]);
    let http = Http::new();
    let series = "licusage_renewal_deadline_timestamp_seconds{source=\"assets\",id=\"lic_01HXA1\"";
    let metrics = served.metrics_when(&http, |m| m.contains(series));
    // Acrobat Pro renews on 2027-05-31: 31 days before is 2027-04-30.
    let want = chrono::DateTime::parse_from_rfc3339("2027-04-30T00:00:00Z").unwrap().timestamp() as f64;
    assert_eq!(sample(&metrics, series), Some(want), "{metrics}");
}

/// `[notify]` under `serve`: after each read the changes go out as `notify`
/// sends them, each once however many reads see it.
#[test]
fn serve_notifies_each_change_once_across_reads() {
    let hooks = Server::start();
    hooks.mount(Mock::given(method("POST")).and(path("/hook")).respond_with(ResponseTemplate::new(200)));
    let env = TestEnv::new();
    let today = |used: u32| {
        format!(r#"[{{"id": "b", "product_name": "BI", "license_type": "named_user", "total_seats": 100, "used_seats": {used}}}]"#)
    };
    env.write("today.json", &today(99));
    env.config("[history]\npath = \"history.sqlite3\"\n[sources.assets]\nkind = \"cpod\"\nfile = \"today.json\"\n[notify.ops]\nkind = \"webhook\"\nurl_env = \"HOOK\"\n");
    let served = Served::start(&env, &["--refresh", "200ms"], &[("HOOK", &format!("{}/hook", hooks.url()))]);
    let sent = || hooks.requests().iter().map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()).collect::<Vec<_>>();
    let until = Instant::now() + Duration::from_secs(20);
    while sent().is_empty() {
        assert!(Instant::now() < until, "nothing sent:\n{}", served.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    // Several more reads: still one message.
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(sent().len(), 1, "{:?}\n{}", sent(), served.log());
    assert_eq!(sent()[0]["to"], "critical");
    env.write("today.json", &today(50));
    while sent().len() < 2 {
        assert!(Instant::now() < until, "no resolution:\n{}", served.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(600));
    let all = sent();
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!((all[1]["to"].as_str(), all[1]["resolved"].as_bool()), (Some("ok"), Some(true)));
    assert!(served.log().contains("notify: channel ops: 1 sent"), "{}", served.log());
}

/// The report, live: `/` is the HTML page of the latest reads (reloading
/// itself every refresh, no script), `/report.md` the Markdown; behind the
/// same Basic auth as the rest.
#[test]
fn the_report_page_is_served_live() {
    let env = TestEnv::new();
    env.config("[sources.assets]\nkind = \"cpod\"\nfile = \"{fixtures}/cpod/licenses.json\"\n[serve]\nbasic_auth_user = \"ops\"\nbasic_auth_password_env = \"PW\"\n");
    let served = Served::start(&env, &["--refresh", "90s"], &[("PW", "s3cret")]);
    let http = Http::new();
    assert_eq!(http.get(&served.url("/")).0, 401, "the page is behind the same auth");
    let page = |p: &str| {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            let (status, headers, body) = http.send(http.client.get(served.url(p)).basic_auth("ops", Some("s3cret")));
            if body.contains("Acrobat Pro") {
                return (status, headers, body);
            }
            assert!(Instant::now() < until, "{p} never showed the read:\n{body}");
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let (status, headers, html) = page("/");
    assert_eq!(status, 200);
    assert_eq!(headers.get("content-type").unwrap(), "text/html; charset=utf-8");
    assert!(html.contains("<meta http-equiv=\"refresh\" content=\"90\">"), "{html}");
    assert!(html.contains("License usage report") && !html.contains("<script"), "{html}");
    let (_, headers, md) = page("/report.md");
    assert_eq!(headers.get("content-type").unwrap(), "text/markdown; charset=utf-8");
    assert!(md.starts_with("# License usage report\n") && md.contains("## Decisions due"), "{md}");
}
