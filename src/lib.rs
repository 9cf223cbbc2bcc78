//! licusage: license usage inspector. `main.rs` only calls [`main`].

pub mod calendar;
pub mod check;
pub mod cli;
pub mod command;
mod commands;
pub mod completions;
pub mod config;
pub mod diff;
pub mod digest;
pub mod error;
pub mod escape;
pub mod fetch;
pub mod glob;
pub mod history;
pub mod holder;
pub mod http;
pub mod notify;
pub mod output;
pub mod payload;
pub mod plan;
pub mod range;
pub mod read;
pub mod record;
pub mod report;
pub mod resolve;
pub mod secret;
pub mod select;
pub mod serve;
pub mod serverlog;
pub mod spelling;
pub mod vendors;

mod app;
#[cfg(test)]
mod properties;

pub use app::main;
