//! The FlexLM debug log (what lmgrd and its vendor daemons write, the
//! `lmgrd.log`): the checkouts, check-ins and denials between two `lmstat`
//! reads, as servers really write them (`fixtures/flexlm/debuglog/real/`,
//! v10.8 to v11.19, Linux and Windows, CRLF, a BOM, concatenated logs).
//!
//! A line is `H:MM:SS (daemon) TEXT`, the hour blank-padded or zero-padded.
//! Events: `OUT: "feature" user@host  [cdstring] (N licenses)`, `IN:` (may end
//! `(SHUTDOWN)` or `(INACTIVE)`), `DENIED:`, `QUEUED:`, `DEQUEUED:` and
//! `UNSUPPORTED:` (`"feature" (KEY) user@host  (reason (-18,327))`), the
//! reason the last parenthesised text. The date is not on the line: it comes
//! from `TIMESTAMP m/d/yyyy`, from lmgrd's start line (`… started on HOST
//! (…) (m/d/yyyy)`), and rolls over at midnight when the time goes back.
//! Lines that are none of these (banners, feature lists, a malformed time) are
//! skipped, never guessed at.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// What an event line says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Out,
    In,
    Denied,
    Queued,
    Dequeued,
    Unsupported,
}

impl What {
    fn of(word: &str) -> Option<What> {
        Some(match word {
            "OUT" => What::Out,
            "IN" => What::In,
            "DENIED" => What::Denied,
            "QUEUED" => What::Queued,
            "DEQUEUED" => What::Dequeued,
            "UNSUPPORTED" => What::Unsupported,
            _ => return None,
        })
    }
}

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When, where the log has said the date by then.
    pub at: Option<NaiveDateTime>,
    pub daemon: String,
    pub what: What,
    pub feature: String,
    pub user: String,
    pub host: Option<String>,
    /// `(N licenses)`, else 1.
    pub count: u64,
    /// A denial's or an unsupported request's reason; `SHUTDOWN` or
    /// `INACTIVE` for such a check-in.
    pub reason: Option<String>,
}

/// What a line of the log is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Event(Event),
    /// `TIMESTAMP m/d/yyyy`.
    Timestamp { daemon: String, date: NaiveDate },
    /// lmgrd started (a new log, or a restart): usage starts from nothing.
    Started { date: Option<NaiveDate> },
    Other,
}

/// Reads the lines of a log in order, keeping the date.
#[derive(Debug, Default)]
pub struct Reader {
    date: Option<NaiveDate>,
    last: Option<NaiveTime>,
}

impl Reader {
    pub fn line(&mut self, raw: &str) -> Line {
        let text = raw.trim_start_matches('\u{feff}').trim_end_matches(['\r', '\n']);
        let Some((time, daemon, rest)) = split(text) else { return Line::Other };
        // Midnight: the time goes back (by more than a few minutes, as
        // daemons' lines may interleave a little out of order).
        if let (Some(last), Some(date)) = (self.last, self.date) {
            if last.signed_duration_since(time) > Duration::minutes(30) {
                self.date = date.succ_opt();
            }
        }
        self.last = Some(time);
        if let Some(date) = rest.strip_prefix("TIMESTAMP ").and_then(|d| mdy(d.trim())) {
            self.date = Some(date);
            return Line::Timestamp { daemon: daemon.to_string(), date };
        }
        if daemon == "lmgrd" && rest.contains("Licensing (") && rest.contains(" started on ") {
            let date = rest.trim_end().strip_suffix(')').and_then(|r| r.rsplit_once('(')).and_then(|(_, d)| mdy(d));
            if date.is_some() {
                self.date = date;
            }
            return Line::Started { date };
        }
        let Some((word, event)) = rest.split_once(": ") else { return Line::Other };
        let Some(what) = What::of(word) else { return Line::Other };
        match event_of(what, daemon, event) {
            Some(mut e) => {
                e.at = self.date.map(|d| d.and_time(time));
                Line::Event(e)
            }
            None => Line::Other,
        }
    }
}

/// `H:MM:SS (daemon) rest`.
fn split(text: &str) -> Option<(NaiveTime, &str, &str)> {
    let text = text.trim_start();
    let (time, rest) = text.split_once(' ')?;
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S").ok()?;
    let rest = rest.strip_prefix('(')?;
    let (daemon, rest) = rest.split_once(')')?;
    Some((time, daemon, rest.trim_start()))
}

/// `m/d/yyyy`.
fn mdy(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('/');
    let (m, d, y) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.trim().parse().ok()?);
    NaiveDate::from_ymd_opt(y, m, d)
}

/// `"feature" [(KEY)] user@host  [[cdstring]] [(N licenses)] [(reason)]`.
fn event_of(what: What, daemon: &str, text: &str) -> Option<Event> {
    let text = text.trim();
    let (feature, rest) = match text.strip_prefix('"') {
        Some(quoted) => quoted.split_once('"')?,
        None => text.split_once(' ')?,
    };
    let mut rest = rest.trim();
    // An unsupported request names the key it asked with first.
    if what == What::Unsupported {
        if let Some(after) = rest.strip_prefix('(').and_then(|r| r.split_once(')')).map(|(_, a)| a) {
            rest = after.trim();
        }
    }
    // The trailing groups, last first: `(reason (code))`, `(N licenses)`, `[cdstring]`.
    let mut count = 1;
    let mut reason = None;
    loop {
        let trimmed = rest.trim_end();
        if let Some(inner) = trailing_group(trimmed, '(', ')') {
            let body = &trimmed[trimmed.len() - inner - 1..trimmed.len() - 1];
            rest = trimmed[..trimmed.len() - inner - 2].trim_end();
            match body.strip_suffix(" licenses").or_else(|| body.strip_suffix(" license")).and_then(|n| n.trim().parse().ok()) {
                Some(n) => count = n,
                None if reason.is_none() => reason = Some(body.to_string()),
                None => {}
            }
            continue;
        }
        if let Some(inner) = trailing_group(trimmed, '[', ']') {
            rest = trimmed[..trimmed.len() - inner - 2].trim_end();
            continue;
        }
        break;
    }
    let who = rest.trim();
    if who.is_empty() {
        return None;
    }
    let (user, host) = match who.rsplit_once('@') {
        Some((u, h)) => (u.trim().to_string(), Some(h.trim().to_string())),
        None => (who.to_string(), None),
    };
    Some(Event { at: None, daemon: daemon.to_string(), what, feature: feature.to_string(), user, host, count, reason })
}

/// The length of the text inside a group that ends `text` (`(…)` with its
/// own nested parentheses, or `[…]`), when `text` ends with one.
fn trailing_group(text: &str, open: char, close: char) -> Option<usize> {
    if !text.ends_with(close) {
        return None;
    }
    let mut depth = 0;
    for (i, c) in text.char_indices().rev() {
        if c == close {
            depth += 1;
        } else if c == open {
            depth -= 1;
            if depth == 0 {
                return Some(text.len() - i - 2);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every real log, read whole: its events by kind, its TIMESTAMP and
    /// lmgrd start lines, as counted by hand (fixtures/flexlm/debuglog/real/README.md).
    #[test]
    fn real_logs_give_the_hand_counts() {
        // file: OUT, IN, DENIED, UNSUPPORTED, TIMESTAMP
        let expected: &[(&str, [usize; 5])] = &[
            ("ansys-v10.8-crlf-shutdown-2009", [2, 2, 0, 0, 0]),
            ("msc-v11.19-windows-crlf-anonymized-2026", [21, 21, 0, 0, 0]),
            ("partek-v11.9-windows-denied-2014", [110, 107, 94, 1, 46]),
            ("partek-v11.4-linux-shutdown-restart-2016", [119, 131, 25, 1, 41]),
            ("partek-v11.4-linux-reread-denied-2016", [50, 56, 183, 0, 14]),
            ("partek-v11.4-windows-concatenated-start-2015", [52, 35, 0, 9, 2]),
            ("partek-v11.4-windows-vendor-restart-2015", [25, 37, 0, 0, 1]),
            ("autodesk-v11.18-windows-packages-2022", [28, 14, 0, 2, 0]),
            ("maple-v11.7-windows-bom-2022", [4, 4, 0, 0, 12]),
            ("matlab-v11.18-windows-start-2022", [221, 3, 0, 6, 0]),
            ("matlab-v11.18-windows-shutdown-2022", [0, 33, 0, 0, 1]),
            ("ansys-v11.13-linux-counts-2017", [9, 8, 0, 0, 6]),
            ("autodesk-v11.12-windows-2016", [38, 30, 0, 0, 4]),
            ("autodesk-v11.14-windows-denied-2018", [34, 27, 2, 0, 4]),
            // The hand count is 2 and 2: one of each has a malformed time
            // (`12:49:3a9`, edited by its publisher), skipped rather than guessed at.
            ("siemens-ugslmd-v11.16-windows-edited-2021", [1, 1, 0, 0, 0]),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/flexlm/debuglog/real");
        for (name, want) in expected {
            let bytes = std::fs::read(dir.join(format!("{name}.log"))).unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes);
            let mut reader = Reader::default();
            let mut counts = [0usize; 5];
            for line in text.lines() {
                match reader.line(line) {
                    Line::Event(e) => match e.what {
                        What::Out => counts[0] += 1,
                        What::In => counts[1] += 1,
                        What::Denied => counts[2] += 1,
                        What::Unsupported => counts[3] += 1,
                        What::Queued | What::Dequeued => {}
                    },
                    Line::Timestamp { .. } => counts[4] += 1,
                    _ => {}
                }
            }
            assert_eq!(&counts, want, "{name}: OUT, IN, DENIED, UNSUPPORTED, TIMESTAMP");
        }
    }

    #[test]
    fn counts_reasons_users_and_dates() {
        let mut r = Reader::default();
        assert_eq!(r.line("17:17:45 (lmgrd) FlexNet Licensing (v11.13.1.2 build 173085 x64_lsb) started on flux (linux) (1/8/2017)"), Line::Started {
            date: NaiveDate::from_ymd_opt(2017, 1, 8)
        });
        let Line::Event(e) = r.line("17:20:01 (ansyslmd) OUT: \"hfsshpc\" ab@flux-login2  (20 licenses) ") else { unreachable!() };
        assert_eq!((e.feature.as_str(), e.user.as_str(), e.host.as_deref(), e.count), ("hfsshpc", "ab", Some("flux-login2"), 20));
        assert_eq!(e.at, NaiveDate::from_ymd_opt(2017, 1, 8).and_then(|d| d.and_hms_opt(17, 20, 1)));
        let line = "18:28:58 (adskflex) DENIED: \"64300ACD_F\" TonyMontana@ANOTHERONE  (Licensed number of users already reached. (-4,342))";
        let Line::Event(e) = r.line(line) else { unreachable!() };
        assert_eq!((e.what, e.reason.as_deref()), (What::Denied, Some("Licensed number of users already reached. (-4,342)")));
        let line = "19:42:42 (adskflex) UNSUPPORTED: \"87537INVPROSA_2022_0F\" (00B0 EF6E AFC6 B280 ) UPM@upm00243  (No such feature exists. (-5,346))";
        let Line::Event(e) = r.line(line) else { unreachable!() };
        assert_eq!((e.user.as_str(), e.host.as_deref()), ("UPM", Some("upm00243")));
        // Past midnight without a TIMESTAMP: the next day.
        assert_eq!(r.line("23:59:00 (lmgrd) something"), Line::Other);
        let Line::Event(e) = r.line(" 0:01:00 (ansyslmd) IN: \"aa_r\" José Juan Galera@Plasmon  (SHUTDOWN)") else { unreachable!() };
        assert_eq!(e.at, NaiveDate::from_ymd_opt(2017, 1, 9).and_then(|d| d.and_hms_opt(0, 1, 0)));
        assert_eq!((e.user.as_str(), e.reason.as_deref()), ("José Juan Galera", Some("SHUTDOWN")));
        let Line::Event(e) = r.line("10:00:00 (MSC) OUT: \"MSCONE\" user_01@machine_01 [MSCONE:NASTRAN] (6 licenses)") else { unreachable!() };
        assert_eq!((e.user.as_str(), e.count), ("user_01", 6));
        assert_eq!(r.line("10:00:01 (MLM) SERVER-OUT: \"x\" a@b"), Line::Other);
    }
}
