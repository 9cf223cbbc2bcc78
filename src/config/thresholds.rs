//! Thresholds (docs/reference.md, Thresholds): `[defaults]`, `[[rules]]` per series, and the
//! command line's `check` flags, as one override type applied in that order.

use serde::Deserialize;

use crate::glob::Glob;
use crate::record::Thresholds;

/// Threshold values that replace the ones below them where set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub warn: Option<f64>,
    pub crit: Option<f64>,
    /// `check -w`/`-c` ranges (command line only).
    pub warn_range: Option<crate::range::Range>,
    pub crit_range: Option<crate::range::Range>,
    pub warn_free: Option<i64>,
    pub crit_free: Option<i64>,
    pub expiry_warn_days: Option<i64>,
    pub expiry_crit_days: Option<i64>,
    /// `plan`'s keys.
    pub headroom: Option<f64>,
    pub pack: Option<u64>,
    pub notice_days: Option<i64>,
}

/// A table that takes the threshold keys besides its own (`[defaults]`, a
/// `[[rules]]` entry), as written, and the overrides it sets: the six keys
/// declared once (serde's `flatten` cannot go with `deny_unknown_fields`).
macro_rules! with_threshold_keys {
    ($(#[$meta:meta])* $vis:vis struct $name:ident { $($field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        $vis struct $name {
            $($field: $ty,)*
            warn: Option<f64>,
            crit: Option<f64>,
            warn_free: Option<i64>,
            crit_free: Option<i64>,
            expiry_warn_days: Option<i64>,
            expiry_crit_days: Option<i64>,
            headroom: Option<f64>,
            pack: Option<u64>,
            notice: Option<String>,
        }

        impl $name {
            fn overrides(&self) -> Result<$crate::config::Overrides, String> {
                Ok($crate::config::Overrides {
                    warn: self.warn,
                    crit: self.crit,
                    warn_range: None,
                    crit_range: None,
                    warn_free: self.warn_free,
                    crit_free: self.crit_free,
                    expiry_warn_days: self.expiry_warn_days,
                    expiry_crit_days: self.expiry_crit_days,
                    headroom: self.headroom,
                    pack: self.pack,
                    notice_days: self.notice.as_deref().map($crate::config::thresholds::notice_days).transpose()?,
                })
            }
        }
    };
}
pub(super) use with_threshold_keys;

impl Overrides {
    pub fn apply(&self, t: &mut Thresholds) {
        t.warn = self.warn.unwrap_or(t.warn);
        t.crit = self.crit.unwrap_or(t.crit);
        t.warn_range = self.warn_range.or(t.warn_range);
        t.crit_range = self.crit_range.or(t.crit_range);
        t.warn_free = self.warn_free.or(t.warn_free);
        t.crit_free = self.crit_free.or(t.crit_free);
        t.expiry_warn_days = self.expiry_warn_days.unwrap_or(t.expiry_warn_days);
        t.expiry_crit_days = self.expiry_crit_days.unwrap_or(t.expiry_crit_days);
        t.headroom = self.headroom.unwrap_or(t.headroom);
        t.pack = self.pack.unwrap_or(t.pack);
        t.notice_days = self.notice_days.unwrap_or(t.notice_days);
    }
}

/// Thresholds for the series a rule's globs match.
#[derive(Debug, Clone)]
pub struct Rule {
    pub source: Option<Glob>,
    pub product: Option<Glob>,
    pub metric: Option<Glob>,
    pub set: Overrides,
}

impl Rule {
    pub fn matches(&self, source: &str, product: &str, metric: &str) -> bool {
        let ok = |g: &Option<Glob>, v: &str| g.as_ref().is_none_or(|g| g.matches(v));
        ok(&self.source, source) && ok(&self.product, product) && ok(&self.metric, metric)
    }
}

with_threshold_keys! {
    /// A `[[rules]]` entry as written.
    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct RawRule {
        source: Option<String>,
        product: Option<String>,
        metric: Option<String>,
    }
}

impl RawRule {
    /// The checked rule: its globs compiled, its values sensible over `defaults`.
    pub(super) fn check(self, defaults: &Thresholds) -> Result<Rule, String> {
        let set = self.overrides()?;
        over(&set, defaults.clone())?;
        let glob = |g: Option<String>| g.as_deref().map(Glob::new).transpose();
        Ok(Rule { source: glob(self.source)?, product: glob(self.product)?, metric: glob(self.metric)?, set })
    }
}

/// `notice = "90d"`: whole days (a part of a day counts as a day).
pub fn notice_days(text: &str) -> Result<i64, String> {
    let d = humantime::parse_duration(text).map_err(|e| format!("`notice` {text:?} is not a duration like 90d or 12w ({e})"))?;
    Ok(i64::try_from(d.as_secs().div_ceil(86_400)).unwrap_or(i64::MAX))
}

/// `base` with `set` applied, checked.
pub fn over(set: &Overrides, base: Thresholds) -> Result<Thresholds, String> {
    let mut t = base;
    set.apply(&mut t);
    check(&t)?;
    Ok(t)
}

/// Thresholds that make sense together: percentages in 0–100, warning before critical.
pub fn check(t: &Thresholds) -> Result<(), String> {
    for (name, v) in [("warn", t.warn), ("crit", t.crit)] {
        if !(0.0..=100.0).contains(&v) {
            return Err(format!("`{name}` is {v}; expected a percentage from 0 to 100"));
        }
    }
    if t.warn > t.crit {
        return Err(format!("`warn` ({}) is above `crit` ({})", t.warn, t.crit));
    }
    if let (Some(w), Some(c)) = (t.warn_free, t.crit_free) {
        if c > w {
            return Err(format!("`crit_free` ({c}) is above `warn_free` ({w})"));
        }
    }
    if !(0.0..=10.0).contains(&t.headroom) {
        return Err(format!("`headroom` is {}; expected a fraction from 0 to 10 (0.1 is 10%)", t.headroom));
    }
    if t.pack == 0 {
        return Err("`pack` is 0; licenses come in packs of 1 or more".into());
    }
    if t.expiry_crit_days > t.expiry_warn_days {
        return Err(format!("`expiry_crit_days` ({}) is above `expiry_warn_days` ({})", t.expiry_crit_days, t.expiry_warn_days));
    }
    Ok(())
}
