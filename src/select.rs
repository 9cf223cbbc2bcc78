//! Choosing sources (`--source NAME|KIND`) and records (`--product`, `--metric`,
//! per-source `include`/`exclude`).

use crate::config::{Config, Source};
use crate::error::UsageError;
use crate::glob::Glob;

/// `--product` and `--metric` globs: a record passes when it matches any of
/// each list given.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub products: Vec<Glob>,
    pub metrics: Vec<Glob>,
}

impl RecordFilter {
    pub fn new(products: &[String], metrics: &[String]) -> Result<Self, UsageError> {
        let compile = |list: &[String]| list.iter().map(|g| Glob::new(g).map_err(UsageError)).collect::<Result<Vec<_>, _>>();
        Ok(RecordFilter { products: compile(products)?, metrics: compile(metrics)? })
    }

    pub fn matches(&self, product: &str, metric: &str) -> bool {
        (self.products.is_empty() || self.products.iter().any(|g| g.matches(product)))
            && (self.metrics.is_empty() || self.metrics.iter().any(|g| g.matches(metric)))
    }
}

/// The sources named by `--source` (all when none): a source name, or a bare
/// kind selecting every source of that kind when no source has that name.
pub fn sources<'c>(config: &'c Config, names: &[String]) -> Result<Vec<&'c Source>, UsageError> {
    if names.is_empty() {
        return Ok(config.sources.iter().collect());
    }
    let mut chosen: Vec<&Source> = Vec::new();
    for name in names {
        let hits: Vec<&Source> = match config.sources.iter().find(|s| &s.name == name) {
            Some(s) => vec![s],
            None => config.sources.iter().filter(|s| s.kind() == name).collect(),
        };
        if hits.is_empty() {
            let known: Vec<&str> = config.sources.iter().map(|s| s.name.as_str()).collect();
            let known = if known.is_empty() { "none".to_string() } else { known.join(", ") };
            return Err(UsageError(format!("no source or kind named `{name}` in the config (sources: {known})")));
        }
        for s in hits {
            if !chosen.iter().any(|c| c.name == s.name) {
                chosen.push(s);
            }
        }
    }
    Ok(chosen)
}
