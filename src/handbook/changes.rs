//! What changed since the last audit: the files of the content folder that
//! git shows added, changed, renamed or removed in the period, each joined
//! to the document it is (or was), grouped by kind.
//!
//! The period starts at `[audit] since` (or `--since`): a tag, branch,
//! commit or date. Without it, it is the last 12 months before the build
//! date, the span between two surveillance audits.

use rustc_hash::FxHashMap;

use super::{Handbook, urls};
use crate::content::Kind;
use crate::content::history::{FileChange, FileStatus, Period, PeriodError, Since};
use crate::content::meta::Date;

/// The kinds of documents, in the order the page lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// Policies.
    Policies,
    /// Plain pages: scope, methodology, procedures, records.
    Pages,
    /// Risks of the register.
    Risks,
    /// Implementation statements of Annex A controls.
    Controls,
    /// The organisation's guidance on controls.
    Guidance,
    /// Roles.
    Roles,
    /// Other files: evidence, images, attachments.
    Files,
}

impl Group {
    /// Every group, in order.
    pub const ALL: [Group; 7] = [
        Group::Policies,
        Group::Pages,
        Group::Risks,
        Group::Controls,
        Group::Guidance,
        Group::Roles,
        Group::Files,
    ];

    /// The heading of the group.
    pub fn title(self) -> &'static str {
        match self {
            Group::Policies => "Policies",
            Group::Pages => "Pages and records",
            Group::Risks => "Risks",
            Group::Controls => "Annex A control statements",
            Group::Guidance => "ISO/IEC 27002 guidance",
            Group::Roles => "Roles",
            Group::Files => "Other files",
        }
    }

    /// Its anchor on the page.
    pub fn key(self) -> &'static str {
        match self {
            Group::Policies => "policies",
            Group::Pages => "pages",
            Group::Risks => "risks",
            Group::Controls => "controls",
            Group::Guidance => "guidance",
            Group::Roles => "roles",
            Group::Files => "files",
        }
    }

    fn of(rel: &str) -> Group {
        if !rel.ends_with(".md") {
            return Group::Files;
        }
        match Kind::of(rel) {
            Kind::Policy => Group::Policies,
            Kind::Control => Group::Controls,
            Kind::Guidance => Group::Guidance,
            Kind::Role => Group::Roles,
            Kind::Risk => Group::Risks,
            Kind::Page => Group::Pages,
        }
    }
}

/// A document of the handbook as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// Index into [`Handbook::policies`].
    Policy(usize),
    /// Index into [`Handbook::controls`]: its statement.
    Control(usize),
    /// Index into [`Handbook::controls`]: its guidance.
    Guidance(usize),
    /// Index into [`Handbook::roles`].
    Role(usize),
    /// Index into [`Handbook::risks`].
    Risk(usize),
    /// Index into [`Handbook::pages`].
    Page(usize),
    /// Index into [`Handbook::assets`].
    Asset(usize),
}

/// One file that changed, and the document it is now.
#[derive(Debug, Clone)]
pub struct Changed {
    /// What git says of it.
    pub file: FileChange,
    /// Its kind.
    pub group: Group,
    /// The document it is now; None when removed (or not in the site).
    pub document: Option<Document>,
}

/// What changed since the last audit.
#[derive(Debug, Clone)]
pub struct Changes {
    /// Where the period starts, as asked (or the default).
    pub since: Since,
    /// Whether it was asked (`[audit] since` or `--since`).
    pub configured: bool,
    /// The period, or why it could not be worked out.
    pub period: Result<Period, PeriodError>,
    /// The files that changed, by group then path.
    pub files: Vec<Changed>,
}

impl Changes {
    /// How many distinct commits of the period changed the files listed.
    pub fn commits(&self) -> usize {
        let mut hashes: Vec<&str> = self
            .files
            .iter()
            .flat_map(|c| c.file.commits.iter().map(|c| c.hash.as_str()))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes.len()
    }
}

/// The start of the period when none is configured: a year before `today`.
pub fn default_since(today: Date) -> Since {
    let year = jiff::Span::new().years(1);
    Since::Date(Date(today.0.checked_sub(year).unwrap_or(today.0)))
}

/// The period the handbook's settings ask for, resolved in its history.
pub fn period(h: &Handbook) -> (Since, Result<Period, PeriodError>) {
    let since = h
        .config
        .audit
        .since
        .clone()
        .unwrap_or_else(|| default_since(h.today));
    let period = h.history.period(&since);
    (since, period)
}

/// Every document added, changed, renamed or removed in the period.
pub fn changes(h: &Handbook) -> Changes {
    let (since, period) = period(h);
    let files = match &period {
        Ok(p) => {
            let documents = by_path(h);
            let mut files: Vec<Changed> = h
                .history
                .changes(p)
                .into_iter()
                .map(|file| {
                    let document = match file.status {
                        FileStatus::Removed => None,
                        _ => documents.get(file.path.as_str()).copied(),
                    };
                    Changed {
                        group: Group::of(&file.path),
                        document,
                        file,
                    }
                })
                .collect();
            files.sort_by(|a, b| (a.group, &a.file.path).cmp(&(b.group, &b.file.path)));
            files
        }
        Err(_) => Vec::new(),
    };
    Changes {
        since,
        configured: h.config.audit.since.is_some(),
        period,
        files,
    }
}

/// Every document and file of the site by content path.
fn by_path(h: &Handbook) -> FxHashMap<&str, Document> {
    let mut map: FxHashMap<&str, Document> = FxHashMap::default();
    let policies = h.policies.iter().enumerate();
    map.extend(policies.map(|(i, p)| (p.source.rel.as_str(), Document::Policy(i))));
    for (i, c) in h.controls.iter().enumerate() {
        if let Some(s) = &c.statement {
            map.insert(&s.source.rel, Document::Control(i));
        }
        if let Some(g) = &c.guidance {
            map.insert(&g.source.rel, Document::Guidance(i));
        }
    }
    let roles = h.roles.iter().enumerate();
    map.extend(roles.map(|(i, r)| (r.source.rel.as_str(), Document::Role(i))));
    let risks = h.risks.iter().enumerate();
    map.extend(risks.map(|(i, r)| (r.source.rel.as_str(), Document::Risk(i))));
    let pages = h.pages.iter().enumerate();
    map.extend(pages.map(|(i, p)| (p.source.rel.as_str(), Document::Page(i))));
    let assets = h.assets.iter().enumerate();
    map.extend(assets.map(|(i, a)| (a.rel.as_str(), Document::Asset(i))));
    map
}

/// The site path of a document's page (an asset is its own file).
pub fn url(h: &Handbook, d: Document) -> String {
    match d {
        Document::Policy(i) => urls::policy(&h.policies[i].id),
        Document::Control(i) => urls::control(h.controls[i].info().id),
        Document::Guidance(i) => urls::guidance(h.controls[i].info().id),
        Document::Role(i) => urls::role(&h.roles[i].id),
        Document::Risk(i) => urls::risk(&h.risks[i].id),
        Document::Page(i) => h.pages[i].url.clone(),
        Document::Asset(i) => h.assets[i].rel.clone(),
    }
}
