//! The property every log format is held to: a log read in pieces — cut
//! anywhere, a line half written at a read, or rotated by a rename between
//! two reads — counts what it counts read whole: no denial, checkout or
//! second of checkout time lost or doubled, the same use carried on and the
//! same peak (`vendors::flexlm::debuglog`, `vendors::rlm::reportlog` give
//! it their lines).

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

use super::{read_log, Cursor, Format, Reason};

/// What a read (or reads one after another) found: denials per feature
/// and reason, checkouts, the peak and the use at the end per feature (its
/// daemon and pool), and checkout time per (feature, user, day).
#[derive(Debug, Default, PartialEq)]
struct Found {
    denials: BTreeMap<(String, Reason), u64>,
    checkouts: BTreeMap<String, u64>,
    peak: BTreeMap<String, u64>,
    in_use: BTreeMap<String, u64>,
    /// Whole milliseconds: the same time summed in other pieces.
    milliseconds: BTreeMap<(String, String, String), i64>,
}

impl Found {
    fn add(&mut self, path: &Path, format: &dyn Format, from: Option<&Cursor>) -> Cursor {
        let read = read_log(path, format, from, None, true).unwrap();
        for ((feature, daemon, pool), f) in &read.tally.features {
            let key = format!("{feature} {daemon:?} {pool:?}");
            for (reason, n) in &f.denials {
                *self.denials.entry((key.clone(), *reason)).or_default() += n;
            }
            *self.checkouts.entry(key.clone()).or_default() += f.checkouts;
            let peak = self.peak.entry(key.clone()).or_default();
            *peak = (*peak).max(f.peak);
            self.in_use.insert(key, f.in_use);
        }
        for row in read.tally.usage.rows() {
            let (feature, user, day, seconds) = row.unwrap();
            *self.milliseconds.entry((feature.into(), user.into(), day.to_string())).or_default() += (seconds * 1000.0).round() as i64;
        }
        read.cursor
    }
}

fn append(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    std::fs::OpenOptions::new().append(true).create(true).open(path).and_then(|mut f| f.write_all(bytes)).unwrap();
}

/// `lines` (each ending in a newline) read whole, then in pieces cut at
/// `cuts` (fractions of the text), then (with `rotate`) read to a line two
/// thirds into the first half, the rest of that half written, the file
/// renamed away and the second half written to a new one: the same counts
/// each way.
pub fn check(format: &dyn Format, lines: &[String], cuts: &[f64], rotate: bool) -> Result<(), TestCaseError> {
    let text: String = lines.concat();
    let dir = tempfile::tempdir().unwrap();
    let whole_path = dir.path().join("whole.log");
    std::fs::write(&whole_path, &text).unwrap();
    let mut whole = Found::default();
    whole.add(&whole_path, format, None);

    let log = dir.path().join("lmgrd.log");
    let mut at: Vec<usize> = cuts.iter().map(|c| (c * text.len() as f64) as usize).collect();
    at.sort_unstable();
    at.push(text.len());
    std::fs::write(&log, "").unwrap();
    let mut pieces = Found::default();
    let mut cursor: Option<Cursor> = None;
    let mut start = 0;
    for end in at {
        append(&log, &text.as_bytes()[start..end]);
        cursor = Some(pieces.add(&log, format, cursor.as_ref()));
        start = end;
    }
    prop_assert_eq!(&pieces, &whole, "read in pieces at {:?}", cuts);

    if rotate && lines.len() > 2 {
        let (first, rest) = (lines[..lines.len() / 2].concat(), lines[lines.len() / 2..].concat());
        let read_to = first.as_bytes()[..first.len() * 2 / 3].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let rotated = dir.path().join("rotated.log");
        std::fs::write(&rotated, &first[..read_to]).unwrap();
        let mut found = Found::default();
        let cursor = found.add(&rotated, format, None);
        append(&rotated, &first.as_bytes()[read_to..]);
        std::fs::rename(&rotated, dir.path().join("rotated.log.1")).unwrap();
        std::fs::write(&rotated, &rest).unwrap();
        found.add(&rotated, format, Some(&cursor));
        prop_assert_eq!(&found, &whole, "rotated");
    }
    Ok(())
}
