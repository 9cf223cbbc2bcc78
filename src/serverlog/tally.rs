//! Replaying a log's events: denials per feature and reason, the true peak
//! in use, and checkout time per holder and day.
//!
//! Use is replayed from where the previous read left it (the caller sets it
//! to the snapshot's polled count, [`Carry::resync`]): an OUT adds its
//! licenses, an IN takes them back (never below zero: a check-in of a
//! checkout from before the log began), a restart empties the server, and a
//! server that says its own count after each event (RLM's `cur_use`) is
//! taken at its word. The peak is the most in use at any moment of the read.
//!
//! Checkout time: each OUT opens a checkout of (feature, user, host); an IN
//! closes the oldest open one of the same (the logs name no handle), a
//! restart closes them all. Time is counted in license-seconds (a checkout of
//! four licenses for an hour is four hours), split at midnight into the days
//! it was held; a checkout still out at the end of a read counts up to the
//! last moment the log has spoken of, and goes on in the next read. Each
//! checkout counts from its OUT's stamp to its IN's: where the log's clock
//! steps back (a clock set back, the hour repeated when daylight saving
//! time ends, logs concatenated out of order), a check-in stamped before its
//! checkout, or before the end of the read that counted it so far, adds
//! nothing more; the clock is not held back to the latest moment, which
//! would count nothing at all until the log's time caught up again.

use std::collections::{BTreeMap, VecDeque};

use rustc_hash::FxHashMap as HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::{Event, Pool, Reason, What};

/// At most this many checkouts are followed as open at once (a log that
/// lost its check-ins must not grow the carry-over without end).
const MAX_OPEN: usize = 200_000;

/// A feature as the log names it: its name, the daemon that serves it, and
/// the license pool where the log tells a product's pools apart (RLM).
pub type FeatureKey = (String, Option<String>, Option<Pool>);

/// What a read carries to the next one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Carry {
    /// Per feature: in use at the end of the read, denials ever counted.
    #[serde(default)]
    pub features: Vec<FeatureCarry>,
    /// Checkouts still out, and since when they are counted.
    #[serde(default)]
    pub open: Vec<Open>,
    /// The last moment the log spoke of.
    #[serde(default)]
    pub last: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureCarry {
    pub feature: String,
    #[serde(default)]
    pub daemon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<Pool>,
    pub in_use: u64,
    /// Denials counted by every read so far, per reason.
    #[serde(default)]
    pub denials_total: BTreeMap<Reason, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Open {
    pub feature: String,
    pub user: String,
    pub host: String,
    pub since: NaiveDateTime,
    pub count: u64,
}

impl Carry {
    /// Set a feature's (or one of its pools') use to what a snapshot
    /// counted: the next read replays from it.
    pub fn resync(&mut self, feature: &str, daemon: Option<&str>, pool: Option<&Pool>, used: u64) {
        match self.features.iter_mut().find(|f| f.feature == feature && f.daemon.as_deref() == daemon && f.pool.as_ref() == pool) {
            Some(f) => f.in_use = used,
            None => self.features.push(FeatureCarry {
                feature: feature.to_string(),
                daemon: daemon.map(str::to_string),
                pool: pool.cloned(),
                in_use: used,
                ..FeatureCarry::default()
            }),
        }
    }
}

/// What one read found, per feature.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feature {
    /// Denials in this read, per reason.
    pub denials: BTreeMap<Reason, u64>,
    /// Denials ever counted (this read's included), per reason.
    pub denials_total: BTreeMap<Reason, u64>,
    /// The most in use at any moment of the read (its start included).
    pub peak: u64,
    /// In use at the end of the read, as replayed.
    pub in_use: u64,
    /// Checkouts in this read.
    pub checkouts: u64,
}

use super::usage::Usage;

/// License-seconds of one (feature, user) per day.
type Timed = ((String, String), BTreeMap<NaiveDate, f64>);

/// The checkouts of one (feature, user, host) still out, oldest first.
#[derive(Debug)]
struct Outs {
    feature: String,
    user: String,
    host: String,
    outs: VecDeque<(NaiveDateTime, u64)>,
}

/// A feature's daemon and pool, and where the replay keeps it.
type Indexed = (Option<String>, Option<Pool>, usize);

/// The replay of one read.
#[derive(Debug, Default)]
pub struct Tally {
    pub features: BTreeMap<FeatureKey, Feature>,
    /// License-seconds per (feature, user) and day (only where asked for),
    /// each day's once it has closed.
    pub usage: Usage,
    /// The first and last moments this read's events spoke of.
    pub first: Option<NaiveDateTime>,
    pub last: Option<NaiveDateTime>,
    /// Events read.
    pub events: u64,
    /// What goes on to the next read (up to date after [`Tally::finish`]).
    pub carry: Carry,
    /// Whether checkout time is followed.
    timed: bool,
    /// The features as the replay goes (`features` is made of them at the
    /// end), found by name, then daemon and pool: an event finds its feature
    /// without building a key (millions of lines: no allocation per line).
    index: HashMap<String, Vec<Indexed>>,
    live: Vec<(FeatureKey, Feature)>,
    /// Open checkouts by `feature \x1f user \x1f host`.
    open: HashMap<String, Outs>,
    opened: usize,
    /// License-seconds by `feature \x1f user`, of the days not closed yet.
    time: HashMap<String, Timed>,
    scratch: String,
}

/// `parts` joined by a separator no name holds, into `into`.
fn joined<'a>(into: &'a mut String, parts: &[&str]) -> &'a str {
    into.clear();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            into.push('\x1f');
        }
        into.push_str(p);
    }
    into.as_str()
}

impl Tally {
    /// A replay that goes on from `carry`; with `timed`, checkout time is
    /// followed too (`record`, `holders --usage`), else only denials and peaks.
    pub fn new(carry: Carry, timed: bool) -> Self {
        let mut tally = Tally { timed, ..Tally::default() };
        for f in &carry.features {
            if let Some(t) = tally.feature(&f.feature, f.daemon.as_deref(), f.pool.as_ref()) {
                t.peak = f.in_use;
                t.in_use = f.in_use;
                t.denials_total = f.denials_total.clone();
            }
        }
        if timed {
            for o in &carry.open {
                tally.open_out(&o.feature, &o.user, &o.host, o.since, o.count);
            }
        }
        tally.last = carry.last;
        tally.carry = carry;
        tally
    }

    /// The feature of an event, made the first time it is seen.
    fn feature(&mut self, feature: &str, daemon: Option<&str>, pool: Option<&Pool>) -> Option<&mut Feature> {
        let found = self
            .index
            .get(feature)
            .and_then(|ds| ds.iter().find(|(d, p, _)| d.as_deref() == daemon && p.as_ref() == pool))
            .map(|(_, _, i)| *i);
        let i = match found {
            Some(i) => i,
            None => {
                let i = self.live.len();
                self.index.entry(feature.to_string()).or_default().push((daemon.map(str::to_string), pool.cloned(), i));
                self.live.push(((feature.to_string(), daemon.map(str::to_string), pool.cloned()), Feature::default()));
                i
            }
        };
        self.live.get_mut(i).map(|(_, f)| f)
    }

    fn open_out(&mut self, feature: &str, user: &str, host: &str, since: NaiveDateTime, count: u64) {
        if self.opened >= MAX_OPEN {
            return;
        }
        let key = joined(&mut self.scratch, &[feature, user, host]);
        match self.open.get_mut(key) {
            Some(o) => o.outs.push_back((since, count)),
            None => {
                let outs = Outs { feature: feature.into(), user: user.into(), host: host.into(), outs: VecDeque::from([(since, count)]) };
                self.open.insert(key.to_string(), outs);
            }
        }
        self.opened += 1;
    }

    pub fn event(&mut self, e: &Event) {
        self.events += 1;
        if let Some(at) = e.at {
            self.first.get_or_insert(at);
            // A log's clock may step back a little between daemons: never back in time.
            if self.last.is_none_or(|l| at > l) {
                // A new day: the days before it are closed (memory holds a day).
                if let (Some(last), true) = (self.last, self.timed) {
                    if at.date() > last.date() {
                        self.close_days(at.date());
                    }
                }
                self.last = Some(at);
            }
        }
        if e.what == What::Restart {
            let at = e.at.or(self.last);
            // The server, or one vendor daemon of it (restarted by lmgrd):
            // what it served is no longer out.
            let daemon = e.daemon.as_deref();
            let mut stopped = std::collections::HashSet::new();
            for ((feature, d, _), f) in self.live.iter_mut() {
                if daemon.is_none() || d.as_deref() == daemon {
                    f.in_use = 0;
                    stopped.insert(feature.as_str());
                }
            }
            let open: Vec<Outs> = self.open.extract_if(|_, o| stopped.contains(o.feature.as_str())).map(|(_, o)| o).collect();
            self.opened -= open.iter().map(|o| o.outs.len()).sum::<usize>().min(self.opened);
            if let Some(at) = at {
                for o in open {
                    for (since, count) in o.outs {
                        accrue(&mut self.time, &mut self.scratch, &o.feature, &o.user, since, at, count);
                    }
                }
            }
            return;
        }
        // A denial is the feature's, not a pool's.
        let pool = match e.what {
            What::Denied(_) => None,
            _ => e.pool.as_ref(),
        };
        let Some(f) = self.feature(&e.feature, e.daemon.as_deref(), pool) else { return };
        match e.what {
            What::Out => {
                f.in_use = e.cur_use.unwrap_or(f.in_use.saturating_add(e.count));
                f.peak = f.peak.max(f.in_use);
                f.checkouts += 1;
                if let (Some(at), true) = (e.at, self.timed) {
                    self.open_out(&e.feature, &e.user, &e.host, at, e.count);
                }
            }
            What::In => {
                f.in_use = e.cur_use.unwrap_or(f.in_use.saturating_sub(e.count));
                f.peak = f.peak.max(f.in_use);
                if let (Some(at), true) = (e.at, self.timed) {
                    self.close(e, at);
                }
            }
            What::Denied(reason) => {
                *f.denials.entry(reason).or_default() += 1;
                *f.denials_total.entry(reason).or_default() += 1;
            }
            What::Restart => {}
        }
    }

    /// An IN: the oldest open checkouts of its (feature, user, host) closed.
    fn close(&mut self, e: &Event, at: NaiveDateTime) {
        let key = joined(&mut self.scratch, &[&e.feature, &e.user, &e.host]).to_string();
        let Some(o) = self.open.get_mut(&key) else { return };
        let mut left = e.count.max(1);
        while left > 0 {
            let Some((since, count)) = o.outs.front_mut() else { break };
            let back = (*count).min(left);
            accrue(&mut self.time, &mut self.scratch, &e.feature, &e.user, *since, at, back);
            *count -= back;
            left -= back;
            if *count == 0 {
                o.outs.pop_front();
                self.opened -= 1;
            }
        }
        if o.outs.is_empty() {
            self.open.remove(&key);
        }
    }

    /// Count the checkouts still out up to `until`, from there on.
    fn count_open_to(&mut self, until: NaiveDateTime) {
        for o in self.open.values_mut() {
            for (since, count) in o.outs.iter_mut() {
                if until > *since {
                    accrue(&mut self.time, &mut self.scratch, &o.feature, &o.user, *since, until, *count);
                    *since = until;
                }
            }
        }
    }

    /// The days before `day` are over: the checkouts still out counted up
    /// to its midnight, and the time counted handed to `usage`.
    fn close_days(&mut self, day: NaiveDate) {
        if let Some(midnight) = day.and_hms_opt(0, 0, 0) {
            self.count_open_to(midnight);
        }
        self.hand_over();
    }

    fn hand_over(&mut self) {
        for (_, ((feature, user), days)) in self.time.drain() {
            for (day, seconds) in days {
                self.usage.add(&feature, &user, day, seconds);
            }
        }
    }

    /// Count the checkouts still out up to the last moment the log spoke
    /// of, and bring the carry-over up to date.
    pub fn finish(&mut self) {
        if let Some(last) = self.last {
            self.count_open_to(last);
        }
        self.hand_over();
        self.features = self.live.iter().cloned().collect();
        let mut open: Vec<Open> = self
            .open
            .values()
            .flat_map(|o| {
                o.outs.iter().map(|(since, count)| Open {
                    feature: o.feature.clone(),
                    user: o.user.clone(),
                    host: o.host.clone(),
                    since: *since,
                    count: *count,
                })
            })
            .collect();
        open.sort_by(|a, b| (a.since, &a.feature, &a.user).cmp(&(b.since, &b.feature, &b.user)));
        self.carry = Carry {
            features: self
                .features
                .iter()
                .map(|((feature, daemon, pool), f)| FeatureCarry {
                    feature: feature.clone(),
                    daemon: daemon.clone(),
                    pool: pool.clone(),
                    in_use: f.in_use,
                    denials_total: f.denials_total.clone(),
                })
                .collect(),
            open,
            last: self.last,
        };
    }
}

/// License-seconds from `since` to `until`, split at midnight.
fn accrue(
    time: &mut HashMap<String, Timed>,
    scratch: &mut String,
    feature: &str,
    user: &str,
    since: NaiveDateTime,
    until: NaiveDateTime,
    count: u64,
) {
    if until <= since || count == 0 {
        return;
    }
    let key = joined(scratch, &[feature, user]);
    if !time.contains_key(key) {
        time.insert(key.to_string(), ((feature.to_string(), user.to_string()), BTreeMap::new()));
    }
    let Some((_, days)) = time.get_mut(scratch.as_str()) else { return };
    let mut from = since;
    while from < until {
        let next_midnight = from.date().succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or(until);
        let to = until.min(next_midnight);
        *days.entry(from.date()).or_default() += (to - from).num_milliseconds() as f64 / 1000.0 * count as f64;
        from = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> Option<NaiveDateTime> {
        NaiveDate::from_ymd_opt(2026, 3, 1).and_then(|d| d.and_hms_opt(h, m, 0))
    }

    fn ev<'a>(what: What, feature: &'a str, user: &'a str, t: Option<NaiveDateTime>, count: u64) -> Event<'a> {
        Event { at: t, what, feature: feature.into(), daemon: None, user: user.into(), host: "h".into(), count, cur_use: None, pool: None }
    }

    #[test]
    fn peak_denials_and_checkout_time() {
        let mut carry = Carry::default();
        carry.resync("cad", None, None, 2);
        let mut t = Tally::new(carry, true);
        t.event(&ev(What::Out, "cad", "ann", at(9, 0), 1));
        t.event(&ev(What::Out, "cad", "bob", at(9, 30), 2));
        t.event(&ev(What::Denied(Reason::Limit), "cad", "cy", at(9, 31), 1));
        t.event(&ev(What::In, "cad", "ann", at(10, 0), 1));
        t.event(&ev(What::In, "cad", "bob", at(11, 30), 2));
        t.finish();
        let f = &t.features[&("cad".to_string(), None, None)];
        // From 2 in use: 3, then 5 at 09:30, back to 4, then 2.
        assert_eq!((f.peak, f.in_use, f.denials.get(&Reason::Limit)), (5, 2, Some(&1)));
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        let usage = t.usage.totals().unwrap_or_default();
        assert_eq!(usage[&("cad".to_string(), "ann".to_string())][&day], 3600.0);
        assert_eq!(usage[&("cad".to_string(), "bob".to_string())][&day], 2.0 * 2.0 * 3600.0);
        assert_eq!(t.carry.features[0].denials_total.get(&Reason::Limit), Some(&1));
    }

    #[test]
    fn a_checkout_over_midnight_and_one_still_out_carry_on() {
        let mut t = Tally::new(Carry::default(), true);
        let late = NaiveDate::from_ymd_opt(2026, 2, 28).and_then(|d| d.and_hms_opt(23, 0, 0));
        t.event(&ev(What::Out, "cad", "ann", late, 1));
        t.event(&ev(What::Out, "cad", "bob", at(0, 30), 1));
        t.event(&ev(What::In, "cad", "ann", at(1, 0), 1));
        t.finish();
        let usage = t.usage.totals().unwrap_or_default();
        let ann = &usage[&("cad".to_string(), "ann".to_string())];
        assert_eq!(ann.values().copied().collect::<Vec<_>>(), [3600.0, 3600.0]);
        // bob is still out: counted to 01:00, the last moment the log spoke of, and carried.
        assert_eq!(usage[&("cad".to_string(), "bob".to_string())].values().sum::<f64>(), 1800.0);
        assert_eq!(t.carry.open.len(), 1);
        let mut next = Tally::new(t.carry.clone(), true);
        next.event(&ev(What::In, "cad", "bob", at(2, 0), 1));
        next.finish();
        assert_eq!(next.usage.totals().unwrap_or_default()[&("cad".to_string(), "bob".to_string())].values().sum::<f64>(), 3600.0);
        assert!(next.carry.open.is_empty());
    }

    /// Memory holds the day a read is in: each midnight the checkouts still
    /// out are counted up to it and the days before are handed over.
    #[test]
    fn days_are_handed_over_as_they_close() {
        let on = |day: u32, h: u32| NaiveDate::from_ymd_opt(2026, 3, day).and_then(|d| d.and_hms_opt(h, 0, 0));
        let mut t = Tally::new(Carry::default(), true);
        t.event(&ev(What::Out, "cad", "ann", on(1, 22), 2));
        t.event(&ev(What::Out, "cad", "bob", on(1, 23), 1));
        assert!(t.usage.is_empty());
        // The next day: the first is over.
        t.event(&ev(What::In, "cad", "bob", on(2, 1), 1));
        let closed = t.usage.totals().unwrap_or_default();
        assert_eq!(closed[&("cad".to_string(), "ann".to_string())].values().copied().collect::<Vec<_>>(), [2.0 * 2.0 * 3600.0]);
        assert_eq!(closed[&("cad".to_string(), "bob".to_string())].values().copied().collect::<Vec<_>>(), [3600.0]);
        assert_eq!(t.time.len(), 1, "only the day it is in: bob's hour after midnight");
        // Two days on: ann's two licenses held through all of the 2nd.
        t.event(&ev(What::In, "cad", "ann", on(4, 6), 2));
        t.finish();
        let all = t.usage.totals().unwrap_or_default();
        let ann: Vec<(u32, f64)> =
            all[&("cad".to_string(), "ann".to_string())].iter().map(|(d, s)| (chrono::Datelike::day(d), *s)).collect();
        assert_eq!(ann, [(1, 2.0 * 2.0 * 3600.0), (2, 2.0 * 24.0 * 3600.0), (3, 2.0 * 24.0 * 3600.0), (4, 2.0 * 6.0 * 3600.0)]);
        assert_eq!(all[&("cad".to_string(), "bob".to_string())].values().sum::<f64>(), 2.0 * 3600.0);
    }

    #[test]
    fn a_restart_empties_the_server_and_check_ins_never_go_below_zero() {
        let mut t = Tally::new(Carry::default(), true);
        t.event(&ev(What::In, "cad", "old", at(8, 0), 3));
        t.event(&ev(What::Out, "cad", "ann", at(9, 0), 4));
        t.event(&Event::restart(at(10, 0)));
        t.finish();
        let f = &t.features[&("cad".to_string(), None, None)];
        assert_eq!((f.peak, f.in_use), (4, 0));
        assert_eq!(t.usage.totals().unwrap_or_default()[&("cad".to_string(), "ann".to_string())].values().sum::<f64>(), 4.0 * 3600.0);
        assert!(t.carry.open.is_empty());
    }
}
