//! `check --format checkmk`: Checkmk's local-check format. One service per
//! series (`licusage source/product/metric`), so that one run of the local
//! check creates and updates every service, and one per source, so that a
//! source that stops answering is a service that goes UNKNOWN rather than
//! services that vanish. The state is the one `check` decides; the metrics
//! carry the seats and the levels (in seats) that decide it.

use std::io::Write;

use super::check::{amount, series_label, threshold};
use super::escape;
use crate::check::State;
use crate::config::Config;
use crate::report::Report;

/// A service name: inside double quotes, so no double quote of its own.
fn service(name: &str) -> String {
    format!("\"licusage {}\"", escape::plugin(name).replace('"', "'"))
}

pub fn write(out: &mut dyn Write, report: &Report, config: &Config) -> std::io::Result<()> {
    for r in &report.records {
        let t = config.thresholds_for(&r.source, &r.product, &r.metric);
        let metrics = match (r.used, r.limit) {
            (Some(u), Some(l)) => format!(
                "used={u};{};{};0;{l}|free={}",
                threshold(l, t.warn, t.warn_free),
                threshold(l, t.crit, t.crit_free),
                r.balance.unwrap_or_default()
            ),
            (Some(u), None) => format!("used={u}"),
            _ => "-".to_string(),
        };
        let mut detail = amount(r);
        if !r.reasons.is_empty() {
            detail = format!("{detail}: {}", r.reasons.join("; "));
        }
        writeln!(out, "{} {} {metrics} {}", State::of(r.status).code(), service(&series_label(r)), escape::plugin(&detail))?;
    }
    for (source, kind) in &report.sources {
        let name = service(&format!("source {source}"));
        match report.errors.iter().find(|e| &e.source == source) {
            Some(e) => writeln!(out, "{} {name} - {kind}: {}", State::Unknown.code(), escape::plugin(&e.message))?,
            None => {
                let n = report.records.iter().filter(|r| &r.source == source).count();
                writeln!(out, "{} {name} series={n} {kind}: {n} series read", State::Ok.code())?
            }
        }
    }
    Ok(())
}
