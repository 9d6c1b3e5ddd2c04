//! What templates see: small, serialisable views of the handbook.
//!
//! Every URL in a view is relative to the site root; templates prefix it
//! with `root` (`""`, `"../"`), so the site works from disk and under any
//! sub-path. Views carry only what their page shows, so a page's context
//! stays small however large the handbook grows.

use serde::Serialize;

use super::register::{RiskRefs, RiskUse};
use crate::catalog::clauses::{Generated, clauses as clause_catalog};
use crate::catalog::{Attributes, Theme};
use crate::content::meta::{Classification, Date, Evidence, Extra, Revision, SignOff};
use crate::handbook::clauses::{ItemState, Readiness, Source};
use crate::handbook::{
    Audience, ClauseRef, Control, ControlState, Guidance, Handbook, Page, Policy, Review, Role,
    urls,
};
use crate::markdown::{Heading, Piece};

/// A link to a page.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// The link from the site root ([`urls::href`]: percent-encoded).
    pub url: String,
    /// Text to show.
    pub title: String,
}

impl Link {
    /// A link to the site file at `path`, shown as `title`.
    pub fn to(path: &str, title: &str) -> Link {
        Link {
            url: urls::href(path),
            title: title.to_owned(),
        }
    }
}

/// A control's state as a badge.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Badge {
    /// CSS / machine name, e.g. `not-implemented`.
    pub key: &'static str,
    /// Label, e.g. "Not implemented".
    pub label: &'static str,
}

impl From<ControlState> for Badge {
    fn from(s: ControlState) -> Self {
        Badge {
            key: s.key(),
            label: s.label(),
        }
    }
}

/// A control as listed on other pages.
#[derive(Debug, Clone, Serialize)]
pub struct ControlRef {
    /// `5.15`
    pub id: &'static str,
    /// `Access control`
    pub title: &'static str,
    /// Its theme.
    pub theme: &'static str,
    /// The link to its Annex A page.
    pub url: String,
    /// The link to its ISO/IEC 27002 guidance page.
    pub guidance_url: String,
    /// Where it stands.
    pub state: Badge,
    /// Owning role, if stated.
    pub owner: Option<Link>,
}

/// Links and badges computed once per build and shared by every page.
pub struct Refs {
    /// One per policy.
    pub policies: Vec<Link>,
    /// One per role.
    pub roles: Vec<Link>,
    /// One per control.
    pub controls: Vec<ControlRef>,
    /// Roles by id, and the risks of each control.
    pub risks: RiskRefs,
}

impl Refs {
    /// Computes the links of every policy, role and control.
    pub fn new(h: &Handbook) -> Refs {
        let roles: Vec<Link> = h
            .roles
            .iter()
            .map(|r| Link::to(&urls::role(&r.id), &r.title))
            .collect();
        let policies = h
            .policies
            .iter()
            .map(|p| Link::to(&urls::policy(&p.id), &p.title))
            .collect();
        let controls = h
            .controls
            .iter()
            .map(|c| {
                let info = c.info();
                ControlRef {
                    id: info.id,
                    title: info.title,
                    theme: info.theme.name(),
                    url: urls::href(&urls::control(info.id)),
                    guidance_url: urls::href(&urls::guidance(info.id)),
                    state: c.state().into(),
                    owner: c
                        .statement
                        .as_ref()
                        .and_then(|s| s.owner)
                        .map(|o| roles[o].clone()),
                }
            })
            .collect();
        Refs {
            policies,
            roles,
            controls,
            risks: RiskRefs::new(h),
        }
    }

    fn policies(&self, list: &[usize]) -> Vec<Link> {
        list.iter().map(|&i| self.policies[i].clone()).collect()
    }
    fn roles(&self, list: &[usize]) -> Vec<Link> {
        list.iter().map(|&i| self.roles[i].clone()).collect()
    }
    fn controls(&self, list: &[usize]) -> Vec<ControlRef> {
        list.iter().map(|&i| self.controls[i].clone()).collect()
    }
}

/// When a policy is next reviewed, as shown by badges.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    /// The date, if set.
    pub date: Option<Date>,
    /// `overdue`, `due-soon`, `scheduled` or `unscheduled`.
    pub state: &'static str,
    /// Days overdue or days left, where that matters.
    pub days: Option<i32>,
}

fn review(h: &Handbook, p: &Policy) -> ReviewView {
    review_on(h, p.review)
}

fn review_on(h: &Handbook, date: Option<Date>) -> ReviewView {
    let (state, days) = match h.review_on(date) {
        Review::Unscheduled => ("unscheduled", None),
        Review::Overdue(d) => ("overdue", Some(d)),
        Review::DueSoon(d) => ("due-soon", Some(d)),
        Review::Scheduled => ("scheduled", None),
    };
    ReviewView { date, state, days }
}

/// A policy as listed on other pages.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyRow {
    /// Link to it.
    pub link: Link,
    /// Its id.
    pub id: String,
    /// Owning role.
    pub owner: Link,
    /// Version label.
    pub version: Option<String>,
    /// Classification.
    pub classification: Classification,
    /// Next review.
    pub review: ReviewView,
    /// Date it took effect.
    pub effective: Option<Date>,
    /// Approving role.
    pub approver: Option<Link>,
    /// Who approved the current version, and when.
    pub approved: Option<SignOff>,
    /// When its source last changed, if known.
    pub changed: Option<Date>,
}

/// Lists policies as rows.
pub fn policy_rows(
    h: &Handbook,
    refs: &Refs,
    list: impl IntoIterator<Item = usize>,
) -> Vec<PolicyRow> {
    list.into_iter()
        .map(|i| {
            let p = &h.policies[i];
            PolicyRow {
                link: refs.policies[i].clone(),
                id: p.id.clone(),
                owner: refs.roles[p.owner].clone(),
                version: p.version.clone(),
                classification: p.classification,
                review: review(h, p),
                effective: p.effective,
                approver: p.approver.map(|a| refs.roles[a].clone()),
                approved: p.approved.clone(),
                changed: p.source.changed,
            }
        })
        .collect()
}

/// What a page's footer says of edits to its source not yet committed
/// (empty when there are none).
pub fn uncommitted(source: &crate::handbook::Source) -> &'static str {
    pending_words(source.pending)
}

/// Edits not yet committed, in words (empty when there are none).
pub fn pending_words(pending: Option<crate::content::history::Pending>) -> &'static str {
    use crate::content::history::Pending;
    match pending {
        None => "",
        Some(Pending::Edited) => "edited since, not yet committed",
        Some(Pending::New) => "not yet committed",
        Some(Pending::Deleted) => "deleted, not yet committed",
    }
}

/// A rendered body.
#[derive(Debug, Serialize)]
pub struct BodyView<'a> {
    /// HTML.
    pub html: &'a str,
    /// Headings, for an "on this page" list.
    pub headings: Vec<&'a Heading>,
}

pub(super) fn body(b: &crate::handbook::Body) -> BodyView<'_> {
    BodyView {
        html: &b.html,
        headings: b.headings.iter().filter(|h| h.level == 2).collect(),
    }
}

/// The policy page.
#[derive(Debug, Serialize)]
pub struct PolicyView<'a> {
    /// Id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Source path in the content folder.
    pub source: &'a str,
    /// When the source last changed, if known.
    pub changed: Option<Date>,
    /// Edits of the source not yet committed, in words (empty if none).
    pub uncommitted: &'static str,
    /// Its language, when its front matter names one.
    pub language: Option<&'a str>,
    /// Owning role.
    pub owner: Link,
    /// Approving role.
    pub approver: Option<Link>,
    /// Version.
    pub version: Option<&'a str>,
    /// Effective date.
    pub effective: Option<Date>,
    /// Next review.
    pub review: ReviewView,
    /// Classification.
    pub classification: Classification,
    /// Everyone must read it.
    pub audience_all: bool,
    /// Roles that must read it.
    pub audience: Vec<Link>,
    /// Controls it addresses.
    pub controls: Vec<ControlRef>,
    /// Revision history.
    pub history: &'a [Revision],
    /// Who approved the current version, and when.
    pub approved: Option<&'a SignOff>,
    /// Clauses 4–10 it is documented information for.
    pub clauses: Vec<Link>,
    /// Free-form values.
    pub extra: &'a Extra,
    /// The text.
    pub body: BodyView<'a>,
}

/// Links to the clauses a document lists, on the clauses page.
fn clause_links(refs: &[ClauseRef]) -> Vec<Link> {
    let catalog = clause_catalog();
    refs.iter()
        .map(|r| {
            let c = &catalog.clauses[r.clause];
            let title = match r.item {
                Some(i) => format!(
                    "Clause {} {}",
                    catalog.required[i].key, catalog.required[i].what
                ),
                None => format!("Clause {} {}", c.id, c.heading),
            };
            Link {
                url: urls::clause(c.id),
                title,
            }
        })
        .collect()
}

/// Builds the view of one policy.
pub fn policy<'a>(h: &Handbook, refs: &Refs, p: &'a Policy) -> PolicyView<'a> {
    let (audience_all, audience) = match &p.audience {
        Some(Audience::All) => (true, Vec::new()),
        Some(Audience::Roles(r)) => (false, refs.roles(r)),
        None => (false, Vec::new()),
    };
    PolicyView {
        id: &p.id,
        title: &p.title,
        source: &p.source.rel,
        changed: p.source.changed,
        uncommitted: uncommitted(&p.source),
        language: p.source.language.as_deref(),
        owner: refs.roles[p.owner].clone(),
        approver: p.approver.map(|a| refs.roles[a].clone()),
        version: p.version.as_deref(),
        effective: p.effective,
        review: review(h, p),
        classification: p.classification,
        audience_all,
        audience,
        controls: refs.controls(&p.controls),
        history: &p.history,
        approved: p.approved.as_ref(),
        clauses: clause_links(&p.clauses),
        extra: &p.extra,
        body: body(&p.body),
    }
}

/// A 2013 control that a 2022 control replaces.
#[derive(Debug, Serialize)]
pub struct Predecessor {
    /// `A.9.2.3`
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
}

/// The Annex A control page.
#[derive(Debug, Serialize)]
pub struct ControlView<'a> {
    /// The control as listed elsewhere (id, title, urls, state, owner).
    #[serde(flatten)]
    pub head: ControlRef,
    /// Clause number of its theme.
    pub clause: u8,
    /// Whether a statement exists.
    pub has_statement: bool,
    /// Applicable (None: no statement).
    pub applicable: Option<bool>,
    /// Why included or excluded.
    pub justification: Option<&'a str>,
    /// The justification in pieces, with its links.
    pub justification_pieces: Option<&'a [Piece]>,
    /// The risks it treats, in place or planned.
    pub risks: Vec<RiskUse>,
    /// Source of the statement.
    pub source: Option<&'a str>,
    /// When the source last changed, if known.
    pub changed: Option<Date>,
    /// Edits of the source not yet committed, in words (empty if none).
    pub uncommitted: &'static str,
    /// Policies that address it.
    pub policies: Vec<Link>,
    /// Evidence.
    pub evidence: &'a [Evidence],
    /// The implementation statement.
    pub body: Option<BodyView<'a>>,
    /// 2013 controls it replaces.
    pub predecessors: Vec<Predecessor>,
    /// Whether the organisation wrote its own guidance.
    pub has_guidance: bool,
    /// Free-form values.
    pub extra: Option<&'a Extra>,
    /// The previous control in clause order.
    pub previous: Option<ControlRef>,
    /// The next control in clause order.
    pub next: Option<ControlRef>,
}

/// Builds the view of one control.
pub fn control<'a>(h: &Handbook, refs: &Refs, c: &'a Control) -> ControlView<'a> {
    let catalog = h.catalog();
    let s = c.statement.as_ref();
    ControlView {
        head: refs.controls[c.index].clone(),
        clause: c.info().theme.clause(),
        has_statement: s.is_some(),
        applicable: s.map(|s| s.applicable),
        justification: s.map(|s| s.justification.as_str()),
        justification_pieces: s.map(|s| s.justification_pieces.as_slice()),
        risks: refs.risks.of_control(c.index).to_vec(),
        source: s.map(|s| s.source.rel.as_str()),
        changed: s.and_then(|s| s.source.changed),
        uncommitted: s.map_or("", |s| uncommitted(&s.source)),
        policies: refs.policies(&c.policies),
        evidence: s.map_or(&[], |s| &s.evidence),
        body: s.map(|s| body(&s.body)),
        predecessors: c
            .info()
            .predecessors
            .iter()
            .map(|&i| Predecessor {
                id: catalog.legacy[i].id,
                title: catalog.legacy[i].title,
            })
            .collect(),
        has_guidance: c.guidance.is_some(),
        extra: s.map(|s| &s.extra),
        previous: c.index.checked_sub(1).map(|i| refs.controls[i].clone()),
        next: refs.controls.get(c.index + 1).cloned(),
    }
}

/// The ISO/IEC 27002 guidance page of a control.
#[derive(Debug, Serialize)]
pub struct GuidanceView<'a> {
    /// The control.
    pub control: ControlRef,
    /// Title: the organisation's, else the control's.
    pub title: &'a str,
    /// The five attributes.
    pub attributes: &'static Attributes,
    /// The organisation's guidance.
    pub body: Option<BodyView<'a>>,
    /// Source file of the guidance.
    pub source: Option<&'a str>,
    /// When the source last changed, if known.
    pub changed: Option<Date>,
    /// Edits of the source not yet committed, in words (empty if none).
    pub uncommitted: &'static str,
    /// Link to the licensed copy of ISO/IEC 27002, when configured.
    pub licensed_url: Option<String>,
    /// Free-form values.
    pub extra: Option<&'a Extra>,
}

/// Builds the guidance view of one control.
pub fn guidance<'a>(h: &Handbook, refs: &Refs, c: &'a Control) -> GuidanceView<'a> {
    let info = c.info();
    let g: Option<&'a Guidance> = c.guidance.as_ref();
    GuidanceView {
        control: refs.controls[c.index].clone(),
        title: g.and_then(|g| g.title.as_deref()).unwrap_or(info.title),
        attributes: &info.attributes,
        body: g.map(|g| body(&g.body)),
        source: g.map(|g| g.source.rel.as_str()),
        changed: g.and_then(|g| g.source.changed),
        uncommitted: g.map_or("", |g| uncommitted(&g.source)),
        licensed_url: h.config.iso27002.link(info.id),
        extra: g.map(|g| &g.extra),
    }
}

/// One row of the Statement of Applicability.
#[derive(Debug, Serialize)]
pub struct SoaRow<'a> {
    /// The control.
    pub control: ControlRef,
    /// Applicable (None: no statement).
    pub applicable: Option<bool>,
    /// Why.
    pub justification: Option<&'a str>,
    /// The justification in pieces, with its links.
    pub justification_pieces: Option<&'a [Piece]>,
    /// Implementing documents.
    pub documents: Vec<Link>,
    /// The risks it treats, in place or planned.
    pub risks: Vec<RiskUse>,
    /// Titles of the evidence that it operates.
    pub evidence: Vec<&'a str>,
    /// When its statement last changed, if known.
    pub changed: Option<Date>,
}

/// The SoA, one row per control in clause order.
pub fn soa<'a>(h: &'a Handbook, refs: &Refs) -> Vec<SoaRow<'a>> {
    h.controls
        .iter()
        .map(|c| {
            let s = c.statement.as_ref();
            SoaRow {
                control: refs.controls[c.index].clone(),
                applicable: s.map(|s| s.applicable),
                justification: s.map(|s| s.justification.as_str()),
                justification_pieces: s.map(|s| s.justification_pieces.as_slice()),
                documents: refs.policies(&c.policies),
                risks: refs.risks.of_control(c.index).to_vec(),
                evidence: s.map_or_else(Vec::new, |s| {
                    s.evidence.iter().map(|e| e.title.0.as_str()).collect()
                }),
                changed: s.and_then(|s| s.source.changed),
            }
        })
        .collect()
}

/// The role page.
#[derive(Debug, Serialize)]
pub struct RoleView<'a> {
    /// Id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Source file.
    pub source: &'a str,
    /// When the source last changed, if known.
    pub changed: Option<Date>,
    /// Edits of the source not yet committed, in words (empty if none).
    pub uncommitted: &'static str,
    /// Its language, when its front matter names one.
    pub language: Option<&'a str>,
    /// Who holds it.
    pub assignees: &'a [String],
    /// Whom it reports to.
    pub reports_to: Option<Link>,
    /// Who reports to it.
    pub direct_reports: Vec<Link>,
    /// Policies it owns.
    pub owns_policies: Vec<Link>,
    /// Policies it approves.
    pub approves_policies: Vec<Link>,
    /// Controls it owns.
    pub owns_controls: Vec<ControlRef>,
    /// Policies it must read: everyone's (when [`Handbook::everyone_in_full`]),
    /// then its own.
    pub reading_list: Vec<ReadingItem>,
    /// Everyone's policies, on its list whether shown in full or not.
    pub everyone: EveryoneNote,
    /// The link to its reading list, a checklist.
    pub reading_url: String,
    /// The link to its printable onboarding pack.
    pub pack_url: String,
    /// Risks it owns.
    pub owns_risks: Vec<super::register::RiskRef>,
    /// Open risk treatment actions it must carry out.
    pub actions: Vec<super::register::ActionView>,
    /// Free-form values.
    pub extra: &'a Extra,
    /// Responsibilities.
    pub body: BodyView<'a>,
}

/// Builds the view of one role.
pub fn role<'a>(h: &Handbook, refs: &Refs, r: &'a Role) -> RoleView<'a> {
    let (owns_risks, actions) = super::register::of_role(h, refs, &r.id);
    RoleView {
        owns_risks,
        actions,
        id: &r.id,
        title: &r.title,
        source: &r.source.rel,
        changed: r.source.changed,
        uncommitted: uncommitted(&r.source),
        language: r.source.language.as_deref(),
        assignees: &r.assignees,
        reports_to: r.reports_to.map(|b| refs.roles[b].clone()),
        direct_reports: refs.roles(&r.direct_reports),
        owns_policies: refs.policies(&r.owns_policies),
        approves_policies: refs.policies(&r.approves_policies),
        owns_controls: refs.controls(&r.owns_controls),
        reading_list: everyone_in_full(h)
            .iter()
            .chain(&r.reading_list)
            .map(|&p| reading_item(h, refs, p))
            .collect(),
        everyone: everyone_note(h),
        reading_url: urls::href(&urls::reading(&r.id)),
        pack_url: urls::href(&urls::reading_pack(&r.id)),
        extra: &r.extra,
        body: body(&r.body),
    }
}

/// A role as listed on the roles page.
#[derive(Debug, Serialize)]
pub struct RoleRow<'a> {
    /// Link to it.
    pub link: Link,
    /// Who holds it.
    pub assignees: &'a [String],
    /// Whom it reports to.
    pub reports_to: Option<Link>,
}

/// All roles as rows.
pub fn role_rows<'a>(h: &'a Handbook, refs: &Refs) -> Vec<RoleRow<'a>> {
    h.roles
        .iter()
        .enumerate()
        .map(|(i, r)| RoleRow {
            link: refs.roles[i].clone(),
            assignees: &r.assignees,
            reports_to: r.reports_to.map(|b| refs.roles[b].clone()),
        })
        .collect()
}

/// A plain page.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    /// Title.
    pub title: &'a str,
    /// Source file.
    pub source: &'a str,
    /// When the source last changed, if known.
    pub changed: Option<Date>,
    /// Edits of the source not yet committed, in words (empty if none).
    pub uncommitted: &'static str,
    /// Its language, when its front matter names one.
    pub language: Option<&'a str>,
    /// Owning role, for a managed document or record.
    pub owner: Option<Link>,
    /// Version label.
    pub version: Option<&'a str>,
    /// Next review, if scheduled.
    pub review: Option<ReviewView>,
    /// Clauses 4–10 it is documented information for.
    pub clauses: Vec<Link>,
    /// Whether it shows document details (owner, version, review or clauses).
    pub managed: bool,
    /// Free-form values.
    pub extra: &'a Extra,
    /// The text.
    pub body: BodyView<'a>,
}

/// Builds the view of one plain page.
pub fn page<'a>(h: &Handbook, refs: &Refs, p: &'a Page) -> PageView<'a> {
    PageView {
        title: &p.title,
        source: &p.source.rel,
        changed: p.source.changed,
        uncommitted: uncommitted(&p.source),
        language: p.source.language.as_deref(),
        owner: p.owner.map(|o| refs.roles[o].clone()),
        version: p.version.as_deref(),
        review: p.review.map(|d| review_on(h, Some(d))),
        clauses: clause_links(&p.clauses),
        managed: p.owner.is_some()
            || p.version.is_some()
            || p.review.is_some()
            || !p.clauses.is_empty(),
        extra: &p.extra,
        body: body(&p.body),
    }
}

/// A document that addresses a clause, as the clauses page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseDocument {
    /// Link to it.
    pub link: Link,
    /// "Policy", "Page" or "Generated".
    pub kind: &'static str,
    /// Owning role, if any.
    pub owner: Option<Link>,
    /// Version label, if any.
    pub version: Option<String>,
    /// Next review, if scheduled.
    pub review: Option<ReviewView>,
}

/// An item of documented information that a clause requires.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseItem {
    /// `6.1.3 d`
    pub key: &'static str,
    /// What it is.
    pub what: &'static str,
    /// The clause that asks for it.
    pub clause: &'static str,
    /// The clause's place on the clauses page.
    pub clause_url: String,
    /// `present`, `review-overdue` or `missing`, and its label.
    pub state: Badge,
    /// The documents that provide it.
    pub documents: Vec<ClauseDocument>,
}

/// One clause on the clauses page.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseView {
    /// `6.1.2`
    pub id: &'static str,
    /// Its anchor on the page, `clause-6.1.2`.
    pub anchor: String,
    /// Its short heading.
    pub heading: &'static str,
    /// What it is about, in our words.
    pub summary: &'static str,
    /// 0 for a top-level clause.
    pub depth: usize,
    /// The documents that list it (or a clause above it).
    pub documents: Vec<ClauseDocument>,
    /// The documented information it requires.
    pub items: Vec<ClauseItem>,
}

/// Readiness counts, for the clauses page and the home page.
#[derive(Debug, Clone, Serialize)]
pub struct ReadinessSummary {
    /// Required items.
    pub total: usize,
    /// Provided, review not overdue.
    pub present: usize,
    /// Provided, review overdue.
    pub overdue: usize,
    /// Not provided.
    pub missing: usize,
}

/// The clauses page.
#[derive(Debug, Serialize)]
pub struct ClausesView {
    /// The counts.
    pub summary: ReadinessSummary,
    /// Every required item, in clause order.
    pub items: Vec<ClauseItem>,
    /// Every clause, in document order.
    pub clauses: Vec<ClauseView>,
}

impl From<ItemState> for Badge {
    fn from(s: ItemState) -> Self {
        Badge {
            key: s.key(),
            label: s.label(),
        }
    }
}

fn clause_document(h: &Handbook, refs: &Refs, source: Source) -> ClauseDocument {
    match source {
        Source::Policy(i) => {
            let p = &h.policies[i];
            ClauseDocument {
                link: refs.policies[i].clone(),
                kind: "Policy",
                owner: Some(refs.roles[p.owner].clone()),
                version: p.version.clone(),
                review: p.review.map(|d| review_on(h, Some(d))),
            }
        }
        Source::Page(i) => {
            let p = &h.pages[i];
            ClauseDocument {
                link: Link {
                    url: p.url.clone(),
                    title: p.title.clone(),
                },
                kind: "Page",
                owner: p.owner.map(|o| refs.roles[o].clone()),
                version: p.version.clone(),
                review: p.review.map(|d| review_on(h, Some(d))),
            }
        }
        Source::Generated(g) => {
            let (url, title) = match g {
                Generated::Soa => (urls::SOA, "Statement of Applicability"),
                Generated::RiskRegister => (urls::RISKS, "Risk register"),
                Generated::TreatmentPlan => (urls::TREATMENT_PLAN, "Risk treatment plan"),
            };
            ClauseDocument {
                link: Link {
                    url: url.to_owned(),
                    title: title.to_owned(),
                },
                kind: "Generated",
                owner: None,
                version: None,
                review: None,
            }
        }
    }
}

/// The readiness counts.
pub fn readiness_summary(r: &Readiness) -> ReadinessSummary {
    ReadinessSummary {
        total: r.items.len(),
        present: r.count(ItemState::Present),
        overdue: r.count(ItemState::ReviewOverdue),
        missing: r.count(ItemState::Missing),
    }
}

/// The home page's card of readiness: required items of clauses 4–10 present.
pub fn readiness_card(r: &ReadinessSummary) -> StatusCard {
    let mut label = "required documents of clauses 4–10 present".to_owned();
    if r.missing > 0 {
        label.push_str(&format!(" · {} missing", r.missing));
    }
    if r.overdue > 0 {
        label.push_str(&format!(" · {} past review", r.overdue));
    }
    StatusCard {
        name: "readiness",
        value: format!("{} / {}", r.present, r.total),
        label,
        parts: Vec::new(),
        url: urls::CLAUSES.to_owned(),
        alert: r.missing > 0 || r.overdue > 0,
    }
}

/// Builds the clauses page: readiness, then every clause with its documents.
pub fn clauses(h: &Handbook, refs: &Refs) -> ClausesView {
    let catalog = clause_catalog();
    let readiness = crate::handbook::clauses::readiness(h);
    let items: Vec<ClauseItem> = readiness
        .items
        .iter()
        .map(|item| {
            let required = &catalog.required[item.item];
            let clause = catalog.clauses[required.clause].id;
            ClauseItem {
                key: required.key,
                what: required.what,
                clause,
                clause_url: urls::clause(clause),
                state: item.state.into(),
                documents: item
                    .sources
                    .iter()
                    .map(|&s| clause_document(h, refs, s))
                    .collect(),
            }
        })
        .collect();
    let clauses = catalog
        .clauses
        .iter()
        .enumerate()
        .map(|(i, c)| ClauseView {
            id: c.id,
            anchor: format!("clause-{}", c.id),
            heading: c.heading,
            summary: c.summary,
            depth: c.depth(),
            documents: readiness.by_clause[i]
                .iter()
                .map(|&s| clause_document(h, refs, s))
                .collect(),
            items: c.required.iter().map(|&r| items[r].clone()).collect(),
        })
        .collect();
    ClausesView {
        summary: readiness_summary(&readiness),
        items,
        clauses,
    }
}

/// Controls of one theme.
#[derive(Debug, Serialize)]
pub struct ThemeGroup {
    /// Theme name.
    pub name: &'static str,
    /// Clause number.
    pub clause: u8,
    /// Its controls, with their attributes.
    pub controls: Vec<CatalogRow>,
}

/// A control on the catalog and guidance lists.
#[derive(Debug, Serialize)]
pub struct CatalogRow {
    /// The control.
    #[serde(flatten)]
    pub control: ControlRef,
    /// Its control-type attribute (#Preventive ...).
    pub control_type: &'static [&'static str],
    /// Whether the organisation wrote guidance for it.
    pub has_guidance: bool,
}

/// The controls grouped by theme.
pub fn themes(h: &Handbook, refs: &Refs) -> Vec<ThemeGroup> {
    Theme::ALL
        .iter()
        .map(|&t| ThemeGroup {
            name: t.name(),
            clause: t.clause(),
            controls: h
                .controls
                .iter()
                .filter(|c| c.info().theme == t)
                .map(|c| CatalogRow {
                    control: refs.controls[c.index].clone(),
                    control_type: &c.info().attributes.control_type,
                    has_guidance: c.guidance.is_some(),
                })
                .collect(),
        })
        .collect()
}

/// A count of controls in one state.
#[derive(Debug, Serialize)]
pub struct StateCount {
    /// The state.
    pub state: Badge,
    /// How many controls.
    pub count: usize,
}

/// The home page's at-a-glance status.
#[derive(Debug, Serialize)]
pub struct Status<'a> {
    /// Number of policies.
    pub policies: usize,
    /// Number of roles.
    pub roles: usize,
    /// Number of applicable controls.
    pub applicable: usize,
    /// Controls by state.
    pub states: Vec<StateCount>,
    /// Controls with no statement.
    pub gaps: Vec<ControlRef>,
    /// Policies whose review date has passed.
    pub overdue: Vec<PolicyRow>,
    /// Policies due for review soon.
    pub due_soon: Vec<PolicyRow>,
    /// The window "soon" means, in days.
    pub window_days: i32,
    /// The risks at a glance; None when there are none.
    pub risks: Option<super::register::Summary<'a>>,
}

/// Computes the at-a-glance status.
pub fn status<'a>(h: &'a Handbook, refs: &Refs) -> Status<'a> {
    let states = ControlState::ALL
        .iter()
        .map(|&s| StateCount {
            state: s.into(),
            count: h.controls.iter().filter(|c| c.state() == s).count(),
        })
        .collect();
    let with_review = |want: fn(Review) -> bool| {
        let mut list: Vec<usize> = (0..h.policies.len())
            .filter(|&i| want(h.review(&h.policies[i])))
            .collect();
        list.sort_by_key(|&i| h.policies[i].review);
        policy_rows(h, refs, list)
    };
    Status {
        policies: h.policies.len(),
        roles: h.roles.len(),
        applicable: h
            .controls
            .iter()
            .filter(|c| c.statement.as_ref().is_some_and(|s| s.applicable))
            .count(),
        states,
        gaps: h
            .controls
            .iter()
            .filter(|c| c.statement.is_none())
            .map(|c| refs.controls[c.index].clone())
            .collect(),
        overdue: with_review(|r| matches!(r, Review::Overdue(_))),
        due_soon: with_review(|r| matches!(r, Review::DueSoon(_))),
        window_days: h.config.check.review_warning_days,
        risks: super::register::summary(h, refs),
    }
}

/// Plain pages of one folder.
#[derive(Debug, Serialize)]
pub struct Folder {
    /// The folder, e.g. `procedures` ("" for the top).
    pub name: String,
    /// Its pages, by weight then title.
    pub pages: Vec<Link>,
}

/// Plain pages grouped by folder.
pub fn contents(h: &Handbook) -> Vec<Folder> {
    let mut pages: Vec<&Page> = h.pages.iter().collect();
    let folder = |p: &Page| {
        p.source
            .rel
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_owned())
    };
    pages.sort_by_cached_key(|p| (folder(p), p.weight.unwrap_or(0), p.title.to_lowercase()));
    let mut folders: Vec<Folder> = Vec::new();
    for p in pages {
        let name = folder(p);
        if folders.last().is_none_or(|f| f.name != name) {
            folders.push(Folder {
                name,
                pages: Vec::new(),
            });
        }
        if let Some(f) = folders.last_mut() {
            f.pages.push(Link::to(&p.url, &p.title));
        }
    }
    folders
}

/// One policy on a reading list.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingItem {
    /// Link to it.
    pub link: Link,
    /// Its id: with [`ReadingItem::edition`], what a tick is kept against.
    pub id: String,
    /// Version label.
    pub version: Option<String>,
    /// What a new edition changes: the version, else the effective date,
    /// else empty. A tick kept for another edition does not count.
    pub edition: String,
    /// About how many minutes it takes to read.
    pub minutes: u32,
    /// Its language, when its front matter names one.
    pub language: Option<String>,
    /// Everyone reads it (`audience: all`).
    pub everyone: bool,
}

/// Everyone's policies as a role's pages mention them: how many, how long,
/// where their list is, and whether the role's pages repeat them in full.
#[derive(Debug, Clone, Serialize)]
pub struct EveryoneNote {
    /// How many policies everyone reads.
    pub count: usize,
    /// About how many minutes they take.
    pub minutes: u32,
    /// Everyone's reading list.
    pub url: String,
    /// Everyone's onboarding pack.
    pub pack_url: String,
    /// Whether each role's list, page and pack show them in full ([`crate::handbook::IN_FULL`]).
    pub in_full: bool,
}

/// Everyone's policies, as each role's pages mention them.
pub fn everyone_note(h: &Handbook) -> EveryoneNote {
    EveryoneNote {
        count: h.everyone.len(),
        minutes: h.minutes(&h.everyone),
        url: urls::href(urls::READING),
        pack_url: urls::href(urls::READING_PACK),
        in_full: h.everyone_in_full(),
    }
}

/// Everyone's policies as a role's lists repeat them: all of them, or none
/// past [`crate::handbook::IN_FULL`] (the role's pages then link to everyone's list).
fn everyone_in_full(h: &Handbook) -> &[usize] {
    match h.everyone_in_full() {
        true => &h.everyone,
        false => &[],
    }
}

/// A reading list: everyone's, or a role's (everyone's policies, then the role's own).
#[derive(Debug, Serialize)]
pub struct ReadingList {
    /// The role, None for everyone's list.
    pub role: Option<Link>,
    /// Who it is for: the role's title, or "Everyone".
    pub title: String,
    /// The link to its checklist page.
    pub url: String,
    /// The link to its printable onboarding pack.
    pub pack_url: String,
    /// Policies everyone reads, as this page shows them (on a role's list,
    /// none past [`crate::handbook::IN_FULL`]: `everyone_note` links to them instead).
    pub everyone: Vec<ReadingItem>,
    /// Everyone's policies in short.
    pub everyone_note: EveryoneNote,
    /// Policies this role reads besides (empty on everyone's list).
    pub own: Vec<ReadingItem>,
    /// How many policies in all.
    pub count: usize,
    /// How many of them this page shows (each with a box to tick).
    pub shown: usize,
    /// About how many minutes in all.
    pub minutes: u32,
}

/// A reading list in the role picker: where it is and how long it is.
#[derive(Debug, Clone, Serialize)]
pub struct ReadingChoice {
    /// Who it is for.
    pub title: String,
    /// The link to its checklist page.
    pub url: String,
    /// How many policies.
    pub count: usize,
    /// About how many minutes in all.
    pub minutes: u32,
}

/// Builds a policy's reading-list entry.
pub fn reading_item(h: &Handbook, refs: &Refs, i: usize) -> ReadingItem {
    let p = &h.policies[i];
    ReadingItem {
        link: refs.policies[i].clone(),
        id: p.id.clone(),
        version: p.version.clone(),
        edition: p
            .version
            .clone()
            .or_else(|| p.effective.map(|d| d.to_string()))
            .unwrap_or_default(),
        minutes: p.minutes,
        language: p.source.language.clone(),
        everyone: p.audience == Some(Audience::All),
    }
}

/// The reading list of `role`, or everyone's (None).
pub fn reading_list(h: &Handbook, refs: &Refs, role: Option<usize>) -> ReadingList {
    let items = |list: &[usize]| -> Vec<ReadingItem> {
        list.iter().map(|&p| reading_item(h, refs, p)).collect()
    };
    let (everyone, own) = match role {
        None => (items(&h.everyone), Vec::new()),
        Some(r) => (items(everyone_in_full(h)), items(&h.roles[r].reading_list)),
    };
    let choice = reading_choice(h, role);
    ReadingList {
        role: role.map(|r| refs.roles[r].clone()),
        title: choice.title,
        url: choice.url,
        pack_url: match role {
            Some(r) => urls::href(&urls::reading_pack(&h.roles[r].id)),
            None => urls::href(urls::READING_PACK),
        },
        count: choice.count,
        shown: everyone.len() + own.len(),
        minutes: choice.minutes,
        everyone,
        everyone_note: everyone_note(h),
        own,
    }
}

/// The role picker's entry for `role`, or for everyone (None).
pub fn reading_choice(h: &Handbook, role: Option<usize>) -> ReadingChoice {
    choice(h, role, h.minutes(&h.everyone))
}

/// [`reading_choice`], given the minutes of everyone's list.
fn choice(h: &Handbook, role: Option<usize>, everyone_minutes: u32) -> ReadingChoice {
    let (title, url, own): (_, _, &[usize]) = match role {
        Some(r) => (
            h.roles[r].title.clone(),
            urls::href(&urls::reading(&h.roles[r].id)),
            &h.roles[r].reading_list,
        ),
        None => ("Everyone".to_owned(), urls::href(urls::READING), &[]),
    };
    ReadingChoice {
        title,
        url,
        count: h.everyone.len() + own.len(),
        minutes: everyone_minutes + h.minutes(own),
    }
}

/// Every role's entry in the role picker, by title.
pub fn reading_choices(h: &Handbook) -> Vec<ReadingChoice> {
    let everyone_minutes = h.minutes(&h.everyone);
    (0..h.roles.len())
        .map(|r| choice(h, Some(r), everyone_minutes))
        .collect()
}

/// One small figure of the home page's status summary. Each part of the
/// handbook that auditors follow adds its cards (controls, policy reviews);
/// the template shows them in order, each linking to where it is explained.
#[derive(Debug, Serialize)]
pub struct StatusCard {
    /// Stable name, for styling and tests: `controls`, `gaps`, `reviews`.
    pub name: &'static str,
    /// The figure: `90 / 93`.
    pub value: String,
    /// What it counts: "Annex A controls applicable".
    pub label: String,
    /// Smaller figures beside it, such as the controls by status.
    pub parts: Vec<StatusPart>,
    /// The link to the page that lists what it counts.
    pub url: String,
    /// Something needs doing: drawn to the eye.
    pub alert: bool,
}

/// A labelled count inside a [`StatusCard`].
#[derive(Debug, Serialize)]
pub struct StatusPart {
    /// Its badge: CSS name and label.
    pub state: Badge,
    /// How many.
    pub count: usize,
}

/// The home page's compact status for auditors: a list of cards.
pub fn summary(h: &Handbook, status: &Status) -> Vec<StatusCard> {
    let gaps = status.gaps.len();
    let overdue = status.overdue.len();
    let due = status.due_soon.len();
    let mut cards = vec![StatusCard {
        name: "controls",
        value: format!("{} / {}", status.applicable, h.controls.len()),
        label: "Annex A controls applicable".to_owned(),
        parts: status
            .states
            .iter()
            .filter(|s| s.count > 0)
            .map(|s| StatusPart {
                state: s.state,
                count: s.count,
            })
            .collect(),
        url: urls::SOA.to_owned(),
        alert: false,
    }];
    cards.push(StatusCard {
        name: "gaps",
        value: gaps.to_string(),
        label: match gaps {
            1 => "control without a statement".to_owned(),
            _ => "controls without a statement".to_owned(),
        },
        parts: Vec::new(),
        url: format!("{}#gaps", urls::STATUS),
        alert: gaps > 0,
    });
    cards.push(StatusCard {
        name: "reviews",
        value: overdue.to_string(),
        label: format!(
            "policy review{} overdue · {due} due in {} days",
            if overdue == 1 { "" } else { "s" },
            status.window_days
        ),
        parts: Vec::new(),
        url: format!("{}#reviews", urls::STATUS),
        alert: overdue > 0,
    });
    if let Some(risks) = &status.risks {
        let above = risks.above_appetite.len();
        let late = risks.overdue.len();
        cards.push(StatusCard {
            name: "risks",
            value: risks.open.to_string(),
            label: format!(
                "open risk{} · {above} above the appetite · {late} action{} overdue",
                if risks.open == 1 { "" } else { "s" },
                if late == 1 { "" } else { "s" },
            ),
            parts: Vec::new(),
            url: urls::href(urls::RISKS),
            alert: above > 0 || late > 0,
        });
    }
    cards.push(StatusCard {
        name: "policies",
        value: status.policies.to_string(),
        label: "policies".to_owned(),
        parts: Vec::new(),
        url: urls::POLICIES.to_owned(),
        alert: false,
    });
    cards.push(StatusCard {
        name: "roles",
        value: status.roles.to_string(),
        label: "roles".to_owned(),
        parts: Vec::new(),
        url: urls::ROLES.to_owned(),
        alert: false,
    });
    cards
}
