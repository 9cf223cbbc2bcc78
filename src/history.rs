//! The history store (SPEC §7): snapshots of every record in an embedded
//! SQLite database. WAL, one transaction per snapshot and a busy timeout make
//! concurrent cron runs and a kill at any moment leave it consistent.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::record::Record;
use crate::select::Glob;

/// Schema migrations, applied in order; `PRAGMA user_version` is how many ran.
const MIGRATIONS: &[&str] = &[r#"
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
"#];

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

impl Store {
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let conn = Connection::open(path).with_context(|| format!("opening history database {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(30))?;
        let context = || format!("setting up history database {}", path.display());
        conn.pragma_update(None, "journal_mode", "WAL").with_context(context)?;
        conn.pragma_update(None, "synchronous", "NORMAL").with_context(context)?;
        let mut store = Store { conn, path: path.to_path_buf() };
        store.migrate().with_context(context)?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
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
        tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)?;
        tx.commit()?;
        Ok(())
    }

    /// Append one snapshot in one transaction; returns its id.
    pub fn record(&mut self, taken_at: DateTime<Utc>, records: &[Record], sources: usize, failed: usize) -> Result<i64> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = taken_at.timestamp();
        tx.execute("INSERT INTO snapshots (taken_at, sources, failed) VALUES (?1, ?2, ?3)", params![at, sources as i64, failed as i64])?;
        let snapshot = tx.last_insert_rowid();
        {
            let mut series = tx.prepare_cached(
                "INSERT INTO series (source, kind, product, metric) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (source, product, metric) DO UPDATE SET kind = excluded.kind RETURNING id",
            )?;
            let mut sample = tx.prepare_cached(
                r#"INSERT INTO samples (series_id, taken_at, snapshot_id, used, "limit", balance, expires_at, status)
                   VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"#,
            )?;
            for r in records {
                let id: i64 = series.query_row(params![r.source, r.kind, r.product, r.metric], |row| row.get(0))?;
                let used = r.used.map(i64::try_from).transpose()?;
                let limit = r.limit.map(i64::try_from).transpose()?;
                sample.execute(params![
                    id,
                    at,
                    snapshot,
                    used,
                    limit,
                    r.balance,
                    r.expires_at.map(|t| t.timestamp()),
                    r.status.as_str()
                ])?;
            }
        }
        tx.commit()?;
        Ok(snapshot)
    }

    /// Per series matching the filter: samples since `since` summarized.
    pub fn history(&self, filter: &HistoryFilter, since: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<SeriesHistory>> {
        let mut stmt = self.conn.prepare("SELECT id, source, kind, product, metric FROM series ORDER BY source, product, metric")?;
        let series: Vec<(i64, String, String, String, String)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect::<Result<_, _>>()?;
        let from = since.timestamp();
        let span = (now.timestamp() - from).max(1);
        let mut out = Vec::new();
        let edge = |order: &str, id: i64| -> Result<Option<Point>> {
            let sql = format!(
                r#"SELECT taken_at, used, "limit", balance FROM samples WHERE series_id = ?1 AND taken_at >= ?2 ORDER BY taken_at {order} LIMIT 1"#
            );
            Ok(self
                .conn
                .prepare_cached(&sql)?
                .query_row(params![id, from], |r| Ok(Point { at: ts(r.get(0)?), used: r.get(1)?, limit: r.get(2)?, balance: r.get(3)? }))
                .optional()?)
        };
        let mut buckets = self.conn.prepare_cached(
            "SELECT (taken_at - ?2) * ?3 / ?4 AS b, COUNT(used), AVG(used), MIN(used), MAX(used),
                    SUM((taken_at - ?2) / 86400.0), SUM(((taken_at - ?2) / 86400.0) * ((taken_at - ?2) / 86400.0)),
                    SUM(((taken_at - ?2) / 86400.0) * used), SUM(used)
             FROM samples WHERE series_id = ?1 AND taken_at >= ?2 AND used IS NOT NULL GROUP BY b ORDER BY b",
        )?;
        for (id, source, kind, product, metric) in series {
            if !filter.matches(&source, &product, &metric) {
                continue;
            }
            let Some(first) = edge("ASC", id)? else { continue };
            let Some(last) = edge("DESC", id)? else { continue };
            let mut spark = vec![None; SPARK_WIDTH as usize];
            let (mut n, mut sx, mut sxx, mut sxy, mut sy) = (0f64, 0f64, 0f64, 0f64, 0f64);
            let (mut min, mut max) = (None::<i64>, None::<i64>);
            let rows = buckets.query_map(params![id, from, SPARK_WIDTH, span], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, f64>(1)?,
                    r.get::<_, Option<f64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, Option<f64>>(5)?,
                    r.get::<_, Option<f64>>(6)?,
                    r.get::<_, Option<f64>>(7)?,
                    r.get::<_, Option<f64>>(8)?,
                ))
            })?;
            for row in rows {
                let (b, count, avg, lo, hi, x, xx, xy, y) = row?;
                if let Some(slot) = usize::try_from(b.clamp(0, SPARK_WIDTH - 1)).ok().and_then(|i| spark.get_mut(i)) {
                    *slot = avg;
                }
                n += count;
                sx += x.unwrap_or(0.0);
                sxx += xx.unwrap_or(0.0);
                sxy += xy.unwrap_or(0.0);
                sy += y.unwrap_or(0.0);
                min = match (min, lo) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                max = match (max, hi) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
            }
            let denominator = n * sxx - sx * sx;
            let trend = (n >= 2.0 && denominator.abs() > f64::EPSILON).then(|| (n * sxy - sx * sy) / denominator);
            let exhausted_at = match (trend, last.balance) {
                (Some(slope), Some(balance)) if slope > 0.0 && balance > 0 => {
                    let days = balance as f64 / slope;
                    (days < 365.0 * 100.0).then(|| last.at + chrono::Duration::seconds((days * 86400.0) as i64))
                }
                (Some(slope), Some(balance)) if slope > 0.0 && balance <= 0 => Some(last.at),
                _ => None,
            };
            out.push(SeriesHistory {
                source,
                kind,
                product,
                metric,
                samples: self.count(id, from)?,
                first,
                last,
                min,
                max,
                trend_per_day: trend,
                exhausted_at,
                sparkline: sparkline(&spark),
            });
        }
        Ok(out)
    }

    fn count(&self, id: i64, from: i64) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM samples WHERE series_id = ?1 AND taken_at >= ?2")?
            .query_row(params![id, from], |r| r.get(0))?;
        Ok(n.unsigned_abs())
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

/// A series over the asked range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesHistory {
    pub source: String,
    pub kind: String,
    pub product: String,
    pub metric: String,
    pub samples: u64,
    pub first: Point,
    pub last: Point,
    pub min: Option<i64>,
    pub max: Option<i64>,
    /// Least-squares slope of `used`, in units per day.
    pub trend_per_day: Option<f64>,
    /// When the balance reaches zero at that trend (only when usage grows).
    pub exhausted_at: Option<DateTime<Utc>>,
    pub sparkline: String,
}

/// `--source`, `--product`, `--metric` globs for `history`.
#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    pub sources: Vec<Glob>,
    pub products: Vec<Glob>,
    pub metrics: Vec<Glob>,
}

impl HistoryFilter {
    fn matches(&self, source: &str, product: &str, metric: &str) -> bool {
        let any = |globs: &[Glob], v: &str| globs.is_empty() || globs.iter().any(|g| g.matches(v));
        any(&self.sources, source) && any(&self.products, product) && any(&self.metrics, metric)
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
}
