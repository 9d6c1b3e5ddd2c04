//! What the risk pages see: the register and its heat maps, one risk, the
//! treatment plan, the risks of a control, and the home page's summary.
//!
//! Levels come from `[risk]`: each carries its name and colour, and the
//! templates show the name beside the colour, never the colour alone.
//! Roles are found by id, controls by catalog index.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::views::{BodyView, ControlRef, Link, Refs, ReviewView, body};
use crate::content::history::Commit;
use crate::content::meta::{ActionStatus, Cia, Date, Extra, RiskStatus, TreatmentOption};
use crate::handbook::{Acceptor, Action, Assessed, Decision, Handbook, Risk, Use, urls};
use crate::risk::{Criteria, Level};

/// Links shared by the risk views, computed once per build.
pub struct RiskRefs {
    /// Role id → index into `Refs::roles`.
    roles: FxHashMap<String, usize>,
    /// Per control (catalog index): the risks it treats, in register order.
    by_control: Vec<Vec<RiskUse>>,
}

impl RiskRefs {
    /// Indexes the roles and the risks of each control.
    pub fn new(h: &Handbook) -> RiskRefs {
        let roles = h
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let mut by_control = vec![Vec::new(); h.controls.len()];
        for r in &h.risks {
            for (c, how) in r
                .existing_controls
                .iter()
                .map(|&c| (c, Use::Existing))
                .chain(r.planned_controls().into_iter().map(|c| (c, Use::Planned)))
            {
                let list: &mut Vec<RiskUse> = &mut by_control[c];
                if list.last().is_some_and(|u| u.risk.id == r.id) {
                    continue; // existing and planned: listed once, as existing
                }
                list.push(RiskUse {
                    risk: risk_ref(h, r),
                    how,
                });
            }
        }
        RiskRefs { roles, by_control }
    }

    /// The link to the role `id`.
    fn role(&self, refs: &Refs, id: &str) -> Link {
        match self.roles.get(id) {
            Some(&i) => refs.roles[i].clone(),
            None => Link {
                url: urls::role(id),
                title: id.to_owned(),
            },
        }
    }

    /// The risks the control at catalog index `c` treats.
    pub fn of_control(&self, c: usize) -> &[RiskUse] {
        self.by_control.get(c).map_or(&[], Vec::as_slice)
    }
}

/// A level as badges show it.
#[derive(Debug, Clone, Serialize)]
pub struct LevelView<'a> {
    /// `high`
    pub id: &'a str,
    /// `High`
    pub name: &'a str,
    /// `#rrggbb`
    pub colour: &'a str,
    /// Black or white, for text on `colour`.
    pub text_colour: &'a str,
}

impl<'a> From<&'a Level> for LevelView<'a> {
    fn from(l: &'a Level) -> Self {
        LevelView {
            id: &l.id,
            name: &l.name,
            colour: &l.colour,
            text_colour: l.text_colour,
        }
    }
}

/// A score with its labels and level.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreView<'a> {
    /// 1-based likelihood.
    pub likelihood: u8,
    /// Its label.
    pub likelihood_label: &'a str,
    /// 1-based impact.
    pub impact: u8,
    /// Its label.
    pub impact_label: &'a str,
    /// The level.
    pub level: LevelView<'a>,
}

fn score<'a>(c: &'a Criteria, a: Option<Assessed>) -> Option<ScoreView<'a>> {
    let a = a?;
    let label = |list: &'a [crate::risk::Step], n: u8| {
        list.get(usize::from(n).wrapping_sub(1))
            .map_or("", |s| s.label.as_str())
    };
    Some(ScoreView {
        likelihood: a.score.likelihood,
        likelihood_label: label(&c.likelihood, a.score.likelihood),
        impact: a.score.impact,
        impact_label: label(&c.impact, a.score.impact),
        level: (&c.levels[a.level]).into(),
    })
}

/// A risk as listed on other pages.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRef {
    /// `R-05`
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// Current level: name and colours.
    pub current: Option<LevelRef>,
    /// Residual level (the current one when none is written).
    pub residual: Option<LevelRef>,
}

/// A level, owned, for views shared between pages.
#[derive(Debug, Clone, Serialize)]
pub struct LevelRef {
    /// `high`
    pub id: String,
    /// `High`
    pub name: String,
    /// `#rrggbb`
    pub colour: String,
    /// Black or white.
    pub text_colour: &'static str,
}

fn level_ref(c: &Criteria, a: Option<Assessed>) -> Option<LevelRef> {
    let l = &c.levels[a?.level];
    Some(LevelRef {
        id: l.id.clone(),
        name: l.name.clone(),
        colour: l.colour.clone(),
        text_colour: l.text_colour,
    })
}

/// A risk as other pages list it.
pub fn risk_ref(h: &Handbook, r: &Risk) -> RiskRef {
    let c = &h.config.risk;
    RiskRef {
        id: r.id.clone(),
        title: r.title.clone(),
        url: urls::risk(&r.id),
        current: level_ref(c, r.current),
        residual: level_ref(c, r.expected()),
    }
}

/// A risk a control treats, and how.
#[derive(Debug, Clone, Serialize)]
pub struct RiskUse {
    /// The risk.
    pub risk: RiskRef,
    /// `existing` or `planned`.
    pub how: Use,
}

/// A key and its label, e.g. `in-progress`, "In progress".
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Label {
    /// Machine name.
    pub key: &'static str,
    /// What readers see.
    pub label: &'static str,
}

fn status(s: RiskStatus) -> Label {
    let (key, label) = match s {
        RiskStatus::Identified => ("identified", "Identified"),
        RiskStatus::Assessed => ("assessed", "Assessed"),
        RiskStatus::Treating => ("treating", "Treating"),
        RiskStatus::Accepted => ("accepted", "Accepted"),
        RiskStatus::Closed => ("closed", "Closed"),
    };
    Label { key, label }
}

fn option(o: TreatmentOption) -> Label {
    let (key, label) = match o {
        TreatmentOption::Modify => ("modify", "Modify"),
        TreatmentOption::Retain => ("retain", "Retain"),
        TreatmentOption::Avoid => ("avoid", "Avoid"),
        TreatmentOption::Share => ("share", "Share"),
    };
    Label { key, label }
}

/// The label of a treatment option, as the CSV writes it.
pub fn option_label(o: TreatmentOption) -> &'static str {
    option(o).label
}

/// The label of a risk status, as the CSV writes it.
pub fn status_label(s: RiskStatus) -> &'static str {
    status(s).label
}

fn action_status(s: ActionStatus) -> Label {
    let (key, label) = match s {
        ActionStatus::Planned => ("planned", "Planned"),
        ActionStatus::InProgress => ("in-progress", "In progress"),
        ActionStatus::Done => ("done", "Done"),
        ActionStatus::Cancelled => ("cancelled", "Cancelled"),
    };
    Label { key, label }
}

/// The name of a security property.
pub fn cia_label(c: Cia) -> &'static str {
    match c {
        Cia::Confidentiality => "Confidentiality",
        Cia::Integrity => "Integrity",
        Cia::Availability => "Availability",
    }
}

/// A treatment action with its dates.
#[derive(Debug, Clone, Serialize)]
pub struct ActionView {
    /// What is to be done.
    pub title: String,
    /// Responsible role.
    pub owner: Link,
    /// Due date.
    pub due: Date,
    /// Days past due, when open and late.
    pub overdue: Option<i32>,
    /// Where it stands.
    pub status: Label,
    /// Controls it puts in place.
    pub controls: Vec<ControlRef>,
    /// The risk it treats (on the treatment plan).
    pub risk: Option<RiskRef>,
}

fn action(h: &Handbook, refs: &Refs, r: &Risk, a: &Action, with_risk: bool) -> ActionView {
    ActionView {
        title: a.title.clone(),
        owner: refs.risks.role(refs, &a.owner),
        due: a.due,
        overdue: a.overdue(h.today),
        status: action_status(a.status),
        controls: a
            .controls
            .iter()
            .map(|&c| refs.controls[c].clone())
            .collect(),
        risk: with_risk.then(|| risk_ref(h, r)),
    }
}

/// An acceptance or approval.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionView {
    /// The role.
    pub by: Link,
    /// When.
    pub date: Date,
    /// When it lapses.
    pub expires: Option<Date>,
    /// Whether it has lapsed.
    pub expired: bool,
    /// Conditions or reasons.
    pub note: Option<String>,
}

fn decision(h: &Handbook, refs: &Refs, d: &Decision) -> DecisionView {
    DecisionView {
        by: refs.risks.role(refs, &d.by),
        date: d.date,
        expires: d.expires,
        expired: d.expires.is_some_and(|e| e < h.today),
        note: d.note.clone(),
    }
}

/// What a risk's residual level asks for: who must accept it, and
/// whether they did.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceNeed {
    /// The role that must accept (None: the risk owner, or anyone).
    pub by: Option<Link>,
    /// Whether the residual level is above the appetite.
    pub above_appetite: bool,
    /// Whether an acceptance by the right role is recorded and in force.
    pub met: bool,
}

fn need(h: &Handbook, refs: &Refs, r: &Risk) -> Option<AcceptanceNeed> {
    let acceptor = h.acceptor(r)?;
    let met = r
        .acceptance
        .as_ref()
        .is_some_and(|d| h.accepts(r, &acceptor, d) && d.expires.is_none_or(|e| e >= h.today));
    Some(AcceptanceNeed {
        by: match &acceptor {
            Acceptor::Role(id) => Some(refs.risks.role(refs, id)),
            Acceptor::Owner => Some(refs.risks.role(refs, &r.owner)),
            Acceptor::Anyone => None,
        },
        above_appetite: !matches!(acceptor, Acceptor::Owner),
        met,
    })
}

/// One row of the register.
#[derive(Debug, Clone, Serialize)]
pub struct RiskRow<'a> {
    /// The risk.
    pub risk: RiskRef,
    /// Owner.
    pub owner: Link,
    /// Where it stands.
    pub status: Label,
    /// Current score and level.
    pub current: Option<ScoreView<'a>>,
    /// Residual score and level (the current one when none is written).
    pub residual: Option<ScoreView<'a>>,
    /// Sort key of the current level (index; -1 when not scored).
    pub current_rank: i64,
    /// Sort key of the residual level.
    pub residual_rank: i64,
    /// Treatment option.
    pub option: Option<Label>,
    /// The open action due first.
    pub next_action: Option<ActionView>,
    /// The acceptance recorded.
    pub acceptance: Option<DecisionView>,
    /// What the residual level asks for.
    pub need: Option<AcceptanceNeed>,
}

fn row<'a>(h: &'a Handbook, refs: &Refs, r: &Risk) -> RiskRow<'a> {
    let c = &h.config.risk;
    let rank = |a: Option<Assessed>| a.map_or(-1, |a| a.level as i64);
    let next = r
        .treatment
        .actions
        .iter()
        .filter(|a| a.is_open())
        .min_by_key(|a| a.due);
    RiskRow {
        risk: risk_ref(h, r),
        owner: refs.risks.role(refs, &r.owner),
        status: status(r.status),
        current: score(c, r.current),
        residual: score(c, r.expected()),
        current_rank: rank(r.current),
        residual_rank: rank(r.expected()),
        option: r.treatment.option.map(option),
        next_action: next.map(|a| action(h, refs, r, a, false)),
        acceptance: r.acceptance.as_ref().map(|d| decision(h, refs, d)),
        need: need(h, refs, r),
    }
}

/// One cell of a heat map.
#[derive(Debug, Clone, Serialize)]
pub struct Cell<'a> {
    /// 1-based impact.
    pub impact: usize,
    /// The impact's label.
    pub impact_label: &'a str,
    /// Its level.
    pub level: LevelView<'a>,
    /// The risks in it.
    pub risks: Vec<Link>,
    /// Its anchor on the register page (`current-4-5`).
    pub anchor: String,
    /// x of its left edge in the drawing.
    pub x: usize,
    /// y of its top edge.
    pub y: usize,
    /// x of its centre.
    pub cx: usize,
}

/// One row of a heat map: one likelihood level.
#[derive(Debug, Clone, Serialize)]
pub struct HeatRow<'a> {
    /// 1-based likelihood.
    pub likelihood: usize,
    /// Its label.
    pub label: &'a str,
    /// y of its top edge in the drawing.
    pub y: usize,
    /// y of the baseline of its count and axis number.
    pub count_y: usize,
    /// y of the baseline of its level names.
    pub name_y: usize,
    /// Its cells, impact 1 first.
    pub cells: Vec<Cell<'a>>,
}

/// A heat map: the open risks placed by one of their scores.
#[derive(Debug, Clone, Serialize)]
pub struct HeatMap<'a> {
    /// `current` or `residual`.
    pub key: &'static str,
    /// `Current risk`.
    pub title: &'static str,
    /// Rows, the highest likelihood first (as drawn).
    pub rows: Vec<HeatRow<'a>>,
    /// Impact labels, 1 first, with the x of their column.
    pub impacts: Vec<Tick<'a>>,
    /// How many risks it places.
    pub placed: usize,
    /// Width and height of the drawing.
    pub width: usize,
    /// Height of the drawing.
    pub height: usize,
    /// Cell size.
    pub cell_width: usize,
    /// Cell height.
    pub cell_height: usize,
    /// x where the likelihood numbers end.
    pub tick_x: usize,
    /// y of the impact numbers.
    pub tick_y: usize,
    /// y of the impact axis title.
    pub title_y: usize,
    /// Centre of the grid, for the axis titles.
    pub mid_x: usize,
    /// Middle of the grid's height.
    pub mid_y: usize,
}

/// An axis label of a heat map.
#[derive(Debug, Clone, Serialize)]
pub struct Tick<'a> {
    /// 1-based position on the scale.
    pub n: usize,
    /// Its label.
    pub label: &'a str,
    /// x of the column's centre.
    pub x: usize,
}

/// The drawing's grid, in SVG units: cells, and margins for the axes.
const CELL_W: usize = 56;
const CELL_H: usize = 44;
const LEFT: usize = 36;
const TOP: usize = 2;
const BOTTOM: usize = 38;

/// A heat map of the open risks' `current` scores, or their expected
/// residual scores (`residual`, the current one when none is written).
pub fn heat_map<'a>(h: &'a Handbook, residual: bool) -> HeatMap<'a> {
    let c = &h.config.risk;
    let key = if residual { "residual" } else { "current" };
    let (nl, ni) = (c.likelihood.len(), c.impact.len());
    let mut cells: Vec<Vec<Vec<Link>>> = vec![vec![Vec::new(); ni]; nl];
    let mut placed = 0;
    for r in h.risks.iter().filter(|r| r.is_open()) {
        let a = if residual { r.expected() } else { r.current };
        if let Some(a) = a {
            let (l, i) = (usize::from(a.score.likelihood), usize::from(a.score.impact));
            if let Some(cell) = cells.get_mut(l - 1).and_then(|row| row.get_mut(i - 1)) {
                cell.push(Link {
                    url: urls::risk(&r.id),
                    title: format!("{} {}", r.id, r.title),
                });
                placed += 1;
            }
        }
    }
    let rows = (0..nl)
        .rev()
        .enumerate()
        .map(|(drawn, l)| {
            let y = TOP + drawn * CELL_H;
            HeatRow {
                likelihood: l + 1,
                label: &c.likelihood[l].label,
                y,
                count_y: y + 22,
                name_y: y + 37,
                cells: (0..ni)
                    .map(|i| Cell {
                        impact: i + 1,
                        impact_label: &c.impact[i].label,
                        level: c
                            .cell(l, i)
                            .map_or_else(|| (&c.levels[0]).into(), LevelView::from),
                        risks: std::mem::take(&mut cells[l][i]),
                        anchor: format!("{key}-{}-{}", l + 1, i + 1),
                        x: LEFT + i * CELL_W,
                        y,
                        cx: LEFT + i * CELL_W + CELL_W / 2,
                    })
                    .collect(),
            }
        })
        .collect();
    HeatMap {
        key,
        title: if residual {
            "Residual risk"
        } else {
            "Current risk"
        },
        rows,
        impacts: c
            .impact
            .iter()
            .enumerate()
            .map(|(i, s)| Tick {
                n: i + 1,
                label: &s.label,
                x: LEFT + i * CELL_W + CELL_W / 2,
            })
            .collect(),
        placed,
        width: LEFT + ni * CELL_W + 2,
        height: TOP + nl * CELL_H + BOTTOM,
        cell_width: CELL_W,
        cell_height: CELL_H,
        tick_x: LEFT - 8,
        tick_y: TOP + nl * CELL_H + 15,
        title_y: TOP + nl * CELL_H + 32,
        mid_x: LEFT + ni * CELL_W / 2,
        mid_y: TOP + nl * CELL_H / 2,
    }
}

/// The scales and levels, as the register page explains them.
#[derive(Debug, Serialize)]
pub struct CriteriaView<'a> {
    /// Likelihood levels, 1 first.
    pub likelihood: Vec<Tick<'a>>,
    /// Their descriptions.
    pub likelihood_descriptions: Vec<&'a str>,
    /// Impact levels, 1 first.
    pub impact: Vec<Tick<'a>>,
    /// Their descriptions.
    pub impact_descriptions: Vec<&'a str>,
    /// Levels, lowest first, with descriptions.
    pub levels: Vec<LevelDescribed<'a>>,
    /// The appetite.
    pub appetite: LevelView<'a>,
    /// Who accepts above it.
    pub escalate_to: Option<Link>,
    /// Months between reviews.
    pub review_months: u8,
}

/// A level with what it means.
#[derive(Debug, Serialize)]
pub struct LevelDescribed<'a> {
    /// The level.
    #[serde(flatten)]
    pub level: LevelView<'a>,
    /// What it means.
    pub description: &'a str,
    /// Whether it is above the appetite.
    pub above_appetite: bool,
}

fn criteria<'a>(h: &'a Handbook, refs: &Refs) -> CriteriaView<'a> {
    let c = &h.config.risk;
    let ticks = |list: &'a [crate::risk::Step]| {
        list.iter()
            .enumerate()
            .map(|(i, s)| Tick {
                n: i + 1,
                label: &s.label,
                x: 0,
            })
            .collect()
    };
    let descriptions =
        |list: &'a [crate::risk::Step]| list.iter().map(|s| s.description.as_str()).collect();
    CriteriaView {
        likelihood: ticks(&c.likelihood),
        likelihood_descriptions: descriptions(&c.likelihood),
        impact: ticks(&c.impact),
        impact_descriptions: descriptions(&c.impact),
        levels: c
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| LevelDescribed {
                level: l.into(),
                description: &l.description,
                above_appetite: c.above_appetite(i),
            })
            .collect(),
        appetite: (&c.levels[c.appetite]).into(),
        escalate_to: c.escalate_to.as_ref().map(|r| refs.risks.role(refs, &r.id)),
        review_months: c.review_months,
    }
}

/// The register page.
#[derive(Debug, Serialize)]
pub struct Register<'a> {
    /// Every risk, by id.
    pub rows: Vec<RiskRow<'a>>,
    /// Current and residual heat maps.
    pub maps: [HeatMap<'a>; 2],
    /// Open risks not yet scored.
    pub unscored: usize,
    /// Closed risks.
    pub closed: usize,
    /// The criteria.
    pub criteria: CriteriaView<'a>,
}

/// Builds the register.
pub fn register<'a>(h: &'a Handbook, refs: &Refs) -> Register<'a> {
    Register {
        rows: h.risks.iter().map(|r| row(h, refs, r)).collect(),
        maps: [heat_map(h, false), heat_map(h, true)],
        unscored: h
            .risks
            .iter()
            .filter(|r| r.is_open() && r.current.is_none())
            .count(),
        closed: h.risks.iter().filter(|r| !r.is_open()).count(),
        criteria: criteria(h, refs),
    }
}

/// One score on a risk's page.
#[derive(Debug, Serialize)]
pub struct ScoreLine<'a> {
    /// `Inherent`, `Current`, `Residual`.
    pub name: &'static str,
    /// What it means.
    pub meaning: &'static str,
    /// The score, if written.
    pub score: Option<ScoreView<'a>>,
}

/// A risk's page.
#[derive(Debug, Serialize)]
pub struct RiskView<'a> {
    /// Id, title, url, levels.
    #[serde(flatten)]
    pub head: RiskRef,
    /// Source path.
    pub source: &'a str,
    /// When the source last changed.
    pub changed: Option<Date>,
    /// Edits of the source not yet committed, in words (empty if none).
    pub uncommitted: &'static str,
    /// Owner.
    pub owner: Link,
    /// Status.
    pub status: Label,
    /// Last review.
    pub reviewed: Date,
    /// Next review.
    pub review: ReviewView,
    /// Properties threatened.
    pub cia: Vec<&'static str>,
    /// What is at risk.
    pub assets: &'a [String],
    /// Threats.
    pub threats: &'a [String],
    /// Vulnerabilities.
    pub vulnerabilities: &'a [String],
    /// Inherent, current, residual.
    pub scores: Vec<ScoreLine<'a>>,
    /// Controls in place.
    pub existing_controls: Vec<ControlRef>,
    /// Controls to put in place.
    pub planned_controls: Vec<ControlRef>,
    /// Treatment option.
    pub option: Option<Label>,
    /// The plan's actions, by due date.
    pub actions: Vec<ActionView>,
    /// The plan's approval.
    pub approved: Option<DecisionView>,
    /// The acceptance of the residual risk.
    pub acceptance: Option<DecisionView>,
    /// Who must accept it.
    pub need: Option<AcceptanceNeed>,
    /// Commits that changed the file, newest first.
    pub history: Vec<&'a Commit>,
    /// Free-form values.
    pub extra: &'a Extra,
    /// The scenario.
    pub body: BodyView<'a>,
}

/// Builds a risk's page.
pub fn risk<'a>(h: &'a Handbook, refs: &Refs, r: &'a Risk) -> RiskView<'a> {
    let c = &h.config.risk;
    let days = h.today.days_until(r.next_review);
    let (state, days) = if days < 0 {
        ("overdue", Some(-days))
    } else if days <= h.config.check.review_warning_days {
        ("due-soon", Some(days))
    } else {
        ("scheduled", None)
    };
    let mut actions: Vec<&Action> = r.treatment.actions.iter().collect();
    actions.sort_by_key(|a| (!a.is_open(), a.due));
    let controls = |list: &[usize]| list.iter().map(|&i| refs.controls[i].clone()).collect();
    RiskView {
        head: risk_ref(h, r),
        source: &r.source.rel,
        changed: r.source.changed,
        uncommitted: super::views::uncommitted(&r.source),
        owner: refs.risks.role(refs, &r.owner),
        status: status(r.status),
        reviewed: r.reviewed,
        review: ReviewView {
            date: Some(r.next_review),
            state,
            days,
        },
        cia: r.cia.iter().map(|&c| cia_label(c)).collect(),
        assets: &r.assets,
        threats: &r.threats,
        vulnerabilities: &r.vulnerabilities,
        scores: vec![
            ScoreLine {
                name: "Inherent",
                meaning: "without any control",
                score: score(c, r.inherent),
            },
            ScoreLine {
                name: "Current",
                meaning: "with the controls in place today",
                score: score(c, r.current),
            },
            ScoreLine {
                name: "Residual",
                meaning: "expected once the treatment is done",
                score: score(c, r.residual),
            },
        ],
        existing_controls: controls(&r.existing_controls),
        planned_controls: controls(&r.planned_controls()),
        option: r.treatment.option.map(option),
        actions: actions
            .into_iter()
            .map(|a| action(h, refs, r, a, false))
            .collect(),
        approved: r.treatment.approved.as_ref().map(|d| decision(h, refs, d)),
        acceptance: r.acceptance.as_ref().map(|d| decision(h, refs, d)),
        need: need(h, refs, r),
        history: h.history.commits(&r.source.rel).collect(),
        extra: &r.extra,
        body: body(&r.body),
    }
}

/// The risks the role `id` owns, and the open actions it must carry out.
pub fn of_role(h: &Handbook, refs: &Refs, id: &str) -> (Vec<RiskRef>, Vec<ActionView>) {
    let risks = h
        .risks
        .iter()
        .filter(|r| r.owner == id)
        .map(|r| risk_ref(h, r))
        .collect();
    (risks, open_actions(h, refs, |a| a.owner == id))
}

/// The treatment plan: every open action, by due date.
pub fn plan(h: &Handbook, refs: &Refs) -> Vec<ActionView> {
    open_actions(h, refs, |_| true)
}

/// The open actions of open risks that `keep` keeps, by due date.
fn open_actions(h: &Handbook, refs: &Refs, keep: impl Fn(&Action) -> bool) -> Vec<ActionView> {
    let mut open: Vec<(&Risk, &Action)> = h
        .risks
        .iter()
        .filter(|r| r.is_open())
        .flat_map(|r| {
            r.treatment
                .actions
                .iter()
                .filter(|a| a.is_open() && keep(a))
                .map(move |a| (r, a))
        })
        .collect();
    open.sort_by(|(ra, a), (rb, b)| a.due.cmp(&b.due).then_with(|| ra.id.cmp(&rb.id)));
    open.into_iter()
        .map(|(r, a)| action(h, refs, r, a, true))
        .collect()
}

/// Open risks at one residual level, for the home page.
#[derive(Debug, Serialize)]
pub struct LevelCount<'a> {
    /// The level.
    pub level: LevelView<'a>,
    /// How many open risks are expected at it.
    pub count: usize,
    /// Whether it is above the appetite.
    pub above_appetite: bool,
}

/// The home page's view of the risks.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    /// Open risks.
    pub open: usize,
    /// Open risks by expected residual level, lowest first.
    pub by_level: Vec<LevelCount<'a>>,
    /// Open risks whose expected residual level is above the appetite.
    pub above_appetite: Vec<RiskRef>,
    /// The appetite.
    pub appetite: LevelView<'a>,
    /// Open actions past their due date.
    pub overdue: Vec<ActionView>,
}

/// The home page's view of the risks; None when the handbook has none.
pub fn summary<'a>(h: &'a Handbook, refs: &Refs) -> Option<Summary<'a>> {
    if h.risks.is_empty() {
        return None;
    }
    let c = &h.config.risk;
    let open: Vec<&Risk> = h.risks.iter().filter(|r| r.is_open()).collect();
    let by_level = c
        .levels
        .iter()
        .enumerate()
        .map(|(i, l)| LevelCount {
            level: l.into(),
            count: open
                .iter()
                .filter(|r| r.expected().is_some_and(|a| a.level == i))
                .count(),
            above_appetite: c.above_appetite(i),
        })
        .collect();
    Some(Summary {
        open: open.len(),
        by_level,
        above_appetite: open
            .iter()
            .filter(|r| r.expected().is_some_and(|a| c.above_appetite(a.level)))
            .map(|r| risk_ref(h, r))
            .collect(),
        appetite: (&c.levels[c.appetite]).into(),
        overdue: open_actions(h, refs, |a| a.overdue(h.today).is_some()),
    })
}
