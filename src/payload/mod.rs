//! The JSON machinery every kind, `diff` and `command` share: a payload
//! ([`Body`]: bytes, a file, stdin, or pages as they arrive), read whole or
//! item by item with errors that name the JSON path (`read`), lists parsed on
//! every core in bounded memory (`stream`), where a page goes on found
//! without parsing its items (`skim`), and the fields vendors write loosely
//! (`fields`: counts, timestamps). Nothing here knows a vendor or the network.

mod fields;
mod list;
mod read;
pub mod skim;
pub mod stream;

use std::fmt;
use std::path::{Path, PathBuf};

pub use fields::{lenient_time, loose_amount, loose_count, opt_count, opt_time, Amount, Count, Timestamp};
pub use list::PageInfo;
pub use read::{
    decode, decode_body, decode_credential, decode_pages, for_each, for_each_line, for_each_map, page_info, too_deep, MAX_DEPTH,
};

/// Why a payload could not be turned into records.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PayloadError {
    #[error("empty input: no JSON payload")]
    Empty,
    #[error("not JSON: input starts with byte 0x{0:02x} (binary data or an HTML error page?)")]
    NotJson(u8),
    /// The JSON is malformed, truncated, or a field has the wrong type or value.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// The vendor answered, and its answer is a failure.
    #[error("{0}")]
    Vendor(String),
    /// The payload's file could not be read.
    #[error("{0}")]
    Io(String),
}

impl PayloadError {
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        PayloadError::Invalid { path: path.into(), message: message.into() }
    }
}

/// A payload: bytes from the network, or a file or standard input read as it
/// is parsed, so that a large export never has to fit in memory.
#[derive(Debug, Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    File(PathBuf),
    /// Standard input, read once: a list streams through in one exact pass; a
    /// document that cannot be streamed is refused past [`MAX_DOCUMENT`].
    Stdin,
    /// The pages of a paged list as the API serves them: each is parsed as it
    /// arrives while the next is fetched (`paging::stream`), so a million
    /// items cost a page of memory. Only lists are read this way.
    Incoming(Feed),
}

/// What a page fetcher hands the parse.
#[derive(Debug)]
pub enum Page {
    Data(Vec<u8>),
    /// The pages could not be read to the end: why.
    Failed(String),
    /// Every page was handed on.
    End,
}

/// The receiving end of a stream of pages. Taken by the one parse that reads
/// it: a second read of it is an error, never an empty list.
#[derive(Clone)]
pub struct Feed(std::sync::Arc<std::sync::Mutex<Option<tokio::sync::mpsc::Receiver<Page>>>>);

impl fmt::Debug for Feed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Feed")
    }
}

impl Feed {
    pub fn new(pages: tokio::sync::mpsc::Receiver<Page>) -> Self {
        Feed(std::sync::Arc::new(std::sync::Mutex::new(Some(pages))))
    }

    /// Each page's bytes in order (blocking: call it off the async workers),
    /// numbered from 0, until the end. A fetch that failed, or a fetcher
    /// gone before the end (a panic, the runtime shutting down), is an
    /// error, so that a list cut short is never taken for a whole one.
    fn each(&self, label: &str, f: &mut dyn FnMut(usize, Vec<u8>) -> Result<(), PayloadError>) -> Result<(), PayloadError> {
        let taken = self.0.lock().ok().and_then(|mut r| r.take());
        let Some(mut pages) = taken else {
            return Err(PayloadError::Io("internal error: the pages were read already".into()));
        };
        let mut n = 0;
        loop {
            match pages.blocking_recv() {
                Some(Page::Data(bytes)) => {
                    f(n, bytes)?;
                    n += 1;
                }
                Some(Page::Failed(why)) => return Err(within(PayloadError::Vendor(why), label, n, usize::MAX)),
                Some(Page::End) => return Ok(()),
                None => {
                    let why = PayloadError::Vendor("internal error: the pages stopped coming before the last one".into());
                    return Err(within(why, label, n, usize::MAX));
                }
            }
        }
    }
}

/// What a body that is not a document says when it is read as one.
fn not_a_document() -> PayloadError {
    PayloadError::Io("internal error: streamed pages read as one document".into())
}

/// The most of a document that is not a list licusage reads from stdin (as
/// from the network): the whole of it is held to be parsed.
pub const MAX_DOCUMENT: u64 = 64 * 1024 * 1024;

/// Name the list and page in an error: `assignments page 2 $.data[3].…`.
fn within(e: PayloadError, label: &str, page: usize, pages: usize) -> PayloadError {
    let mut prefix = label.to_string();
    if pages > 1 {
        prefix = format!("{prefix} page {}", page + 1).trim_start().to_string();
    }
    match e {
        _ if prefix.is_empty() => e,
        PayloadError::Invalid { path, message } => PayloadError::Invalid { path: format!("{prefix} {path}"), message },
        other => PayloadError::Vendor(format!("{prefix}: {other}")),
    }
}

/// Where a payload is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

impl Input {
    pub fn new(value: &str, base: Option<&Path>) -> Self {
        match value {
            "-" => Input::Stdin,
            v => {
                let p = PathBuf::from(v);
                match base {
                    Some(base) if p.is_relative() => Input::Path(base.join(p)),
                    _ => Input::Path(p),
                }
            }
        }
    }

    /// The body that reads it.
    pub fn body(&self) -> Body {
        match self {
            Input::Path(p) => Body::File(p.clone()),
            Input::Stdin => Body::Stdin,
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Stdin => f.write_str("stdin"),
            Input::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

/// A payload file besides `file`, as its kind declared it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraInput {
    /// The config key (`NAME_file`).
    pub key: &'static str,
    /// The name the kind's parse finds it under.
    pub payload: &'static str,
    /// Read only when holders are wanted.
    pub holders_only: bool,
    pub input: Input,
}
