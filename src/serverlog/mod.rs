//! License servers' own logs (docs/reference.md, "License-server logs"): what happened between two
//! snapshots. A kind turns its log's lines into [`Event`]s (its [`Format`]);
//! [`file`] reads a log from where the previous read stopped (rotation and
//! truncation found, whole lines only, bounded memory), and [`tally`] replays
//! the events into denials per feature and reason, the true peak in use, and
//! checkout time per holder. Knows no vendor and no store: the cursor it
//! starts from and the one it ends at are plain data the caller keeps.

pub mod file;
#[cfg(test)]
pub(crate) mod pieces;
pub mod records;
pub mod tally;
pub mod usage;

use std::borrow::Cow;
use std::fmt::Debug;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

pub use file::{read_log, Cursor, LogRead};
pub use records::{Counter, SourceLog};
pub use tally::{Feature, FeatureKey, Tally};
pub use usage::Usage;

/// Why a checkout was refused, in the few classes a license owner acts on
/// (the `reason` label of `licusage_denials_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Every license was in use: buy more, or wait.
    Limit,
    /// The server's options kept the user out (EXCLUDE/INCLUDE lists, a MAX,
    /// licenses reserved for others).
    Excluded,
    /// The server has no such feature or version (or it was removed).
    Unsupported,
    /// The license has expired (or has not started).
    Expired,
    /// Anything else the server refused with.
    Other,
}

impl Reason {
    pub const ALL: [Reason; 5] = [Reason::Limit, Reason::Excluded, Reason::Unsupported, Reason::Expired, Reason::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Limit => "limit",
            Reason::Excluded => "excluded",
            Reason::Unsupported => "unsupported",
            Reason::Expired => "expired",
            Reason::Other => "other",
        }
    }
}

/// What an event says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// Licenses checked out.
    Out,
    /// Licenses checked back in.
    In,
    /// A checkout refused.
    Denied(Reason),
    /// The server (re)started, or one of its vendor daemons (the event's
    /// `daemon`): nothing it served is in use any more.
    Restart,
}

/// One event of a server log, as a kind read it: its names borrowed from
/// the line where the kind can (no allocation per line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    /// When, in the server's local time, where the log has said the date by then.
    pub at: Option<NaiveDateTime>,
    pub what: What,
    /// The feature (FlexLM) or product (RLM); empty for a restart.
    pub feature: Cow<'a, str>,
    /// The vendor daemon or ISV that wrote it, where the log says.
    pub daemon: Option<Cow<'a, str>>,
    pub user: Cow<'a, str>,
    pub host: Cow<'a, str>,
    /// How many licenses.
    pub count: u64,
    /// The server's own count in use after the event (RLM's `cur_use`).
    pub cur_use: Option<u64>,
    /// Which of the feature's license pools, where the log says (RLM's OUT
    /// and IN; never a denial, which no pool made).
    pub pool: Option<Pool>,
}

/// One of a product's license pools as a log names it (RLM: a `PRODUCT`
/// line per pool at each start, `OUT` naming the pool by number, `IN` by
/// the handle of its `OUT`). A snapshot's record of the pool is found by
/// its number and version, else as the `nth` pool of this version, else by
/// its number (`records::record_of`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pool {
    pub number: u64,
    /// The pool's license version (empty where the log has not said).
    #[serde(default)]
    pub version: String,
    /// Its place among this run's pools of the same product and version, from 1.
    #[serde(default)]
    pub nth: u32,
}

impl<'a> Event<'a> {
    /// Vendor daemon `daemon` restarted at `at`: nothing of its is in use
    /// any more (the server's other daemons go on).
    pub fn daemon_restart(at: Option<NaiveDateTime>, daemon: &'a str) -> Self {
        Event { daemon: Some(daemon.into()), ..Event::restart(at) }
    }

    /// The server (re)started at `at`: nothing is in use any more.
    pub fn restart(at: Option<NaiveDateTime>) -> Self {
        Event {
            at,
            what: What::Restart,
            feature: "".into(),
            daemon: None,
            user: "".into(),
            host: "".into(),
            count: 0,
            cur_use: None,
            pool: None,
        }
    }
}

/// A kind's reader of its log's lines, carrying what a line alone does not
/// say (the date, the year) from line to line and from read to read.
pub trait Lines: Send {
    /// The event a line records, if it is one.
    fn line<'a>(&mut self, line: &'a str) -> Option<Event<'a>>;
    /// What to carry to the next read.
    fn save(&self) -> serde_json::Value;
    /// How many of the lines given so far had the shape of this format's
    /// lines, events or not (`None`: the format does not say). A log whose
    /// many lines none has is another file, or a format not read: an error,
    /// never a read that found nothing.
    fn understood(&self) -> Option<u64> {
        None
    }
    /// Why the lines given cannot be counted right, if the log says so
    /// itself (a report log in a form that lacks what the count needs): the
    /// read is then an error, never a partial count.
    fn refused(&self) -> Option<String> {
        None
    }
}

/// How a kind's log reads: a [`Lines`] started afresh or from what the
/// previous read saved.
pub trait Format: Send + Sync + Debug {
    fn lines(&self, saved: Option<&serde_json::Value>) -> Box<dyn Lines>;
    /// What its lines look like, for the error that none does.
    fn shape(&self) -> &'static str {
        "a line of this log"
    }
}
