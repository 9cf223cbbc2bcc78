//! One integration-test binary: the real `licusage` against fixtures, local
//! servers and the real programs that consume its output.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod completions;
mod env;
mod errors;
mod faults;
mod flexlm;
mod formats;
mod generic;
mod holders;
mod layout;
mod live;
mod monitoring;
mod notify;
mod plan;
mod postgres;
mod presets;
mod report;
mod resolved;
mod rlm;
mod secrets;
mod serve;
mod serverlog;
mod show;
mod terminal;
mod usage;
