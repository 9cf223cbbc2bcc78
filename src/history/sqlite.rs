//! The history in an embedded SQLite file, the default. WAL, one transaction
//! per snapshot and a busy timeout make concurrent cron runs and a kill at any
//! moment leave it consistent.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{moves, ts, Backend, Consumer, Day, Notified, Parts, Point, Range, Sample, SeriesRow, Tell, Write};

/// Schema migrations, applied in order; `PRAGMA user_version` is how many ran.
pub(super) const MIGRATIONS: &[&str] = &[
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
"#, // Snapshot tokens (a write retried after a lost connection, a copy to
    // a server) and the store's own identity, which names the snapshots of
    // this file that were made before tokens.
    r#"
ALTER TABLE snapshots ADD COLUMN token TEXT;
CREATE UNIQUE INDEX snapshots_token ON snapshots (token);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))));
-- A vendor id adopting a series from before ids looks it up by product.
CREATE INDEX series_product ON series (source, product, metric);
-- The logs' true peak and denials per day too, so that a year of them is
-- read from the rollup, not from every sample.
ALTER TABLE daily ADD COLUMN peak INTEGER;
ALTER TABLE daily ADD COLUMN denials INTEGER;
UPDATE daily SET
    peak = (SELECT MAX(s.peak) FROM samples s
            WHERE s.series_id = daily.series_id AND s.taken_at >= daily.day * 86400 AND s.taken_at < daily.day * 86400 + 86400),
    denials = (SELECT SUM(s.denials) FROM samples s
               WHERE s.series_id = daily.series_id AND s.taken_at >= daily.day * 86400 AND s.taken_at < daily.day * 86400 + 86400)
WHERE daily.series_id IN (SELECT DISTINCT series_id FROM samples WHERE peak IS NOT NULL OR denials IS NOT NULL);
"#,
];

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

pub(super) struct Db {
    conn: Connection,
}

/// Another application's database, refused with what to do.
fn not_ours(path: &Path, why: &str, write: bool) -> anyhow::Error {
    let what = match write {
        true => ": left as it is; set [history] path to a file of licusage's own",
        false => "",
    };
    crate::error::UsageError(format!("{} is not a licusage history database ({why}){what}", path.display())).into()
}

impl Db {
    pub(super) fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let conn = Connection::open(path).with_context(|| format!("opening history database {}", path.display()))?;
        conn.busy_timeout(BUSY)?;
        // Nothing written to another application's database, not even WAL mode.
        if let Some(why) = foreign(&conn).with_context(|| format!("opening history database {}", path.display()))? {
            return Err(not_ours(path, &why, true));
        }
        let context = || format!("setting up history database {}", path.display());
        use_wal(&conn).with_context(context)?;
        conn.pragma_update(None, "synchronous", "NORMAL").with_context(context)?;
        let mut db = Db { conn };
        db.migrate().with_context(context)?;
        Ok(db)
    }

    /// Open read-only; `None` when the schema is older and the file must be
    /// opened for writing to bring it up to date.
    pub(super) fn open_read(path: &Path) -> Result<Option<Self>> {
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
            return Err(not_ours(path, &why, false));
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
            return Db::open(path).map(Some).with_context(|| {
                format!("{shown} has an older schema ({version}) and cannot be upgraded here: run `licusage record` once with write access")
            });
        }
        Ok(Some(Db { conn }))
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

    /// The connection, for a copy to a server.
    pub(super) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Move `consumer`'s cursors on to where these reads left the logs, each
    /// only if no other run moved it meanwhile (else that run counted those
    /// lines), and add the checkout time of those that count.
    fn advance(tx: &rusqlite::Transaction, w: &Write) -> Result<HashSet<String>> {
        let mut won = HashSet::new();
        let consumer = w.consumer.as_str();
        for log in w.logs {
            let stored = tx
                .query_row("SELECT path, cursor FROM log_cursors WHERE source = ?1 AND consumer = ?2", params![log.source, consumer], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            if !moves(stored, log) {
                continue;
            }
            tx.execute(
                cursor_put!("?"),
                params![log.source, consumer, log.path.to_string_lossy(), serde_json::to_string(&log.after)?, w.at],
            )?;
            won.insert(log.source.clone());
        }
        if w.consumer == Consumer::Record {
            let mut usage = tx.prepare_cached(USAGE_PUT)?;
            for log in w.logs.iter().filter(|l| won.contains(&l.source)) {
                for row in log.usage.rows() {
                    let (feature, user, day, seconds) = row?;
                    usage.execute(params![log.source, feature, user, super::day_number(day), seconds])?;
                }
            }
        }
        Ok(won)
    }

    fn snapshot(tx: &rusqlite::Transaction, w: &Write, s: &super::Snapshot, counted: &HashSet<String>) -> Result<i64> {
        tx.execute(
            "INSERT INTO snapshots (taken_at, sources, failed, token) VALUES (?1, ?2, ?3, ?4)",
            params![w.at, s.sources, s.failed, s.token],
        )?;
        let snapshot = tx.last_insert_rowid();
        // A series recorded before ids (keyed `product/metric`) becomes the
        // series of the first vendor id seen for that product and metric.
        let mut adopt = tx.prepare_cached(ADOPT)?;
        let mut series = tx.prepare_cached(SERIES)?;
        let mut sample = tx.prepare_cached(SAMPLE)?;
        let mut daily = tx.prepare_cached(DAILY)?;
        for r in &s.rows {
            if r.adopt {
                adopt.execute(params![r.source, r.ident, r.product, r.metric])?;
            }
            let id: i64 = series.query_row(params![r.source, r.ident, r.kind, r.product, r.metric], |row| row.get(0))?;
            let (peak, denials) = r.logged(counted);
            sample.execute(params![id, w.at, snapshot, r.used, r.limit, r.balance, r.expires_at, r.status, peak, denials])?;
            let (n, y, t) = r.daily(w.at);
            daily.execute(params![id, w.at.div_euclid(86400), n, y, t, t * t, t * y, r.used, peak, denials])?;
        }
        Ok(snapshot)
    }
}

/// The statements of a snapshot, in the parameter order both databases bind.
pub(super) const ADOPT: &str =
    "UPDATE series SET ident = ?2 WHERE source = ?1 AND product = ?3 AND metric = ?4 AND ident = product || '/' || metric
     AND ident <> ?2 AND NOT EXISTS (SELECT 1 FROM series WHERE source = ?1 AND ident = ?2)";
pub(super) const SERIES: &str = "INSERT INTO series (source, ident, kind, product, metric) VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (source, ident) DO UPDATE SET kind = excluded.kind, product = excluded.product, metric = excluded.metric
     RETURNING id";
pub(super) const SAMPLE: &str = r#"INSERT INTO samples (series_id, taken_at, snapshot_id, used, "limit", balance, expires_at, status, peak, denials)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"#;
pub(super) const DAILY: &str = concat!(
    "INSERT INTO daily (series_id, day, rows, n, sum_y, sum_t, sum_tt, sum_ty, min_y, max_y, peak, denials)
     VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10)",
    daily_merge!()
);
pub(super) const USAGE_PUT: &str = r#"INSERT INTO log_usage (source, feature, "user", day, seconds) VALUES (?1, ?2, ?3, ?4, ?5)
     ON CONFLICT (source, feature, "user", day) DO UPDATE SET seconds = log_usage.seconds + excluded.seconds"#;

/// The reads, in the parameter order both databases bind.
pub(super) const CURSOR: &str = "SELECT path, cursor FROM log_cursors WHERE source = ?1 AND consumer = ?2";
pub(super) const USAGE: &str = r#"SELECT feature, "user", day, seconds FROM log_usage WHERE source = ?1 AND day >= ?2"#;
pub(super) const NOTIFIED: &str = "SELECT subject, state, sent_at FROM notify_state WHERE channel = ?1";
pub(super) const TOLD: &str = "INSERT INTO notify_state (channel, subject, state, sent_at) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (channel, subject) DO UPDATE SET state = excluded.state, sent_at = excluded.sent_at";
pub(super) const ALL_SERIES: &str = "SELECT id, source, ident, kind, product, metric FROM series ORDER BY source, product, metric, ident";
pub(super) const FIRST: &str =
    r#"SELECT taken_at, used, "limit", balance FROM samples WHERE series_id = ?1 AND taken_at >= ?2 ORDER BY taken_at ASC LIMIT 1"#;
pub(super) const LAST: &str =
    r#"SELECT taken_at, used, "limit", balance FROM samples WHERE series_id = ?1 AND taken_at >= ?2 ORDER BY taken_at DESC LIMIT 1"#;
/// The logs' peak and denials over [?2, ?3) from the samples and from day ?4 on from the rollup.
pub(super) const LOGGED: &str = "SELECT MAX(p), CAST(SUM(d) AS BIGINT) FROM (
        SELECT peak AS p, denials AS d FROM samples WHERE series_id = ?1 AND taken_at >= ?2 AND taken_at < ?3
        UNION ALL
        SELECT peak, denials FROM daily WHERE series_id = ?1 AND day >= ?4) AS logged";
pub(super) const RAW: &str = "SELECT taken_at, used FROM samples WHERE series_id = ?1 AND taken_at >= ?2 AND taken_at < ?3";
pub(super) const DAYS: &str =
    "SELECT day, rows, n, sum_y, sum_t, sum_tt, sum_ty, min_y, max_y FROM daily WHERE series_id = ?1 AND day >= ?2 ORDER BY day";
pub(super) const SAMPLES: &str = r#"SELECT s.taken_at, s.used, s."limit", s.peak, s.denials FROM samples s JOIN series r ON r.id = s.series_id
     WHERE r.source = ?1 AND r.ident = ?2 AND s.taken_at >= ?3 ORDER BY s.taken_at"#;
pub(super) const SOURCES: &str = "SELECT DISTINCT source, kind FROM series ORDER BY source";

impl Backend for Db {
    fn cursor(&mut self, source: &str, consumer: Consumer) -> Result<Option<(String, String)>> {
        Ok(self.conn.prepare_cached(CURSOR)?.query_row(params![source, consumer.as_str()], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
    }

    fn write(&mut self, w: &Write) -> Result<(i64, HashSet<String>)> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let counted = Db::advance(&tx, w)?;
        let id = match &w.snapshot {
            Some(s) => Db::snapshot(&tx, w, s, &counted)?,
            None => 0,
        };
        tx.commit()?;
        Ok((id, counted))
    }

    fn usage(&mut self, source: &str, since: i64) -> Result<Vec<(String, String, i64, f64)>> {
        let mut stmt = self.conn.prepare_cached(USAGE)?;
        let rows = stmt.query_map(params![source, since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn notified(&mut self, channel: &str) -> Result<HashMap<String, Notified>> {
        let mut stmt = self.conn.prepare_cached(NOTIFIED)?;
        let rows =
            stmt.query_map(params![channel], |r| Ok((r.get::<_, String>(0)?, Notified { state: r.get(1)?, sent_at: ts(r.get(2)?) })))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn notify_channel(&mut self, channel: &str, run: Tell) -> Result<()> {
        // The database's write lock from the first read to the last write.
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let known = {
            let mut stmt = tx.prepare_cached(NOTIFIED)?;
            let rows =
                stmt.query_map(params![channel], |r| Ok((r.get::<_, String>(0)?, Notified { state: r.get(1)?, sent_at: ts(r.get(2)?) })))?;
            rows.collect::<Result<HashMap<_, _>, _>>()?
        };
        {
            let mut put = tx.prepare_cached(TOLD)?;
            for (subject, n) in run(&known) {
                put.execute(params![channel, subject, n.state, n.sent_at.timestamp()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn series(&mut self) -> Result<Vec<SeriesRow>> {
        let mut stmt = self.conn.prepare_cached(ALL_SERIES)?;
        let rows = stmt.query_map([], |r| {
            Ok(SeriesRow { id: r.get(0)?, source: r.get(1)?, ident: r.get(2)?, kind: r.get(3)?, product: r.get(4)?, metric: r.get(5)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn parts(&mut self, ids: &[i64], range: &Range) -> Result<Vec<Option<Parts>>> {
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let (Some(first), Some(last)) = (self.edge(id, range.from, false)?, self.edge(id, range.from, true)?) else {
                out.push(None);
                continue;
            };
            let (peak, denials) = self.logged(id, range.from, range.until, range.day)?;
            let raw = self.raw(id, range.from, range.until)?;
            let days = if range.day == i64::MAX { Vec::new() } else { self.days(id, range.day)? };
            out.push(Some(Parts { first, last, peak, denials, raw, days }));
        }
        Ok(out)
    }

    fn samples(&mut self, series: &[(&str, &str)], since: i64) -> Result<Vec<Vec<Sample>>> {
        let mut stmt = self.conn.prepare_cached(SAMPLES)?;
        let mut out = Vec::with_capacity(series.len());
        for (source, ident) in series {
            let rows = stmt.query_map(params![source, ident, since], |r| {
                Ok(Sample { at: ts(r.get(0)?), used: r.get(1)?, limit: r.get(2)?, peak: r.get(3)?, denials: r.get(4)? })
            })?;
            out.push(rows.collect::<Result<_, _>>()?);
        }
        Ok(out)
    }

    fn sources(&mut self) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(SOURCES)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A series at a time: in-process, a query costs microseconds.
impl Db {
    fn edge(&mut self, id: i64, from: i64, last: bool) -> Result<Option<Point>> {
        Ok(self
            .conn
            .prepare_cached(if last { LAST } else { FIRST })?
            .query_row(params![id, from], |r| Ok(Point { at: ts(r.get(0)?), used: r.get(1)?, limit: r.get(2)?, balance: r.get(3)? }))
            .optional()?)
    }

    fn logged(&mut self, id: i64, from: i64, until: i64, day: i64) -> Result<(Option<i64>, Option<i64>)> {
        Ok(self.conn.prepare_cached(LOGGED)?.query_row(params![id, from, until, day], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }

    fn raw(&mut self, id: i64, from: i64, until: i64) -> Result<Vec<(i64, Option<i64>)>> {
        let mut stmt = self.conn.prepare_cached(RAW)?;
        let rows = stmt.query_map(params![id, from, until], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn days(&mut self, id: i64, from: i64) -> Result<Vec<Day>> {
        let mut stmt = self.conn.prepare_cached(DAYS)?;
        let rows = stmt.query_map(params![id, from], |r| {
            Ok(Day {
                day: r.get(0)?,
                rows: r.get(1)?,
                n: r.get(2)?,
                sum_y: r.get(3)?,
                sum_t: r.get(4)?,
                sum_tt: r.get(5)?,
                sum_ty: r.get(6)?,
                min_y: r.get(7)?,
                max_y: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
