use std::io::Write;

use anyhow::Result;

use crate::record::Record;

/// One record per line; errors go to stderr only (the caller prints them).
pub fn write(out: &mut dyn Write, records: &[Record]) -> Result<()> {
    for record in records {
        serde_json::to_writer(&mut *out, record)?;
        writeln!(out)?;
    }
    Ok(())
}
