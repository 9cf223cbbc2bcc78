//! Prometheus text exposition format (0.0.4), as `promtool check metrics`
//! accepts it: one HELP and TYPE line per family, its samples together.

use std::io::Write;

use anyhow::Result;

use crate::record::Record;
use crate::report::Report;

type Value = fn(&Record) -> Option<f64>;

const FAMILIES: [(&str, &str, Value); 5] = [
    ("licusage_used", "Seats or units in use.", |r| r.used.map(|v| v as f64)),
    ("licusage_limit", "Seats or units purchased (absent when unlimited or not reported).", |r| r.limit.map(|v| v as f64)),
    ("licusage_balance", "Seats or units left: limit minus used, negative when over-allocated.", |r| r.balance.map(|v| v as f64)),
    ("licusage_utilization_ratio", "Used divided by limit.", |r| r.utilization),
    ("licusage_expiry_timestamp_seconds", "When the license expires, in seconds since the Unix epoch.", |r| {
        r.expires_at.map(|t| t.timestamp() as f64)
    }),
];

/// A label value with `\`, `"` and newlines escaped.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

pub fn write(out: &mut dyn Write, report: &Report) -> Result<()> {
    for (name, help, value) in FAMILIES {
        writeln!(out, "# HELP {name} {help}")?;
        writeln!(out, "# TYPE {name} gauge")?;
        for r in &report.records {
            if let Some(v) = value(r) {
                writeln!(
                    out,
                    "{name}{{source=\"{}\",id=\"{}\",kind=\"{}\",product=\"{}\",metric=\"{}\"}} {v}",
                    escape(&r.source),
                    escape(&r.key()),
                    escape(&r.kind),
                    escape(&r.product),
                    escape(&r.metric)
                )?;
            }
        }
    }
    writeln!(out, "# HELP licusage_source_up Whether the source was read (1) or failed (0).")?;
    writeln!(out, "# TYPE licusage_source_up gauge")?;
    for (source, kind) in &report.sources {
        let up = u8::from(!report.errors.iter().any(|e| &e.source == source));
        writeln!(out, "licusage_source_up{{source=\"{}\",kind=\"{}\"}} {up}", escape(source), escape(kind))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(escape("line\nbreak"), "line\\nbreak");
    }
}
