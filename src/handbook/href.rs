//! Site paths as links: every link to a file of the site is built here.
//!
//! A site path (`procedures/backup plan.html`) names a file as it is written
//! to disk. In a link each of its segments is percent-encoded, so a space,
//! `%`, `?`, `#`, `\`, a quote or a non-ASCII letter in a file name reaches
//! the right file from `file://` and over HTTP alike. A link whose first
//! segment holds a `:` would read as a URL scheme (`javascript:…`), so it
//! starts with `./`.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// What a path segment keeps as it is: letters, digits, the unreserved marks
/// of RFC 3986 and the sub-delimiters that are harmless in an attribute. `%`,
/// `?`, `#`, `/`, `\`, quotes, spaces, controls and non-ASCII are encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// The link to the site file at `path` (`/`-separated, from the site root),
/// relative to the root: each segment percent-encoded, and `./` in front
/// when the first segment holds a `:`.
pub fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if path
        .split('/')
        .next()
        .is_some_and(|first| first.contains(':'))
    {
        out.push_str("./");
    }
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(segment, SEGMENT));
    }
    out
}

/// The path a link names, percent-decoded; None when the decoded bytes are
/// not UTF-8.
pub fn decode(link: &str) -> Option<Cow<'_, str>> {
    percent_decode_str(link).decode_utf8().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_segment_is_encoded_and_slashes_kept() {
        assert_eq!(href("policies/backup.html"), "policies/backup.html");
        assert_eq!(
            href("my notes/100% done?#1.html"),
            "my%20notes/100%25%20done%3F%231.html"
        );
        assert_eq!(
            href(r#"a\b/"quoted" 'single'.html"#),
            "a%5Cb/%22quoted%22%20%27single%27.html"
        );
        assert_eq!(href("über/Straße.html"), "%C3%BCber/Stra%C3%9Fe.html");
        assert_eq!(href("a<b>&c.html"), "a%3Cb%3E&c.html");
    }

    #[test]
    fn a_first_segment_that_reads_as_a_scheme_gets_dot_slash() {
        assert_eq!(
            href("javascript:alert(document.domain).html"),
            "./javascript:alert(document.domain).html"
        );
        assert_eq!(href("x/javascript:a.html"), "x/javascript:a.html");
        assert_eq!(href("mailto:me/a.html"), "./mailto:me/a.html");
    }

    #[test]
    fn decoding_reverses_encoding() {
        for path in ["my notes/100% done?#1.html", "über/a b.png", "plain.html"] {
            assert_eq!(decode(&href(path)).unwrap(), path.trim_start_matches("./"));
        }
        assert_eq!(decode("a%20b.md").unwrap(), "a b.md");
        assert_eq!(decode("100%.md").unwrap(), "100%.md");
        assert!(decode("%FF.md").is_none());
    }
}
