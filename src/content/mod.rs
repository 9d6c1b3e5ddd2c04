//! Stage 1: load the content folder.
//!
//! Walks the content folder, reads every Markdown file in parallel, cuts off
//! its front matter and reads it into the typed fields of its kind. The kind
//! comes from the top folder: `policies/`, `controls/`, `roles/`, `guidance/`,
//! `risks/`; anything else is a plain page. Other files (images, PDFs) are assets,
//! copied to the site as they are. Problems are collected, not fatal.

pub mod frontmatter;
pub mod history;
pub mod meta;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Diagnostics, Position, Rule, suggest};
use crate::fs;
use meta::{ControlMeta, GuidanceMeta, PageMeta, PolicyMeta, RiskMeta, RoleMeta};

/// What a document is, from the folder it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `policies/*.md`
    Policy,
    /// `controls/<id>.md`: the statement for one Annex A control.
    Control,
    /// `roles/*.md`
    Role,
    /// `guidance/<id>.md`: the organisation's guidance for one control.
    Guidance,
    /// `risks/*.md`: one risk of the risk register.
    Risk,
    /// Any other `.md` file.
    Page,
}

impl Kind {
    /// Every kind, in the order messages list them.
    pub const ALL: &[Kind] = &[
        Kind::Policy,
        Kind::Control,
        Kind::Guidance,
        Kind::Role,
        Kind::Risk,
        Kind::Page,
    ];

    /// The kind of the document at `rel` (a `/`-separated path in the content folder).
    pub fn of(rel: &str) -> Kind {
        let top = rel.split_once('/').map(|(top, _)| top);
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.folder().is_some() && k.folder() == top)
            .unwrap_or(Kind::Page)
    }

    /// The top folder that holds this kind (None: plain pages, anywhere else).
    pub fn folder(self) -> Option<&'static str> {
        match self {
            Kind::Policy => Some("policies"),
            Kind::Control => Some("controls"),
            Kind::Role => Some("roles"),
            Kind::Guidance => Some("guidance"),
            Kind::Risk => Some("risks"),
            Kind::Page => None,
        }
    }

    /// One document of this kind, in messages ("a policy").
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Policy => "a policy",
            Kind::Control => "a control statement",
            Kind::Role => "a role",
            Kind::Guidance => "a guidance page",
            Kind::Risk => "a risk",
            Kind::Page => "a plain page",
        }
    }

    /// Documents of this kind, in messages ("policies").
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Policy => "policies",
            Kind::Control => "control statements",
            Kind::Role => "roles",
            Kind::Guidance => "ISO/IEC 27002 guidance",
            Kind::Risk => "risks",
            Kind::Page => "plain pages",
        }
    }

    /// The smallest front matter a document of this kind reads with, to
    /// copy into a file that has none. The title comes from the body's
    /// first heading, else from the file name.
    pub fn minimal_front_matter(self, rel: &str, body: &str) -> String {
        let title = body
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .map(|t| t.trim().to_owned())
            .unwrap_or_else(|| {
                let stem = stem(rel).replace(['-', '_'], " ");
                let mut chars = stem.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            });
        let title = if title.contains(": ")
            || title.starts_with(['"', '\'', '[', '{', '&', '*', '!', '|', '>', '%', '@', '`'])
        {
            format!("\"{}\"", title.replace('\\', "\\\\").replace('"', "\\\""))
        } else {
            title
        };
        let fields = match self {
            Kind::Policy => format!("title: {title}\nowner: ROLE-ID\n"),
            Kind::Role | Kind::Page => format!("title: {title}\n"),
            Kind::Control => "status: implemented\njustification: WHY IT APPLIES\n".to_owned(),
            Kind::Guidance => String::new(),
            Kind::Risk => format!(
                "title: {title}\nowner: ROLE-ID\nstatus: identified\nreviewed: YYYY-MM-DD\n"
            ),
        };
        format!(
            "{} starts with a block like this one:\n---\n{fields}---",
            self.noun()
        )
    }
}

/// The typed front matter of a document.
#[derive(Debug, Clone)]
pub enum Meta {
    /// A policy.
    Policy(PolicyMeta),
    /// A control statement.
    Control(ControlMeta),
    /// A role.
    Role(RoleMeta),
    /// Guidance for a control.
    Guidance(GuidanceMeta),
    /// A risk.
    Risk(RiskMeta),
    /// A plain page.
    Page(PageMeta),
}

/// One Markdown file, read and parsed.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path for messages: the content folder joined with `rel`.
    pub path: PathBuf,
    /// `/`-separated path inside the content folder, e.g. `policies/backup.md`.
    pub rel: String,
    /// The whole file text, without a byte-order mark.
    pub text: String,
    /// Byte offset in `text` where the YAML starts, and its length.
    yaml: (usize, usize),
    /// 1-based line of the first YAML line.
    yaml_line: usize,
    /// Byte offset in `text` where the Markdown body starts.
    body_start: usize,
    /// 1-based line where the body starts.
    pub body_line: usize,
    /// The typed front matter.
    pub meta: Meta,
    /// Hash of `text`.
    pub hash: u64,
}

impl Document {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The YAML of the front matter, as written.
    pub fn front_matter(&self) -> &str {
        &self.text[self.yaml.0..self.yaml.0 + self.yaml.1]
    }

    /// The file stem (`backup` for `policies/backup.md`).
    pub fn stem(&self) -> &str {
        stem(&self.rel)
    }

    /// Where a front-matter field, or one of its values, is written.
    pub fn locate(&self, key: &str, value: Option<&str>) -> Position {
        let split = frontmatter::Split {
            yaml: self.front_matter(),
            yaml_line: self.yaml_line,
            body: self.body(),
            body_line: self.body_line,
        };
        frontmatter::locate(&split, key, value)
    }

    /// The position in the file of byte `offset` of the body.
    pub fn body_position(&self, offset: usize) -> Position {
        Position::of_offset(self.body(), offset).below(self.body_line - 1)
    }
}

/// The file stem of a content path (`backup` for `policies/backup.md`).
pub fn stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.strip_suffix(".md").unwrap_or(name)
}

/// A file that is not Markdown, copied to the site as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Where it is on disk.
    pub path: PathBuf,
    /// `/`-separated path inside the content folder.
    pub rel: String,
}

/// Everything found in the content folder.
#[derive(Debug, Default, Clone)]
pub struct Content {
    /// The Markdown documents that parsed, sorted by `rel`.
    pub documents: Vec<Document>,
    /// The other files, sorted by `rel`.
    pub assets: Vec<Asset>,
    /// Markdown files that could not be read or parsed, with the problem:
    /// reported once, and references to them are not reported again.
    pub unreadable: BTreeMap<String, Vec<Diagnostic>>,
    /// When each file was last committed, and which have edits not yet
    /// committed, if the folder is in git.
    pub committed: history::Committed,
}

/// What [`Content::refresh`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refresh {
    /// Paths of documents whose text changed but whose front matter did not.
    pub bodies: Vec<String>,
    /// Whether anything else changed: front matter, files added, removed or
    /// unreadable, assets.
    pub structural: bool,
    /// Whether a file became one with edits not yet committed (the changes
    /// page and the home page count those).
    pub newly_pending: bool,
}

impl Content {
    /// Re-reads the files at `rels` (content paths) under `src`, as they are
    /// now: changed, new or gone. Folders are not handled here (a changed
    /// folder needs a full [`load`]); returns None for them.
    pub fn refresh(&mut self, src: &Path, rels: &[String]) -> Option<Refresh> {
        let mut out = Refresh::default();
        let real_src = std::fs::canonicalize(src).unwrap_or_else(|_| src.to_path_buf());
        for rel in rels {
            let path = src.join(rel);
            if path.is_dir() {
                return None;
            }
            let position = self.documents.binary_search_by(|d| d.rel.as_str().cmp(rel));
            let was_unreadable = self.unreadable.remove(rel).is_some();
            // Refused as the walk refuses it: never read.
            if path.exists()
                && let Some(refused) = leads_outside(&real_src, &path)
            {
                self.documents.retain(|d| &d.rel != rel);
                self.assets.retain(|a| &a.rel != rel);
                self.unreadable.insert(rel.clone(), vec![refused]);
                out.structural = true;
                continue;
            }
            if !path.exists() {
                // A deleted file, or a deleted folder and everything in it.
                let folder = format!("{rel}/");
                let gone = |r: &str| r == rel || r.starts_with(&folder);
                let before = self.documents.len() + self.assets.len() + self.unreadable.len();
                self.documents.retain(|d| !gone(&d.rel));
                self.assets.retain(|a| !gone(&a.rel));
                self.unreadable.retain(|r, _| !gone(r));
                let after = self.documents.len() + self.assets.len() + self.unreadable.len();
                out.structural |= before != after || was_unreadable;
                self.committed.mark_deleted(rel);
                continue;
            }
            if !rel.ends_with(".md") {
                out.newly_pending |= self.committed.mark_edited(rel);
                if !self.assets.iter().any(|a| &a.rel == rel) {
                    self.assets.push(Asset {
                        path,
                        rel: rel.clone(),
                    });
                    self.assets.sort_by(|a, b| a.rel.cmp(&b.rel));
                }
                out.structural = true; // its bytes are copied with the whole site
                continue;
            }
            match read_document(path, rel.clone()) {
                Ok(doc) => match position {
                    Ok(i) => {
                        let same_meta = self.documents[i].front_matter() == doc.front_matter();
                        if self.documents[i].hash != doc.hash {
                            out.newly_pending |= self.committed.mark_edited(rel);
                            if same_meta && !was_unreadable {
                                out.bodies.push(rel.clone());
                            } else {
                                out.structural = true;
                            }
                        } else if was_unreadable {
                            out.structural = true;
                        }
                        self.documents[i] = doc;
                    }
                    Err(i) => {
                        self.documents.insert(i, doc);
                        out.newly_pending |= self.committed.mark_edited(rel);
                        out.structural = true;
                    }
                },
                Err(problem) => {
                    if let Ok(i) = position {
                        self.documents.remove(i);
                    }
                    self.unreadable.insert(rel.clone(), problem);
                    out.structural = true;
                }
            }
        }
        Some(out)
    }
}

/// Loads the content folder `src`, collecting every problem in `diagnostics`.
/// Asks git when each file last changed at the same time.
pub fn load(src: &Path, diagnostics: &mut Diagnostics) -> Content {
    let (committed, content) = rayon::join(
        || history::last_commits(src),
        || load_files(src, diagnostics),
    );
    Content {
        committed,
        ..content
    }
}

fn load_files(src: &Path, diagnostics: &mut Diagnostics) -> Content {
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let real_src = std::fs::canonicalize(src).unwrap_or_else(|_| src.to_path_buf());
    let mut walk = walkdir::WalkDir::new(src)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(src).to_path_buf();
                let why = if e.loop_ancestor().is_some() {
                    "this symbolic link loops back to a folder that contains it".to_owned()
                } else {
                    e.io_error()
                        .map_or_else(|| e.to_string(), |io| io.to_string())
                };
                diagnostics.error(
                    Rule::Unreadable,
                    &path,
                    Position::START,
                    format!("cannot read: {why}"),
                );
                continue;
            }
        };
        // A symbolic link may point anywhere: only follow it inside the content folder.
        if entry.path_is_symlink()
            && let Some(refused) = leads_outside(&real_src, entry.path())
        {
            diagnostics.push(refused);
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel) = relative(src, entry.path()) else {
            continue;
        };
        if rel.ends_with(".md") {
            markdown.push((entry.into_path(), rel));
        } else {
            assets.push(Asset {
                path: entry.into_path(),
                rel,
            });
        }
    }
    let results: Vec<(String, Result<Document, Vec<Diagnostic>>)> = markdown
        .into_par_iter()
        .map(|(path, rel)| (rel.clone(), read_document(path, rel)))
        .collect();
    let mut documents = Vec::with_capacity(results.len());
    let mut unreadable = BTreeMap::new();
    for (rel, r) in results {
        match r {
            Ok(d) => documents.push(d),
            Err(problems) => {
                diagnostics.extend(problems.iter().cloned());
                unreadable.insert(rel, problems);
            }
        }
    }
    documents.sort_by(|a, b| a.rel.cmp(&b.rel));
    assets.sort_by(|a, b| a.rel.cmp(&b.rel));
    Content {
        documents,
        assets,
        unreadable,
        committed: history::Committed::default(),
    }
}

/// The refusal of `path`, if it leads out of the content folder (whose
/// real path is `real_src`) through a symbolic link: it is never read.
fn leads_outside(real_src: &Path, path: &Path) -> Option<Diagnostic> {
    let inside = std::fs::canonicalize(path).is_ok_and(|t| t.starts_with(real_src));
    (!inside).then(|| {
        Diagnostic::error(
            Rule::Unreadable,
            path,
            Position::START,
            "this symbolic link points outside the content folder; copy the file in instead",
        )
    })
}

/// `path` relative to `root`, with `/` separators; None if not valid UTF-8.
fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// Reads and parses one Markdown file.
pub fn read_document(path: PathBuf, rel: String) -> Result<Document, Vec<Diagnostic>> {
    let bytes = fs::read(&path).map_err(|e| {
        vec![Diagnostic::error(
            Rule::Unreadable,
            &path,
            Position::START,
            format!("cannot read: {}", e.source),
        )]
    })?;
    parse_document(path, rel, bytes)
}

/// Parses the bytes of one Markdown file; every problem of its front
/// matter is reported, not only the first.
pub fn parse_document(
    path: PathBuf,
    rel: String,
    bytes: Vec<u8>,
) -> Result<Document, Vec<Diagnostic>> {
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let at = Position::of_offset(&prefix, valid);
        vec![Diagnostic::error(
            Rule::NotUtf8,
            &path,
            at,
            "not valid UTF-8: save the file as UTF-8 text",
        )]
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let split = frontmatter::split(&text)
        .map_err(|e| vec![Diagnostic::error(Rule::FrontMatter, &path, e.at, e.message)])?;
    let kind = Kind::of(&rel);
    let what = kind.noun();
    let meta = match kind {
        Kind::Policy => frontmatter::parse(&split, what).map(Meta::Policy),
        Kind::Control => frontmatter::parse(&split, what).map(Meta::Control),
        Kind::Role => frontmatter::parse(&split, what).map(Meta::Role),
        Kind::Guidance => frontmatter::parse(&split, what).map(Meta::Guidance),
        Kind::Risk => frontmatter::parse(&split, what).map(Meta::Risk),
        Kind::Page => frontmatter::parse(&split, what).map(Meta::Page),
    }
    .map_err(|errors| {
        if split.yaml.is_empty() && split.body_line == 1 {
            // No `---` block at all: one problem, with the block to add.
            return vec![
                Diagnostic::error(
                    Rule::FrontMatter,
                    &path,
                    Position::START,
                    "this file has no front matter: the block between `---` lines at its top \
                     that gives its title and fields",
                )
                .with_help(kind.minimal_front_matter(&rel, split.body)),
            ];
        }
        let mut problems: Vec<Diagnostic> = errors
            .into_iter()
            .map(|e| Diagnostic::error(Rule::FrontMatter, &path, e.at, e.message))
            .collect();
        if let Some(first) = problems.first_mut() {
            first.help = misplaced(&rel, kind);
        }
        problems
    })?;
    let base = text.as_ptr() as usize;
    let yaml = (split.yaml.as_ptr() as usize - base, split.yaml.len());
    let body_start = split.body.as_ptr() as usize - base;
    let (yaml_line, body_line) = (split.yaml_line, split.body_line);
    let hash = {
        use std::hash::Hasher;
        let mut h = rustc_hash::FxHasher::default();
        h.write(text.as_bytes());
        h.finish()
    };
    Ok(Document {
        hash,
        path,
        rel,
        text,
        yaml,
        yaml_line,
        body_start,
        body_line,
        meta,
    })
}

/// For a plain page in a folder whose name is close to a kind's folder
/// (`policy/`, `Roles/`, `control/`): where the file belongs.
fn misplaced(rel: &str, kind: Kind) -> Option<String> {
    let (top, rest) = rel.split_once('/')?;
    if kind != Kind::Page {
        return None;
    }
    let folders = Kind::ALL.iter().filter_map(|k| k.folder());
    let meant = folders
        .clone()
        .find(|f| {
            let (top, f) = (top.to_lowercase(), f.to_lowercase());
            top == f
                || top == f.trim_end_matches('s')
                || top == f.trim_end_matches("ies").to_owned() + "y"
        })
        .or_else(|| suggest::nearest(top, folders))?;
    let kinds: Vec<String> = Kind::ALL
        .iter()
        .filter_map(|k| k.folder().map(|f| format!("`{f}/` {}", k.plural())))
        .collect();
    Some(format!(
        "files in `{top}/` are read as plain pages. The folders {} hold their own kinds; \
         did you mean `{meant}/`? Move the file to `{meant}/{rest}`.",
        kinds.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses a file; its first problem, if any.
    fn parse(rel: &str, text: &str) -> Result<Document, Diagnostic> {
        parse_all(rel, text).map_err(|mut all| all.remove(0))
    }

    fn parse_all(rel: &str, text: &str) -> Result<Document, Vec<Diagnostic>> {
        parse_document(PathBuf::from(rel), rel.to_owned(), text.as_bytes().to_vec())
    }

    #[cfg(unix)]
    #[test]
    fn refresh_refuses_a_link_out_of_the_content_folder_as_the_walk_does() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.md");
        std::fs::write(&secret, "---\ntitle: Secret\n---\nhunter2\n").unwrap();
        let src = tmp.path();
        std::fs::write(src.join("a.md"), "---\ntitle: A\n---\n").unwrap();
        let mut content = load(src, &mut Diagnostics::new());
        for name in ["b.md", "c.png"] {
            std::os::unix::fs::symlink(&secret, src.join(name)).unwrap();
        }
        let rels = ["b.md".to_owned(), "c.png".to_owned()];
        let refresh = content.refresh(src, &rels).unwrap();
        assert!(refresh.structural);
        assert_eq!(content.documents.len(), 1);
        assert!(content.assets.is_empty());
        for rel in rels {
            let refused = &content.unreadable[&rel][0];
            assert!(
                refused.message.contains("outside the content folder"),
                "{refused}"
            );
        }
    }

    #[test]
    fn refresh_marks_what_serve_sees_edited_as_not_committed() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path();
        std::fs::write(src.join("a.md"), "---\ntitle: A\n---\nOne\n").unwrap();
        let git = |args: &[&str]| {
            let ok = std::process::Command::new("git")
                .current_dir(src)
                .args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
                .args(args)
                .status()
                .unwrap()
                .success();
            assert!(ok, "git {args:?}");
        };
        git(&["init", "-q"]);
        git(&["add", "."]);
        git(&["commit", "-qm", "one"]);
        let mut content = load(src, &mut Diagnostics::new());
        assert_eq!(content.committed.pending("a.md"), None);
        std::fs::write(src.join("a.md"), "---\ntitle: A\n---\nOne, edited\n").unwrap();
        std::fs::write(src.join("b.md"), "---\ntitle: B\n---\nNew\n").unwrap();
        content
            .refresh(src, &["a.md".into(), "b.md".into()])
            .unwrap();
        assert_eq!(
            content.committed.pending("a.md"),
            Some(history::Pending::Edited)
        );
        assert_eq!(
            content.committed.pending("b.md"),
            Some(history::Pending::New)
        );
        // A fresh load asks git, which agrees.
        let reloaded = load(src, &mut Diagnostics::new());
        assert_eq!(
            reloaded.committed.pending("a.md"),
            Some(history::Pending::Edited)
        );
        assert_eq!(
            reloaded.committed.pending("b.md"),
            Some(history::Pending::New)
        );
    }

    #[test]
    fn refresh_sees_body_edits_front_matter_edits_and_deletions() {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path();
        let write = |rel: &str, text: &str| {
            let p = src.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("a.md", "---\ntitle: A\n---\nOne\n");
        write("procedures/b.md", "---\ntitle: B\n---\nTwo\n");
        let mut content = load(src, &mut Diagnostics::new());
        assert_eq!(content.documents.len(), 2);

        write("a.md", "---\ntitle: A\n---\nOne, edited\n");
        let r = content.refresh(src, &["a.md".into()]).unwrap();
        assert_eq!(
            r,
            Refresh {
                bodies: vec!["a.md".into()],
                structural: false,
                newly_pending: false,
            }
        );

        write("a.md", "---\ntitle: A2\n---\nOne, edited\n");
        assert!(content.refresh(src, &["a.md".into()]).unwrap().structural);

        std::fs::remove_dir_all(src.join("procedures")).unwrap();
        assert!(
            content
                .refresh(src, &["procedures".into()])
                .unwrap()
                .structural
        );
        assert_eq!(content.documents.len(), 1);

        write("c.md", "---\ntitle: [broken\n---\n");
        assert!(content.refresh(src, &["c.md".into()]).unwrap().structural);
        assert_eq!(content.unreadable.len(), 1);
    }

    #[test]
    #[cfg(unix)]
    fn symbolic_links_out_of_the_content_folder_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("content");
        std::fs::create_dir_all(src.join("inside")).unwrap();
        std::fs::write(src.join("inside/ok.png"), "png").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), src.join("secret.txt"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), src.join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(src.join("inside"), src.join("alias")).unwrap();
        let mut d = Diagnostics::new();
        let content = load(&src, &mut d);
        let rels: Vec<&str> = content.assets.iter().map(|a| a.rel.as_str()).collect();
        assert_eq!(rels, ["alias/ok.png", "inside/ok.png"]);
        assert_eq!(d.error_count(), 2, "{d:?}");
    }

    #[test]
    fn kind_comes_from_the_top_folder() {
        assert_eq!(Kind::of("policies/backup.md"), Kind::Policy);
        assert_eq!(Kind::of("controls/5.15.md"), Kind::Control);
        assert_eq!(Kind::of("roles/ciso.md"), Kind::Role);
        assert_eq!(Kind::of("guidance/5.15.md"), Kind::Guidance);
        assert_eq!(Kind::of("risks/R-01.md"), Kind::Risk);
        assert_eq!(Kind::of("procedures/backup.md"), Kind::Page);
        assert_eq!(Kind::of("policies.md"), Kind::Page);
    }

    #[test]
    fn reads_a_policy_with_body_position() {
        let d = parse(
            "policies/backup.md",
            "\u{feff}---\ntitle: Backup\nowner: cto\n---\nBody\n",
        )
        .unwrap();
        assert_eq!(d.stem(), "backup");
        assert_eq!(d.body(), "Body\n");
        assert_eq!(d.body_position(0), Position::new(5, 1));
        assert!(matches!(d.meta, Meta::Policy(ref p) if &*p.title == "Backup"));
    }

    #[test]
    fn unquoted_decimal_ids_are_refused_not_truncated() {
        let e = parse(
            "policies/a.md",
            "---\ntitle: A\nowner: x\ncontrols: [5.15, 5.10]\n---\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("quotes"), "{}", e.message);
    }

    #[test]
    fn non_utf8_is_reported_at_its_line() {
        let mut bytes = b"---\ntitle: A\n---\nok\nbad \xff here\n".to_vec();
        bytes.extend_from_slice(b"more");
        let e = parse_document("p.md".into(), "p.md".into(), bytes).unwrap_err()[0].clone();
        assert_eq!((e.line, e.column), (5, 5));
        assert!(e.message.contains("UTF-8"));
    }

    #[test]
    fn bad_dates_name_their_line() {
        let e = parse(
            "policies/a.md",
            "---\ntitle: A\nowner: x\nreview: 2026-02-30\n---\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("not a real date"), "{}", e.message);
    }

    #[test]
    fn evidence_is_a_map_or_just_its_title() {
        let d = parse(
            "controls/5.15.md",
            "---\nstatus: implemented\njustification: J\nevidence:\n  - Access review minutes\n  - title: Backup log\n    location: Backup console\n---\n",
        )
        .unwrap();
        let Meta::Control(m) = d.meta else { panic!() };
        assert_eq!(&*m.evidence[0].title, "Access review minutes");
        assert!(m.evidence[0].link.is_none() && m.evidence[0].location.is_none());
        assert_eq!(m.evidence[1].location.as_deref(), Some("Backup console"));
        let e = parse(
            "controls/5.15.md",
            "---\nstatus: implemented\njustification: J\nevidence:\n  - [a]\n---\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 5);
        assert!(e.message.contains("a title, or `title:`"), "{}", e.message);
    }

    #[test]
    fn a_file_without_front_matter_is_shown_the_block_it_needs() {
        let e = parse("policies/backup.md", "# Backup Policy\n\nText.\n").unwrap_err();
        assert_eq!(
            e.help.as_deref(),
            Some(
                "a policy starts with a block like this one:\n---\ntitle: Backup Policy\nowner: ROLE-ID\n---"
            )
        );
    }

    #[test]
    fn a_page_in_a_misspelt_kind_folder_is_told_where_it_belongs() {
        let e = parse("policy/backup.md", "---\ntitle: B\naudience: all\n---\n").unwrap_err();
        assert!(
            e.message.contains("unknown field `audience`"),
            "{}",
            e.message
        );
        let help = e.help.unwrap();
        assert!(
            help.starts_with("files in `policy/` are read as plain pages"),
            "{help}"
        );
        assert!(
            help.contains("Move the file to `policies/backup.md`"),
            "{help}"
        );
        let e = parse("role/ciso.md", "---\ntitle: C\nassignees: [A]\n---\n").unwrap_err();
        assert!(e.help.unwrap().contains("did you mean `roles/`?"));
    }

    #[test]
    fn missing_required_field_is_named() {
        let e = parse("roles/a.md", "---\nassignees: [x]\n---\n").unwrap_err();
        assert_eq!(
            e.message,
            "`title` is missing: add a line `title: …` to the front matter"
        );
    }
}
