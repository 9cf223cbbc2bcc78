//! licusage: license usage inspector. `main.rs` only calls [`main`].

pub mod cli;
pub mod config;
pub mod error;
pub mod holder;
pub mod output;
pub mod read;
pub mod record;
pub mod select;
pub mod vendors;

mod app;

pub use app::main;
