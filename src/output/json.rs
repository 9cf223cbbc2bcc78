use std::io::Write;

use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::record::Record;
use crate::report::{SourceError, SCHEMA_VERSION};

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    generated_at: String,
    records: &'a [Record],
    errors: &'a [SourceError],
}

pub fn write(out: &mut dyn Write, records: &[Record], errors: &[SourceError], generated_at: DateTime<Utc>) -> Result<()> {
    let doc =
        Document { schema_version: SCHEMA_VERSION, generated_at: generated_at.to_rfc3339_opts(SecondsFormat::Secs, true), records, errors };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)?;
    Ok(())
}
