//! Themes: the Tera templates and static files that give the site its look.
//!
//! The default theme is compiled into the binary. A handbook may point
//! `[output.html] theme` at a folder of its own with `templates/` and
//! `static/`; whatever that folder lacks falls back to the built-in file of
//! the same name, so a theme can change one template or one stylesheet.
//! Templates are compiled once per build; their errors name the template
//! file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Position, Rule};
use crate::fs;

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The folder a handbook's default theme lives in, when it has one.
pub const DEFAULT_DIR: &str = "themes/default";

/// The templates every theme provides (built-in ones fill any gap).
pub const PAGE_TEMPLATES: [&str; 13] = [
    "index.html",
    "policy.html",
    "policies.html",
    "control.html",
    "controls.html",
    "guidance.html",
    "guidance-index.html",
    "soa.html",
    "role.html",
    "roles.html",
    "page.html",
    "contents.html",
    "404.html",
];

/// Where a theme file comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Compiled into the binary.
    BuiltIn(&'static [u8]),
    /// A file in the handbook's theme folder.
    Disk(PathBuf),
}

/// A static file to copy into the site's `static/` folder.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Path inside `static/`, `/`-separated.
    pub rel: String,
    /// Where its bytes are.
    pub origin: Origin,
}

/// A loaded theme: compiled templates and the static files to copy.
pub struct Theme {
    /// The compiled templates.
    pub tera: tera::Tera,
    /// Static files, by path.
    pub statics: Vec<StaticFile>,
    /// Links (from the site root) to the `additional-css` stylesheets,
    /// linked after the theme's.
    pub additional_css: Vec<String>,
    /// Template name → the path to show in errors.
    paths: BTreeMap<String, PathBuf>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("templates", &self.paths.keys())
            .field("statics", &self.statics.len())
            .finish()
    }
}

/// The theme folder a handbook uses, if not the built-in theme alone.
pub fn folder(config: &Config) -> Option<PathBuf> {
    match &config.html.theme {
        Some(dir) => Some(config.path(dir)),
        None => Some(config.path(Path::new(DEFAULT_DIR))).filter(|d| d.is_dir()),
    }
}

/// Every file of the built-in theme (`templates/…` and `static/…`), as
/// `/`-separated paths inside the theme folder and their bytes, sorted by path.
pub fn built_in_files() -> Vec<(String, &'static [u8])> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static [u8])>) {
        for file in dir.files() {
            let rel = file.path().to_string_lossy().replace('\\', "/");
            out.push((rel, file.contents()));
        }
        for sub in dir.dirs() {
            walk(sub, out);
        }
    }
    let mut files = Vec::new();
    walk(&BUILT_IN, &mut files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

impl Theme {
    /// Loads the theme of `config`, reporting problems in `diagnostics`.
    pub fn load(config: &Config, diagnostics: &mut Diagnostics) -> Option<Theme> {
        let folder = folder(config);
        if let (Some(dir), Some(written)) = (&folder, &config.html.theme)
            && !dir.is_dir()
        {
            let at = locate_in_config(config, &written.to_string_lossy());
            diagnostics.error(
                Rule::Config,
                &config.file(),
                at,
                format!("theme folder {} does not exist", dir.display()),
            );
            return None;
        }
        let mut sources: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
        let mut statics: BTreeMap<String, Origin> = BTreeMap::new();
        collect_built_in(&BUILT_IN, &mut sources, &mut statics);
        if let Some(dir) = &folder {
            collect_folder(dir, &mut sources, &mut statics, diagnostics);
        }
        let additional_css = additional_css(config, &mut statics, diagnostics);
        let paths: BTreeMap<String, PathBuf> = sources
            .iter()
            .map(|(name, (_, path))| (name.clone(), path.clone()))
            .collect();
        let mut tera = tera::Tera::new();
        let compiled = tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, (text, _))| (name.as_str(), text.as_str())),
        );
        if let Err(e) = compiled {
            // Compile each template alone to report every broken one, not just the first.
            let mut found = false;
            for (name, (text, _)) in &sources {
                let mut alone = tera::Tera::new();
                if let Err(e) = alone.add_raw_template(name, text)
                    && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
                {
                    diagnostics.push(name_unclosed_tag(template_diagnostic(&paths, &e), text));
                    found = true;
                }
            }
            if !found {
                diagnostics.push(template_diagnostic(&paths, &e));
            }
            return None;
        }
        Some(Theme {
            tera,
            statics: statics
                .into_iter()
                .map(|(rel, origin)| StaticFile { rel, origin })
                .collect(),
            additional_css,
            paths,
        })
    }

    /// A diagnostic for a template error, at the template's file and line.
    pub fn diagnostic(&self, error: &tera::Error) -> Diagnostic {
        template_diagnostic(&self.paths, error)
    }
}

fn collect_built_in(
    dir: &'static Dir<'static>,
    sources: &mut BTreeMap<String, (String, PathBuf)>,
    statics: &mut BTreeMap<String, Origin>,
) {
    for file in dir.files() {
        let rel = file.path().to_string_lossy().replace('\\', "/");
        let shown = Path::new("(built-in theme)").join(file.path());
        if let Some(name) = rel.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(file.contents()).into_owned();
            sources.insert(name.to_owned(), (text, shown));
        } else if let Some(name) = rel.strip_prefix("static/") {
            statics.insert(name.to_owned(), Origin::BuiltIn(file.contents()));
        }
    }
    for sub in dir.dirs() {
        collect_built_in(sub, sources, statics);
    }
}

fn collect_folder(
    dir: &Path,
    sources: &mut BTreeMap<String, (String, PathBuf)>,
    statics: &mut BTreeMap<String, Origin>,
    diagnostics: &mut Diagnostics,
) {
    for (sub, is_template) in [("templates", true), ("static", false)] {
        let root = dir.join(sub);
        if !root.is_dir() {
            continue;
        }
        let real_root = std::fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
        // Hidden files (`.DS_Store`, `.git`) are not part of a theme.
        let mut walk = walkdir::WalkDir::new(&root)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        while let Some(entry) = walk.next() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().unwrap_or(&root).to_path_buf();
                    diagnostics.error(
                        Rule::Unreadable,
                        &path,
                        Position::START,
                        format!("cannot read: {e}"),
                    );
                    continue;
                }
            };
            // A symbolic link may point anywhere: only follow it inside the theme folder.
            if entry.path_is_symlink()
                && !std::fs::canonicalize(entry.path()).is_ok_and(|t| t.starts_with(&real_root))
            {
                diagnostics.error(
                    Rule::Unreadable,
                    entry.path(),
                    Position::START,
                    format!(
                        "this symbolic link points outside the theme's {sub} folder; copy the file in instead"
                    ),
                );
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&root) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let path = entry.path().to_path_buf();
            if !is_template {
                statics.insert(rel, Origin::Disk(path));
                continue;
            }
            match fs::read(&path).map(String::from_utf8) {
                Ok(Ok(text)) => {
                    sources.insert(rel, (text, path));
                }
                Ok(Err(_)) => diagnostics.error(
                    Rule::NotUtf8,
                    &path,
                    Position::START,
                    "template is not valid UTF-8",
                ),
                Err(e) => {
                    diagnostics.error(Rule::Unreadable, &path, Position::START, e.to_string())
                }
            }
        }
    }
}

fn template_diagnostic(paths: &BTreeMap<String, PathBuf>, error: &tera::Error) -> Diagnostic {
    let path_of = |name: &str| {
        paths
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    };
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            Diagnostic::error(
                Rule::Template,
                &path_of(report.filename()),
                Position::new(span.start_line.max(1), span.start_col + 1),
                format!("template error: {}", report.message()),
            )
        }
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            Rule::Template,
            &path_of(current),
            Position::START,
            format!("template error: it extends `{parent}`, which no template provides"),
        ),
        tera::ErrorKind::Msg(text) if text.contains("\n") => {
            // Reference checks (unknown template, filter, component...) come as
            // rendered reports: `error: <message>` then ` --> <name>:<line>:<col>`.
            reports_in(text)
                .into_iter()
                .next()
                .map(|(name, line, column, message)| {
                    Diagnostic::error(
                        Rule::Template,
                        &path_of(&name),
                        Position::new(line, column),
                        format!("template error: {message}"),
                    )
                })
                .unwrap_or_else(|| {
                    Diagnostic::error(
                        Rule::Template,
                        Path::new("(theme)"),
                        Position::START,
                        text.clone(),
                    )
                })
        }
        other => {
            let mut message = format!("template error: {other}");
            let mut source = std::error::Error::source(error);
            while let Some(s) = source {
                message.push_str(&format!(": {s}"));
                source = s.source();
            }
            Diagnostic::error(
                Rule::Template,
                Path::new("(theme)"),
                Position::START,
                message,
            )
        }
    }
}

/// Tags that open a section which an `end…` tag closes.
const SECTION_TAGS: &[&str] = &["block", "if", "for", "filter", "raw", "component", "macro"];

/// A syntax error at a closing tag or at the end of the template usually
/// means that a section opened earlier is not closed: Tera says "Unknown
/// tag" at the `{% endblock %}` after a forgotten `{% endif %}`. Name the
/// unclosed tag and its line instead.
fn name_unclosed_tag(d: Diagnostic, text: &str) -> Diagnostic {
    let unclosed = |top: &str, line: usize, before: Option<&str>| Diagnostic {
        message: match before {
            Some(tag) => format!(
                "template error: `{{% {top} %}}` opened on line {line} is not closed: add \
                 `{{% end{top} %}}` before this `{{% {tag} %}}`"
            ),
            None => format!(
                "template error: `{{% {top} %}}` opened on line {line} is not closed: add \
                 `{{% end{top} %}}`"
            ),
        },
        ..d.clone()
    };
    let mut open: Vec<(&str, usize)> = Vec::new();
    let mut offset = 0;
    while let Some(start) = text[offset..].find("{%").map(|i| offset + i) {
        let Some(end) = text[start..].find("%}").map(|i| start + i) else {
            break;
        };
        let inner = text[start + 2..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let name = inner.split_whitespace().next().unwrap_or("");
        let line = text[..start].matches('\n').count() + 1;
        if line >= d.line {
            // The tag the error is at: a closing tag for another section.
            return match (name.strip_prefix("end"), open.last()) {
                (Some(closed), Some(&(top, top_line))) if closed != top => {
                    unclosed(top, top_line, Some(name))
                }
                _ => d,
            };
        }
        match name.strip_prefix("end") {
            Some(closed) if open.last().is_some_and(|&(top, _)| top == closed) => {
                open.pop();
            }
            _ if SECTION_TAGS.contains(&name) => open.push((name, line)),
            _ => {}
        }
        offset = end + 2;
    }
    // The error is past the last tag: the template ended inside a section.
    match open.last() {
        Some(&(top, line)) => unclosed(top, line, None),
        None => d,
    }
}

/// The (template, line, column, message) of each report in a Tera message.
fn reports_in(text: &str) -> Vec<(String, usize, usize, String)> {
    let mut found = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(message) = line.trim_start().strip_prefix("error: ") else {
            continue;
        };
        let Some(place) = lines
            .peek()
            .and_then(|l| l.trim_start().strip_prefix("--> "))
        else {
            continue;
        };
        let mut parts = place.rsplitn(3, ':');
        let (Some(col), Some(line_no), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if let (Ok(l), Ok(c)) = (line_no.trim().parse(), col.trim().parse()) {
            found.push((name.to_owned(), l, c, message.to_owned()));
        }
    }
    found
}

/// Adds the `additional-css` files to the static files, under `extra/`;
/// returns their site paths.
fn additional_css(
    config: &Config,
    statics: &mut BTreeMap<String, Origin>,
    diagnostics: &mut Diagnostics,
) -> Vec<String> {
    let mut urls = Vec::new();
    for written in &config.html.additional_css {
        let path = config.path(written);
        let shown = written.to_string_lossy();
        let problem = match path.file_name().map(|n| n.to_string_lossy()) {
            _ if !path.is_file() => {
                Some(format!("additional-css: {} does not exist", path.display()))
            }
            None => Some(format!("additional-css: `{shown}` names no file")),
            Some(name) => {
                let rel = format!("{EXTRA_DIR}/{name}");
                match statics.entry(rel) {
                    std::collections::btree_map::Entry::Occupied(_) => Some(format!(
                        "additional-css: two files are called `{name}`; rename one"
                    )),
                    std::collections::btree_map::Entry::Vacant(slot) => {
                        urls.push(crate::handbook::urls::href(&format!(
                            "{}/{}",
                            crate::handbook::urls::STATIC_DIR,
                            slot.key()
                        )));
                        slot.insert(Origin::Disk(path.clone()));
                        None
                    }
                }
            }
        };
        if let Some(message) = problem {
            let at = locate_in_config(config, &shown);
            diagnostics.error(Rule::Config, &config.file(), at, message);
        }
    }
    urls
}

/// The folder of `static/` that holds the `additional-css` files.
const EXTRA_DIR: &str = "extra";

fn locate_in_config(config: &Config, needle: &str) -> Position {
    fs::read(&config.file())
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .and_then(|t| t.find(needle).map(|o| Position::of_offset(&t, o)))
        .unwrap_or(Position::START)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize) -> Diagnostic {
        Diagnostic::error(
            Rule::Template,
            Path::new("t.html"),
            Position::new(line, 1),
            "template error: Unknown tag",
        )
    }

    #[test]
    fn names_the_section_left_open() {
        let text =
            "{% block a %}\n{% if x %}\n<p>\n{% for i in y %}{% endfor %}\n{% endblock a %}\n";
        assert_eq!(
            name_unclosed_tag(at(5), text).message,
            "template error: `{% if %}` opened on line 2 is not closed: add `{% endif %}` before this `{% endblock %}`"
        );
        let balanced = "{% if x %}{% iff y %}{% endif %}";
        assert_eq!(
            name_unclosed_tag(at(1), balanced).message,
            "template error: Unknown tag"
        );
        let eof = "{% block a %}\n{% for i in y %}\n";
        assert!(
            name_unclosed_tag(at(3), eof)
                .message
                .contains("`{% for %}` opened on line 2")
        );
    }
}
