//! `book.toml`: the handbook's settings.
//!
//! Every table rejects keys it does not know, so a typo is an error that
//! names the key instead of a setting silently ignored.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Position};
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
        let path = root.join(FILE_NAME);
        let file: File = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map_or(Position::START, |s| Position::of_offset(text, s.start));
            Diagnostic::error(&path, at, e.message().trim_end())
        })?;
        if let Some(url) = &file.iso27002.url
            && !url.contains("{id}")
        {
            let at = text
                .find(url.as_str())
                .map_or(Position::START, |o| Position::of_offset(text, o));
            return Err(Diagnostic::error(
                &path,
                at,
                "[iso27002] url must contain `{id}`, where the control id goes",
            ));
        }
        Ok(Config {
            root: root.to_path_buf(),
            book: file.book,
            build: file.build.unwrap_or_else(|| Build {
                build_dir: default_build_dir(),
            }),
            html: file.output.html,
            iso27002: file.iso27002,
        })
    }

    /// The path of `book.toml`.
    pub fn file(&self) -> PathBuf {
        self.root.join(FILE_NAME)
    }

    /// The content folder.
    pub fn src_dir(&self) -> PathBuf {
        self.root.join(&self.book.src)
    }

    /// The default output folder.
    pub fn build_dir(&self) -> PathBuf {
        self.root.join(&self.build.build_dir)
    }
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
