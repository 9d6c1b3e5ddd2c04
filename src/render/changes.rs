//! The views of `changes.html` and the home page's card: what changed
//! since the last audit ([`crate::handbook::changes`]).

use serde::Serialize;

use super::views::StatusCard;
use crate::content::history::{Commit, FileStatus, Since};
use crate::content::meta::{Date, Revision, SignOff};
use crate::handbook::changes::{self, Changed, Changes, Document, Group};
use crate::handbook::{Handbook, urls};

/// The whole page.
#[derive(Debug, Serialize)]
pub struct ChangesView {
    /// Where the period starts, as written (a tag, commit or date).
    pub since: String,
    /// Whether `since` is a date (else a tag, branch or commit).
    pub since_is_date: bool,
    /// Whether it was set (`[audit] since` or `--since`), not the default year.
    pub configured: bool,
    /// Where it was set, for the reader: `[audit] since in book.toml`, `--since`.
    pub origin: &'static str,
    /// The first day of the period, when it was found.
    pub start: Option<Date>,
    /// The commit the period starts after (a tag's, branch's or commit's).
    pub boundary: Option<Commit>,
    /// Why the changes could not be listed, if they could not.
    pub problem: Option<String>,
    /// The groups with changes, in order.
    pub groups: Vec<GroupView>,
    /// Documents and files listed.
    pub count: usize,
    /// Distinct commits behind them.
    pub commits: usize,
}

/// The documents of one kind that changed.
#[derive(Debug, Serialize)]
pub struct GroupView {
    /// Heading.
    pub title: &'static str,
    /// Anchor.
    pub key: &'static str,
    /// Its documents, by path.
    pub items: Vec<ItemView>,
}

/// One changed document.
#[derive(Debug, Serialize)]
pub struct ItemView {
    /// Its title now, or its path when removed.
    pub title: String,
    /// Its page (or file) now; None when removed.
    pub url: Option<String>,
    /// Its content path now (the last one, if removed).
    pub path: String,
    /// Its path at the start of the period, when renamed.
    pub previous: Option<String>,
    /// `added`, `changed`, `renamed`, `removed`.
    pub status: &'static str,
    /// The same, for the reader.
    pub status_label: &'static str,
    /// The commits of the period that changed it, newest first.
    pub commits: Vec<Commit>,
    /// Edits not yet committed, in words (empty if none).
    pub uncommitted: &'static str,
    /// A policy's version now.
    pub version: Option<String>,
    /// A policy's revision history entries dated in the period.
    pub revisions: Vec<Revision>,
    /// A policy's approval, when given in the period.
    pub approved: Option<SignOff>,
}

/// The view of `changes.html`.
pub fn page(h: &Handbook, changes: &Changes) -> ChangesView {
    let groups = Group::ALL
        .into_iter()
        .filter_map(|g| {
            let items: Vec<ItemView> = changes
                .files
                .iter()
                .filter(|c| c.group == g)
                .map(|c| item(h, changes, c))
                .collect();
            (!items.is_empty()).then_some(GroupView {
                title: g.title(),
                key: g.key(),
                items,
            })
        })
        .collect();
    let (start, boundary, problem) = match &changes.period {
        Ok(p) => (Some(p.start), p.boundary.clone(), None),
        Err(e) => (None, None, Some(e.to_string())),
    };
    ChangesView {
        since: changes.since.to_string(),
        since_is_date: matches!(changes.since, Since::Date(_)),
        configured: changes.configured,
        origin: h.config.audit.origin(),
        start,
        boundary,
        problem,
        groups,
        count: changes.files.len(),
        commits: changes.commits(),
    }
}

/// The home page's card: how many documents changed since when.
pub fn card(changes: &Changes) -> StatusCard {
    let label = match (&changes.since, changes.configured) {
        (_, false) => "documents changed in the last 12 months".to_owned(),
        (since, true) => format!("documents changed since {since}"),
    };
    StatusCard {
        name: "changes",
        value: match changes.period {
            Ok(_) => changes.files.len().to_string(),
            Err(_) => "—".to_owned(),
        },
        label,
        parts: Vec::new(),
        url: urls::CHANGES.to_owned(),
        alert: false,
    }
}

fn item(h: &Handbook, changes: &Changes, c: &Changed) -> ItemView {
    let start = changes.period.as_ref().ok().map(|p| p.start);
    let in_period = |d: Date| start.is_none_or(|s| d >= s);
    let (status, status_label) = match c.file.status {
        FileStatus::Added => ("added", "Added"),
        FileStatus::Changed => ("changed", "Changed"),
        FileStatus::Renamed => ("renamed", "Renamed"),
        FileStatus::Removed => ("removed", "Removed"),
    };
    let mut view = ItemView {
        title: c.file.path.clone(),
        url: None,
        path: c.file.path.clone(),
        previous: c.file.previous.clone(),
        status,
        status_label,
        commits: c.file.commits.clone(),
        uncommitted: super::views::pending_words(c.file.pending),
        version: None,
        revisions: Vec::new(),
        approved: None,
    };
    let Some(document) = c.document else {
        return view;
    };
    view.url = Some(urls::href(&changes::url(h, document)));
    view.title = match document {
        Document::Policy(i) => {
            let p = &h.policies[i];
            view.version = p.version.clone();
            view.revisions = p
                .history
                .iter()
                .filter(|r| in_period(r.date))
                .cloned()
                .collect();
            view.approved = p.approved.clone().filter(|a| in_period(a.date));
            p.title.clone()
        }
        Document::Control(i) => {
            let info = h.controls[i].info();
            format!("A.{} {}", info.id, info.title)
        }
        Document::Guidance(i) => {
            let c = &h.controls[i];
            let info = c.info();
            let title = c.guidance.as_ref().and_then(|g| g.title.clone());
            format!("A.{} {}", info.id, title.as_deref().unwrap_or(info.title))
        }
        Document::Role(i) => h.roles[i].title.clone(),
        Document::Risk(i) => format!("{} {}", h.risks[i].id, h.risks[i].title),
        Document::Page(i) => h.pages[i].title.clone(),
        Document::Asset(i) => h.assets[i].rel.clone(),
    };
    view
}
