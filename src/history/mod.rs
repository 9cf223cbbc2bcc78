//! The history store (docs/reference.md, History and "History on a server"):
//! snapshots of every record, the server logs' cursors and checkout time, and
//! what `notify` told, in an embedded SQLite file (sqlite.rs, the default) or
//! a PostgreSQL database several collectors share (postgres.rs). Both hold
//! the same tables under the same schema versions; this file holds what does
//! not depend on the database: the types, the rows a snapshot writes, and the
//! summary of a series over a range (trend, forecast, sparkline).

/// How a day's rollup takes more samples (`excluded` holds their sums),
/// one rule for a snapshot, a snapshot of many series and a copy.
macro_rules! daily_merge {
    () => {
        " ON CONFLICT (series_id, day) DO UPDATE SET
        rows = daily.rows + excluded.rows, n = daily.n + excluded.n, sum_y = daily.sum_y + excluded.sum_y,
        sum_t = daily.sum_t + excluded.sum_t, sum_tt = daily.sum_tt + excluded.sum_tt, sum_ty = daily.sum_ty + excluded.sum_ty,
        min_y = CASE WHEN daily.min_y IS NULL OR excluded.min_y < daily.min_y THEN excluded.min_y ELSE daily.min_y END,
        max_y = CASE WHEN daily.max_y IS NULL OR excluded.max_y > daily.max_y THEN excluded.max_y ELSE daily.max_y END,
        peak = CASE WHEN daily.peak IS NULL OR excluded.peak > daily.peak THEN excluded.peak ELSE daily.peak END,
        denials = CASE WHEN excluded.denials IS NULL THEN daily.denials ELSE COALESCE(daily.denials, 0) + excluded.denials END"
    };
}

/// Where a consumer left a log, stored (`$1`…`$5` / `?1`…`?5`: source,
/// consumer, path, cursor, read_at).
macro_rules! cursor_put {
    ($p:literal) => {
        concat!(
            "INSERT INTO log_cursors (source, consumer, path, cursor, read_at) VALUES (",
            $p,
            "1, ",
            $p,
            "2, ",
            $p,
            "3, ",
            $p,
            "4, ",
            $p,
            "5)
             ON CONFLICT (source, consumer) DO UPDATE SET path = excluded.path, cursor = excluded.cursor, read_at = excluded.read_at"
        )
    };
}

mod copy;
mod postgres;
mod sqlite;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

use crate::glob::Glob;
use crate::record::Record;
use crate::serverlog::{Cursor, SourceLog};

pub use copy::{copy, Copied};
pub use postgres::Server;

/// Where the history lives: `[history] path` (SQLite, the default) or
/// `[history] url` (PostgreSQL).
#[derive(Debug, Clone)]
pub enum Location {
    File(PathBuf),
    Server(Box<Server>),
}

impl Location {
    /// Whether there is anything to read: a file that exists; a server is
    /// asked when it is opened.
    pub fn exists(&self) -> bool {
        match self {
            Location::File(p) => p.exists(),
            Location::Server(_) => true,
        }
    }
}

impl fmt::Display for Location {
    /// The path, or the URL without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Server(s) => write!(f, "{s}"),
        }
    }
}

impl From<PathBuf> for Location {
    fn from(p: PathBuf) -> Self {
        Location::File(p)
    }
}

impl From<&Path> for Location {
    fn from(p: &Path) -> Self {
        Location::File(p.to_path_buf())
    }
}

/// A day as a number (days since 1970-01-01).
fn day_number(day: chrono::NaiveDate) -> i64 {
    day.signed_duration_since(chrono::NaiveDate::default()).num_days()
}

/// The schema version this licusage writes: the SQLite migrations' count;
/// a PostgreSQL history says the same number for the same tables.
const SCHEMA: usize = sqlite::MIGRATIONS.len();

/// What a channel was last told about a subject, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Notified {
    pub state: String,
    pub sent_at: DateTime<Utc>,
}

/// Who reads a log (each has its own place in it): `record`, the history's
/// snapshots; `check`, the monitoring check's "since the last check".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consumer {
    Record,
    Check,
}

impl Consumer {
    fn as_str(self) -> &'static str {
        match self {
            Consumer::Record => "record",
            Consumer::Check => "check",
        }
    }
}

/// Checkout time of one user on one feature on one day, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageDay {
    pub source: String,
    pub feature: String,
    pub user: String,
    pub day: chrono::NaiveDate,
    pub seconds: f64,
}

/// Checkout time of one user on one feature (`holders --usage`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Usage {
    pub source: String,
    pub feature: String,
    pub user: String,
    /// License-hours.
    pub hours: f64,
    /// Days with checkouts.
    pub days: u32,
}

/// Buckets of the sparkline.
const SPARK_WIDTH: i64 = 24;

/// The default database: `history.sqlite3` in the platform data dir.
pub fn default_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "licusage").context("cannot find a home directory for the history database")?;
    Ok(dirs.data_dir().join("history.sqlite3"))
}

/// One series as the `series` table holds it.
struct SeriesRow {
    id: i64,
    source: String,
    ident: String,
    kind: String,
    product: String,
    metric: String,
}

/// What `notify` computes under a channel's lock: from what the channel
/// was told, what it has been told now.
type Tell<'a> = &'a mut dyn FnMut(&HashMap<String, Notified>) -> Vec<(String, Notified)>;

/// What a database does for the store; the SQL is each one's own.
trait Backend: Send {
    /// `consumer`'s cursor row of `source`: (path, cursor JSON).
    fn cursor(&mut self, source: &str, consumer: Consumer) -> Result<Option<(String, String)>>;
    /// One write transaction: the logs' cursors moved on (compare and set),
    /// their checkout time, and the snapshot when there is one. Returns the
    /// snapshot's id (0 without one) and the sources whose log reads count.
    fn write(&mut self, w: &Write) -> Result<(i64, HashSet<String>)>;
    /// (feature, user, day, seconds) of `source` from day `since` on.
    fn usage(&mut self, source: &str, since: i64) -> Result<Vec<(String, String, i64, f64)>>;
    fn notified(&mut self, channel: &str) -> Result<HashMap<String, Notified>>;
    /// `run` under a lock that no other run of this channel gets meanwhile.
    fn notify_channel(&mut self, channel: &str, run: Tell) -> Result<()>;
    /// Every series, ordered by source, product, metric, id.
    fn series(&mut self) -> Result<Vec<SeriesRow>>;
    /// What the summary of each of the series `ids` over `range` is made of,
    /// in their order; `None` for a series without a sample in the range.
    fn parts(&mut self, ids: &[i64], range: &Range) -> Result<Vec<Option<Parts>>>;
    /// The samples of each series (source, ident) from `since` on, oldest
    /// first, in the order asked; none for a series the store does not hold.
    fn samples(&mut self, series: &[(&str, &str)], since: i64) -> Result<Vec<Vec<Sample>>>;
    fn sources(&mut self) -> Result<Vec<(String, String)>>;
}

/// One write: a snapshot (or only log cursors, for `check`) and its logs.
struct Write<'a> {
    consumer: Consumer,
    at: i64,
    logs: &'a [SourceLog],
    snapshot: Option<Snapshot>,
}

/// A snapshot's rows, ready for any database.
struct Snapshot {
    /// Unique per snapshot: a write retried after a lost connection finds
    /// its first try committed by it, and a copy finds what it copied.
    token: String,
    sources: i64,
    failed: i64,
    rows: Vec<Row>,
}

/// One record as a sample.
struct Row {
    source: String,
    ident: String,
    kind: String,
    product: String,
    metric: String,
    /// A record with a vendor id adopts a series recorded before ids.
    adopt: bool,
    used: Option<i64>,
    limit: Option<i64>,
    balance: Option<i64>,
    expires_at: Option<i64>,
    status: &'static str,
    peak: Option<i64>,
    denials: Option<i64>,
}

impl Row {
    fn new(r: &Record) -> Result<Self> {
        Ok(Row {
            source: r.source.clone(),
            ident: r.key(),
            kind: r.kind.clone(),
            product: r.product.clone(),
            metric: r.metric.clone(),
            adopt: r.has_own_id(),
            used: r.used.map(i64::try_from).transpose()?,
            limit: r.limit.map(i64::try_from).transpose()?,
            balance: r.balance,
            expires_at: r.expires_at.map(|t| t.timestamp()),
            status: r.status.as_str(),
            peak: r.details.get("peak").and_then(serde_json::Value::as_i64),
            denials: r
                .details
                .get("denials")
                .and_then(serde_json::Value::as_object)
                .map(|m| m.values().filter_map(serde_json::Value::as_i64).sum::<i64>()),
        })
    }

    /// The true peak and denials, where this run's read of the log counts.
    fn logged(&self, counted: &HashSet<String>) -> (Option<i64>, Option<i64>) {
        match counted.contains(&self.source) {
            true => (self.peak, self.denials),
            false => (None, None),
        }
    }

    /// The daily rollup's increments: (n, y, t) with t the time of day in days.
    fn daily(&self, at: i64) -> (i64, f64, f64) {
        match self.used {
            Some(u) => (1, u as f64, at.rem_euclid(86400) as f64 / 86400.0),
            None => (0, 0.0, 0.0),
        }
    }
}

/// Whether a log read moves the stored cursor on: it started where the
/// stored one is (of the same path), else another run counted those lines.
fn moves(stored: Option<(String, String)>, log: &SourceLog) -> bool {
    let path = log.path.to_string_lossy();
    let current: Option<Cursor> = stored.filter(|(p, _)| *p == path).and_then(|(_, c)| serde_json::from_str(&c).ok());
    current == log.before
}

/// A fresh snapshot token: 128 random bits in hex.
fn token() -> Result<String> {
    let mut bytes = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| anyhow::anyhow!("the system's random number generator failed"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub struct Store {
    db: RefCell<Box<dyn Backend>>,
    pub location: Location,
}

impl Store {
    /// Open for writing: the file made, or the server's tables, and the
    /// schema brought up to date.
    pub fn open(at: &Location) -> Result<Self> {
        let db: Box<dyn Backend> = match at {
            Location::File(path) => Box::new(sqlite::Db::open(path)?),
            Location::Server(server) => Box::new(postgres::Db::open(server, true, true)?),
        };
        Ok(Store { db: RefCell::new(db), location: at.clone() })
    }

    /// Open for reading only (`history`, reports): nothing is written where
    /// the schema is current, so a file on a read-only mount or of another
    /// user reads, and a file that is not a history stays as it is.
    pub fn open_read(at: &Location) -> Result<Self> {
        Store::reader(at, true)
    }

    /// [`Store::open_read`] for what only adds to a command's answer (the
    /// logs' places for `show`, `plan`'s figures in the metrics, `serve`'s
    /// page): a server that does not answer at once is not waited for.
    pub fn peek(at: &Location) -> Result<Self> {
        Store::reader(at, false)
    }

    fn reader(at: &Location, patient: bool) -> Result<Self> {
        let db: Box<dyn Backend> = match at {
            Location::File(path) => match sqlite::Db::open_read(path)? {
                Some(db) => Box::new(db),
                None => return Store::open(at),
            },
            Location::Server(server) => Box::new(postgres::Db::open(server, false, patient)?),
        };
        Ok(Store { db: RefCell::new(db), location: at.clone() })
    }

    /// Where `consumer` left each source's log, by source name; a cursor
    /// of another path than the source's `log` now is not one.
    pub fn cursors(&self, consumer: Consumer, paths: &[(&str, &Path)]) -> Result<HashMap<String, Cursor>> {
        let mut out = HashMap::new();
        for (source, path) in paths {
            if let Some((stored, cursor)) = self.db.borrow_mut().cursor(source, consumer)? {
                if Path::new(&stored) == *path {
                    if let Ok(c) = serde_json::from_str(&cursor) {
                        out.insert(source.to_string(), c);
                    }
                }
            }
        }
        Ok(out)
    }

    /// `check`'s reads of the logs: its cursors moved on. Returns the
    /// sources whose reads count (another check at the same moment counted the others).
    pub fn advance_logs(&mut self, consumer: Consumer, logs: &[SourceLog], at: DateTime<Utc>) -> Result<HashSet<String>> {
        let w = Write { consumer, at: at.timestamp(), logs, snapshot: None };
        Ok(self.db.get_mut().write(&w)?.1)
    }

    /// Checkout seconds per source, feature, user and day from `since` (a
    /// day, in the server's calendar) on.
    pub fn usage(&self, sources: &[&str], since: chrono::NaiveDate) -> Result<Vec<UsageDay>> {
        let mut out = Vec::new();
        for source in sources {
            for (feature, user, day, seconds) in self.db.borrow_mut().usage(source, day_number(since))? {
                let day = chrono::NaiveDate::default() + chrono::Days::new(day.max(0) as u64);
                out.push(UsageDay { source: source.to_string(), feature, user, day, seconds });
            }
        }
        Ok(out)
    }

    /// `notify` for one channel, under a lock from the first read of its
    /// state to the last write: `run` gets what the channel was told and
    /// returns what it has been told now (sent, or nothing to send). A second
    /// `notify` at the same moment waits, then finds the state moved on: each
    /// change is sent once.
    pub fn notify_channel<T>(
        &mut self,
        channel: &str,
        run: impl FnOnce(&HashMap<String, Notified>) -> (T, Vec<(String, Notified)>),
    ) -> Result<T> {
        let mut run = Some(run);
        let mut out = None;
        self.db.get_mut().notify_channel(channel, &mut |known| match run.take() {
            Some(run) => {
                let (value, told) = run(known);
                out = Some(value);
                told
            }
            // Run once: a retried transaction does not send twice.
            None => Vec::new(),
        })?;
        out.context("notify: the channel's state could not be read")
    }

    /// What `channel` was told, without the lock (`notify --dry-run`).
    pub fn notified(&self, channel: &str) -> Result<HashMap<String, Notified>> {
        self.db.borrow_mut().notified(channel)
    }

    /// Append one snapshot in one transaction; returns its id.
    pub fn record(&mut self, taken_at: DateTime<Utc>, records: &[Record], sources: usize, failed: usize) -> Result<i64> {
        self.record_with_logs(taken_at, records, sources, failed, &[])
    }

    /// [`Store::record`], with what the sources' logs said: their true peaks
    /// and denials beside the polled counts, their checkout time, and the
    /// cursors moved on, in the same transaction. A log another `record`
    /// read meanwhile is left to that run (nothing counted twice).
    pub fn record_with_logs(
        &mut self,
        taken_at: DateTime<Utc>,
        records: &[Record],
        sources: usize,
        failed: usize,
        logs: &[SourceLog],
    ) -> Result<i64> {
        let rows = records.iter().map(Row::new).collect::<Result<Vec<_>>>()?;
        let snapshot = Snapshot { token: token()?, sources: sources as i64, failed: failed as i64, rows };
        let w = Write { consumer: Consumer::Record, at: taken_at.timestamp(), logs, snapshot: Some(snapshot) };
        Ok(self.db.get_mut().write(&w)?.0)
    }

    /// Per series matching the filter: samples since `since` summarized.
    /// Whole days come from the daily rollup, the part-day at `since` from
    /// the samples themselves, so the figures are exact either way.
    pub fn history(&self, filter: &HistoryFilter, since: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<SeriesHistory>> {
        self.history_in(filter, since, now, SPARK_WIDTH)
    }

    /// [`Store::history`] with `points` steps over the range (the sparkline
    /// and [`SeriesHistory::points`] have that many), for a chart.
    pub fn history_in(&self, filter: &HistoryFilter, since: DateTime<Utc>, now: DateTime<Utc>, points: i64) -> Result<Vec<SeriesHistory>> {
        let db = &mut **self.db.borrow_mut();
        let points = points.max(1);
        let from = since.timestamp();
        let span = (now.timestamp() - from).max(1);
        // Short ranges read samples only: the sparkline then has finer steps than days.
        let rollup_from = if span > 31 * 86400 { from.div_euclid(86400) + i64::from(from.rem_euclid(86400) != 0) } else { i64::MAX };
        let range = Range { from, until: rollup_from.saturating_mul(86400), day: rollup_from };
        let series: Vec<SeriesRow> =
            db.series()?.into_iter().filter(|s| filter.matches(&s.source, &s.kind, &s.product, &s.metric)).collect();
        let ids: Vec<i64> = series.iter().map(|s| s.id).collect();
        let mut out = Vec::new();
        for (s, parts) in series.into_iter().zip(db.parts(&ids, &range)?) {
            let Some(p) = parts else { continue };
            let mut acc = Acc::new(from, span, points);
            for (at, used) in p.raw {
                acc.sample(at, used);
            }
            for day in p.days {
                acc.day(day);
            }
            out.push(summary(s, acc, p.first, p.last, p.peak, p.denials, span));
        }
        Ok(out)
    }

    /// The samples of each record's series from `since` on, oldest first, in
    /// the records' order (`plan`); none for a series the history does not
    /// hold. One query for them all: a server's round trip each would add up.
    pub fn samples_of(&self, records: &[Record], since: DateTime<Utc>) -> Result<Vec<Vec<Sample>>> {
        let keys: Vec<String> = records.iter().map(Record::key).collect();
        let series: Vec<(&str, &str)> = records.iter().zip(&keys).map(|(r, k)| (r.source.as_str(), k.as_str())).collect();
        self.db.borrow_mut().samples(&series, since.timestamp())
    }

    /// The source names and kinds the database holds series of.
    pub fn sources(&self) -> Result<Vec<(String, String)>> {
        self.db.borrow_mut().sources()
    }
}

/// A series' figures over the range, from its accumulated samples.
fn summary(s: SeriesRow, acc: Acc, first: Point, last: Point, peak: Option<i64>, denials: Option<i64>, span: i64) -> SeriesHistory {
    // Counts are whole: a trend that moves less than half a unit over
    // the whole range is rounding noise in the fit, and is zero.
    let span_days = span as f64 / 86400.0;
    let points: Vec<Option<f64>> = acc.buckets.iter().map(|(sum, n)| (*n > 0.0).then(|| sum / n)).collect();
    let trend = acc.slope().map(|s| if (s * span_days).abs() < 0.5 { 0.0 } else { s });
    // Already at or over the limit: said as such, not forecast (a
    // series of nothing used of nothing is at no limit).
    let over_limit = last.balance.is_some_and(|b| b <= 0) && !(last.used == Some(0) && last.limit == Some(0));
    let exhausted_at = match (trend, last.balance) {
        (Some(slope), Some(balance)) if slope > 0.0 && balance > 0 => {
            let days = balance as f64 / slope;
            (days < 365.0 * 100.0).then(|| last.at + chrono::Duration::seconds((days * 86400.0).round() as i64))
        }
        _ => None,
    };
    SeriesHistory {
        source: s.source,
        id: s.ident,
        kind: s.kind,
        product: s.product,
        metric: s.metric,
        samples: acc.rows,
        first,
        last,
        min: acc.min,
        max: acc.max,
        peak,
        denials,
        trend_per_day: trend,
        exhausted_at,
        over_limit,
        sparkline: sparkline(&points),
        points,
    }
}

/// A range of `history`: samples in [from, until) and the daily rollup
/// from `day` on (`until` and `day` at `i64::MAX`: samples only).
struct Range {
    from: i64,
    until: i64,
    day: i64,
}

/// A series' samples over a range, as its summary needs them.
struct Parts {
    first: Point,
    last: Point,
    /// The logs' true peak and denials (sources with `log`).
    peak: Option<i64>,
    denials: Option<i64>,
    /// (taken_at, used) of the samples before the rollup's days.
    raw: Vec<(i64, Option<i64>)>,
    days: Vec<Day>,
}

/// One row of the daily rollup.
struct Day {
    day: i64,
    rows: i64,
    n: f64,
    sum_y: f64,
    sum_t: f64,
    sum_tt: f64,
    sum_ty: f64,
    min_y: Option<i64>,
    max_y: Option<i64>,
}
/// Running sums for a least-squares fit of `used` against time in days since
/// `from`, min/max, and sparkline buckets.
struct Acc {
    /// How many buckets the range is cut into.
    width: i64,
    from: i64,
    span: i64,
    rows: u64,
    n: f64,
    sx: f64,
    sxx: f64,
    sxy: f64,
    sy: f64,
    min: Option<i64>,
    max: Option<i64>,
    buckets: Vec<(f64, f64)>,
}

impl Acc {
    fn new(from: i64, span: i64, width: i64) -> Self {
        Acc {
            width,
            from,
            span,
            rows: 0,
            n: 0.0,
            sx: 0.0,
            sxx: 0.0,
            sxy: 0.0,
            sy: 0.0,
            min: None,
            max: None,
            buckets: vec![(0.0, 0.0); usize::try_from(width).unwrap_or(1)],
        }
    }

    fn bucket(&mut self, at: i64) -> Option<&mut (f64, f64)> {
        let i = ((at - self.from).max(0) as i128 * i128::from(self.width) / i128::from(self.span)).clamp(0, i128::from(self.width - 1));
        self.buckets.get_mut(usize::try_from(i).ok()?)
    }

    fn extremes(&mut self, lo: Option<i64>, hi: Option<i64>) {
        self.min = match (self.min, lo) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, hi) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    fn sample(&mut self, at: i64, used: Option<i64>) {
        self.rows += 1;
        let Some(y) = used else { return };
        let (x, y_f) = ((at - self.from) as f64 / 86400.0, y as f64);
        self.n += 1.0;
        self.sx += x;
        self.sxx += x * x;
        self.sxy += x * y_f;
        self.sy += y_f;
        self.extremes(Some(y), Some(y));
        if let Some(b) = self.bucket(at) {
            b.0 += y_f;
            b.1 += 1.0;
        }
    }

    /// A whole day: x = d + t for each sample, with d the day's start in days
    /// since `from` and t its time of day, so the sums expand exactly.
    fn day(&mut self, day: Day) {
        self.rows += day.rows.unsigned_abs();
        if day.n == 0.0 {
            return;
        }
        let d = (day.day * 86400 - self.from) as f64 / 86400.0;
        self.n += day.n;
        self.sx += day.n * d + day.sum_t;
        self.sxx += day.n * d * d + 2.0 * d * day.sum_t + day.sum_tt;
        self.sxy += d * day.sum_y + day.sum_ty;
        self.sy += day.sum_y;
        self.extremes(day.min_y, day.max_y);
        if let Some(b) = self.bucket(day.day * 86400 + 43200) {
            b.0 += day.sum_y;
            b.1 += day.n;
        }
    }

    fn slope(&self) -> Option<f64> {
        let denominator = self.n * self.sxx - self.sx * self.sx;
        (self.n >= 2.0 && denominator.abs() > 1e-9 * self.n * self.n).then(|| (self.n * self.sxy - self.sx * self.sy) / denominator)
    }
}

fn ts(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// `▁▂▅▇█` from bucket averages; a blank where a bucket has no sample.
pub fn sparkline(values: &[Option<f64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if (hi - lo).abs() < f64::EPSILON => BARS[3],
            Some(v) => BARS[(((v - lo) / (hi - lo)) * 7.0).round().clamp(0.0, 7.0) as usize],
        })
        .collect::<String>()
        .trim_end()
        .to_string()
}

/// One sample at the edge of the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub used: Option<i64>,
    pub limit: Option<i64>,
    pub balance: Option<i64>,
}

/// One sample of a series as `plan` weighs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub used: Option<i64>,
    pub limit: Option<i64>,
    /// The true peak and the denials since the sample before, where a server log was read.
    pub peak: Option<i64>,
    pub denials: Option<i64>,
}

/// A series over the asked range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesHistory {
    pub source: String,
    /// The series' id in its source (the record's `id`).
    pub id: String,
    pub kind: String,
    pub product: String,
    pub metric: String,
    pub samples: u64,
    pub first: Point,
    pub last: Point,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// The most in use at once over the range, replayed from the server's
    /// log between the polls (sources with `log`; at least `max`).
    pub peak: Option<i64>,
    /// Checkouts the server refused over the range, as its log says.
    pub denials: Option<i64>,
    /// Least-squares slope of `used`, in units per day.
    pub trend_per_day: Option<f64>,
    /// When the balance reaches zero at that trend (only when usage grows
    /// and some balance is left).
    pub exhausted_at: Option<DateTime<Utc>>,
    /// Whether the latest sample is already at or over the limit.
    pub over_limit: bool,
    pub sparkline: String,
    /// Mean `used` in each equal step of the range, oldest first (`None`:
    /// no sample in that step): what a chart draws.
    #[serde(skip)]
    pub points: Vec<Option<f64>>,
}

/// `--source`, `--product`, `--metric` globs for `history`.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    pub sources: Vec<Glob>,
    pub products: Vec<Glob>,
    pub metrics: Vec<Glob>,
}

impl HistoryFilter {
    /// `--source` matches the source's name or its kind, as in `show`.
    fn matches(&self, source: &str, kind: &str, product: &str, metric: &str) -> bool {
        let any = |globs: &[Glob], v: &str| globs.is_empty() || globs.iter().any(|g| g.matches(v));
        (self.sources.is_empty() || self.sources.iter().any(|g| g.matches(source) || g.matches(kind)))
            && any(&self.products, product)
            && any(&self.metrics, metric)
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite::MIGRATIONS;
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn sparklines() {
        assert_eq!(sparkline(&[Some(1.0), Some(2.0), None, Some(8.0)]), "▁▂ █");
        assert_eq!(sparkline(&[Some(5.0), Some(5.0)]), "▄▄");
        assert_eq!(sparkline(&[None, None]), "");
    }

    /// Least squares straight from the samples, to check the rollup against.
    fn direct(points: &[(i64, i64)], from: i64) -> f64 {
        let n = points.len() as f64;
        let xs: Vec<f64> = points.iter().map(|(t, _)| (t - from) as f64 / 86400.0).collect();
        let ys: Vec<f64> = points.iter().map(|(_, y)| *y as f64).collect();
        let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
        let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
        let var: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
        cov / var
    }

    /// A database from before ids (schema 2): migrated in place, its series
    /// keep their samples, and the first vendor id seen for a product and
    /// metric takes that series over; a second license of the product is a
    /// series of its own.
    #[test]
    fn series_from_before_ids_carry_on_under_the_vendor_id() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let path = dir.path().join("h.sqlite3");
        {
            let conn = Connection::open(&path).unwrap_or_else(|e| unreachable!("{e}"));
            for sql in &MIGRATIONS[..2] {
                conn.execute_batch(sql).unwrap_or_else(|e| unreachable!("{e}"));
            }
            conn.execute_batch(
                "PRAGMA user_version = 2;
                 INSERT INTO snapshots VALUES (1, 1700000000, 1, 0);
                 INSERT INTO series (id, source, kind, product, metric) VALUES (7, 'c', 'cpod', 'P', 'named');
                 INSERT INTO samples VALUES (7, 1700000000, 1, 3, 10, 7, NULL, 'ok');",
            )
            .unwrap_or_else(|e| unreachable!("{e}"));
        }
        let mut store = Store::open(&Location::File(path.to_path_buf())).unwrap_or_else(|e| unreachable!("{e:#}"));
        let lic = |id: &str, used: u64| {
            let mut r = Record::new("P", "named", Some(used), Some(10)).with_id(Some(id));
            r.source = "c".into();
            r.kind = "cpod".into();
            r
        };
        store.record(ts(1_700_086_400), &[lic("a", 4), lic("b", 1)], 1, 0).unwrap_or_else(|e| unreachable!("{e:#}"));
        let h = store.history(&HistoryFilter::default(), ts(1_699_000_000), ts(1_700_100_000)).unwrap_or_else(|e| unreachable!("{e:#}"));
        let got: Vec<(&str, u64, Option<i64>, Option<i64>)> =
            h.iter().map(|s| (s.id.as_str(), s.samples, s.first.used, s.last.used)).collect();
        assert_eq!(got, [("a", 2, Some(3), Some(4)), ("b", 1, Some(1), Some(1))]);
    }

    /// A history from before the rollup kept the logs' figures (schema 5):
    /// migrated in place, a year's range (read from the rollup) still says
    /// the true peak and the denials of its samples.
    #[test]
    fn the_logs_figures_are_rolled_up_on_upgrade() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let path = dir.path().join("h.sqlite3");
        {
            let conn = Connection::open(&path).unwrap_or_else(|e| unreachable!("{e}"));
            for sql in &MIGRATIONS[..5] {
                conn.execute_batch(sql).unwrap_or_else(|e| unreachable!("{e}"));
            }
            // Two days of samples with the log's figures, and one without, each in the rollup.
            conn.execute_batch(
                "PRAGMA user_version = 5;
                 INSERT INTO snapshots VALUES (1, 1700000000, 1, 0), (2, 1700003600, 1, 0), (3, 1700090000, 1, 0), (4, 1700180000, 1, 0);
                 INSERT INTO series (id, source, ident, kind, product, metric) VALUES (1, 'f', 'base', 'flexlm', 'base', 'licenses');
                 INSERT INTO samples VALUES (1, 1700000000, 1, 3, 6, 3, NULL, 'ok', 6, 64), (1, 1700003600, 2, 2, 6, 4, NULL, 'ok', 4, 2),
                                            (1, 1700090000, 3, 1, 6, 5, NULL, 'ok', 5, 1), (1, 1700180000, 4, 1, 6, 5, NULL, 'ok', NULL, NULL);
                 INSERT INTO daily SELECT series_id, taken_at / 86400, COUNT(*), COUNT(used), TOTAL(used), 0, 0, 0, MIN(used), MAX(used)
                 FROM samples GROUP BY series_id, taken_at / 86400;",
            )
            .unwrap_or_else(|e| unreachable!("{e}"));
        }
        let store = Store::open(&Location::File(path.clone())).unwrap_or_else(|e| unreachable!("{e:#}"));
        let h = store.history(&HistoryFilter::default(), ts(1_690_000_000), ts(1_700_200_000)).unwrap_or_else(|e| unreachable!("{e:#}"));
        assert_eq!((h[0].peak, h[0].denials, h[0].max), (Some(6), Some(67), Some(3)));
        let conn = Connection::open(&path).unwrap_or_else(|e| unreachable!("{e}"));
        let days: Vec<(i64, Option<i64>, Option<i64>)> = conn
            .prepare("SELECT day, peak, denials FROM daily ORDER BY day")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(days, [(19675, Some(6), Some(66)), (19676, Some(5), Some(1)), (19678, None, None)]);
    }

    #[test]
    fn the_daily_rollup_gives_the_same_figures_as_the_samples() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let mut store = Store::open(&Location::File(dir.path().join("h.sqlite3"))).unwrap_or_else(|e| unreachable!("{e:#}"));
        let start = 1_700_000_000 - 1_700_000_000 % 86400 + 5000;
        let mut points = Vec::new();
        for i in 0..(90 * 5) {
            // Every 4.8 hours, with a wobble, over 90 days.
            let at = start + i * 17280 + (i * 7919) % 3000;
            let used = 100 + i / 3 + (i * 37) % 11;
            let mut r = Record::new("p", "m", Some(used as u64), Some(1000));
            r.source = "s".into();
            store.record(ts(at), &[r], 1, 0).unwrap_or_else(|e| unreachable!("{e:#}"));
            points.push((at, used));
        }
        let now = ts(points[points.len() - 1].0 + 600);
        for since_days in [80.3, 45.0, 20.6] {
            let since = now - chrono::Duration::seconds((since_days * 86400.0) as i64);
            let inside: Vec<(i64, i64)> = points.iter().copied().filter(|(t, _)| *t >= since.timestamp()).collect();
            let h = store.history(&HistoryFilter::default(), since, now).unwrap_or_else(|e| unreachable!("{e:#}"));
            let s = &h[0];
            assert_eq!(s.samples as usize, inside.len(), "since {since_days} days");
            assert_eq!(s.min, inside.iter().map(|p| p.1).min());
            assert_eq!(s.max, inside.iter().map(|p| p.1).max());
            let want = direct(&inside, since.timestamp());
            let got = s.trend_per_day.unwrap_or_default();
            assert!((got - want).abs() < 1e-6 * want.abs().max(1.0), "since {since_days} days: {got} != {want}");
            assert_eq!(s.sparkline.chars().count(), SPARK_WIDTH as usize);
        }
    }

    #[test]
    fn trend_and_forecast_from_a_growing_series() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let mut store = Store::open(&Location::File(dir.path().join("h.sqlite3"))).unwrap_or_else(|e| unreachable!("{e:#}"));
        let start = ts(1_700_000_000);
        for day in 0..10 {
            let mut r = Record::new("p", "m", Some(50 + 2 * day), Some(100));
            r.source = "s".into();
            r.kind = "cpod".into();
            store.record(start + chrono::Duration::days(day as i64), &[r], 1, 0).unwrap_or_else(|e| unreachable!("{e:#}"));
        }
        let now = start + chrono::Duration::days(9);
        let h = store.history(&HistoryFilter::default(), start, now).unwrap_or_else(|e| unreachable!("{e:#}"));
        assert_eq!(h.len(), 1);
        let s = &h[0];
        assert_eq!((s.samples, s.first.used, s.last.used, s.min, s.max), (10, Some(50), Some(68), Some(50), Some(68)));
        assert!((s.trend_per_day.unwrap_or_default() - 2.0).abs() < 1e-9, "{:?}", s.trend_per_day);
        // 32 seats left at 2 a day: 16 days after the last sample.
        assert_eq!(s.exhausted_at, Some(now + chrono::Duration::days(16)));
        // Reopening keeps the data and does not re-run migrations.
        drop(store);
        let store = Store::open(&Location::File(dir.path().join("h.sqlite3"))).unwrap_or_else(|e| unreachable!("{e:#}"));
        assert_eq!(store.history(&HistoryFilter::default(), start, now).map(|h| h.len()).unwrap_or(0), 1);
    }

    /// A flat series has no trend, whatever the float noise of the fit; one
    /// at or over its limit says so rather than forecasting.
    #[test]
    fn flat_series_have_no_trend_and_over_limit_is_said() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let mut store = Store::open(&Location::File(dir.path().join("h.sqlite3"))).unwrap_or_else(|e| unreachable!("{e:#}"));
        let start = ts(1_700_000_123);
        for i in 0..200 {
            // Irregular times, constant values: the fit's sums do not cancel exactly.
            let at = start + chrono::Duration::seconds(i * 7919 + (i * i) % 997);
            let flat = Record { source: "s".into(), ..Record::new("flat", "m", Some(441), Some(500)) };
            let over = Record { source: "s".into(), ..Record::new("over", "m", Some(512), Some(500)) };
            let none = Record { source: "s".into(), ..Record::new("none", "m", Some(0), Some(0)) };
            store.record(at, &[flat, over, none], 1, 0).unwrap_or_else(|e| unreachable!("{e:#}"));
        }
        let now = start + chrono::Duration::days(20);
        let h = store.history(&HistoryFilter::default(), start, now).unwrap_or_else(|e| unreachable!("{e:#}"));
        let got: Vec<(&str, Option<f64>, bool, bool)> =
            h.iter().map(|s| (s.product.as_str(), s.trend_per_day, s.exhausted_at.is_some(), s.over_limit)).collect();
        // Nothing used of nothing is at no limit.
        assert_eq!(got, [("flat", Some(0.0), false, false), ("none", Some(0.0), false, false), ("over", Some(0.0), false, true)]);
        let mut table = Vec::new();
        let style = crate::output::Style { color: false, width: None };
        crate::output::history::write(&mut table, crate::output::Format::Table, &h, start, now, &style)
            .unwrap_or_else(|e| unreachable!("{e:#}"));
        let table = String::from_utf8_lossy(&table);
        let full = |product: &str| {
            table.lines().find(|l| l.starts_with(&format!("s       {product}"))).map(|l| l.trim_end().to_string()).unwrap_or_default()
        };
        assert!(full("over").ends_with("over limit now"), "{table}");
        assert!(full("none").ends_with("—"), "{table}");
    }
}
