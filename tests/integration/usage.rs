//! Configuration, usage errors, `sources`, `config path|check`, `--help`.

use crate::env::{fixture, Output, TestEnv, ALL_KINDS};

#[test]
fn usage_errors_exit_2() {
    let env = TestEnv::new();
    for args in
        [&["show", "--frobnicate"][..], &["--format", "xml", "show"], &["nosuchcommand"], &["veeva"], &["show", "--timeout", "soon"]]
    {
        let mut cmd = env.cmd();
        cmd.args(args);
        let out = Output::of(cmd);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stdout.is_empty());
        assert!(!out.stderr.is_empty());
    }
    let mut cmd = env.cmd();
    cmd.arg("--help");
    let help = Output::of(cmd);
    assert_eq!(help.code, 0);
    for word in ["show", "sources", "config", "--format", "Examples:"].into_iter().chain(licusage::vendors::kinds()) {
        assert!(help.stdout.contains(word), "--help lacks {word}");
    }
}

#[test]
fn vendor_subcommand_flags_come_from_its_config_keys() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.args(["leegality", "--help"]);
    let help = Output::of(cmd).stdout;
    assert!(help.contains("--license-id") && help.contains("--token-env") && help.contains("--environment"), "{help}");
    assert!(!help.contains("--session-id-env"), "veeva keys are not leegality flags");
    assert!(!help.contains("--token "), "inline secrets are not flags");
    let mut cmd = env.cmd();
    cmd.args(["veeva", "--license-id", "x", "--file"]).arg(fixture("veeva/licenses.json"));
    assert_eq!(Output::of(cmd).code, 2);
}

#[test]
fn config_errors_name_the_key_and_line() {
    let env = TestEnv::new();
    env.config("[defaults]\nwarn = 80\n\n[sources.a]\nkind = \"veeva\"\nfile = \"x.json\"\nsesion_id_env = \"X\"\n");
    let out = env.run(&["show"]);
    assert_eq!(out.code, 2);
    let cfg = env.path("config.toml");
    assert!(out.stderr.starts_with(&format!("licusage: error: {}:7: unknown field `sesion_id_env`", cfg.display())), "{}", out.stderr);
    assert!(out.stdout.is_empty());

    env.config("[sources.a]\nkind = \"sap\"\nfile = \"x.json\"\n");
    let out = env.run(&["config", "check"]);
    assert_eq!(out.code, 2);
    let kinds = licusage::vendors::kinds().collect::<Vec<_>>().join(", ");
    assert!(out.stderr.contains(&format!(":2: source `a`: unknown kind `sap` (supported: {kinds})")), "{}", out.stderr);

    env.config("[sources.a]\nkind = \"veeva\"\nfile = [1]\n");
    let out = env.run(&["config", "check"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains(":3: source `a`: `file`: invalid type: list, expected a string\n"), "{}", out.stderr);

    env.config("[sources.a\nkind = \"veeva\"\n");
    assert_eq!(env.run(&["show"]).code, 2);
}

#[test]
fn config_check_and_path() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let out = env.run(&["config", "check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let n = licusage::vendors::kinds().count();
    assert_eq!(out.stdout, format!("{}: OK ({n} sources, 0 rules)\n", env.path("config.toml").display()));
    let out = env.run(&["config", "path"]);
    assert_eq!(out.stdout.trim(), env.path("config.toml").display().to_string());

    // LICUSAGE_CONFIG, then the platform config dir.
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_CONFIG", env.path("config.toml")).args(["config", "path", "-v"]);
    let out = Output::of(cmd);
    assert_eq!(out.stdout.trim(), env.path("config.toml").display().to_string());
    assert!(out.stderr.contains("LICUSAGE_CONFIG"), "{}", out.stderr);
    let mut cmd = env.cmd();
    cmd.args(["config", "path"]);
    let default = env.path("xdg-config/licusage/config.toml");
    assert_eq!(Output::of(cmd).stdout.trim(), default.display().to_string());

    // No config at the default path: a usage error that says what to do.
    let mut cmd = env.cmd();
    cmd.arg("show");
    let out = Output::of(cmd);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no config file at ") && out.stderr.contains("--config"), "{}", out.stderr);
    assert!(!out.stderr.contains("os error") && !out.stderr.contains("config.example.toml"), "{}", out.stderr);

    // Put it there and it is found.
    std::fs::create_dir_all(default.parent().unwrap()).unwrap();
    std::fs::copy(env.path("config.toml"), &default).unwrap();
    let mut cmd = env.cmd();
    cmd.args(["show", "--format", "csv"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.lines().count() > 20);
}

#[test]
fn config_check_refuses_missing_files() {
    let env = TestEnv::new();
    env.config("[sources.a]\nkind = \"4d\"\nfile = \"exports/usage.json\"\n");
    let out = env.run(&["config", "check"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("source `a`") && out.stderr.contains("exports/usage.json does not exist"), "{}", out.stderr);
    // The example config copied elsewhere: its relative fixture paths break, and config check says so.
    let copied = env.write("elsewhere/config.toml", &std::fs::read_to_string(crate::env::repo("config.example.toml")).unwrap());
    let mut cmd = env.cmd();
    cmd.arg("--config").arg(&copied).args(["config", "check"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("fixtures/veeva/licenses.json does not exist"), "{}", out.stderr);
}

#[test]
fn inline_secrets_need_a_private_file() {
    let env = TestEnv::new();
    let cfg = env.config(&format!("{ALL_KINDS}\n[sources.live]\nkind = \"cpod\"\ntoken = \"tok-SECRET-123\"\n"));
    assert_eq!(env.run(&["config", "check"]).code, 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = env.run(&["show"]);
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains("readable by group or others") && out.stderr.contains("chmod 600"), "{}", out.stderr);
        assert!(!out.stderr.contains("tok-SECRET-123"));
    }
}

#[test]
fn sources_lists_names_and_kinds() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let out = env.run(&["sources"]);
    assert_eq!(out.code, 0);
    let first: Vec<&str> = out.stdout.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(first, ["NAME", "KIND", "READS"]);
    assert!(out.stdout.lines().any(|l| l.starts_with("vault-prod") && l.contains("veeva")));
    let doc = env.run(&["sources", "--json"]).json();
    assert_eq!(doc["sources"].as_array().unwrap().len(), licusage::vendors::kinds().count());
    let kinds: Vec<&str> = doc["kinds"].as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, licusage::vendors::kinds().collect::<Vec<_>>());
}

/// The README's command list and global flags say what `--help` says.
#[test]
fn readme_usage_is_in_step_with_help() {
    let readme = std::fs::read_to_string(crate::env::repo("README.md")).unwrap();
    let block =
        readme.split("licusage [GLOBAL FLAGS] <COMMAND>").nth(1).and_then(|rest| rest.split("```").next()).expect("usage block in README");
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.arg("--help");
    let help = Output::of(cmd).stdout;
    let commands = help.split("Commands:").nth(1).and_then(|c| c.split("\n\n").next()).unwrap();
    let kinds: Vec<&str> = licusage::vendors::kinds().collect();
    let mut seen = 0;
    for line in commands.lines().filter(|l| l.starts_with("  ") && !l.starts_with("   ")) {
        let (name, about) = line.trim().split_once(char::is_whitespace).unwrap();
        if name == "help" || kinds.contains(&name) {
            continue;
        }
        let about = about.trim().to_lowercase();
        let documented = block.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with(name) && l[name.len()..].starts_with(' ') && l.to_lowercase().contains(about.trim_end_matches('.'))
        });
        assert!(documented, "README usage lacks `{name}  {about}`:\n{block}");
        seen += 1;
    }
    assert!(seen >= 9, "{commands}");
    assert!(block.contains(&kinds.join(" | ")), "README usage lacks the vendor subcommands");
    // The introduction names every kind (a kind added is a kind announced).
    let intro = readme.split("## Quick start").next().unwrap();
    for kind in &kinds {
        assert!(intro.contains(&format!("(`{kind}`)")), "README's introduction does not name kind `{kind}`");
    }
    for flag in ["--config", "--format", "--json", "--color", "--quiet", "--verbose", "--timeout"] {
        assert!(help.contains(flag), "--help lacks {flag}");
        let global = readme.split("Global flags:").nth(1).and_then(|g| g.split("\n\n").next()).unwrap_or("");
        assert!(global.contains(flag), "README's global flags lack {flag}");
    }
    let cli = licusage::cli::command();
    let format = cli.get_arguments().find(|a| a.get_id() == "format").unwrap();
    let formats: Vec<String> = format.get_possible_values().iter().map(|v| v.get_name().to_string()).collect();
    assert!(readme.contains(&formats.join("|")), "README's --format lacks one of {formats:?}");
}

#[test]
fn every_command_has_a_purpose_and_an_example() {
    fn walk(cmd: &clap::Command, path: &str) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("{path} {}", sub.get_name());
            assert!(sub.get_about().is_some(), "`{name}` has no purpose line");
            // A group (`config`) has its examples too: its --help is where people look first.
            let example = sub.get_after_help().map(|h| h.to_string()).unwrap_or_default();
            assert!(example.contains("Example") && example.contains("licusage"), "`{name} --help` has no example");
            if sub.has_subcommands() {
                walk(sub, &name);
            }
        }
    }
    walk(&licusage::cli::command(), "licusage");
}

/// The all-kinds config the tests share names a source of every registered
/// kind, so that a new kind goes through every test that uses it.
#[test]
fn the_test_config_covers_every_kind() {
    let env = TestEnv::new();
    env.config(&ALL_KINDS);
    let doc = env.run(&["sources", "--json"]).json();
    let mut configured: Vec<&str> = doc["sources"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    configured.sort_unstable();
    let mut kinds: Vec<&str> = licusage::vendors::kinds().collect();
    kinds.sort_unstable();
    assert_eq!(configured, kinds, "every kind needs fixtures/<kind>/source.toml");
}

/// `config check` refuses what would fail on every run: an API source
/// without what its kind's API needs, `file` and `url` both.
#[test]
fn config_check_knows_what_each_kind_needs() {
    let env = TestEnv::new();
    for (table, want) in [
        ("kind = \"leegality\"\ntoken_env = \"T\"\n", "the API needs `license_id` (or give `file`)"),
        ("kind = \"veeva\"\nurl = \"https://v.example.com\"\nusername = \"u\"\n", "`username` needs `password_env` or `password_command`"),
        ("kind = \"cpod\"\nclient_id = \"c\"\n", "`client_id` needs `client_secret_env` or `client_secret_command`"),
        (
            "kind = \"4d\"\nfile = \"x.json\"\nurl = \"https://4d.example.com\"\n",
            "give `file` (a saved payload) or `url` (the vendor API), not both",
        ),
    ] {
        env.config(&format!("[sources.a]\n{table}"));
        let out = env.run(&["config", "check"]);
        assert_eq!(out.code, 2, "{table}: {}", out.stdout);
        assert!(out.stderr.contains(want), "{table}: {}", out.stderr);
    }
    // A saved file needs none of it.
    env.write("x.json", "{}");
    env.config("[sources.a]\nkind = \"leegality\"\nfile = \"x.json\"\n");
    assert_eq!(env.run(&["-q", "config", "check"]).code, 0);
}

/// docs/reference.md lists every kind with all of its keys: a key added to a
/// kind and not to the reference fails here.
#[test]
fn the_reference_lists_every_key_of_every_kind() {
    let reference = std::fs::read_to_string(crate::env::repo("docs/reference.md")).unwrap();
    for vendor in licusage::vendors::VENDORS {
        let row = reference
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", vendor.kind())))
            .unwrap_or_else(|| panic!("docs/reference.md has no row for kind `{}`", vendor.kind()));
        for key in vendor.keys() {
            assert!(row.contains(&format!("`{}`", key.name)), "docs/reference.md: kind `{}` lacks `{}`", vendor.kind(), key.name);
        }
    }
    for key in licusage::config::COMMON_KEYS {
        assert!(reference.contains(&format!("`{}`", key.name)), "docs/reference.md lacks the common key `{}`", key.name);
    }
    // The one-off subcommands' row names them all.
    let kinds: Vec<String> = licusage::vendors::kinds().map(|k| format!("`{k}`")).collect();
    assert!(reference.contains(&format!("| {} | a one-off read", kinds.join(", "))), "docs/reference.md: the one-off row lacks a kind");
}

/// docs/vendors.md says, for every kind, what licusage sends and reads.
#[test]
fn every_kind_has_its_section_in_docs_vendors() {
    let vendors = std::fs::read_to_string(crate::env::repo("docs/vendors.md")).unwrap();
    for kind in licusage::vendors::kinds() {
        let heading = format!("(`{kind}`)");
        assert!(vendors.lines().any(|l| l.starts_with("## ") && l.ends_with(&heading)), "docs/vendors.md has no `## … (`{kind}`)` section");
    }
}

/// `LICUSAGE_CONFIG` set but empty counts as unset, not as a flag without a value.
#[test]
fn an_empty_licusage_config_is_unset() {
    let env = TestEnv::new();
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_CONFIG", "").args(["config", "path"]);
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), env.path("xdg-config/licusage/config.toml").display().to_string());
    let mut cmd = env.cmd();
    cmd.env("LICUSAGE_CONFIG", "").arg("sources");
    let out = Output::of(cmd);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("No config file at ") && out.stdout.contains("Supported kinds:"), "{}", out.stdout);
}

#[test]
fn config_init_writes_a_private_starter_config_and_never_overwrites() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    // No config yet: the error says how to start one.
    let out = Output::of({
        let mut c = env.cmd();
        c.arg("show");
        c
    });
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("licusage config init"), "{}", out.stderr);

    let init = |args: &[&str]| {
        let mut c = env.cmd();
        c.args(["config", "init"]).args(args);
        Output::of(c)
    };
    let out = init(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = env.path("xdg-config/licusage/config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    for kind in ["4d", "veeva", "onlyoffice", "leegality", "cpod", "flexlm", "generic"] {
        assert!(text.contains(&format!("# kind = \"{kind}\"")), "{kind}");
    }
    // Valid as written, and `show` runs on it (nothing configured yet).
    let check = Output::of({
        let mut c = env.cmd();
        c.args(["config", "check"]);
        c
    });
    assert_eq!(check.code, 0, "{}", check.stderr);

    // Never over a file without --force.
    std::fs::write(&path, "# mine\n").unwrap();
    let out = init(&[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--force"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    assert_eq!(init(&["--force"]).code, 0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let elsewhere = env.path("here/licusage.toml");
    assert_eq!(init(&["--path", elsewhere.to_str().unwrap()]).code, 0);
    assert!(elsewhere.exists());

    // `licusage` alone: the three commands to start with.
    let out = Output::of(env.cmd());
    assert_eq!(out.code, 2);
    for want in ["licusage config init", "licusage show", "licusage check"] {
        assert!(out.stdout.contains(want), "{want}: {}", out.stdout);
    }
}
