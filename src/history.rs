//! The history store (docs/reference.md, History): snapshots of every record in an embedded
//! SQLite database. WAL, one transaction per snapshot and a busy timeout make
//! concurrent cron runs and a kill at any moment leave it consistent.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::glob::Glob;
use crate::record::Record;
use crate::serverlog::{Cursor, SourceLog};

/// A day as a number (days since 1970-01-01).
fn day_number(day: chrono::NaiveDate) -> i64 {
    day.signed_duration_since(chrono::NaiveDate::default()).num_days()
}

/// Schema migrations, applied in order; `PRAGMA user_version` is how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE snapshots (
    id       INTEGER PRIMARY KEY,
    taken_at INTEGER NOT NULL,
    sources  INTEGER NOT NULL,
    failed   INTEGER NOT NULL
);
CREATE TABLE series (
    id      INTEGER PRIMARY KEY,
    source  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    product TEXT NOT NULL,
    metric  TEXT NOT NULL,
    UNIQUE (source, product, metric)
);
CREATE TABLE samples (
    series_id   INTEGER NOT NULL REFERENCES series(id),
    taken_at    INTEGER NOT NULL,
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    used        INTEGER,
    "limit"     INTEGER,
    balance     INTEGER,
    expires_at  INTEGER,
    status      TEXT NOT NULL,
    PRIMARY KEY (series_id, taken_at, snapshot_id)
) WITHOUT ROWID;
"#,
    r#"
-- Per series and UTC day: what `history` needs, so that a year of 15-minute
-- snapshots is read as 365 rows a series. `t` is the time of day in days.
CREATE TABLE daily (
    series_id INTEGER NOT NULL REFERENCES series(id),
    day       INTEGER NOT NULL,
    rows      INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    sum_y     REAL NOT NULL,
    sum_t     REAL NOT NULL,
    sum_tt    REAL NOT NULL,
    sum_ty    REAL NOT NULL,
    min_y     INTEGER,
    max_y     INTEGER,
    PRIMARY KEY (series_id, day)
) WITHOUT ROWID;
INSERT INTO daily
SELECT series_id, taken_at / 86400, COUNT(*), COUNT(used), TOTAL(used),
       TOTAL(CASE WHEN used IS NULL THEN 0 ELSE (taken_at % 86400) / 86400.0 END),
       TOTAL(CASE WHEN used IS NULL THEN 0 ELSE ((taken_at % 86400) / 86400.0) * ((taken_at % 86400) / 86400.0) END),
       TOTAL(((taken_at % 86400) / 86400.0) * used), MIN(used), MAX(used)
FROM samples GROUP BY series_id, taken_at / 86400;
"#,
    r#"
-- A series is keyed by its identity in its source (the record's `id`), no
-- longer by product and metric: two licenses of one product are two series.
-- Existing series get `product/metric`, the id of a record without a vendor
-- id; `record` moves one to the vendor's id the first time it sees it.
CREATE TABLE series_by_id (
    id      INTEGER PRIMARY KEY,
    source  TEXT NOT NULL,
    ident   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    product TEXT NOT NULL,
    metric  TEXT NOT NULL,
    UNIQUE (source, ident)
);
INSERT INTO series_by_id (id, source, ident, kind, product, metric)
SELECT id, source, product || '/' || metric, kind, product, metric FROM series;
DROP TABLE series;
ALTER TABLE series_by_id RENAME TO series;
"#,
    r#"
-- License-server logs (docs/reference.md, "License-server logs"): the true peak and the denials of the read
-- beside the polled count; where each consumer left each log; checkout time.
ALTER TABLE samples ADD COLUMN peak INTEGER;
ALTER TABLE samples ADD COLUMN denials INTEGER;
CREATE TABLE log_cursors (
    source   TEXT NOT NULL,
    consumer TEXT NOT NULL,
    path     TEXT NOT NULL,
    cursor   TEXT NOT NULL,
    read_at  INTEGER NOT NULL,
    PRIMARY KEY (source, consumer)
);
CREATE TABLE log_usage (
    source  TEXT NOT NULL,
    feature TEXT NOT NULL,
    user    TEXT NOT NULL,
    day     INTEGER NOT NULL,
    seconds REAL NOT NULL,
    PRIMARY KEY (source, feature, user, day)
) WITHOUT ROWID;
"#,
    // `notify`: what each channel was last told about each subject.
    r#"
CREATE TABLE notify_state (
    channel TEXT NOT NULL,
    subject TEXT NOT NULL,
    state   TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (channel, subject)
) WITHOUT ROWID;
"#,
];

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

pub struct Store {
    conn: Connection,
    pub path: PathBuf,
}

/// The default database: `history.sqlite3` in the platform data dir.
pub fn default_path() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "licusage").context("cannot find a home directory for the history database")?;
    Ok(dirs.data_dir().join("history.sqlite3"))
}

/// How long a run waits for another that holds the database.
const BUSY: Duration = Duration::from_secs(30);

/// Switch the file to WAL, once: it is a property of the file, so later runs
/// only read it. The switch needs the file to itself and SQLite calls no busy
/// handler for it, so runs that start together on a new database (cron) retry
/// it within the busy timeout instead of failing with "database is locked".
fn use_wal(conn: &Connection) -> Result<()> {
    let deadline = std::time::Instant::now() + BUSY;
    let mut pause = Duration::from_millis(2);
    loop {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("wal") {
            return Ok(());
        }
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(now) if now.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(now) if std::time::Instant::now() >= deadline => anyhow::bail!("cannot switch to WAL: the journal mode stays `{now}`"),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                    && std::time::Instant::now() < deadline => {}
            Err(e) => return Err(e.into()),
            Ok(_) => {}
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// `PRAGMA application_id` of a licusage history: "LICU".
const APPLICATION_ID: i64 = 0x4C49_4355;

/// Why the database at `conn` is another application's, if it is: it says
/// it is another's (`application_id`), or it has tables and none is ours. A
/// new file, a licusage history, or one made before the id was set, is not.
fn foreign(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if id == APPLICATION_ID {
        return Ok(None);
    }
    if id != 0 {
        return Ok(Some(format!("its application id is {id:#x}")));
    }
    let mut names = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?;
    let tables: Vec<String> = names.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    match tables.iter().any(|t| t == "snapshots") || tables.is_empty() {
        true => Ok(None),
        false => {
            Ok(Some(format!("it holds another application's tables: {}", tables.iter().take(5).cloned().collect::<Vec<_>>().join(", "))))
        }
    }
}

impl Store {
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let conn = Connection::open(path).with_context(|| format!("opening history database {}", path.display()))?;
        conn.busy_timeout(BUSY)?;
        // Nothing written to another application's database, not even WAL mode.
        if let Some(why) = foreign(&conn).with_context(|| format!("opening history database {}", path.display()))? {
            return Err(crate::error::UsageError(format!(
                "{} is not a licusage history database ({why}): left as it is; set [history] path to a file of licusage's own",
                path.display()
            ))
            .into());
        }
        let context = || format!("setting up history database {}", path.display());
        use_wal(&conn).with_context(context)?;
        conn.pragma_update(None, "synchronous", "NORMAL").with_context(context)?;
        let mut store = Store { conn, path: path.to_path_buf() };
        store.migrate().with_context(context)?;
        Ok(store)
    }

    /// Open for reading only (`history`, reports): nothing is written, so a
    /// database on a read-only mount or of another user reads, and a file
    /// that is not a history stays as it is. A database of an older schema is
    /// brought up to date when it can be written, else refused with what to do.
    pub fn open_read(path: &Path) -> Result<Self> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let open = |uri: String| -> rusqlite::Result<(Connection, i64)> {
            let conn = Connection::open_with_flags(uri, flags)?;
            conn.busy_timeout(BUSY)?;
            let version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            Ok((conn, version))
        };
        let shown = path.display();
        let uri = |extra: &str| format!("file:{}?mode=ro{extra}", path.to_string_lossy().replace('?', "%3f").replace('#', "%23"));
        // WAL needs its -shm file; where it cannot be made (a read-only
        // mount) the file is read as it stands.
        let (conn, version) =
            open(uri("")).or_else(|_| open(uri("&immutable=1"))).with_context(|| format!("opening history database {shown}"))?;
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        if let Some(why) = foreign(&conn).with_context(|| format!("opening history database {shown}"))? {
            return Err(crate::error::UsageError(format!("{shown} is not a licusage history database ({why})")).into());
        }
        if version == 0 {
            return Err(crate::error::UsageError(format!(
                "{shown} is not a licusage history database (it has no history schema): run `licusage record` to make one, or set [history] path"
            ))
            .into());
        }
        if version > MIGRATIONS.len() {
            anyhow::bail!("{shown} has schema version {version}, newer than this licusage knows ({}): upgrade licusage", MIGRATIONS.len());
        }
        if version < MIGRATIONS.len() {
            drop(conn);
            return Store::open(path).with_context(|| {
                format!("{shown} has an older schema ({version}) and cannot be upgraded here: run `licusage record` once with write access")
            });
        }
        Ok(Store { conn, path: path.to_path_buf() })
    }

    fn migrate(&mut self) -> Result<()> {
        // A table rebuild (migration 3) drops the table other tables refer
        // to: foreign keys off meanwhile (it cannot change inside a
        // transaction), checked before the commit.
        self.conn.pragma_update(None, "foreign_keys", false)?;
        let migrated = self.migrate_tx();
        self.conn.pragma_update(None, "foreign_keys", true)?;
        migrated
    }

    fn migrate_tx(&mut self) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let version = usize::try_from(version).unwrap_or(usize::MAX);
        if version > MIGRATIONS.len() {
            anyhow::bail!(
                "the database has schema version {version}, newer than this licusage knows ({}): upgrade licusage",
                MIGRATIONS.len()
            );
        }
        for sql in &MIGRATIONS[version..] {
            tx.execute_batch(sql)?;
        }
        if version < MIGRATIONS.len() {
            let broken: Option<String> = tx.query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).optional()?;
            if let Some(table) = broken {
                anyhow::bail!("migrating the history database broke the references of table {table}");
            }
        }
        tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
        Ok(())
    }

    /// Where `consumer` left each source's log, by source name; a cursor
    /// of another path than the source's `log` now is not one.
    pub fn cursors(&self, consumer: Consumer, paths: &[(&str, &Path)]) -> Result<std::collections::HashMap<String, Cursor>> {
        let mut out = std::collections::HashMap::new();
        let mut stmt = self.conn.prepare("SELECT path, cursor FROM log_cursors WHERE source = ?1 AND consumer = ?2")?;
        for (source, path) in paths {
            let row: Option<(String, String)> =
                stmt.query_row(params![source, consumer.as_str()], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
            if let Some((stored, cursor)) = row {
                if Path::new(&stored) == *path {
                    if let Ok(c) = serde_json::from_str(&cursor) {
                        out.insert(source.to_string(), c);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Move `consumer`'s cursors on to where these reads left the logs, each
    /// only if no other run moved it meanwhile (else that run counted those
    /// lines). Returns the sources whose reads count.
    fn advance(tx: &rusqlite::Transaction, consumer: Consumer, logs: &[SourceLog], at: i64) -> Result<std::collections::HashSet<String>> {
        let mut won = std::collections::HashSet::new();
        for log in logs {
            let stored: Option<(String, String)> = tx
                .query_row(
                    "SELECT path, cursor FROM log_cursors WHERE source = ?1 AND consumer = ?2",
                    params![log.source, consumer.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let path = log.path.to_string_lossy();
            let current: Option<Cursor> = stored.filter(|(p, _)| *p == path).and_then(|(_, c)| serde_json::from_str(&c).ok());
            if current != log.before {
                continue;
            }
            tx.execute(
                "INSERT INTO log_cursors (source, consumer, path, cursor, read_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (source, consumer) DO UPDATE SET path = excluded.path, cursor = excluded.cursor, read_at = excluded.read_at",
                params![log.source, consumer.as_str(), path, serde_json::to_string(&log.after)?, at],
            )?;
            won.insert(log.source.clone());
        }
        Ok(won)
    }

    /// `check`'s reads of the logs: its cursors moved on. Returns the
    /// sources whose reads count (another check at the same moment counted the others).
    pub fn advance_logs(&mut self, consumer: Consumer, logs: &[SourceLog], at: DateTime<Utc>) -> Result<std::collections::HashSet<String>> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let won = Store::advance(&tx, consumer, logs, at.timestamp())?;
        tx.commit()?;
        Ok(won)
    }

    /// Checkout seconds per source, feature, user and day from `since` (a
    /// day, in the server's calendar) on.
    pub fn usage(&self, sources: &[&str], since: chrono::NaiveDate) -> Result<Vec<UsageDay>> {
        let mut stmt = self.conn.prepare("SELECT feature, user, day, seconds FROM log_usage WHERE source = ?1 AND day >= ?2")?;
        let mut out = Vec::new();
        for source in sources {
            let rows = stmt.query_map(params![source, day_number(since)], |r| {
                Ok(UsageDay {
                    source: source.to_string(),
                    feature: r.get(0)?,
                    user: r.get(1)?,
                    day: chrono::NaiveDate::default() + chrono::Days::new(r.get::<_, i64>(2)?.max(0) as u64),
                    seconds: r.get(3)?,
                })
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// `notify` for one channel, under the database's write lock from the
    /// first read of its state to the last write: `run` gets what the
    /// channel was told and returns what it has been told now (sent, or
    /// nothing to send). A second `notify` at the same moment waits, then
    /// finds the state moved on: each change is sent once.
    pub fn notify_channel<T>(
        &mut self,
        channel: &str,
        run: impl FnOnce(&std::collections::HashMap<String, Notified>) -> (T, Vec<(String, Notified)>),
    ) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut known = std::collections::HashMap::new();
        {
            let mut stmt = tx.prepare("SELECT subject, state, sent_at FROM notify_state WHERE channel = ?1")?;
            let rows = stmt.query_map(params![channel], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
            for row in rows {
                let (subject, state, at) = row?;
                known.insert(subject, Notified { state, sent_at: ts(at) });
            }
        }
        let (out, told) = run(&known);
        {
            let mut put = tx.prepare(
                "INSERT INTO notify_state (channel, subject, state, sent_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (channel, subject) DO UPDATE SET state = excluded.state, sent_at = excluded.sent_at",
            )?;
            for (subject, n) in told {
                put.execute(params![channel, subject, n.state, n.sent_at.timestamp()])?;
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// What `channel` was told, without the lock (`notify --dry-run`).
    pub fn notified(&self, channel: &str) -> Result<std::collections::HashMap<String, Notified>> {
        let mut stmt = self.conn.prepare("SELECT subject, state, sent_at FROM notify_state WHERE channel = ?1")?;
        let rows =
            stmt.query_map(params![channel], |r| Ok((r.get::<_, String>(0)?, Notified { state: r.get(1)?, sent_at: ts(r.get(2)?) })))?;
        Ok(rows.collect::<Result<_, _>>()?)
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
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = taken_at.timestamp();
        let counted = Store::advance(&tx, Consumer::Record, logs, at)?;
        {
            let mut usage = tx.prepare_cached(
                "INSERT INTO log_usage (source, feature, user, day, seconds) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (source, feature, user, day) DO UPDATE SET seconds = seconds + excluded.seconds",
            )?;
            for log in logs.iter().filter(|l| counted.contains(&l.source)) {
                for ((feature, user), days) in &log.usage {
                    for (day, seconds) in days {
                        usage.execute(params![log.source, feature, user, day_number(*day), seconds])?;
                    }
                }
            }
        }
        tx.execute("INSERT INTO snapshots (taken_at, sources, failed) VALUES (?1, ?2, ?3)", params![at, sources as i64, failed as i64])?;
        let snapshot = tx.last_insert_rowid();
        {
            // A series recorded before ids (keyed `product/metric`) becomes the
            // series of the first vendor id seen for that product and metric.
            let mut adopt = tx.prepare_cached(
                "UPDATE series SET ident = ?2 WHERE source = ?1 AND product = ?3 AND metric = ?4 AND ident = product || '/' || metric
                 AND ident <> ?2 AND NOT EXISTS (SELECT 1 FROM series WHERE source = ?1 AND ident = ?2)",
            )?;
            let mut series = tx.prepare_cached(
                "INSERT INTO series (source, ident, kind, product, metric) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (source, ident) DO UPDATE SET kind = excluded.kind, product = excluded.product, metric = excluded.metric
                 RETURNING id",
            )?;
            let mut sample = tx.prepare_cached(
                r#"INSERT INTO samples (series_id, taken_at, snapshot_id, used, "limit", balance, expires_at, status, peak, denials)
                   VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"#,
            )?;
            let mut daily = tx.prepare_cached(
                "INSERT INTO daily (series_id, day, rows, n, sum_y, sum_t, sum_tt, sum_ty, min_y, max_y)
                 VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
                 ON CONFLICT (series_id, day) DO UPDATE SET
                    rows = rows + 1, n = n + excluded.n, sum_y = sum_y + excluded.sum_y, sum_t = sum_t + excluded.sum_t,
                    sum_tt = sum_tt + excluded.sum_tt, sum_ty = sum_ty + excluded.sum_ty,
                    min_y = CASE WHEN min_y IS NULL OR excluded.min_y < min_y THEN excluded.min_y ELSE min_y END,
                    max_y = CASE WHEN max_y IS NULL OR excluded.max_y > max_y THEN excluded.max_y ELSE max_y END",
            )?;
            let t = at.rem_euclid(86400) as f64 / 86400.0;
            for r in records {
                let ident = r.key();
                if r.has_own_id() {
                    adopt.execute(params![r.source, ident, r.product, r.metric])?;
                }
                let id: i64 = series.query_row(params![r.source, ident, r.kind, r.product, r.metric], |row| row.get(0))?;
                let used = r.used.map(i64::try_from).transpose()?;
                let limit = r.limit.map(i64::try_from).transpose()?;
                // What the log said, where this run's read of it counts.
                let logged = counted.contains(&r.source);
                let peak = r.details.get("peak").and_then(serde_json::Value::as_i64).filter(|_| logged);
                let denials = r
                    .details
                    .get("denials")
                    .and_then(serde_json::Value::as_object)
                    .map(|m| m.values().filter_map(serde_json::Value::as_i64).sum::<i64>())
                    .filter(|_| logged);
                sample.execute(params![
                    id,
                    at,
                    snapshot,
                    used,
                    limit,
                    r.balance,
                    r.expires_at.map(|t| t.timestamp()),
                    r.status.as_str(),
                    peak,
                    denials
                ])?;
                let (n, y, tt) = match used {
                    Some(u) => (1, u as f64, t),
                    None => (0, 0.0, 0.0),
                };
                daily.execute(params![id, at.div_euclid(86400), n, y, tt, tt * tt, tt * y, used])?;
            }
        }
        tx.commit()?;
        Ok(snapshot)
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
        let points = points.max(1);
        let mut stmt =
            self.conn.prepare("SELECT id, source, ident, kind, product, metric FROM series ORDER BY source, product, metric, ident")?;
        let series: Vec<(i64, String, String, String, String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?.collect::<Result<_, _>>()?;
        let from = since.timestamp();
        let span = (now.timestamp() - from).max(1);
        // Short ranges read samples only: the sparkline then has finer steps than days.
        let rollup_from = if span > 31 * 86400 { from.div_euclid(86400) + i64::from(from.rem_euclid(86400) != 0) } else { i64::MAX };
        let mut out = Vec::new();
        for (id, source, ident, kind, product, metric) in series {
            if !filter.matches(&source, &kind, &product, &metric) {
                continue;
            }
            let Some(first) = self.edge("ASC", id, from)? else { continue };
            let Some(last) = self.edge("DESC", id, from)? else { continue };
            // What the server's log said between the polls (sources with `log`).
            let (peak, denials): (Option<i64>, Option<i64>) = self
                .conn
                .prepare_cached("SELECT MAX(peak), SUM(denials) FROM samples WHERE series_id = ?1 AND taken_at >= ?2")?
                .query_row(params![id, from], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let mut acc = Acc::new(from, span, points);
            let raw_until = rollup_from.saturating_mul(86400);
            let mut raw =
                self.conn.prepare_cached("SELECT taken_at, used FROM samples WHERE series_id = ?1 AND taken_at >= ?2 AND taken_at < ?3")?;
            let mut rows = raw.query(params![id, from, raw_until])?;
            while let Some(row) = rows.next()? {
                acc.sample(row.get(0)?, row.get(1)?);
            }
            if rollup_from != i64::MAX {
                let mut days = self.conn.prepare_cached(
                    "SELECT day, rows, n, sum_y, sum_t, sum_tt, sum_ty, min_y, max_y FROM daily WHERE series_id = ?1 AND day >= ?2",
                )?;
                let mut rows = days.query(params![id, rollup_from])?;
                while let Some(r) = rows.next()? {
                    acc.day(Day {
                        day: r.get(0)?,
                        rows: r.get(1)?,
                        n: r.get(2)?,
                        sum_y: r.get(3)?,
                        sum_t: r.get(4)?,
                        sum_tt: r.get(5)?,
                        sum_ty: r.get(6)?,
                        min_y: r.get(7)?,
                        max_y: r.get(8)?,
                    });
                }
            }
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
            out.push(SeriesHistory {
                source,
                id: ident,
                kind,
                product,
                metric,
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
            });
        }
        Ok(out)
    }

    /// The samples of the series `ident` of `source` from `since` on, oldest
    /// first (`plan`); none when the history does not hold the series.
    pub fn samples(&self, source: &str, ident: &str, since: DateTime<Utc>) -> Result<Vec<Sample>> {
        let mut stmt = self.conn.prepare_cached(
            r#"SELECT s.taken_at, s.used, s."limit", s.peak, s.denials FROM samples s JOIN series r ON r.id = s.series_id
               WHERE r.source = ?1 AND r.ident = ?2 AND s.taken_at >= ?3 ORDER BY s.taken_at"#,
        )?;
        let rows = stmt.query_map(params![source, ident, since.timestamp()], |r| {
            Ok(Sample { at: ts(r.get(0)?), used: r.get(1)?, limit: r.get(2)?, peak: r.get(3)?, denials: r.get(4)? })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The source names and kinds the database holds series of.
    pub fn sources(&self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare("SELECT DISTINCT source, kind FROM series ORDER BY source")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn edge(&self, order: &str, id: i64, from: i64) -> Result<Option<Point>> {
        let sql = format!(
            r#"SELECT taken_at, used, "limit", balance FROM samples WHERE series_id = ?1 AND taken_at >= ?2 ORDER BY taken_at {order} LIMIT 1"#
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(params![id, from], |r| Ok(Point { at: ts(r.get(0)?), used: r.get(1)?, limit: r.get(2)?, balance: r.get(3)? }))
            .optional()?)
    }
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
    use super::*;

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
        let mut store = Store::open(&path).unwrap_or_else(|e| unreachable!("{e:#}"));
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

    #[test]
    fn the_daily_rollup_gives_the_same_figures_as_the_samples() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let mut store = Store::open(&dir.path().join("h.sqlite3")).unwrap_or_else(|e| unreachable!("{e:#}"));
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
        let mut store = Store::open(&dir.path().join("h.sqlite3")).unwrap_or_else(|e| unreachable!("{e:#}"));
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
        let store = Store::open(&dir.path().join("h.sqlite3")).unwrap_or_else(|e| unreachable!("{e:#}"));
        assert_eq!(store.history(&HistoryFilter::default(), start, now).map(|h| h.len()).unwrap_or(0), 1);
    }

    /// A flat series has no trend, whatever the float noise of the fit; one
    /// at or over its limit says so rather than forecasting.
    #[test]
    fn flat_series_have_no_trend_and_over_limit_is_said() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| unreachable!("{e}"));
        let mut store = Store::open(&dir.path().join("h.sqlite3")).unwrap_or_else(|e| unreachable!("{e:#}"));
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
