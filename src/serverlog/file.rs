//! Reading a log from where the previous read stopped.
//!
//! A [`Cursor`] says which file was read (device and inode, and its first
//! bytes, so that a file replaced under a reused inode is noticed) and where
//! the next read starts: after the last whole line. A line still being
//! written is left for the next read. When the file at the path is another
//! one (renamed away by a rotation), the rest of the old file is read first
//! from where it was left, found by its inode beside the new one
//! (`lmgrd.log.1`, `lmgrd.log-20261207`, …), then the new file from its
//! start; when it is shorter than the offset (truncated, `copytruncate`), it
//! is read from its start. Nothing is counted twice, and nothing is lost that
//! is still on disk. Lines go through a fixed buffer: a first read of a
//! gigabyte log runs in the same memory as a read of a few lines.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::tally::{Carry, Tally};
use super::Format;

/// How many first bytes of a file identify it beside its inode.
const HEAD: usize = 64;
/// A line longer than this is skipped (no log writes one; a binary file might).
const MAX_LINE: usize = 64 * 1024;
/// How often (in lines) a long read looks at its deadline.
const CHECK_EVERY: u64 = 1 << 16;
/// A read of this many lines none of which has the format's shape is an
/// error (a few lines may be a header, or noise).
const UNREAD_LINES: u64 = 20;

/// Where a log's next read starts, and what it carries over.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// The file read last: device and inode (0 where the system has none).
    pub dev: u64,
    pub ino: u64,
    /// Its first bytes, hex.
    pub head: String,
    /// After the last whole line read.
    pub offset: u64,
    /// The kind's line reader's carry-over (the date, the year).
    #[serde(default)]
    pub lines: Option<serde_json::Value>,
    /// The replay's carry-over (use per feature, checkouts still out, totals).
    #[serde(default)]
    pub tally: Carry,
}

/// What one read of a log found.
#[derive(Debug)]
pub struct LogRead {
    pub tally: Tally,
    /// Where the next read starts.
    pub cursor: Cursor,
    /// The file was rotated, truncated or replaced since the previous read.
    pub rotated: bool,
    /// Bytes read.
    pub bytes: u64,
}

/// Read `path` on from `from` (from its start when there is no cursor),
/// replaying its events with `format`. `ends` bounds a long first read;
/// `timed`: checkout time is followed too.
pub fn read_log(path: &Path, format: &dyn Format, from: Option<&Cursor>, ends: Option<Instant>, timed: bool) -> Result<LogRead, String> {
    let shown = path.display();
    let mut file = File::open(path).map_err(|e| format!("log {shown}: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("log {shown}: {e}"))?;
    if meta.is_dir() {
        return Err(format!("log {shown}: it is a directory"));
    }
    let (dev, ino) = identity(&meta);
    let head = head_of(&mut file).map_err(|e| format!("log {shown}: {e}"))?;
    let mut lines = format.lines(from.and_then(|c| c.lines.as_ref()));
    let mut tally = Tally::new(from.map(|c| c.tally.clone()).unwrap_or_default(), timed);
    let mut reading = Reading { lines: lines.as_mut(), tally: &mut tally, ends, count: 0 };
    let mut rotated = false;
    let mut bytes = 0;
    let start = match from {
        None => 0,
        Some(c) if c.dev == dev && c.ino == ino && same_head(&c.head, &head) && meta.len() >= c.offset => c.offset,
        Some(c) => {
            rotated = true;
            // The rest of the old file, wherever the rotation left it.
            if let Some(old) = find_rotated(path, c, (dev, ino)) {
                if let Ok(mut f) = File::open(&old) {
                    f.seek(SeekFrom::Start(c.offset)).map_err(|e| format!("log {}: {e}", old.display()))?;
                    let (read, _) = reading.lines_of(f, true).map_err(|e| format!("log {}: {e}", old.display()))?;
                    bytes += read;
                }
            }
            0
        }
    };
    file.seek(SeekFrom::Start(start)).map_err(|e| format!("log {shown}: {e}"))?;
    let (read, whole) = reading.lines_of(file, false).map_err(|e| format!("log {shown}: {e}"))?;
    bytes += read;
    if let Some(why) = reading.lines.refused() {
        return Err(format!("log {shown}: {why}"));
    }
    if reading.count >= UNREAD_LINES && reading.lines.understood() == Some(0) {
        return Err(format!("log {shown}: none of the {} lines read is {}: is `log` the right file?", reading.count, format.shape()));
    }
    tally.finish();
    let cursor = Cursor { dev, ino, head: hex(&head), offset: start + whole, lines: Some(lines.save()), tally: tally.carry.clone() };
    Ok(LogRead { tally, cursor, rotated, bytes })
}

/// A read's line reader and replay.
struct Reading<'a> {
    lines: &'a mut dyn super::Lines,
    tally: &'a mut Tally,
    ends: Option<Instant>,
    count: u64,
}

impl Reading<'_> {
    /// Feed the lines of `file` from where it stands; with `to_end`, a last
    /// line without its newline too (a file that will not grow). Returns the
    /// bytes read and the bytes of whole lines (where the next read starts).
    fn lines_of(&mut self, file: File, to_end: bool) -> io::Result<(u64, u64)> {
        let mut input = BufReader::with_capacity(256 * 1024, file);
        let mut line: Vec<u8> = Vec::with_capacity(256);
        let mut long = false;
        let (mut read, mut whole) = (0u64, 0u64);
        loop {
            let buf = input.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            if line.is_empty() && !long {
                // The whole lines in the buffer, where they lie: no copy, one
                // UTF-8 check for all of them, newlines found by one pass.
                if let Some(last) = memchr::memrchr(b'\n', buf) {
                    let lines = &buf[..=last];
                    match std::str::from_utf8(lines) {
                        Ok(text) => {
                            let mut start = 0;
                            for end in memchr::memchr_iter(b'\n', lines) {
                                let one = &text[start..=end];
                                if one.len() <= MAX_LINE {
                                    self.feed_text(one)?;
                                }
                                start = end + 1;
                            }
                        }
                        Err(_) => {
                            for one in lines.split_inclusive(|b| *b == b'\n') {
                                if one.len() <= MAX_LINE {
                                    self.feed(one)?;
                                }
                            }
                        }
                    }
                    input.consume(last + 1);
                    read += last as u64 + 1;
                    whole = read;
                    continue;
                }
            }
            let (taken, ended) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if !long && line.len() + taken <= MAX_LINE {
                line.extend_from_slice(&buf[..taken]);
            } else {
                long = true;
                line.clear();
            }
            input.consume(taken);
            read += taken as u64;
            if ended {
                whole = read;
                if !long {
                    self.feed(&line)?;
                }
                line.clear();
                long = false;
            }
        }
        if to_end && !line.is_empty() && !long {
            self.feed(&line)?;
            whole = read;
        }
        Ok((read, whole))
    }

    fn feed(&mut self, raw: &[u8]) -> io::Result<()> {
        // Valid UTF-8 (nearly every line) is checked at SIMD speed; the rest made lossy.
        match std::str::from_utf8(raw) {
            Ok(text) => self.feed_text(text),
            Err(_) => self.feed_text(&String::from_utf8_lossy(raw)),
        }
    }

    fn feed_text(&mut self, text: &str) -> io::Result<()> {
        self.count += 1;
        if self.count.is_multiple_of(CHECK_EVERY) && self.ends.is_some_and(|e| Instant::now() >= e) {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "not read to its end within the source's deadline: raise the source's `deadline` for a first read of a large log",
            ));
        }
        if let Some(event) = self.lines.line(text) {
            self.tally.event(&event);
        }
        Ok(())
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

fn head_of(file: &mut File) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD);
    file.by_ref().take(HEAD as u64).read_to_end(&mut head)?;
    Ok(head)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the file's first bytes are those it had (it may have grown).
fn same_head(was: &str, now: &[u8]) -> bool {
    let now = hex(now);
    now.starts_with(was)
}

/// The file the cursor was on, beside `path` after a rotation, among the
/// files whose names start with the log's: renamed away (its inode and
/// first bytes), or else copied before the log was truncated in place
/// (`copytruncate`: its first bytes, and at least as long as was read).
fn find_rotated(path: &Path, c: &Cursor, now: (u64, u64)) -> Option<PathBuf> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name()?.to_string_lossy().into_owned();
    let stem = Path::new(&name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| name.clone());
    let mut renamed = None;
    let mut copies = Vec::new();
    for p in std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()) {
        let Some(file_name) = p.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
        if file_name == name || !file_name.starts_with(&stem) {
            continue;
        }
        let Ok(meta) = std::fs::metadata(&p) else { continue };
        if !meta.is_file() || !File::open(&p).and_then(|mut f| head_of(&mut f)).is_ok_and(|h| same_head(&c.head, &h)) {
            continue;
        }
        let id = identity(&meta);
        if id == (c.dev, c.ino) && id != now {
            renamed = Some(p);
        } else if (c.dev, c.ino) == now && meta.len() >= c.offset {
            copies.push((meta.modified().ok(), p));
        }
    }
    // The newest copy: an older rotation of the same file is shorter or older.
    renamed.or_else(|| copies.into_iter().max_by_key(|(at, _)| *at).map(|(_, p)| p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serverlog::{Event, Lines, Reason, What};

    /// A log of lines `DENIED <feature>`, one denial each.
    #[derive(Debug)]
    struct Denials;

    struct DenialLines;

    impl Lines for DenialLines {
        fn line<'a>(&mut self, line: &'a str) -> Option<Event<'a>> {
            let feature = line.trim_end().strip_prefix("DENIED ")?;
            Some(Event {
                at: None,
                what: What::Denied(Reason::Limit),
                feature: feature.into(),
                daemon: None,
                user: "u".into(),
                host: "h".into(),
                count: 1,
                cur_use: None,
                pool: None,
            })
        }
        fn save(&self) -> serde_json::Value {
            serde_json::Value::Null
        }
    }

    impl Format for Denials {
        fn lines(&self, _: Option<&serde_json::Value>) -> Box<dyn Lines> {
            Box::new(DenialLines)
        }
    }

    fn denied(lines: &[&str]) -> String {
        lines.iter().map(|f| format!("DENIED {f}\n")).collect()
    }

    /// Denials per feature this read, and the cursor for the next.
    fn read(path: &Path, from: Option<&Cursor>) -> (Vec<(String, u64)>, Cursor, bool) {
        let read = read_log(path, &Denials, from, None, true).unwrap();
        let counts =
            read.tally.features.iter().map(|((f, _, _), t)| (f.clone(), t.denials.values().sum())).filter(|(_, n)| *n > 0).collect();
        (counts, read.cursor, read.rotated)
    }

    fn append(path: &Path, text: &str) {
        use std::io::Write;
        std::fs::OpenOptions::new().append(true).create(true).open(path).unwrap().write_all(text.as_bytes()).unwrap();
    }

    fn n(f: &str, k: u64) -> (String, u64) {
        (f.to_string(), k)
    }

    #[test]
    fn a_line_still_being_written_waits_for_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("lmgrd.log");
        std::fs::write(&log, "DENIED a\nDENIED b").unwrap();
        let (got, cursor, _) = read(&log, None);
        assert_eq!((got, cursor.offset), (vec![n("a", 1)], 9));
        append(&log, "\nDENIED c\n");
        let (got, cursor, rotated) = read(&log, Some(&cursor));
        assert_eq!((got, rotated), (vec![n("b", 1), n("c", 1)], false));
        // Nothing new: nothing counted.
        let (got, _, _) = read(&log, Some(&cursor));
        assert!(got.is_empty());
    }

    /// Lines read where they lie in the buffer and lines carried across its
    /// end count alike: over-long lines skipped, invalid UTF-8 made lossy,
    /// CRLF, a line on the 256 KiB boundary, and the offset of whole lines.
    #[test]
    fn every_line_counts_once_wherever_it_falls_in_the_buffer() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("lmgrd.log");
        let mut text: Vec<u8> = Vec::new();
        let mut want = std::collections::BTreeMap::new();
        let mut i = 0;
        while text.len() < 700 * 1024 {
            let feature = format!("f{}", i % 7);
            match i % 5 {
                0 => text.extend_from_slice(format!("DENIED {feature}\r\n").as_bytes()),
                // Not UTF-8 in the first buffer only: the others are read as text whole.
                1 if text.len() < 100 * 1024 => text.extend_from_slice(b"noise \xff\xfe not UTF-8\n"),
                1 => text.extend_from_slice(b"noise\n"),
                2 if i % 50 == 2 => {
                    // Longer than a line may be: skipped whole, DENIED and all.
                    text.extend_from_slice(b"DENIED long ");
                    text.resize(text.len() + MAX_LINE, b'x');
                    text.push(b'\n');
                    i += 1;
                    continue;
                }
                _ => text.extend_from_slice(format!("DENIED {feature}\n").as_bytes()),
            }
            if i % 5 != 1 {
                *want.entry(feature).or_insert(0u64) += 1;
            }
            i += 1;
        }
        // A denial whose bytes straddle the first buffer's end.
        let at = 256 * 1024 - 3;
        let before = text[..at].iter().rposition(|b| *b == b'\n').unwrap() + 1;
        text.splice(before..before, b"DENIED edge\n".iter().copied());
        want.insert("edge".to_string(), 1);
        text.extend_from_slice(b"DENIED unfinished");
        std::fs::write(&log, &text).unwrap();
        let (got, cursor, _) = read(&log, None);
        assert_eq!(got, want.into_iter().collect::<Vec<_>>());
        assert_eq!(cursor.offset as usize, text.len() - b"DENIED unfinished".len());
    }

    #[test]
    fn a_rotation_by_rename_loses_and_doubles_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("lmgrd.log");
        std::fs::write(&log, denied(&["a", "a"])).unwrap();
        let (_, cursor, _) = read(&log, None);
        // Written after the read, then the file renamed away and a new one begun.
        append(&log, &denied(&["b"]));
        std::fs::rename(&log, dir.path().join("lmgrd.log.1")).unwrap();
        std::fs::write(&log, denied(&["c", "c", "c"])).unwrap();
        let (got, cursor, rotated) = read(&log, Some(&cursor));
        assert_eq!((got, rotated), (vec![n("b", 1), n("c", 3)], true));
        let (got, _, rotated) = read(&log, Some(&cursor));
        assert_eq!((got, rotated), (vec![], false));
    }

    #[test]
    fn a_copy_then_truncate_rotation_loses_and_doubles_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("lmgrd.log");
        std::fs::write(&log, denied(&["a"])).unwrap();
        let (_, cursor, _) = read(&log, None);
        append(&log, &denied(&["b", "b"]));
        std::fs::copy(&log, dir.path().join("lmgrd.log-20261207")).unwrap();
        std::fs::write(&log, denied(&["c"])).unwrap();
        let (got, _, rotated) = read(&log, Some(&cursor));
        assert_eq!((got, rotated), (vec![n("b", 2), n("c", 1)], true));
    }

    #[test]
    fn a_log_started_afresh_in_place_is_read_from_its_start() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("lmgrd.log");
        std::fs::write(&log, denied(&["a", "a", "a"])).unwrap();
        let (_, cursor, _) = read(&log, None);
        // Longer than before, other first bytes: not the file that was read.
        std::fs::write(&log, denied(&["zz", "zz", "zz", "zz"])).unwrap();
        let (got, _, rotated) = read(&log, Some(&cursor));
        assert_eq!((got, rotated), (vec![n("zz", 4)], true));
    }

    #[test]
    fn a_missing_log_or_a_directory_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read_log(&dir.path().join("nope.log"), &Denials, None, None, false).unwrap_err();
        assert!(missing.starts_with("log ") && missing.contains("nope.log"), "{missing}");
        let folder = read_log(dir.path(), &Denials, None, None, false).unwrap_err();
        assert!(folder.contains("directory"), "{folder}");
    }
}
