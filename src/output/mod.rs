//! One module per output format, each from records to `impl Write`.

mod csv;
pub mod history;
pub mod holders;
mod json;
mod ndjson;
pub mod prometheus;
pub mod table;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::read::Report;

pub use table::Style;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Ndjson,
    Csv,
    Prometheus,
}

/// A source that could not be read, as it appears in the JSON `errors` list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceError {
    pub source: String,
    pub kind: String,
    pub message: String,
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "source `{}` ({}): {}", self.source, self.kind, self.message)
    }
}

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Standard output, buffered, noting when the reader went away
/// (`licusage show | head -1`) so that the run can end quietly.
pub fn stdout() -> impl Write + Send + 'static {
    struct Guard<W>(W);
    impl<W: Write> Guard<W> {
        fn note<T>(r: std::io::Result<T>) -> std::io::Result<T> {
            if let Err(e) = &r {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    STDOUT_CLOSED.store(true, Ordering::Relaxed);
                }
            }
            r
        }
    }
    impl<W: Write> Write for Guard<W> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            Self::note(self.0.write(buf))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Self::note(self.0.flush())
        }
    }
    std::io::BufWriter::with_capacity(64 * 1024, Guard(std::io::stdout()))
}

/// Whether a write to [`stdout`] found the pipe closed.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Render what was read in `format`.
pub fn render(out: &mut dyn Write, format: Format, report: &Report, generated_at: DateTime<Utc>, style: &Style) -> Result<()> {
    match format {
        Format::Table => table::write(out, &report.records, style, generated_at),
        Format::Json => json::write(out, &report.records, &report.errors, generated_at),
        Format::Ndjson => ndjson::write(out, &report.records),
        Format::Csv => csv::write(out, &report.records),
        Format::Prometheus => prometheus::write(out, report),
    }
}
