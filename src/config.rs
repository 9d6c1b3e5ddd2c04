//! `book.toml`: the handbook's settings.
//!
//! Every table rejects keys it does not know, so a typo is an error that
//! names the key instead of a setting silently ignored.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Position, Rule, Severity};
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
    /// It was read but is not valid.
    #[error("{0}")]
    Invalid(Diagnostic),
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
    /// The organisation whose ISMS this is.
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
    /// Stylesheets, relative to `book.toml`, linked after the theme's own
    /// on every page: small changes without copying the theme.
    #[serde(default)]
    pub additional_css: Vec<PathBuf>,
}

fn yes() -> bool {
    true
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
        Self::parse(root, &text).map_err(ConfigError::Invalid)
    }

    /// Parses the text of `book.toml`; `root` is the folder it belongs to.
    pub fn parse(root: &Path, text: &str) -> Result<Config, Diagnostic> {
        let path = under(root, Path::new(FILE_NAME));
        let file: File = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map_or(Position::START, |s| Position::of_offset(text, s.start));
            Diagnostic::error(Rule::Config, &path, at, e.message().trim_end())
        })?;
        if let Some(url) = &file.iso27002.url
            && !url.contains("{id}")
        {
            let at = text
                .find(url.as_str())
                .map_or(Position::START, |o| Position::of_offset(text, o));
            return Err(Diagnostic::error(
                Rule::Config,
                &path,
                at,
                "[iso27002] url must contain `{id}`, where the control id goes",
            ));
        }
        let check = match file.check {
            Some(c) => check_rules(c, text, &path)?,
            None => Check::default(),
        };
        let risk = match file.risk {
            Some(r) => r.build(text, &path)?,
            None => crate::risk::Criteria::default(),
        };
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
        })
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

/// `rel` in `root`, without a leading `./`.
fn under(root: &Path, rel: &Path) -> PathBuf {
    if root == Path::new(".") {
        rel.to_path_buf()
    } else {
        root.join(rel)
    }
}

/// Looks up the rule names of `[check]`: each must be a lint, named once.
fn check_rules(c: CheckFile, text: &str, path: &Path) -> Result<Check, Diagnostic> {
    let at = |name: &str| {
        // The name as written in a list (quoted), after the [check] header.
        let from = text.find("[check]").unwrap_or(0);
        text[from..]
            .find(&format!("\"{name}\""))
            .or_else(|| text[from..].find(&format!("'{name}'")))
            .map_or(Position::START, |o| Position::of_offset(text, from + o + 1))
    };
    let lookup = |names: &[String], list: &str| -> Result<Vec<Rule>, Diagnostic> {
        names
            .iter()
            .map(|name| match Rule::named(name) {
                Some(rule) if rule.is_lint() => Ok(rule),
                Some(rule) => Err(Diagnostic::error(
                    Rule::Config,
                    path,
                    at(name),
                    format!(
                        "[check] {list}: `{rule}` is an error, not a lint: it cannot be changed"
                    ),
                )),
                None => {
                    let lints = Rule::ALL.iter().filter(|r| r.is_lint());
                    let near = lints
                        .clone()
                        .map(|r| (strsim::jaro_winkler(name, r.name()), r.name()))
                        .filter(|(score, _)| *score > 0.8)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, n)| format!("; did you mean `{n}`?"));
                    let all: Vec<&str> = lints.map(|r| r.name()).collect();
                    Err(Diagnostic::error(
                        Rule::Config,
                        path,
                        at(name),
                        format!(
                            "[check] {list}: no lint is called `{name}`{}",
                            near.unwrap_or_else(|| format!(" (the lints: {})", all.join(", ")))
                        ),
                    ))
                }
            })
            .collect()
    };
    let allow = lookup(&c.allow, "allow")?;
    let deny = lookup(&c.deny, "deny")?;
    if let Some(both) = allow.iter().find(|r| deny.contains(r)) {
        return Err(Diagnostic::error(
            Rule::Config,
            path,
            at(both.name()),
            format!("[check]: `{both}` is both allowed and denied"),
        ));
    }
    Ok(Check {
        review_warning_days: i32::from(c.review_warning_days),
        allow,
        deny,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostic> {
        Config::parse(Path::new("hb"), text)
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
        assert!(e.message.contains("unknown field `titel`"), "{}", e.message);
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
