//! Splitting a Markdown file into its YAML front matter and its body, and
//! reading the front matter into typed fields.
//!
//! This is the only module that knows the YAML library: swapping
//! `serde_yaml` for a maintained fork is a change to this file alone.

use serde::de::DeserializeOwned;

use crate::diagnostics::{Position, suggest};

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

/// Reads front matter into `T`, reporting every problem at its place in
/// the file. `what` names the kind of document in messages ("a policy").
///
/// The block is read whole first. If that fails, each top-level field is
/// read on its own (the lines from its key to the next key), so a wrong
/// field does not hide the next one: `aprover:` and `clasification:` are
/// both reported, each with the field that was probably meant. Required
/// fields that are missing are reported beside them.
pub fn parse<T: DeserializeOwned>(
    split: &Split<'_>,
    what: &str,
) -> Result<T, Vec<FrontMatterError>> {
    let whole = match serde_yaml::from_str::<T>(or_empty(split.yaml)) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let mut problems = Vec::new();
    // The fields that read on their own, and the keys of those that did not.
    let mut readable = String::new();
    let mut failed = Vec::new();
    for field in fields(split.yaml) {
        match serde_yaml::from_str::<T>(field.text) {
            Err(e) if suggest::missing_field(&e.to_string()).is_none() => {
                problems.push(explain(split, &e, &field, what));
                failed.push(field.key);
            }
            _ => {
                readable.push_str(field.text);
                if !field.text.ends_with('\n') {
                    readable.push('\n');
                }
            }
        }
    }
    // Required fields: fill each missing one with a blank to find the next.
    let mut missing = Vec::new();
    for _ in 0..16 {
        let Err(e) = serde_yaml::from_str::<T>(or_empty(&readable)) else {
            break;
        };
        let Some(field) = suggest::missing_field(&e.to_string()).map(str::to_owned) else {
            break;
        };
        if missing.contains(&field) {
            break;
        }
        readable.push_str(&format!("{field}: \"\"\n"));
        if !failed.contains(&field.as_str()) {
            missing.push(field);
        }
    }
    for field in missing {
        problems.push(FrontMatterError {
            at: Position::new(split.yaml_line, 1),
            message: format!("`{field}` is missing: add a line `{field}: …` to the front matter"),
        });
    }
    if problems.is_empty() {
        // Only the block as a whole is wrong (a field written twice, say).
        let field = Field {
            key: "",
            text: split.yaml,
            line: 0,
        };
        problems.push(explain(split, &whole, &field, what));
    }
    Err(problems)
}

/// What serde_yaml reads for a block with no fields.
fn or_empty(yaml: &str) -> &str {
    if yaml.trim().is_empty() { "{}" } else { yaml }
}

/// One top-level field of the front matter as written: its key, and the
/// lines from it to the next top-level key.
struct Field<'a> {
    key: &'a str,
    text: &'a str,
    /// 0-based line of its key in the front matter.
    line: usize,
}

/// The top-level fields of a YAML block. A field starts at a line that
/// begins with a key (not blank, not indented, not a comment or a list
/// item); everything until the next such line belongs to it.
fn fields(yaml: &str) -> Vec<Field<'_>> {
    let mut out: Vec<Field<'_>> = Vec::new();
    let mut offset = 0;
    for (n, line) in yaml.split_inclusive('\n').enumerate() {
        let starts_field = line.starts_with(|c: char| !c.is_whitespace() && c != '#' && c != '-');
        if starts_field {
            let key = line
                .split_once(':')
                .map_or(line, |(k, _)| k)
                .trim()
                .trim_matches(['"', '\'']);
            out.push(Field {
                key,
                text: &yaml[offset..offset + line.len()],
                line: n,
            });
        } else if let Some(last) = out.last_mut() {
            let start = last.text.as_ptr() as usize - yaml.as_ptr() as usize;
            last.text = &yaml[start..offset + line.len()];
        }
        offset += line.len();
    }
    out
}

/// A YAML error as a message for the writer, at its place in the file.
fn explain(
    split: &Split<'_>,
    error: &serde_yaml::Error,
    field: &Field<'_>,
    what: &str,
) -> FrontMatterError {
    let message = error.to_string();
    // Lines in the file: the field's own lines start `field.line` lines
    // into the front matter.
    let first = split.yaml_line + field.line;
    let at = error.location().map_or(Position::new(first, 1), |l| {
        Position::new(first + l.line() - 1, l.column())
    });
    // An error at the end of the field's text (an unclosed list) is shown
    // at the end of its last line, not on the next field.
    let last = first + field.text.lines().count().max(1) - 1;
    let at = if at.line > last {
        let width = split
            .yaml
            .lines()
            .nth(last - split.yaml_line)
            .map_or(0, |l| l.chars().count());
        Position::new(last, width + 1)
    } else {
        at
    };
    let line_text = split
        .yaml
        .lines()
        .nth(at.line - split.yaml_line)
        .unwrap_or("");
    let tab = line_text.chars().nth(at.column.saturating_sub(1)) == Some('\t')
        || message.contains("tab character");
    let message = if let Some(unknown) = suggest::UnknownField::parse(&message) {
        // serde_yaml puts it at the start of the mapping: the field's key.
        return FrontMatterError {
            at: Position::new(first, 1),
            message: unknown.explain(what),
        };
    } else if tab {
        let column = line_text
            .find('\t')
            .map_or(at.column, |i| line_text[..i].chars().count() + 1);
        return FrontMatterError {
            at: Position::new(at.line, column),
            message: "a tab: YAML indents with spaces only; replace the tab with spaces".to_owned(),
        };
    } else if message.starts_with("mapping values are not allowed") {
        match quoted(line_text) {
            Some(fixed) => format!("a value that contains `: ` must be in quotes: write `{fixed}`"),
            None => "a value that contains `: ` must be in quotes".to_owned(),
        }
    } else if let Some(rest) = message.strip_prefix("duplicate field `") {
        let name = rest.split('`').next().unwrap_or("");
        let second = split
            .yaml
            .lines()
            .enumerate()
            .filter(|(_, l)| {
                l.strip_prefix(name)
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            })
            .nth(1)
            .map_or(at, |(i, _)| Position::new(split.yaml_line + i, 1));
        return FrontMatterError {
            at: second,
            message: format!("`{name}` is written twice: keep one"),
        };
    } else {
        let plain = without_location(&message);
        // serde_yaml starts a typing error with the path of the value
        // (`history[0].date: …`); a syntax error has none.
        let is_path = |path: &str| {
            path.strip_prefix(field.key)
                .is_some_and(|r| r.is_empty() || r.starts_with(['.', '[']))
        };
        match plain.split_once(": ") {
            Some((path, rest)) if !field.key.is_empty() && is_path(path) => {
                format!("`{path}`: {rest}")
            }
            _ if field.key.is_empty() => format!("invalid front matter: {plain}"),
            _ => format!("invalid front matter in `{}`: {plain}", field.key),
        }
    };
    FrontMatterError { at, message }
}

/// `key: value` with the value in double quotes, for a value that YAML
/// cannot read bare (it contains `: `).
fn quoted(line: &str) -> Option<String> {
    let (key, value) = line.split_once(':')?;
    let value = value.trim();
    if key.starts_with(char::is_whitespace) || value.is_empty() || value.starts_with(['"', '\'']) {
        return None;
    }
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    Some(format!("{key}: \"{escaped}\""))
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
    out.trim().to_owned()
}

/// Finds where a field (and optionally one of its values) is written in the
/// front matter, for errors found after parsing, e.g. an unknown role id.
///
/// Looks for a top-level `key:` line, then for `value` from there to the
/// next top-level key. Falls back to the key; a key that is not written at
/// all is placed on the closing `---`, where it would be added.
pub fn locate(split: &Split<'_>, key: &str, value: Option<&str>) -> Position {
    let lines: Vec<&str> = split.yaml.lines().collect();
    let top_level = |l: &str| {
        l.starts_with(|c: char| !c.is_whitespace() && c != '-' && c != '#') && l.contains(':')
    };
    let Some(start) = lines.iter().position(|l| {
        l.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    }) else {
        return match split.body_line > split.yaml_line {
            true => Position::new(split.body_line - 1, 1),
            false => Position::new(split.yaml_line, 1),
        };
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

    /// Every problem of `yaml` as `line:column message`.
    fn problems<T: DeserializeOwned + std::fmt::Debug>(yaml: &str) -> Vec<String> {
        let text = format!("---\n{yaml}---\nbody\n");
        let s = split(&text).unwrap();
        parse::<T>(&s, "a test document")
            .unwrap_err()
            .into_iter()
            .map(|e| format!("{}:{} {}", e.at.line, e.at.column, e.message))
            .collect()
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Policy {
        title: String,
        owner: String,
        #[serde(default)]
        approver: Option<String>,
        #[serde(default)]
        classification: Option<String>,
        #[serde(default)]
        effective: Option<crate::content::meta::Date>,
        #[serde(default)]
        review: Option<crate::content::meta::Date>,
        #[serde(default)]
        history: Vec<Entry>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Entry {
        version: String,
        date: crate::content::meta::Date,
    }

    #[test]
    fn yaml_errors_carry_file_lines() {
        let p = problems::<Meta>("title: A\ntags: [a, b\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("3:"), "{p:?}");
        assert!(!p[0].contains("at line"), "{p:?}");
    }

    #[test]
    fn unknown_fields_are_named_at_their_line() {
        assert_eq!(
            problems::<Meta>("title: A\ncolour: red\n"),
            ["3:1 unknown field `colour`; a test document takes `title`, `tags`"]
        );
    }

    #[test]
    fn one_wrong_field_does_not_hide_the_next() {
        assert_eq!(
            problems::<Policy>("title: A\nowner: x\naprover: ciso\nclasification: internal\n"),
            [
                "4:1 unknown field `aprover`: did you mean `approver`?",
                "5:1 unknown field `clasification`: did you mean `classification`?",
            ]
        );
        assert_eq!(
            problems::<Policy>("title: A\nowner: x\neffective: 15/03/2026\nreview: 2027-3-15\n"),
            [
                "4:12 `effective`: `15/03/2026` is not a date: write it YYYY-MM-DD",
                "5:9 `review`: `2027-3-15` is not a date: write it YYYY-MM-DD",
            ]
        );
    }

    #[test]
    fn three_independent_mistakes_and_a_missing_field_in_one_run() {
        let p = problems::<Policy>(
            "title: A\naprover: ciso\nhistory:\n  - version: \"1.0\"\n    date: 2026-13-01\nreview: soon\n",
        );
        assert_eq!(
            p,
            [
                "3:1 unknown field `aprover`: did you mean `approver`?",
                "6:11 `history[0].date`: `2026-13-01` is not a real date",
                "7:9 `review`: `soon` is not a date: write it YYYY-MM-DD",
                "2:1 `owner` is missing: add a line `owner: …` to the front matter",
            ]
        );
    }

    #[test]
    fn a_tab_is_named_with_where_it_is() {
        assert_eq!(
            problems::<Meta>("title: A\ntags:\n\t- a\n"),
            ["4:1 a tab: YAML indents with spaces only; replace the tab with spaces"]
        );
    }

    #[test]
    fn a_colon_in_a_value_asks_for_quotes_and_shows_them() {
        assert_eq!(
            problems::<Meta>("title: Backup: daily \"full\"\n"),
            [
                r#"2:14 a value that contains `: ` must be in quotes: write `title: "Backup: daily \"full\""`"#
            ]
        );
    }

    #[test]
    fn a_field_written_twice_points_at_the_second() {
        assert_eq!(
            problems::<Meta>("title: A\ntags: []\ntitle: B\n"),
            ["4:1 `title` is written twice: keep one"]
        );
    }

    #[test]
    fn locates_values_under_their_key() {
        let s = split("---\ntitle: A\ncontrols:\n  - \"5.1\"\n  - \"5.15\"\nowner: ciso\n---\n")
            .unwrap();
        assert_eq!(locate(&s, "controls", Some("5.15")), Position::new(5, 6));
        assert_eq!(locate(&s, "controls", Some("5.1")), Position::new(4, 6));
        assert_eq!(locate(&s, "owner", Some("ciso")), Position::new(6, 8));
        assert_eq!(locate(&s, "owner", Some("cto")), Position::new(6, 1));
        assert_eq!(
            locate(&s, "missing", None),
            Position::new(7, 1),
            "the closing `---`"
        );
    }
}
