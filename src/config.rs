//! `book.toml`: the handbook's settings.
//!
//! Every table rejects keys it does not know, so a typo is an error that
//! names the key instead of a setting silently ignored.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::history::Since;
use crate::diagnostics::{Diagnostic, Position, Rule, Severity, suggest};
use crate::fs::{self, FsError};

/// The name of the settings file at the root of a handbook.
pub const FILE_NAME: &str = "book.toml";

/// Why `book.toml` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// There is no `book.toml` in the folder.
    #[error(
        "no {FILE_NAME} in {}: run ismsbook in a handbook folder or give its path",
        .0.display()
    )]
    NotFound(PathBuf),
    /// It could not be read.
    #[error(transparent)]
    Io(#[from] FsError),
    /// It was read but is not valid: every problem found in it.
    #[error("{} problem{} in {FILE_NAME}", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Invalid(Vec<Diagnostic>),
}

/// The settings of one handbook, with paths resolved against its folder.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder that holds `book.toml`, as given on the command line.
    pub root: PathBuf,
    /// `[book]`
    pub book: Book,
    /// `[build]`
    pub build: Build,
    /// `[output.html]`
    pub html: Html,
    /// `[iso27002]`
    pub iso27002: Iso27002,
    /// `[check]`
    pub check: Check,
    /// `[risk]`: the risk criteria.
    pub risk: crate::risk::Criteria,
    /// `[audit]`: the last audit, for the changes since.
    pub audit: Audit,
}

/// `[audit]`: where the period of `changes.html` starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    /// The tag, branch, commit or date of the last audit: `since` in
    /// `book.toml`, or `--since`, which wins.
    pub since: Option<Since>,
    /// Where it was given: `since` in `book.toml` (its position), or the
    /// command line (None).
    pub at: Option<Position>,
}

impl Audit {
    /// What to tell a reader of where `since` was given.
    pub fn origin(&self) -> &'static str {
        match self.at {
            Some(_) => "[audit] since in book.toml",
            None => "--since",
        }
    }
}

/// `[audit]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditFile {
    since: Option<toml::Spanned<String>>,
}

/// `[check]`: which lints `build` and `check` report, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// A policy whose review is due within this many days gets a
    /// `review-due` warning and a "due soon" badge (default 30).
    pub review_warning_days: i32,
    /// Lints not reported at all.
    pub allow: Vec<Rule>,
    /// Lints reported as errors.
    pub deny: Vec<Rule>,
}

impl Default for Check {
    fn default() -> Self {
        Check {
            review_warning_days: 30,
            allow: Vec::new(),
            deny: Vec::new(),
        }
    }
}

impl Check {
    /// How a problem under `rule` is reported; None when it is allowed.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        if !rule.is_lint() {
            return Some(Severity::Error);
        }
        if self.allow.contains(&rule) {
            None
        } else if self.deny.contains(&rule) {
            Some(Severity::Error)
        } else {
            Some(Severity::Warning)
        }
    }
}

/// `[check]` as written: rule names not yet looked up.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct CheckFile {
    #[serde(default = "default_review_warning_days")]
    review_warning_days: u16,
    #[serde(default)]
    #[allow(dead_code)] // read again, leniently, by `Values`
    allow: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    deny: Vec<String>,
}

/// The values of `book.toml` that are checked beyond their type, read
/// without the rest, so that they are checked whatever else is wrong.
#[derive(Default, Deserialize)]
struct Values {
    #[serde(default)]
    iso27002: IsoValues,
    #[serde(default)]
    check: CheckValues,
}

#[derive(Default, Deserialize)]
struct IsoValues {
    url: Option<String>,
}

#[derive(Default, Deserialize)]
struct CheckValues {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
}

fn default_review_warning_days() -> u16 {
    30
}

/// `[book]`: what the handbook is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Book {
    /// The handbook's title, shown in every page header.
    pub title: String,
    /// The organisation whose ISMS this is (`organisation` is read too).
    #[serde(alias = "organisation")]
    pub organization: String,
    /// Language of the content, as a BCP 47 tag (`lang` attribute).
    #[serde(default = "default_language")]
    pub language: String,
    /// Content folder, relative to `book.toml`.
    #[serde(default = "default_src")]
    pub src: PathBuf,
}

/// `[build]`: where the site goes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Build {
    /// Output folder, relative to `book.toml`.
    #[serde(default = "default_build_dir")]
    pub build_dir: PathBuf,
}

/// `[output.html]`: how the site looks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Html {
    /// Theme folder, relative to `book.toml`; unset means `themes/default`
    /// when that folder exists, else the theme built into the binary.
    pub theme: Option<PathBuf>,
    /// Where the site is published (e.g. `/isms/`): lets the 404 page link
    /// back into the handbook from any depth. Unset: links relative to the root.
    pub site_url: Option<String>,
    /// Build the search index and show the search box (default true).
    #[serde(default = "yes")]
    pub search: bool,
    /// Keep raw HTML in Markdown as written instead of sanitising it
    /// (default false: scripts, event handlers and iframes are removed).
    #[serde(default)]
    pub allow_raw_html: bool,
    /// Write `print.html`, the whole handbook on one page (default true).
    #[serde(default = "yes")]
    pub print: bool,
    /// The paper `print.html` is laid out for (default A4).
    #[serde(default)]
    pub print_paper: Paper,
    /// Stylesheets, relative to `book.toml`, linked after the theme's own
    /// on every page: small changes without copying the theme.
    #[serde(default)]
    pub additional_css: Vec<PathBuf>,
}

fn yes() -> bool {
    true
}

/// A paper size for `print.html`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// Its name in CSS (`@page { size: … }`).
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

/// `[iso27002]`: the organisation's licensed copy of ISO/IEC 27002.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Iso27002 {
    /// A URL with `{id}` where the control id goes, e.g.
    /// `https://intranet.example/iso27002/{id}`.
    pub url: Option<String>,
}

impl Iso27002 {
    /// The link to one control's clause in the licensed copy, if configured.
    pub fn link(&self, id: &str) -> Option<String> {
        self.url.as_ref().map(|u| u.replace("{id}", id))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    book: Book,
    #[serde(default)]
    build: Option<Build>,
    #[serde(default)]
    output: Output,
    #[serde(default)]
    iso27002: Iso27002,
    #[serde(default)]
    check: Option<CheckFile>,
    #[serde(default)]
    risk: Option<crate::risk::CriteriaFile>,
    #[serde(default)]
    audit: Option<AuditFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Output {
    #[serde(default = "default_html")]
    html: Html,
}

impl Default for Output {
    fn default() -> Self {
        Output {
            html: default_html(),
        }
    }
}

fn default_html() -> Html {
    Html {
        theme: None,
        site_url: None,
        search: true,
        allow_raw_html: false,
        print: true,
        print_paper: Paper::A4,
        additional_css: Vec::new(),
    }
}

fn default_language() -> String {
    "en".to_owned()
}
fn default_src() -> PathBuf {
    PathBuf::from("content")
}
fn default_build_dir() -> PathBuf {
    PathBuf::from("book")
}

impl Config {
    /// Reads `book.toml` from the handbook folder `root`.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(FILE_NAME);
        if !path.is_file() {
            return Err(ConfigError::NotFound(root.to_path_buf()));
        }
        let bytes = fs::read(&path)?;
        let text = String::from_utf8_lossy(&bytes);
        let config = Self::parse(root, &text).map_err(ConfigError::Invalid)?;
        let outside = paths_outside(&config, &text);
        match outside.is_empty() {
            true => Ok(config),
            false => Err(ConfigError::Invalid(outside)),
        }
    }

    /// Parses the text of `book.toml`; `root` is the folder it belongs to.
    /// Every problem is reported, not only the first.
    pub fn parse(root: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let path = under(root, Path::new(FILE_NAME));
        let error =
            |at: Position, message: String| Diagnostic::error(Rule::Config, &path, at, message);
        let file = read_toml::<File>(text);
        let mut problems: Vec<Diagnostic> = match &file {
            Ok(_) => Vec::new(),
            Err(found) => found
                .iter()
                .map(|(span, message)| {
                    let at = span
                        .as_ref()
                        .map_or(Position::START, |s| Position::of_offset(text, s.start));
                    error(at, message.clone())
                })
                .collect(),
        };
        // The values checked beyond their type, read leniently so that they
        // are checked in the same run as a misspelt key elsewhere.
        let values: Values = toml::from_str(text).unwrap_or_default();
        if let Some(url) = &values.iso27002.url
            && !url.contains("{id}")
        {
            let at = text
                .find(url.as_str())
                .map_or(Position::START, |o| Position::of_offset(text, o));
            problems.push(error(
                at,
                "[iso27002] url must contain `{id}`, where the control id goes".to_owned(),
            ));
        }
        let (allow, deny) = check_rules(&values.check, text, &path, &mut problems);
        let mut file = file;
        let risk = match file.as_mut().ok().and_then(|f| f.risk.take()) {
            Some(r) => r
                .build(text, &path)
                .map_err(|found| problems.extend(found))
                .ok(),
            None => Some(crate::risk::Criteria::default()),
        };
        let audit = match file.as_mut().ok().and_then(|f| f.audit.take()) {
            Some(AuditFile { since: Some(since) }) => {
                let at = Position::of_offset(text, since.span().start);
                match Since::parse(since.get_ref()) {
                    Ok(parsed) => Audit {
                        since: Some(parsed),
                        at: Some(at),
                    },
                    Err(why) => {
                        problems.push(error(at, format!("[audit] since: {why}")));
                        Audit::default()
                    }
                }
            }
            _ => Audit::default(),
        };
        let file = match file {
            Ok(file) if problems.is_empty() => file,
            _ => {
                problems.sort_by_key(|d| (d.line, d.column));
                return Err(problems);
            }
        };
        let check = Check {
            review_warning_days: file
                .check
                .map_or(Check::default().review_warning_days, |c| {
                    i32::from(c.review_warning_days)
                }),
            allow,
            deny,
        };
        let risk = risk.unwrap_or_default();
        Ok(Config {
            root: root.to_path_buf(),
            book: file.book,
            build: file.build.unwrap_or_else(|| Build {
                build_dir: default_build_dir(),
            }),
            html: file.output.html,
            iso27002: file.iso27002,
            check,
            risk,
            audit,
        })
    }

    /// This configuration with `since` from the command line, which wins
    /// over `[audit] since`.
    pub fn with_since(mut self, since: Option<Since>) -> Config {
        if since.is_some() {
            self.audit = Audit { since, at: None };
        }
        self
    }

    /// The path of `book.toml`.
    pub fn file(&self) -> PathBuf {
        self.path(Path::new(FILE_NAME))
    }

    /// The content folder.
    pub fn src_dir(&self) -> PathBuf {
        self.path(&self.book.src)
    }

    /// The default output folder.
    pub fn build_dir(&self) -> PathBuf {
        self.path(&self.build.build_dir)
    }

    /// `rel` in the handbook folder; without a leading `./` when that is
    /// the working directory, so messages show `content/…`.
    pub fn path(&self, rel: &Path) -> PathBuf {
        under(&self.root, rel)
    }
}

/// The handbook folder for a command run in `dir`: `dir` itself when it
/// holds `book.toml`, else the nearest parent folder that does (as cargo
/// finds `Cargo.toml`), so a writer can run it from `content/policies/`.
/// The parent is written as `..`, `../..`, so paths in messages stay
/// relative to where the command was run. Without any, `dir`, whose
/// missing `book.toml` is then reported.
pub fn find_root(dir: &Path) -> PathBuf {
    if dir.join(FILE_NAME).is_file() {
        return dir.to_path_buf();
    }
    let Ok(absolute) = std::fs::canonicalize(dir) else {
        return dir.to_path_buf();
    };
    let Some(found) = absolute
        .ancestors()
        .skip(1)
        .find(|a| a.join(FILE_NAME).is_file())
    else {
        return dir.to_path_buf();
    };
    // As short as it can be written from the working folder.
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize);
    match cwd {
        Ok(cwd) if found.starts_with(&cwd) => match found.strip_prefix(&cwd) {
            Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
            Ok(rel) => rel.to_path_buf(),
            Err(_) => found.to_path_buf(),
        },
        Ok(cwd) if cwd.starts_with(found) => {
            let depth = cwd.components().count() - found.components().count();
            (0..depth).map(|_| "..").collect()
        }
        _ => found.to_path_buf(),
    }
}

/// `rel` in `root`, without a leading `./`.
fn under(root: &Path, rel: &Path) -> PathBuf {
    if root == Path::new(".") {
        rel.to_path_buf()
    } else {
        root.join(rel)
    }
}

/// A problem in a TOML document: where (a byte span), and what.
type TomlProblem = (Option<std::ops::Range<usize>>, String);

/// Reads TOML into `T`, with every problem and where it is (a byte span).
///
/// The document is read whole first. If that fails, each setting is read
/// on its own (a document holding only that key, in its tables), so that a
/// misspelt key does not hide the next problem; a key that serde does not
/// know gets the one it probably meant.
fn read_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Vec<TomlProblem>> {
    use serde::de::IntoDeserializer;
    use toml::de::{DeTable, DeValue};
    type Problem = TomlProblem;

    let explain = |e: toml::de::Error| -> Problem {
        let message = e.message().trim_end().to_owned();
        let message = match suggest::UnknownField::parse(&message) {
            Some(unknown) => unknown.explain("this table"),
            None => message,
        };
        (e.span(), message)
    };
    let root = DeTable::parse(text).map_err(|e| vec![explain(e)])?;
    let whole = match T::deserialize(root.clone().into_deserializer()) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    // A document with only the entry at the end of `path` in it.
    fn alone<'i>(path: &[(&Spanned<DeString<'i>>, &Spanned<DeValue<'i>>)]) -> DeTable<'i> {
        let mut table = DeTable::new();
        if let Some(((key, value), rest)) = path.split_first() {
            let value = if rest.is_empty() {
                (*value).clone()
            } else {
                toml::Spanned::new(value.span(), DeValue::Table(alone(rest)))
            };
            table.insert((*key).clone(), value);
        }
        table
    }
    use toml::Spanned;
    use toml::de::DeString;
    let mut problems: Vec<Problem> = Vec::new();
    let mut stack: Vec<Vec<(&Spanned<DeString<'_>>, &Spanned<DeValue<'_>>)>> =
        root.get_ref().iter().map(|entry| vec![entry]).collect();
    stack.reverse();
    while let Some(path) = stack.pop() {
        let doc = Spanned::new(root.span(), alone(&path));
        let Err(e) = T::deserialize(doc.into_deserializer()) else {
            continue;
        };
        if suggest::missing_field(e.message()).is_some() {
            continue;
        }
        // A table with a problem inside: look at its entries one by one.
        if let Some((_, value)) = path.last()
            && let DeValue::Table(table) = value.get_ref()
            && !table.is_empty()
            && !e.message().starts_with("unknown field")
        {
            let mut inner: Vec<_> = table
                .iter()
                .map(|entry| {
                    let mut deeper = path.clone();
                    deeper.push(entry);
                    deeper
                })
                .collect();
            inner.reverse();
            stack.extend(inner);
            continue;
        }
        problems.push(explain(e));
    }
    // A missing key is only found reading the whole (when it is the first problem).
    if problems.is_empty() || suggest::missing_field(whole.message()).is_some() {
        problems.push(explain(whole));
    }
    problems.sort_by_key(|(span, _)| span.as_ref().map(|s| s.start));
    Err(problems)
}

/// The paths `book.toml` names, each with the key it is written under.
fn written_paths(config: &Config) -> Vec<(&'static str, &Path)> {
    let mut paths = vec![
        ("[book] src", config.book.src.as_path()),
        ("[build] build-dir", config.build.build_dir.as_path()),
    ];
    match &config.html.theme {
        Some(theme) => paths.push(("[output.html] theme", theme)),
        // The theme folder used when none is set, if there is one.
        None => paths.push(("[output.html] theme", Path::new(crate::theme::DEFAULT_DIR))),
    }
    for css in &config.html.additional_css {
        paths.push(("[output.html] additional-css", css));
    }
    paths
}

/// Every path in `book.toml` that leads out of the handbook folder, as
/// written (absolute, or climbing with `..`) or through a symbolic link:
/// nothing outside the handbook is read into the site, and the build
/// writes only inside it (`build -d` may go anywhere).
pub fn paths_outside(config: &Config, text: &str) -> Vec<Diagnostic> {
    let real_root = std::fs::canonicalize(&config.root).ok();
    let mut problems = Vec::new();
    for (key, written) in written_paths(config) {
        let climbs = written.components().try_fold(0usize, |depth, c| match c {
            std::path::Component::Normal(_) => Some(depth + 1),
            std::path::Component::CurDir => Some(depth),
            std::path::Component::ParentDir => depth.checked_sub(1),
            std::path::Component::RootDir | std::path::Component::Prefix(_) => None,
        });
        let outside = climbs.is_none()
            || real_root.as_ref().is_some_and(|root| {
                existing_ancestor(&config.root.join(written))
                    .and_then(|p| std::fs::canonicalize(p).ok())
                    .is_some_and(|real| !real.starts_with(root))
            });
        if outside {
            let shown = written.to_string_lossy();
            let at = text
                .find(shown.as_ref())
                .map_or(Position::START, |o| Position::of_offset(text, o));
            let fix = match key {
                "[build] build-dir" => "to build elsewhere, give `ismsbook build -d DIR`",
                _ => "copy it into the handbook folder",
            };
            problems.push(Diagnostic::error(
                Rule::Config,
                &config.file(),
                at,
                format!("{key}: `{shown}` is outside the handbook folder; {fix}"),
            ));
        }
    }
    problems
}

/// `path` if it exists, else its nearest ancestor that does.
fn existing_ancestor(path: &Path) -> Option<&Path> {
    path.ancestors()
        .find(|p| !p.as_os_str().is_empty() && std::fs::symlink_metadata(p).is_ok())
}

/// Looks up the rule names of `[check]`: each must be a lint, named once.
/// Problems are added to `problems`; returns the rules allowed and denied.
fn check_rules(
    c: &CheckValues,
    text: &str,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<Rule>, Vec<Rule>) {
    let at = |name: &str| {
        // The name as written in a list (quoted), after the [check] header.
        let from = text.find("[check]").unwrap_or(0);
        text[from..]
            .find(&format!("\"{name}\""))
            .or_else(|| text[from..].find(&format!("'{name}'")))
            .map_or(Position::START, |o| Position::of_offset(text, from + o + 1))
    };
    let mut lookup = |names: &[String], list: &str| -> Vec<Rule> {
        let mut found = Vec::new();
        for name in names {
            match Rule::named(name) {
                Some(rule) if rule.is_lint() => found.push(rule),
                Some(rule) => problems.push(Diagnostic::error(
                    Rule::Config,
                    path,
                    at(name),
                    format!(
                        "[check] {list}: `{rule}` is an error, not a lint: it cannot be changed"
                    ),
                )),
                None => {
                    let lints = Rule::ALL.iter().filter(|r| r.is_lint()).map(|r| r.name());
                    let message = match suggest::nearest(name, lints.clone()) {
                        Some(near) => format!(
                            "[check] {list}: no lint is called `{name}`; did you mean `{near}`?"
                        ),
                        None => format!(
                            "[check] {list}: no lint is called `{name}` (the lints: {})",
                            lints.collect::<Vec<_>>().join(", ")
                        ),
                    };
                    problems.push(Diagnostic::error(Rule::Config, path, at(name), message));
                }
            }
        }
        found
    };
    let allow = lookup(&c.allow, "allow");
    let deny = lookup(&c.deny, "deny");
    if let Some(both) = allow.iter().find(|r| deny.contains(r)) {
        problems.push(Diagnostic::error(
            Rule::Config,
            path,
            at(both.name()),
            format!("[check]: `{both}` is both allowed and denied"),
        ));
    }
    (allow, deny)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostic> {
        Config::parse(Path::new("hb"), text).map_err(|mut all| all.remove(0))
    }

    /// Every problem of `text` as `line:column message`.
    fn problems(text: &str) -> Vec<String> {
        Config::parse(Path::new("hb"), text)
            .unwrap_err()
            .into_iter()
            .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn every_problem_is_reported_in_one_run() {
        assert_eq!(
            problems(
                "[book]\ntitle = \"T\"\norganization = \"O\"\nlanguge = \"en\"\n\
                 [build]\nbuild_dir = \"out\"\n\
                 [output.html]\nsearch = \"yes\"\n\
                 [check]\nallow = [\"review-overdu\"]\n"
            ),
            [
                "4:1 unknown field `languge`: did you mean `language`?",
                "6:1 unknown field `build_dir`: did you mean `build-dir`?",
                "8:10 invalid type: string \"yes\", expected a boolean",
                "10:11 [check] allow: no lint is called `review-overdu`; did you mean `review-overdue`?",
            ]
        );
    }

    #[test]
    fn organisation_is_read_as_organization() {
        let c = parse("[book]\ntitle = \"T\"\norganisation = \"O\"\n").unwrap();
        assert_eq!(c.book.organization, "O");
    }

    #[test]
    fn defaults_fill_optional_keys() {
        let c = parse("[book]\ntitle = \"T\"\norganization = \"O\"\n").unwrap();
        assert_eq!(c.book.language, "en");
        assert_eq!(c.src_dir(), Path::new("hb/content"));
        assert_eq!(c.build_dir(), Path::new("hb/book"));
        assert!(c.html.theme.is_none());
        assert!(c.html.search);
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let e = parse("[book]\ntitle = \"T\"\norganization = \"O\"\ntitel = \"x\"\n").unwrap_err();
        assert_eq!(e.message, "unknown field `titel`: did you mean `title`?");
        assert_eq!(e.line, 4);
    }

    #[test]
    fn missing_title_is_an_error() {
        let e = parse("[book]\norganization = \"O\"\n").unwrap_err();
        assert!(e.message.contains("missing field `title`"), "{}", e.message);
    }

    #[test]
    fn iso27002_url_needs_placeholder() {
        let e = parse(
            "[book]\ntitle = \"T\"\norganization = \"O\"\n[iso27002]\nurl = \"https://x.example/\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 5);
        let c = parse(
            "[book]\ntitle = \"T\"\norganization = \"O\"\n[iso27002]\nurl = \"https://x.example/{id}\"\n",
        )
        .unwrap();
        assert_eq!(
            c.iso27002.link("5.15").as_deref(),
            Some("https://x.example/5.15")
        );
    }
}
