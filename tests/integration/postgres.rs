//! `[history] url`: the history in a real PostgreSQL server that each test
//! starts on loopback (Debian's `postgresql`: `initdb` and `pg_ctl` on PATH,
//! run as the unprivileged `postgres` user when the tests run as root), read
//! back by `psql` and by licusage itself.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::env::{fixture, tool, Output, TestEnv};

const PASSWORD: &str = "pg-Secret-7731";

/// A PostgreSQL server of the test's own, stopped when dropped.
struct Postgres {
    dir: tempfile::TempDir,
    port: u16,
    pg_ctl: PathBuf,
    psql: PathBuf,
    owner: Option<(u32, u32)>,
}

/// The `postgres` user's uid and gid when this runs as root: `initdb` refuses root.
fn owner() -> Option<(u32, u32)> {
    let root = Command::new("id").arg("-u").output().ok().is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let line = passwd.lines().find(|l| l.starts_with("postgres:")).expect("running as root needs a `postgres` user to run initdb as");
    let fields: Vec<&str> = line.split(':').collect();
    Some((fields[2].parse().unwrap(), fields[3].parse().unwrap()))
}

impl Postgres {
    fn start() -> Option<Self> {
        let (initdb, pg_ctl, psql) = (tool("initdb")?, tool("pg_ctl")?, tool("psql")?);
        let dir = tempfile::Builder::new().prefix("licusage-pg").tempdir().unwrap();
        let owner = owner();
        let pw = dir.path().join("pw");
        std::fs::write(&pw, PASSWORD).unwrap();
        if let Some((uid, gid)) = owner {
            for p in [dir.path(), pw.as_path()] {
                std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let pg = Postgres { dir, port, pg_ctl, psql, owner };
        let data = pg.dir.path().join("data");
        let made = pg
            .as_owner(&initdb)
            .args(["-U", "licusage", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "-N", "--pwfile"])
            .arg(&pw)
            .arg("-D")
            .arg(&data)
            .output()
            .unwrap();
        assert!(made.status.success(), "initdb: {}", String::from_utf8_lossy(&made.stderr));
        pg.ctl(&["start"]);
        pg.psql("postgres", "CREATE DATABASE history");
        Some(pg)
    }

    /// A command run as the server's owner.
    fn as_owner(&self, program: &Path) -> Command {
        match self.owner {
            Some(_) => {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(program);
                c
            }
            None => Command::new(program),
        }
    }

    fn ctl(&self, what: &[&str]) {
        let dir = self.dir.path();
        let options = format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60", self.port, dir.display());
        let out = self
            .as_owner(&self.pg_ctl)
            .arg("-D")
            .arg(dir.join("data"))
            .args(["-w", "-t", "30", "-m", "fast", "-o", &options, "-l"])
            .arg(dir.join("server.log"))
            .args(what)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl {what:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://licusage@127.0.0.1:{}/{db}", self.port)
    }

    /// `psql -At -c SQL` as licusage, by TCP with the password: its output.
    fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(&self.psql)
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "licusage", "-d", db, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(out.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn count(&self, sql: &str) -> i64 {
        self.psql("history", sql).parse().unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.as_owner(&self.pg_ctl).arg("-D").arg(self.dir.path().join("data")).args(["-m", "immediate", "stop"]).output();
    }
}

/// A collector: its config's sources and the shared history on the server.
fn collector(env: &TestEnv, pg: &Postgres, name: &str, sources: &str) -> PathBuf {
    let text = format!(
        "[history]\nurl = \"{}\"\npassword_env = \"HISTORY_PW\"\n{}",
        pg.url("history"),
        sources.replace("{fixtures}", fixture("").display().to_string().trim_end_matches('/'))
    );
    env.write(&format!("{name}.toml"), &text)
}

fn licusage(env: &TestEnv, config: &Path, now: &str, args: &[&str]) -> Command {
    let mut cmd = env.cmd();
    cmd.env("HISTORY_PW", PASSWORD).env("LICUSAGE_NOW", now).arg("--config").arg(config).args(args);
    cmd
}

fn run(env: &TestEnv, config: &Path, now: &str, args: &[&str]) -> Output {
    Output::of(licusage(env, config, now, args))
}

const FOURD: &str = "[sources.fourd]\nkind = \"4d\"\nfile = \"{fixtures}/4d/license-usage.json\"\n";
const CPOD: &str = "[sources.assets]\nkind = \"cpod\"\nfile = \"{fixtures}/cpod/licenses.json\"\n";
const M365: &str = "[sources.m365]\nkind = \"generic\"\nfile = \"{fixtures}/generic/subscribed-skus.json\"\n\
jq = '.value[] | {id: .skuId, product: .skuPartNumber, metric: \"licenses\", used: .consumedUnits, limit: .prepaidUnits.enabled}'\n";

/// Two collectors, each with its own sources, write one history; a third
/// machine's `history`, `report` and `plan` read both; the tables hold what
/// `record` said it wrote.
#[test]
fn two_collectors_write_one_history_and_a_third_reads_both() {
    let Some(pg) = Postgres::start() else { return };
    let env = TestEnv::new();
    let site_a = collector(&env, &pg, "a", FOURD);
    let site_b = collector(&env, &pg, "b", CPOD);
    let central = collector(&env, &pg, "central", M365);
    for day in ["2026-11-20", "2026-11-23", "2026-11-26", "2026-11-29"] {
        for site in [&site_a, &site_b] {
            let out = run(&env, site, &format!("{day}T10:00:00Z"), &["record"]);
            assert_eq!(out.code, 0, "{out:?}");
            assert!(out.stdout.contains(&format!("into {}", pg.url("history"))), "{out:?}");
        }
    }
    // What the tables hold, as psql reads them.
    assert_eq!(pg.count("SELECT COUNT(*) FROM snapshots"), 8);
    assert_eq!(pg.psql("history", "SELECT string_agg(DISTINCT source, ',' ORDER BY source) FROM series"), "assets,fourd");
    let samples = pg.count("SELECT COUNT(*) FROM samples");
    assert_eq!(pg.count("SELECT SUM(rows) FROM daily"), samples, "the daily rollup counts every sample");
    assert_eq!(samples, 4 * pg.count("SELECT COUNT(*) FROM series"));

    let now = "2026-11-30T12:00:00Z";
    let history = run(&env, &central, now, &["history", "--since", "30d", "--format", "json"]);
    assert_eq!(history.code, 0, "{history:?}");
    let series = history.json();
    let series = series["series"].as_array().unwrap();
    let sources: std::collections::BTreeSet<&str> = series.iter().map(|s| s["source"].as_str().unwrap()).collect();
    assert_eq!(sources.into_iter().collect::<Vec<_>>(), ["assets", "fourd"]);
    assert!(series.iter().all(|s| s["samples"] == 4), "{series:?}");

    // The third machine's report charts both collectors' series.
    let report = run(&env, &central, now, &["report", "--format", "markdown", "--since", "30d"]);
    assert_eq!(report.code, 0, "{report:?}");
    let fourd_product = series.iter().find(|s| s["source"] == "fourd").unwrap()["product"].as_str().unwrap().to_string();
    assert!(report.stdout.contains(&fourd_product) && report.stdout.contains("assets"), "{}", report.stdout);
    assert!(!report.stdout.contains("No history yet"), "{}", report.stdout);

    // The same answers as a SQLite history of the same snapshots.
    let lite = env.write(
        "lite.toml",
        &format!(
            "[history]\npath = \"lite.sqlite3\"\n{}{}",
            FOURD.replace("{fixtures}", fixture("").display().to_string().trim_end_matches('/')),
            CPOD.replace("{fixtures}", fixture("").display().to_string().trim_end_matches('/'))
        ),
    );
    for day in ["2026-11-20", "2026-11-23", "2026-11-26", "2026-11-29"] {
        assert_eq!(run(&env, &lite, &format!("{day}T10:00:00Z"), &["record"]).code, 0);
    }
    let from_file = run(&env, &lite, now, &["history", "--since", "30d", "--format", "json"]);
    assert_eq!(from_file.json(), history.json(), "SQLite and PostgreSQL histories answer alike");
    // The password is in no output.
    for out in [&history, &report] {
        assert!(!out.stdout.contains(PASSWORD) && !out.stderr.contains(PASSWORD));
    }
}

/// `n` generic series from one file, for a write that takes a while.
fn many(env: &TestEnv, n: usize) -> String {
    let items: Vec<String> = (0..n).map(|i| format!("{{\"id\":\"s{i}\",\"used\":{},\"limit\":100}}", i % 97)).collect();
    let file = env.write("many.json", &format!("[{}]", items.join(",")));
    format!(
        "[sources.many]\nkind = \"generic\"\nfile = \"{}\"\njq = '.[] | {{id: .id, product: .id, metric: \"seats\", used: .used, limit: .limit}}'\n",
        file.display()
    )
}

/// The server restarted while a `record` is in its write: the run makes
/// the connection again, writes the snapshot once and whole, exit 0.
#[test]
fn a_server_restart_mid_write_loses_nothing_and_stores_nothing_twice() {
    let Some(pg) = Postgres::start() else { return };
    let env = TestEnv::new();
    let n = 20_000;
    let config = collector(&env, &pg, "big", &many(&env, n));
    let mut child: Child =
        licusage(&env, &config, "2026-12-01T00:00:00Z", &["record"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // Wait for the write transaction to be under way (it has written), then restart.
    let until = Instant::now() + Duration::from_secs(120);
    loop {
        assert!(Instant::now() < until, "the record never started writing");
        assert!(child.try_wait().unwrap().is_none(), "record ended before the restart: write more series");
        let writing = pg.count("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'licusage' AND backend_xid IS NOT NULL");
        if writing > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    pg.ctl(&["restart"]);
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("{n} series")), "{stdout}");
    assert_eq!(pg.count("SELECT COUNT(*) FROM snapshots"), 1);
    assert_eq!(pg.count("SELECT COUNT(*) FROM samples"), n as i64);
    assert_eq!(pg.count("SELECT SUM(rows) FROM daily"), n as i64);
    assert_eq!(pg.count("SELECT SUM(used) FROM samples"), (0..n).map(|i| (i % 97) as i64).sum::<i64>());
}

/// Ten `record`s at once, three times, five of them reading the same
/// source and five one source each, with the server restarted in the
/// second round: every run ends 0 and every snapshot is there, whole.
#[test]
fn ten_concurrent_records_with_a_restart_keep_every_snapshot() {
    let Some(pg) = Postgres::start() else { return };
    let env = TestEnv::new();
    let shared = "[sources.shared]\nkind = \"4d\"\nfile = \"{fixtures}/4d/license-usage.json\"\n";
    let configs: Vec<PathBuf> = (0..10)
        .map(|i| match i < 5 {
            true => collector(&env, &pg, &format!("c{i}"), shared),
            false => collector(&env, &pg, &format!("c{i}"), &FOURD.replace("sources.fourd", &format!("sources.own{i}"))),
        })
        .collect();
    let per_run = {
        let one = run(&env, &configs[0], "2026-11-01T00:00:00Z", &["show", "--format", "json"]);
        one.json()["records"].as_array().unwrap().len() as i64
    };
    let mut runs = 0;
    for round in 0..3 {
        let children: Vec<Child> = configs
            .iter()
            .map(|c| {
                licusage(&env, c, &format!("2026-11-0{}T0{round}:00:00Z", round + 1), &["-q", "record"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        if round == 1 {
            pg.ctl(&["restart"]);
        }
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
            runs += 1;
        }
    }
    assert_eq!(pg.count("SELECT COUNT(*) FROM snapshots"), runs);
    assert_eq!(pg.count("SELECT COUNT(*) FROM samples"), runs * per_run);
    assert_eq!(pg.count("SELECT SUM(rows) FROM daily"), runs * per_run);
    // One series set for the shared source, one per own source.
    assert_eq!(pg.count("SELECT COUNT(*) FROM series"), 6 * per_run);
    assert_eq!(pg.count("SELECT COUNT(*) FROM samples s JOIN series r ON r.id = s.series_id WHERE r.source = 'shared'"), 15 * per_run);
}

/// `history migrate --to URL`: a local file copied, verified by counts; a
/// second run copies nothing; a second collector's file merges in; the
/// server answers as the file did.
#[test]
fn migrate_copies_a_local_history_once_and_merges_a_second() {
    let Some(pg) = Postgres::start() else { return };
    let env = TestEnv::new();
    let root = fixture("").display().to_string();
    let root = root.trim_end_matches('/');
    let local = env.write("local.toml", &format!("[history]\npath = \"a.sqlite3\"\n{}", FOURD.replace("{fixtures}", root)));
    for day in 1..=3 {
        assert_eq!(run(&env, &local, &format!("2026-11-0{day}T08:00:00Z"), &["record"]).code, 0);
    }
    let before = run(&env, &local, "2026-11-04T00:00:00Z", &["history", "--format", "json"]);
    let url = pg.url("history");
    let migrate =
        |config: &Path| run(&env, config, "2026-11-04T00:00:00Z", &["history", "migrate", "--to", &url, "--password-env", "HISTORY_PW"]);
    let first = migrate(&local);
    assert_eq!(first.code, 0, "{first:?}");
    let per = before.json()["series"].as_array().unwrap().len();
    assert!(first.stdout.starts_with("copied 3 snapshots (0 already there)"), "{}", first.stdout);
    assert!(first.stdout.contains(&format!("verified: {url} holds all 3 snapshots and {} samples", 3 * per)), "{}", first.stdout);
    let again = migrate(&local);
    assert!(again.stdout.starts_with("copied 0 snapshots (3 already there), 0 samples"), "{again:?}");
    assert_eq!(pg.count("SELECT COUNT(*) FROM snapshots"), 3);

    let server = collector(&env, &pg, "server", FOURD);
    let after = run(&env, &server, "2026-11-04T00:00:00Z", &["history", "--format", "json"]);
    assert_eq!(after.json(), before.json(), "the server answers as the file did");

    // A second collector's file, of another source, merges in.
    let other = env.write("other.toml", &format!("[history]\npath = \"b.sqlite3\"\n{}", CPOD.replace("{fixtures}", root)));
    assert_eq!(run(&env, &other, "2026-11-02T09:00:00Z", &["record"]).code, 0);
    let merged = migrate(&other);
    assert!(merged.stdout.starts_with("copied 1 snapshots (0 already there)"), "{merged:?}");
    assert_eq!(pg.count("SELECT COUNT(*) FROM snapshots"), 4);
    assert_eq!(pg.psql("history", "SELECT string_agg(DISTINCT source, ',' ORDER BY source) FROM series"), "assets,fourd");
    // A history that is on a server already is not a file to copy.
    let refused = migrate(&server);
    assert_eq!(refused.code, 2, "{refused:?}");
}

/// The ways it goes wrong, each one clear line: no server, a wrong
/// password (never echoed), a password in the URL (refused as config).
#[test]
fn a_server_down_or_a_wrong_password_is_a_clear_error() {
    let Some(pg) = Postgres::start() else { return };
    let env = TestEnv::new();
    let config = collector(&env, &pg, "c", FOURD);
    let mut wrong = licusage(&env, &config, "2026-11-01T00:00:00Z", &["record"]);
    wrong.env("HISTORY_PW", "not-the-password-55");
    let wrong = Output::of(wrong);
    assert_eq!(wrong.code, 1, "{wrong:?}");
    assert!(wrong.stderr.contains("password authentication failed"), "{}", wrong.stderr);
    assert!(!wrong.stderr.contains("not-the-password-55"), "{}", wrong.stderr);

    let inline = env.write("inline.toml", "[history]\nurl = \"postgres://licusage:hunter2@127.0.0.1/history\"\n");
    let inline = run(&env, &inline, "2026-11-01T00:00:00Z", &["history"]);
    assert_eq!(inline.code, 2, "{inline:?}");
    assert!(inline.stderr.contains("password_env") && !inline.stderr.contains("hunter2"), "{}", inline.stderr);

    let port = pg.port;
    drop(pg);
    let down = env
        .write("down.toml", &format!("[history]\nurl = \"postgres://licusage@127.0.0.1:{port}/history\"\npassword_env = \"HISTORY_PW\"\n"));
    let out = run(&env, &down, "2026-11-01T00:00:00Z", &["history"]);
    assert_eq!(out.code, 1, "{out:?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", out.stderr);
    assert!(lines[0].contains(&format!("cannot use the history at postgres://licusage@127.0.0.1:{port}/history")), "{}", lines[0]);
    assert!(lines[0].contains("refused") && lines[0].contains("tried for 10s"), "{}", lines[0]);
    // What only adds to an answer does not wait for it: `show`'s metrics
    // without `plan`'s figures, exit 0.
    let down_source = env.write(
        "down-source.toml",
        &format!(
            "[history]\nurl = \"postgres://licusage@127.0.0.1:{port}/history\"\npassword_env = \"HISTORY_PW\"\n{}",
            FOURD.replace("{fixtures}", fixture("").display().to_string().trim_end_matches('/'))
        ),
    );
    let metrics = run(&env, &down_source, "2026-11-01T00:00:00Z", &["show", "--format", "prometheus"]);
    assert_eq!(metrics.code, 0, "{metrics:?}");
    assert!(metrics.stdout.contains("licusage_used_") && !metrics.stdout.contains("licusage_recommended_limit"), "{}", metrics.stdout);
}

/// `sslmode=verify-full` with `sslrootcert`: the connection is TLS (the
/// server says so) and the certificate verified; a server whose certificate
/// the CA did not sign is refused.
#[test]
fn tls_when_the_url_asks_for_it() {
    let Some(openssl) = tool("openssl") else { return };
    let Some(pg) = Postgres::start() else { return };
    let env = TestEnv::new();
    let data = pg.dir.path().join("data");
    let (cert, key) = (data.join("server.crt"), data.join("server.key"));
    crate::env::self_signed(&openssl, "127.0.0.1", &cert, &key);
    if let Some((uid, gid)) = pg.owner {
        for p in [&cert, &key] {
            std::os::unix::fs::chown(p, Some(uid), Some(gid)).unwrap();
        }
    }
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    pg.psql("postgres", "ALTER SYSTEM SET ssl = on");
    // TCP connections only over TLS: a plain one would be turned away.
    let hba = data.join("pg_hba.conf");
    let rules = std::fs::read_to_string(&hba).unwrap();
    let rules: String =
        rules.lines().map(|l| if l.starts_with("host ") { format!("hostssl{}\n", &l[4..]) } else { format!("{l}\n") }).collect();
    std::fs::write(&hba, rules).unwrap();
    pg.ctl(&["restart"]);
    std::fs::copy(&cert, env.path("ca.pem")).unwrap();
    let url = format!("{}?sslmode=verify-full&sslrootcert=ca.pem", pg.url("history"));
    let config = env.write(
        "tls.toml",
        &format!(
            "[history]\nurl = \"{url}\"\npassword_env = \"HISTORY_PW\"\n{}",
            FOURD.replace("{fixtures}", fixture("").display().to_string().trim_end_matches('/'))
        ),
    );
    let out = run(&env, &config, "2026-11-01T00:00:00Z", &["record"]);
    assert_eq!(out.code, 0, "{out:?}");
    // The server takes TCP connections over TLS only: the snapshot came so.
    assert_eq!(pg.count("SELECT COUNT(*) FROM snapshots"), 1);
    let plain = collector(&env, &pg, "plain", FOURD);
    let turned_away = run(&env, &plain, "2026-11-01T00:00:00Z", &["history"]);
    assert!(turned_away.code == 1 && turned_away.stderr.contains("no pg_hba.conf entry"), "{turned_away:?}");
    // Another CA: refused, nothing written.
    let other = env.path("other.pem");
    crate::env::self_signed(&openssl, "other", &other, &env.path("other.key"));
    let config = env.write("bad.toml", &std::fs::read_to_string(&config).unwrap().replace("ca.pem", "other.pem"));
    let refused = run(&env, &config, "2026-11-02T00:00:00Z", &["record"]);
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(refused.stderr.contains("certificate"), "{}", refused.stderr);
    assert_eq!(pg.count("SELECT COUNT(*) FROM snapshots"), 1);
}

/// The state beside the snapshots lives on the server too: a server log's
/// cursors (`record`'s and `check`'s, each line counted once), what
/// `notify` told (each change sent once), and `plan` and `history` answer
/// as from a file holding the same snapshots.
#[test]
fn logs_check_plan_and_notify_keep_their_state_on_the_server() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    let Some(pg) = Postgres::start() else { return };
    let hook = crate::live::Server::start();
    hook.mount(Mock::given(method("POST")).and(path("/hook")).respond_with(ResponseTemplate::new(200)));
    let env = TestEnv::new();
    let log = env.path("lmgrd.log");
    std::fs::copy(fixture(crate::serverlog::REAL_LOG), &log).unwrap();
    env.write("lmstat.txt", crate::serverlog::LMSTAT);
    let partek = "[sources.partek]\nkind = \"flexlm\"\nfile = \"lmstat.txt\"\nlog = \"lmgrd.log\"\n\
                  [notify.ops]\nkind = \"webhook\"\nurl_env = \"HOOK\"\nmin_status = \"warning\"\n";
    let server = collector(&env, &pg, "server", partek);
    let file = env.write("file.toml", &format!("[history]\npath = \"file.sqlite3\"\n{partek}"));
    let both = |now: &str, args: &[&str]| -> [Output; 2] {
        [&server, &file].map(|c| {
            let mut cmd = licusage(&env, c, now, args);
            cmd.env("HOOK", format!("{}/hook", hook.url()));
            Output::of(cmd)
        })
    };
    for day in 1..=4 {
        for out in both(&format!("2026-11-{day:02}T09:00:00Z"), &["record"]) {
            assert_eq!(out.code, 0, "{out:?}");
        }
        if day == 2 {
            crate::serverlog::append(
                &log,
                "10:02:00 (parteklm) DENIED: \"base\" alice@ws1  (Licensed number of users already reached. (-4,342))\n",
            );
        }
    }
    let now = "2026-11-05T00:00:00Z";
    let [on_server, in_file] = both(now, &["history", "--since", "100000d", "--json"]);
    assert_eq!(on_server.json(), in_file.json());
    let base = on_server.json()["series"].as_array().unwrap().iter().find(|s| s["product"] == "base").cloned().unwrap();
    assert_eq!((base["denials"].as_i64(), base["samples"].as_i64()), (Some(65), Some(4)), "64 in the log, one appended: each once");
    assert_eq!(pg.count("SELECT COUNT(*) FROM log_cursors WHERE consumer = 'record'"), 1);
    let [plan_server, plan_file] = both(now, &["plan", "--since", "30d", "--format", "json"]);
    assert_eq!(plan_server.code, 0, "{plan_server:?}");
    assert_eq!(plan_server.json(), plan_file.json());

    // `check`'s own cursor: the first check sees the denials, the next none.
    let warned = run(&env, &server, now, &["check", "--denials-warn", "1"]);
    assert_eq!(warned.code, 1, "{warned:?}");
    let calm = run(&env, &server, now, &["check", "--denials-warn", "1"]);
    assert_eq!(calm.code, 0, "{calm:?}");
    assert_eq!(pg.count("SELECT COUNT(*) FROM log_cursors WHERE consumer = 'check'"), 1);

    // `notify`: what is there when first seen is the base; a new denial is
    // told once; the state is on the server.
    let notify = || {
        let mut cmd = licusage(&env, &server, now, &["notify"]);
        cmd.env("HOOK", format!("{}/hook", hook.url()));
        Output::of(cmd)
    };
    let first = notify();
    assert_eq!((first.code, first.stdout.as_str()), (0, "channel ops: 0 sent\n"), "{first:?}");
    crate::serverlog::append(&log, "10:05:00 (parteklm) DENIED: \"matk\" bob@ws2  (Licensed number of users already reached. (-4,342))\n");
    assert_eq!(notify().stdout, "channel ops: 1 sent\n");
    assert_eq!(notify().stdout, "channel ops: 0 sent\n");
    let told: Vec<serde_json::Value> = hook.requests().iter().map(|r| serde_json::from_slice(&r.body).unwrap()).collect();
    assert_eq!(told.len(), 1);
    assert_eq!((told[0]["event"].as_str(), told[0]["product"].as_str()), (Some("denials"), Some("matk")), "{told:?}");
    assert!(pg.count("SELECT COUNT(*) FROM notify_state WHERE channel = 'ops'") > 0);
}

/// A password command is asked once for the opens of one run (here
/// `report`: the logs' places, the history, plan's figures), not per open.
#[test]
fn a_password_command_is_asked_once_a_run() {
    let Some(pg) = Postgres::start() else { return };
    let env = TestEnv::new();
    std::fs::copy(fixture(crate::serverlog::REAL_LOG), env.path("lmgrd.log")).unwrap();
    env.write("lmstat.txt", crate::serverlog::LMSTAT);
    let asked = env.path("asked");
    let config = env.write(
        "cmd.toml",
        &format!(
            "[history]\nurl = \"{}\"\npassword_command = \"sh -c 'echo . >> {}; echo {PASSWORD}'\"\n\
             [sources.partek]\nkind = \"flexlm\"\nfile = \"lmstat.txt\"\nlog = \"lmgrd.log\"\n",
            pg.url("history"),
            asked.display()
        ),
    );
    assert_eq!(run(&env, &config, "2026-11-01T00:00:00Z", &["record"]).code, 0);
    std::fs::remove_file(&asked).unwrap();
    let report = run(&env, &config, "2026-11-02T00:00:00Z", &["report", "--format", "markdown"]);
    assert_eq!(report.code, 0, "{report:?}");
    assert_eq!(std::fs::read_to_string(&asked).unwrap(), ".\n", "asked once for three opens");
    assert!(!report.stdout.contains(PASSWORD) && !report.stderr.contains(PASSWORD));
}

/// A peer that takes the connection and never answers (a stuck proxy): the
/// run ends with one line, not never.
#[test]
fn a_server_that_never_answers_does_not_hold_the_run() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    let env = TestEnv::new();
    let config = env.write("silent.toml", &format!("[history]\nurl = \"postgres://licusage@127.0.0.1:{port}/history\"\n"));
    let mut child =
        licusage(&env, &config, "2026-11-01T00:00:00Z", &["history"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // Well past the 10 s it is given: a run still going by then hangs.
    let until = Instant::now() + Duration::from_secs(90);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > until {
            let _ = child.kill();
            panic!("`history` against a silent server did not end");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim(),
        format!(
            "licusage: error: cannot use the history at postgres://licusage@127.0.0.1:{port}/history: the server did not answer within 10s"
        )
    );
}
