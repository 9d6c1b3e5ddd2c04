//! What a changed path means for the rebuild.
//!
//! A pure function of the path, so it is tested with a table (as Zola does).

use std::path::{Path, PathBuf};

/// What kind of change a path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `book.toml`: reload the configuration and rebuild everything.
    Config,
    /// A theme file: recompile templates and re-render every page.
    Theme,
    /// A content file (`/`-separated path in the content folder).
    Content(String),
}

/// The folders that serve watches and how their paths are read.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The handbook folder (holds `book.toml`).
    pub root: PathBuf,
    /// The content folder.
    pub src: PathBuf,
    /// The theme folder, if the handbook has one.
    pub theme: Option<PathBuf>,
}

/// Editors' temporary and backup files, which never count as content.
fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913" // vim's write test
}

/// Classifies one changed path; None when it does not affect the site.
pub fn classify(layout: &Layout, path: &Path) -> Option<Change> {
    let name = path.file_name()?.to_str()?;
    if is_scratch(name) {
        return None;
    }
    if path == layout.root.join(crate::config::FILE_NAME) {
        return Some(Change::Config);
    }
    if let Some(theme) = &layout.theme
        && path.starts_with(theme)
    {
        return Some(Change::Theme);
    }
    let rel = path.strip_prefix(&layout.src).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    let parts = parts?;
    if parts.is_empty() || parts.iter().any(|p| p.starts_with('.')) {
        return None;
    }
    Some(Change::Content(parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sorted_by_what_they_change() {
        let layout = Layout {
            root: PathBuf::from("/hb"),
            src: PathBuf::from("/hb/content"),
            theme: Some(PathBuf::from("/hb/themes/default")),
        };
        let content = |p: &str| Some(Change::Content(p.to_owned()));
        let table: &[(&str, Option<Change>)] = &[
            ("/hb/book.toml", Some(Change::Config)),
            (
                "/hb/themes/default/templates/page.html",
                Some(Change::Theme),
            ),
            ("/hb/themes/default/static/style.css", Some(Change::Theme)),
            (
                "/hb/content/policies/backup.md",
                content("policies/backup.md"),
            ),
            ("/hb/content/procedures", content("procedures")),
            ("/hb/content/img/flow.png", content("img/flow.png")),
            ("/hb/content/policies/.backup.md.swp", None),
            ("/hb/content/policies/backup.md~", None),
            ("/hb/content/policies/4913", None),
            ("/hb/content/.git/index", None),
            ("/hb/book/index.html", None),
            ("/hb/README.md", None),
            ("/elsewhere/book.toml", None),
        ];
        for (path, expected) in table {
            assert_eq!(&classify(&layout, Path::new(path)), expected, "{path}");
        }
    }
}
