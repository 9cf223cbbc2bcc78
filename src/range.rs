//! Nagios/Icinga threshold ranges, as the monitoring-plugins guidelines
//! define them (`definitions/01.range_expressions.md`): `10` alerts outside
//! 0..10, `10:` below 10, `~:10` above 10, `10:20` outside 10..20, `@10:20`
//! inside 10..20 (ends included).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// `None`: no lower end (`~`).
    pub start: Option<f64>,
    /// `None`: no upper end (`10:`).
    pub end: Option<f64>,
    /// `@`: alert inside the range instead of outside.
    pub inside: bool,
}

impl Range {
    pub fn parse(text: &str) -> Result<Range, String> {
        let bad = || format!("{text:?} is not a range like 10, 10:, ~:10, 10:20 or @10:20");
        let (inside, rest) = match text.trim().strip_prefix('@') {
            Some(rest) => (true, rest),
            None => (false, text.trim()),
        };
        let number = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(bad);
        let (start, end) = match rest.split_once(':') {
            None => (Some(0.0), Some(number(rest)?)),
            Some(("~", "")) => return Err(bad()),
            Some(("~", end)) => (None, Some(number(end)?)),
            Some((start, "")) => (Some(number(start)?), None),
            Some((start, end)) => (Some(number(start)?), Some(number(end)?)),
        };
        if let (Some(s), Some(e)) = (start, end) {
            if s > e {
                return Err(format!("{text:?}: the start is above the end"));
            }
        }
        Ok(Range { start, end, inside })
    }

    /// Whether `value` raises the alert.
    pub fn alerts(&self, value: f64) -> bool {
        let within = self.start.is_none_or(|s| value >= s) && self.end.is_none_or(|e| value <= e);
        within == self.inside
    }

    /// Both ends written out (`0:50` for `50`), for a reason a person reads.
    pub fn bounds(&self) -> String {
        let end = |v: Option<f64>| v.map(number).unwrap_or_default();
        format!("{}:{}", self.start.map(number).unwrap_or_else(|| "~".into()), end(self.end))
    }

    /// The same range with both ends scaled (percent of a limit into seats).
    pub fn scaled(&self, factor: f64) -> Range {
        Range { start: self.start.map(|s| s * factor), end: self.end.map(|e| e * factor), ..*self }
    }
}

fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The range in the guidelines' syntax (for perfdata).
impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.inside {
            f.write_str("@")?;
        }
        match (self.start, self.end) {
            (Some(s), Some(e)) if s == 0.0 && !self.inside => write!(f, "{}", number(e)),
            (Some(s), Some(e)) => write!(f, "{}:{}", number(s), number(e)),
            (Some(s), None) => write!(f, "{}:", number(s)),
            (None, Some(e)) => write!(f, "~:{}", number(e)),
            (None, None) => f.write_str("~:"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The guidelines' table of examples.
    #[test]
    fn the_guidelines_examples() {
        let alerts = |range: &str, v: f64| Range::parse(range).map(|r| r.alerts(v)).unwrap_or_else(|e| unreachable!("{e}"));
        // 10: < 0 or > 10
        assert!(alerts("10", -1.0) && alerts("10", 11.0) && !alerts("10", 0.0) && !alerts("10", 10.0));
        // 10: < 10
        assert!(alerts("10:", 9.9) && !alerts("10:", 10.0) && !alerts("10:", 1e9));
        // ~:10  > 10
        assert!(alerts("~:10", 10.1) && !alerts("~:10", -1e9) && !alerts("~:10", 10.0));
        // 10:20 outside
        assert!(alerts("10:20", 9.0) && alerts("10:20", 21.0) && !alerts("10:20", 10.0) && !alerts("10:20", 20.0));
        // @10:20 inside, ends included
        assert!(
            alerts("@10:20", 10.0) && alerts("@10:20", 20.0) && alerts("@10:20", 15.0) && !alerts("@10:20", 9.9) && !alerts("@10:20", 20.1)
        );
        for bad in ["", "x", "20:10", "~:", "@", "1:2:3", "inf"] {
            assert!(Range::parse(bad).is_err(), "{bad}");
        }
        for text in ["10", "10:", "~:10", "10:20", "@10:20", "@0:5"] {
            assert_eq!(Range::parse(text).map(|r| r.to_string()), Ok(text.to_string()));
        }
        assert_eq!(Range::parse("80").map(|r| r.scaled(5.0).to_string()), Ok("400".to_string()));
    }
}
