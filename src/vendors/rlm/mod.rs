//! Reprise License Manager (RLM) servers: the text `rlmutil rlmstat -a`
//! prints (RLM v12 to v15, fixtures/rlm/real/).
//!
//! The shape: the rlm server's status, the `ISV servers` table (`foundry
//! 49679 Yes 0`: name, port, running, restarts), each ISV server's status,
//! then per ISV its license pools (`nuke_i v2024.0701, pool: 6`, then
//! `count: 22, # reservations: 0, inuse: 3, exp: permanent` and `obsolete: 0,
//! min_remove: 120, total checkouts: 25854`; a `Token-based license` pool has
//! no count of its own) and its usage lines (`nuke_i v2024.0701:
//! user@host 1/0 at 03/28 20:41  (handle: c0e)`). Indentation is tabs or
//! spaces, as pasted. `Error connecting to "rlm" server` is the source's error,
//! with the reason rlmutil gives; an ISV server that is not running too.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{Local, NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::flexlm::{local_time, Clock};
use super::{Key, Kind, Payloads, Shape};
use crate::command::{self, Stderr};
use crate::fetch::{BoxFuture, Fetch};
use crate::holder::{Holder, Sink};
use crate::payload::{for_each_line, PayloadError};
use crate::record::Record;

pub struct Rlm;

/// The server's own log (the `log` key; docs/reference.md, "License-server logs").
mod reportlog;

/// RLM's own keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    command: Option<Vec<String>>,
    log: Option<String>,
}

const UNIT: &str = "licenses";

impl Kind for Rlm {
    type Settings = Settings;

    fn kind(&self) -> &'static str {
        "rlm"
    }

    fn about(&self) -> &'static str {
        "Reprise License Manager (RLM) servers: `rlmutil rlmstat -a` output, from a file or a command"
    }

    fn example(&self) -> &'static str {
        "rlmutil rlmstat -a -c 5053@lic1 | licusage rlm --file -"
    }

    fn reads_url(&self) -> bool {
        false
    }

    fn has_holders(&self) -> bool {
        true
    }

    fn payload_ext(&self) -> &'static str {
        "txt"
    }

    fn keys(&self) -> &'static [Key] {
        const KEYS: &[Key] = &[
            Key::argv("command", "run this program for the `rlmstat -a` output (no shell), e.g. [\"rlmutil\", \"rlmstat\", \"-a\", \"-c\", \"5053@lic1\"]"),
            Key::text("log", "the ISV server's report log (REPORTLOG, std or small), read for denials, true peaks and checkout time"),
        ];
        KEYS
    }

    fn check(&self, settings: &Settings, shape: Shape) -> Result<(), String> {
        let k = |n: &str| shape.spelling.key(n);
        if settings.command.as_ref().is_some_and(|a| a.first().is_none_or(|p| p.trim().is_empty())) {
            return Err(format!("{} is empty: give the program and its arguments, e.g. [\"rlmutil\", \"rlmstat\", \"-a\"]", k("command")));
        }
        match (shape.reads_file, settings.command.is_some()) {
            (true, true) => Err(format!("give {} (saved `rlmstat -a` output) or {}, not both", k("file"), k("command"))),
            (false, false) => Err(format!(
                "give {} (saved `rlmstat -a` output, - for stdin) or {} (e.g. [\"rlmutil\", \"rlmstat\", \"-a\", \"-c\", \"5053@lic1\"])",
                k("file"),
                k("command")
            )),
            _ => Ok(()),
        }
    }

    fn log<'s>(&self, settings: &'s Settings) -> Option<(&'s str, &'static dyn crate::serverlog::Format)> {
        settings.log.as_deref().map(|p| (p, &reportlog::ReportLog as &'static dyn crate::serverlog::Format))
    }

    fn parse(&self, payloads: &Payloads, _: &Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        let mut status = Rlmstat::default();
        for body in &payloads.main {
            for_each_line(body, &mut |n, line| status.line(n, line))?;
        }
        let reference = payloads.now.map(|t| t.with_timezone(&Local).naive_local());
        let (records, metrics) = status.records()?;
        for user in status.users {
            let metric = metrics.get(&(user.isv.clone(), user.product.clone(), user.version.clone())).cloned();
            holders.push(user.holder(metric.unwrap_or_else(|| UNIT.to_string()), reference));
        }
        Ok(records)
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>, settings: &'a Settings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
        Box::pin(async move {
            let argv = settings.command.as_deref().with_context(|| format!("no {} to run (and no file)", ctx.key("command")))?;
            // rlmutil says why it failed on stdout; the parse names it.
            match command::run_status("command", argv, ctx.timeout, Stderr::Shown, &[("LC_ALL", "C")]).await.map_err(anyhow::Error::msg)? {
                command::Ran::Ok(out) => Ok(Payloads::one(out)),
                command::Ran::Failed { message, stdout, .. } => match connect_error(&String::from_utf8_lossy(&stdout)) {
                    Some(reason) => anyhow::bail!("{message}: {reason}"),
                    None => anyhow::bail!("{message}"),
                },
            }
        })
    }
}

/// `Error connecting to "rlm" server` and the lines rlmutil gives as its reason.
fn connect_error(text: &str) -> Option<String> {
    let mut lines = text.lines().map(str::trim).skip_while(|l| !l.starts_with("Error connecting to"));
    let first = lines.next()?;
    let reasons: Vec<&str> = lines.take_while(|l| !l.starts_with("This error usually means")).filter(|l| !l.is_empty()).collect();
    Some(match reasons.is_empty() {
        true => first.to_string(),
        false => format!("{first}: {}", reasons.join("; ")),
    })
}

/// A license pool, as its lines say.
#[derive(Debug, Default)]
struct Pool {
    isv: Option<String>,
    product: String,
    version: String,
    pool: Option<u64>,
    count: Option<u64>,
    uncounted: bool,
    reservations: u64,
    inuse: u64,
    expires: Option<NaiveDate>,
    permanent: bool,
    obsolete: Option<u64>,
    total_checkouts: Option<u64>,
    line: usize,
}

/// One usage line: who holds how many of a pool's licenses.
#[derive(Debug)]
struct User {
    isv: Option<String>,
    product: String,
    version: String,
    user: String,
    host: Option<String>,
    licenses: u64,
    reserved: u64,
    since: Option<Clock>,
    handle: Option<String>,
}

impl User {
    fn holder(self, metric: String, reference: Option<NaiveDateTime>) -> Holder {
        let mut h = Holder::new(self.product.as_str(), metric, self.user)
            .detail("host", self.host.clone())
            .detail("isv", self.isv)
            .detail("version", self.version)
            .detail("licenses", self.licenses)
            .detail("reserved", (self.reserved > 0).then_some(self.reserved))
            .detail("handle", self.handle);
        h.identifying = &["host", "handle"];
        h.location = self.host;
        h.since = self.since.zip(reference).and_then(|(t, r)| local_time(t, r));
        h
    }
}

/// What an `rlmstat -a` output says, read line by line.
#[derive(Debug, Default)]
struct Rlmstat {
    /// The ISV whose section this is (`foundry license pool status on …`).
    isv: Option<String>,
    /// A `name vVERSION[, pool: N]` line waiting for its `count:` line.
    header: Option<(String, String, Option<u64>, usize)>,
    pools: Vec<Pool>,
    users: Vec<User>,
    in_isv_table: bool,
    /// ISV servers the table says are not running: (name, restarts).
    down: Vec<(String, String)>,
    /// `Error connecting to "rlm" server`, with its reasons.
    error: Option<Vec<String>>,
}

impl Rlmstat {
    fn line(&mut self, n: usize, raw: &str) -> Result<(), PayloadError> {
        let line = raw.trim();
        if let Some(error) = &mut self.error {
            if !line.is_empty() && !line.starts_with("This error usually means") && error.len() < 4 {
                error.push(line.to_string());
            }
            return Ok(());
        }
        if line.starts_with("Error connecting to") {
            self.error = Some(vec![line.to_string()]);
            return Ok(());
        }
        if line.starts_with("--------- ISV servers") {
            self.in_isv_table = true;
            return Ok(());
        }
        if self.in_isv_table {
            return self.isv_row(line);
        }
        for marker in [" license pool status on ", " license usage status on ", " ISV server status on "] {
            if let Some((isv, _)) = line.split_once(marker) {
                self.isv = Some(isv.to_string());
                self.header = None;
                return Ok(());
            }
        }
        if let Some(rest) = line.strip_prefix("count:") {
            return self.counts(n, rest);
        }
        if let Some(rest) = line.strip_prefix("obsolete:") {
            if let Some(pool) = self.pools.last_mut().filter(|p| p.line + 1 == n) {
                pool.obsolete = number(rest);
                pool.total_checkouts = rest.split_once("total checkouts:").and_then(|(_, t)| number(t));
            }
            return Ok(());
        }
        if line == "Token-based license" {
            // A token pool counts other pools' licenses, none of its own.
            self.header = None;
            return Ok(());
        }
        if let Some(user) = self.user(line) {
            self.users.push(user);
            return Ok(());
        }
        self.header = pool_header(line).map(|(p, v, pool)| (p, v, pool, n));
        Ok(())
    }

    /// A row of the `ISV servers` table: `foundry 49679 Yes 0`.
    fn isv_row(&mut self, line: &str) -> Result<(), PayloadError> {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] | ["Name", ..] => {}
            [first, ..] if first.starts_with("---") => self.in_isv_table = false,
            [name, _port, running, restarts, ..] if running.eq_ignore_ascii_case("no") => {
                self.down.push((name.to_string(), restarts.to_string()));
            }
            _ => {}
        }
        Ok(())
    }

    /// `count: 22, # reservations: 0, inuse: 3, exp: permanent` for the pool header before it.
    fn counts(&mut self, n: usize, rest: &str) -> Result<(), PayloadError> {
        let invalid = |m: String| PayloadError::at(format!("line {n}"), m);
        let Some((product, version, pool, _)) = self.header.take() else {
            return Err(invalid("a pool's counts without its `name vVERSION` line above them".into()));
        };
        let field = |name: &str| rest.split(',').map(str::trim).find_map(|f| f.strip_prefix(name).map(str::trim));
        let count_text = rest.split(',').next().unwrap_or_default().trim();
        let uncounted = count_text.eq_ignore_ascii_case("uncounted");
        let count = match uncounted {
            true => None,
            false => Some(count_text.parse::<u64>().map_err(|_| invalid(format!("{product} v{version}: count {count_text:?} is not a count")))?),
        };
        let inuse_text = field("inuse:").ok_or_else(|| invalid(format!("{product} v{version}: no `inuse:`")))?;
        let inuse = inuse_text.parse::<u64>().map_err(|_| invalid(format!("{product} v{version}: inuse {inuse_text:?} is not a count")))?;
        let reservations = field("# reservations:").and_then(|r| r.parse().ok()).unwrap_or(0);
        let exp = field("exp:").unwrap_or_default();
        let permanent = exp.eq_ignore_ascii_case("permanent") || exp == "0";
        let expires = match permanent || exp.is_empty() {
            true => None,
            false => Some(expiry(exp).ok_or_else(|| invalid(format!("{product} v{version}: expiry {exp:?} is not a date like 31-dec-2025")))?),
        };
        self.pools.push(Pool {
            isv: self.isv.clone(),
            product,
            version,
            pool,
            count,
            uncounted,
            reservations,
            inuse,
            expires,
            permanent,
            obsolete: None,
            total_checkouts: None,
            line: n,
        });
        Ok(())
    }

    /// `nuke_i v2024.0701: user@host 1/0 at 03/28 20:41  (handle: c0e)`.
    fn user(&self, line: &str) -> Option<User> {
        let (pool, rest) = line.split_once(": ")?;
        let (product, version) = pool.split_once(' ')?;
        let version = version.strip_prefix('v')?;
        let mut words = rest.split_whitespace();
        let who = words.next()?;
        let counts = words.next()?;
        let (licenses, reserved) = counts.split_once('/')?;
        let (licenses, reserved) = (licenses.parse().ok()?, reserved.parse().ok()?);
        let (user, host) = match who.split_once('@') {
            Some((u, h)) => (u.to_string(), Some(h.to_string())),
            None => (who.to_string(), None),
        };
        let rest: Vec<&str> = words.collect();
        let since = rest.iter().position(|w| *w == "at").and_then(|i| clock(rest.get(i + 1)?, rest.get(i + 2)?));
        let handle = rest.iter().position(|w| *w == "(handle:").and_then(|i| rest.get(i + 1)).map(|h| h.trim_end_matches(')').to_string());
        Some(User { isv: self.isv.clone(), product: product.to_string(), version: version.to_string(), user, host, licenses, reserved, since, handle })
    }

    /// The records, and each pool's metric by (isv, product, version) for its users.
    #[allow(clippy::type_complexity)]
    fn records(&self) -> Result<(Vec<Record>, HashMap<(Option<String>, String, String), String>), PayloadError> {
        if let Some(error) = &self.error {
            let (first, reasons) = error.split_first().map(|(f, r)| (f.clone(), r.join("; "))).unwrap_or_default();
            return Err(PayloadError::Vendor(if reasons.is_empty() { first } else { format!("{first}: {reasons}") }));
        }
        if let Some((isv, restarts)) = self.down.first() {
            return Err(PayloadError::Vendor(format!("ISV server `{isv}` is not running (restarts: {restarts}): its licenses cannot be read")));
        }
        if self.pools.is_empty() {
            return Err(PayloadError::Vendor(
                "no license pool in the output: expected `rlmutil rlmstat -a` text (a `name vVERSION` line, then `count: …, inuse: …`)".into(),
            ));
        }
        let mut seen: HashMap<(Option<String>, String, String), usize> = HashMap::new();
        for p in &self.pools {
            *seen.entry((p.isv.clone(), p.product.clone(), p.version.clone())).or_default() += 1;
        }
        let mut metrics = HashMap::new();
        let mut ordinal: HashMap<(Option<String>, String, String), usize> = HashMap::new();
        let mut records = Vec::with_capacity(self.pools.len());
        for p in &self.pools {
            let key = (p.isv.clone(), p.product.clone(), p.version.clone());
            let nth = ordinal.entry(key.clone()).or_default();
            *nth += 1;
            // Two pools of one version (renewals) are two series: the pool number tells them apart.
            let which = match (seen[&key] > 1, p.pool) {
                (false, _) => String::new(),
                (true, Some(pool)) => format!(" pool {pool}"),
                (true, None) => format!(" #{nth}"),
            };
            let metric = format!("v{}{which}", p.version);
            metrics.entry(key).or_insert_with(|| metric.clone());
            let id = format!("{}/{}/{metric}", p.isv.as_deref().unwrap_or("rlm"), p.product);
            let expires = p.expires.and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc());
            records.push(
                Record::new(&p.product, &metric, Some(p.inuse), p.count)
                    .unit(UNIT)
                    .floating(!p.uncounted)
                    .with_id(Some(id))
                    .expires(expires)
                    .detail("isv", p.isv.clone())
                    .detail("version", p.version.clone())
                    .detail("pool", p.pool)
                    .detail("reservations", (p.reservations > 0).then_some(p.reservations))
                    .detail("uncounted", p.uncounted.then_some(true))
                    .detail("permanent", p.permanent.then_some(true))
                    .detail("obsolete", p.obsolete.filter(|o| *o > 0))
                    .detail("total_checkouts", p.total_checkouts),
            );
        }
        Ok((records, metrics))
    }
}

/// `nuke_i v2024.0701, pool: 6` or `converge v3.0`: product, version, pool.
fn pool_header(line: &str) -> Option<(String, String, Option<u64>)> {
    let (head, pool) = match line.split_once(", pool:") {
        Some((h, p)) => (h, Some(p.trim().parse().ok()?)),
        None => (line, None),
    };
    let mut words = head.split_whitespace();
    let (product, version) = (words.next()?, words.next()?.strip_prefix('v')?);
    (words.next().is_none() && !version.is_empty()).then(|| (product.to_string(), version.to_string(), pool))
}

/// The first number in `text`.
fn number(text: &str) -> Option<u64> {
    text.split(|c: char| !c.is_ascii_digit()).find(|w| !w.is_empty())?.parse().ok()
}

/// `31-dec-2023`, `1-jul-2024` (RLM's expiry dates).
fn expiry(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('-');
    let (day, month, year) = (parts.next()?.parse().ok()?, parts.next()?, parts.next()?.parse::<i32>().ok()?);
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let month = MONTHS.iter().position(|m| month.eq_ignore_ascii_case(m))? as u32 + 1;
    // Two-digit years are this century's.
    let year = if year < 100 { 2000 + year } else { year };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `03/28 20:41` as (month, day, hour, minute).
fn clock(date: &str, time: &str) -> Option<Clock> {
    let (month, day) = date.split_once('/')?;
    let (hour, minute) = time.split_once(':')?;
    Some((month.parse().ok()?, day.parse().ok()?, hour.parse().ok()?, minute.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_headers_and_dates() {
        assert_eq!(pool_header("nuke_i v2024.0701, pool: 6"), Some(("nuke_i".into(), "2024.0701".into(), Some(6))));
        assert_eq!(pool_header("converge v3.0"), Some(("converge".into(), "3.0".into(), None)));
        assert_eq!(pool_header("Startup time: Mon Mar 25 12:29:40 2024"), None);
        assert_eq!(expiry("1-jul-2024"), NaiveDate::from_ymd_opt(2024, 7, 1));
        assert_eq!(expiry("31-DEC-23"), NaiveDate::from_ymd_opt(2023, 12, 31));
        assert_eq!(expiry("soon"), None);
        assert_eq!(clock("03/28", "20:41"), Some((3, 28, 20, 41)));
    }
}
