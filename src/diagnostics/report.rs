//! Diagnostics written out for people (with the source line), for tools
//! (JSON) and for GitHub Actions (annotations on the pull request).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{Diagnostic, Rule, Severity};

/// How diagnostics are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: error[rule]: message`, the source line and a caret,
    /// sorted by file and line, then a summary.
    #[default]
    Human,
    /// One JSON array of `{severity, rule, file, line, column, message}`.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`).
    Github,
}

/// Writes `diagnostics` (sorted by file and position) in `format`.
pub fn write(out: &mut impl Write, diagnostics: &[Diagnostic], format: Format) -> io::Result<()> {
    match format {
        Format::Human => human(out, diagnostics),
        Format::Json => json(out, diagnostics),
        Format::Github => github(out, diagnostics),
    }
}

/// `3 errors, 5 warnings in 128 files`.
pub fn summary(diagnostics: &[Diagnostic], files: usize) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    format!(
        "{}, {} in {}",
        count(errors, "error"),
        count(warnings, "warning"),
        count(files, "file")
    )
}

/// ` (2 warnings: `ismsbook check` lists them)` after a build line, or nothing.
pub fn warnings_note(warnings: usize) -> String {
    match warnings {
        0 => String::new(),
        n => format!(" ({}: `ismsbook check` lists them)", count(n, "warning")),
    }
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

fn human(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let mut source = Source::default();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{d}")?;
        let quoted = match about_the_whole_file(d.rule) {
            true => None,
            false => source.line(&d.file, d.line),
        };
        if let Some(line) = quoted {
            let number = d.line.to_string();
            let gutter = " ".repeat(number.len());
            // Tabs shown as four spaces; the caret follows them.
            let shown = line.replace('\t', "    ");
            let before: usize = line
                .chars()
                .take(d.column.saturating_sub(1))
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            writeln!(out, "{gutter} |")?;
            writeln!(out, "{number} | {}", shown.trim_end())?;
            writeln!(out, "{gutter} | {}^", " ".repeat(before))?;
        }
        if let Some(help) = &d.help {
            let gutter = " ".repeat(d.line.to_string().len());
            for (i, line) in help.lines().enumerate() {
                match i {
                    0 => writeln!(out, "{gutter} = help: {line}")?,
                    _ => writeln!(out, "{gutter}         {line}")?,
                }
            }
        }
    }
    Ok(())
}

/// Whether a rule's problems are about a file as a whole, one that could
/// not be read, was refused (a symbolic link out of the content folder) or
/// was being written: it has no line to show, and is never read here.
fn about_the_whole_file(rule: Rule) -> bool {
    matches!(rule, Rule::Unreadable | Rule::NotUtf8 | Rule::Io)
}

/// The text of the file last asked for, read once.
#[derive(Default)]
struct Source {
    path: Option<PathBuf>,
    text: Option<String>,
}

impl Source {
    /// Line `n` (1-based) of `path`, if it is a regular file (not a
    /// symbolic link, which may lead anywhere) of UTF-8 text.
    fn line(&mut self, path: &Path, n: usize) -> Option<&str> {
        if self.path.as_deref() != Some(path) {
            self.path = Some(path.to_path_buf());
            let regular = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file());
            self.text = regular
                .then(|| std::fs::read(path).ok())
                .flatten()
                .and_then(|b| String::from_utf8(b).ok());
        }
        let text = self.text.as_deref()?;
        let line = text.lines().nth(n.checked_sub(1)?)?;
        Some(line.strip_prefix('\u{feff}').unwrap_or(line))
    }
}

#[derive(serde::Serialize)]
struct JsonDiagnostic<'a> {
    severity: String,
    rule: &'static str,
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

fn json(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let list: Vec<JsonDiagnostic<'_>> = diagnostics
        .iter()
        .map(|d| JsonDiagnostic {
            severity: d.severity.to_string(),
            rule: d.rule.name(),
            file: slashes(&d.file),
            line: d.line,
            column: d.column,
            message: &d.message,
            help: d.help.as_deref(),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &list)?;
    writeln!(out)
}

/// One workflow command per diagnostic. GitHub shows an annotation on a
/// file only if the file is in the repository: a problem about a file that
/// does not exist (a control without a statement names the statement to
/// write) is annotated without a file, with the path in its text.
fn github(out: &mut impl Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message = format!("{message}\n{help}");
        }
        let place = if d.file.exists() {
            format!(
                "file={},line={},col={},",
                property(&slashes(&d.file)),
                d.line,
                d.column
            )
        } else {
            message = format!("{}: {message}", slashes(&d.file));
            String::new()
        };
        writeln!(
            out,
            "::{} {place}title={}::{}",
            d.severity,
            property(d.rule.name()),
            data(&message)
        )?;
    }
    Ok(())
}

/// A path with `/` separators, as GitHub and JSON consumers expect.
fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Escapes the message of a workflow command.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Position, Rule};

    fn sample(dir: &Path) -> Vec<Diagnostic> {
        let file = dir.join("a.md");
        std::fs::write(&file, "---\ntitle: A\nowner:\tnobody\n---\n").unwrap();
        vec![
            Diagnostic::error(Rule::UnknownRole, &file, Position::new(3, 8), "no, role"),
            Diagnostic::new(
                Rule::ReviewDue,
                Path::new("b.md"),
                Position::START,
                "50% due:\nsoon",
            ),
        ]
    }

    fn text(format: Format, diagnostics: &[Diagnostic]) -> String {
        let mut out = Vec::new();
        write(&mut out, diagnostics, format).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn human_shows_the_line_and_a_caret_under_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let d = sample(dir.path());
        let file = dir.path().join("a.md").display().to_string();
        assert_eq!(
            text(Format::Human, &d),
            format!(
                "{file}:3:8: error[unknown-role]: no, role\n  |\n3 | owner:    nobody\n  |           ^\n\nb.md:1:1: warning[review-due]: 50% due:\nsoon\n"
            )
        );
        assert_eq!(summary(&d, 1), "1 error, 1 warning in 1 file");
    }

    #[cfg(unix)]
    #[test]
    fn no_line_of_a_refused_file_or_a_symbolic_link_is_shown() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret.env");
        std::fs::write(&secret, "API_KEY=hunter2\n").unwrap();
        let link = dir.path().join("a.md");
        std::os::unix::fs::symlink(&secret, &link).unwrap();
        let shown = text(
            Format::Human,
            &[
                Diagnostic::error(Rule::FrontMatter, &link, Position::START, "x"),
                Diagnostic::error(Rule::Unreadable, &secret, Position::START, "y"),
            ],
        );
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(shown.lines().count(), 3, "{shown}");
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let dir = tempfile::tempdir().unwrap();
        let d = sample(dir.path());
        let out = text(Format::Github, &d[1..]);
        assert_eq!(
            out, "::warning title=review-due::b.md: 50%25 due:%0Asoon\n",
            "b.md does not exist: annotated without a file"
        );
        let out = text(Format::Github, &d[..1]);
        let file = slashes(&dir.path().join("a.md"));
        assert_eq!(
            out,
            format!(
                "::error file={},line=3,col=8,title=unknown-role::no, role\n",
                property(&file)
            )
        );
    }
}
