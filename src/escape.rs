//! Vendor text in human formats is data: control characters (ESC, CR, BEL,
//! the C1 set) and the bidirectional overrides that reorder what a terminal
//! shows are written as escapes, so that a payload cannot drive the
//! operator's terminal or forge a line. Machine formats (JSON, NDJSON, CSV,
//! Prometheus) carry the text by their own rules instead.

use std::borrow::Cow;
use std::fmt::Write;

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escaped(s: &str, also: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| needs_escape(c) || also(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) || also(c) {
            let n = u32::from(c);
            let _ = if n < 0x100 { write!(out, "\\x{n:02x}") } else { write!(out, "\\u{{{n:x}}}") };
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// For a terminal: tables, `holders`, `diff`, `history`, error lines.
pub fn text(s: &str) -> Cow<'_, str> {
    escaped(s, |_| false)
}

/// For monitoring-plugin output, where `|` starts the performance data.
pub fn plugin(s: &str) -> Cow<'_, str> {
    escaped(s, |c| c == '|')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_become_escapes() {
        assert_eq!(text("Acrobat Pro"), "Acrobat Pro");
        assert!(matches!(text("plain"), Cow::Borrowed(_)));
        assert_eq!(text("red\u{1b}[31mtext\r\x07"), "red\\x1b[31mtext\\x0d\\x07");
        assert_eq!(text("a\nb\u{9b}c\u{7f}"), "a\\x0ab\\x9bc\\x7f");
        assert_eq!(text("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(plugin("x | 'y'=1\nCRITICAL"), "x \\x7c 'y'=1\\x0aCRITICAL");
        assert_eq!(text("ü ✓ 漢字"), "ü ✓ 漢字");
    }
}
