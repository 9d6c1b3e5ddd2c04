//! Problems found in a handbook's sources, tagged with file, line and column.
//!
//! Every stage of the pipeline reports problems about user content as
//! [`Diagnostic`] values and keeps going, so one run shows all of them. They
//! are printed in one place (the command line front end, through
//! [`report`]), sorted by file and position, as
//! `path:line:col: error[rule]: message`.
//!
//! Every diagnostic names the [`Rule`] it breaks. Errors stop a build;
//! warnings (the lints of `ismsbook check`) can be allowed or denied in
//! `[check]` of `book.toml`.

pub mod report;
pub mod suggest;

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The handbook can still be built.
    Warning,
    /// The handbook cannot be built.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Declares the rules: the enum, their names and what each checks.
macro_rules! rules {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $severity:ident, $summary:literal; )*) => {
        /// What a diagnostic is about: a name users can look up, allow and deny.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, errors first, then the lints.
            pub const ALL: &[Rule] = &[$(Rule::$variant),*];

            /// Its name, as written in `[check]` and shown in messages.
            pub fn name(self) -> &'static str {
                match self { $(Rule::$variant => $name,)* }
            }

            /// Its severity unless `[check]` says otherwise.
            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity,)* }
            }

            /// One line on what it checks.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary,)* }
            }
        }
    };
}

rules! {
    /// `book.toml` is not valid, or names a folder that does not exist.
    Config = "config", Error, "book.toml is valid and its folders exist";
    /// A file could not be read.
    Unreadable = "unreadable-file", Error, "every file of the content folder can be read";
    /// A file is not UTF-8 text.
    NotUtf8 = "not-utf8", Error, "Markdown files are UTF-8 text";
    /// Front matter is not valid YAML or has a wrong field.
    FrontMatter = "front-matter", Error, "front matter is valid YAML with the fields its kind of document takes";
    /// Two documents of one kind claim the same id.
    DuplicateId = "duplicate-id", Error, "ids are unique within their kind";
    /// An id that cannot name a page.
    InvalidId = "invalid-id", Error, "ids are letters, digits, `-`, `_` or `.`";
    /// An Annex A control id that does not exist.
    UnknownControl = "unknown-control", Error, "control ids name ISO/IEC 27001:2022 Annex A controls";
    /// A clause of 4–10 that does not exist, or an Annex A id given as a clause.
    UnknownClause = "unknown-clause", Error, "clause references name clauses 4–10 of ISO/IEC 27001:2022";
    /// A policy id that no policy has.
    UnknownPolicy = "unknown-policy", Error, "policy ids in front matter name existing policies";
    /// A role id that no role has.
    UnknownRole = "unknown-role", Error, "role ids in front matter name existing roles";
    /// A file takes a path that ismsbook generates.
    ReservedPath = "reserved-path", Error, "no file takes a path that ismsbook generates";
    /// Two files of the site would be one where case is ignored.
    CaseCollision = "case-collision", Error, "no two files of the site have paths that differ only by case";
    /// An implementation statement lacks or contradicts a required field.
    InvalidStatement = "invalid-statement", Error, "statements give a justification, and a status when applicable";
    /// A risk's scores are off the scales, or it lacks what its status needs.
    InvalidRisk = "invalid-risk", Error, "risks score on the scales of `[risk]` and give `current` once assessed";
    /// Roles report to each other in a loop.
    ReportingLoop = "reporting-loop", Error, "reporting lines do not loop";
    /// A link points at nothing.
    BrokenLink = "broken-link", Error, "links point at documents, ids and files that exist";
    /// A link could run code in the reader's browser.
    UnsafeLink = "unsafe-link", Error, "no `javascript:`, `vbscript:` or `data:` links";
    /// A body with raw HTML nests elements too deep, or has a tag with too
    /// many attributes, to sanitise in reasonable time.
    RawHtmlTooComplex = "raw-html-too-complex", Error, "bodies with raw HTML nest elements at most 256 deep, with at most 512 attributes a tag";
    /// The theme cannot render.
    Template = "template", Error, "the theme's templates compile and render";
    /// The site could not be written.
    Io = "io", Error, "the output can be written";

    /// A policy's review date has passed.
    ReviewOverdue = "review-overdue", Warning, "policy reviews are not overdue";
    /// A policy's review falls due within `review-warning-days`.
    ReviewDue = "review-due", Warning, "no policy review falls due within `review-warning-days`";
    /// An applicable control is planned or not implemented.
    ControlNotImplemented = "control-not-implemented", Warning, "applicable controls are implemented or partly implemented";
    /// An Annex A control has no implementation statement.
    ControlWithoutStatement = "control-without-statement", Warning, "every Annex A control has a statement";
    /// A policy addresses no control.
    PolicyWithoutControls = "policy-without-controls", Warning, "every policy addresses at least one control";
    /// A policy does not say who must read it.
    PolicyWithoutAudience = "policy-without-audience", Warning, "every policy has an audience";
    /// A role nobody holds.
    RoleWithoutAssignee = "role-without-assignee", Warning, "every role has an assignee";
    /// A policy owned by a role nobody holds.
    PolicyOwnerVacant = "policy-owner-vacant", Warning, "every policy's owner role is held by someone";
    /// Evidence points at a relative file that does not exist.
    EvidenceMissing = "evidence-missing", Warning, "evidence given as a relative link points at a file that exists";
    /// A clause requires documented information that no document provides.
    ClauseWithoutDocument = "clause-without-document", Warning, "every item of documented information that clauses 4–10 require is provided by a document";
    /// `[audit] since` (or `--since`) is not in the git history.
    AuditSinceNotFound = "audit-since-not-found", Warning, "`[audit] since` names a tag, branch or commit in the git history of the content folder";
    /// A link to a heading anchor that the target does not have.
    BrokenAnchor = "broken-anchor", Warning, "links to `#heading` anchors name headings that exist";
    /// A risk's residual score is above its current one.
    RiskResidualAboveCurrent = "risk-residual-above-current", Warning, "a risk's residual level, likelihood and impact are no higher than its current ones";
    /// A risk's residual score is lower than its current one with no control planned.
    RiskLoweredWithoutControl = "risk-lowered-without-control", Warning, "a residual score below the current one has a planned control behind it";
    /// A risk retained or above the appetite has no acceptance by the role that must give it.
    RiskNotAccepted = "risk-not-accepted", Warning, "risks retained or above the appetite are accepted by the role `[risk]` requires";
    /// A risk acceptance has expired.
    RiskAcceptanceExpired = "risk-acceptance-expired", Warning, "risk acceptances have not expired";
    /// A treatment action is past its due date.
    RiskActionOverdue = "risk-action-overdue", Warning, "open treatment actions are not past their due date";
    /// A risk's review date has passed.
    RiskReviewOverdue = "risk-review-overdue", Warning, "risk reviews are not overdue";
    /// A control is both in place for a risk and planned for it.
    RiskControlExistingAndPlanned = "risk-control-existing-and-planned", Warning, "a risk lists a control as existing or as planned, not both";
    /// A control listed as existing is planned or not implemented.
    RiskControlNotInPlace = "risk-control-not-in-place", Warning, "a risk's existing controls are implemented or partly implemented";
    /// A risk cites a control that the SoA excludes.
    RiskControlNotApplicable = "risk-control-not-applicable", Warning, "risks cite only controls that the SoA marks applicable";
    /// A justification links a risk that does not list the control.
    JustificationRiskUnlinked = "justification-risk-unlinked", Warning, "a risk linked from a control's justification lists that control";
}

impl Rule {
    /// The rule called `name`.
    pub fn named(name: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.name() == name)
    }

    /// Whether `[check]` may allow or deny it (errors always stay errors).
    pub fn is_lint(self) -> bool {
        self.default_severity() == Severity::Warning
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One problem at one place in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The rule it breaks.
    pub rule: Rule,
    /// The file, as the user would type it (relative to the working directory
    /// when the handbook was given as a relative path).
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// What is wrong, and where possible how to fix it.
    pub message: String,
    /// A longer hint shown after the source line (an example to copy, the
    /// folder a file belongs in), when one helps.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem at `line:column` of `file`, with its rule's default severity.
    pub fn new(rule: Rule, file: &Path, at: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: rule.default_severity(),
            rule,
            file: file.to_path_buf(),
            line: at.line,
            column: at.column,
            message: message.into(),
            help: None,
        }
    }

    /// The same problem with a hint to show after the source line.
    pub fn with_help(self, help: impl Into<String>) -> Self {
        Diagnostic {
            help: Some(help.into()),
            ..self
        }
    }

    /// An error at `line:column` of `file`.
    pub fn error(rule: Rule, file: &Path, at: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            ..Diagnostic::new(rule, file, at, message)
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.file.display(),
            self.line,
            self.column,
            self.severity,
            self.rule,
            self.message
        )
    }
}

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Position {
    /// The first character of a file.
    pub const START: Position = Position { line: 1, column: 1 };

    /// A position from 1-based line and column.
    pub fn new(line: usize, column: usize) -> Self {
        Position { line, column }
    }

    /// The position of byte `offset` in `text`, as line and character column.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }

    /// This position moved down by `lines` lines (for text that starts part-way into a file).
    pub fn below(self, lines: usize) -> Self {
        Position {
            line: self.line + lines,
            column: self.column,
        }
    }
}

/// The problems of one run, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Records an error at `at` in `file`.
    pub fn error(&mut self, rule: Rule, file: &Path, at: Position, message: impl Into<String>) {
        self.push(Diagnostic::error(rule, file, at, message));
    }

    /// Takes over the problems of another collection.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The problems sorted by file (numbers in names by value, so
    /// `controls/8.4.md` comes before `controls/8.34.md`), then position,
    /// without exact repeats.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            natural(&a.file.to_string_lossy(), &b.file.to_string_lossy())
                .then_with(|| (a.line, a.column).cmp(&(b.line, b.column)))
                .then_with(|| natural(&a.message, &b.message))
        });
        self.items.dedup();
        self.items
    }

    /// The problems in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

/// Compares text with runs of digits compared by their value: `8.4` <
/// `8.34`, `a2` < `a10`.
pub fn natural(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        match (a.chars().next(), b.chars().next()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (na, nb) = (digits(a), digits(b));
                let (ta, tb) = (
                    a[..na].trim_start_matches('0'),
                    b[..nb].trim_start_matches('0'),
                );
                let order = ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb));
                if order.is_ne() {
                    return order;
                }
                (a, b) = (&a[na..], &b[nb..]);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(&y);
                }
                (a, b) = (&a[x.len_utf8()..], &b[y.len_utf8()..]);
            }
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let text = "ab\nçd\nef";
        assert_eq!(Position::of_offset(text, 0), Position::new(1, 1));
        assert_eq!(Position::of_offset(text, 3), Position::new(2, 1));
        // 'ç' is two bytes: 'd' is the second character.
        assert_eq!(Position::of_offset(text, 5), Position::new(2, 2));
        assert_eq!(Position::of_offset(text, 100), Position::new(3, 3));
    }

    #[test]
    fn numbers_in_file_names_sort_by_value() {
        let mut names = [
            "controls/8.34.md",
            "controls/8.4.md",
            "controls/5.10.md",
            "controls/5.9.md",
            "b.md",
            "a10.md",
            "a2.md",
        ];
        names.sort_by(|a, b| natural(a, b));
        assert_eq!(
            names,
            [
                "a2.md",
                "a10.md",
                "b.md",
                "controls/5.9.md",
                "controls/5.10.md",
                "controls/8.4.md",
                "controls/8.34.md"
            ]
        );
    }

    #[test]
    fn displays_as_path_line_column() {
        let d = Diagnostic::error(
            Rule::UnknownRole,
            Path::new("content/policies/a.md"),
            Position::new(3, 7),
            "bad",
        );
        assert_eq!(
            d.to_string(),
            "content/policies/a.md:3:7: error[unknown-role]: bad"
        );
    }

    #[test]
    fn rule_names_are_unique_and_found_by_name() {
        let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
        assert_eq!(Rule::named("review-overdue"), Some(Rule::ReviewOverdue));
        assert!(Rule::ReviewOverdue.is_lint());
        assert!(!Rule::BrokenLink.is_lint());
        assert_eq!(Rule::named("nope"), None);
    }
}
