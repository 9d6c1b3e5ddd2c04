//! Splitting a Markdown file into its YAML front matter and its body, and
//! reading the front matter into typed fields.
//!
//! This is the only module that knows the YAML library: swapping
//! `serde_yaml` for a maintained fork is a change to this file alone.

use serde::de::DeserializeOwned;

use crate::diagnostics::Position;

/// A file cut into front matter and body, with where each starts. Both
/// are slices of the text that was split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines (empty when the file has none).
    pub yaml: &'a str,
    /// The 1-based file line of the first YAML line.
    pub yaml_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// The 1-based file line where the body starts.
    pub body_line: usize,
}

/// A problem with the front matter, at a position in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    /// Where, in file coordinates.
    pub at: Position,
    /// What.
    pub message: String,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Cuts `text` (already without a byte-order mark) into front matter and body.
///
/// A file whose first line is not `---` has no front matter: all of it is
/// body. A front matter block that is opened but never closed is an error.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if !is_fence(&text[..first_end]) {
        return Ok(Split {
            // Empty, but still a slice of `text`: callers keep offsets into it.
            yaml: &text[..0],
            yaml_line: 1,
            body: text,
            body_line: 1,
        });
    }
    let mut offset = first_end;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        if is_fence(&text[offset..end]) {
            return Ok(Split {
                yaml: &text[first_end..offset],
                yaml_line: 2,
                body: &text[end..],
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    Err(FrontMatterError {
        at: Position::START,
        message: "the front matter opened here is never closed: end it with a line `---`".into(),
    })
}

/// Reads front matter into `T`, reporting errors at their place in the file.
pub fn parse<T: DeserializeOwned>(split: &Split<'_>) -> Result<T, FrontMatterError> {
    let yaml = if split.yaml.trim().is_empty() {
        "{}"
    } else {
        split.yaml
    };
    serde_yaml::from_str(yaml).map_err(|e| {
        let at = e.location().map_or(Position::new(split.yaml_line, 1), |l| {
            Position::new(l.line(), l.column()).below(split.yaml_line - 1)
        });
        FrontMatterError {
            at,
            message: without_location(&e.to_string()),
        }
    })
}

/// The YAML library's message without its own `at line N column M`, which
/// counts from the start of the front matter, not of the file.
fn without_location(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let skip = after
            .find(" column ")
            .map(|j| {
                let digits = after[j + 8..]
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(after.len() - j - 8);
                j + 8 + digits
            })
            .unwrap_or(0);
        rest = &after[skip..];
    }
    out.push_str(rest);
    format!("invalid front matter: {}", out.trim())
}

/// Finds where a field (and optionally one of its values) is written in the
/// front matter, for errors found after parsing, e.g. an unknown role id.
///
/// Looks for a top-level `key:` line, then for `value` from there to the
/// next top-level key. Falls back to the key, then to the first YAML line.
pub fn locate(split: &Split<'_>, key: &str, value: Option<&str>) -> Position {
    let lines: Vec<&str> = split.yaml.lines().collect();
    let top_level = |l: &str| {
        l.starts_with(|c: char| !c.is_whitespace() && c != '-' && c != '#') && l.contains(':')
    };
    let Some(start) = lines.iter().position(|l| {
        l.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    }) else {
        return Position::new(split.yaml_line, 1);
    };
    let key_at = Position::new(split.yaml_line + start, 1);
    let Some(value) = value else {
        // Point at the value written after `key:`, if any.
        let line = lines[start];
        let after = line.find(':').map_or(line.len(), |c| c + 1);
        let rest = &line[after..];
        let value_at = after + (rest.len() - rest.trim_start().len());
        if value_at < line.trim_end().len() {
            let column = line[..value_at].chars().count() + 1;
            return Position::new(split.yaml_line + start, column);
        }
        return key_at;
    };
    for (i, line) in lines.iter().enumerate().skip(start) {
        if i > start && top_level(line) {
            break;
        }
        let from = if i == start { key.len() } else { 0 };
        if let Some(col) = find_token(&line[from..], value) {
            let column = line[..from + col].chars().count() + 1;
            return Position::new(split.yaml_line + i, column);
        }
    }
    key_at
}

/// The byte offset of `value` in `line` as a whole token (not inside a longer id).
fn find_token(line: &str, value: &str) -> Option<usize> {
    let is_id_char = |c: char| c.is_alphanumeric() || c == '-' || c == '_' || c == '.';
    line.match_indices(value).map(|(i, _)| i).find(|&i| {
        let before = line[..i].chars().next_back();
        let after = line[i + value.len()..].chars().next();
        !before.is_some_and(is_id_char) && !after.is_some_and(|c| is_id_char(c) && c != '.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Meta {
        title: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn splits_front_matter_and_body_with_their_lines() {
        let s = split("---\ntitle: A\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn handles_crlf_and_empty_front_matter() {
        let s = split("---\r\n---\r\nbody").unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.body, "body");
        assert_eq!(s.body_line, 3);
    }

    #[test]
    fn a_file_without_fence_is_all_body() {
        let text = "Just text\n---\n";
        let s = split(text).unwrap();
        assert_eq!(s.yaml, "");
        assert_eq!(s.yaml.as_ptr(), text.as_ptr(), "a slice of the text");
        assert_eq!(s.body_line, 1);
    }

    #[test]
    fn an_unclosed_block_is_an_error() {
        let e = split("---\ntitle: A\n# Body\n").unwrap_err();
        assert!(e.message.contains("never closed"));
        assert_eq!(e.at, Position::START);
    }

    #[test]
    fn yaml_errors_carry_file_lines() {
        let s = split("---\ntitle: A\ntags: [a, b\n---\n").unwrap();
        let e = parse::<Meta>(&s).unwrap_err();
        assert!(e.at.line >= 3, "{e:?}");
        assert!(!e.message.contains("at line"), "{}", e.message);
    }

    #[test]
    fn unknown_fields_are_named_at_their_line() {
        let s = split("---\ntitle: A\ncolour: red\n---\n").unwrap();
        let e = parse::<Meta>(&s).unwrap_err();
        assert!(
            e.message.contains("unknown field `colour`"),
            "{}",
            e.message
        );
        assert_eq!(e.at.line, 3);
    }

    #[test]
    fn locates_values_under_their_key() {
        let s = split("---\ntitle: A\ncontrols:\n  - \"5.1\"\n  - \"5.15\"\nowner: ciso\n---\n")
            .unwrap();
        assert_eq!(locate(&s, "controls", Some("5.15")), Position::new(5, 6));
        assert_eq!(locate(&s, "controls", Some("5.1")), Position::new(4, 6));
        assert_eq!(locate(&s, "owner", Some("ciso")), Position::new(6, 8));
        assert_eq!(locate(&s, "owner", Some("cto")), Position::new(6, 1));
        assert_eq!(locate(&s, "missing", None), Position::new(2, 1));
    }
}
