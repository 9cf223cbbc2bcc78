//! FlexNet Publisher (FlexLM) license servers: the text `lmutil lmstat -a`
//! prints, FlexLM v9 to v11.x and the Windows `lmutil.exe` (CRLF), and the
//! `lmstat -i` table for expiry dates.
//!
//! The shape, as `lmstat` prints it: per license server (`License server
//! status: port@host[,port@host,port@host]` for a redundant triad) one line
//! per server (`host: license server UP (MASTER) v11.19` or the error), the
//! vendor daemons (`MLM: UP v11.19`), then per feature `Users of F:  (Total of
//! N licenses issued;  Total of M licenses in use)`, its license lines (`"F"
//! v52, vendor: MLM, expiry: 30-dec-2025`, `floating license`), its
//! reservations (`<tab>4 RESERVATIONs for GROUP eng (host/27000)`) and one line
//! per checkout (`user host display (v52) (host/27000 401), start Mon 2/10
//! 0:10[, N licenses][ (linger: …)][, PID: …]`) or queued request (`… queued
//! for N licenses`). Several license servers are separated by a line of dashes.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{Body, Key, Kind, Payloads, Shape};
use crate::command::{self, Stderr};
use crate::fetch::{BoxFuture, Fetch};
use crate::holder::{Holder, Sink};
use crate::payload::{for_each_line, PayloadError};
use crate::record::{Record, Status};

pub struct Flexlm;

/// The server's own log (the `log` key; docs/reference.md, "License-server logs").
mod debuglog;

/// FlexLM's own keys.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    command: Option<Vec<String>>,
    log: Option<String>,
    expiry_command: Option<Vec<String>>,
}

/// The payload name of the `lmstat -i` output, beside the `lmstat -a` one.
const EXPIRY: &str = "expiry";
const METRIC: &str = "licenses";

impl Kind for Flexlm {
    type Settings = Settings;

    fn kind(&self) -> &'static str {
        "flexlm"
    }

    fn about(&self) -> &'static str {
        "FlexNet Publisher (FlexLM) license servers: `lmutil lmstat -a` output, from a file or a command"
    }

    fn example(&self) -> &'static str {
        "lmutil lmstat -a -c 27000@lic1 | licusage flexlm --file -"
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
            Key::text("log", "the lmgrd debug log (`lmgrd -l`), read for denials, true peaks and checkout time"),
            Key::argv("command", "run this program for the `lmstat -a` output (no shell), e.g. [\"lmutil\", \"lmstat\", \"-a\", \"-c\", \"27000@lic1\"]"),
            Key::input("expiry_file", EXPIRY, false, "read the `lmstat -i` output (expiry dates) from this file (- for stdin)"),
            Key::argv("expiry_command", "run this program for the `lmstat -i` output (expiry dates)"),
        ];
        KEYS
    }

    fn check(&self, settings: &Settings, shape: Shape) -> Result<(), String> {
        let k = |n: &str| shape.spelling.key(n);
        for (key, argv) in [("command", &settings.command), ("expiry_command", &settings.expiry_command)] {
            if argv.as_ref().is_some_and(|a| a.first().is_none_or(|p| p.trim().is_empty())) {
                return Err(format!("{} is empty: give the program and its arguments, e.g. [\"lmutil\", \"lmstat\", \"-a\"]", k(key)));
            }
        }
        if shape.reads_file && settings.command.is_some() {
            return Err(format!("give {} (saved `lmstat -a` output) or {}, not both", k("file"), k("command")));
        }
        if !shape.reads_file && settings.command.is_none() {
            return Err(format!(
                "give {} (saved `lmstat -a` output, - for stdin) or {} (e.g. [\"lmutil\", \"lmstat\", \"-a\", \"-c\", \"27000@lic1\"])",
                k("file"),
                k("command")
            ));
        }
        if settings.expiry_command.is_some() && shape.inputs.contains(&"expiry_file") {
            return Err(format!("give {} or {}, not both", k("expiry_file"), k("expiry_command")));
        }
        if settings.expiry_command.is_some() && shape.reads_file {
            return Err(format!("{} goes with {}; beside {}, give {}", k("expiry_command"), k("command"), k("file"), k("expiry_file")));
        }
        Ok(())
    }

    fn log<'s>(&self, settings: &'s Settings) -> Option<(&'s str, &'static dyn crate::serverlog::Format)> {
        settings.log.as_deref().map(|p| (p, &debuglog::DebugLog as &'static dyn crate::serverlog::Format))
    }

    fn parse(&self, payloads: &Payloads, _: &Settings, holders: &mut Sink) -> Result<Vec<Record>, PayloadError> {
        let mut status = Lmstat::default();
        let reference = payloads.now.map(|t| t.with_timezone(&Local).naive_local());
        let mut users = Vec::new();
        for body in &payloads.main {
            for_each_line(body, &mut |n, line| status.line(n, line, &mut users))?;
        }
        let expiry = match payloads.extra(EXPIRY) {
            Some(pages) => {
                let mut table = ExpiryTable::default();
                for body in pages {
                    for_each_line(body, &mut |n, line| table.line(n, line))?;
                }
                table.lines
            }
            None => HashMap::new(),
        };
        // Which license lines have ended: as of the read, else of the output.
        let today = reference.or(status.printed_at).map(|t| t.date());
        let (records, kept) = status.records(&expiry, today)?;
        let reference = status.printed_at.or(reference);
        for user in users.into_iter().filter(|u| kept.get(u.block).copied().unwrap_or(false)) {
            holders.push(user.holder(reference));
        }
        Ok(records)
    }

    fn fetch<'a>(&'a self, ctx: &'a Fetch<'a>, settings: &'a Settings) -> BoxFuture<'a, anyhow::Result<Payloads>> {
        Box::pin(async move {
            let argv = settings.command.as_deref().with_context(|| format!("no {} to run (and no file)", ctx.key("command")))?;
            let usage = run(argv, "command", ctx);
            let expiry = async {
                match &settings.expiry_command {
                    Some(argv) => run(argv, "expiry_command", ctx).await.map(|out| Some(Body::Bytes(out))),
                    None => Ok(ctx.source.inputs().iter().find(|i| i.payload == EXPIRY).map(|i| i.input.body())),
                }
            };
            let (usage, expiry) = tokio::join!(usage, expiry);
            let mut payloads = Payloads::one(usage?);
            if let Some(body) = expiry? {
                payloads.extra.insert(EXPIRY, vec![body]);
            }
            Ok(payloads)
        })
    }
}

/// Run a lmutil command, in the C locale (its text is read, in English).
/// lmstat exits non-zero only when it could read no license server at all;
/// its own reason is on stdout (`Error getting status: Cannot connect to
/// license server system. (-15,570:115 …)`).
async fn run(argv: &[String], key: &str, ctx: &Fetch<'_>) -> anyhow::Result<Vec<u8>> {
    match command::run_status(key, argv, ctx.timeout, Stderr::Shown, &[("LC_ALL", "C")]).await.map_err(anyhow::Error::msg)? {
        command::Ran::Ok(out) => Ok(out),
        command::Ran::Failed { message, stdout, .. } => {
            let said = String::from_utf8_lossy(&stdout);
            match said.lines().map(str::trim).find(|l| down_reason(l).is_some()) {
                Some(reason) => anyhow::bail!("{message}: {reason}"),
                None => anyhow::bail!("{message}"),
            }
        }
    }
}

/// A vendor daemon's status line, told from a feature's `key: value` lines:
/// `MLM: UP v11.19.6`, or the daemon down (`ansyslmd: The desired vendor
/// daemon is down. (-97,121)`, `cdslmd: DOWN`).
fn daemon_status(line: &str) -> Option<(&str, &str)> {
    let (daemon, state) = line.split_once(':')?;
    let (daemon, state) = (daemon.trim(), state.trim());
    if daemon.is_empty() || daemon.contains(char::is_whitespace) {
        return None;
    }
    let up = state.strip_prefix("UP v").is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()));
    let down = state == "DOWN" || state.starts_with("The desired vendor daemon is down") || state.starts_with("Vendor daemon is down");
    (up || down).then_some((daemon, state))
}

/// A line that says a license server cannot be read.
fn down_reason(line: &str) -> Option<&str> {
    const SIGNS: &[&str] = &[
        "Cannot connect to license server",
        "License server machine is down or not responding",
        "lmgrd is not running",
        "Error getting status",
        "Cannot find license file",
        "The desired vendor daemon is down",
        "Cannot read data from license server",
    ];
    SIGNS.iter().any(|s| line.contains(s)).then_some(line)
}

/// One `License server status:` block.
#[derive(Debug, Default)]
struct Server {
    /// `port@host[,port@host…]` as printed.
    name: String,
    /// How many servers the block names (3 for a triad).
    count: usize,
    up: Vec<String>,
    /// Servers that did not answer, with lmstat's reason.
    down: Vec<(String, String)>,
    /// `lmgrd is not running: …`, `Error reading license file: …`.
    failed: Option<String>,
    /// Vendor daemons that are not up, with the reason.
    daemons_down: Vec<(String, String)>,
}

/// One license line of a feature (a FEATURE or INCREMENT line of the
/// license file): how many licenses, when they end (`None`: permanent).
#[derive(Debug, Clone, PartialEq)]
struct LicenseLine {
    count: Option<u64>,
    ends: Option<NaiveDate>,
}

#[derive(Debug)]
struct Feature {
    name: String,
    /// The server block it was listed under.
    server: usize,
    daemon: Option<String>,
    issued: Option<u64>,
    used: Option<u64>,
    borrowable: bool,
    /// `(Error: …)` or `Cannot get users of …`: lmstat could not count it.
    error: Option<String>,
    /// `(Uncounted, node-locked)`: no limit, and the checkouts are the use.
    uncounted: bool,
    /// Its license lines, as `"F" vVER, vendor: V, expiry: DATE` says them.
    lines: Vec<LicenseLine>,
    /// The licenses its checkout lines hold.
    checked_out: u64,
    license_type: Option<String>,
    reservations: Vec<Value>,
    reserved: u64,
    queued: u64,
}

/// `(month, day, hour, minute)`: a time as lmstat prints it, without its year.
pub(super) type Clock = (u32, u32, u32, u32);

/// A checkout line, kept until its feature's record is known.
#[derive(Debug)]
struct User {
    /// The feature block it was printed under (an index into the features).
    block: usize,
    feature: String,
    user: String,
    host: Option<String>,
    display: Option<String>,
    /// What the vendor adds after the display (a PID, `MultiCPU`, `feature=…`).
    vendor_def: Option<String>,
    version: Option<String>,
    handle: Option<String>,
    /// `Day M/D H:MM` as printed (the year is not).
    start: Option<Clock>,
    licenses: u64,
    linger: Option<String>,
    pid: Option<u64>,
    borrow_return: Option<Clock>,
}

impl User {
    fn holder(self, reference: Option<NaiveDateTime>) -> Holder {
        let at = |t: Option<Clock>| t.zip(reference).and_then(|(t, r)| local_time(t, r));
        let mut h = Holder::new(self.feature.as_str(), METRIC, self.user)
            .detail("host", self.host.clone())
            .detail("display", self.display)
            .detail("vendor_def", self.vendor_def)
            .detail("version", self.version)
            .detail("handle", self.handle)
            .detail("licenses", self.licenses)
            .detail("linger", self.linger)
            .detail("pid", self.pid);
        h.identifying = &["host", "display", "pid", "handle"];
        h.location = self.host;
        h.since = at(self.start);
        // A borrowed license comes back then: the end of this holding.
        if let Some(back) = self.borrow_return {
            let back = reference.and_then(|r| local_time_after(back, r));
            h.expires_at = back;
            h.holder_type = Some("borrowed".into());
        }
        h
    }
}

/// `(month, day, hour, minute)` as lmstat (and rlmstat) print it, in the
/// local time of the machine that ran it, in the latest year that puts it not
/// after `reference` (they leave the year out).
pub(super) fn local_time((month, day, hour, minute): Clock, reference: NaiveDateTime) -> Option<DateTime<Utc>> {
    (0..8).find_map(|back| {
        let t = NaiveDate::from_ymd_opt(reference.year() - back, month, day)?.and_hms_opt(hour, minute, 0)?;
        (t <= reference).then_some(t)
    })
    .and_then(|t| Local.from_local_datetime(&t).earliest())
    .map(|t| t.with_timezone(&Utc))
}

/// Like [`local_time`], in the earliest year that puts it not before `after`
/// (a borrowed license's return).
fn local_time_after((month, day, hour, minute): Clock, after: NaiveDateTime) -> Option<DateTime<Utc>> {
    (0..8)
        .find_map(|ahead| {
            let t = NaiveDate::from_ymd_opt(after.year() + ahead, month, day)?.and_hms_opt(hour, minute, 0)?;
            (t >= after).then_some(t)
        })
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Start,
    Servers,
    Daemons,
    Features,
}

/// What an `lmstat -a` output says, read line by line.
#[derive(Debug)]
struct Lmstat {
    part: Part,
    servers: Vec<Server>,
    features: Vec<Feature>,
    /// The daemon named by `Users of features served by V:`.
    daemon: Option<String>,
    /// `Error getting status: …` and the like, outside any server block.
    errors: Vec<String>,
    /// `Flexible License Manager status on Tue 11/24/2026 10:15`.
    printed_at: Option<NaiveDateTime>,
    lines: usize,
    /// The daemons whose status lines came since the last `Feature usage
    /// info:` (lmstat v11.16+ prints one such section per daemon).
    section_daemons: Vec<String>,
}

impl Default for Lmstat {
    fn default() -> Self {
        Lmstat {
            part: Part::Start,
            servers: Vec::new(),
            features: Vec::new(),
            daemon: None,
            errors: Vec::new(),
            printed_at: None,
            lines: 0,
            section_daemons: Vec::new(),
        }
    }
}

fn invalid(n: usize, message: impl Into<String>) -> PayloadError {
    PayloadError::at(format!("line {n}"), message)
}

/// A count as lmstat prints it; anything else is an error, never a zero.
fn count(n: usize, text: &str, what: &str) -> Result<u64, PayloadError> {
    let t = text.trim();
    match t.parse::<u64>() {
        Ok(v) if v <= i64::MAX as u64 => Ok(v),
        _ => Err(invalid(n, format!("{what}: {t:?} is not a count"))),
    }
}

impl Lmstat {
    fn server(&mut self) -> &mut Server {
        if self.servers.is_empty() {
            self.servers.push(Server::default());
        }
        let last = self.servers.len() - 1;
        &mut self.servers[last]
    }

    fn line(&mut self, n: usize, raw: &str, users: &mut Vec<User>) -> Result<(), PayloadError> {
        self.lines = n;
        let line = raw.trim();
        if line.is_empty() || self.heading(n, line)? {
            return Ok(());
        }
        if let Some(reason) = line.strip_prefix("lmgrd is not running:").or_else(|| line.strip_prefix("Error reading license file:")) {
            let reason = format!("lmgrd is not running: {}", reason.trim());
            self.server().failed = Some(reason);
            return Ok(());
        }
        if line.starts_with("Error getting status:") || line.starts_with("Error getting feature") {
            self.errors.push(line.to_string());
            return Ok(());
        }
        match self.part {
            Part::Servers if !line.starts_with("License file") && !line.starts_with("[") => {
                self.server_line(line);
                Ok(())
            }
            Part::Daemons => {
                self.daemon_line(line);
                Ok(())
            }
            Part::Features => self.feature_line(n, raw, line, users),
            _ => {
                if let Some(reason) = down_reason(line) {
                    self.errors.push(reason.to_string());
                }
                Ok(())
            }
        }
    }

    /// A line that starts a part of the output (a server, the daemons, the
    /// features, a feature's block): `true` when `line` was one.
    fn heading(&mut self, n: usize, line: &str) -> Result<bool, PayloadError> {
        if let Some(rest) = line.strip_prefix("Flexible License Manager status on ") {
            // `Tue 11/24/2026 10:15`
            let rest = rest.split_once(' ').map_or(rest, |(_, r)| r);
            self.printed_at = NaiveDateTime::parse_from_str(rest.trim(), "%m/%d/%Y %H:%M").ok();
        } else if line.starts_with("-----") && line.chars().all(|c| c == '-') {
            self.part = Part::Start;
            self.daemon = None;
        } else if let Some(name) = line.strip_prefix("License server status:") {
            let name = name.trim().to_string();
            let count = name.split(',').filter(|s| !s.trim().is_empty()).count().max(1);
            self.servers.push(Server { name, count, ..Server::default() });
            self.part = Part::Servers;
            self.daemon = None;
        } else if line.starts_with("Vendor daemon status") {
            self.part = Part::Daemons;
            self.section_daemons.clear();
        } else if line.starts_with("Feature usage info") {
            // After one daemon's status line: that daemon's features.
            self.daemon = match self.section_daemons.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            };
            self.section_daemons.clear();
            self.part = Part::Features;
        } else if self.part != Part::Servers && daemon_status(line).is_some() {
            // `MLM: UP v11.19`, also where v11.16+ prints it: before each daemon's features.
            self.daemon_line(line);
            self.part = Part::Daemons;
        } else if let Some(rest) = line.strip_prefix("Users of features served by ") {
            self.daemon = Some(rest.trim_end_matches(':').trim().to_string());
            self.part = Part::Features;
        } else if let Some(rest) = line.strip_prefix("Users of ") {
            self.feature(n, rest)?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }

    /// `host: license server UP (MASTER) v11.16.2`, or a host down and why.
    fn server_line(&mut self, line: &str) {
        if let Some((host, state)) = line.split_once(':') {
            let state = state.trim();
            let host = host.trim().to_string();
            if state.starts_with("license server UP") {
                self.server().up.push(host);
            } else if !host.contains(' ') {
                self.server().down.push((host, state.to_string()));
            }
        }
    }

    /// `MLM: UP v11.16.2`, or a daemon down and why.
    fn daemon_line(&mut self, line: &str) {
        if let Some((daemon, state)) = line.split_once(':') {
            let (daemon, state) = (daemon.trim(), state.trim());
            if daemon.contains(' ') || daemon.is_empty() {
                return;
            }
            self.section_daemons.push(daemon.to_string());
            if !state.starts_with("UP") {
                let state = if state.is_empty() { "DOWN" } else { state };
                self.server().daemons_down.push((daemon.to_string(), state.to_string()));
            }
        }
    }

    /// `Users of F:  (Total of N licenses issued;  Total of M licenses in use)` and its variants.
    fn feature(&mut self, n: usize, rest: &str) -> Result<(), PayloadError> {
        let (name, usage) = rest.split_once(':').ok_or_else(|| invalid(n, format!("cannot read `Users of {rest}`: no `:` after the feature")))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(invalid(n, "a `Users of` line without a feature name"));
        }
        if self.servers.is_empty() {
            self.servers.push(Server::default());
        }
        let mut feature = Feature {
            name: name.to_string(),
            server: self.servers.len() - 1,
            daemon: self.daemon.clone(),
            issued: None,
            used: None,
            borrowable: false,
            error: None,
            uncounted: false,
            lines: Vec::new(),
            checked_out: 0,
            license_type: None,
            reservations: Vec::new(),
            reserved: 0,
            queued: 0,
        };
        let usage = usage.trim();
        if let Some(inner) = usage.strip_prefix("(Total of ").and_then(|u| u.strip_suffix(')')) {
            // `N [borrowable ]license[s] issued;  Total of M license[s] in use`
            let (issued, used) =
                inner.split_once(';').ok_or_else(|| invalid(n, format!("feature {name}: cannot read {usage:?}: no `;`")))?;
            let issued_words: Vec<&str> = issued.split_whitespace().collect();
            match issued_words.as_slice() {
                [count_text, rest @ ..] if rest.last() == Some(&"issued") && rest.iter().any(|w| w.starts_with("license")) => {
                    feature.issued = Some(count(n, count_text, &format!("feature {name}: licenses issued"))?);
                    feature.borrowable = rest.contains(&"borrowable");
                }
                _ => return Err(invalid(n, format!("feature {name}: cannot read the licenses issued in {usage:?}"))),
            }
            let used_words: Vec<&str> = used.split_whitespace().collect();
            match used_words.as_slice() {
                ["Total", "of", count_text, license, "in", "use"] if license.starts_with("license") => {
                    feature.used = Some(count(n, count_text, &format!("feature {name}: licenses in use"))?);
                }
                _ => return Err(invalid(n, format!("feature {name}: cannot read the licenses in use in {usage:?}"))),
            }
        } else if usage == "(Uncounted, node-locked)" {
            feature.license_type = Some("uncounted nodelocked".into());
            feature.uncounted = true;
        } else if let Some(error) = usage.strip_prefix("(Error:").and_then(|u| u.strip_suffix(')')) {
            feature.error = Some(error.trim().to_string());
        } else if let Some(error) = usage.strip_prefix("Cannot get users of") {
            let error = error.split_once(':').map_or(error, |(_, e)| e);
            feature.error = Some(error.trim().to_string());
        } else if usage == "None" {
            // Older lmstat: counted, nobody holds one; the issued count is not printed.
            feature.used = Some(0);
        } else {
            return Err(invalid(n, format!("feature {name}: cannot read {usage:?} (truncated output?)")));
        }
        self.features.push(feature);
        self.part = Part::Features;
        Ok(())
    }

    /// A line under a feature: its license line, a reservation, a user.
    fn feature_line(&mut self, n: usize, raw: &str, line: &str, users: &mut Vec<User>) -> Result<(), PayloadError> {
        let Some(feature) = self.features.last_mut() else {
            return Ok(());
        };
        // `"MATLAB" v52, vendor: MLM, expiry: 30-dec-2025`
        if line.starts_with('"') {
            for part in line.split(',').skip(1) {
                let (key, value) = part.split_once(':').map_or(("", ""), |(k, v)| (k.trim(), v.trim()));
                match key {
                    "vendor" => feature.daemon = Some(value.to_string()),
                    "expiry" => {
                        let ends = expiry_date(value).map_err(|e| invalid(n, format!("feature {}: {e}", feature.name)))?;
                        feature.lines.push(LicenseLine { count: None, ends });
                    }
                    _ => {}
                }
            }
            return Ok(());
        }
        if let Some(kind) = line.strip_suffix(" license").or_else(|| line.split_once(" license,").map(|(k, _)| k)).or_else(|| {
            line.split_once(" license locked").map(|(k, _)| k)
        }) {
            if matches!(kind, "floating" | "nodelocked" | "uncounted nodelocked" | "counted nodelocked") || kind.ends_with("nodelocked") {
                feature.license_type = Some(kind.to_string());
                return Ok(());
            }
        }
        if let Some((count_text, rest)) = line.split_once(' ') {
            if let Some(what) = rest.strip_prefix("RESERVATIONs for ").or_else(|| rest.strip_prefix("RESERVATION for ")).or_else(|| {
                rest.strip_prefix("RESERVATIONs (").or_else(|| rest.strip_prefix("RESERVATION (")).and_then(|r| r.split_once(") for ").map(|(_, w)| w))
            }) {
                let reserved = count(n, count_text, &format!("feature {}: reservations", feature.name))?;
                let what = what.rsplit_once(" (").map_or(what, |(w, _)| w).trim();
                feature.reserved = feature.reserved.saturating_add(reserved);
                feature.reservations.push(json!({"count": reserved, "for": what}));
                return Ok(());
            }
        }
        if !raw.starts_with(' ') && !raw.starts_with('\t') {
            return Ok(());
        }
        if let Some((_, queued)) = line.rsplit_once(" queued for ") {
            let words: Vec<&str> = queued.split_whitespace().collect();
            match words.as_slice() {
                [c, license] if license.starts_with("license") => {
                    let q = count(n, c, &format!("feature {}: queued", feature.name))?;
                    feature.queued = feature.queued.saturating_add(q);
                    return Ok(());
                }
                _ => return Err(invalid(n, format!("feature {}: cannot read the queued request {line:?}", feature.name))),
            }
        }
        if let Some((head, tail)) = line.rsplit_once(", start ") {
            let mut user = user_line(n, &feature.name, head, tail)?;
            feature.checked_out = feature.checked_out.saturating_add(user.licenses);
            user.block = self.features.len() - 1;
            users.push(user);
        } else if line.contains(" (v") && line.contains('/') {
            // A checkout line cut short: its holder would go missing unseen.
            return Err(invalid(n, format!("feature {}: cannot read the checkout line {line:?} (truncated output?)", feature.name)));
        }
        Ok(())
    }

    /// The records, once every line is read, and which blocks are series
    /// (a block printed again with the same counts is the first one's: its
    /// checkouts are not holders twice). `today` tells the license lines
    /// that ended from those that still count.
    fn records(&self, table: &HashMap<String, Vec<LicenseLine>>, today: Option<NaiveDate>) -> Result<(Vec<Record>, Vec<bool>), PayloadError> {
        if self.features.is_empty() {
            return Err(self.nothing_read());
        }
        let (kept, disagree) = self.repeats();
        if !self.features.iter().zip(&kept).any(|(f, k)| *k && self.countable(f)) {
            return Err(self.nothing_counted());
        }
        let ids = self.ids(&kept);
        let mut records = Vec::with_capacity(self.features.len());
        for (i, f) in self.features.iter().enumerate() {
            let Some(id) = ids[i].clone() else { continue };
            let server = self.servers.get(f.server);
            let lines = if f.lines.is_empty() { table.get(&f.name).map(Vec::as_slice).unwrap_or_default() } else { f.lines.as_slice() };
            let mut rec = feature_record(f, server, id, lines, today);
            self.flag(&mut rec, f);
            if disagree[i] {
                rec.flag(Status::Warning, format!("lmstat printed feature {} twice for {}, with different counts", f.name, where_of(f, server)));
            }
            records.push(rec);
        }
        Ok((records, kept))
    }

    /// Which blocks are series (`kept`), and which were printed again with
    /// other counts under the same daemon and server (both kept, flagged).
    fn repeats(&self) -> (Vec<bool>, Vec<bool>) {
        let n = self.features.len();
        let (mut kept, mut disagree) = (vec![true; n], vec![false; n]);
        let key = |f: &Feature| (f.name.clone(), f.daemon.clone(), f.server);
        let counts = |f: &Feature| (f.issued, f.used, f.error.clone(), f.uncounted, f.checked_out);
        for i in 0..n {
            for j in 0..i {
                if kept[j] && key(&self.features[j]) == key(&self.features[i]) {
                    if counts(&self.features[j]) == counts(&self.features[i]) {
                        kept[i] = false;
                        break;
                    }
                    disagree[i] = true;
                    disagree[j] = true;
                }
            }
        }
        (kept, disagree)
    }

    /// Each kept block's series id: the feature, with its vendor daemon when
    /// the feature is served by two daemons, and its server when by two
    /// servers; blocks that still share one are numbered (`#2`).
    fn ids(&self, kept: &[bool]) -> Vec<Option<String>> {
        let mut ids = vec![None; self.features.len()];
        let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
        for (i, f) in self.features.iter().enumerate().filter(|(i, _)| kept[*i]) {
            let same: Vec<&Feature> = self.features.iter().zip(kept).filter(|(g, k)| **k && g.name == f.name).map(|(g, _)| g).collect();
            let mut id = f.name.clone();
            if same.iter().any(|g| g.daemon != f.daemon) {
                id = format!("{id}@{}", f.daemon.as_deref().unwrap_or("?"));
            }
            if same.iter().any(|g| g.server != f.server) {
                id = format!("{id}@{}", self.servers.get(f.server).map_or("?", |s| s.name.as_str()));
            }
            // Numbered past any id taken already (a feature may be named `F#2`).
            let (mut n, mut unique) = (1, id.clone());
            while taken.contains(&unique) {
                n += 1;
                unique = format!("{id}#{n}");
            }
            taken.insert(unique.clone());
            ids[i] = Some(unique);
        }
        ids
    }

    /// The vendor daemon of `f` is down, and why.
    fn daemon_down(&self, f: &Feature) -> Option<&str> {
        let server = self.servers.get(f.server)?;
        server.daemons_down.iter().find(|(d, _)| f.daemon.as_deref() == Some(d.as_str())).map(|(_, why)| why.as_str())
    }

    /// Whether lmstat gave a count for `f` that can be trusted.
    fn countable(&self, f: &Feature) -> bool {
        f.error.is_none() && (f.used.is_some() || f.uncounted) && self.daemon_down(f).is_none()
    }

    /// Features were listed and not one can be counted: why, in one line.
    fn nothing_counted(&self) -> PayloadError {
        // What the servers say first: a daemon down explains its features' errors.
        let mut said: Vec<String> = Vec::new();
        for s in &self.servers {
            for (daemon, why) in &s.daemons_down {
                said.push(format!("vendor daemon {daemon} is down: {why}"));
            }
            if let Some(failed) = &s.failed {
                said.push(format!("{}: {failed}", s.name));
            }
        }
        let mut reasons: Vec<(String, Vec<&str>)> = Vec::new();
        for f in &self.features {
            let why = match (self.daemon_down(f), &f.error) {
                (Some(why), _) => format!("vendor daemon {} is down: {why}", f.daemon.as_deref().unwrap_or("?")),
                (None, Some(error)) => error.clone(),
                (None, None) => "no count".to_string(),
            };
            match reasons.iter_mut().find(|(w, _)| *w == why) {
                Some((_, names)) => names.push(&f.name),
                None => reasons.push((why, vec![&f.name])),
            }
        }
        for (why, names) in reasons {
            said.push(match names.len() {
                1..=3 => format!("{} ({})", why, names.join(", ")),
                n => format!("{} ({}, {} and {} more)", why, names[0], names[1], n - 2),
            });
        }
        PayloadError::Vendor(format!("no feature can be counted: {}", said.join("; ")))
    }

    /// Why no feature was read: what the servers said, or what the text is not.
    fn nothing_read(&self) -> PayloadError {
        let mut reasons: Vec<String> = self.errors.clone();
        for s in &self.servers {
            if let Some(f) = &s.failed {
                reasons.push(format!("{}: {f}", s.name));
            }
            for (host, why) in &s.down {
                reasons.push(format!("license server {host}: {why}"));
            }
            for (daemon, why) in &s.daemons_down {
                reasons.push(format!("vendor daemon {daemon}: {why}"));
            }
        }
        match reasons.first() {
            Some(_) => PayloadError::Vendor(format!("no feature usage to read: {}", reasons.join("; "))),
            None if self.lines == 0 => PayloadError::Vendor("empty input: no `lmstat -a` output".into()),
            // `lmstat` without `-a` (or `-c` alone) prints the servers and daemons only.
            None if !self.servers.is_empty() => PayloadError::Vendor(
                "no feature usage to read: the output lists the license servers but no `Users of FEATURE:` line (lmstat prints them with `-a`)".into(),
            ),
            None => PayloadError::Vendor("no feature usage to read: no `Users of FEATURE:` line (is this `lmutil lmstat -a` output?)".into()),
        }
    }

    /// What the output says of the servers and daemons, on a feature's record.
    fn flag(&self, rec: &mut Record, f: &Feature) {
        if let Some(error) = &f.error {
            rec.flag(Status::Unknown, format!("lmstat cannot count this feature: {error}"));
        }
        if let Some(why) = self.daemon_down(f) {
            rec.flag(Status::Unknown, format!("its vendor daemon {} is down: {why}", f.daemon.as_deref().unwrap_or("?")));
        }
        if f.queued > 0 {
            rec.flag(Status::Warning, format!("{} licenses queued (requests waiting for a free license)", f.queued));
        }
        for error in &self.errors {
            rec.flag(Status::Warning, format!("lmstat: {error}"));
        }
        for (i, s) in self.servers.iter().enumerate() {
            if i == f.server && !s.down.is_empty() {
                let up = s.count.saturating_sub(s.down.len());
                for (host, _) in &s.down {
                    rec.flag(Status::Warning, format!("license server {host} down ({up} of {} up)", s.count));
                }
            }
            if let Some(failed) = &s.failed {
                rec.flag(Status::Warning, format!("license server {} not read: {failed}", s.name));
            }
            for (daemon, why) in &s.daemons_down {
                if f.daemon.as_deref() != Some(daemon) {
                    rec.flag(Status::Warning, format!("vendor daemon {daemon} down, its features not read: {why}"));
                }
            }
        }
    }
}

/// A feature's record: its counts, when its pool of license lines ends, and
/// what lmstat says of it.
fn feature_record(f: &Feature, server: Option<&Server>, id: String, lines: &[LicenseLine], today: Option<NaiveDate>) -> Record {
    let expires = pool_end(lines, today).and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc());
    let used = if f.uncounted { Some(f.checked_out) } else { f.used };
    let line = |l: &LicenseLine| json!({"count": l.count, "expires": l.ends.map(|d| d.format("%Y-%m-%d").to_string())});
    // Counted FlexLM licenses float: any user checks one out while working.
    let nodelocked = f.uncounted || f.license_type.as_deref().is_some_and(|t| t.contains("nodelocked"));
    Record::new(&f.name, METRIC, used, f.issued)
        .unit(METRIC)
        .floating(!nodelocked)
        .with_id(Some(id))
        .expires(expires)
        .detail("vendor_daemon", f.daemon.clone())
        .detail("server", server.map(|s| s.name.clone()).filter(|s| !s.is_empty()))
        .detail("license_type", f.license_type.clone())
        .detail("borrowable", f.borrowable.then_some(true))
        .detail("permanent", (!lines.is_empty() && lines.iter().all(|l| l.ends.is_none())).then_some(true))
        .detail("license_lines", (lines.len() > 1).then(|| Value::Array(lines.iter().map(line).collect())))
        .detail("reserved", (f.reserved > 0).then_some(f.reserved))
        .detail("reservations", (!f.reservations.is_empty()).then(|| Value::Array(f.reservations.clone())))
        .detail("queued", (f.queued > 0).then_some(f.queued))
}

/// When a pool of license lines ends: when its next still-valid dated line
/// ends (a line already ended does not end a pool with valid lines); never,
/// when only permanent lines are left; and when every line has ended, at the
/// last one's end (it is expired). Without `today`, the earliest end. A line
/// of no licenses (`#licenses` 0) keeps no pool alive.
fn pool_end(lines: &[LicenseLine], today: Option<NaiveDate>) -> Option<NaiveDate> {
    let some: Vec<&LicenseLine> = lines.iter().filter(|l| l.count != Some(0)).collect();
    let lines: Vec<&LicenseLine> = if some.is_empty() { lines.iter().collect() } else { some };
    let dated = || lines.iter().filter_map(|l| l.ends);
    let valid = dated().filter(|d| today.is_none_or(|t| *d >= t)).min();
    match valid {
        Some(d) => Some(d),
        None if lines.iter().any(|l| l.ends.is_none()) => None,
        None => dated().max(),
    }
}

/// `daemon MLM on 27000@lic1`, for messages.
fn where_of(f: &Feature, server: Option<&Server>) -> String {
    let daemon = f.daemon.as_deref().map(|d| format!("daemon {d}")).unwrap_or_else(|| "no daemon named".into());
    match server.map(|s| s.name.as_str()).filter(|s| !s.is_empty()) {
        Some(s) => format!("{daemon} on {s}"),
        None => daemon,
    }
}

/// A checkout line: `head` is `user host [display] [vendor_def] [(vVER)]
/// [(server/port handle)]`, `tail` what follows `, start `.
fn user_line(n: usize, feature: &str, head: &str, tail: &str) -> Result<User, PayloadError> {
    let mut head = head.trim();
    let mut handle = None;
    let mut version = None;
    if head.ends_with(')') {
        if let Some((before, group)) = head.rsplit_once(" (") {
            let group = group.trim_end_matches(')');
            if group.contains('/') {
                handle = Some(group.to_string());
                head = before.trim_end();
            }
        }
    }
    if head.ends_with(')') {
        if let Some((before, group)) = head.rsplit_once(" (v") {
            version = Some(group.trim_end_matches(')').to_string());
            head = before.trim_end();
        }
    }
    let (user, host, display, vendor_def) = checkout_words(head).ok_or_else(|| invalid(n, format!("feature {feature}: a checkout line without a user")))?;

    // `Mon 2/10 0:10[, 5 licenses][  (linger: 885098 / 1340160)][, PID: 2924522][, borrow-return Tue 3/4 9:00]`
    let mut parts = tail.split(',').map(str::trim);
    let start = parts.next().and_then(day_time).ok_or_else(|| invalid(n, format!("feature {feature}: cannot read the start time in {tail:?}")))?;
    let mut user = User {
        block: 0,
        feature: feature.to_string(),
        user,
        host,
        display,
        vendor_def,
        version,
        handle,
        start: Some(start.0),
        licenses: 1,
        linger: start.1,
        pid: None,
        borrow_return: None,
    };
    for part in parts {
        let (part, linger) = split_linger(part);
        if linger.is_some() {
            user.linger = linger;
        }
        let words: Vec<&str> = part.split_whitespace().collect();
        match words.as_slice() {
            [c, license] if license.starts_with("license") => user.licenses = count(n, c, &format!("feature {feature}: licenses of a checkout"))?,
            ["PID:", pid] | ["PID", pid] => user.pid = pid.parse().ok(),
            ["borrow-return", rest @ ..] => user.borrow_return = day_time(&rest.join(" ")).map(|t| t.0),
            _ => {}
        }
    }
    Ok(user)
}

/// The words of a checkout line before its version: `user host display
/// [vendor_def…]`. The user may have spaces: where the display is told by
/// its look (`:0`, `/dev/tty`) or by being the host again (as Windows
/// prints it) past the third word, the user is all before the host.
type CheckoutWords = (String, Option<String>, Option<String>, Option<String>);

fn checkout_words(head: &str) -> Option<CheckoutWords> {
    let words: Vec<&str> = head.split_whitespace().collect();
    let looks_like_display = |w: &str| w.starts_with("/dev/") || w.strip_prefix(':').is_some_and(|d| d.starts_with(|c: char| c.is_ascii_digit()));
    let display = (2..words.len()).find(|&k| words[k] == words[k - 1] || looks_like_display(words[k])).unwrap_or(2);
    let text = |part: &[&str]| (!part.is_empty()).then(|| part.join(" "));
    match words.as_slice() {
        [] => None,
        [user] => Some((user.to_string(), None, None, None)),
        [user, host] => Some((user.to_string(), Some(host.to_string()), None, None)),
        _ => Some((
            words[..display - 1].join(" "),
            Some(words[display - 1].to_string()),
            Some(words[display].to_string()),
            text(&words[display + 1..]),
        )),
    }
}

/// `Mon 2/10 0:10` (and a trailing `(linger: …)`): month, day, hour, minute.
fn day_time(text: &str) -> Option<(Clock, Option<String>)> {
    let (text, linger) = split_linger(text);
    let mut words = text.split_whitespace();
    let _day = words.next()?;
    let (month, day) = words.next()?.split_once('/')?;
    let (hour, minute) = words.next()?.split_once(':')?;
    let t = (month.parse().ok()?, day.parse().ok()?, hour.parse().ok()?, minute.parse().ok()?);
    (1..=12).contains(&t.0).then_some((t, linger))
}

/// `… (linger: 885098 / 1340160)` → the text before it and the linger.
fn split_linger(text: &str) -> (&str, Option<String>) {
    match text.split_once("(linger:") {
        Some((before, linger)) => (before.trim(), Some(linger.trim().trim_end_matches(')').trim().to_string())),
        None => (text, None),
    }
}

/// A FlexLM expiry date: `31-dec-2026`; `permanent`, `1-jan-0` (any year 0) mean none.
fn expiry_date(text: &str) -> Result<Option<NaiveDate>, String> {
    let t = text.trim().to_ascii_lowercase();
    if t.starts_with("permanent") || t == "uncounted" {
        return Ok(None);
    }
    let mut parts = t.splitn(3, '-');
    let (Some(day), Some(month), Some(year)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("invalid expiry date {text:?}: expected DD-mon-YYYY or permanent"));
    };
    let year: i32 = year.parse().map_err(|_| format!("invalid expiry date {text:?}: expected DD-mon-YYYY or permanent"))?;
    if year == 0 {
        return Ok(None);
    }
    let month = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .iter()
        .position(|m| *m == month)
        .ok_or_else(|| format!("invalid expiry date {text:?}: unknown month {month:?}"))?;
    // Two-digit years (older license files) are 19xx/20xx as FlexLM reads them.
    let year = match year {
        1..=99 if year < 70 => 2000 + year,
        1..=99 => 1900 + year,
        y => y,
    };
    day.parse::<u32>()
        .ok()
        .and_then(|d| NaiveDate::from_ymd_opt(year, month as u32 + 1, d))
        .filter(|d| (1..=9999).contains(&d.year()))
        .map(Some)
        .ok_or_else(|| format!("invalid expiry date {text:?}"))
}

/// The `lmstat -i` table: `Feature Version #licenses Expires Vendor`, or
/// with Vendor and Expires the other way round (both are in the wild); the
/// header says which.
#[derive(Debug, Default)]
struct ExpiryTable {
    /// Whether Expires comes before Vendor, once the header is read.
    expires_first: Option<bool>,
    lines: HashMap<String, Vec<LicenseLine>>,
}

impl ExpiryTable {
    fn line(&mut self, n: usize, line: &str) -> Result<(), PayloadError> {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"Feature") {
            let at = |name: &str| words.iter().position(|w| w.eq_ignore_ascii_case(name));
            self.expires_first = at("expires").zip(at("vendor")).map(|(e, v)| e < v);
            return Ok(());
        }
        let Some(expires_first) = self.expires_first else { return Ok(()) };
        if words.len() < 5 || words.iter().all(|w| w.chars().all(|c| c == '_')) {
            return Ok(());
        }
        // Feature, version, count, then the date and the vendor (one word);
        // the date may be words (`permanent(no expiration date)`).
        let text = match expires_first {
            true => words[3..words.len() - 1].join(" "),
            false => words[4..].join(" "),
        };
        let ends = expiry_date(&text).map_err(|e| invalid(n, format!("feature {}: {e}", words[0])))?;
        // `#licenses`: a count, or `uncounted`.
        let count = words[2].parse::<u64>().ok().filter(|c| *c <= i64::MAX as u64);
        self.lines.entry(words[0].to_string()).or_default().push(LicenseLine { count, ends });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `lmstat -a` text (and `-i` text) reads as, on 2026-11-24.
    fn read(a: &str, i: Option<&str>) -> Result<(Vec<Record>, Vec<Holder>), PayloadError> {
        let mut payloads = Payloads::one(a.as_bytes().to_vec());
        if let Some(i) = i {
            payloads.extra.insert(EXPIRY, vec![Body::Bytes(i.as_bytes().to_vec())]);
        }
        payloads.now = NaiveDate::from_ymd_opt(2026, 11, 24).and_then(|d| d.and_hms_opt(12, 0, 0)).map(|t| t.and_utc());
        let mut holders = Vec::new();
        let records = Flexlm.parse(&payloads, &Settings::default(), &mut Sink::new(&crate::holder::Kept::all, &mut |k| holders.extend(k.into_holder())))?;
        Ok((records, holders))
    }

    fn ids(records: &[Record]) -> Vec<(String, Option<u64>, Option<u64>)> {
        records.iter().map(|r| (r.id.clone(), r.used, r.limit)).collect()
    }

    const TWO_DAEMONS: &str = "\
License server status: 27000@licsrv
    License file(s) on licsrv: /opt/lic/all.lic:

    licsrv: license server UP (MASTER) v11.16.2

Vendor daemon status (on licsrv):

       MLM: UP v11.16.2
    cdslmd: UP v11.16.2

Feature usage info:

Users of features served by MLM:
Users of solver:  (Total of 10 licenses issued;  Total of 2 licenses in use)

  \"solver\" v1, vendor: MLM, expiry: permanent
  floating license

    ana ws1 /dev/tty (v1) (licsrv/27000 101), start Tue 11/24 9:00
    bo ws2 /dev/tty (v1) (licsrv/27000 102), start Tue 11/24 9:05

Users of features served by cdslmd:
Users of solver:  (Total of 4 licenses issued;  Total of 1 license in use)

  \"solver\" v2, vendor: cdslmd, expiry: 31-dec-2027
  floating license

    cy ws3 ws3 (v2) (licsrv/27000 201), start Tue 11/24 10:00
";

    /// One feature under two vendor daemons of one server: two series, the
    /// daemon in the id (it failed the whole source with `two series with the id`).
    #[test]
    fn a_feature_under_two_daemons_is_two_series() {
        let (records, holders) = read(TWO_DAEMONS, None).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(ids(&records), [("solver@MLM".into(), Some(2), Some(10)), ("solver@cdslmd".into(), Some(1), Some(4))]);
        assert_eq!(holders.len(), 3);
    }

    /// A block lmstat prints twice is one series, its checkouts holders once;
    /// printed twice with other counts, both are kept, numbered and flagged.
    #[test]
    fn a_block_printed_twice_is_one_series() {
        let block = "Users of cad:  (Total of 5 licenses issued;  Total of 1 license in use)\n\n  \"cad\" v3, vendor: ptc_d, expiry: 1-jan-0\n\n    dee pc1 pc1 (v3) (srv/7788 11), start Mon 11/23 8:00\n\n";
        let text = format!("License server status: 7788@srv\n\nsrv: license server UP v11.18.0\n\nFeature usage info:\n\n{block}{block}");
        let (records, holders) = read(&text, None).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(ids(&records), [("cad".into(), Some(1), Some(5))]);
        assert_eq!(holders.len(), 1);
        let other = block.replace("Total of 1 license in use", "Total of 2 licenses in use");
        let text = format!("License server status: 7788@srv\n\nsrv: license server UP v11.18.0\n\nFeature usage info:\n\n{block}{other}");
        let (records, _) = read(&text, None).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(ids(&records), [("cad".into(), Some(1), Some(5)), ("cad#2".into(), Some(2), Some(5))]);
        for r in &records {
            assert_eq!(r.status, Status::Warning);
            assert!(r.reasons.iter().any(|x| x.contains("printed feature cad twice")), "{:?}", r.reasons);
        }
    }

    /// A feature named like a numbered series (`cad#2`) never shares its id
    /// (a fuzz finding: two series with one id failed the source).
    #[test]
    fn numbered_ids_never_collide_with_a_feature_named_so() {
        let block = |name: &str, used: u32| format!("Users of {name}:  (Total of 5 licenses issued;  Total of {used} licenses in use)\n\n");
        let text = format!(
            "License server status: 7788@srv\n\nsrv: license server UP v11.18.0\n\nFeature usage info:\n\n{}{}{}",
            block("cad", 1),
            block("cad", 2),
            block("cad#2", 0)
        );
        let (records, _) = read(&text, None).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(ids(&records), [("cad".into(), Some(1), Some(5)), ("cad#2".into(), Some(2), Some(5)), ("cad#2#2".into(), Some(0), Some(5))]);
    }

    /// Every feature of a down daemon says so; when no feature can be
    /// counted, the source fails rather than give empty records.
    #[test]
    fn a_down_daemon_marks_its_features_and_nothing_counted_fails() {
        let text = TWO_DAEMONS.replace("    cdslmd: UP v11.16.2", "    cdslmd: The desired vendor daemon is down. (-97,121)");
        let (records, _) = read(&text, None).unwrap_or_else(|e| unreachable!("{e}"));
        let cds = records.iter().find(|r| r.id == "solver@cdslmd").unwrap_or_else(|| unreachable!());
        assert_eq!(cds.status, Status::Unknown);
        assert!(cds.reasons.iter().any(|x| x.contains("vendor daemon cdslmd is down")), "{:?}", cds.reasons);
        let none = "License server status: 1717@lic\n\nlic: license server UP v11.13\n\nFeature usage info:\n\n\
Users of MATLAB:  Cannot get users of MATLAB: No such feature exists. (-5,222)\n\
Users of Simulink:  Cannot get users of Simulink: No such feature exists. (-5,222)\n";
        let e = read(none, None).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(e, "no feature can be counted: No such feature exists. (-5,222) (MATLAB, Simulink)");
    }

    /// A pool of license lines: one ended, two permanent: not expired; each
    /// line in details. All ended: expired at the last end.
    #[test]
    fn a_pool_expires_when_its_next_valid_line_ends() {
        let a = "License server status: 1715@bio\n\nbio: license server UP v11.16.4\n\nFeature usage info:\n\n\
Users of MS_dmol:  (Total of 12 licenses issued;  Total of 0 licenses in use)\n";
        let i = "Feature                         Version     #licenses    Expires      Vendor\n\
_______                         _________   _________    __________   ______\n\
MS_dmol                         2026.0      4            permanent(no expiration date) msi\n\
MS_dmol                         2026.0      4            permanent(no expiration date) msi\n\
MS_dmol                         2020.0      4            31-dec-2020  msi\n";
        let (records, _) = read(a, Some(i)).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(records[0].expires_at, None);
        assert_eq!(records[0].status, Status::Ok);
        let lines = records[0].details.get("license_lines").cloned().unwrap_or_default();
        assert_eq!(lines, json!([{"count": 4, "expires": null}, {"count": 4, "expires": null}, {"count": 4, "expires": "2020-12-31"}]));
        let i = i.replace("permanent(no expiration date)", "31-mar-2027");
        let (records, _) = read(a, Some(&i)).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(records[0].expires_at.map(|t| t.date_naive()), NaiveDate::from_ymd_opt(2027, 3, 31));
        let i = i.replace("31-mar-2027", "31-mar-2021");
        let (records, _) = read(a, Some(&i)).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(records[0].expires_at.map(|t| t.date_naive()), NaiveDate::from_ymd_opt(2021, 3, 31));
    }

    /// Every real `lmstat -i` table of the corpus, read: each feature's license
    /// lines and when its pool ends, as of 2026-11-24 (reviewed by hand).
    #[test]
    fn real_expiry_tables() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/flexlm/real");
        let mut paths: Vec<_> = std::fs::read_dir(&dir).into_iter().flatten().filter_map(Result::ok).map(|e| e.path()).collect();
        paths.retain(|p| p.to_string_lossy().ends_with("-i.txt"));
        paths.sort();
        assert!(paths.len() >= 3, "{}", dir.display());
        let today = NaiveDate::from_ymd_opt(2026, 11, 24);
        for path in paths {
            let mut table = ExpiryTable::default();
            let read = for_each_line(&Body::File(path.clone()), &mut |n, line| table.line(n, line));
            let mut out = format!("{read:?}\n");
            let mut names: Vec<&String> = table.lines.keys().collect();
            names.sort();
            for name in names {
                let lines = &table.lines[name];
                let each: Vec<String> = lines.iter().map(|l| format!("{:?} until {:?}", l.count, l.ends)).collect();
                out.push_str(&format!("{name}: {} -> ends {:?}\n", each.join("; "), pool_end(lines, today)));
            }
            let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            insta::assert_snapshot!(format!("flexlm_expiry__{stem}"), out);
        }
    }

    /// Checkout lines as real servers print them (from the corpus): a vendor
    /// field after the display, a user name with spaces.
    #[test]
    fn checkout_words_as_servers_print_them() {
        let w = |head: &str| checkout_words(head).map(|(u, h, d, v)| (u, h.unwrap_or_default(), d.unwrap_or_default(), v.unwrap_or_default()));
        let s = |a: &str, b: &str, c: &str, d: &str| Some((a.to_string(), b.to_string(), c.to_string(), d.to_string()));
        assert_eq!(w("user1 host-a display"), s("user1", "host-a", "display", ""));
        assert_eq!(w("shyd2407pd038 g11p11 :6838 MultiCPU"), s("shyd2407pd038", "g11p11", ":6838", "MultiCPU"));
        assert_eq!(w("user_01 TENCENT64.site :80 Xcelium Single Core Engine"), s("user_01", "TENCENT64.site", ":80", "Xcelium Single Core Engine"));
        assert_eq!(w("usbn12 p-c94.com /dev/tty feature=test_feature"), s("usbn12", "p-c94.com", "/dev/tty", "feature=test_feature"));
        assert_eq!(w("shlee t009 t009.tml 60048"), s("shlee", "t009", "t009.tml", "60048"));
        assert_eq!(w("ABCDKK ER0037 SESOR045 MSCONE:ADAMS_View"), s("ABCDKK", "ER0037", "SESOR045", "MSCONE:ADAMS_View"));
        assert_eq!(w("user1 host-01 host-01:0.0 lc80a28012593569_1"), s("user1", "host-01", "host-01:0.0", "lc80a28012593569_1"));
        assert_eq!(w("Quantenna FAE4 LAPTOP-Q6ADI2G2 LAPTOP-Q6ADI2G2"), s("Quantenna FAE4", "LAPTOP-Q6ADI2G2", "LAPTOP-Q6ADI2G2", ""));
        assert_eq!(w("Jo Ann Smith ws7 /dev/pts/3"), s("Jo Ann Smith", "ws7", "/dev/pts/3", ""));
        assert_eq!(w("user11 server19"), s("user11", "server19", "", ""));
    }

    /// An uncounted feature's use is its checkouts; checkout lines are read
    /// from the right, user names with spaces whole.
    #[test]
    fn uncounted_use_and_user_names_with_spaces() {
        let text = r#"License server status: 2100@lab

lab: license server UP v11.10.0

Feature usage info:

Users of viewer:  (Uncounted, node-locked)

  "viewer" v2010.1008, vendor: qtnad, expiry: permanent
  uncounted nodelocked license locked to HOSTID=ANY

    Quantenna FAE4 LAPTOP-Q6ADI2G2 LAPTOP-Q6ADI2G2 (v2010.1008) (lab/2100 302), start Mon 11/23 14:03
    ops lab7 /dev/pts/1 (v2010.1008) (lab/2100 404), start Tue 11/24 8:15, 2 licenses
"#;
        let (records, holders) = read(text, None).unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(ids(&records), [("viewer".into(), Some(3), None)]);
        assert_eq!(holders[0].holder, "Quantenna FAE4");
        assert_eq!(holders[0].details.get("host"), Some(&json!("LAPTOP-Q6ADI2G2")));
        assert_eq!(holders[0].details.get("display"), Some(&json!("LAPTOP-Q6ADI2G2")));
        assert_eq!(holders[1].holder, "ops");
        assert_eq!(holders[1].details.get("licenses"), Some(&json!(2)));
    }

    #[test]
    fn expiry_dates() {
        assert_eq!(expiry_date("31-dec-2026"), Ok(NaiveDate::from_ymd_opt(2026, 12, 31)));
        assert_eq!(expiry_date("1-jan-0"), Ok(None));
        assert_eq!(expiry_date("01-jan-0000"), Ok(None));
        assert_eq!(expiry_date("permanent"), Ok(None));
        assert_eq!(expiry_date("permanent(no expiration date)"), Ok(None));
        assert!(expiry_date("31-foo-2026").is_err());
        assert!(expiry_date("30-feb-2026").is_err());
    }

    /// Text past 64 MiB is refused, even one line without end, never held whole.
    #[test]
    fn oversized_text_is_refused() {
        let body = Body::Bytes(vec![b'x'; crate::payload::MAX_DOCUMENT as usize + 1]);
        let r = for_each_line(&body, &mut |_, _| Ok(()));
        assert_eq!(r, Err(PayloadError::Io("reading: text larger than 64 MiB: refused".into())));
    }

    #[test]
    fn the_header_time_is_the_reference() {
        let mut status = Lmstat::default();
        let mut users = Vec::new();
        let r = status.line(2, "Flexible License Manager status on Tue 11/24/2026 9:41", &mut users);
        assert_eq!(r, Ok(()));
        assert_eq!(status.printed_at, NaiveDate::from_ymd_opt(2026, 11, 24).and_then(|d| d.and_hms_opt(9, 41, 0)));
    }

    #[test]
    fn the_year_is_the_latest_not_after_the_reference() {
        let reference = NaiveDate::from_ymd_opt(2026, 1, 5).and_then(|d| d.and_hms_opt(10, 0, 0)).unwrap_or_default();
        let t = local_time((12, 30, 9, 5), reference).map(|t| t.with_timezone(&Local).naive_local());
        assert_eq!(t, NaiveDate::from_ymd_opt(2025, 12, 30).and_then(|d| d.and_hms_opt(9, 5, 0)));
        let t = local_time((1, 5, 9, 0), reference).map(|t| t.with_timezone(&Local).naive_local());
        assert_eq!(t, NaiveDate::from_ymd_opt(2026, 1, 5).and_then(|d| d.and_hms_opt(9, 0, 0)));
        // 29 February: the latest leap year.
        let t = local_time((2, 29, 0, 0), reference).map(|t| t.with_timezone(&Local).naive_local().date());
        assert_eq!(t, NaiveDate::from_ymd_opt(2024, 2, 29));
    }
}
