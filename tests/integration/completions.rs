//! Completion scripts and the man page: committed, kept in step with the CLI,
//! and loaded by the real shells.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::env::{repo, tool, Output, TestEnv, ALL_KINDS};

const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "licusage.bash"),
    ("zsh", "_licusage"),
    ("fish", "licusage.fish"),
    ("powershell", "_licusage.ps1"),
    ("elvish", "licusage.elv"),
];

/// Compare a generated file with the committed one; `UPDATE_GENERATED=1`
/// rewrites it instead.
fn in_step(path: &Path, generated: &str) {
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of step with the CLI: run `UPDATE_GENERATED=1 cargo test --test integration completions` and commit it",
        path.display()
    );
}

#[test]
fn committed_completions_match_the_cli() {
    let env = TestEnv::new();
    for (shell, file) in SCRIPTS {
        let mut cmd = env.cmd();
        cmd.args(["completions", shell]);
        let out = Output::of(cmd);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("licusage"), "{shell}");
        in_step(&repo("completions").join(file), &out.stdout);
    }
}

/// Text for roff: backslashes and hyphens escaped, no line starting a request.
fn roff(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

/// The man page: clap_mangen's title, synopsis, description and options;
/// the commands listed here (there is one page, not one per command); and
/// the sections a man page has: EXIT STATUS, ENVIRONMENT, FILES.
fn man_page() -> String {
    let cmd = licusage::cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render_title(&mut page).unwrap();
    man.render_name_section(&mut page).unwrap();
    man.render_synopsis_section(&mut page).unwrap();
    man.render_description_section(&mut page).unwrap();
    man.render_options_section(&mut page).unwrap();
    let mut page = String::from_utf8(page).unwrap();
    page.push_str(".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        page.push_str(&format!(
            ".TP\n\\fB{}\\fR\n{}; \\fBlicusage {} \\-\\-help\\fR has its flags and an example.\n",
            roff(sub.get_name()),
            roff(&about),
            roff(sub.get_name())
        ));
    }
    page.push_str(&format!(
        ".SH \"EXIT STATUS\"\n{}\n.SH ENVIRONMENT\n{}\n.SH FILES\n{}\n",
        roff("0: every source read. 1: at least one source failed (the others are still rendered); for diff, something changed. 2: invalid usage or configuration, nothing read. For check, the monitoring-plugin codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."),
        [
            ".TP\n\\fBLICUSAGE_CONFIG\\fR\nThe config file, when \\-\\-config is not given.",
            ".TP\n\\fBLICUSAGE_NOW\\fR\nAn RFC 3339 time to take as now, for reproducible reports.",
            ".TP\n\\fBNO_COLOR\\fR\nNo colour (also with TERM=dumb).",
            ".TP\n\\fB*_env\\fR\nThe variables a source's credential keys name (token_env, password_env, …).",
        ]
        .join("\n"),
        [
            ".TP\n\\fI~/.config/licusage/config.toml\\fR\nThe config file (the platform config dir; licusage config path prints it).",
            ".TP\n\\fI~/.local/share/licusage/history.sqlite3\\fR\nThe history database of record and history ([history] path changes it).",
        ]
        .join("\n"),
    ));
    let mut tail = Vec::new();
    man.render_version_section(&mut tail).unwrap();
    page.push_str(&String::from_utf8(tail).unwrap());
    page
}

#[test]
fn committed_man_page_matches_the_cli() {
    let page = man_page();
    assert!(page.contains(".TH licusage 1") && page.contains("holders") && page.contains("veeva"));
    assert!(!page.contains("licusage\\-show(1)"), "no pages that do not exist");
    for section in [".SH COMMANDS", ".SH \"EXIT STATUS\"", ".SH ENVIRONMENT", ".SH FILES"] {
        assert!(page.contains(section), "{section}");
    }
    in_step(&repo("doc").join("licusage.1"), &page);
    // The page renders: man(1) reads it without a warning, where it is installed.
    if let Some(man) = std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join("man")).find(|p| p.is_file())) {
        let out = Command::new(man)
            .args(["--warnings", "-l"])
            .arg(repo("doc").join("licusage.1"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).trim().is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A directory holding only a `licusage` link to the binary under test, to
/// put on PATH for the scripts' `licusage sources --names` calls.
fn bin_dir(env: &TestEnv) -> PathBuf {
    let dir = env.path("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("licusage");
    if !link.exists() {
        std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("licusage"), &link).unwrap();
    }
    dir
}

fn path_with(dir: &Path) -> String {
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}

#[test]
fn bash_completes_commands_flags_and_source_names() {
    let Some(bash) = tool("bash") else { return };
    let env = TestEnv::new();
    let cfg = env.config(&format!("{ALL_KINDS}\n[sources.vault-test]\nkind = \"veeva\"\nfile = \"x.json\"\n"));
    let script = repo("completions/licusage.bash");
    let complete = |words: &str, cword: usize| -> Vec<String> {
        let last = words.split(' ').next_back().unwrap_or("");
        let prev = words.split(' ').rev().nth(1).unwrap_or("");
        let code = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{words}'; _licusage licusage '{last}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = Command::new(&bash)
            .args(["--norc", "-c", &code])
            .env("PATH", path_with(&bin_dir(&env)))
            .env("LICUSAGE_CONFIG", &cfg)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect()
    };
    assert_eq!(complete("licusage ho", 1), ["holders"]);
    assert!(complete("licusage show --fo", 2).contains(&"--format".to_string()));
    // Each command offers its own formats, and none where there is none.
    assert_eq!(complete("licusage holders --format ", 3), ["table", "json", "ndjson", "csv"]);
    assert_eq!(complete("licusage check --format ", 3), ["checkmk"]);
    assert_eq!(complete("licusage report --format ", 3), ["html", "markdown"]);
    assert!(complete("licusage record --", 2).iter().all(|f| f != "--format" && f != "--json"), "record offers --format");
    assert!(complete("licusage completions --", 2).iter().all(|f| f != "--format"), "completions offers --format");
    let names = complete("licusage show --source vault", 3);
    assert_eq!(names, ["vault-prod", "vault-test"]);
    let names = complete("licusage check -s ve", 3);
    assert_eq!(names, ["veeva"]);
}

#[test]
fn zsh_completes_commands_and_source_names() {
    let Some(zsh) = tool("zsh") else { return };
    let env = TestEnv::new();
    let cfg = env.config(&format!("{ALL_KINDS}\n[sources.vault-test]\nkind = \"veeva\"\nfile = \"x.json\"\n"));
    let capture = repo("tests/integration/zsh_capture.zsh");
    let complete = |line: &str| -> Vec<String> {
        // zpty reads block: a completion that never ends must not hang the suite.
        let out = Command::new("timeout")
            .arg("30")
            .arg(&zsh)
            .arg("-f")
            .arg(&capture)
            .arg(repo("completions"))
            .arg(line)
            .env("HOME", env.dir.path())
            .env("TMPDIR", env.dir.path())
            .env("PATH", path_with(&bin_dir(&env)))
            .env("LICUSAGE_CONFIG", &cfg)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
    };
    assert_eq!(complete("licusage hol"), ["holders"]);
    let names = complete("licusage show --source vault");
    assert_eq!(names, ["vault-prod", "vault-test"]);
    let all = complete("licusage check --source ");
    for want in ["assets", "docs", "esign", "fourd", "vault-prod", "vault-test"].into_iter().chain(licusage::vendors::kinds()) {
        assert!(all.contains(&want.to_string()), "{want} not in {all:?}");
    }
}

#[test]
fn fish_completes_commands_and_source_names() {
    let Some(fish) = tool("fish") else { return };
    let env = TestEnv::new();
    let cfg = env.config(&ALL_KINDS);
    let script = repo("completions/licusage.fish");
    let complete = |line: &str| -> Vec<String> {
        let code = format!("source '{}'; complete -C'{line}'", script.display());
        let out = Command::new(&fish)
            .args(["--no-config", "-c", &code])
            .env("HOME", env.dir.path())
            .env("PATH", path_with(&bin_dir(&env)))
            .env("LICUSAGE_CONFIG", &cfg)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(|l| l.split('\t').next().unwrap_or("").to_string()).collect()
    };
    assert!(complete("licusage hol").contains(&"holders".to_string()));
    let names = complete("licusage show --source ");
    for want in ["assets", "docs", "esign", "fourd", "vault-prod", "veeva", "cpod"] {
        assert!(names.contains(&want.to_string()), "{want} not in {names:?}");
    }
}
