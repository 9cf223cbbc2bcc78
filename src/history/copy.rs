//! `history migrate --to URL`: a local SQLite history copied into a
//! PostgreSQL one, in one transaction, verified by counts before it commits.
//! Snapshots are known by their token (or, made before tokens, by the file's
//! store id and their number), so a second copy adds only what is new and
//! two collectors' files merge into one history.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use rusqlite::params;

use super::postgres::{Db as Pg, LOCK, LOCK_WRITE};
use super::sqlite::Db as Lite;
use super::Server;

/// What a copy did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Copied {
    pub series: u64,
    /// Snapshots copied now, and those the target already had.
    pub snapshots: u64,
    pub skipped: u64,
    pub samples: u64,
    /// The target's counts of this file's snapshots and their samples, after the copy.
    pub verified_snapshots: u64,
    pub verified_samples: u64,
}

/// The daily rollup of the samples copied, added to the target's as
/// `record` adds each sample's.
const DAILY_ADD: &str = concat!(
    "INSERT INTO daily (series_id, day, rows, n, sum_y, sum_t, sum_tt, sum_ty, min_y, max_y, peak, denials)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    daily_merge!()
);

/// One series' day of samples, summed.
#[derive(Default)]
struct Rollup {
    rows: i64,
    n: i64,
    sum_y: f64,
    sum_t: f64,
    sum_tt: f64,
    sum_ty: f64,
    min_y: Option<i64>,
    max_y: Option<i64>,
    peak: Option<i64>,
    denials: Option<i64>,
}

impl Rollup {
    fn add(&mut self, at: i64, used: Option<i64>, peak: Option<i64>, denials: Option<i64>) {
        self.rows += 1;
        self.peak = self.peak.max(peak);
        if let Some(d) = denials {
            self.denials = Some(self.denials.unwrap_or(0) + d);
        }
        let Some(u) = used else { return };
        let (y, t) = (u as f64, at.rem_euclid(86400) as f64 / 86400.0);
        self.n += 1;
        self.sum_y += y;
        self.sum_t += t;
        self.sum_tt += t * t;
        self.sum_ty += t * y;
        self.min_y = Some(self.min_y.map_or(u, |m| m.min(u)));
        self.max_y = Some(self.max_y.map_or(u, |m| m.max(u)));
    }
}

/// Copy the history at `from` into `to`.
pub fn copy(from: &Path, to: &Server) -> Result<Copied> {
    let lite = match Lite::open_read(from)? {
        Some(db) => db,
        None => Lite::open(from)?,
    };
    let local = lite.conn();
    let store: String = local.query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get(0))?;
    let mut pg = Pg::open(to, true, true)?;
    let client = pg.client()?;
    let mut tx = client.transaction().with_context(|| format!("copying into {to}"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1, $2)", &[&LOCK, &LOCK_WRITE])?;
    let mut out = Copied::default();
    let series = copy_series(&mut tx, local, &mut out)?;
    let (snapshots, tokens) = copy_snapshots(&mut tx, local, &store, &mut out)?;
    copy_samples(&mut tx, local, &series, &snapshots, &mut out)?;
    copy_state(&mut tx, local, &store)?;

    // Verified by counts before it commits: every snapshot of the file is
    // in the target, with all of its samples.
    let (want_snapshots, want_samples): (i64, i64) =
        local.query_row("SELECT (SELECT COUNT(*) FROM snapshots), (SELECT COUNT(*) FROM samples)", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let row = tx.query_one(
        "SELECT COUNT(DISTINCT n.id), COUNT(s.snapshot_id) FROM snapshots n LEFT JOIN samples s ON s.snapshot_id = n.id WHERE n.token = ANY($1)",
        &[&tokens],
    )?;
    let (got_snapshots, got_samples): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    if (got_snapshots, got_samples) != (want_snapshots, want_samples) {
        anyhow::bail!(
            "copying {} into {to}: the target would hold {got_snapshots} of its {want_snapshots} snapshots and {got_samples} of its {want_samples} samples; nothing was copied",
            from.display()
        );
    }
    out.verified_snapshots = got_snapshots.unsigned_abs();
    out.verified_samples = got_samples.unsigned_abs();
    tx.commit().with_context(|| format!("copying into {to}"))?;
    Ok(out)
}

/// Series: the target's id of each local one, made where it has none.
fn copy_series(tx: &mut postgres::Transaction, local: &rusqlite::Connection, out: &mut Copied) -> Result<HashMap<i64, i64>> {
    let mut series = HashMap::new();
    let put = tx.prepare(
        "INSERT INTO series (source, ident, kind, product, metric) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (source, ident) DO UPDATE SET source = series.source RETURNING id",
    )?;
    let mut stmt = local.prepare("SELECT id, source, ident, kind, product, metric FROM series")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (source, ident, kind, product, metric): (String, String, String, String, String) =
            (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        let id: i64 = tx.query_one(&put, &[&source, &ident, &kind, &product, &metric])?.try_get(0)?;
        series.insert(r.get::<_, i64>(0)?, id);
        out.series += 1;
    }
    Ok(series)
}

/// Snapshots the target does not have yet: the target's id of each copied
/// now, and the tokens of all (made before tokens: the file's id and number).
fn copy_snapshots(
    tx: &mut postgres::Transaction,
    local: &rusqlite::Connection,
    store: &str,
    out: &mut Copied,
) -> Result<(HashMap<i64, i64>, Vec<String>)> {
    let mut snapshots = HashMap::new();
    let mut tokens = Vec::new();
    let put = tx.prepare(
        "INSERT INTO snapshots (taken_at, sources, failed, token) VALUES ($1, $2, $3, $4) ON CONFLICT (token) DO NOTHING RETURNING id",
    )?;
    let mut stmt = local.prepare("SELECT id, taken_at, sources, failed, token FROM snapshots ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let token = r.get::<_, Option<String>>(4)?.unwrap_or_else(|| format!("{store}:{id}"));
        match tx.query_opt(&put, &[&r.get::<_, i64>(1)?, &r.get::<_, i64>(2)?, &r.get::<_, i64>(3)?, &token])? {
            Some(row) => {
                snapshots.insert(id, row.try_get::<_, i64>(0)?);
                out.snapshots += 1;
            }
            None => out.skipped += 1,
        }
        tokens.push(token);
    }
    Ok((snapshots, tokens))
}

/// The samples of the snapshots copied now, streamed (`COPY … BINARY`);
/// the daily rollup summed as `record` sums it.
fn copy_samples(
    tx: &mut postgres::Transaction,
    local: &rusqlite::Connection,
    series: &HashMap<i64, i64>,
    snapshots: &HashMap<i64, i64>,
    out: &mut Copied,
) -> Result<()> {
    let mut days: HashMap<(i64, i64), Rollup> = HashMap::new();
    {
        let sink = tx.copy_in(
            r#"COPY samples (series_id, taken_at, snapshot_id, used, "limit", balance, expires_at, status, peak, denials) FROM STDIN BINARY"#,
        )?;
        let types =
            [Type::INT8, Type::INT8, Type::INT8, Type::INT8, Type::INT8, Type::INT8, Type::INT8, Type::TEXT, Type::INT8, Type::INT8];
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        let mut stmt = local.prepare(
            r#"SELECT series_id, taken_at, snapshot_id, used, "limit", balance, expires_at, status, peak, denials FROM samples"#,
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(snapshot) = snapshots.get(&r.get::<_, i64>(2)?) else { continue };
            let series_id = *series.get(&r.get::<_, i64>(0)?).context("a sample of a series the file does not hold")?;
            let (at, used, status): (i64, Option<i64>, String) = (r.get(1)?, r.get(3)?, r.get(7)?);
            let counts: [Option<i64>; 5] = [r.get(4)?, r.get(5)?, r.get(6)?, r.get(8)?, r.get(9)?];
            let [limit, balance, expires, peak, denials] = counts;
            writer.write(&[&series_id, &at, snapshot, &used, &limit, &balance, &expires, &status, &peak, &denials])?;
            out.samples += 1;
            days.entry((series_id, at.div_euclid(86400))).or_default().add(at, used, peak, denials);
        }
        writer.finish()?;
    }
    let daily = tx.prepare(DAILY_ADD)?;
    let mut ordered: Vec<_> = days.into_iter().collect();
    ordered.sort_by_key(|(k, _)| *k);
    for ((series_id, day), d) in ordered {
        tx.execute(
            &daily,
            &[&series_id, &day, &d.rows, &d.n, &d.sum_y, &d.sum_t, &d.sum_tt, &d.sum_ty, &d.min_y, &d.max_y, &d.peak, &d.denials],
        )?;
    }
    Ok(())
}

/// The logs' cursors (the newer kept), and, on a file's first copy, its
/// checkout time and what `notify` told (the target's own kept).
fn copy_state(tx: &mut postgres::Transaction, local: &rusqlite::Connection, store: &str) -> Result<()> {
    let put = tx.prepare(concat!(cursor_put!("$"), " WHERE excluded.read_at > log_cursors.read_at"))?;
    let mut stmt = local.prepare("SELECT source, consumer, path, cursor, read_at FROM log_cursors")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (a, b, c, d, e): (String, String, String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        tx.execute(&put, &[&a, &b, &c, &d, &e])?;
    }
    let key = format!("copied {store}");
    if tx.execute("INSERT INTO meta (key, value) VALUES ($1, 'yes') ON CONFLICT (key) DO NOTHING", &[&key])? == 0 {
        return Ok(());
    }
    let put = tx.prepare(
        r#"INSERT INTO log_usage (source, feature, "user", day, seconds) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (source, feature, "user", day) DO UPDATE SET seconds = log_usage.seconds + excluded.seconds"#,
    )?;
    let mut stmt = local.prepare(r#"SELECT source, feature, "user", day, seconds FROM log_usage"#)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (a, b, c, d, e): (String, String, String, i64, f64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        tx.execute(&put, &[&a, &b, &c, &d, &e])?;
    }
    let put = tx.prepare(
        "INSERT INTO notify_state (channel, subject, state, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT (channel, subject) DO NOTHING",
    )?;
    let mut stmt = local.prepare("SELECT channel, subject, state, sent_at FROM notify_state")?;
    let mut rows = stmt.query(params![])?;
    while let Some(r) = rows.next()? {
        let (a, b, c, d): (String, String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        tx.execute(&put, &[&a, &b, &c, &d])?;
    }
    Ok(())
}
