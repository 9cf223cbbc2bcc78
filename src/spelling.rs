//! How a source's settings are named to the person who gave them: keys of a
//! `[sources.NAME]` table in the config file, or flags of a one-off
//! subcommand (`licusage vault --url …`). A source knows which from where it
//! was read, and every message that names one of its settings asks it: no
//! message is rewritten after it is written, and a field of a vendor's
//! payload (`used`, `product`) is never taken for a setting.

/// Where a source's settings came from, and so how messages name them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Spelling {
    /// A config file's table: `` `token_env` ``.
    #[default]
    Keys,
    /// A one-off subcommand's flags: `` `--token-env` ``.
    Flags,
}

impl Spelling {
    /// One setting, quoted: `` `token_env` `` or `` `--token-env` ``.
    pub fn key(self, name: &str) -> String {
        match self {
            Spelling::Keys => format!("`{name}`"),
            Spelling::Flags => format!("`--{}`", name.replace('_', "-")),
        }
    }

    /// One setting, said with what it is: `` key `token_env` `` or `` flag `--token-env` ``.
    pub fn named(self, name: &str) -> String {
        match self {
            Spelling::Keys => format!("key {}", self.key(name)),
            Spelling::Flags => format!("flag {}", self.key(name)),
        }
    }

    /// How to turn a switch on: `` set `allow_insecure_http = true` for this
    /// source `` or `` pass `--allow-insecure-http` ``.
    pub fn switch_on(self, name: &str) -> String {
        match self {
            Spelling::Keys => format!("set `{name} = true` for this source"),
            Spelling::Flags => format!("pass {}", self.key(name)),
        }
    }

    /// How to give a setting a value: `` set `next = '.nextLink'` `` or
    /// `` pass `--next '.nextLink'` ``.
    pub fn set(self, name: &str, value: &str) -> String {
        match self {
            Spelling::Keys => format!("set `{name} = '{value}'`"),
            Spelling::Flags => format!("pass `--{} '{value}'`", name.replace('_', "-")),
        }
    }

    /// Several settings as alternatives: `` `a`, `b` or `c` ``.
    pub fn either(self, names: &[&str]) -> String {
        let quoted: Vec<String> = names.iter().map(|n| self.key(n)).collect();
        match quoted.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Spelling::{Flags, Keys};

    #[test]
    fn keys_and_flags() {
        assert_eq!(Keys.key("token_env"), "`token_env`");
        assert_eq!(Flags.key("token_env"), "`--token-env`");
        assert_eq!(Keys.switch_on("allow_insecure_http"), "set `allow_insecure_http = true` for this source");
        assert_eq!(Flags.switch_on("allow_insecure_http"), "pass `--allow-insecure-http`");
        assert_eq!(Keys.set("next", ".nextLink"), "set `next = '.nextLink'`");
        assert_eq!(Flags.set("next_query", "{cursor: .c}"), "pass `--next-query '{cursor: .c}'`");
        assert_eq!(Flags.either(&["password_env", "password_command"]), "`--password-env` or `--password-command`");
        assert_eq!(Keys.either(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
