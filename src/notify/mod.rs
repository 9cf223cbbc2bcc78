//! `licusage notify` (docs/reference.md, Notify): what changed since a channel was last
//! told, as one message per change. Knows no transport: the command sends
//! what [`changes`] finds and stores the states of what was sent.
//!
//! Subjects and their states: a series (`ok`, `warning`, `critical`,
//! `unknown`), a source (`up`, `down`), a series' renewal decision (`due`
//! once its deadline has come, else `not_due`). A series change is sent when
//! either side is at the channel's `min_status` or worse (a return below it
//! is the problem resolved); a critical still unresolved is sent again after
//! `repeat`; a source is sent when it fails and when it recovers; a decision
//! when its deadline comes. What is fine the first time a channel sees it is
//! remembered, not sent.

mod send;

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::config::notify::Channel;
use crate::history::Notified;
use crate::plan::{Decision, When};
use crate::record::{Record, Status};
use crate::report::Report;

/// One message: what changed, for one channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// `status`, `source`, `denials` or `deadline`.
    pub event: &'static str,
    pub source: String,
    pub kind: String,
    /// The series, for `status` and `deadline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// The state the channel was told last (none: never), and the state now.
    pub from: Option<String>,
    pub to: String,
    /// Back below the channel's `min_status`, or the source up again.
    pub resolved: bool,
    /// Sent again: still critical after `repeat`.
    pub repeated: bool,
    /// One line a person reads.
    pub summary: String,
    /// Why the series is in its state (`reasons`), or why the source failed.
    pub details: Vec<String>,
    /// The subject's key in the notified state.
    #[serde(skip)]
    pub subject: String,
}

fn series_key(source: &str, id: &str) -> String {
    format!("series\u{1f}{source}\u{1f}{id}")
}

fn amount(r: &Record) -> String {
    crate::output::check::amount(r)
}

/// The changes `channel` is to be told of, given what it was told before.
pub fn changes(
    channel: &Channel,
    report: &Report,
    decisions: &[Decision],
    told: &HashMap<String, Notified>,
    now: DateTime<Utc>,
) -> Vec<Change> {
    let mut out: Vec<Change> = report
        .sources
        .iter()
        .filter(|(name, _)| channel.wants(name, None))
        .filter_map(|(name, kind)| source_change(report, name, kind, told))
        .collect();
    for r in report.records.iter().filter(|r| channel.wants(&r.source, Some(&r.product))) {
        out.extend(status_change(channel, r, told, now));
        out.extend(denials_change(r, told));
    }
    for d in decisions.iter().filter(|d| d.deadline.is_some() && channel.wants(&d.source, Some(&d.product))) {
        out.extend(deadline_change(d, told));
    }
    out
}

/// A source failing (or first seen failing) or read again.
fn source_change(report: &Report, name: &str, kind: &str, told: &HashMap<String, Notified>) -> Option<Change> {
    let error = report.errors.iter().find(|e| e.source == name);
    let to = if error.is_some() { "down" } else { "up" };
    let subject = format!("source\u{1f}{name}");
    let from = told.get(&subject).map(|n| n.state.clone());
    let send = match from.as_deref() {
        None => to == "down",
        Some(f) => f != to,
    };
    if !send {
        return None;
    }
    let summary = match error {
        Some(_) => format!("source {name} ({kind}) cannot be read"),
        None => format!("source {name} ({kind}) is read again"),
    };
    Some(Change {
        event: "source",
        source: name.to_string(),
        kind: kind.to_string(),
        id: None,
        product: None,
        metric: None,
        resolved: to == "up",
        repeated: false,
        from,
        to: to.into(),
        summary,
        details: error.map(|e| e.message.clone()).into_iter().collect(),
        subject,
    })
}

/// A decision whose deadline has come (told once), or one no longer due
/// (remembered silently: a renewal moved on, say).
fn deadline_change(d: &Decision, told: &HashMap<String, Notified>) -> Option<Change> {
    let subject = format!("deadline\u{1f}{}\u{1f}{}", d.source, d.id);
    let to = if d.when == When::ActNow { "due" } else { "not_due" };
    let from = told.get(&subject).map(|n| n.state.clone());
    if from.as_deref() == Some(to) || (from.is_none() && to == "not_due") {
        return None;
    }
    let summary = match to {
        "due" => {
            let (date, is) = (d.date.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(), d.date_is.unwrap_or("ends"));
            let renew = match d.recommended {
                Some(r) => format!("; renew at {r} (today {})", d.limit.map(|l| l.to_string()).unwrap_or_else(|| "unlimited".into())),
                None => String::new(),
            };
            format!("{}/{}/{}: decide now: it {is} on {date}{renew}", d.source, d.product, d.metric)
        }
        _ => String::new(),
    };
    Some(Change {
        event: "deadline",
        source: d.source.clone(),
        kind: d.kind.clone(),
        id: Some(d.id.clone()),
        product: Some(d.product.clone()),
        metric: Some(d.metric.clone()),
        from,
        to: to.into(),
        resolved: to == "not_due",
        repeated: false,
        summary,
        details: if to == "due" { d.note.iter().cloned().collect() } else { Vec::new() },
        subject,
    })
}

/// Checkouts refused since the channel was last told (sources with `log`):
/// the log's running total (`details.denials_total`) against the total the
/// channel was told. A total below it (a log started afresh) is taken as
/// the new base, silently.
fn denials_change(r: &Record, told: &HashMap<String, Notified>) -> Option<Change> {
    let by_reason = r.details.get("denials_total").and_then(serde_json::Value::as_object)?;
    let total: u64 = by_reason.values().filter_map(serde_json::Value::as_u64).sum();
    let subject = format!("denials\u{1f}{}\u{1f}{}", r.source, r.key());
    let before = told.get(&subject).and_then(|n| n.state.parse::<u64>().ok());
    let new = match before {
        Some(b) if total > b => total - b,
        Some(b) if total == b => return None,
        // First seen, or a log started afresh: the base, not news.
        _ => 0,
    };
    let series = format!("{}/{}/{}", r.source, r.product, r.metric);
    Some(Change {
        event: "denials",
        source: r.source.clone(),
        kind: r.kind.clone(),
        id: Some(r.key()),
        product: Some(r.product.clone()),
        metric: Some(r.metric.clone()),
        from: before.map(|b| b.to_string()),
        to: total.to_string(),
        resolved: false,
        repeated: false,
        summary: match new {
            0 => String::new(),
            1 => format!("{series}: 1 checkout refused ({})", amount(r)),
            n => format!("{series}: {n} checkouts refused ({})", amount(r)),
        },
        details: by_reason.iter().map(|(why, n)| format!("{n} {why} in all")).collect(),
        subject,
    })
}

/// A series' status change worth telling `channel`, if there is one.
fn status_change(channel: &Channel, r: &Record, told: &HashMap<String, Notified>, now: DateTime<Utc>) -> Option<Change> {
    let subject = series_key(&r.source, &r.key());
    let before = told.get(&subject);
    let from: Option<Status> = before.and_then(|n| status_of(&n.state));
    let to = r.status;
    let min = channel.min_status;
    let repeated = from == Some(to)
        && to == Status::Critical
        && channel.repeat.zip(before).is_some_and(|(every, n)| now - n.sent_at >= chrono::Duration::from_std(every).unwrap_or_default());
    let send = match from {
        _ if repeated => true,
        None => to >= min && to != Status::Ok,
        Some(f) => f != to && f.max(to) >= min,
    };
    // A series seen for the first time in good health: remembered, not sent.
    let remember = !send && from != Some(to);
    if !send && !remember {
        return None;
    }
    let series = format!("{}/{}/{}", r.source, r.product, r.metric);
    let summary = match (from, repeated) {
        (_, true) => format!("{series} is still critical: {}", amount(r)),
        (Some(f), _) if to < min && f >= min => format!("{series} is {} again (was {}): {}", to.as_str(), f.as_str(), amount(r)),
        (Some(f), _) => format!("{series} is {} (was {}): {}", to.as_str(), f.as_str(), amount(r)),
        (None, _) => format!("{series} is {}: {}", to.as_str(), amount(r)),
    };
    Some(Change {
        event: "status",
        source: r.source.clone(),
        kind: r.kind.clone(),
        id: Some(r.key()),
        product: Some(r.product.clone()),
        metric: Some(r.metric.clone()),
        from: from.map(|f| f.as_str().to_string()),
        to: to.as_str().to_string(),
        resolved: from.is_some_and(|f| f >= min) && to < min,
        repeated,
        summary: if send { summary } else { String::new() },
        details: r.reasons.clone(),
        subject,
    })
}

impl Change {
    /// Whether it is a message (else a state only remembered).
    pub fn is_message(&self) -> bool {
        !self.summary.is_empty()
    }

    /// The state the channel has been told once this is sent.
    pub fn told(&self, now: DateTime<Utc>) -> (String, Notified) {
        (self.subject.clone(), Notified { state: self.to.clone(), sent_at: now })
    }

    /// The webhook's JSON document (docs/reference.md, Notify).
    pub fn webhook(&self, channel: &str, now: DateTime<Utc>) -> serde_json::Value {
        let mut doc = serde_json::json!({
            "schema_version": crate::report::SCHEMA_VERSION,
            "sent_at": now.to_rfc3339_opts(SecondsFormat::Secs, true),
            "channel": channel,
        });
        if let (Some(map), Ok(serde_json::Value::Object(fields))) = (doc.as_object_mut(), serde_json::to_value(self)) {
            map.extend(fields);
        }
        doc
    }
}

/// Slack's mrkdwn: `&`, `<`, `>` as entities (its formatting rules); the
/// rest of the text as it is.
fn slack_text(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// An Adaptive Card's TextBlock markdown: its markup characters escaped.
fn teams_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // `(` needs none: without a `[` there is no link to open.
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '#' | '~' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Change {
    /// The headline: the new state in capitals, then the summary.
    pub fn headline(&self) -> String {
        let state = match (self.event, self.resolved) {
            (_, true) => "RESOLVED".to_string(),
            ("deadline", _) => "DUE".to_string(),
            ("denials", _) => "DENIED".to_string(),
            _ => self.to.to_uppercase(),
        };
        format!("{state}: {}", self.summary)
    }

    /// Slack incoming webhook: Block Kit, with the summary as the fallback text.
    pub fn slack(&self) -> serde_json::Value {
        let mut blocks = vec![serde_json::json!({"type": "section", "text": {"type": "mrkdwn", "text": slack_text(&self.headline())}})];
        if !self.details.is_empty() {
            let details: Vec<serde_json::Value> =
                self.details.iter().take(10).map(|d| serde_json::json!({"type": "mrkdwn", "text": slack_text(d)})).collect();
            blocks.push(serde_json::json!({"type": "context", "elements": details}));
        }
        serde_json::json!({"text": slack_text(&self.headline()), "blocks": blocks})
    }

    /// Teams Workflows webhook: a message with one Adaptive Card.
    pub fn teams(&self) -> serde_json::Value {
        let mut body =
            vec![serde_json::json!({"type": "TextBlock", "text": teams_text(&self.headline()), "wrap": true, "weight": "Bolder"})];
        for d in &self.details {
            body.push(serde_json::json!({"type": "TextBlock", "text": teams_text(d), "wrap": true, "isSubtle": true}));
        }
        serde_json::json!({
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": null,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": body,
                },
            }],
        })
    }

    /// Alertmanager API v2: one alert. A problem is firing until `until`
    /// (licusage tells Alertmanager again before then only on a change or a
    /// repeat); a resolution ends it now.
    pub fn alertmanager(&self, channel: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> serde_json::Value {
        let alertname = match self.event {
            "source" => "LicenseSourceDown",
            "denials" => "LicenseCheckoutsDenied",
            "deadline" => "LicenseRenewalDecisionDue",
            _ => "LicenseSeriesStatus",
        };
        let severity = match self.to.as_str() {
            "critical" | "down" => "critical",
            _ => "warning",
        };
        let mut labels = serde_json::json!({"alertname": alertname, "source": self.source, "kind": self.kind, "severity": severity, "licusage_channel": channel});
        if let Some(map) = labels.as_object_mut() {
            for (k, v) in [("id", &self.id), ("product", &self.product), ("metric", &self.metric)] {
                if let Some(v) = v {
                    map.insert(k.into(), v.clone().into());
                }
            }
        }
        let at = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
        // A resolved series keeps the severity it had, so that it ends the same alert.
        if self.resolved {
            if let Some(map) = labels.as_object_mut() {
                let was = match self.from.as_deref() {
                    Some("critical") | Some("down") => "critical",
                    _ => "warning",
                };
                map.insert("severity".into(), was.into());
            }
        }
        serde_json::json!([{
            "labels": labels,
            "annotations": {"summary": self.summary, "description": self.details.join("; ")},
            "startsAt": at(now),
            "endsAt": at(if self.resolved { now } else { until }),
        }])
    }
}

/// Send `messages` (the reclaim digest) to every channel that wants them,
/// no state kept: a digest goes out each time it is asked for.
/// Alertmanager takes alerts, not digests: its channels are left out.
pub fn deliver_all(
    handle: &tokio::runtime::Handle,
    config: &crate::config::Config,
    http: &crate::http::Http,
    messages: &[Change],
    now: DateTime<Utc>,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for channel in config.notify.iter().filter(|c| c.kind != crate::config::notify::ChannelKind::Alertmanager) {
        let mut outcome = Outcome { channel: channel.name.clone(), tried: false, sent: 0, errors: Vec::new() };
        match secret_of(handle, channel, config.timeout) {
            Ok(secret) => {
                outcome.tried = true;
                for m in messages.iter().filter(|m| channel.wants(&m.source, None)) {
                    match handle.block_on(send::send(http, channel, secret.expose(), m, now, config.timeout)) {
                        Ok(()) => outcome.sent += 1,
                        Err(e) => outcome.errors.push(e),
                    }
                }
            }
            Err(e) => outcome.errors.push(e),
        }
        out.push(outcome);
    }
    out
}

/// A channel's secret: a mail channel's password (none: empty), the
/// others' url.
fn secret_of(handle: &tokio::runtime::Handle, channel: &Channel, timeout: std::time::Duration) -> Result<crate::secret::Secret, String> {
    match &channel.email {
        Some(mail) => Ok(handle.block_on(mail.password.resolve(timeout))?.unwrap_or_else(|| crate::secret::Secret::new(""))),
        None => handle.block_on(channel.url.resolve(timeout))?.ok_or_else(|| "no url".to_string()),
    }
}

/// What one channel's delivery came to.
#[derive(Debug)]
pub struct Outcome {
    pub channel: String,
    /// Whether it was tried at all (its secret resolved).
    pub tried: bool,
    pub sent: usize,
    pub errors: Vec<String>,
}

/// Tell every channel of `config` what changed in `report`, each under the
/// store's write lock, sends driven on `handle` (the caller is not on an
/// async worker: `notify`'s main thread, a blocking thread of `serve`).
pub fn deliver(
    handle: &tokio::runtime::Handle,
    config: &crate::config::Config,
    store: &mut crate::history::Store,
    http: &crate::http::Http,
    report: &Report,
    decisions: &[Decision],
    now: DateTime<Utc>,
) -> Vec<Outcome> {
    let mut out = Vec::new();
    for channel in &config.notify {
        let mut outcome = Outcome { channel: channel.name.clone(), tried: false, sent: 0, errors: Vec::new() };
        // A mail channel's secret is its password; the others', their url.
        let secret = match secret_of(handle, channel, config.timeout) {
            Ok(s) => s,
            Err(e) => {
                outcome.errors.push(e);
                out.push(outcome);
                continue;
            }
        };
        outcome.tried = true;
        let result = store.notify_channel(&channel.name, |told| {
            let mut now_told = Vec::new();
            let (mut sent, mut errors) = (0, Vec::new());
            for change in changes(channel, report, decisions, told, now) {
                if change.is_message() {
                    match handle.block_on(send::send(http, channel, secret.expose(), &change, now, config.timeout)) {
                        Ok(()) => sent += 1,
                        // Not stored as told: sent again next time.
                        Err(e) => {
                            errors.push(e);
                            continue;
                        }
                    }
                }
                now_told.push(change.told(now));
            }
            ((sent, errors), now_told)
        });
        match result {
            Ok((sent, errors)) => {
                outcome.sent = sent;
                outcome.errors = errors;
            }
            Err(e) => outcome.errors.push(format!("the notified state in the history: {e:#}")),
        }
        out.push(outcome);
    }
    out
}

fn status_of(text: &str) -> Option<Status> {
    [Status::Ok, Status::Warning, Status::Critical, Status::Unknown].into_iter().find(|s| s.as_str() == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(repeat: Option<u64>) -> Channel {
        Channel {
            name: "ops".into(),
            kind: crate::config::notify::ChannelKind::Webhook,
            url: crate::secret::SecretSource::default(),
            min_status: Status::Warning,
            sources: Vec::new(),
            products: Vec::new(),
            repeat: repeat.map(std::time::Duration::from_secs),
            email: None,
        }
    }

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::<Utc>::default() + chrono::Duration::hours(h)
    }

    #[test]
    fn an_unresolved_critical_is_sent_again_after_repeat_and_unknown_below_warning_is_not_sent() {
        let mut r = Record::new("CAD", "seats", Some(99), Some(100));
        r.source = "a".into();
        r.status = Status::Critical;
        let report = Report { records: vec![r.clone()], ..Report::default() };
        let told = HashMap::from([(series_key("a", &r.key()), Notified { state: "critical".into(), sent_at: at(0) })]);
        assert!(changes(&channel(None), &report, &[], &told, at(48)).is_empty(), "no repeat: nothing");
        assert!(changes(&channel(Some(86_400)), &report, &[], &told, at(23)).is_empty(), "not yet");
        let again = changes(&channel(Some(86_400)), &report, &[], &told, at(24));
        assert_eq!(
            (again.len(), again[0].repeated, again[0].summary.as_str()),
            (1, true, "a/CAD/seats is still critical: 99 of 100 used (99%)")
        );
        // ok → unknown stays below warning: remembered, not a message.
        r.status = Status::Unknown;
        let report = Report { records: vec![r.clone()], ..Report::default() };
        let told = HashMap::from([(series_key("a", &r.key()), Notified { state: "ok".into(), sent_at: at(0) })]);
        let quiet = changes(&channel(None), &report, &[], &told, at(1));
        assert_eq!((quiet.len(), quiet[0].is_message(), quiet[0].to.as_str()), (1, false, "unknown"));
    }
}
