use std::io::Write;

use anyhow::Result;
use chrono::SecondsFormat;

use crate::record::Record;

/// `id` and `unit` come last: added after scripts had started reading the others by position.
const HEADER: [&str; 13] =
    ["source", "kind", "product", "metric", "used", "limit", "balance", "utilization", "expires_at", "status", "reasons", "id", "unit"];

/// RFC 4180 with a header row; `details` is omitted, `reasons` joined with "; ",
/// nulls are empty cells.
pub fn write(out: &mut dyn Write, records: &[Record]) -> Result<()> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
    w.write_record(HEADER)?;
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in records {
        w.write_record([
            r.source.clone(),
            r.kind.clone(),
            r.product.clone(),
            r.metric.clone(),
            opt(r.used.map(|v| v.to_string())),
            opt(r.limit.map(|v| v.to_string())),
            opt(r.balance.map(|v| v.to_string())),
            opt(r.utilization.map(|v| v.to_string())),
            opt(r.expires_at.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))),
            r.status.to_string(),
            r.reasons.join("; "),
            r.id.clone(),
            r.unit.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
