//! `licusage check`: the monitoring-plugin states of Nagios, Icinga and
//! Checkmk and their exit codes 0/1/2/3. The plugin output is
//! `output::check`'s.

use crate::record::{Record, Status};

/// Plugin states and their exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Ok,
    Warning,
    Unknown,
    Critical,
}

impl State {
    pub fn code(self) -> u8 {
        match self {
            State::Ok => 0,
            State::Warning => 1,
            State::Critical => 2,
            State::Unknown => 3,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }

    pub fn of(status: Status) -> State {
        match status {
            Status::Ok => State::Ok,
            Status::Warning => State::Warning,
            Status::Critical => State::Critical,
            Status::Unknown => State::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_order_by_urgency() {
        assert!(State::Critical > State::Unknown && State::Unknown > State::Warning && State::Warning > State::Ok);
        assert_eq!([State::Ok, State::Warning, State::Critical, State::Unknown].map(State::code), [0, 1, 2, 3]);
    }
}

/// `--denials-warn`, `--denials-crit`: how many denials of one series since
/// the last check make it a warning, or critical.
#[derive(Debug, Clone, Copy, Default)]
pub struct DenialLimits {
    pub warn: Option<u64>,
    pub crit: Option<u64>,
}

impl DenialLimits {
    /// Whether a limit is set.
    pub fn any(&self) -> bool {
        self.warn.is_some() || self.crit.is_some()
    }

    /// Raise the state of each series with that many denials or more, and say why.
    pub fn apply(&self, records: &mut [Record]) {
        if self.warn.is_none() && self.crit.is_none() {
            return;
        }
        for r in records {
            let Some(by_reason) = r.details.get("denials").and_then(serde_json::Value::as_object) else { continue };
            let n: u64 = by_reason.values().filter_map(serde_json::Value::as_u64).sum();
            let status = match (self.crit, self.warn) {
                (Some(c), _) if n >= c => Status::Critical,
                (_, Some(w)) if n >= w => Status::Warning,
                _ => continue,
            };
            let reasons: Vec<String> = by_reason.iter().map(|(why, k)| format!("{k} {why}")).collect();
            let since =
                r.details.get("denials_since").and_then(serde_json::Value::as_str).map(|t| format!(" since {t}")).unwrap_or_default();
            let unlisted = match r.details.get("listed").and_then(serde_json::Value::as_bool) {
                Some(false) => ": a feature the server does not list",
                _ => "",
            };
            r.reasons.push(format!("{n} denied{since} ({}){unlisted}", reasons.join(", ")));
            r.status = r.status.max(status);
        }
    }
}
