//! `licusage check`: the monitoring-plugin states of Nagios, Icinga and
//! Checkmk and their exit codes 0/1/2/3. The plugin output is
//! `output::check`'s.

use crate::record::Status;

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
