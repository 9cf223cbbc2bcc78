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

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::serverlog::{self, Reason};

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

/// One event of the log, its words borrowed from the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    /// When, where the log has said the date by then.
    pub at: Option<NaiveDateTime>,
    pub daemon: &'a str,
    pub what: What,
    pub feature: &'a str,
    pub user: &'a str,
    pub host: Option<&'a str>,
    /// `(N licenses)`, else 1.
    pub count: u64,
    /// A denial's or an unsupported request's reason; `SHUTDOWN` or
    /// `INACTIVE` for such a check-in.
    pub reason: Option<&'a str>,
}

/// What a line of the log is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line<'a> {
    Event(Event<'a>),
    /// `TIMESTAMP m/d/yyyy`.
    Timestamp { daemon: &'a str, date: NaiveDate },
    /// lmgrd started (a new log, or a restart): usage starts from nothing.
    Started { date: Option<NaiveDate> },
    /// lmgrd restarted a vendor daemon that had exited (`REStarted MLM (pid
    /// 3452)`): what it served is no longer out, whether or not it wrote
    /// its check-ins before it went.
    Restarted { daemon: &'a str },
    Other,
}

/// Reads the lines of a log in order, keeping the date.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Reader {
    date: Option<NaiveDate>,
    last: Option<NaiveTime>,
    /// Lines of this read with a time and a daemon.
    #[serde(skip)]
    understood: u64,
}

impl Reader {
    pub fn line<'a>(&mut self, raw: &'a str) -> Line<'a> {
        let text = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let text = text.strip_suffix('\n').unwrap_or(text);
        let text = text.strip_suffix('\r').unwrap_or(text);
        let Some((stamp, daemon, rest)) = split(text) else { return Line::Other };
        self.understood += 1;
        let time = match stamp {
            // `lmgrd -datestamp`: the date is on the line.
            Stamp::Full(at) => {
                self.date = Some(at.date());
                at.time()
            }
            Stamp::Time(time) => {
                // Midnight: the time goes back (by more than a few minutes,
                // as daemons' lines may interleave a little out of order) —
                // but not by an hour at most in the small hours: lmgrd writes
                // local time, and when daylight saving time ends it writes an
                // hour again (01:59 → 01:00). Across a real midnight a
                // running lmgrd's lines go back further: it writes a
                // TIMESTAMP every six hours.
                if let (Some(last), Some(date)) = (self.last, self.date) {
                    // In seconds: this runs for every line.
                    let back = i64::from(last.num_seconds_from_midnight()) - i64::from(time.num_seconds_from_midnight());
                    let hour_again = back <= 65 * 60 && time.hour() < 4;
                    if back > 30 * 60 && !hour_again {
                        self.date = date.succ_opt();
                    }
                }
                time
            }
        };
        self.last = Some(time);
        if let Some(date) = rest.strip_prefix("TIMESTAMP ").and_then(|d| mdy(d.trim())) {
            self.date = Some(date);
            return Line::Timestamp { daemon, date };
        }
        if daemon == "lmgrd" && rest.contains("Licensing (") && rest.contains(" started on ") {
            let date = rest.trim_end().strip_suffix(')').and_then(|r| r.rsplit_once('(')).and_then(|(_, d)| mdy(d));
            if date.is_some() {
                self.date = date;
            }
            return Line::Started { date };
        }
        if let Some(restarted) = rest.strip_prefix("REStarted ").filter(|_| daemon == "lmgrd") {
            let name = cut(restarted, b' ').map_or(restarted.trim_ascii_end(), |(name, _)| name);
            return Line::Restarted { daemon: unforked(name) };
        }
        let Some((word, event)) = cut(rest, b' ') else { return Line::Other };
        let Some(what) = word.strip_suffix(':').and_then(What::of) else { return Line::Other };
        match event_of(what, daemon, event) {
            Some(mut e) => {
                e.at = self.date.map(|d| d.and_time(time));
                Line::Event(e)
            }
            None => Line::Other,
        }
    }
}

/// The debug log as `crate::serverlog` reads it (the `log` key).
#[derive(Debug)]
pub struct DebugLog;

impl serverlog::Format for DebugLog {
    fn lines(&self, saved: Option<&serde_json::Value>) -> Box<dyn serverlog::Lines> {
        Box::new(saved.and_then(|s| serde_json::from_value::<Reader>(s.clone()).ok()).unwrap_or_default())
    }

    fn shape(&self) -> &'static str {
        "an lmgrd debug log line (`H:MM:SS (daemon) text`, or `lmgrd -datestamp`'s `yyyy-mm-ddThh:mm:ss±hh:mm (daemon) text`)"
    }
}

impl serverlog::Lines for Reader {
    fn line<'a>(&mut self, line: &'a str) -> Option<serverlog::Event<'a>> {
        match Reader::line(self, line) {
            Line::Started { .. } => Some(serverlog::Event::restart(self.now())),
            Line::Restarted { daemon } => Some(serverlog::Event::daemon_restart(self.now(), daemon)),
            Line::Event(e) => {
                let what = match e.what {
                    What::Out => serverlog::What::Out,
                    What::In => serverlog::What::In,
                    What::Denied => serverlog::What::Denied(reason_of(e.reason)),
                    What::Unsupported => serverlog::What::Denied(Reason::Unsupported),
                    What::Queued | What::Dequeued => return None,
                };
                Some(serverlog::Event {
                    at: e.at,
                    what,
                    feature: e.feature.into(),
                    daemon: Some(e.daemon.into()),
                    user: e.user.into(),
                    host: e.host.unwrap_or_default().into(),
                    count: e.count,
                    cur_use: None,
                    pool: None,
                })
            }
            Line::Timestamp { .. } | Line::Other => None,
        }
    }

    fn save(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn understood(&self) -> Option<u64> {
        Some(self.understood)
    }
}

/// The class of a denial's reason: FlexNet's error number (`(-4,342)`:
/// -4), else words of its text.
pub fn reason_of(text: Option<&str>) -> Reason {
    let Some(text) = text else { return Reason::Other };
    let code = text.rfind("(-").and_then(|i| {
        let digits: String = text[i + 2..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<i32>().ok()
    });
    match code {
        // Licensed number of users already reached.
        Some(4) => return Reason::Limit,
        // User/host on the EXCLUDE list, not on the INCLUDE list; MAX in the options file.
        Some(38 | 39 | 87) => return Reason::Excluded,
        // No such feature; the server does not support it (or its version); removed by lmreread.
        Some(5 | 18 | 25 | 92) => return Reason::Unsupported,
        // Feature has expired.
        Some(10) => return Reason::Expired,
        _ => {}
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("already reached") {
        Reason::Limit
    } else if ["exclude", "include", "reserved", "max specified"].iter().any(|w| lower.contains(w)) {
        Reason::Excluded
    } else if ["not support", "no such feature", "removed"].iter().any(|w| lower.contains(w)) {
        Reason::Unsupported
    } else if lower.contains("expired") {
        Reason::Expired
    } else {
        Reason::Other
    }
}

impl Reader {
    /// The moment the log has reached, where it has said the date.
    fn now(&self) -> Option<NaiveDateTime> {
        self.date.zip(self.last).map(|(d, t)| d.and_time(t))
    }
}

/// When a line was written: the time of day, or (`lmgrd -datestamp`) the
/// date and time.
enum Stamp {
    Time(NaiveTime),
    Full(NaiveDateTime),
}

/// `H:MM:SS (daemon) rest`, or `yyyy-mm-ddThh:mm:ss±hh:mm (daemon) rest`.
fn split(text: &str) -> Option<(Stamp, &str, &str)> {
    let (stamp, rest) = cut(text.trim_ascii_start(), b' ')?;
    let stamp = match hms(stamp) {
        Some(time) => Stamp::Time(time),
        None => Stamp::Full(iso(stamp)?),
    };
    let (daemon, rest) = cut(rest.strip_prefix('(')?, b')')?;
    Some((stamp, unforked(daemon), rest.trim_ascii_start()))
}

/// A vendor daemon's name without the `_N` a forked copy of it writes
/// (FlexNet's "Debug Log Messages": "an optional `_` followed by a number
/// indicates that this message comes from a forked daemon"): the copies
/// serve one pool of licenses, so their checkouts add up on one feature.
fn unforked(daemon: &str) -> &str {
    // Every line names its daemon: a look at its last bytes, no search.
    let b = daemon.as_bytes();
    let digits = b.iter().rev().take(4).take_while(|c| c.is_ascii_digit()).count();
    match b.len().checked_sub(digits + 1) {
        Some(under) if (1..=3).contains(&digits) && under > 0 && b[under] == b'_' => &daemon[..under],
        _ => daemon,
    }
}

/// `yyyy-mm-ddThh:mm:ss` and the zone's offset (`Z`, `+hh:mm`, `+hhmm`,
/// `+hh`), as `lmgrd -datestamp` writes the time: the local time it says
/// (the offset is the zone's; the rest of the log is local time too).
/// Out of the way of the usual line's path.
#[cold]
#[inline(never)]
fn iso(text: &str) -> Option<NaiveDateTime> {
    let (local, zone) = text.split_at_checked(19)?;
    let zone_ok = match zone.as_bytes() {
        [] | [b'Z'] => true,
        [b'+' | b'-', rest @ ..] => {
            let digits: Vec<u8> = rest.iter().copied().filter(|b| *b != b':').collect();
            matches!(digits.len(), 2 | 4) && digits.iter().all(u8::is_ascii_digit) && rest.iter().filter(|b| **b == b':').count() <= 1
        }
        _ => false,
    };
    zone_ok.then(|| NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S").ok()).flatten()
}

/// `H:MM:SS` (the hour may have one digit), read by hand: millions of
/// lines, and chrono's format parser was a fifth of the time.
fn hms(text: &str) -> Option<NaiveTime> {
    let digit = |c: &u8| c.is_ascii_digit().then(|| u32::from(c - b'0'));
    let (h, rest) = match text.as_bytes() {
        [h, b':', rest @ ..] => (digit(h)?, rest),
        [h1, h2, b':', rest @ ..] => (digit(h1)? * 10 + digit(h2)?, rest),
        _ => return None,
    };
    match rest {
        [m1, m2, b':', s1, s2] => NaiveTime::from_hms_opt(h, digit(m1)? * 10 + digit(m2)?, digit(s1)? * 10 + digit(s2)?),
        _ => None,
    }
}

/// `text` cut at the first `byte` (an ASCII one: the cut is a char boundary).
/// The words cut are a few bytes long: a plain scan, which memchr's set-up
/// for long haystacks would cost more than.
fn cut(text: &str, byte: u8) -> Option<(&str, &str)> {
    let i = text.bytes().position(|b| b == byte)?;
    Some((&text[..i], &text[i + 1..]))
}

/// `m/d/yyyy`.
fn mdy(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('/');
    let (m, d, y) = (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?, parts.next()?.trim().parse().ok()?);
    NaiveDate::from_ymd_opt(y, m, d)
}

/// `"feature" [(KEY)] user@host  [[cdstring]] [(N licenses)] [(reason)]`.
fn event_of<'a>(what: What, daemon: &'a str, text: &'a str) -> Option<Event<'a>> {
    let text = text.trim_ascii();
    let (feature, rest) = match text.strip_prefix('"') {
        Some(quoted) => cut(quoted, b'"')?,
        None => cut(text, b' ')?,
    };
    let mut rest = rest.trim_ascii();
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
        let trimmed = rest.trim_ascii_end();
        if let Some(inner) = trailing_group(trimmed, '(', ')') {
            let body = &trimmed[trimmed.len() - inner - 1..trimmed.len() - 1];
            rest = trimmed[..trimmed.len() - inner - 2].trim_end();
            match body.strip_suffix(" licenses").or_else(|| body.strip_suffix(" license")).and_then(|n| n.trim().parse().ok()) {
                Some(n) => count = n,
                None if reason.is_none() => reason = Some(body),
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
    let who = rest.trim_ascii();
    if who.is_empty() {
        return None;
    }
    let (user, host) = match who.bytes().rposition(|b| b == b'@') {
        Some(i) => (who[..i].trim_ascii(), Some(who[i + 1..].trim_ascii())),
        None => (who, None),
    };
    Some(Event { at: None, daemon, what, feature, user, host, count, reason })
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
        assert_eq!((e.feature, e.user, e.host, e.count), ("hfsshpc", "ab", Some("flux-login2"), 20));
        assert_eq!(e.at, NaiveDate::from_ymd_opt(2017, 1, 8).and_then(|d| d.and_hms_opt(17, 20, 1)));
        let line = "18:28:58 (adskflex) DENIED: \"64300ACD_F\" TonyMontana@ANOTHERONE  (Licensed number of users already reached. (-4,342))";
        let Line::Event(e) = r.line(line) else { unreachable!() };
        assert_eq!((e.what, e.reason), (What::Denied, Some("Licensed number of users already reached. (-4,342)")));
        let line = "19:42:42 (adskflex) UNSUPPORTED: \"87537INVPROSA_2022_0F\" (00B0 EF6E AFC6 B280 ) UPM@upm00243  (No such feature exists. (-5,346))";
        let Line::Event(e) = r.line(line) else { unreachable!() };
        assert_eq!((e.user, e.host), ("UPM", Some("upm00243")));
        // Past midnight without a TIMESTAMP: the next day.
        assert_eq!(r.line("23:59:00 (lmgrd) something"), Line::Other);
        let Line::Event(e) = r.line(" 0:01:00 (ansyslmd) IN: \"aa_r\" José Juan Galera@Plasmon  (SHUTDOWN)") else { unreachable!() };
        assert_eq!(e.at, NaiveDate::from_ymd_opt(2017, 1, 9).and_then(|d| d.and_hms_opt(0, 1, 0)));
        assert_eq!((e.user, e.reason), ("José Juan Galera", Some("SHUTDOWN")));
        let Line::Event(e) = r.line("10:00:00 (MSC) OUT: \"MSCONE\" user_01@machine_01 [MSCONE:NASTRAN] (6 licenses)") else { unreachable!() };
        assert_eq!((e.user, e.count), ("user_01", 6));
        assert_eq!(r.line("10:00:01 (MLM) SERVER-OUT: \"x\" a@b"), Line::Other);
        // Times as lmgrd writes them (`%2d:%02d:%02d`), and nothing else.
        assert_eq!((hms("9:05:07"), hms("23:59:59")), (NaiveTime::from_hms_opt(9, 5, 7), NaiveTime::from_hms_opt(23, 59, 59)));
        for bad in ["12:49:3a9", "1:2:3", "123:00:00", "24:00:00", "10:00", "10:00:00:00", ""] {
            assert_eq!(hms(bad), None, "{bad}");
        }
    }

    /// `log`'s lines (indented in the source) as a file, read whole.
    fn read_lines(log: &str, timed: bool) -> crate::serverlog::LogRead {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lmgrd.log");
        std::fs::write(&path, log.lines().map(|l| format!("{}\n", l.trim_start())).collect::<String>()).unwrap();
        crate::serverlog::read_log(&path, &DebugLog, None, None, timed).unwrap()
    }

    /// A vendor daemon that went without writing its check-ins (killed),
    /// restarted by lmgrd: its features are no longer in use; another
    /// daemon's are. The line as a real log has it (line 47 of
    /// partek-v11.4-windows-vendor-restart-2015).
    #[test]
    fn a_vendor_daemon_restarted_by_lmgrd_holds_nothing_any_more() {
        let read = read_lines(
            " 9:00:00 (lmgrd) TIMESTAMP 3/2/2026\n\
              9:00:01 (MLM) OUT: \"MATLAB\" a@h1  \n\
              9:00:02 (MLM) OUT: \"MATLAB\" b@h2  \n\
              9:00:03 (adskflex) OUT: \"ACD\" c@h3  \n\
              9:05:00 (lmgrd) MLM exited with status 9 (Killed)\n\
              9:05:08 (lmgrd) REStarted MLM (pid 4711)\n\
              9:05:20 (MLM) OUT: \"MATLAB\" a@h1  \n",
            true,
        );
        let of = |f: &str, d: &str| read.tally.features[&(f.to_string(), Some(d.to_string()), None)].clone();
        assert_eq!((of("MATLAB", "MLM").peak, of("MATLAB", "MLM").in_use), (2, 1));
        assert_eq!(of("ACD", "adskflex").in_use, 1);
        // a's first checkout counted to the restart (9:00:01 to 9:05:08), b's too; c's still out.
        let usage = read.tally.usage.totals().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let secs = |f: &str, u: &str| usage.get(&(f.to_string(), u.to_string())).and_then(|d| d.get(&day)).copied().unwrap_or_default();
        assert_eq!((secs("MATLAB", "a").round(), secs("MATLAB", "b").round()), (307.0, 306.0));
        let real = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/flexlm/debuglog/real/partek-v11.4-windows-vendor-restart-2015.log")).unwrap_or_default();
        let line = real.lines().find(|l| l.contains("REStarted")).unwrap_or_default();
        assert_eq!(Reader::default().line(line), Line::Restarted { daemon: "parteklm" }, "{line}");
    }

    /// A forked copy of a vendor daemon writes `(MLM_1)`: its checkouts and
    /// denials are the daemon's, on the same features.
    #[test]
    fn a_forked_daemons_lines_are_the_daemons() {
        let read = read_lines(
            " 9:00:00 (lmgrd) TIMESTAMP 3/2/2026\n\
              9:00:01 (MLM) OUT: \"MATLAB\" a@h1  \n\
              9:00:02 (MLM_1) OUT: \"MATLAB\" b@h2  \n\
              9:00:03 (MLM_12) OUT: \"MATLAB\" c@h3  \n\
              9:00:04 (MLM_1) IN: \"MATLAB\" b@h2  \n\
              9:00:05 (MLM_2) DENIED: \"MATLAB\" d@h4  (Licensed number of users already reached. (-4,342))\n",
            false,
        );
        let keys: Vec<_> = read.tally.features.keys().map(|(f, d, _)| (f.as_str(), d.as_deref())).collect();
        assert_eq!(keys, [("MATLAB", Some("MLM"))]);
        let f = &read.tally.features[&("MATLAB".to_string(), Some("MLM".to_string()), None)];
        assert_eq!((f.peak, f.in_use, f.denials.values().sum::<u64>()), (3, 2, 1));
        // A name that only looks like a fork is kept whole.
        assert_eq!((unforked("MLM_1"), unforked("snps_lmd"), unforked("_1"), unforked("x_1234")), ("MLM", "snps_lmd", "_1", "x_1234"));
    }

    /// `lmgrd -datestamp` puts the date and the zone's offset on every
    /// line (FlexNet's "Debug Log Messages": `yyyy-mm-ddThh:mm:ssZ`, Z the
    /// offset): the date is the line's own, whatever the lines before said.
    #[test]
    fn datestamped_lines_carry_their_own_date() {
        let mut r = Reader::default();
        let at = |r: &mut Reader, line: &str| match r.line(line) {
            Line::Event(e) => e.at,
            other => panic!("{line}: {other:?}"),
        };
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
        assert_eq!(
            r.line("2026-03-29T01:59:40+01:00 (lmgrd) FlexNet Licensing (v11.19.6.0 build 0 x64_lsb) started on lic1 (linux) (3/29/2026)"),
            Line::Started { date: day(3, 29) }
        );
        assert_eq!(at(&mut r, "2026-03-29T03:00:05+02:00 (MLM) OUT: \"MATLAB\" jd@ws1  "), day(3, 29).and_then(|d| d.and_hms_opt(3, 0, 5)));
        // Every offset form, and no offset; the hour again in the autumn is the same day.
        for (line, h, m) in [
            ("2026-10-25T02:59:59+0200 (MLM) IN: \"MATLAB\" jd@ws1  ", 2, 59),
            ("2026-10-25T02:00:10+01 (MLM) OUT: \"MATLAB\" jd@ws1  ", 2, 0),
            ("2026-10-25T13:10:00Z (MLM) OUT: \"MATLAB\" jd@ws1  ", 13, 10),
            ("2026-10-25T13:20:00 (MLM) OUT: \"MATLAB\" jd@ws1  ", 13, 20),
        ] {
            assert_eq!(at(&mut r, line).map(|t| (t.date(), t.hour(), t.minute())), day(10, 25).map(|d| (d, h, m)), "{line}");
        }
        // A line a day on without a midnight in between: its own date.
        assert_eq!(at(&mut r, "2026-10-27T09:00:00+01:00 (MLM) DENIED: \"MATLAB\" jd@ws1  (Licensed number of users already reached. (-4,342))"), day(10, 27).and_then(|d| d.and_hms_opt(9, 0, 0)));
        for bad in ["2026-10-27T09:00:00+1 (MLM) OUT: \"M\" a@b", "2026-13-27T09:00:00 (MLM) OUT: \"M\" a@b", "2026-10-27 09:00:00 (MLM) OUT: \"M\" a@b"] {
            assert_eq!(r.line(bad), Line::Other, "{bad}");
        }
    }

    /// When daylight saving time ends, lmgrd writes an hour of local time
    /// again: the date stays (the next TIMESTAMP would say so too). A real
    /// midnight still moves it on.
    #[test]
    fn the_hour_written_again_when_summer_time_ends_is_the_same_day() {
        let mut r = Reader::default();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
        assert!(matches!(r.line(" 0:41:28 (lmgrd) TIMESTAMP 11/1/2026"), Line::Timestamp { .. }));
        let at = |r: &mut Reader, line: &str| match r.line(line) {
            Line::Event(e) => e.at,
            other => panic!("{line}: {other:?}"),
        };
        assert_eq!(at(&mut r, " 1:59:40 (MLM) OUT: \"f\" a@h"), day(1).and_then(|d| d.and_hms_opt(1, 59, 40)));
        // Back 58 minutes at 1 a.m.: the hour again, not the next day.
        assert_eq!(at(&mut r, " 1:01:02 (MLM) IN: \"f\" a@h"), day(1).and_then(|d| d.and_hms_opt(1, 1, 2)));
        assert_eq!(at(&mut r, " 6:41:30 (MLM) OUT: \"f\" a@h"), day(1).and_then(|d| d.and_hms_opt(6, 41, 30)));
        // Back 55 minutes, but in the evening, then past midnight: the next day each time.
        assert_eq!(at(&mut r, "22:10:00 (MLM) OUT: \"f\" a@h"), day(1).and_then(|d| d.and_hms_opt(22, 10, 0)));
        assert_eq!(at(&mut r, "21:15:00 (MLM) OUT: \"f\" a@h"), day(2).and_then(|d| d.and_hms_opt(21, 15, 0)));
        assert_eq!(at(&mut r, " 0:40:00 (MLM) OUT: \"f\" a@h"), day(3).and_then(|d| d.and_hms_opt(0, 40, 0)));
    }

    /// Denials by feature and reason from real logs read as a source reads
    /// them, against the hand counts (fixtures/flexlm/debuglog/real/README.md):
    /// `-4` is the limit, `-18` a feature the server lacks, `-92` one an
    /// lmreread removed.
    #[test]
    fn real_logs_give_denials_by_feature_and_reason_as_counted_by_hand() {
        use crate::serverlog::Reason::{Limit, Unsupported};
        type Denied<'a> = (&'a str, &'a str, crate::serverlog::Reason, u64);
        let expected: &[(&str, &[Denied])] = &[
            (
                "partek-v11.9-windows-denied-2014",
                &[("base", "parteklm", Limit, 64), ("matk", "parteklm", Limit, 30), ("pathway_base", "parteklm", Unsupported, 1)],
            ),
            (
                "partek-v11.4-linux-shutdown-restart-2016",
                &[("base", "parteklm", Limit, 2), ("infr", "parteklm", Limit, 23), ("pex", "parteklm", Unsupported, 1)],
            ),
            (
                "partek-v11.4-linux-reread-denied-2016",
                &[("base", "parteklm", Limit, 89), ("infr", "parteklm", Unsupported, 4), ("matk", "parteklm", Limit, 90)],
            ),
            ("autodesk-v11.14-windows-denied-2018", &[("64300ACD_F", "adskflex", Limit, 1), ("86604ACD_2017_0F", "adskflex", Limit, 1)]),
            // Six UNSUPPORTED lines, all "MATLAB" with `-5` (no such feature).
            ("matlab-v11.18-windows-start-2022", &[("MATLAB", "MLM", Unsupported, 6)]),
            ("maple-v11.7-windows-bom-2022", &[]),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/flexlm/debuglog/real");
        for (name, want) in expected {
            let read = crate::serverlog::read_log(&dir.join(format!("{name}.log")), &DebugLog, None, None, false).unwrap();
            let mut got: Vec<Denied> = Vec::new();
            for ((feature, daemon, _), f) in &read.tally.features {
                for (reason, n) in &f.denials {
                    got.push((feature, daemon.as_deref().unwrap_or(""), *reason, *n));
                }
            }
            got.sort();
            assert_eq!(&got, want, "{name}: denials by feature, daemon and reason");
        }
    }

    /// The true peak replayed from OUT and IN, each with its count: in this
    /// excerpt (lines 1–13 of the ANSYS log, checked by hand) `hfsshpc` is out
    /// 20, then 20 more, before any comes back.
    #[test]
    fn the_true_peak_counts_the_licenses_on_each_line() {
        let log = "17:17:45 (lmgrd) FlexNet Licensing (v11.13.1.2 build 173085 x64_lsb) started on flux (linux) (1/8/2017)\n\
                   17:20:01 (ansyslmd) OUT: \"hfsshpc\" ab@flux-login2  (20 licenses)\n\
                   17:21:01 (ansyslmd) OUT: \"hfsshpc\" cd@flux-login3  (20 licenses)\n\
                   17:22:01 (ansyslmd) IN: \"hfsshpc\" ab@flux-login2  (20 licenses)\n\
                   17:23:01 (ansyslmd) OUT: \"hfsshpc\" ab@flux-login2  (5 licenses)\n";
        let read = read_lines(log, false);
        let f = &read.tally.features[&("hfsshpc".to_string(), Some("ansyslmd".to_string()), None)];
        assert_eq!((f.peak, f.in_use), (40, 25));
    }
}

/// A debug log read in pieces counts what it counts read whole
/// (`crate::serverlog::pieces`).
#[cfg(test)]
mod pieces {
    use proptest::prelude::*;

    use super::DebugLog;

    /// Lines as lmgrd writes them: a start line, then checkouts, check-ins
    /// (some of more licenses than are out), denials, TIMESTAMPs, a restart
    /// of the server and of its vendor daemon, a forked copy of the daemon,
    /// noise, damaged lines and CRLF, the time moving on (past midnight now
    /// and then, the dates the lines carry agreeing with it).
    fn log() -> impl Strategy<Value = Vec<String>> {
        // Now and then a line of anything after a time and daemon: what a
        // damaged or unknown line holds.
        let garbage = proptest::option::weighted(0.1, "[^\n]{0,60}");
        let line = (0u32..4000, 0u8..14, 0usize..3, 0usize..3, 1u64..4, any::<bool>(), garbage);
        proptest::collection::vec(line, 1..120).prop_map(|lines| {
            let mut t = 8 * 3600;
            let mut day = 30;
            let mut out = vec![" 8:00:00 (lmgrd) FlexNet Licensing (v11.19.6.0 build 0 x64_lsb) started on lic1 (linux) (3/30/2026)\n".to_string()];
            for (step, what, f, u, n, crlf, garbage) in lines {
                t += step;
                if t >= 86_400 {
                    (t, day) = (t - 86_400, day + 1);
                }
                let date = match day {
                    d if d <= 31 => format!("3/{d}/2026"),
                    d => format!("4/{}/2026", d - 31),
                };
                let time = format!("{:2}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
                let counted = if n > 1 { format!("({n} licenses)") } else { String::new() };
                let text = match what {
                    0..=3 => format!("{time} (MLM) OUT: \"f{f}\" u{u}@h{u}  {counted}"),
                    4..=7 => format!("{time} (MLM) IN: \"f{f}\" u{u}@h{u}  {counted}"),
                    8 => format!("{time} (MLM) DENIED: \"f{f}\" u{u}@h{u}  (Licensed number of users already reached. (-4,342))"),
                    9 => format!("{time} (lmgrd) TIMESTAMP {date}"),
                    10 => format!("{time} (lmgrd) FlexNet Licensing (v11.19.6.0 build 0 x64_lsb) started on lic1 (linux) ({date})"),
                    // The vendor daemon restarted by lmgrd; a forked copy of it.
                    12 => format!("{time} (lmgrd) REStarted MLM (pid 4711)"),
                    13 => format!("{time} (MLM_{u}) OUT: \"f{f}\" u{u}@h{u}  {counted}"),
                    _ => format!("{time} (MLM) Server started on lic1 for: f{f}"),
                };
                let text = match garbage {
                    Some(g) if what % 2 == 0 => format!("{time} (MLM) {g}"),
                    Some(g) => format!("{time} (MLM) {} \"f{f}\" {g}", ["OUT:", "IN:", "DENIED:"][f]),
                    None => text,
                };
                out.push(format!("{text}{}\n", if crlf { "\r" } else { "" }));
            }
            out
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn a_debug_log_read_in_pieces_counts_what_it_counts_read_whole(
            lines in log(),
            cuts in proptest::collection::vec(0.0f64..1.0, 0..4),
            rotate in any::<bool>(),
        ) {
            crate::serverlog::pieces::check(&DebugLog, &lines, &cuts, rotate)?;
        }
    }
}
