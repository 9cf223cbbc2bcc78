//! The RLM report log (an ISV server's `REPORTLOG`, "standard" format): the
//! checkouts, check-ins and denials between two `rlmstat` reads, as servers
//! write them (`fixtures/rlm/real/`, RLM v8 to v10). Every OUT and IN carries
//! `cur_use`, the pool's use after it: the true peak between two reads is
//! their largest, not a guess from polls.
//!
//! Records (Reprise's "Reportlog File Format"): `OUT product version pool#
//! user host "isv_def" count cur_use cur_resuse server_handle share_handle
//! process_id "project" "requested product" "requested version" mm/dd
//! hh:mm:ss`, `IN why product version user host "isv_def" count cur_use
//! cur_resuse server_handle mm/dd hh:mm:ss`, `DENY product version user host
//! "isv_def" count why last_attempt mm/dd hh:mm`. Dates carry no year: it
//! comes from `START host mm/dd/yyyy hh:mm:ss` and the `mm/dd/yyyy hh:mm`
//! stamps, and moves on when the month goes back (12/31 → 01/01).
//!
//! A product may have several license pools, each with its own count and
//! `cur_use`. The pools are listed at each start (`PRODUCT name version
//! pool# count …`); an OUT names its pool by number (its version is the
//! one the application asked for, not the pool's), an IN only by the
//! `server_handle` of its OUT, and an `INUSE` line (v10 on) gives the pool
//! of a license out from before the log. The reader keeps both tables from
//! read to read, so each event lands on its pool.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::serverlog::{self, Reason};

/// What a record says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Out,
    In,
    Deny,
}

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub what: What,
    pub at: Option<NaiveDateTime>,
    pub product: String,
    pub version: String,
    pub user: String,
    pub host: String,
    pub count: u64,
    /// The pool's use after the event (OUT and IN).
    pub cur_use: Option<u64>,
    /// IN: why it came back (1 normal, 2 the application exited, …); DENY:
    /// RLM's (negative) error code (-22: all licenses in use).
    pub why: Option<i64>,
    /// The pool's number (OUT; IN by its OUT's handle, where read).
    pub pool: Option<u64>,
}

/// At most this many checkouts' handles are kept (a log that lost its
/// check-ins must not grow the saved state without end); past it an IN
/// lands on its product, not its pool.
const MAX_HANDLES: usize = 100_000;

/// Reads the records in order, keeping the year.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Reader {
    year: Option<i32>,
    last_month: Option<u32>,
    /// This run's pools by number: (product, version), from `PRODUCT` lines.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pools: BTreeMap<u64, (String, String)>,
    /// The pool of each license out, by its `server_handle`.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    handles: HashMap<String, u64>,
    /// The format the header names (`RLM Report Log Format 0`: 0 std, 1
    /// small, 2 detailed), from the last header read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    format: Option<u8>,
    /// Lines of this read that are report log records (a keyword such as
    /// `START`, `OUT`, `DENY`, or a date stamp) or its header.
    #[serde(skip)]
    understood: u64,
}

impl Reader {
    /// The event a line records, if it is one.
    pub fn line(&mut self, raw: &str) -> Option<Event> {
        let fields = fields(raw.trim_end_matches(['\r', '\n']));
        let (kind, rest) = fields.split_first()?;
        if is_record(kind) {
            self.understood += 1;
        }
        match kind.as_str() {
            "RLM" => {
                // RLM Report Log Format d, version x.y, authenticated
                if let Some(format) = raw.trim_start().strip_prefix("RLM Report Log Format ") {
                    self.format = format.bytes().next().filter(u8::is_ascii_digit).map(|d| d - b'0');
                }
                None
            }
            "START" => {
                // START host mm/dd/yyyy hh:mm:ss: a new run, its pools listed again.
                self.pools.clear();
                self.handles.clear();
                self.stamp(rest.get(1)?);
                None
            }
            "PRODUCT" if rest.len() >= 3 => {
                // PRODUCT name version pool# count reservations soft_limit …
                if let Ok(number) = rest[2].parse() {
                    self.pools.insert(number, (rest[0].clone(), rest[1].clone()));
                }
                None
            }
            "INUSE" if rest.len() >= 8 => {
                // INUSE product version pool# user host "isv_def" count server_handle mm/dd hh:mm:ss
                self.keep(&rest[7], rest[2].parse().ok());
                None
            }
            stamp if stamp.matches('/').count() == 2 => {
                self.stamp(stamp);
                None
            }
            "OUT" if rest.len() >= 17 => {
                let at = self.at(&rest[15], &rest[16]);
                let pool = rest[2].parse().ok();
                self.keep(&rest[9], pool);
                Some(Event {
                    what: What::Out,
                    at,
                    product: rest[0].clone(),
                    version: rest[1].clone(),
                    user: rest[3].clone(),
                    host: rest[4].clone(),
                    count: rest[6].parse().ok()?,
                    cur_use: rest[7].parse().ok(),
                    why: None,
                    pool,
                })
            }
            "IN" if rest.len() >= 12 => {
                let at = self.at(&rest[10], &rest[11]);
                let pool = self.handles.remove(&rest[9]);
                Some(Event {
                    what: What::In,
                    at,
                    product: rest[1].clone(),
                    version: rest[2].clone(),
                    user: rest[3].clone(),
                    host: rest[4].clone(),
                    count: rest[6].parse().ok()?,
                    cur_use: rest[7].parse().ok(),
                    why: rest[0].parse().ok(),
                    pool,
                })
            }
            "DENY" if rest.len() >= 10 => {
                let at = self.at(&rest[8], &rest[9]);
                Some(Event {
                    what: What::Deny,
                    at,
                    product: rest[0].clone(),
                    version: rest[1].clone(),
                    user: rest[2].clone(),
                    host: rest[3].clone(),
                    count: rest[5].parse().ok()?,
                    cur_use: None,
                    why: rest[6].parse().ok(),
                    pool: None,
                })
            }
            _ => None,
        }
    }

    /// A checkout's pool, by its handle, till its IN.
    fn keep(&mut self, handle: &str, pool: Option<u64>) {
        if let Some(pool) = pool {
            if self.handles.len() < MAX_HANDLES || self.handles.contains_key(handle) {
                self.handles.insert(handle.to_string(), pool);
            }
        }
    }

    /// Pool `number` of `product` as this run's `PRODUCT` lines name it.
    fn pool(&self, number: u64, product: &str) -> serverlog::Pool {
        match self.pools.get(&number).filter(|(p, _)| p == product) {
            Some((p, v)) => {
                let nth = self.pools.range(..number).filter(|(_, (op, ov))| op == p && ov == v).count() as u32 + 1;
                serverlog::Pool { number, version: v.clone(), nth }
            }
            None => serverlog::Pool { number, version: String::new(), nth: 1 },
        }
    }

    /// `mm/dd/yyyy`: the year from now on.
    fn stamp(&mut self, date: &str) {
        let mut parts = date.split('/');
        if let (Some(m), Some(_), Some(y)) = (parts.next(), parts.next(), parts.next()) {
            if let (Ok(m), Ok(y)) = (m.parse(), y.parse()) {
                self.year = Some(y);
                self.last_month = Some(m);
            }
        }
    }

    /// `mm/dd` and `hh:mm[:ss[.tenths]]`, in the year the log is in.
    fn at(&mut self, date: &str, time: &str) -> Option<NaiveDateTime> {
        let (m, d) = date.split_once('/')?;
        let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
        if let (Some(last), Some(year)) = (self.last_month, self.year) {
            if m < last {
                self.year = Some(year + 1);
            }
        }
        self.last_month = Some(m);
        let time = time.split('.').next()?;
        let time = NaiveTime::parse_from_str(time, "%H:%M:%S").or_else(|_| NaiveTime::parse_from_str(time, "%H:%M")).ok()?;
        Some(NaiveDate::from_ymd_opt(self.year?, m, d)?.and_time(time))
    }
}

/// Whether a record's first word is one of a report log's: an upper-case
/// keyword (`START`, `OUT`, `DENY`, `AUTH:`, the `RLM Report Log` header…)
/// or a date stamp (`05/11/2013`).
fn is_record(word: &str) -> bool {
    let word = word.strip_suffix(':').unwrap_or(word);
    let keyword = !word.is_empty() && word.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
    keyword || (word.matches('/').count() == 2 && word.bytes().all(|b| b.is_ascii_digit() || b == b'/'))
}

/// The report log as `crate::serverlog` reads it (the `log` key).
#[derive(Debug)]
pub struct ReportLog;

impl serverlog::Format for ReportLog {
    fn lines(&self, saved: Option<&serde_json::Value>) -> Box<dyn serverlog::Lines> {
        Box::new(saved.and_then(|s| serde_json::from_value::<Reader>(s.clone()).ok()).unwrap_or_default())
    }

    fn shape(&self) -> &'static str {
        "an RLM report log record (`START`, `OUT`, `IN`, `DENY` …, the standard REPORTLOG format)"
    }
}

impl serverlog::Lines for Reader {
    fn line<'a>(&mut self, line: &'a str) -> Option<serverlog::Event<'a>> {
        // `START host mm/dd/yyyy hh:mm:ss`: the ISV server (re)started.
        if let Some(rest) = line.trim_start().strip_prefix("START ") {
            Reader::line(self, line);
            let mut words = rest.split_whitespace().skip(1);
            // `hh:mm:ss` in the logs seen, `hh:mm` as Reprise documents it.
            let at = words.next().zip(words.next()).and_then(|(d, t)| {
                let text = format!("{d} {t}");
                NaiveDateTime::parse_from_str(&text, "%m/%d/%Y %H:%M:%S").or_else(|_| NaiveDateTime::parse_from_str(&text, "%m/%d/%Y %H:%M")).ok()
            });
            return Some(serverlog::Event::restart(at));
        }
        let mut e = Reader::line(self, line)?;
        if e.what == What::In && e.pool.is_none() {
            // A license out from before the log (or its handle not kept):
            // the product's only pool, if it has one; else its count in use
            // is some pool's, not to be laid on the first.
            let mut of_product = self.pools.iter().filter(|(_, (p, _))| *p == e.product).map(|(n, _)| *n);
            match (of_product.next(), of_product.next()) {
                (Some(only), None) => e.pool = Some(only),
                (Some(_), Some(_)) => e.cur_use = None,
                _ => {}
            }
        }
        let pool = e.pool.map(|n| self.pool(n, &e.product));
        let what = match e.what {
            What::Out => serverlog::What::Out,
            What::In => serverlog::What::In,
            What::Deny => serverlog::What::Denied(reason_of(e.why)),
        };
        Some(serverlog::Event {
            at: e.at,
            what,
            feature: e.product.into(),
            daemon: None,
            user: e.user.into(),
            host: e.host.into(),
            count: e.count,
            cur_use: e.cur_use,
            pool,
        })
    }

    fn save(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    fn understood(&self) -> Option<u64> {
        Some(self.understood)
    }

    fn refused(&self) -> Option<String> {
        // Reprise's "Reportlog File Format": a small log's checkout is `OUT
        // product version user host "isv_def" count server_handle
        // share_handle hh:mm`, its check-in `IN why count server_handle
        // hh:mm`: no pool, no count in use, no date on either.
        (self.format == Some(1)).then(|| {
            "the report log is in RLM's small format, whose checkouts and check-ins carry no pool and no count in use: \
             have the ISV server write it in the std or detailed format (`REPORTLOG +PATH std` in its options file)"
                .to_string()
        })
    }
}

/// The class of a DENY's `why` (RLM's `RLM_EL_*` error numbers, license.h).
pub fn reason_of(why: Option<i64>) -> Reason {
    match why {
        // All licenses in use; over the soft limit; a request for too many.
        Some(-22 | -39 | -8) => Reason::Limit,
        // On an exclude list, not on an include list, over the options' MAX.
        Some(-10 | -11 | -12 | -13 | -14 | -29 | -30) => Reason::Excluded,
        // No such product, version not supported, the server does not support it.
        Some(-1 | -6 | -18) => Reason::Unsupported,
        // Expired; a demo expired; its start date not reached.
        Some(-3 | -49 | -37) => Reason::Expired,
        _ => Reason::Other,
    }
}

/// The fields of a record: words, a `"quoted field"` one (its quotes off).
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut field = String::new();
        if c == '"' {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                field.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                field.push(c);
                chars.next();
            }
        }
        out.push(field);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str) -> Vec<Event> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rlm/real").join(name);
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut reader = Reader::default();
        text.lines().filter_map(|l| reader.line(l)).collect()
    }

    fn count(events: &[Event], what: What) -> usize {
        events.iter().filter(|e| e.what == what).count()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(h, min, s))
    }

    /// The hand counts of fixtures/rlm/real/README.md.
    #[test]
    fn real_report_logs_give_the_hand_counts() {
        let two = read("reportlog_std_v10_demo_two_sessions.log");
        assert_eq!((count(&two, What::Out), count(&two, What::In), count(&two, What::Deny)), (5, 3, 1));
        let deny = two.iter().find(|e| e.what == What::Deny).cloned();
        assert_eq!(
            deny,
            Some(Event {
                what: What::Deny,
                at: at(2013, 5, 11, 15, 20, 0),
                product: "simulator".into(),
                version: "2.1".into(),
                user: "cecil".into(),
                host: "win2008".into(),
                count: 1,
                cur_use: None,
                why: Some(-22),
                pool: None,
            })
        );
        let first = two.iter().find(|e| e.what == What::Out).map(|e| (e.product.as_str(), e.user.as_str(), e.host.as_str(), e.at));
        assert_eq!(first, Some(("analytics", "cecil", "win2008", at(2013, 5, 11, 15, 17, 14))));
        let uses: Vec<Option<u64>> = two.iter().filter(|e| e.what == What::Out).map(|e| e.cur_use).collect();
        assert_eq!(uses, [Some(1), Some(1), Some(1), Some(1), Some(2)]);

        let tokens = read("reportlog_std_v9_demo_tokens.log");
        assert_eq!(tokens.iter().map(|e| (e.what, e.count, e.cur_use)).collect::<Vec<_>>(), [(What::Out, 14, Some(56)), (What::In, 14, Some(42))]);

        // Across the new year: the records carry no year.
        let new_year = read("reportlog_std_v8_tecplot_newyear_excerpt.log");
        let when: Vec<_> = new_year.iter().map(|e| (e.what, e.why, e.at)).collect();
        assert_eq!(
            when,
            [
                (What::In, Some(2), at(2012, 12, 31, 17, 55, 19)),
                (What::In, Some(5), at(2013, 1, 1, 0, 0, 5)),
                (What::Out, None, at(2013, 1, 1, 1, 3, 47)),
            ]
        );

        // Check-ins of licenses out before the log began; use past the count.
        let before = read("reportlog_std_v8_preexisting_checkouts_excerpt.log");
        assert_eq!((count(&before, What::Out), count(&before, What::In)), (2, 4));
        assert_eq!(before.iter().filter_map(|e| e.cur_use).max(), Some(11));
    }

    /// The three formats Reprise documents ("Reportlog File Format"): the
    /// detailed one is the standard one with tenths of a millisecond and
    /// more fields after the time, read alike; the small one lacks the pool
    /// and the count in use, and a read of it is an error, not a count.
    #[test]
    fn detailed_report_logs_are_read_and_small_ones_refused() {
        let detailed = "RLM Report Log Format 2, version 12.4, authenticated\n\
                        START lic1 05/11/2024 15:16:49\n\
                        PRODUCT simulator 3.12 1 5 0 5 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0\n\
                        OUT simulator 3.12 1 terra ubuntu \"\" 2 2 0 81 81 c79e \"\" \"\" \"\" 05/11 15:19:08.1234 \"x64_l1 5.4\" \"sim\" 0 0 10.0.0.7\n\
                        OUT simulator 3.12 1 cecil win \"\" 1 3 0 82 82 c7a0 \"\" \"\" \"\" 05/11 15:20:00.0000 \"x64_w4 10\" \"sim\" 0 0 10.0.0.8\n\
                        IN 1 simulator 3.12 terra ubuntu \"\" 2 1 0 81 05/11 15:22:13.5000\n";
        let small = "RLM Report Log Format 1, version 12.4, authenticated\n\
                     START lic1 05/11/2024 15:16:49\n\
                     OUT simulator 3.12 terra ubuntu \"\" 2 81 81 15:19\n\
                     IN 1 2 81 15:22\n";
        let dir = tempfile::tempdir().unwrap();
        let (d, s) = (dir.path().join("detailed.log"), dir.path().join("small.log"));
        std::fs::write(&d, detailed.lines().map(|l| format!("{}\n", l.trim_start())).collect::<String>()).unwrap();
        std::fs::write(&s, small.lines().map(|l| format!("{}\n", l.trim_start())).collect::<String>()).unwrap();
        let read = crate::serverlog::read_log(&d, &ReportLog, None, None, false).unwrap();
        let (_, f) = read.tally.features.iter().next().unwrap();
        assert_eq!((read.tally.features.len(), f.peak, f.in_use, f.checkouts), (1, 3, 1, 2));
        // A restart stamped `hh:mm`, as Reprise documents START: nothing in use from then.
        std::fs::write(&d, format!("{}START lic1 05/11/2024 16:00\n", std::fs::read_to_string(&d).unwrap())).unwrap();
        let again = crate::serverlog::read_log(&d, &ReportLog, Some(&read.cursor), None, false).unwrap();
        let (_, f) = again.tally.features.iter().next().unwrap();
        assert_eq!((f.in_use, again.tally.last.map(|t| t.to_string())), (0, Some("2024-05-11 16:00:00".to_string())));
        let refused = crate::serverlog::read_log(&s, &ReportLog, None, None, false).unwrap_err();
        assert!(refused.contains("small format") && refused.contains("REPORTLOG +PATH std"), "{refused}");
    }

    #[test]
    fn quoted_fields_keep_their_spaces() {
        assert_eq!(fields(r#"OUT a 1 2 u h "ISV_Def Stuff" 14"#), ["OUT", "a", "1", "2", "u", "h", "ISV_Def Stuff", "14"]);
        assert_eq!(fields(r#"x "" y"#), ["x", "", "y"]);
    }

    /// Read as a source reads its log: the denial with its reason, and the
    /// true peaks the server's own `cur_use` gives (hand counts of
    /// fixtures/rlm/real/README.md: `datavis` out to 2 in the second run,
    /// `simulator` at 11 with licenses out from before the excerpt).
    #[test]
    fn real_report_logs_give_denials_and_true_peaks() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rlm/real");
        let read = crate::serverlog::read_log(&dir.join("reportlog_std_v10_demo_two_sessions.log"), &ReportLog, None, None, false).unwrap();
        // Each product's pool as the run's PRODUCT lines number it; the
        // denial is the product's, no pool's.
        type Key<'a> = (&'a str, Option<(u64, &'a str, u32)>);
        let keys: Vec<Key> =
            read.tally.features.keys().map(|(f, _, p)| (f.as_str(), p.as_ref().map(|p| (p.number, p.version.as_str(), p.nth)))).collect();
        assert_eq!(
            keys,
            [
                ("analytics", Some((2, "3.12", 1))),
                ("datavis", Some((1, "3.12", 1))),
                ("simulator", None),
                ("simulator", Some((1, "3.12", 1))),
            ]
        );
        let feature = |name: &str, pooled: bool| read.tally.features.iter().find(|((f, _, p), _)| f == name && p.is_some() == pooled).map(|(_, f)| f.clone()).unwrap();
        assert_eq!(feature("simulator", false).denials.into_iter().collect::<Vec<_>>(), [(crate::serverlog::Reason::Limit, 1)]);
        assert_eq!((feature("datavis", true).peak, feature("analytics", true).peak, feature("simulator", true).peak), (2, 1, 1));
        // Its last line has no end yet: whole lines only.
        let before = crate::serverlog::read_log(&dir.join("reportlog_std_v8_preexisting_checkouts_excerpt.log"), &ReportLog, None, None, false).unwrap();
        // Check-ins of licenses out before the excerpt: simulator's only pool.
        assert_eq!(before.tally.features.len(), 1);
        let (key, simulator) = before.tally.features.iter().next().unwrap();
        assert_eq!(key.2.as_ref().map(|p| (p.number, p.version.as_str())), Some((1, "1.9")));
        assert_eq!((simulator.peak, simulator.in_use), (11, 9));
        assert!(simulator.denials.is_empty());
    }
}

/// A report log read in pieces counts what it counts read whole
/// (`crate::serverlog::pieces`): pools found by number and by handle from
/// read to read, the year carried, restarts.
#[cfg(test)]
mod pieces {
    use proptest::prelude::*;

    use super::ReportLog;

    const POOLS: &str = "PRODUCT p0 9.0 1 10 0 10 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0\n\
                         PRODUCT p0 9.0 2 5 0 5 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0\n\
                         PRODUCT p1 2.0 3 4 0 4 \"\" \"\" \"\" \"\" \"\" \"\" 0 0 0 0 0 0 0 0 0\n";

    /// Records as an ISV server writes them: a START and its pools, then
    /// checkouts naming their pool, check-ins naming their checkout's handle
    /// (or one from before the log), denials, date stamps, a restart, an
    /// INUSE; the time moving on, past midnight and into a new month.
    fn log() -> impl Strategy<Value = Vec<String>> {
        // Now and then a record of anything, or one cut short: what a
        // damaged line holds.
        let garbage = proptest::option::weighted(0.1, "[^\n]{0,60}");
        let line = (0u32..20_000, 0u8..12, 1u64..4, 0usize..3, 1u64..3, 0u64..12, any::<prop::sample::Index>(), garbage);
        proptest::collection::vec(line, 1..100).prop_map(|lines| {
            let mut t = 8 * 3600;
            let mut day = 0u32;
            let mut out = vec![format!("START lic1 03/30/2026 08:00:00\n{POOLS}")];
            let mut open: Vec<(String, u64)> = Vec::new();
            let mut handle = 0x100;
            for (step, what, pool, u, n, cur, pick, garbage) in lines {
                t += step;
                day += t / 86_400;
                t %= 86_400;
                let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 30).unwrap_or_default() + chrono::Duration::days(i64::from(day));
                let (md, hms) = (date.format("%m/%d"), format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60));
                let product = if pool == 3 { "p1" } else { "p0" };
                let text = match what {
                    0..=3 => {
                        handle += 1;
                        open.push((format!("{handle:x}"), pool));
                        format!("OUT {product} 1.0 {pool} u{u} h{u} \"\" {n} {cur} 0 {handle:x} {handle:x} 1a14 \"\" \"\" \"\" {md} {hms}")
                    }
                    4..=6 if !open.is_empty() => {
                        let (h, pool) = open.remove(pick.index(open.len()));
                        let product = if pool == 3 { "p1" } else { "p0" };
                        format!("IN 1 {product} 1.0 u{u} h{u} \"\" {n} {cur} 0 {h} {md} {hms}")
                    }
                    // A check-in of a license out from before the log.
                    4..=7 => format!("IN 1 {product} 1.0 u{u} h{u} \"\" {n} {cur} 0 ffff{u} {md} {hms}"),
                    8 => format!("DENY {product} 1.0 u{u} h{u} \"\" 1 -22 1 {md} {}", &hms[..5]),
                    9 => format!("{}/2026 {}", md, &hms[..5]),
                    10 => {
                        open.clear();
                        format!("START lic1 {md}/2026 {hms}\n{}", POOLS.trim_end())
                    }
                    _ => format!("INUSE {product} 9.0 {pool} u{u} h{u} \"\" 1 ffff{u} {md} {hms}"),
                };
                let text = match garbage {
                    Some(g) if what % 2 == 0 => g,
                    // The record's first words, then anything.
                    Some(g) => format!("{} {g}", text.split(' ').take(usize::from(what % 7) + 1).collect::<Vec<_>>().join(" ")),
                    None => text,
                };
                out.push(format!("{text}\n"));
            }
            out
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn a_report_log_read_in_pieces_counts_what_it_counts_read_whole(
            lines in log(),
            cuts in proptest::collection::vec(0.0f64..1.0, 0..4),
            rotate in any::<bool>(),
        ) {
            crate::serverlog::pieces::check(&ReportLog, &lines, &cuts, rotate)?;
        }
    }
}
