//! Resolving what documents point at: ids in front matter and links in bodies.

use std::collections::HashSet;

use rustc_hash::FxHashMap;

use crate::catalog;
use crate::diagnostics::Rule;
use crate::markdown::{Resolution, Resolve};

use super::urls;

/// A link target: the page it lives on and its title.
#[derive(Debug, Clone)]
pub struct Target {
    /// Index in its kind's list.
    pub index: usize,
    /// Output path from the site root.
    pub url: String,
    /// Title, for links written with empty text.
    pub title: String,
}

/// Every id and path a document may point at.
#[derive(Debug)]
pub struct Index {
    /// Policy id → target.
    pub policies: FxHashMap<String, Target>,
    /// Role id → target.
    pub roles: FxHashMap<String, Target>,
    /// Risk id → target.
    pub risks: FxHashMap<String, Target>,
    /// Content path of a Markdown file → its page.
    pub documents: FxHashMap<String, Target>,
    /// Content paths of assets.
    pub assets: HashSet<String>,
    /// Ids of policies and roles whose files could not be read: their
    /// problem is already reported, references to them are not.
    pub unreadable: HashSet<(IdKind, String)>,
    /// Content paths of Markdown files that could not be read.
    pub unreadable_files: HashSet<String>,
    /// What happens to raw HTML in bodies.
    pub raw_html: crate::markdown::RawHtml,
    /// When each file was last committed (not a link target: not in the signature).
    pub committed: crate::content::history::Committed,
}

impl Default for Index {
    fn default() -> Self {
        Index {
            policies: FxHashMap::default(),
            roles: FxHashMap::default(),
            risks: FxHashMap::default(),
            documents: FxHashMap::default(),
            assets: HashSet::new(),
            unreadable: HashSet::new(),
            unreadable_files: HashSet::new(),
            raw_html: crate::markdown::RawHtml::Sanitize,
            committed: Default::default(),
        }
    }
}

/// The kinds of id a front-matter field or typed link can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// A policy id.
    Policy,
    /// A role id.
    Role,
    /// A risk id.
    Risk,
}

impl IdKind {
    fn noun(self) -> &'static str {
        match self {
            IdKind::Policy => "policy",
            IdKind::Role => "role",
            IdKind::Risk => "risk",
        }
    }
}

impl Index {
    /// A hash of every target a link can resolve to and how it shows
    /// (paths, URLs, titles): rendered bodies stay valid while it holds.
    pub fn signature(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        // Order-independent: the sum of one hash per entry, no sorting.
        let one = |entry: &dyn Fn(&mut rustc_hash::FxHasher)| {
            let mut h = rustc_hash::FxHasher::default();
            entry(&mut h);
            h.finish()
        };
        let mut sum = 0u64;
        for (table, name) in [
            (&self.policies, 0u8),
            (&self.roles, 1),
            (&self.documents, 2),
            (&self.risks, 5),
        ] {
            for (k, t) in table {
                sum = sum.wrapping_add(one(&|h| (name, k, &t.url, &t.title, t.index).hash(h)));
            }
        }
        for a in &self.assets {
            sum = sum.wrapping_add(one(&|h| (3u8, a).hash(h)));
        }
        for f in &self.unreadable_files {
            sum = sum.wrapping_add(one(&|h| (4u8, f).hash(h)));
        }
        sum.wrapping_add(self.raw_html as u64)
    }

    fn table(&self, kind: IdKind) -> &FxHashMap<String, Target> {
        match kind {
            IdKind::Policy => &self.policies,
            IdKind::Role => &self.roles,
            IdKind::Risk => &self.risks,
        }
    }

    /// Looks up a policy or role id; the error says what exists nearby, or
    /// is None when the id belongs to a file whose error is already reported.
    pub fn find(&self, kind: IdKind, id: &str) -> Result<&Target, Option<String>> {
        let table = self.table(kind);
        if let Some(t) = table.get(id.trim()) {
            return Ok(t);
        }
        if self.unreadable.contains(&(kind, id.trim().to_owned())) {
            return Err(None);
        }
        Err(Some({
            let noun = kind.noun();
            match nearest(id, table.keys().map(String::as_str)) {
                Some(near) => format!("no {noun} has the id `{id}`; did you mean `{near}`?"),
                None if table.is_empty() => {
                    format!("no {noun} has the id `{id}`: the handbook has no {noun} files yet")
                }
                None => format!("no {noun} has the id `{id}`"),
            }
        }))
    }
}

/// The closest spelling among `candidates`, if any is close.
fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Resolves the links of one document, relative to where its page is.
pub struct DocResolver<'a> {
    index: &'a Index,
    /// Folder of the source file in the content folder (`policies`), or "".
    dir: &'a str,
    /// From the document's page back to the site root (`../`).
    root: String,
}

impl<'a> DocResolver<'a> {
    /// A resolver for the document at content path `rel` whose page is `url`.
    pub fn new(index: &'a Index, rel: &'a str, url: &str) -> Self {
        DocResolver {
            index,
            dir: rel.rsplit_once('/').map_or("", |(d, _)| d),
            root: urls::root_of(url),
        }
    }

    /// A link to the page at `url`, which shows a Markdown body.
    fn to(&self, url: &str, fragment: &str, title: Option<String>) -> Resolution {
        Resolution::Rewrite {
            href: format!("{}{}{fragment}", self.root, urls::href(url)),
            title,
            page: Some(url.to_owned()),
        }
    }

    /// A link whose scheme is none of ours: kept if browsers know it
    /// (`https:`, `mailto:`, …), else broken with the typed link that was
    /// probably meant (`polcy:` → `policy:`, `Policy:` → `policy:`).
    fn other_scheme(&self, scheme: &str, rest: &str) -> Resolution {
        let lower = scheme.to_ascii_lowercase();
        if TYPED_SCHEMES.contains(&lower.as_str()) {
            return Resolution::Broken(
                Rule::BrokenLink,
                format!(
                    "link `{scheme}:{rest}`: typed links are written in lower case: `{lower}:{rest}`"
                ),
            );
        }
        if is_browser_scheme(&lower) {
            return Resolution::Keep;
        }
        let ours = TYPED_SCHEMES
            .iter()
            .map(|s| format!("`{s}:`"))
            .collect::<Vec<_>>()
            .join(", ");
        let message = match crate::diagnostics::suggest::nearest(
            &lower,
            TYPED_SCHEMES.iter().copied(),
        ) {
            Some(near) => format!(
                "link `{scheme}:{rest}` has an unknown type `{scheme}:`; did you mean `{near}:{rest}`?"
            ),
            None => format!(
                "link `{scheme}:{rest}`: `{scheme}:` is neither a typed link ({ours}) nor a web \
                 address; write a web address with `https://`"
            ),
        };
        Resolution::Broken(Rule::BrokenLink, message)
    }

    fn typed(&self, scheme: &str, id: &str, fragment: &str) -> Option<Resolution> {
        let catalog = catalog::catalog();
        let resolution = match scheme {
            // A clause is a place on the clauses page, so it takes no `#fragment`.
            "clause" => {
                let clauses = catalog::clauses::clauses();
                match clauses.resolve(id) {
                    Ok(i) if fragment.is_empty() => {
                        let c = &clauses.clauses[i];
                        Resolution::Rewrite {
                            href: format!("{}{}", self.root, urls::clause(c.id)),
                            title: Some(format!("Clause {} {}", c.id, c.heading)),
                            page: None,
                        }
                    }
                    Ok(_) => Resolution::Broken(
                        Rule::BrokenLink,
                        format!("link `clause:{id}{fragment}`: a clause link takes no `#` part"),
                    ),
                    Err(e) => Resolution::Broken(
                        Rule::BrokenLink,
                        format!("broken link `clause:{id}`: {}", clauses.explain(&e)),
                    ),
                }
            }
            "policy" | "role" | "risk" => {
                let kind = match scheme {
                    "policy" => IdKind::Policy,
                    "role" => IdKind::Role,
                    _ => IdKind::Risk,
                };
                match self.index.find(kind, id) {
                    Ok(t) => self.to(&t.url, fragment, Some(t.title.clone())),
                    Err(Some(why)) => Resolution::Broken(
                        Rule::BrokenLink,
                        format!("broken link `{scheme}:{id}`: {why}"),
                    ),
                    Err(None) => Resolution::Keep,
                }
            }
            "control" | "guidance" => match catalog.resolve(id) {
                Ok(i) => {
                    let c = &catalog.controls[i];
                    if scheme == "control" {
                        self.to(
                            &urls::control(c.id),
                            fragment,
                            Some(format!("{} {}", c.id, c.title)),
                        )
                    } else {
                        let title = format!("ISO/IEC 27002 {} {}", c.id, c.title);
                        self.to(&urls::guidance(c.id), fragment, Some(title))
                    }
                }
                Err(e) => Resolution::Broken(
                    Rule::BrokenLink,
                    format!("broken link `{scheme}:{id}`: {}", catalog.explain(&e)),
                ),
            },
            _ => return None,
        };
        Some(resolution)
    }

    /// A link to a file of the content folder, `path` relative to the
    /// folder `base` (the document's own, or the root for `/…` links).
    fn relative(&self, base: &str, path: &str, fragment: &str) -> Resolution {
        // A file name as written, else percent-decoded (`my%20notes.md`).
        let written = join(base, path);
        let target = match (&written, urls::decode(path)) {
            (Some(t), _) if self.exists(t) => written,
            (_, Some(decoded)) => join(base, &decoded),
            (_, None) => written,
        };
        let Some(target) = target else {
            return Resolution::Broken(
                Rule::BrokenLink,
                format!("link `{path}` leads out of the content folder"),
            );
        };
        if target.ends_with(".md") {
            return match self.index.documents.get(&target) {
                Some(t) => self.to(&t.url, fragment, Some(t.title.clone())),
                None if self.index.unreadable_files.contains(&target) => Resolution::Keep,
                None => Resolution::Broken(
                    Rule::BrokenLink,
                    format!(
                        "link to a missing document `{path}` (content/{target} does not exist)"
                    ),
                ),
            };
        }
        let generated = [
            urls::SOA,
            urls::SOA_CSV,
            urls::RISKS,
            urls::RISKS_CSV,
            urls::TREATMENT_PLAN,
            urls::CONTENTS,
            urls::CLAUSES,
            urls::PRINT,
            urls::POLICIES,
            urls::CONTROLS,
            urls::GUIDANCE,
            urls::ROLES,
            urls::HOME,
            urls::STATUS,
            urls::READING,
            urls::READING_PACK,
            urls::READING_CSV,
        ];
        let reading_list = target
            .strip_prefix("reading/")
            .map(|r| r.strip_prefix("print/").unwrap_or(r))
            .and_then(|r| r.strip_suffix(".html"))
            .is_some_and(|role| self.index.roles.contains_key(role));
        if self.index.assets.contains(&target)
            || generated.contains(&target.as_str())
            || reading_list
        {
            return Resolution::Rewrite {
                href: format!("{}{}{fragment}", self.root, urls::href(&target)),
                title: None,
                page: None,
            };
        }
        // A link to the page a document becomes, not to the document.
        let source = self
            .index
            .documents
            .iter()
            .filter(|(_, t)| t.url == target)
            .map(|(rel, _)| rel.as_str())
            .min();
        if let Some(source) = source {
            let written = match source.rsplit_once('/') {
                Some((dir, name)) if dir == self.dir => name.to_owned(),
                None if self.dir.is_empty() => source.to_owned(),
                _ => format!("/{source}"),
            };
            return Resolution::Broken(
                Rule::BrokenLink,
                format!(
                    "link `{path}` names the page that ismsbook makes; link to its Markdown file \
                     instead: `{written}`"
                ),
            );
        }
        Resolution::Broken(
            Rule::BrokenLink,
            format!("link to a missing file `{path}` (content/{target} does not exist)"),
        )
    }
}

impl DocResolver<'_> {
    /// Whether a content path names a document or an asset.
    fn exists(&self, target: &str) -> bool {
        self.index.documents.contains_key(target) || self.index.assets.contains(target)
    }
}

impl Resolve for DocResolver<'_> {
    fn resolve(&self, dest: &str) -> Resolution {
        if let Some(why) = unsafe_scheme(dest) {
            return Resolution::Broken(Rule::UnsafeLink, why);
        }
        // `//host/…` is a web address without its scheme.
        if dest.is_empty() || dest.starts_with('#') || dest.starts_with("//") {
            return Resolution::Keep;
        }
        let (path, fragment) = match dest.find(['#', '?']) {
            Some(i) => dest.split_at(i),
            None => (dest, ""),
        };
        if let Some(from_root) = path.strip_prefix('/') {
            return self.relative("", from_root, fragment);
        }
        if let Some((scheme, rest)) = scheme_of(path) {
            return self
                .typed(scheme, rest, fragment)
                .unwrap_or_else(|| self.other_scheme(scheme, rest));
        }
        self.relative(self.dir, path, fragment)
    }
}

/// The schemes of typed links: `policy:backup`, `control:5.15`, ….
pub const TYPED_SCHEMES: &[&str] = &["policy", "control", "guidance", "role", "risk", "clause"];

/// Whether browsers (or an app they hand the link to) know the scheme: web
/// and mail addresses, phone numbers, file shares, chat and meeting apps.
fn is_browser_scheme(lower: &str) -> bool {
    const KNOWN: &[&str] = &[
        "http",
        "https",
        "mailto",
        "tel",
        "sms",
        "fax",
        "ftp",
        "ftps",
        "sftp",
        "ssh",
        "file",
        "smb",
        "afp",
        "nfs",
        "news",
        "nntp",
        "irc",
        "ircs",
        "xmpp",
        "sip",
        "sips",
        "callto",
        "facetime",
        "geo",
        "urn",
        "magnet",
        "webcal",
        "feed",
        "git",
        "svn",
        "ldap",
        "ldaps",
        "rtsp",
        "matrix",
        "slack",
        "msteams",
        "zoommtg",
        "zoomus",
        "skype",
        "tg",
        "whatsapp",
        "signal",
        "vscode",
        "notion",
        "onenote",
        "obsidian",
        "jira",
        "itms-apps",
        "bitcoin",
    ];
    // Office's `ms-word:`, `ms-excel:`…, and web apps' registered `web+…:`.
    KNOWN.contains(&lower) || lower.starts_with("ms-") || lower.starts_with("web+")
}

/// The URL scheme of `dest` and the rest, if it has one (`policy:x`, `https://…`).
fn scheme_of(dest: &str) -> Option<(&str, &str)> {
    dest.split_once(':').filter(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

/// Why `dest` must not be a link, if its scheme can run code in the
/// reader's browser (`javascript:`, `vbscript:`, `data:`).
pub fn unsafe_scheme(dest: &str) -> Option<String> {
    // Browsers drop tabs and line breaks anywhere in a URL, and control
    // characters and spaces around it, before they read the scheme.
    let seen: String = dest
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (scheme, _) = scheme_of(seen.trim_matches(|c: char| c <= ' '))?;
    let lower = scheme.to_ascii_lowercase();
    ["javascript", "vbscript", "data"]
        .contains(&lower.as_str())
        .then(|| {
            format!("`{lower}:` links can run code in the reader's browser and are not allowed")
        })
}

/// Whether `dest` is a relative path (no scheme, not from the root, not only a fragment).
pub fn is_relative(dest: &str) -> bool {
    !dest.is_empty() && !dest.starts_with(['#', '/', '?']) && scheme_of(dest).is_none()
}

/// `dir/path` with `.` and `..` folded; None when it climbs above the root.
pub fn join(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let mut ix = Index::default();
        let t = |url: &str, title: &str| Target {
            index: 0,
            url: url.into(),
            title: title.into(),
        };
        ix.policies.insert(
            "access-control".into(),
            t("policies/access-control.html", "Access Control"),
        );
        ix.roles.insert("ciso".into(), t("roles/ciso.html", "CISO"));
        ix.risks
            .insert("R-05".into(), t("risks/R-05.html", "R-05 Payment fraud"));
        ix.documents.insert(
            "procedures/restore.md".into(),
            t("procedures/restore.html", "Restore"),
        );
        ix.assets.insert("img/flow.png".into());
        ix
    }

    fn href(r: Resolution) -> String {
        match r {
            Resolution::Rewrite { href, .. } => href,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn typed_links_resolve_relative_to_the_page() {
        let ix = index();
        let r = DocResolver::new(&ix, "policies/backup.md", "policies/backup.html");
        assert_eq!(
            href(r.resolve("policy:access-control")),
            "../policies/access-control.html"
        );
        assert_eq!(href(r.resolve("control:A.5.15")), "../controls/5.15.html");
        assert_eq!(
            href(r.resolve("guidance:8.13#notes")),
            "../guidance/8.13.html#notes"
        );
        assert_eq!(href(r.resolve("role:ciso")), "../roles/ciso.html");
        assert_eq!(href(r.resolve("clause:9.2")), "../clauses.html#clause-9.2");
        let Resolution::Broken(_, m) = r.resolve("clause:A.5.1") else {
            panic!()
        };
        assert!(m.contains("is an Annex A control, not a clause"), "{m}");
        assert_eq!(href(r.resolve("risk:R-05")), "../risks/R-05.html");
        let Resolution::Broken(_, m) = r.resolve("risk:R-5") else {
            panic!()
        };
        assert!(
            m.contains("no risk has the id `R-5`; did you mean `R-05`?"),
            "{m}"
        );
    }

    #[test]
    fn every_scheme_resolves_some_id() {
        let ix = index();
        let r = DocResolver::new(&ix, "index.md", "index.html");
        let ids = ["access-control", "5.15", "5.15", "ciso", "R-05", "9.2"];
        for (scheme, id) in TYPED_SCHEMES.iter().zip(ids) {
            assert!(
                matches!(
                    r.resolve(&format!("{scheme}:{id}")),
                    Resolution::Rewrite { .. }
                ),
                "{scheme}"
            );
        }
    }

    #[test]
    fn relative_md_links_become_pages() {
        let ix = index();
        let r = DocResolver::new(&ix, "policies/backup.md", "policies/backup.html");
        assert_eq!(
            href(r.resolve("../procedures/restore.md#step-2")),
            "../procedures/restore.html#step-2"
        );
        assert_eq!(href(r.resolve("../img/flow.png")), "../img/flow.png");
        assert_eq!(href(r.resolve("../soa.html#c-5.15")), "../soa.html#c-5.15");
        assert_eq!(
            href(r.resolve("/reading/ciso.html")),
            "../reading/ciso.html"
        );
        assert_eq!(
            href(r.resolve("/reading/print/ciso.html")),
            "../reading/print/ciso.html"
        );
        assert_eq!(
            href(r.resolve("/reading/index.html")),
            "../reading/index.html"
        );
        assert!(matches!(
            r.resolve("/reading/nobody.html"),
            Resolution::Broken(..)
        ));
        let home = DocResolver::new(&ix, "index.md", "index.html");
        assert_eq!(
            href(home.resolve("procedures/restore.md")),
            "procedures/restore.html"
        );
    }

    #[test]
    fn links_to_odd_file_names_are_decoded_then_encoded() {
        let mut ix = index();
        let t = |url: &str| Target {
            index: 0,
            url: url.into(),
            title: "T".into(),
        };
        ix.documents
            .insert("my notes/100%.md".into(), t("my notes/100%.html"));
        ix.documents.insert("a:b.md".into(), t("a:b.html"));
        ix.assets.insert("img/a b.png".into());
        let home = DocResolver::new(&ix, "index.md", "index.html");
        for written in ["my%20notes/100%25.md", "my notes/100%.md"] {
            assert_eq!(href(home.resolve(written)), "my%20notes/100%25.html");
        }
        assert_eq!(href(home.resolve("img/a%20b.png")), "img/a%20b.png");
        assert_eq!(href(home.resolve("./a:b.md")), "./a:b.html");
        let deep = DocResolver::new(&ix, "policies/x.md", "policies/x.html");
        assert_eq!(href(deep.resolve("../a:b.md#top")), ".././a:b.html#top");
    }

    #[test]
    fn broken_links_say_why() {
        let ix = index();
        let r = DocResolver::new(&ix, "policies/backup.md", "policies/backup.html");
        let Resolution::Broken(_, m) = r.resolve("policy:acess-control") else {
            panic!()
        };
        assert!(m.contains("did you mean `access-control`"), "{m}");
        let Resolution::Broken(_, m) = r.resolve("control:A.9.2.3") else {
            panic!()
        };
        assert!(m.contains("2013"), "{m}");
        let Resolution::Broken(_, m) = r.resolve("../missing.md") else {
            panic!()
        };
        assert!(m.contains("missing document"), "{m}");
        let Resolution::Broken(_, m) = r.resolve("../../etc/passwd") else {
            panic!()
        };
        assert!(m.contains("out of the content folder"), "{m}");
    }

    #[test]
    fn schemes_that_run_code_are_refused_however_written() {
        for dest in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "vbscript:x",
            "data:text/html,<script>alert(1)</script>",
        ] {
            assert!(unsafe_scheme(dest).is_some(), "{dest:?}");
        }
        for dest in [
            "https://x.example",
            "policy:a",
            "evidence/a.pdf",
            "mailto:a@b.c",
        ] {
            assert!(unsafe_scheme(dest).is_none(), "{dest:?}");
        }
    }

    #[test]
    fn external_and_anchor_links_are_kept() {
        let ix = index();
        let r = DocResolver::new(&ix, "index.md", "index.html");
        for dest in [
            "https://example.com/x.md",
            "mailto:a@b.c",
            "tel:+441234",
            "ms-word:ofe|u|https://x.example/a.docx",
            "#top",
            "//cdn.example/x.png",
        ] {
            assert_eq!(r.resolve(dest), Resolution::Keep, "{dest}");
        }
    }

    fn broken(r: Resolution) -> String {
        match r {
            Resolution::Broken(Rule::BrokenLink, m) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_schemes_suggest_the_typed_link_meant() {
        let ix = index();
        let r = DocResolver::new(&ix, "policies/backup.md", "policies/backup.html");
        assert_eq!(
            broken(r.resolve("polcy:access-control")),
            "link `polcy:access-control` has an unknown type `polcy:`; did you mean `policy:access-control`?"
        );
        assert_eq!(
            broken(r.resolve("controls:8.13")),
            "link `controls:8.13` has an unknown type `controls:`; did you mean `control:8.13`?"
        );
        assert_eq!(
            broken(r.resolve("Policy:access-control")),
            "link `Policy:access-control`: typed links are written in lower case: `policy:access-control`"
        );
        assert!(broken(r.resolve("intranet:x")).contains("neither a typed link"));
    }

    #[test]
    fn root_absolute_links_start_at_the_content_folder() {
        let ix = index();
        let r = DocResolver::new(&ix, "policies/backup.md", "policies/backup.html");
        assert_eq!(
            href(r.resolve("/procedures/restore.md#step-2")),
            "../procedures/restore.html#step-2"
        );
        assert_eq!(href(r.resolve("/img/flow.png")), "../img/flow.png");
        assert!(broken(r.resolve("/abs.html")).contains("missing file"));
    }

    #[test]
    fn a_link_to_a_generated_page_names_its_markdown_file() {
        let ix = index();
        let r = DocResolver::new(&ix, "policies/backup.md", "policies/backup.html");
        assert_eq!(
            broken(r.resolve("../procedures/restore.html")),
            "link `../procedures/restore.html` names the page that ismsbook makes; link to its Markdown file instead: `/procedures/restore.md`"
        );
        let r = DocResolver::new(&ix, "procedures/other.md", "procedures/other.html");
        assert!(broken(r.resolve("restore.html")).ends_with("instead: `restore.md`"));
    }
}
