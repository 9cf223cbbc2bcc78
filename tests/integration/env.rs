//! A clean environment per test: its own temp dir as HOME and XDG dirs, no
//! LICUSAGE_CONFIG or NO_COLOR from the developer's machine.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;

pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(rel)
}

pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

impl TestEnv {
    pub fn new() -> Self {
        TestEnv { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Write `text` to `rel` in the temp dir, with owner-only permissions.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        p
    }

    /// Write a config file whose `{fixtures}` placeholders point at the fixtures.
    pub fn config(&self, text: &str) -> PathBuf {
        let fixtures = fixture("").display().to_string();
        self.write("config.toml", &text.replace("{fixtures}", fixtures.trim_end_matches('/')))
    }

    /// `licusage` with a clean environment, run in the temp dir.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("licusage").expect("licusage binary");
        cmd.current_dir(self.dir.path())
            .env_remove("LICUSAGE_CONFIG")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("TZ", "UTC")
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .env("XDG_DATA_HOME", self.path("xdg-data"));
        cmd
    }

    /// `licusage --config <temp>/config.toml ARGS…`
    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.cmd();
        cmd.arg("--config").arg(self.path("config.toml")).args(args);
        Output::of(cmd)
    }
}

/// What a run printed, and how it exited.
#[derive(Debug, PartialEq)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn of(mut cmd: Command) -> Self {
        let out = cmd.output().expect("run licusage");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `cmd` with `input` on its standard input through a pipe: read once,
    /// never a file it could read again.
    pub fn piped(mut cmd: Command, input: &[u8]) -> Self {
        use std::io::Write;
        let (reader, mut writer) = std::io::pipe().expect("a pipe");
        cmd.stdin(reader);
        let input = input.to_vec();
        let feed = std::thread::spawn(move || {
            let _ = writer.write_all(&input);
        });
        let out = Output::of(cmd);
        let _ = feed.join();
        out
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

/// An outside program the tests feed licusage's output to. Found on PATH; in
/// CI (`CI=true`) a missing one fails the test, elsewhere the test is skipped.
pub fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(name)).find(|p| p.is_file()));
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{name} is required in CI but is not on PATH");
        }
        eprintln!("skipping: {name} not on PATH");
        // The test harness captures stderr: say it where a person at a
        // terminal sees it, once per tool.
        static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
        if let Ok(mut said) = SAID.lock() {
            if !said.iter().any(|s| s == name) {
                said.push(name.to_string());
                if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
                    use std::io::Write;
                    let _ = writeln!(tty, "licusage tests: `{name}` is not on PATH: the tests that run it pass without it");
                }
            }
        }
    }
    found
}

/// A config naming one file source of each kind.
/// A config naming one file source of each registered kind: each kind's
/// `fixtures/<kind>/source.toml`, in registry order.
pub struct AllKinds;

pub static ALL_KINDS: AllKinds = AllKinds;

impl std::ops::Deref for AllKinds {
    type Target = str;
    fn deref(&self) -> &str {
        static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        TEXT.get_or_init(|| {
            licusage::vendors::kinds()
                .map(|kind| {
                    let path = fixture(kind).join("source.toml");
                    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    format!("\n{text}")
                })
                .collect()
        })
    }
}

impl std::fmt::Display for AllKinds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

/// A self-signed certificate and its key (P-256) for `name` (an IP address
/// or a host name) by `openssl`, valid two days.
pub fn self_signed(openssl: &Path, name: &str, cert: &Path, key: &Path) {
    let san = match name.parse::<std::net::IpAddr>() {
        Ok(_) => format!("subjectAltName=IP:{name}"),
        Err(_) => format!("subjectAltName=DNS:{name}"),
    };
    let made = Command::new(openssl)
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj"])
        .arg(format!("/CN={name}"))
        .args(["-addext", &san, "-addext", "basicConstraints=critical,CA:FALSE", "-keyout"])
        .arg(key)
        .arg("-out")
        .arg(cert)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
}
