//! One module per source kind. A kind implements [`Kind`] in its own file and
//! is listed once in [`VENDORS`]: its settings (keys, types, help, secrets,
//! extra inputs), its requests, its parse, its holders. The config keys, the
//! one-off subcommand and its flags, `licusage sources`, the completions and
//! the per-kind tests all come from this registry; shared code sees a kind
//! only through [`Vendor`].

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Arc;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use crate::fetch::{BoxFuture, Fetch};
use crate::holder::Sink;
use crate::payload::{Body, PayloadError};
use crate::record::Record;
pub use crate::spelling::Spelling;

/// Declares each kind's module and lists it in [`VENDORS`].
macro_rules! registry {
    ($($module:ident::$kind:ident),* $(,)?) => {
        $(mod $module;)*
        /// The registered kinds, in the order `--help` and `licusage sources` list them.
        pub static VENDORS: &[&dyn Vendor] = &[$(&$module::$kind),*];
    };
}

// One entry per kind: `module::Type`, the module being `src/vendors/<module>.rs`.
registry!(fourd::FourD, veeva::Veeva, onlyoffice::OnlyOffice, leegality::Leegality, cpod::Cpod, flexlm::Flexlm, rlm::Rlm, generic::Generic);

/// Work a kind runs in a child of licusage itself, bounded in memory and
/// time (a `generic` source's jq filters): `licusage __jq-worker` is that
/// child; [`worker::enable`] turns it on (the binary does, at start).
pub mod worker {
    pub use super::generic::sandbox::{enable, worker_main as main, WORKER_ARG};
}

pub fn find(kind: &str) -> Option<&'static dyn Vendor> {
    VENDORS.iter().copied().find(|v| v.kind() == kind)
}

pub fn kinds() -> impl Iterator<Item = &'static str> {
    VENDORS.iter().map(|v| v.kind())
}

/// How a key of a `[sources.NAME]` table is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// A string (`--key-name VALUE` on the one-off subcommand).
    Text,
    /// A boolean (`--key-name`).
    Flag,
    /// A list of strings (config only).
    List,
    /// A table of strings (config only).
    Table,
    /// A program and its arguments, run without a shell: a list of strings in
    /// the config, one string split like a shell's words on the command line.
    Argv,
    /// A credential, given as `NAME` (inline, config only), `NAME_env` or
    /// `NAME_command`: read by shared code, never a field of the kind's settings.
    Secret,
    /// A payload file besides `file` (`- ` for stdin), read by shared code and
    /// handed to the kind's parse under `payload`; with `holders_only`, only
    /// when holders are wanted.
    Input { payload: &'static str, holders_only: bool },
}

/// One key a kind takes: its name in the config, its type, its help line.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub ty: KeyType,
    pub help: &'static str,
}

impl Key {
    pub const fn text(name: &'static str, help: &'static str) -> Key {
        Key { name, ty: KeyType::Text, help }
    }

    pub const fn flag(name: &'static str, help: &'static str) -> Key {
        Key { name, ty: KeyType::Flag, help }
    }

    pub const fn list(name: &'static str, help: &'static str) -> Key {
        Key { name, ty: KeyType::List, help }
    }

    pub const fn table(name: &'static str, help: &'static str) -> Key {
        Key { name, ty: KeyType::Table, help }
    }

    pub const fn argv(name: &'static str, help: &'static str) -> Key {
        Key { name, ty: KeyType::Argv, help }
    }

    /// A secret; `help` names it (`the API token`).
    pub const fn secret(name: &'static str, help: &'static str) -> Key {
        Key { name, ty: KeyType::Secret, help }
    }

    pub const fn input(name: &'static str, payload: &'static str, holders_only: bool, help: &'static str) -> Key {
        Key { name, ty: KeyType::Input { payload, holders_only }, help }
    }

    /// The config keys this key stands for: a secret is three.
    pub fn names(&self) -> Vec<String> {
        match self.ty {
            KeyType::Secret => vec![self.name.to_string(), format!("{}_env", self.name), format!("{}_command", self.name)],
            _ => vec![self.name.to_string()],
        }
    }
}

/// What a source's payloads are: the main document (one per page when the
/// API pages), and the further payloads its kind declared (by payload name).
#[derive(Debug, Default)]
pub struct Payloads {
    pub main: Vec<Body>,
    pub extra: BTreeMap<&'static str, Vec<Body>>,
    /// When the payloads were read (`LICUSAGE_NOW` in tests), for a vendor
    /// that prints dates without their year.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// How messages name the source's settings.
    pub spelling: Spelling,
    /// When the source's read must be over (its `deadline`), for the work
    /// that runs after the fetch (a `generic` source's filters).
    pub ends: Option<std::time::Instant>,
    /// Whether holders are wanted: a kind may skip making them otherwise.
    pub want_holders: bool,
    /// `-v`: the source's name, for the kind to say on stderr how it read
    /// its payloads (the `generic` kind: by jq, or mapped by licusage itself).
    pub verbose: Option<String>,
}

impl Payloads {
    pub fn one(body: Vec<u8>) -> Self {
        Payloads { main: vec![Body::Bytes(body)], ..Payloads::default() }
    }

    /// The document of a kind that does not page.
    pub fn first(&self) -> Result<&Body, PayloadError> {
        self.main.first().ok_or(PayloadError::Empty)
    }

    /// The pages of a declared extra payload, when it was read.
    pub fn extra(&self, payload: &str) -> Option<&[Body]> {
        self.extra.get(payload).map(Vec::as_slice)
    }
}

/// What the rest of a source's table says, for a kind's [`Kind::check`]: a
/// source that reads a saved file needs no credentials, one that reads the
/// API may need some.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape<'a> {
    /// `file` is set: the API is not called.
    pub reads_file: bool,
    /// The secrets the source gives (by their declared names).
    pub secrets: &'a [&'static str],
    /// The declared inputs the source gives (by their keys).
    pub inputs: &'a [&'static str],
    /// The source's `url`, as written.
    pub url: Option<&'a str>,
    /// How messages name the source's settings.
    pub spelling: Spelling,
}

impl Shape<'_> {
    pub fn has(&self, secret: &str) -> bool {
        self.secrets.contains(&secret)
    }
}

/// What a source kind implements, in its own file.
pub trait Kind: Send + Sync + 'static {
    /// The kind's own keys (those of [`Kind::keys`] that are text, flags or
    /// lists), as a serde struct that denies unknown fields.
    type Settings: DeserializeOwned + Debug + Send + Sync + 'static;

    /// The `kind` in the config and the name of the one-off subcommand.
    fn kind(&self) -> &'static str;
    /// One line for `--help` and `licusage sources`.
    fn about(&self) -> &'static str;
    /// A one-off command line for `licusage <kind> --help`.
    fn example(&self) -> &'static str;
    /// The API's base URL when the source names none (vendors with one public
    /// service); the others need `url` or `file`.
    fn default_url(&self) -> Option<&'static str> {
        None
    }
    /// Whether the kind says who holds the seats (`licusage holders`).
    fn has_holders(&self) -> bool {
        false
    }
    /// The file extension of its saved payloads (`json`; `txt` for text).
    fn payload_ext(&self) -> &'static str {
        "json"
    }
    /// Its presets (`preset = NAME`), as TOML: a table of keys per preset.
    fn presets(&self) -> Option<&'static str> {
        None
    }
    /// Whether the kind reads a vendor API at a `url`; one that does not
    /// (a program's output) is given `file` or its own keys, and its fetch
    /// runs what they say.
    fn reads_url(&self) -> bool {
        true
    }
    /// The keys this kind takes beyond the common ones.
    fn keys(&self) -> &'static [Key];
    /// A hint for an HTTP error status that means something particular for
    /// this vendor (shown after the status line instead of the generic one).
    fn status_hint(&self, status: u16) -> Option<&'static str> {
        let _ = status;
        None
    }
    /// The vendor's own error message in the body of an HTTP error answer:
    /// by default, what its parse says of that body.
    fn error_message(&self, body: &[u8], settings: &Self::Settings) -> Option<String> {
        match self.parse(&Payloads::one(body.to_vec()), settings, &mut Sink::new(&|_| None, &mut |_| {})) {
            Err(PayloadError::Vendor(message)) => Some(message),
            _ => None,
        }
    }
    /// Check values the types alone do not (an enumeration, a version's
    /// form), and that a source that calls the API has what the API needs.
    fn check(&self, settings: &Self::Settings, shape: Shape) -> Result<(), String> {
        let _ = (settings, shape);
        Ok(())
    }
    /// Records from the payloads, and each holder handed to `holders` as it is
    /// read (a million holders never sit in memory at once): a pure function
    /// of its input, shared by files, stdin and the network.
    fn parse(&self, payloads: &Payloads, settings: &Self::Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError>;
    /// The payloads from the vendor's API: which requests, with which
    /// credentials, in which order. Retries, timeouts and limits are the HTTP
    /// layer's.
    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>, settings: &'a Self::Settings) -> BoxFuture<'a, anyhow::Result<Payloads>>;
    /// The license server's own log a source reads beside its snapshot (its
    /// `log` key, as written), and how that log's lines read.
    fn log<'s>(&self, settings: &'s Self::Settings) -> Option<(&'s str, &'static dyn crate::serverlog::Format)> {
        let _ = settings;
        None
    }
}

/// A kind as shared code sees it: [`Kind`] with its settings type erased.
pub trait Vendor: Sync {
    fn kind(&self) -> &'static str;
    fn about(&self) -> &'static str;
    fn example(&self) -> &'static str;
    fn default_url(&self) -> Option<&'static str>;
    fn has_holders(&self) -> bool;
    fn payload_ext(&self) -> &'static str;
    fn presets(&self) -> Option<&'static str>;
    fn reads_url(&self) -> bool;
    fn keys(&self) -> &'static [Key];
    fn status_hint(&self, status: u16) -> Option<&'static str>;
    /// The kind bound to the keys of a source's table that are its own (the
    /// common keys, secrets and inputs taken out): its settings typed and
    /// checked, what the source is read with. An error names the key.
    fn bind(&'static self, table: toml::Table, shape: Shape) -> Result<Arc<dyn Bound>, KeyError>;
    /// The keys the settings struct reads, to check them against [`Vendor::keys`].
    fn settings_fields(&self) -> Vec<&'static str>;
}

/// A kind with one source's settings, as the config read them: what reading
/// that source parses and fetches with.
pub trait Bound: Debug + Send + Sync {
    fn vendor(&self) -> &'static dyn Vendor;
    fn parse(&self, payloads: &Payloads, holders: &mut Sink) -> Result<Vec<Record>, PayloadError>;
    /// The vendor's own message in the body of an HTTP error answer.
    fn error_message(&self, body: &[u8]) -> Option<String>;
    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>) -> BoxFuture<'a, anyhow::Result<Payloads>>;
    /// [`Kind::log`].
    fn log(&self) -> Option<(&str, &'static dyn crate::serverlog::Format)>;
}

/// A bad value for a kind's key: which key (when known), and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    pub key: Option<String>,
    pub message: String,
}

/// [`Bound`] for a kind: the kind and its settings, typed.
struct Configured<K: Kind> {
    kind: &'static K,
    settings: K::Settings,
}

impl<K: Kind> Debug for Configured<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(self.kind.kind()).field("settings", &self.settings).finish()
    }
}

impl<K: Kind> Bound for Configured<K> {
    fn vendor(&self) -> &'static dyn Vendor {
        self.kind
    }

    fn parse(&self, payloads: &Payloads, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        self.kind.parse(payloads, &self.settings, holders)
    }

    fn error_message(&self, body: &[u8]) -> Option<String> {
        self.kind.error_message(body, &self.settings)
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>) -> BoxFuture<'a, anyhow::Result<Payloads>> {
        self.kind.fetch(ctx, &self.settings)
    }

    fn log(&self) -> Option<(&str, &'static dyn crate::serverlog::Format)> {
        self.kind.log(&self.settings)
    }
}

impl<K: Kind> Vendor for K {
    fn kind(&self) -> &'static str {
        Kind::kind(self)
    }

    fn about(&self) -> &'static str {
        Kind::about(self)
    }

    fn example(&self) -> &'static str {
        Kind::example(self)
    }

    fn default_url(&self) -> Option<&'static str> {
        Kind::default_url(self)
    }

    fn has_holders(&self) -> bool {
        Kind::has_holders(self)
    }

    fn payload_ext(&self) -> &'static str {
        Kind::payload_ext(self)
    }

    fn presets(&self) -> Option<&'static str> {
        Kind::presets(self)
    }

    fn reads_url(&self) -> bool {
        Kind::reads_url(self)
    }

    fn keys(&self) -> &'static [Key] {
        Kind::keys(self)
    }

    fn status_hint(&self, status: u16) -> Option<&'static str> {
        Kind::status_hint(self, status)
    }

    fn bind(&'static self, table: toml::Table, shape: Shape) -> Result<Arc<dyn Bound>, KeyError> {
        let settings: K::Settings = serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
            let key = e.path().iter().next().map(|s| s.to_string()).filter(|k| k != "?");
            // The first line: toml adds `in \`key\`` on a second.
            KeyError { key, message: e.into_inner().to_string().lines().next().unwrap_or_default().to_string() }
        })?;
        Kind::check(self, &settings, shape).map_err(|message| KeyError { key: None, message })?;
        Ok(Arc::new(Configured { kind: self, settings }))
    }

    fn settings_fields(&self) -> Vec<&'static str> {
        serde_fields::<K::Settings>()
    }
}

/// The field names a serde struct deserializes (the derive hands them to
/// `deserialize_struct`).
fn serde_fields<T: DeserializeOwned>() -> Vec<&'static str> {
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    struct Fields<'a>(&'a mut Vec<&'static str>);
    impl<'de> Deserializer<'de> for Fields<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, fields: &'static [&'static str], _: V) -> Result<V::Value, Stop> {
            self.0.extend_from_slice(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields = Vec::new();
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

impl std::fmt::Debug for dyn Vendor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind())
    }
}

#[cfg(test)]
pub(crate) mod tests;
