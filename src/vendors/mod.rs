//! One module per vendor behind the [`Vendor`] trait. Adding a vendor is one new
//! file and one line in [`VENDORS`]: the config keys, the one-off subcommand and
//! `licusage sources` all come from this registry.

mod cpod;
mod fourd;
mod leegality;
mod onlyoffice;
mod stream;
mod veeva;
pub mod wire;

use crate::config::SourceSettings;
use crate::fetch::{BoxFuture, Fetch};
use crate::holder::Sink;
use crate::record::Record;

#[doc(hidden)]
pub use stream::set_segment_size;
pub use wire::Body;

/// What a source's payloads are: the main document (one per page when the API
/// pages), and for cPod the assignments.
#[derive(Debug, Default)]
pub struct Payloads {
    pub main: Vec<Body>,
    pub assignments: Option<Vec<Body>>,
}

impl Payloads {
    pub fn one(body: Vec<u8>) -> Self {
        Payloads { main: vec![Body::Bytes(body)], assignments: None }
    }

    /// The document of a vendor that does not page.
    pub fn first(&self) -> Result<&Body, wire::PayloadError> {
        self.main.first().ok_or(wire::PayloadError::Empty)
    }
}

pub trait Vendor: Sync {
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
    /// Whether the vendor says who holds the seats (`licusage holders`).
    fn has_holders(&self) -> bool {
        false
    }
    /// Config keys this kind takes beyond the common ones (see `config::KEYS`).
    fn keys(&self) -> &'static [&'static str];
    /// Records from the payloads, and each holder handed to `holders` as it is
    /// read (a million cPod assignments never sit in memory at once): a pure
    /// function of its input, shared by files, stdin and the network.
    fn parse(&self, payloads: &Payloads, settings: &SourceSettings, holders: &mut Sink) -> Result<Vec<Record>, wire::PayloadError>;
    /// The payloads from the vendor's API: which requests, with which
    /// credentials, in which order. Retries, timeouts and limits are the HTTP
    /// layer's.
    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>) -> BoxFuture<'a, Result<Payloads, String>>;
}

impl std::fmt::Debug for dyn Vendor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.kind())
    }
}

pub static VENDORS: &[&dyn Vendor] = &[&fourd::FourD, &veeva::Veeva, &onlyoffice::OnlyOffice, &leegality::Leegality, &cpod::Cpod];

pub fn find(kind: &str) -> Option<&'static dyn Vendor> {
    VENDORS.iter().copied().find(|v| v.kind() == kind)
}

pub fn kinds() -> impl Iterator<Item = &'static str> {
    VENDORS.iter().map(|v| v.kind())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every fixture of every vendor, parsed, as a reviewed snapshot: the
    /// records (or the one-line error) a user would see.
    #[test]
    fn fixtures() {
        for vendor in VENDORS {
            let dir = format!("{}/fixtures/{}", env!("CARGO_MANIFEST_DIR"), vendor.kind());
            let mut paths: Vec<_> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| unreachable!("{dir}: {e}"))
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.to_string_lossy().contains("assignments"))
                .collect();
            paths.sort();
            assert!(paths.len() >= 3, "{dir} has too few fixtures");
            for path in paths {
                let main = std::fs::read(&path).unwrap_or_default();
                let sibling = path.with_file_name(format!("{}.assignments.json", path.file_stem().unwrap_or_default().to_string_lossy()));
                let assignments = std::fs::read(&sibling).ok();
                let settings = SourceSettings { license_id: Some("bd82845c-897b-4022-b5f7-679905c1979b".into()), ..Default::default() };
                let payloads = Payloads { main: vec![Body::Bytes(main)], assignments: assignments.map(|a| vec![Body::Bytes(a)]) };
                let mut holders = Vec::new();
                let parsed = vendor.parse(&payloads, &settings, &mut Sink::new(&|_| true, &mut |h| holders.push(h)));
                let name = format!("{}__{}", vendor.kind(), path.file_stem().unwrap_or_default().to_string_lossy());
                let value = match parsed {
                    Ok(records) => serde_json::json!({"records": records, "holders": holders}),
                    Err(e) => serde_json::json!({"error": e.to_string()}),
                };
                insta::assert_json_snapshot!(name, value);
            }
        }
    }
}
