//! `licusage sources`: the configured sources and the supported kinds.

use std::io::Write;

use anyhow::Result;

use super::Format;
use crate::config::Config;
use crate::report::SCHEMA_VERSION;
use crate::vendors::VENDORS;

pub fn write(out: &mut dyn Write, format: Format, config: &Config) -> Result<()> {
    match format {
        Format::Json | Format::Ndjson => {
            let doc = serde_json::json!({
                "schema_version": SCHEMA_VERSION,
                "sources": config.sources.iter().map(|s| serde_json::json!({
                    "name": s.name, "kind": s.kind(), "reads": s.origin(),
                })).collect::<Vec<_>>(),
                "kinds": VENDORS.iter().map(|v| serde_json::json!({"kind": v.kind(), "about": v.about()})).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out);
            w.write_record(["name", "kind", "reads"])?;
            for s in &config.sources {
                w.write_record([s.name.as_str(), s.kind(), &s.origin()])?;
            }
            w.flush()?;
        }
        Format::Table | Format::Prometheus | Format::Checkmk | Format::Html | Format::Markdown | Format::Ics => {
            let name_w = config.sources.iter().map(|s| s.name.chars().count()).max().unwrap_or(0).max(4);
            if config.sources.is_empty() {
                match &config.path {
                    Some(p) if !p.exists() => writeln!(out, "No config file at {} yet (see config.example.toml).", p.display())?,
                    p => writeln!(out, "No sources configured in {}.", p.as_ref().map(|p| p.display().to_string()).unwrap_or_default())?,
                }
            } else {
                writeln!(out, "{:name_w$}  {:10}  READS", "NAME", "KIND")?;
                for s in &config.sources {
                    writeln!(out, "{:name_w$}  {:10}  {}", s.name, s.kind(), s.origin())?;
                }
            }
            writeln!(out, "\nSupported kinds:")?;
            for v in VENDORS {
                writeln!(out, "  {:10}  {}", v.kind(), v.about())?;
            }
        }
    }
    Ok(())
}

/// Source names, then kinds, one per line (for completion scripts).
pub fn names(out: &mut dyn Write, config: Option<&Config>) -> Result<()> {
    for s in config.iter().flat_map(|c| &c.sources) {
        writeln!(out, "{}", s.name)?;
    }
    for v in VENDORS {
        writeln!(out, "{}", v.kind())?;
    }
    Ok(())
}
