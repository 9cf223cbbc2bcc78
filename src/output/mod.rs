//! Everything licusage prints on stdout: one module per format for records
//! (`table`, `json`, `ndjson`, `csv`, `prometheus`), one per command with
//! its own shape (`holders`, `history`, `check`, `diff`, `sources`,
//! `messages`), and which formats each command supports, declared once in
//! [`Rendered::formats`].

pub mod check;
pub mod checkmk;
mod csv;
pub mod diff;
pub use crate::escape;
pub mod history;
pub mod holders;
mod json;
pub mod messages;
mod ndjson;
pub mod plan;
pub mod prometheus;
pub mod report;
pub mod sources;
pub mod table;
pub mod usage;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::error::UsageError;
use crate::report::Report;

pub use table::Style;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Ndjson,
    Csv,
    Prometheus,
    /// Checkmk's local-check lines (`check` only).
    Checkmk,
    /// `report` only.
    Html,
    Markdown,
    /// iCalendar (`plan` only).
    Ics,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Table,
        Format::Json,
        Format::Ndjson,
        Format::Csv,
        Format::Prometheus,
        Format::Checkmk,
        Format::Html,
        Format::Markdown,
        Format::Ics,
    ];

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
            Format::Prometheus => "prometheus",
            Format::Checkmk => "checkmk",
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Ics => "ics",
        }
    }
}

/// What a command prints, which decides the formats it supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendered {
    /// `show` and the one-off kind subcommands.
    Records,
    Holders,
    /// The monitoring-plugin output of `check` (no `--format`), or Checkmk's
    /// local-check lines.
    Check,
    History,
    Diff,
    Sources,
    /// A line of text for a person (`record`, `config`, `completions`).
    Text,
    /// The document of `report`.
    Report,
    Plan,
}

impl Rendered {
    /// The formats this output comes in; the first is the default.
    pub fn formats(self) -> &'static [Format] {
        use Format::*;
        match self {
            Rendered::Records => &[Table, Json, Ndjson, Csv, Prometheus],
            Rendered::Holders | Rendered::History => &[Table, Json, Ndjson, Csv],
            Rendered::Diff => &[Table, Json],
            Rendered::Sources => &[Table, Json, Csv],
            Rendered::Check => &[Checkmk],
            // No `--format`: the table stands for their only output.
            Rendered::Text => &[Table],
            Rendered::Report => &[Html, Markdown],
            Rendered::Plan => &[Table, Json, Ndjson, Csv, Ics],
        }
    }

    /// The format to render in: the one asked for, if this output has it.
    pub fn format(self, command: &str, asked: Option<Format>) -> Result<Format, UsageError> {
        let formats = self.formats();
        match asked {
            // `check` without `--format`: the monitoring-plugin output.
            None if self == Rendered::Check => Ok(Format::Table),
            None => Ok(formats.first().copied().unwrap_or(Format::Table)),
            Some(f) if formats.contains(&f) => Ok(f),
            Some(_) if self == Rendered::Text => Err(UsageError(format!("`{command}` takes no --format: it prints text"))),
            Some(f) if self == Rendered::Check => Err(UsageError(format!(
                "`{command}` has no {} format: it prints the monitoring-plugin format, or checkmk's local-check lines with --format checkmk",
                f.name()
            ))),
            Some(f) => {
                let names: Vec<&str> = formats.iter().map(|f| f.name()).collect();
                let list = match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                    _ => names.join(""),
                };
                Err(UsageError(format!("`{command}` has no {} format: use {list}", f.name())))
            }
        }
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

/// A JSON document, indented, and its newline.
pub(crate) fn json_document(out: &mut dyn Write, doc: &serde_json::Value) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, doc)?;
    writeln!(out)?;
    Ok(())
}

/// One JSON document a line per item (ndjson).
pub(crate) fn json_lines<T: serde::Serialize>(out: &mut dyn Write, items: &[T]) -> Result<()> {
    for item in items {
        serde_json::to_writer(&mut *out, item)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Whether a write to [`stdout`] found the pipe closed.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Render the records of a read in `format`.
pub fn render(out: &mut dyn Write, format: Format, report: &Report, generated_at: DateTime<Utc>, style: &Style) -> Result<()> {
    match format {
        Format::Table => table::write(out, &report.records, style, generated_at),
        Format::Json => json::write(out, &report.records, &report.errors, generated_at),
        Format::Ndjson => ndjson::write(out, &report.records),
        Format::Csv => csv::write(out, &report.records),
        Format::Prometheus => prometheus::write(out, report),
        // Only `check` and `report` render these (`Rendered::Check`, `Rendered::Report`).
        Format::Checkmk | Format::Html | Format::Markdown | Format::Ics => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_formats_name_the_supported_ones() {
        assert_eq!(Rendered::Records.format("show", None), Ok(Format::Table));
        assert_eq!(Rendered::Holders.format("holders", Some(Format::Csv)), Ok(Format::Csv));
        let e = Rendered::Holders.format("holders", Some(Format::Prometheus)).err().map(|e| e.0);
        assert_eq!(e.as_deref(), Some("`holders` has no prometheus format: use table, json, ndjson or csv"));
        let e = Rendered::Diff.format("diff", Some(Format::Ndjson)).err().map(|e| e.0);
        assert_eq!(e.as_deref(), Some("`diff` has no ndjson format: use table or json"));
        let e = Rendered::Text.format("record", Some(Format::Json)).err().map(|e| e.0);
        assert_eq!(e.as_deref(), Some("`record` takes no --format: it prints text"));
        assert!(Rendered::Check.format("check", Some(Format::Json)).is_err());
        assert_eq!(Rendered::Check.format("check", None), Ok(Format::Table));
        assert_eq!(Rendered::Check.format("check", Some(Format::Checkmk)), Ok(Format::Checkmk));
        assert!(Rendered::Records.format("show", Some(Format::Checkmk)).is_err());
    }
}
