//! Stage 2: the handbook, linked and validated.
//!
//! [`link`] turns the loaded documents into one [`Handbook`]: every id
//! resolved to the thing it names (roles, policies, Annex A controls), every
//! relation made walkable in both directions (a control knows the policies
//! that address it whichever side declared it; a role knows what it owns and
//! what it must read; a control knows the risks it treats), every Markdown
//! body rendered with its links resolved.
//! A handbook is only returned when nothing is wrong with it, so the
//! renderer can rely on every reference.

mod audit;
pub mod changes;
pub mod clauses;
mod href;
mod link;
mod resolve;
mod risk;

use std::path::PathBuf;
use std::sync::Arc;

pub use audit::audit;
pub use link::{BodyCache, link, link_with, relink_bodies};
pub use resolve::join;
pub use risk::{Acceptor, Action, Assessed, Decision, Risk, Treatment, Use, natural_key};

use crate::catalog::{self, Catalog};
use crate::config::Config;
use crate::content::Asset;
use crate::content::history::{Committed, Pending};
use crate::content::meta::{Classification, Date, Evidence, Extra, Revision, SignOff, Status};
use crate::diagnostics::Position;
use crate::markdown::{Heading, Section};

/// A rendered Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// The HTML, links already relative to the document's page.
    pub html: String,
    /// Its headings.
    pub headings: Vec<Heading>,
    /// Its plain text cut at headings, for the search index.
    pub sections: Vec<Section>,
    /// Its links to `#heading` anchors, checked by [`audit`].
    pub anchor_links: Vec<AnchorLink>,
    /// About how many minutes it takes to read ([`Body::minutes`]).
    pub minutes: std::sync::OnceLock<u32>,
}

impl Body {
    /// About how many minutes it takes to read ([`reading_minutes`]):
    /// counted on first use (policies' bodies only), then kept with the
    /// body, in the body cache too.
    pub fn minutes(&self) -> u32 {
        *self.minutes.get_or_init(|| reading_minutes(&self.sections))
    }
}

/// Words read per minute, for reading-time estimates: a steady pace for
/// policy text, which is read with care.
const WORDS_PER_MINUTE: usize = 200;
/// Characters of Chinese or Japanese read per minute.
const CJK_CHARS_PER_MINUTE: usize = 500;

/// About how many minutes a text takes to read, at least 1. Words are
/// counted between spaces; Chinese and Japanese, written without them, by
/// characters.
pub fn reading_minutes(sections: &[Section]) -> u32 {
    let (mut words, mut cjk, mut in_word) = (0usize, 0usize, false);
    for s in sections {
        for c in s
            .heading
            .chars()
            .chain([' '])
            .chain(s.text.chars())
            .chain([' '])
        {
            let space = if c.is_ascii() {
                c.is_ascii_whitespace()
            } else if crate::search::tokenize::is_cjk(c) {
                cjk += 1;
                true
            } else {
                c.is_whitespace()
            };
            if !space && !in_word {
                words += 1;
            }
            in_word = !space;
        }
    }
    let minutes = (words as f64 / WORDS_PER_MINUTE as f64
        + cjk as f64 / CJK_CHARS_PER_MINUTE as f64)
        .ceil() as u32;
    minutes.max(1)
}

/// A link in a body to a heading anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorLink {
    /// Where the link is written.
    pub at: Position,
    /// The page it leads to, from the site root; None: its own page.
    pub page: Option<String>,
    /// The anchor, without `#`.
    pub fragment: String,
}

/// Where a document came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path for messages.
    pub path: PathBuf,
    /// `/`-separated path in the content folder.
    pub rel: String,
    /// Hash of the file's text (to reuse its rendered body when unchanged).
    pub hash: u64,
    /// When it last changed: `updated` in its front matter, else its last
    /// git commit, if known.
    pub changed: Option<Date>,
    /// What its working copy holds that is not committed, if anything.
    pub pending: Option<Pending>,
    /// The language it is written in, when its front matter names one.
    pub language: Option<String>,
}

/// Who must read a policy, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Everyone.
    All,
    /// These roles (indexes into [`Handbook::roles`]).
    Roles(Vec<usize>),
}

impl Audience {
    /// Whether a role is in the audience.
    pub fn includes(&self, role: usize) -> bool {
        match self {
            Audience::All => true,
            Audience::Roles(r) => r.contains(&role),
        }
    }
}

/// A policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Id, unique among policies.
    pub id: String,
    /// Title.
    pub title: String,
    /// Source file.
    pub source: Source,
    /// Owning role.
    pub owner: usize,
    /// Approving role.
    pub approver: Option<usize>,
    /// Version label.
    pub version: Option<String>,
    /// Date it took effect.
    pub effective: Option<Date>,
    /// Date of the next review.
    pub review: Option<Date>,
    /// Classification.
    pub classification: Classification,
    /// Who must read it (None: not stated).
    pub audience: Option<Audience>,
    /// Controls it addresses (indexes into [`Handbook::controls`]), declared
    /// here or by the control's statement, in clause order.
    pub controls: Vec<usize>,
    /// Revision history, as written.
    pub history: Vec<Revision>,
    /// Who approved the current version, and when.
    pub approved: Option<SignOff>,
    /// Clauses 4–10 it is documented information for.
    pub clauses: Vec<ClauseRef>,
    /// Free-form template values.
    pub extra: Extra,
    /// The policy text.
    pub body: Arc<Body>,
    /// About how many minutes it takes to read ([`reading_minutes`]).
    pub minutes: u32,
}

/// A reference to a clause of 4–10, or to one item of documented
/// information it requires (`6.1.3 d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClauseRef {
    /// Index into the clause catalog.
    pub clause: usize,
    /// Index into the catalog's required documented information, when a
    /// letter names one item.
    pub item: Option<usize>,
}

/// An implementation statement (`controls/<id>.md`).
#[derive(Debug, Clone)]
pub struct Statement {
    /// Source file.
    pub source: Source,
    /// Whether the control applies.
    pub applicable: bool,
    /// Why it is included or excluded, as plain text (links as their text).
    pub justification: String,
    /// The justification in pieces, with its links.
    pub justification_pieces: Vec<crate::markdown::Piece>,
    /// Ids of the risks the justification links to (`[R-05](risk:R-05)`).
    pub cites_risks: Vec<String>,
    /// Implementation status (None when not applicable).
    pub status: Option<Status>,
    /// Owning role.
    pub owner: Option<usize>,
    /// Evidence that it operates.
    pub evidence: Vec<Evidence>,
    /// Free-form template values.
    pub extra: Extra,
    /// How the organisation implements the control.
    pub body: Arc<Body>,
}

/// The organisation's own guidance for a control (`guidance/<id>.md`).
#[derive(Debug, Clone)]
pub struct Guidance {
    /// Source file.
    pub source: Source,
    /// Title, if it differs from the control's.
    pub title: Option<String>,
    /// Free-form template values.
    pub extra: Extra,
    /// The guidance text.
    pub body: Arc<Body>,
}

/// One of the 93 Annex A controls, with what the handbook says about it.
#[derive(Debug, Clone)]
pub struct Control {
    /// Index into the catalog's controls (also its index here).
    pub index: usize,
    /// The implementation statement, if written.
    pub statement: Option<Statement>,
    /// The organisation's guidance, if written.
    pub guidance: Option<Guidance>,
    /// Policies that address it, declared on either side, in handbook order.
    pub policies: Vec<usize>,
}

/// Where a control stands, as shown by badges and the SoA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlState {
    /// Applicable and implemented.
    Implemented,
    /// Applicable, partly implemented.
    Partial,
    /// Applicable, planned.
    Planned,
    /// Applicable, not implemented.
    NotImplemented,
    /// Excluded, with a justification.
    NotApplicable,
    /// No statement written yet: a gap.
    NoStatement,
}

impl ControlState {
    /// Every state, in the order dashboards list them.
    pub const ALL: [ControlState; 6] = [
        ControlState::Implemented,
        ControlState::Partial,
        ControlState::Planned,
        ControlState::NotImplemented,
        ControlState::NotApplicable,
        ControlState::NoStatement,
    ];

    /// The label users read.
    pub fn label(self) -> &'static str {
        match self {
            ControlState::Implemented => "Implemented",
            ControlState::Partial => "Partial",
            ControlState::Planned => "Planned",
            ControlState::NotImplemented => "Not implemented",
            ControlState::NotApplicable => "Not applicable",
            ControlState::NoStatement => "No statement",
        }
    }

    /// The CSS class / machine name (`not-implemented`).
    pub fn key(self) -> &'static str {
        match self {
            ControlState::Implemented => "implemented",
            ControlState::Partial => "partial",
            ControlState::Planned => "planned",
            ControlState::NotImplemented => "not-implemented",
            ControlState::NotApplicable => "not-applicable",
            ControlState::NoStatement => "no-statement",
        }
    }
}

impl Control {
    /// Its catalog entry (id, title, theme, attributes).
    pub fn info(&self) -> &'static catalog::Control {
        &catalog::catalog().controls[self.index]
    }

    /// Where it stands.
    pub fn state(&self) -> ControlState {
        match &self.statement {
            None => ControlState::NoStatement,
            Some(s) if !s.applicable => ControlState::NotApplicable,
            Some(s) => match s.status {
                Some(Status::Implemented) => ControlState::Implemented,
                Some(Status::Partial) => ControlState::Partial,
                Some(Status::Planned) => ControlState::Planned,
                Some(Status::NotImplemented) | None => ControlState::NotImplemented,
            },
        }
    }
}

/// A role.
#[derive(Debug, Clone)]
pub struct Role {
    /// Id, unique among roles.
    pub id: String,
    /// Title.
    pub title: String,
    /// Source file.
    pub source: Source,
    /// People or teams who hold it.
    pub assignees: Vec<String>,
    /// The role it reports to.
    pub reports_to: Option<usize>,
    /// Free-form template values.
    pub extra: Extra,
    /// Responsibilities.
    pub body: Arc<Body>,
    /// Roles that report to it.
    pub direct_reports: Vec<usize>,
    /// Policies it owns.
    pub owns_policies: Vec<usize>,
    /// Policies it approves.
    pub approves_policies: Vec<usize>,
    /// Controls it owns.
    pub owns_controls: Vec<usize>,
    /// The policies addressed to it by name (their audience lists it), by
    /// title. Its whole reading list is everyone's ([`Handbook::everyone`])
    /// and these.
    pub reading_list: Vec<usize>,
}

/// The most of everyone's policies that each role's reading list, role page
/// and onboarding pack repeat in full, and the most policies a pack prints
/// in full. Handbooks have a few dozen; past this, a role's pages name
/// everyone's list and link to it, so they do not grow with roles ×
/// policies.
pub const IN_FULL: usize = 100;

/// A plain page (any other Markdown file).
#[derive(Debug, Clone)]
pub struct Page {
    /// Source file.
    pub source: Source,
    /// Output path, e.g. `procedures/backup.html`.
    pub url: String,
    /// Title.
    pub title: String,
    /// Sort key among siblings.
    pub weight: Option<i64>,
    /// Owning role, for a managed document or record.
    pub owner: Option<usize>,
    /// Version label.
    pub version: Option<String>,
    /// Date of the next review.
    pub review: Option<Date>,
    /// Clauses 4–10 it is documented information for.
    pub clauses: Vec<ClauseRef>,
    /// Free-form template values.
    pub extra: Extra,
    /// The page text.
    pub body: Arc<Body>,
}

/// When a policy is next due for review, relative to the build date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    /// No review date set.
    Unscheduled,
    /// The date has passed, by this many days.
    Overdue(i32),
    /// Due within the warning window, in this many days.
    DueSoon(i32),
    /// Due later.
    Scheduled,
}

/// The whole handbook: every document linked, every reference resolved.
#[derive(Debug, Clone)]
pub struct Handbook {
    /// The settings it was built with.
    pub config: Config,
    /// The date reviews are measured against.
    pub today: Date,
    /// Policies, by title.
    pub policies: Vec<Policy>,
    /// All 93 Annex A controls, in clause order.
    pub controls: Vec<Control>,
    /// Roles, by title.
    pub roles: Vec<Role>,
    /// Plain pages, by path; the home page (`index.md`) among them.
    pub pages: Vec<Page>,
    /// The risk register, by id (numbers in ids compare as numbers).
    pub risks: Vec<Risk>,
    /// Files copied as they are.
    pub assets: Vec<Asset>,
    /// Policies everyone must read (`audience: all`), by title: the
    /// reading list of staff without a role, and the start of every role's.
    pub everyone: Vec<usize>,
    /// The git history of the content folder, per file.
    pub history: Committed,
}

impl Handbook {
    /// The built-in catalog.
    pub fn catalog(&self) -> &'static Catalog {
        catalog::catalog()
    }

    /// Where a policy's review stands.
    pub fn review(&self, policy: &Policy) -> Review {
        self.review_on(policy.review)
    }

    /// Where a review due on `date` stands (a policy's or a page's).
    pub fn review_on(&self, date: Option<Date>) -> Review {
        match date {
            None => Review::Unscheduled,
            Some(date) => {
                let days = self.today.days_until(date);
                if days < 0 {
                    Review::Overdue(-days)
                } else if days <= self.config.check.review_warning_days {
                    Review::DueSoon(days)
                } else {
                    Review::Scheduled
                }
            }
        }
    }

    /// Whether the handbook keeps a risk register (it has risks).
    pub fn has_risks(&self) -> bool {
        !self.risks.is_empty()
    }

    /// About how many minutes the policies of `list` take to read.
    pub fn minutes(&self, list: &[usize]) -> u32 {
        list.iter().map(|&p| self.policies[p].minutes).sum()
    }

    /// Whether every role's reading list repeats everyone's policies in
    /// full ([`IN_FULL`]).
    pub fn everyone_in_full(&self) -> bool {
        self.everyone.len() <= IN_FULL
    }

    /// The home page, if `index.md` exists.
    pub fn home(&self) -> Option<&Page> {
        self.pages.iter().find(|p| p.source.rel == "index.md")
    }
}

/// Output paths of the pages of each kind, and the links to them.
pub mod urls {
    pub use super::href::{decode, href};

    /// `policies/<id>.html`
    pub fn policy(id: &str) -> String {
        format!("policies/{id}.html")
    }
    /// `controls/<id>.html`
    pub fn control(id: &str) -> String {
        format!("controls/{id}.html")
    }
    /// `guidance/<id>.html`
    pub fn guidance(id: &str) -> String {
        format!("guidance/{id}.html")
    }
    /// `roles/<id>.html`
    pub fn role(id: &str) -> String {
        format!("roles/{id}.html")
    }
    /// `risks/<id>.html`
    pub fn risk(id: &str) -> String {
        format!("risks/{id}.html")
    }
    /// `reading/<id>.html`: a role's onboarding reading list.
    pub fn reading(role: &str) -> String {
        format!("reading/{role}.html")
    }
    /// `reading/print/<id>.html`: a role's printable onboarding pack.
    pub fn reading_pack(role: &str) -> String {
        format!("reading/print/{role}.html")
    }
    /// The page of a plain Markdown file: `.md` becomes `.html`.
    pub fn page(rel: &str) -> String {
        match rel.strip_suffix(".md") {
            Some(stem) => format!("{stem}.html"),
            None => rel.to_owned(),
        }
    }
    /// The Statement of Applicability.
    pub const SOA: &str = "soa.html";
    /// The SoA as CSV.
    pub const SOA_CSV: &str = "soa.csv";
    /// The risk register: heat maps and every risk.
    pub const RISKS: &str = "risks.html";
    /// The risk register as CSV.
    pub const RISKS_CSV: &str = "risks.csv";
    /// The risk treatment plan: every open action by due date.
    pub const TREATMENT_PLAN: &str = "treatment-plan.html";
    /// The policy list.
    pub const POLICIES: &str = "policies/index.html";
    /// The Annex A catalog.
    pub const CONTROLS: &str = "controls/index.html";
    /// The ISO/IEC 27002 guidance list.
    pub const GUIDANCE: &str = "guidance/index.html";
    /// The role list.
    pub const ROLES: &str = "roles/index.html";
    /// The list of plain pages.
    pub const CONTENTS: &str = "contents.html";
    /// The not-found page.
    pub const NOT_FOUND: &str = "404.html";
    /// The whole handbook on one page.
    pub const PRINT: &str = "print.html";
    /// Clauses 4–10: readiness and the documents for each clause.
    pub const CLAUSES: &str = "clauses.html";

    /// What changed since the last audit.
    pub const CHANGES: &str = "changes.html";

    /// The place of one clause on the clauses page: `clauses.html#clause-9.2`.
    pub fn clause(id: &str) -> String {
        format!("{CLAUSES}#clause-{id}")
    }
    /// The home page.
    pub const HOME: &str = "index.html";
    /// The status in full: gaps and reviews (the home page has the summary).
    pub const STATUS: &str = "status.html";
    /// The reading lists: everyone's, and a link to each role's.
    pub const READING: &str = "reading/index.html";
    /// The onboarding pack of staff without a role: everyone's reading list.
    pub const READING_PACK: &str = "reading/print/index.html";
    /// Every reading list as CSV, for HR and learning systems.
    pub const READING_CSV: &str = "reading-lists.csv";
    /// The theme's static files.
    pub const STATIC_DIR: &str = "static";

    /// Paths generated by ismsbook that a plain page or asset must not take,
    /// in any mix of case (a case-insensitive file system would merge them).
    pub fn is_reserved(path: &str) -> bool {
        let path = path.to_lowercase();
        [
            SOA,
            SOA_CSV,
            RISKS,
            RISKS_CSV,
            TREATMENT_PLAN,
            CONTENTS,
            NOT_FOUND,
            PRINT,
            CLAUSES,
            CHANGES,
            STATUS,
            READING_CSV,
        ]
        .contains(&path.as_str())
            || path.starts_with("static/")
            || path.starts_with("search/")
            || (path.ends_with(".html")
                && [
                    "policies/",
                    "controls/",
                    "guidance/",
                    "roles/",
                    "risks/",
                    "reading/",
                ]
                .iter()
                .any(|p| path.starts_with(p)))
    }

    /// The prefix that leads from the page at `url` back to the site root.
    pub fn root_of(url: &str) -> String {
        "../".repeat(url.matches('/').count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(heading: &str, text: &str) -> Vec<Section> {
        vec![Section {
            anchor: None,
            heading: heading.to_owned(),
            text: text.to_owned(),
        }]
    }

    #[test]
    fn reading_time_counts_words_and_characters() {
        assert_eq!(reading_minutes(&[]), 1, "at least a minute");
        assert_eq!(reading_minutes(&text("Scope", &"word ".repeat(199))), 1);
        assert_eq!(reading_minutes(&text("Scope", &"word ".repeat(200))), 2);
        // Japanese has no spaces: 1,000 characters are two minutes.
        assert_eq!(reading_minutes(&text("", &"情報".repeat(500))), 2);
    }
}
