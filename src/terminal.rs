//! Text shown on a terminal. Kept apart from the rest of the output code
//! (it has no dependencies) so that the fuzz targets can include it.

/// Text from a server, a profile file or the environment, made safe to show
/// on a terminal: control characters (C0, DEL, C1: escape sequences, carriage
/// returns, line breaks) and the invisible bidirectional controls that can
/// reorder what is seen are written as escapes (`\u{1b}`, `\n`), so they
/// can neither drive the terminal nor fake extra lines.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hostile = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hostile) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hostile(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_what_could_drive_a_terminal() {
        assert_eq!(printable("prod-admin ÄÖ ✓"), "prod-admin ÄÖ ✓");
        assert!(matches!(printable("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(
            printable("a\x1b[2Jb\rc\nd\te\u{7f}f\u{9b}g\u{202e}h"),
            "a\\u{1b}[2Jb\\rc\\nd\\te\\u{7f}f\\u{9b}g\\u{202e}h"
        );
    }
}
