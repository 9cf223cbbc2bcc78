//! Prometheus text exposition format (0.0.4), as `promtool check metrics`
//! accepts it: one HELP and TYPE line per family, its samples together.

use std::io::Write;

use anyhow::Result;

use crate::record::Record;
use crate::report::Report;

type Value = fn(&Record) -> Option<f64>;

/// Counts: one family per unit (`licusage_used_seats`,
/// `licusage_used_documents`, …), so that one metric has one unit and a sum
/// never adds seats to documents.
const COUNTS: [(&str, &str, Value); 3] = [
    ("licusage_used", "in use", |r| r.used.map(|v| v as f64)),
    ("licusage_limit", "purchased (absent when unlimited or not reported)", |r| r.limit.map(|v| v as f64)),
    ("licusage_balance", "left: limit minus used, negative when over-allocated", |r| r.balance.map(|v| v as f64)),
];

/// Unitless or in seconds: the same family for every record. The status and
/// the thresholds that decided it let alert rules follow the config.
const FAMILIES: [(&str, &str, Value); 7] = [
    ("licusage_utilization_ratio", "Used divided by limit.", |r| r.utilization),
    ("licusage_expiry_timestamp_seconds", "When the license expires, in seconds since the Unix epoch.", |r| {
        r.expires_at.map(|t| t.timestamp() as f64)
    }),
    ("licusage_status", "The series' state as check says it: 0 ok, 1 warning, 2 critical, 3 unknown.", |r| Some(status(r))),
    ("licusage_warn_ratio", "The utilization from which the series is warning.", |r| {
        r.thresholds.as_ref().filter(|_| r.limit.is_some()).map(|t| t.warn / 100.0)
    }),
    ("licusage_crit_ratio", "The utilization from which the series is critical.", |r| {
        r.thresholds.as_ref().filter(|_| r.limit.is_some()).map(|t| t.crit / 100.0)
    }),
    ("licusage_expiry_warn_seconds", "How long before its expiry the series is warning.", |r| {
        r.thresholds.as_ref().filter(|_| r.expires_at.is_some()).map(|t| t.expiry_warn_days as f64 * 86400.0)
    }),
    ("licusage_expiry_crit_seconds", "How long before its expiry the series is critical.", |r| {
        r.thresholds.as_ref().filter(|_| r.expires_at.is_some()).map(|t| t.expiry_crit_days as f64 * 86400.0)
    }),
];

fn status(r: &Record) -> f64 {
    match r.status {
        crate::record::Status::Ok => 0.0,
        crate::record::Status::Warning => 1.0,
        crate::record::Status::Critical => 2.0,
        crate::record::Status::Unknown => 3.0,
    }
}

/// A metric-name part from a unit: `[a-z0-9_]`.
fn unit_name(unit: &str) -> String {
    unit.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

fn labels(r: &Record) -> String {
    format!(
        "source=\"{}\",id=\"{}\",kind=\"{}\",product=\"{}\",metric=\"{}\"",
        escape(&r.source),
        escape(&r.key()),
        escape(&r.kind),
        escape(&r.product),
        escape(&r.metric)
    )
}

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
    let mut units: Vec<String> = report.records.iter().map(|r| unit_name(&r.unit)).collect();
    units.sort();
    units.dedup();
    for (base, help, value) in COUNTS {
        for unit in &units {
            let name = format!("{base}_{unit}");
            let what = unit.replace('_', " ");
            let mut what = what.chars();
            let what: String = what.next().map(|c| c.to_uppercase().chain(what).collect()).unwrap_or_default();
            writeln!(out, "# HELP {name} {what} {help}.")?;
            writeln!(out, "# TYPE {name} gauge")?;
            for r in report.records.iter().filter(|r| &unit_name(&r.unit) == unit) {
                if let Some(v) = value(r) {
                    writeln!(out, "{name}{{{}}} {v}", labels(r))?;
                }
            }
        }
    }
    for (name, help, value) in FAMILIES {
        writeln!(out, "# HELP {name} {help}")?;
        writeln!(out, "# TYPE {name} gauge")?;
        for r in &report.records {
            if let Some(v) = value(r) {
                writeln!(out, "{name}{{{}}} {v}", labels(r))?;
            }
        }
    }
    writeln!(out, "# HELP licusage_source_up Whether the source was read (1) or failed (0).")?;
    writeln!(out, "# TYPE licusage_source_up gauge")?;
    for (source, kind) in &report.sources {
        let up = u8::from(!report.errors.iter().any(|e| &e.source == source));
        writeln!(out, "licusage_source_up{{source=\"{}\",kind=\"{}\"}} {up}", escape(source), escape(kind))?;
    }
    // Freshness, so that a stale textfile can be alerted on: when each
    // source was last read successfully, and how long its read took.
    writeln!(out, "# HELP licusage_source_last_success_timestamp_seconds When the source was last read successfully.")?;
    writeln!(out, "# TYPE licusage_source_last_success_timestamp_seconds gauge")?;
    for (i, (source, kind)) in report.sources.iter().enumerate() {
        let Some(at) = report.succeeded_at.get(i).copied().flatten() else { continue };
        let at = at.timestamp_millis() as f64 / 1000.0;
        writeln!(out, "licusage_source_last_success_timestamp_seconds{{source=\"{}\",kind=\"{}\"}} {at:.3}", escape(source), escape(kind))?;
    }
    writeln!(out, "# HELP licusage_source_read_duration_seconds How long the source's last read took.")?;
    writeln!(out, "# TYPE licusage_source_read_duration_seconds gauge")?;
    for (i, (source, kind)) in report.sources.iter().enumerate() {
        let took = report.took.get(i).copied().unwrap_or_default();
        writeln!(
            out,
            "licusage_source_read_duration_seconds{{source=\"{}\",kind=\"{}\"}} {:.6}",
            escape(source),
            escape(kind),
            took.as_secs_f64()
        )?;
    }
    denials(out, report)?;
    decisions(out, report)?;
    info(out, report)
}

/// Refused checkouts, from the sources' server logs (`log`): counted since
/// the log's start on a first read (or the exporter's start), then on.
fn denials(out: &mut dyn Write, report: &Report) -> Result<()> {
    if report.logs.is_empty() {
        return Ok(());
    }
    writeln!(out, "# HELP licusage_denials_total Checkouts the license server refused, by reason, as its log says.")?;
    writeln!(out, "# TYPE licusage_denials_total counter")?;
    for log in &report.logs {
        for c in &log.counters {
            writeln!(
                out,
                "licusage_denials_total{{source=\"{}\",id=\"{}\",kind=\"{}\",product=\"{}\",metric=\"{}\",reason=\"{}\"}} {}",
                escape(&log.source),
                escape(&c.id),
                escape(&log.kind),
                escape(&c.product),
                escape(&c.metric),
                c.reason.as_str(),
                c.total
            )?;
        }
    }
    Ok(())
}

/// `plan`'s deadline and recommendation per series (over its default 90 days).
fn decisions(out: &mut dyn Write, report: &Report) -> Result<()> {
    let labels = |d: &crate::plan::Decision| {
        format!(
            "source=\"{}\",id=\"{}\",kind=\"{}\",product=\"{}\",metric=\"{}\"",
            escape(&d.source),
            escape(&d.id),
            escape(&d.kind),
            escape(&d.product),
            escape(&d.metric)
        )
    };
    if report.decisions.iter().any(|d| d.deadline.is_some()) {
        writeln!(out, "# HELP licusage_renewal_deadline_timestamp_seconds When the renewal or expiry must be decided: its date less the notice period.")?;
        writeln!(out, "# TYPE licusage_renewal_deadline_timestamp_seconds gauge")?;
        for d in &report.decisions {
            if let Some(at) = d.deadline {
                writeln!(out, "licusage_renewal_deadline_timestamp_seconds{{{}}} {}", labels(d), at.timestamp())?;
            }
        }
    }
    let mut units: Vec<String> = report.decisions.iter().filter(|d| d.recommended.is_some()).map(|d| unit_name(&d.unit)).collect();
    units.sort();
    units.dedup();
    for unit in units {
        let name = format!("licusage_recommended_limit_{unit}");
        writeln!(out, "# HELP {name} The limit to renew at, from the last 90 days of history (plan).")?;
        writeln!(out, "# TYPE {name} gauge")?;
        for d in report.decisions.iter().filter(|d| unit_name(&d.unit) == unit) {
            if let Some(r) = d.recommended {
                writeln!(out, "{name}{{{}}} {r}", labels(d))?;
            }
        }
    }
    Ok(())
}

/// A label name from a detail's key: `[a-zA-Z_][a-zA-Z0-9_]*`.
fn label_name(key: &str) -> Option<String> {
    let name: String = key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    let reserved = ["source", "id", "kind", "product", "metric"].contains(&name.as_str()) || name.starts_with("__");
    (!name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) && !reserved).then_some(name)
}

/// The vendor's extras (edition, trial, build, compliance status, …) as an
/// info metric, value 1: labels that describe a series, never on the value
/// series, where they would split them. Text and flags only; no holders.
fn info(out: &mut dyn Write, report: &Report) -> Result<()> {
    writeln!(out, "# HELP licusage_license_info What the vendor says about the license, as labels; always 1.")?;
    writeln!(out, "# TYPE licusage_license_info gauge")?;
    for r in &report.records {
        let mut labels = labels(r);
        // Two keys that make one label name (`edition-name`, `edition.name`):
        // the first only, or the page would carry a duplicate label and a
        // scrape would reject every source with it.
        let mut named = std::collections::HashSet::new();
        for (key, value) in &r.details {
            // A time that moves on each read would start a new series each time.
            if key == "denials_since" {
                continue;
            }
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Bool(b) => b.to_string(),
                // Numbers change (counts, days): as labels they would start
                // a new series each time. Not here.
                _ => continue,
            };
            if let Some(name) = label_name(key).filter(|n| named.insert(n.clone())) {
                labels.push_str(&format!(",{name}=\"{}\"", escape(&text)));
            }
        }
        writeln!(out, "licusage_license_info{{{labels}}} 1")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Detail keys that make one label name keep the first: a duplicate label
    /// would have a scrape reject the whole page.
    #[test]
    fn detail_keys_that_make_one_label_name_keep_the_first() {
        let r = crate::record::Record::new("p", "m", Some(1), Some(2)).detail("edition-name", "Gold").detail("edition.name", "Silver");
        let report = Report { records: vec![r], ..Report::default() };
        let mut out = Vec::new();
        info(&mut out, &report).unwrap_or_else(|e| unreachable!("{e}"));
        let text = String::from_utf8_lossy(&out);
        let line = text.lines().find(|l| l.starts_with("licusage_license_info{")).unwrap_or_default();
        assert_eq!(line.matches("edition_name=").count(), 1, "{line}");
        assert!(line.contains("edition_name=\"Gold\""), "{line}");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape(r#"a"b\c"#), r#"a\"b\\c"#);
        assert_eq!(escape("line\nbreak"), "line\\nbreak");
    }
}
