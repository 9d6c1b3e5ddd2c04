//! What the fuzz targets run, shared with `tests/fuzz_regressions.rs` so a
//! saved input replays through exactly the same code.
//!
//! Errors are expected; a panic, hang or runaway allocation is a bug.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use ismsbook::config::Config;
use ismsbook::content::{self, Asset, Content, Document, meta::Date};
use ismsbook::diagnostics::{Diagnostic, Diagnostics};
use ismsbook::fs::FsError;
use ismsbook::markdown::{self, RawHtml, Resolution, Resolve};
use ismsbook::render::{self, Job};
use ismsbook::site::Output;
use ismsbook::theme::Theme;

/// Where a fuzzed file may be: one content path per kind.
pub const RELS: [&str; 7] = [
    "policies/fuzz.md",
    "controls/5.1.md",
    "roles/fuzz.md",
    "guidance/5.1.md",
    "risks/R-01.md",
    "fuzz.md",
    "procedures/fuzz.md",
];

const CONFIG: &str =
    "[book]\ntitle = \"Fuzz\"\norganization = \"Fuzz Ltd\"\n\n[output.html]\nsearch = false\n";

/// The front matter a fuzzed page body is put under.
const HEAD: &str = "---\ntitle: Fuzz\nowner: owner\ncontrols: [\"5.1\"]\n---\n";

/// A handbook configuration with the built-in theme.
struct Book {
    config: Config,
    theme: Theme,
}

/// What every input is linked with: built once.
struct Fixture {
    /// Raw HTML sanitised (allowing it is covered by rendering the body alone).
    book: Book,
    today: Date,
    /// Documents a fuzzed one may point at.
    others: Vec<Document>,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let root = Path::new("/nonexistent/ismsbook-fuzz");
    let book = |toml: &str| {
        let config = Config::parse(root, toml).expect("fixture config");
        let theme = Theme::load(&config, &mut Diagnostics::new()).expect("built-in theme");
        Book { config, theme }
    };
    let others = [
        (
            "roles/owner.md",
            "---\ntitle: Owner\nassignees: [A]\n---\nOwns.\n",
        ),
        (
            "policies/other.md",
            "---\ntitle: Other\nowner: owner\n---\n## Scope\n\nText.\n",
        ),
        ("procedures/p.md", "---\ntitle: Procedure\n---\n# P\n"),
    ]
    .map(|(rel, text)| parse(rel, text.as_bytes()).expect("fixture document"));
    Fixture {
        book: book(CONFIG),
        today: Date::parse("2026-06-01").expect("fixture date"),
        others: others.to_vec(),
    }
});

/// Parses `bytes` as the file at content path `rel`.
pub fn parse(rel: &str, bytes: &[u8]) -> Result<Document, Vec<Diagnostic>> {
    content::parse_document(
        PathBuf::from("content").join(rel),
        rel.to_owned(),
        bytes.to_vec(),
    )
}

/// `doc` with the fixture documents, as loaded content.
fn content_with(doc: Document) -> Content {
    let fixture = &*FIXTURE;
    let mut documents: Vec<Document> = fixture
        .others
        .iter()
        .filter(|o| o.rel != doc.rel)
        .cloned()
        .collect();
    documents.push(doc);
    documents.sort_by(|a, b| a.rel.cmp(&b.rel));
    Content {
        documents,
        assets: vec![Asset {
            path: PathBuf::from("content/img/a.png"),
            rel: "img/a.png".to_owned(),
        }],
        unreadable: BTreeMap::new(),
        committed: Default::default(),
    }
}

/// Arbitrary bytes as a Markdown file of every kind: UTF-8 check, front
/// matter split, YAML parsing and typing, every field located as an error
/// would be, then linked into a tiny handbook. Returns each kind's parse.
pub fn front_matter(data: &[u8]) -> Vec<Result<Document, Vec<Diagnostic>>> {
    let fixture = &*FIXTURE;
    let mut parsed = Vec::new();
    for rel in RELS {
        let doc = match parse(rel, data) {
            Ok(doc) => doc,
            Err(problems) => {
                for e in &problems {
                    let _ = e.to_string();
                }
                parsed.push(Err(problems));
                continue;
            }
        };
        let _ = (doc.body(), doc.stem(), doc.body_position(doc.body().len()));
        for line in doc.front_matter().lines().take(16) {
            let (key, value) = line.split_once(':').unwrap_or((line, ""));
            let _ = doc.locate(key.trim_start(), Some(value.trim()));
            let _ = doc.locate(key.trim(), None);
        }
        let content = content_with(doc.clone());
        let mut diagnostics = Diagnostics::new();
        let config = &fixture.book.config;
        let _ = ismsbook::handbook::link(config, &content, fixture.today, &mut diagnostics);
        for d in diagnostics.iter() {
            let _ = d.to_string();
        }
        parsed.push(Ok(doc));
    }
    parsed
}

/// Keeps, rewrites (with a title) or refuses links, as the real resolver does.
struct Resolver;

impl Resolve for Resolver {
    fn resolve(&self, dest: &str) -> Resolution {
        match dest.len() % 3 {
            0 => Resolution::Keep,
            1 => Resolution::Rewrite {
                href: format!("../{dest}.html"),
                title: Some(format!("Title of {dest}")),
                page: Some(format!("{dest}.html")),
            },
            _ => Resolution::Broken(
                ismsbook::diagnostics::Rule::BrokenLink,
                format!("no `{dest}`"),
            ),
        }
    }
}

/// Counts the bytes of what would be written.
#[derive(Default)]
struct Sink(AtomicUsize);

impl Output for Sink {
    fn write(&self, _rel: &str, bytes: &[u8]) -> Result<(), FsError> {
        self.0.fetch_add(bytes.len(), Ordering::Relaxed);
        Ok(())
    }
}

/// Arbitrary text (invalid UTF-8 replaced) as a Markdown body: rendered on
/// its own, raw HTML sanitised and allowed, then as the body of a policy
/// in a tiny handbook, linked and rendered through the built-in theme.
/// Returns the bytes of the policy page, 0 when the handbook has errors
/// (a broken link).
pub fn page(data: &[u8]) -> usize {
    let body = String::from_utf8_lossy(data);
    for raw in [RawHtml::Sanitize, RawHtml::Allow] {
        let r = markdown::render_with(&body, &Resolver, raw);
        for (offset, _, _) in &r.broken {
            assert!(*offset <= body.len(), "broken link offset past the end");
        }
    }

    let fixture = &*FIXTURE;
    let text = format!("{HEAD}{body}");
    let Ok(doc) = parse("policies/fuzz.md", text.as_bytes()) else {
        return 0;
    };
    let content = content_with(doc);
    let book = &fixture.book;
    let mut diagnostics = Diagnostics::new();
    let linked = ismsbook::handbook::link(&book.config, &content, fixture.today, &mut diagnostics);
    for d in diagnostics.iter() {
        let _ = d.to_string();
    }
    let Some(h) = linked else {
        return 0;
    };
    let Some(i) = h.policies.iter().position(|p| p.id == "fuzz") else {
        return 0;
    };
    let sink = Sink::default();
    let _ = render::render_pages(&h, &book.theme, &sink, &[Job::Policy(i)]);
    sink.0.into_inner()
}
