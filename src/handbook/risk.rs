//! Risks in the handbook: linking `risks/*.md`, and what is derived from
//! them: levels from the criteria of `[risk]`, the acceptance a risk
//! needs, overdue actions and reviews, and which risks each control treats.
//!
//! Risks refer to roles by id and to controls by catalog index (fixed by
//! the catalog), never by position in another list of the handbook.

use std::sync::Arc;

use super::link::Check;
use super::resolve::{IdKind, Index};
use super::{Body, Handbook, Source, urls};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::content::Document;
use crate::content::meta::{
    self, ActionStatus, Cia, Date, Extra, RiskMeta, RiskStatus, Score, Text, TreatmentOption,
};
use crate::diagnostics::{Diagnostics, Position, Rule};
use crate::risk::Criteria;

/// A score and the level the criteria give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessed {
    /// Likelihood and impact, as written.
    pub score: Score,
    /// Index into the criteria's `levels`.
    pub level: usize,
}

/// A decision by a role: an acceptance of residual risk, or the approval
/// of a treatment plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The role that decided (an id that exists).
    pub by: String,
    /// When.
    pub date: Date,
    /// When it lapses.
    pub expires: Option<Date>,
    /// Conditions or reasons.
    pub note: Option<String>,
}

/// One action of a treatment plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// What is to be done.
    pub title: String,
    /// The responsible role (an id that exists).
    pub owner: String,
    /// When it is due.
    pub due: Date,
    /// Where it stands.
    pub status: ActionStatus,
    /// Annex A controls it puts in place (catalog indexes).
    pub controls: Vec<usize>,
}

impl Action {
    /// Planned or in progress.
    pub fn is_open(&self) -> bool {
        matches!(
            self.status,
            ActionStatus::Planned | ActionStatus::InProgress
        )
    }

    /// Open and past its due date on `today`: by how many days.
    pub fn overdue(&self, today: Date) -> Option<i32> {
        let days = self.due.days_until(today);
        (self.is_open() && days > 0).then_some(days)
    }
}

/// How a risk is treated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Treatment {
    /// The option chosen.
    pub option: Option<TreatmentOption>,
    /// Annex A controls to put in place (catalog indexes), as listed.
    pub controls: Vec<usize>,
    /// The plan's actions, as listed.
    pub actions: Vec<Action>,
    /// The approval of the plan.
    pub approved: Option<Decision>,
}

/// One risk of the register (`risks/<id>.md`).
#[derive(Debug, Clone)]
pub struct Risk {
    /// Id, unique among risks.
    pub id: String,
    /// The risk in a line.
    pub title: String,
    /// Source file.
    pub source: Source,
    /// The risk owner (a role id that exists).
    pub owner: String,
    /// Where it stands.
    pub status: RiskStatus,
    /// When it was last reviewed.
    pub reviewed: Date,
    /// When it is next reviewed: as written, else `reviewed` plus the
    /// criteria's `review_months`.
    pub next_review: Date,
    /// What is at risk.
    pub assets: Vec<String>,
    /// Who or what could cause harm.
    pub threats: Vec<String>,
    /// Weaknesses a threat would exploit.
    pub vulnerabilities: Vec<String>,
    /// The properties threatened, in C, I, A order.
    pub cia: Vec<Cia>,
    /// Without any control.
    pub inherent: Option<Assessed>,
    /// With the controls in place today.
    pub current: Option<Assessed>,
    /// Expected once the treatment is done.
    pub residual: Option<Assessed>,
    /// Annex A controls in place (catalog indexes), as listed.
    pub existing_controls: Vec<usize>,
    /// How it is treated.
    pub treatment: Treatment,
    /// The acceptance of the residual risk.
    pub acceptance: Option<Decision>,
    /// Free-form template values.
    pub extra: Extra,
    /// The scenario.
    pub body: Arc<Body>,
}

/// Whether a control already treats a risk or is to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Use {
    /// In place: listed under `existing_controls`.
    Existing,
    /// To be put in place: under `treatment.controls` or an action's `controls`.
    Planned,
}

/// Who must accept a risk's residual level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acceptor {
    /// The risk owner (or the escalation role).
    Owner,
    /// Above the appetite: this role.
    Role(String),
    /// Above the appetite, and `[risk]` names no role: any acceptance.
    Anyone,
}

impl Risk {
    /// The residual score, or the current one when no residual is written
    /// (nothing is expected to change it).
    pub fn expected(&self) -> Option<Assessed> {
        self.residual.or(self.current)
    }

    /// Not closed.
    pub fn is_open(&self) -> bool {
        self.status != RiskStatus::Closed
    }

    /// The controls to be put in place: the treatment's and its actions',
    /// in catalog order, each once.
    pub fn planned_controls(&self) -> Vec<usize> {
        let mut all: Vec<usize> = self
            .treatment
            .controls
            .iter()
            .chain(self.treatment.actions.iter().flat_map(|a| &a.controls))
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// How the control at catalog index `control` treats this risk, if it does.
    pub fn uses(&self, control: usize) -> Option<Use> {
        if self.existing_controls.contains(&control) {
            Some(Use::Existing)
        } else if self.treatment.controls.contains(&control)
            || self
                .treatment
                .actions
                .iter()
                .any(|a| a.controls.contains(&control))
        {
            Some(Use::Planned)
        } else {
            None
        }
    }

    /// Whether the residual risk is retained on purpose: option `retain`,
    /// or status `accepted`.
    pub fn is_retained(&self) -> bool {
        self.treatment.option == Some(TreatmentOption::Retain)
            || self.status == RiskStatus::Accepted
    }
}

impl Handbook {
    /// The risk with id `id`.
    pub fn risk(&self, id: &str) -> Option<&Risk> {
        let key = natural_key(id);
        self.risks
            .binary_search_by(|r| {
                natural_key(&r.id)
                    .cmp(&key)
                    .then_with(|| r.id.as_str().cmp(id))
            })
            .ok()
            .map(|i| &self.risks[i])
    }

    /// Who must accept the residual risk of `risk`, if anyone must: a risk
    /// retained on purpose, or expected above the appetite, needs an
    /// acceptance. None for risks not yet assessed, and closed ones.
    pub fn acceptor(&self, risk: &Risk) -> Option<Acceptor> {
        if !risk.is_open() || risk.status == RiskStatus::Identified {
            return None;
        }
        let criteria = &self.config.risk;
        let above = risk
            .expected()
            .is_some_and(|a| criteria.above_appetite(a.level));
        match (&criteria.escalate_to, above) {
            (Some(role), true) => Some(Acceptor::Role(role.id.clone())),
            (None, true) => Some(Acceptor::Anyone),
            (_, false) if risk.is_retained() => Some(Acceptor::Owner),
            _ => None,
        }
    }

    /// Whether `decision` is made by whom `acceptor` asks for.
    pub fn accepts(&self, risk: &Risk, acceptor: &Acceptor, decision: &Decision) -> bool {
        let escalation = self.config.risk.escalate_to.as_ref().map(|r| r.id.as_str());
        match acceptor {
            Acceptor::Anyone => true,
            Acceptor::Role(role) => &decision.by == role,
            Acceptor::Owner => {
                decision.by == risk.owner || Some(decision.by.as_str()) == escalation
            }
        }
    }

    /// The risks that control `control` (catalog index) treats, with how,
    /// in register order.
    pub fn risks_of(&self, control: usize) -> impl Iterator<Item = (&Risk, Use)> {
        self.risks
            .iter()
            .filter_map(move |r| r.uses(control).map(|u| (r, u)))
    }
}

/// Sort key for ids that number things: digits compare as numbers, so
/// `R-2` comes before `R-10`.
pub fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut chars = id.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = u64::from(c as u8 - b'0');
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n = n
                    .saturating_mul(10)
                    .saturating_add(u64::from(*d as u8 - b'0'));
                chars.next();
            }
            key.push((std::mem::take(&mut text).to_lowercase(), n));
        } else {
            text.push(c);
        }
    }
    if !text.is_empty() {
        key.push((text.to_lowercase(), 0));
    }
    key
}

/// Resolves one risk's references and checks its scores against `criteria`.
pub(super) fn link_risk(
    c: &mut Check<'_>,
    catalog: &Catalog,
    criteria: &Criteria,
    m: &RiskMeta,
    id: &str,
) -> Option<Risk> {
    let doc = c.doc;
    let owner = c
        .id(IdKind::Role, "owner", &m.owner)
        .map(|_| m.owner.trim().to_owned());
    let assess = |c: &mut Check<'_>, key: &str, score: Option<Score>| -> Option<Option<Assessed>> {
        let Some(score) = score else {
            return Some(None);
        };
        match criteria.level(score) {
            Ok(level) => Some(Some(Assessed { score, level })),
            Err(off) => {
                let written = format!("{}: {}", off.axis, off.value);
                let at = doc.locate(key, Some(&written));
                c.error(Rule::InvalidRisk, at, format!("{key}: {off}"));
                None
            }
        }
    };
    let inherent = assess(c, "inherent", m.inherent);
    let current = assess(c, "current", m.current);
    let residual = assess(c, "residual", m.residual);
    if m.current.is_none() && m.status != RiskStatus::Identified {
        let at = doc.locate("status", None);
        c.error(
            Rule::InvalidRisk,
            at,
            "a risk that has been assessed needs `current`: its likelihood and impact with the controls in place today (write `status: identified` until it is scored)",
        );
    }
    let existing = c.controls(catalog, "existing_controls", &m.existing_controls);
    let planned = c.controls(catalog, "treatment", &m.treatment.controls);
    let mut actions = Some(Vec::with_capacity(m.treatment.actions.len()));
    for a in &m.treatment.actions {
        let owner = match c.index.find(IdKind::Role, &a.owner) {
            Ok(_) => Some(a.owner.trim().to_owned()),
            Err(why) => {
                if let Some(why) = why {
                    let title_at = doc.locate("treatment", Some(&a.title));
                    let at = after(doc, title_at, &a.owner);
                    c.error(Rule::UnknownRole, at, format!("action owner: {why}"));
                }
                None
            }
        };
        let controls = c.controls(catalog, "treatment", &a.controls);
        actions = match (actions, owner, controls) {
            (Some(mut list), Some(owner), Some(controls)) => {
                list.push(Action {
                    title: a.title.trim().to_owned(),
                    owner,
                    due: a.due,
                    status: a.status,
                    controls,
                });
                Some(list)
            }
            _ => None,
        };
    }
    let approved = decision(c, "treatment", m.treatment.approved.as_ref());
    let acceptance = decision(c, "acceptance", m.acceptance.as_ref());
    let next_review = match m.next_review {
        Some(date) if date < m.reviewed => {
            let at = doc.locate("next_review", None);
            c.error(
                Rule::InvalidRisk,
                at,
                format!("next_review {date} is before reviewed {}", m.reviewed),
            );
            None
        }
        Some(date) => Some(date),
        None => Some(
            m.reviewed
                .0
                .checked_add(jiff::Span::new().months(i64::from(criteria.review_months)))
                .map_or(m.reviewed, Date),
        ),
    };
    let body = c.body(&urls::risk(id));
    let mut cia = m.cia.clone();
    cia.sort_unstable();
    cia.dedup();
    let text = |list: &[Text]| list.iter().map(|t| t.trim().to_owned()).collect::<Vec<_>>();
    Some(Risk {
        id: id.to_owned(),
        title: m.title.trim().to_owned(),
        source: c.source(m.updated, m.language.as_ref()),
        owner: owner?,
        status: m.status,
        reviewed: m.reviewed,
        next_review: next_review?,
        assets: text(&m.assets),
        threats: text(&m.threats),
        vulnerabilities: text(&m.vulnerabilities),
        cia,
        inherent: inherent?,
        current: current?,
        residual: residual?,
        existing_controls: existing?,
        treatment: Treatment {
            option: m.treatment.option,
            controls: planned?,
            actions: actions?,
            approved: approved?,
        },
        acceptance: acceptance?,
        extra: m.extra.clone(),
        body,
    })
}

/// Reports an `escalate-to` in `[risk]` that names no role, at its line in `book.toml`.
pub(super) fn check_escalation(config: &Config, index: &Index, diagnostics: &mut Diagnostics) {
    if let Some(role) = &config.risk.escalate_to
        && let Err(Some(why)) = index.find(IdKind::Role, &role.id)
    {
        diagnostics.error(
            Rule::UnknownRole,
            &config.file(),
            role.at,
            format!("[risk] escalate-to: {why}"),
        );
    }
}

/// An acceptance or approval under `key`, its role resolved and its dates
/// checked. `Some(None)` when none is written; None after an error.
fn decision(c: &mut Check<'_>, key: &str, d: Option<&meta::Approval>) -> Option<Option<Decision>> {
    let Some(d) = d else {
        return Some(None);
    };
    let by = c.id(IdKind::Role, key, &d.by);
    if let Some(expires) = d.expires
        && expires < d.date
    {
        let at = c.doc.locate(key, Some(&expires.to_string()));
        c.error(
            Rule::InvalidRisk,
            at,
            format!(
                "{key}: it expires on {expires}, before it was given on {}",
                d.date
            ),
        );
        return None;
    }
    by?;
    Some(Some(Decision {
        by: d.by.trim().to_owned(),
        date: d.date,
        expires: d.expires,
        note: d.note.as_ref().map(|n| n.trim().to_owned()),
    }))
}

/// Where `value` is first written at or after `from`, in the front matter.
fn after(doc: &Document, from: Position, value: &str) -> Position {
    let value = value.trim();
    let lines = doc
        .text
        .lines()
        .enumerate()
        .skip(from.line.saturating_sub(1));
    for (n, line) in lines.take_while(|(n, _)| n + 1 < doc.body_line) {
        let is_id = |c: char| c.is_alphanumeric() || c == '-' || c == '_' || c == '.';
        let found = line.match_indices(value).map(|(i, _)| i).find(|&i| {
            !line[..i].chars().next_back().is_some_and(is_id)
                && !line[i + value.len()..].chars().next().is_some_and(is_id)
        });
        if let Some(i) = found {
            return Position::new(n + 1, line[..i].chars().count() + 1);
        }
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_ids_sort_as_numbers() {
        let mut ids = vec!["R-10", "R-2", "R-01", "ops-1", "R-1b", "r-3"];
        ids.sort_by_key(|id| natural_key(id));
        assert_eq!(ids, ["ops-1", "R-01", "R-1b", "R-2", "r-3", "R-10"]);
    }

    #[test]
    fn an_action_is_overdue_only_while_open() {
        let day = |s| Date::parse(s).unwrap();
        let mut a = Action {
            title: "x".into(),
            owner: "ciso".into(),
            due: day("2026-10-30"),
            status: ActionStatus::InProgress,
            controls: Vec::new(),
        };
        assert_eq!(a.overdue(day("2026-11-24")), Some(25));
        assert_eq!(a.overdue(day("2026-10-30")), None, "due today is not late");
        a.status = ActionStatus::Done;
        assert_eq!(a.overdue(day("2026-11-24")), None);
    }
}
