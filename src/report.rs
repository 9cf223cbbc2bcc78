//! What a read produced, as every command and renderer sees it: the records
//! of the sources that answered and an error for each that did not.

use serde::Serialize;

use crate::record::Record;

/// The `schema_version` of every JSON document licusage writes.
pub const SCHEMA_VERSION: u32 = 1;

/// What a run read: records of the sources that answered, and an error for
/// each that did not.
#[derive(Debug, Default)]
pub struct Report {
    pub records: Vec<Record>,
    pub errors: Vec<SourceError>,
    /// Every source that was read or tried: name and kind.
    pub sources: Vec<(String, String)>,
    /// How long each of `sources` took to read (and parse).
    pub took: Vec<std::time::Duration>,
    /// When the read started.
    pub read_at: chrono::DateTime<chrono::Utc>,
    /// When each of `sources` was last read successfully: this read's end,
    /// or (in `serve`) an earlier read's when this one failed; `None` when
    /// it never was.
    pub succeeded_at: Vec<Option<chrono::DateTime<chrono::Utc>>>,
    /// What the sources' server logs said (sources with `log`).
    pub logs: Vec<crate::serverlog::SourceLog>,
    /// `plan`'s decisions for the records, where they were asked for (the
    /// Prometheus format).
    pub decisions: Vec<crate::plan::Decision>,
}

/// A source that could not be read, as it appears in the JSON `errors` list.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SourceError {
    pub source: String,
    pub kind: String,
    pub message: String,
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "source `{}` ({}): {}", self.source, self.kind, self.message)
    }
}

/// An error and its causes on one line, `outer: inner: root`, as users see
/// it. An HTTP error already names its root cause, so the chain stops there.
pub fn message(error: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for cause in error.chain() {
        parts.push(cause.to_string());
        if cause.is::<crate::http::HttpError>() {
            break;
        }
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_their_context_and_stop_at_the_http_error() {
        let e = anyhow::anyhow!("root").context("middle").context("outer");
        assert_eq!(message(&e), "outer: middle: root");
    }
}
