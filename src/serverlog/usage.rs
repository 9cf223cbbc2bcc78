//! Checkout time a read gave: license-seconds per (feature, user) and day.
//!
//! A busy server's year of log is millions of such rows; a read holds only
//! the day it is in ([`super::tally`] hands each day here as it closes).
//! Closed days are kept in memory up to [`SPILL_ROWS`] rows, then sorted and
//! written to an unnamed temporary file as a run (fixed-size rows, names by
//! number); reading merges the runs, so that the rows come sorted by
//! feature, user and day — the order of the history's key, in which a
//! database takes millions of rows fastest — while memory stays flat
//! whatever the log's length. A (feature, user, day) may come more than once
//! (a daemon's clock a little behind another's after midnight): whoever
//! reads the rows adds them up.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::io;

use chrono::NaiveDate;
use rustc_hash::FxHashMap as HashMap;

/// Rows kept in memory before they go to the temporary file.
const SPILL_ROWS: usize = 1 << 16;

/// One row as kept: names by number, the day as days from 0001-01-01.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Row {
    feature: u32,
    user: u32,
    day: i32,
    seconds: f64,
}

const ROW_BYTES: usize = 20;

impl Row {
    fn bytes(&self) -> [u8; ROW_BYTES] {
        let mut b = [0; ROW_BYTES];
        b[..4].copy_from_slice(&self.feature.to_le_bytes());
        b[4..8].copy_from_slice(&self.user.to_le_bytes());
        b[8..12].copy_from_slice(&self.day.to_le_bytes());
        b[12..].copy_from_slice(&self.seconds.to_le_bytes());
        b
    }

    fn of(b: &[u8]) -> Row {
        let word = |at: usize| [b[at], b[at + 1], b[at + 2], b[at + 3]];
        let mut seconds = [0; 8];
        seconds.copy_from_slice(&b[12..ROW_BYTES]);
        Row {
            feature: u32::from_le_bytes(word(0)),
            user: u32::from_le_bytes(word(4)),
            day: i32::from_le_bytes(word(8)),
            seconds: f64::from_le_bytes(seconds),
        }
    }
}

/// License-seconds per (feature, user) and day.
#[derive(Debug, Default)]
pub struct Usage {
    names: Vec<String>,
    numbers: HashMap<String, u32>,
    kept: Vec<Row>,
    spill: Option<Spill>,
    /// Set when the temporary file could not be written: the rows it should
    /// hold are lost, and reading them is an error, never a short count.
    lost: Option<String>,
    /// Where the temporary file goes (`None`: TMPDIR); a test's own place.
    spill_dir: Option<std::path::PathBuf>,
}

#[derive(Debug)]
struct Spill {
    file: std::fs::File,
    rows: u64,
    /// Each run's first row and length: sorted within.
    runs: Vec<(u64, u64)>,
}

impl Clone for Usage {
    fn clone(&self) -> Self {
        let spill = self.spill.as_ref().map(|s| s.file.try_clone().map(|file| Spill { file, rows: s.rows, runs: s.runs.clone() }));
        let lost = match &spill {
            Some(Err(e)) => Some(format!("the checkout time kept in a temporary file cannot be read again: {e}")),
            _ => self.lost.clone(),
        };
        Usage {
            names: self.names.clone(),
            numbers: self.numbers.clone(),
            kept: self.kept.clone(),
            spill: spill.and_then(Result::ok),
            lost,
            spill_dir: self.spill_dir.clone(),
        }
    }
}

impl Usage {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(n) = self.numbers.get(name) {
            return *n;
        }
        let n = self.names.len() as u32;
        self.names.push(name.to_string());
        self.numbers.insert(name.to_string(), n);
        n
    }

    /// `seconds` of `feature` held by `user` on `day`.
    pub fn add(&mut self, feature: &str, user: &str, day: NaiveDate, seconds: f64) {
        use chrono::Datelike;
        let row = Row { feature: self.number(feature), user: self.number(user), day: day.num_days_from_ce(), seconds };
        self.kept.push(row);
        if self.kept.len() >= SPILL_ROWS {
            self.spill_kept();
        }
    }

    #[cfg(unix)]
    fn spill_kept(&mut self) {
        use std::os::unix::fs::FileExt;
        if self.lost.is_some() {
            self.kept.clear();
            return;
        }
        let spill = match self.spill.take() {
            Some(s) => Ok(s),
            None => match &self.spill_dir {
                Some(dir) => tempfile::tempfile_in(dir),
                None => tempfile::tempfile(),
            }
            .map(|file| Spill { file, rows: 0, runs: Vec::new() }),
        };
        let names = &self.names;
        self.kept.sort_unstable_by(|a, b| by_name(names, a, b));
        let written = spill.and_then(|mut s| {
            let bytes: Vec<u8> = self.kept.iter().flat_map(Row::bytes).collect();
            s.file.write_all_at(&bytes, s.rows * ROW_BYTES as u64)?;
            s.runs.push((s.rows, self.kept.len() as u64));
            s.rows += self.kept.len() as u64;
            Ok(s)
        });
        match written {
            Ok(s) => self.spill = Some(s),
            Err(e) => self.lost = Some(format!("the checkout time could not be kept in a temporary file (TMPDIR): {e}")),
        }
        self.kept.clear();
    }

    /// Without positional writes, every row stays in memory.
    #[cfg(not(unix))]
    fn spill_kept(&mut self) {}

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.spill.as_ref().is_none_or(|s| s.rows == 0) && self.lost.is_none()
    }

    pub fn clear(&mut self) {
        *self = Usage::default();
    }

    /// Every row, sorted by feature, user and day: (feature, user, day, seconds).
    pub fn rows(&self) -> impl Iterator<Item = io::Result<(&str, &str, NaiveDate, f64)>> + '_ {
        let lost = self.lost.clone().map(|e| Err(io::Error::other(e)));
        // Each name's place in name order: rows compare as numbers.
        let mut order: Vec<u32> = (0..self.names.len() as u32).collect();
        order.sort_unstable_by(|a, b| self.names[*a as usize].cmp(&self.names[*b as usize]));
        let mut rank = vec![0u32; self.names.len()];
        for (place, n) in order.into_iter().enumerate() {
            rank[n as usize] = place as u32;
        }
        let mut kept = self.kept.clone();
        kept.sort_unstable_by(|a, b| by_name(&self.names, a, b));
        let mut runs: Vec<Run> = self
            .spill
            .iter()
            .flat_map(|s| {
                s.runs.iter().map(move |(at, len)| Run::Spilled { spill: s, at: *at, end: at + len, buffer: Vec::new(), next: 0 })
            })
            .collect();
        runs.push(Run::Kept(kept.into_iter()));
        let merged = Merge::new(runs, rank);
        lost.into_iter().chain(merged.map(|row| {
            let row = row?;
            let name = |n: u32| {
                self.names.get(n as usize).map(String::as_str).ok_or_else(|| io::Error::other("a checkout-time row names no name"))
            };
            let day = NaiveDate::from_num_days_from_ce_opt(row.day).ok_or_else(|| io::Error::other("a checkout-time row has no day"))?;
            Ok((name(row.feature)?, name(row.user)?, day, row.seconds))
        }))
    }

    /// The rows added up per (feature, user) and day.
    pub fn totals(&self) -> io::Result<std::collections::BTreeMap<(String, String), std::collections::BTreeMap<NaiveDate, f64>>> {
        let mut out: std::collections::BTreeMap<(String, String), std::collections::BTreeMap<NaiveDate, f64>> = Default::default();
        for row in self.rows() {
            let (feature, user, day, seconds) = row?;
            *out.entry((feature.to_string(), user.to_string())).or_default().entry(day).or_default() += seconds;
        }
        Ok(out)
    }
}

/// Rows in the order of the history's key: feature, user (by name), day.
fn by_name(names: &[String], a: &Row, b: &Row) -> Ordering {
    let name = |n: u32| names.get(n as usize).map(String::as_str).unwrap_or_default();
    (name(a.feature), name(a.user), a.day).cmp(&(name(b.feature), name(b.user), b.day))
}

/// Rows read back from a run at a time.
const READ_ROWS: u64 = 512;

/// One sorted run: in the temporary file, or the rows still in memory.
enum Run<'a> {
    Spilled { spill: &'a Spill, at: u64, end: u64, buffer: Vec<Row>, next: usize },
    Kept(std::vec::IntoIter<Row>),
}

impl Iterator for Run<'_> {
    type Item = io::Result<Row>;

    fn next(&mut self) -> Option<Self::Item> {
        let (spill, at, end, buffer, next) = match self {
            Run::Kept(rows) => return rows.next().map(Ok),
            Run::Spilled { spill, at, end, buffer, next } => (spill, at, end, buffer, next),
        };
        if *next == buffer.len() {
            if at == end {
                return None;
            }
            let n = (*end - *at).min(READ_ROWS) as usize;
            let mut bytes = vec![0; n * ROW_BYTES];
            if let Err(e) = read_at(&spill.file, &mut bytes, *at * ROW_BYTES as u64) {
                *at = *end;
                buffer.clear();
                *next = 0;
                return Some(Err(e));
            }
            *buffer = bytes.chunks_exact(ROW_BYTES).map(Row::of).collect();
            *next = 0;
            *at += n as u64;
        }
        *next += 1;
        Some(Ok(buffer[*next - 1]))
    }
}

/// A row's place: its feature's and user's places in name order, its day.
type Key = (u32, u32, i32);

/// The runs merged into one sorted stream.
struct Merge<'a> {
    runs: Vec<Run<'a>>,
    rank: Vec<u32>,
    /// Each run's next row, by key.
    heap: BinaryHeap<Reverse<(Key, usize)>>,
    heads: Vec<Option<Row>>,
    failed: Option<io::Error>,
}

impl<'a> Merge<'a> {
    fn new(runs: Vec<Run<'a>>, rank: Vec<u32>) -> Self {
        let n = runs.len();
        let mut m = Merge { runs, rank, heap: BinaryHeap::with_capacity(n), heads: vec![None; n], failed: None };
        for i in 0..n {
            m.advance(i);
        }
        m
    }

    fn key(&self, r: &Row) -> Key {
        let rank = |n: u32| self.rank.get(n as usize).copied().unwrap_or(u32::MAX);
        (rank(r.feature), rank(r.user), r.day)
    }

    fn advance(&mut self, i: usize) {
        match self.runs[i].next() {
            Some(Ok(row)) => {
                self.heap.push(Reverse((self.key(&row), i)));
                self.heads[i] = Some(row);
            }
            Some(Err(e)) => {
                self.failed.get_or_insert(e);
            }
            None => self.heads[i] = None,
        }
    }
}

impl Iterator for Merge<'_> {
    type Item = io::Result<Row>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.failed.take() {
            self.heap.clear();
            return Some(Err(e));
        }
        let Reverse((_, i)) = self.heap.pop()?;
        let row = self.heads[i].take()?;
        self.advance(i);
        Some(Ok(row))
    }
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, into: &mut [u8], at: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, into, at)
}

#[cfg(not(unix))]
fn read_at(_: &std::fs::File, _: &mut [u8], _: u64) -> io::Result<()> {
    Err(io::Error::other("no temporary file on this system"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the rows kept in memory, the rest come back from the file, all of
    /// them, sorted by feature, user and day (as the history's key), also
    /// through a clone.
    #[test]
    fn rows_past_memory_come_back_from_the_file_sorted() {
        let mut u = Usage::default();
        let day = |n: i32| NaiveDate::from_num_days_from_ce_opt(739_000 + n).unwrap_or_default();
        let n = SPILL_ROWS * 2 + 7;
        let mut expected = Vec::new();
        // Days in order, as a log closes them; users and features in no order.
        for i in 0..n {
            let (f, user, d) = (format!("f{}", (i * 7) % 3), format!("u{}", (i * 7919) % 1000), day((i / 1000) as i32));
            u.add(&f, &user, d, i as f64);
            expected.push((f, user, d, i as f64));
        }
        expected.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
        #[cfg(unix)]
        assert_eq!(u.spill.as_ref().map(|s| (s.rows, s.runs.len())), Some((2 * SPILL_ROWS as u64, 2)));
        for usage in [&u, &u.clone()] {
            let rows: Vec<_> = usage.rows().collect::<io::Result<_>>().unwrap_or_default();
            let rows: Vec<(String, String, NaiveDate, f64)> =
                rows.into_iter().map(|(f, user, d, s)| (f.to_string(), user.to_string(), d, s)).collect();
            assert_eq!(rows.len(), n);
            // The key in order; a key's rows (none repeat here) with their seconds.
            assert!(rows.iter().zip(&expected).all(|(a, b)| (&a.0, &a.1, a.2) == (&b.0, &b.1, b.2)));
            let mut seconds: Vec<u64> = rows.iter().map(|r| r.3 as u64).collect();
            seconds.sort_unstable();
            assert!(seconds.iter().enumerate().all(|(i, s)| *s == i as u64));
        }
        let mut twice = Usage::default();
        twice.add("f", "u", day(0), 1.5);
        twice.add("f", "u", day(0), 2.0);
        assert_eq!(twice.totals().ok().map(|t| t[&("f".to_string(), "u".to_string())][&day(0)]), Some(3.5));
        twice.clear();
        assert!(twice.is_empty());
    }

    /// Rows that could not be kept (no room for the temporary file) make
    /// reading them an error, never a short count.
    #[cfg(unix)]
    #[test]
    fn rows_that_could_not_be_kept_are_an_error() {
        let mut u = Usage { spill_dir: Some("/nonexistent/licusage-test".into()), ..Usage::default() };
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        for i in 0..SPILL_ROWS + 3 {
            u.add("f", &format!("u{i}"), day, 1.0);
        }
        assert!(!u.is_empty());
        let first = u.rows().next().map(|r| r.map(|_| ()).map_err(|e| e.to_string()));
        assert!(matches!(&first, Some(Err(e)) if e.contains("temporary file")), "{first:?}");
        assert!(u.totals().is_err());
        assert!(u.clone().totals().is_err());
    }
}
