//! Completion scripts: clap_complete's, with `--source`/`-s` completing the
//! configured source names and the kinds, as `licusage sources --names`
//! prints them when the shell asks (bash, zsh, fish; PowerShell and elvish
//! complete commands and flags only).

use clap_complete::Shell;

/// What lists the names at completion time.
const NAMES: &str = "licusage sources --names 2>/dev/null";

/// The completion script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut cmd = crate::cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "licusage", &mut buf);
    let script = String::from_utf8_lossy(&buf).into_owned();
    match shell {
        Shell::Bash => bash(&script),
        Shell::Zsh => zsh(&script),
        Shell::Fish => fish(&script),
        _ => script,
    }
}

/// `--source)` and `-s)` cases complete from the names instead of files.
fn bash(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    let mut in_source_case = false;
    for line in script.lines() {
        let trimmed = line.trim();
        if trimmed == "--source)" || trimmed == "-s)" {
            in_source_case = true;
        } else if in_source_case && trimmed == r#"COMPREPLY=($(compgen -f "${cur}"))"# {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(&format!("{indent}COMPREPLY=($(compgen -W \"$({NAMES})\" -- \"${{cur}}\"))\n"));
            in_source_case = false;
            continue;
        } else if trimmed.ends_with(')') || trimmed == ";;" {
            in_source_case = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn is_source_spec(line: &str) -> bool {
    line.contains("'*-s+[") || line.contains("'*--source=[")
}

fn zsh(script: &str) -> String {
    let action = format!(":NAME:{{compadd -- ${{(f)\"$({NAMES})\"}}}}'");
    script
        .lines()
        .map(|line| if is_source_spec(line) { line.replace(":NAME:_default'", &action) } else { line.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn fish(script: &str) -> String {
    script
        .lines()
        .map(|line| {
            if line.contains(" -s s -l source ") && line.ends_with(" -r") {
                format!("{line} -f -a \"({NAMES})\"")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_options_complete_from_the_config() {
        let bash = script(Shell::Bash);
        let dynamic = bash.matches("compgen -W \"$(licusage sources --names 2>/dev/null)\"").count();
        // --source and -s, for show, holders, check, record, history, serve, report, plan and notify.
        assert_eq!(dynamic, 18, "{bash}");
        let zsh = script(Shell::Zsh);
        assert_eq!(zsh.matches("{compadd -- ${(f)\"$(licusage sources --names 2>/dev/null)\"}}").count(), 18);
        let fish = script(Shell::Fish);
        assert_eq!(fish.matches("-f -a \"(licusage sources --names 2>/dev/null)\"").count(), 9);
    }
}
