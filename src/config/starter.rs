//! The starter config `licusage config init` writes: every section and every
//! kind, each key commented out with its help, secrets only as `*_env`;
//! made from the registry, so a new kind is in it the day it is added.

use crate::vendors::{Key, KeyType, VENDORS};

/// One key's line: `# name = value   # help`, with an example value; a
/// secret as its `_env` key naming an environment variable.
fn line(key: &Key, kind: &str, ext: &str) -> String {
    let value = match key.ty {
        KeyType::Text if key.name == "url" => "\"https://…\"".into(),
        KeyType::Text if key.name == "file" => format!("\"/var/lib/licusage/{kind}.{ext}\""),
        KeyType::Text => "\"…\"".into(),
        KeyType::Flag => "false".into(),
        KeyType::List => "[]".into(),
        KeyType::Table => "{}".into(),
        KeyType::Argv => "[\"…\"]".into(),
        KeyType::Secret => format!("\"LICUSAGE_{}_{}\"", kind.to_ascii_uppercase().replace('-', "_"), key.name.to_ascii_uppercase()),
        KeyType::Input { .. } => format!("\"/var/lib/licusage/{kind}-{}.{ext}\"", key.name.trim_end_matches("_file")),
    };
    let name = match key.ty {
        KeyType::Secret => format!("{}_env", key.name),
        _ => key.name.to_string(),
    };
    let lhs = format!("# {name} = {value}");
    format!("{lhs:<48} # {}\n", key.help)
}

pub fn text() -> String {
    let mut out = String::from(
        "# licusage configuration (written by `licusage config init`).\n\
         # Uncomment a [sources.*] block below and fill it in, then run `licusage show`.\n\
         # Secrets: give the name of an environment variable (`*_env`) or a command\n\
         # whose output is the secret (`*_command`), never the secret itself.\n\
         # Every key: `licusage <kind> --help`, and config.example.toml in the sources.\n\n\
         [defaults]\n\
         # timeout = \"30s\"        # per request\n\
         # warn = 80               # utilization % for `warning`\n\
         # crit = 95               # utilization % for `critical`\n\
         # expiry_warn_days = 30\n\
         # expiry_crit_days = 7\n\n\
         [history]\n\
         # path = \"/var/lib/licusage/history.sqlite3\"   # `licusage record` appends here\n\n\
         [serve]\n\
         # listen = \"127.0.0.1:9873\"\n\
         # refresh = \"5m\"\n",
    );
    for vendor in VENDORS {
        let kind = vendor.kind();
        out.push_str(&format!("\n# {}\n# [sources.my-{kind}]\n# kind = \"{kind}\"\n", vendor.about()));
        for key in crate::config::COMMON_KEYS.iter().filter(|k| matches!(k.name, "file" | "url")) {
            if key.name == "url" && !vendor.reads_url() {
                continue;
            }
            out.push_str(&line(key, kind, vendor.payload_ext()));
        }
        if let Some(presets) = vendor.presets().and_then(|p| toml::from_str::<toml::Table>(p).ok()) {
            let names: Vec<&str> = presets.keys().map(String::as_str).collect();
            out.push_str(&format!("{:<48} # a SaaS API's request, auth, paging and filter: {}\n", "# preset = \"…\"", names.join(", ")));
        }
        for key in vendor.keys() {
            out.push_str(&line(key, kind, vendor.payload_ext()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The starter config is valid as written (nothing set), and each kind's
    /// block is valid TOML once uncommented.
    #[test]
    fn the_starter_config_parses_and_names_every_kind() {
        let text = text();
        assert!(crate::config::Config::parse(&text, std::path::Path::new("/x/config.toml")).is_ok());
        for v in VENDORS {
            assert!(text.contains(&format!("# kind = \"{}\"", v.kind())), "{}", v.kind());
        }
        let uncommented: String = text
            .lines()
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .map(|l| format!("{l}\n"))
            .filter(|l| !l.starts_with('#') && !l.starts_with("licusage"))
            .collect();
        let lines: Vec<&str> = uncommented.lines().filter(|l| l.starts_with('[') || l.contains(" = ")).collect();
        assert!(toml::from_str::<toml::Table>(&lines.join("\n").replace("\"…\"", "\"x\"")).is_ok(), "{}", lines.join("\n"));
        // Secrets only as the name of an environment variable.
        for v in VENDORS {
            for k in v.keys().iter().filter(|k| k.ty == KeyType::Secret) {
                assert!(!text.contains(&format!("# {} =", k.name)) && !text.contains(&format!("# {}_command =", k.name)), "{}", k.name);
                assert!(text.contains(&format!("# {}_env = \"LICUSAGE_", k.name)), "{}", k.name);
            }
        }
        assert!(text.contains("# preset = \"…\"") && text.contains("github-copilot, google-workspace, m365"), "{text}");
        // A saved lmstat output is text, not JSON.
        assert!(text.contains("# file = \"/var/lib/licusage/flexlm.txt\""), "{text}");
        assert!(text.contains("# file = \"/var/lib/licusage/cpod.json\""), "{text}");
    }
}
