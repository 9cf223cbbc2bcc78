//! `licusage diff` in each of its formats.

use std::io::Write;

use anyhow::Result;

use super::{escape, Format};
use crate::diff::Diff;
use crate::record::Status;

/// A count as `show` writes it: `1,432`.
fn num(v: Option<u64>) -> String {
    v.map(super::table::thousands).unwrap_or_else(|| "—".into())
}

fn signed(d: Option<i64>) -> String {
    match d {
        Some(d) if d > 0 => format!(" (+{})", super::table::thousands(d)),
        Some(d) if d < 0 => format!(" ({})", super::table::thousands(d)),
        _ => String::new(),
    }
}

/// A series as every diff line names it: `source/product/metric`, and
/// `#id` when the vendor has its own id.
fn series(source: &str, product: &str, metric: &str, id: &str) -> String {
    let own = !id.is_empty() && id != format!("{product}/{metric}");
    let id = if own { format!("#{id}") } else { String::new() };
    escape::text(&format!("{source}/{product}/{metric}{id}")).into_owned()
}

/// `diff` as JSON (the [`Diff`] itself), or as text: one line per change,
/// `+`, `-` or `~`, the series, and what moved.
pub fn write(out: &mut dyn Write, format: Format, diff: &Diff) -> Result<()> {
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, diff)?;
        writeln!(out)?;
        return Ok(());
    }
    for r in &diff.added {
        writeln!(out, "+ {}  used {}  limit {}  {}", series(&r.source, &r.product, &r.metric, &r.id), num(r.used), num(r.limit), r.status)?;
    }
    for r in &diff.removed {
        writeln!(out, "- {}  used {}  limit {}  {}", series(&r.source, &r.product, &r.metric, &r.id), num(r.used), num(r.limit), r.status)?;
    }
    for c in &diff.changed {
        let mut parts = Vec::new();
        if c.used.old != c.used.new {
            parts.push(format!("used {} → {}{}", num(c.used.old), num(c.used.new), signed(c.used_delta)));
        }
        if c.limit.old != c.limit.new {
            parts.push(format!("limit {} → {}{}", num(c.limit.old), num(c.limit.new), signed(c.limit_delta)));
        }
        if c.expires_at.old != c.expires_at.new {
            let d = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "—".into());
            parts.push(format!("expires {} → {}", d(c.expires_at.old), d(c.expires_at.new)));
        }
        if c.status.old != c.status.new {
            let s = |v: Option<Status>| v.map(|s| s.to_string()).unwrap_or_default();
            parts.push(format!("status {} → {}", s(c.status.old), s(c.status.new)));
        }
        writeln!(out, "~ {}  {}", series(&c.source, &c.product, &c.metric, &c.id), parts.join("  "))?;
    }
    for e in &diff.failed {
        writeln!(out, "! source `{}` failed, not compared: {}", escape::text(&e.source), escape::text(&e.message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_as_show_groups_them() {
        assert_eq!(num(Some(1432)), "1,432");
        assert_eq!(signed(Some(-1500)), " (-1,500)");
        assert_eq!(signed(Some(12)), " (+12)");
    }
}
