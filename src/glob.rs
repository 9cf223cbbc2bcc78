//! Shell-style globs, as `--source`, `--product`, `include` and thresholds use them.

/// A shell-style glob (`pm_*`, `full__?`), matched against a whole string.
#[derive(Debug, Clone)]
pub struct Glob(glob::Pattern);

impl Glob {
    pub fn new(pattern: &str) -> Result<Self, String> {
        glob::Pattern::new(pattern).map(Glob).map_err(|e| format!("invalid glob {pattern:?}: {e}"))
    }

    pub fn matches(&self, text: &str) -> bool {
        self.0.matches(text)
    }

    /// A series matches on its product, its metric, or `product/metric`.
    pub fn matches_series(&self, product: &str, metric: &str) -> bool {
        self.matches(product) || self.matches(metric) || self.matches(&format!("{product}/{metric}"))
    }
}
