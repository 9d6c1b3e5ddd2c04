//! The lints: what a careful auditor would flag in a handbook that links.
//!
//! [`audit`] runs after [`super::link`] on the same handbook, so `build`,
//! `serve` and `check` report the same warnings. Each has a [`Rule`] that
//! `[check]` in `book.toml` can allow or deny.

use std::collections::HashSet;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::resolve;
use super::{Acceptor, Body, ControlState, Handbook, Review, Risk, urls};
use crate::content::meta::RiskMeta;
use crate::content::{Content, Document, Meta};
use crate::diagnostics::{Diagnostic, Diagnostics, Position, Rule};
use crate::markdown::Heading;

/// The warnings of a linked handbook (errors, for lints denied in `[check]`).
/// `content` is what it was linked from, to point at the lines concerned.
pub fn audit(h: &Handbook, content: &Content) -> Diagnostics {
    let mut lints = Lints {
        h,
        content,
        found: Diagnostics::new(),
    };
    lints.reviews();
    lints.controls();
    lints.policies();
    lints.roles();
    lints.evidence();
    lints.anchors();
    lints.risks();
    lints.justifications();
    lints.clauses();
    lints.audit_period();
    lints.found
}

struct Lints<'a> {
    h: &'a Handbook,
    content: &'a Content,
    found: Diagnostics,
}

impl Lints<'_> {
    /// Records a problem under `rule` unless `[check]` allows it.
    fn report(&mut self, rule: Rule, file: &Path, at: Position, message: String) {
        if let Some(severity) = self.h.config.check.severity(rule) {
            self.found.push(Diagnostic {
                severity,
                ..Diagnostic::new(rule, file, at, message)
            });
        }
    }

    /// The loaded document at content path `rel`.
    fn document(&self, rel: &str) -> Option<&Document> {
        let docs = &self.content.documents;
        docs.binary_search_by(|d| d.rel.as_str().cmp(rel))
            .ok()
            .map(|i| &docs[i])
    }

    /// Where `key` (and `value` under it) is written in the file at `rel`.
    fn locate(&self, rel: &str, key: &str, value: Option<&str>) -> Position {
        self.document(rel)
            .map_or(Position::START, |d| d.locate(key, value))
    }

    /// Reviews of policies, and of pages that set a `review` date (managed
    /// documents and records).
    fn reviews(&mut self) {
        let policies = self
            .h
            .policies
            .iter()
            .map(|p| (p.id.as_str(), p.review, &p.source));
        let pages = self
            .h
            .pages
            .iter()
            .map(|p| (p.source.rel.as_str(), p.review, &p.source));
        let dated: Vec<_> = policies.chain(pages).collect();
        for (name, date, source) in dated {
            let (rule, message) = match (self.h.review_on(date), date) {
                (Review::Overdue(days), Some(date)) => (
                    Rule::ReviewOverdue,
                    format!(
                        "review of `{name}` was due on {date}, {days} day{} ago: review it and set the next date",
                        plural(days)
                    ),
                ),
                (Review::DueSoon(days), Some(date)) => (
                    Rule::ReviewDue,
                    format!(
                        "review of `{name}` is due on {date}, in {days} day{}",
                        plural(days)
                    ),
                ),
                _ => continue,
            };
            let at = self.locate(&source.rel, "review", None);
            self.report(rule, &source.path, at, message);
        }
    }

    /// Documented information that clauses 4–10 require and no document provides.
    fn clauses(&mut self) {
        let catalog = crate::catalog::clauses::clauses();
        let readiness = super::clauses::readiness(self.h);
        for item in &readiness.items {
            if item.state != super::clauses::ItemState::Missing {
                continue;
            }
            let required = &catalog.required[item.item];
            let clause = &catalog.clauses[required.clause];
            let message = format!(
                "Clause {} ({}) requires documented information: {}. No document provides it: \
                 add `clauses: [\"{}\"]` to the page or policy that does",
                clause.id, clause.heading, required.what, required.key
            );
            let file = self.h.config.file();
            self.report(Rule::ClauseWithoutDocument, &file, Position::START, message);
        }
    }

    /// The start of the period of `changes.html`, when one is set, must be
    /// found in git. A warning, not an error: the handbook still builds (a
    /// shallow clone in CI may lack the tag), and the page says why it lists
    /// nothing; `[check] deny` makes it an error where a release must have it.
    fn audit_period(&mut self) {
        let audit = &self.h.config.audit;
        let Some(since) = &audit.since else {
            return;
        };
        let Err(why) = self.h.history.period(since) else {
            return;
        };
        let given = match audit.at {
            Some(_) => format!("[audit] since = \"{since}\""),
            None => format!("--since {since}"),
        };
        let message = format!("{given}: {why}; changes.html says so instead of listing changes");
        let file = self.h.config.file();
        let at = audit.at.unwrap_or(Position::START);
        self.report(Rule::AuditSinceNotFound, &file, at, message);
    }

    fn controls(&mut self) {
        for c in &self.h.controls {
            let info = c.info();
            let state = c.state();
            match (&c.statement, state) {
                (Some(s), ControlState::Planned | ControlState::NotImplemented) => {
                    let at = self.locate(&s.source.rel, "status", None);
                    let message = format!(
                        "{} {} is applicable but {}",
                        info.id,
                        info.title,
                        state.label().to_lowercase()
                    );
                    self.report(Rule::ControlNotImplemented, &s.source.path, at, message);
                }
                (None, _) => {
                    let rel = format!("controls/{}.md", info.id);
                    let file = self.h.config.src_dir().join(&rel);
                    let message = format!(
                        "{} {} has no implementation statement: write {rel} to say whether and how it is implemented",
                        info.id, info.title
                    );
                    self.report(
                        Rule::ControlWithoutStatement,
                        &file,
                        Position::START,
                        message,
                    );
                }
                _ => {}
            }
        }
    }

    fn policies(&mut self) {
        for p in &self.h.policies {
            let (rel, path) = (&p.source.rel, &p.source.path);
            if p.controls.is_empty() {
                let at = self.locate(rel, "controls", None);
                let message = format!(
                    "`{}` addresses no Annex A control: list them under `controls`, or name the policy in a statement's `policies`",
                    p.id
                );
                self.report(Rule::PolicyWithoutControls, path, at, message);
            }
            if p.audience.is_none() {
                let at = self.locate(rel, "title", None);
                let message = format!(
                    "`{}` has no audience: say who must read it (`audience: all` or a list of role ids)",
                    p.id
                );
                self.report(Rule::PolicyWithoutAudience, path, at, message);
            }
            let owner = &self.h.roles[p.owner];
            if owner.assignees.is_empty() {
                let at = self.locate(rel, "owner", Some(&owner.id));
                let message = format!(
                    "`{}` is owned by the role `{}`, which nobody holds",
                    p.id, owner.id
                );
                self.report(Rule::PolicyOwnerVacant, path, at, message);
            }
        }
    }

    fn roles(&mut self) {
        for r in &self.h.roles {
            if r.assignees.is_empty() {
                // `assignees: []`, else the end of the front matter, where it goes.
                let at = self.locate(&r.source.rel, "assignees", None);
                let message = format!(
                    "nobody holds the role `{}`: list who does under `assignees`",
                    r.id
                );
                self.report(Rule::RoleWithoutAssignee, &r.source.path, at, message);
            }
        }
    }

    fn evidence(&mut self) {
        let files: HashSet<&str> = self
            .h
            .assets
            .iter()
            .map(|a| a.rel.as_str())
            .chain(self.content.documents.iter().map(|d| d.rel.as_str()))
            .collect();
        let mut missing = Vec::new();
        for s in self.h.controls.iter().filter_map(|c| c.statement.as_ref()) {
            let dir = s.source.rel.rsplit_once('/').map_or("", |(d, _)| d);
            for link in s.evidence.iter().filter_map(|e| e.link.as_deref()) {
                if !resolve::is_relative(link) {
                    continue;
                }
                let path = link.split(['#', '?']).next().unwrap_or(link);
                let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
                let exists = resolve::join(dir, &path).is_some_and(|t| files.contains(t.as_str()));
                if !exists {
                    missing.push((s.source.rel.clone(), s.source.path.clone(), link.to_owned()));
                }
            }
        }
        for (rel, path, link) in missing {
            let at = self.locate(&rel, "evidence", Some(&link));
            let message = format!(
                "evidence `{link}` does not exist: it is read relative to {rel}, in the content folder"
            );
            self.report(Rule::EvidenceMissing, &path, at, message);
        }
    }

    fn anchors(&mut self) {
        let h = self.h;
        // Every page that shows a Markdown body, by its path from the site root.
        let mut bodies: Vec<(String, &super::Source, &Body)> = Vec::new();
        for p in &h.policies {
            bodies.push((urls::policy(&p.id), &p.source, &p.body));
        }
        for r in &h.roles {
            bodies.push((urls::role(&r.id), &r.source, &r.body));
        }
        for p in &h.pages {
            bodies.push((p.url.clone(), &p.source, &p.body));
        }
        for r in &h.risks {
            bodies.push((urls::risk(&r.id), &r.source, &r.body));
        }
        for c in &h.controls {
            let id = c.info().id;
            if let Some(s) = &c.statement {
                bodies.push((urls::control(id), &s.source, &s.body));
            }
            if let Some(g) = &c.guidance {
                bodies.push((urls::guidance(id), &g.source, &g.body));
            }
        }
        let by_url: FxHashMap<&str, (&str, &Body)> = bodies
            .iter()
            .map(|(url, source, body)| (url.as_str(), (source.rel.as_str(), &**body)))
            .collect();
        let mut broken = Vec::new();
        for (_, source, body) in &bodies {
            for link in &body.anchor_links {
                let (rel, target) = match &link.page {
                    None => (source.rel.as_str(), &**body),
                    Some(page) => match by_url.get(page.as_str()) {
                        Some(&found) => found,
                        None => continue,
                    },
                };
                if !has_anchor(&target.headings, &link.fragment) {
                    let message = match nearest_heading(&target.headings, &link.fragment) {
                        Some(near) => format!(
                            "no heading `#{}` in {rel}; did you mean `#{near}`?",
                            link.fragment
                        ),
                        None => format!("no heading `#{}` in {rel}", link.fragment),
                    };
                    broken.push((source.path.clone(), link.at, message));
                }
            }
        }
        for (path, at, message) in broken {
            self.report(Rule::BrokenAnchor, &path, at, message);
        }
    }
}

impl Lints<'_> {
    /// The front matter of the risk `r`, as written.
    fn risk_meta(&self, r: &Risk) -> Option<&RiskMeta> {
        match &self.document(&r.source.rel)?.meta {
            Meta::Risk(m) => Some(m),
            _ => None,
        }
    }

    /// Where the control at catalog index `control` is written under `key`
    /// of the risk `r` (in whichever spelling).
    fn locate_control(&self, r: &Risk, key: &str, control: usize) -> Position {
        let catalog = self.h.catalog();
        let written = self.risk_meta(r).and_then(|m| {
            let lists: Vec<&[crate::content::meta::Text]> = if key == "existing_controls" {
                vec![&m.existing_controls]
            } else {
                std::iter::once(m.treatment.controls.as_slice())
                    .chain(m.treatment.actions.iter().map(|a| a.controls.as_slice()))
                    .collect()
            };
            lists
                .into_iter()
                .flatten()
                .find(|t| catalog.resolve(t) == Ok(control))
                .map(|t| t.0.clone())
        });
        self.locate(&r.source.rel, key, written.as_deref())
    }

    /// The lints of each open risk: scores, acceptance, dates, controls.
    fn risks(&mut self) {
        let h = self.h;
        let today = h.today;
        let criteria = &h.config.risk;
        let level = |i: usize| criteria.levels[i].name.as_str();
        for r in h.risks.iter().filter(|r| r.is_open()) {
            let (rel, path) = (&r.source.rel, &r.source.path);
            if let (Some(cur), Some(res)) = (r.current, r.residual) {
                let (c, e) = (cur.score, res.score);
                if res.level > cur.level || e.likelihood > c.likelihood || e.impact > c.impact {
                    let message = format!(
                        "the residual score of {} ({} × {}, {}) is above its current score ({} × {}, {}): treatment should not raise a risk; check both scores",
                        r.id,
                        e.likelihood,
                        e.impact,
                        level(res.level),
                        c.likelihood,
                        c.impact,
                        level(cur.level)
                    );
                    let at = self.locate(rel, "residual", None);
                    self.report(Rule::RiskResidualAboveCurrent, path, at, message);
                } else if (res.level < cur.level || e != c) && r.planned_controls().is_empty() {
                    let message = format!(
                        "the residual score of {} is lower than its current score, but no control is planned to lower it: list the controls under `treatment.controls` (or an action's `controls`), or make the residual score the current one",
                        r.id
                    );
                    let at = self.locate(rel, "residual", None);
                    self.report(Rule::RiskLoweredWithoutControl, path, at, message);
                }
            }
            if let Some(acceptor) = h.acceptor(r) {
                let expected = r.expected().map_or("", |a| level(a.level));
                let who = match &acceptor {
                    Acceptor::Role(role) => format!("the role `{role}`"),
                    Acceptor::Anyone => "someone with the authority".to_owned(),
                    Acceptor::Owner => format!("its owner `{}`", r.owner),
                };
                let why = match acceptor {
                    Acceptor::Owner => "it is retained".to_owned(),
                    _ => format!(
                        "its residual level {expected} is above the appetite ({})",
                        level(criteria.appetite)
                    ),
                };
                match &r.acceptance {
                    None => {
                        let message = format!(
                            "{} needs an acceptance because {why}: record it under `acceptance` (by, date) once {who} accepts it",
                            r.id
                        );
                        let at = self.locate(rel, "status", None);
                        self.report(Rule::RiskNotAccepted, path, at, message);
                    }
                    Some(d) if !h.accepts(r, &acceptor, d) => {
                        let message = format!(
                            "{} is accepted by `{}`, but because {why} it must be accepted by {who}",
                            r.id, d.by
                        );
                        let at = self.locate(rel, "acceptance", Some(&d.by));
                        self.report(Rule::RiskNotAccepted, path, at, message);
                    }
                    Some(_) => {}
                }
            }
            for (key, decision, what) in [
                ("acceptance", r.acceptance.as_ref(), "acceptance"),
                (
                    "treatment",
                    r.treatment.approved.as_ref(),
                    "approval of the treatment plan",
                ),
            ] {
                if let Some(d) = decision
                    && let Some(expires) = d.expires.filter(|e| *e < today)
                {
                    let days = expires.days_until(today);
                    let message = format!(
                        "the {what} of {} expired on {expires}, {days} day{} ago: have `{}` decide again and record the new date",
                        r.id,
                        plural(days),
                        d.by
                    );
                    let at = self.locate(rel, key, Some(&expires.to_string()));
                    self.report(Rule::RiskAcceptanceExpired, path, at, message);
                }
            }
            for a in &r.treatment.actions {
                if let Some(days) = a.overdue(today) {
                    let message = format!(
                        "treatment action \"{}\" of {} was due on {}, {days} day{} ago: finish it, or agree a new date with `{}`",
                        a.title,
                        r.id,
                        a.due,
                        plural(days),
                        a.owner
                    );
                    let at = self.locate(rel, "treatment", Some(&a.title));
                    self.report(Rule::RiskActionOverdue, path, at, message);
                }
            }
            if r.next_review < today {
                let days = r.next_review.days_until(today);
                let message = format!(
                    "the review of {} was due on {}, {days} day{} ago: review it with `{}` and update `reviewed`",
                    r.id,
                    r.next_review,
                    plural(days),
                    r.owner
                );
                let key = if self.risk_meta(r).is_some_and(|m| m.next_review.is_some()) {
                    "next_review"
                } else {
                    "reviewed"
                };
                let at = self.locate(rel, key, None);
                self.report(Rule::RiskReviewOverdue, path, at, message);
            }
            let planned = r.planned_controls();
            for &c in &r.existing_controls {
                let control = &h.controls[c];
                let info = control.info();
                if planned.contains(&c) {
                    let message = format!(
                        "{} lists {} {} both as an existing control and as a planned one: keep it in one list",
                        r.id, info.id, info.title
                    );
                    let at = self.locate_control(r, "treatment", c);
                    self.report(Rule::RiskControlExistingAndPlanned, path, at, message);
                }
                let state = control.state();
                if matches!(state, ControlState::Planned | ControlState::NotImplemented) {
                    let message = format!(
                        "{} counts on {} {} as an existing control, but its statement says it is {}: move it to `treatment.controls`, or update the statement",
                        r.id,
                        info.id,
                        info.title,
                        state.label().to_lowercase()
                    );
                    let at = self.locate_control(r, "existing_controls", c);
                    self.report(Rule::RiskControlNotInPlace, path, at, message);
                }
            }
            for (key, list) in [
                ("existing_controls", &r.existing_controls),
                ("treatment", &planned),
            ] {
                for &c in list {
                    let control = &h.controls[c];
                    if control.state() == ControlState::NotApplicable {
                        let info = control.info();
                        let message = format!(
                            "{} cites {} {}, which the Statement of Applicability excludes: make the control applicable, or treat the risk another way",
                            r.id, info.id, info.title
                        );
                        let at = self.locate_control(r, key, c);
                        self.report(Rule::RiskControlNotApplicable, path, at, message);
                    }
                }
            }
        }
    }

    /// Risks linked from a control's justification must list that control,
    /// unless the risk is retained instead of applying it.
    fn justifications(&mut self) {
        let h = self.h;
        let mut found = Vec::new();
        for c in &h.controls {
            let Some(s) = &c.statement else { continue };
            let info = c.info();
            for id in &s.cites_risks {
                let Some(r) = h.risk(id) else { continue };
                let retained_instead = r.is_retained() && c.state() == ControlState::NotImplemented;
                if r.uses(c.index).is_none() && !retained_instead {
                    let message = format!(
                        "the justification of {} links to {}, but {} lists {} neither under `existing_controls` nor under `treatment`: add it to the risk, or link another one",
                        info.id, r.id, r.id, info.id
                    );
                    found.push((
                        s.source.rel.clone(),
                        s.source.path.clone(),
                        id.clone(),
                        message,
                    ));
                }
            }
        }
        for (rel, path, id, message) in found {
            let at = self.locate(&rel, "justification", Some(&id));
            self.report(Rule::JustificationRiskUnlinked, &path, at, message);
        }
    }
}

fn has_anchor(headings: &[Heading], fragment: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
    headings.iter().any(|h| h.id == decoded)
}

fn nearest_heading<'a>(headings: &'a [Heading], fragment: &str) -> Option<&'a str> {
    headings
        .iter()
        .map(|h| (strsim::jaro_winkler(fragment, &h.id), h.id.as_str()))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id)
}

fn plural(n: i32) -> &'static str {
    if n == 1 { "" } else { "s" }
}
