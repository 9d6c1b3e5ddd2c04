//! The lints: what a careful auditor would flag in a handbook that links.
//!
//! [`audit`] runs after [`super::link`] on the same handbook, so `build`,
//! `serve` and `check` report the same warnings. Each has a [`Rule`] that
//! `[check]` in `book.toml` can allow or deny.

use std::collections::HashSet;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::resolve;
use super::{Body, ControlState, Handbook, Review, urls};
use crate::content::{Content, Document};
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
    lints.clauses();
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
