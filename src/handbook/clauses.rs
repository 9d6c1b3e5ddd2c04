//! Clauses 4–10 in the handbook: which documents address each clause, and
//! whether each item of documented information the clauses require is
//! there (the readiness an auditor checks first).
//!
//! A document addresses what it lists under `clauses`. A bare clause
//! (`9.2`) addresses that clause and the clauses under it, and provides the
//! items of documented information they require that have no letter; an
//! item with a letter (`6.1.3 d`) is provided only when named. What the
//! handbook produces itself counts where it is the item: the Statement of
//! Applicability always, the risk register and treatment plan when the
//! handbook has risks.

use crate::catalog::clauses::{Generated, clauses};

use super::{ClauseRef, Handbook, Review};

/// A document that addresses a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A policy (index into [`Handbook::policies`]).
    Policy(usize),
    /// A plain page (index into [`Handbook::pages`]).
    Page(usize),
    /// Something the handbook produces.
    Generated(Generated),
}

/// Where one item of required documented information stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemState {
    /// A document provides it, and its review is not overdue.
    Present,
    /// Documents provide it, but every one of them is past its review date.
    ReviewOverdue,
    /// No document provides it.
    Missing,
}

impl ItemState {
    /// The label users read.
    pub fn label(self) -> &'static str {
        match self {
            ItemState::Present => "Present",
            ItemState::ReviewOverdue => "Review overdue",
            ItemState::Missing => "Missing",
        }
    }

    /// The CSS class / machine name.
    pub fn key(self) -> &'static str {
        match self {
            ItemState::Present => "present",
            ItemState::ReviewOverdue => "review-overdue",
            ItemState::Missing => "missing",
        }
    }
}

/// One item of required documented information and what provides it.
#[derive(Debug, Clone)]
pub struct Item {
    /// Index into the catalog's required items.
    pub item: usize,
    /// The documents that provide it.
    pub sources: Vec<Source>,
    /// Where it stands.
    pub state: ItemState,
}

/// What the handbook has for clauses 4–10.
#[derive(Debug, Clone)]
pub struct Readiness {
    /// Per clause (catalog order), the documents that list it or a clause
    /// above it.
    pub by_clause: Vec<Vec<Source>>,
    /// Every required item, in catalog order.
    pub items: Vec<Item>,
}

impl Readiness {
    /// How many required items are in `state`.
    pub fn count(&self, state: ItemState) -> usize {
        self.items.iter().filter(|i| i.state == state).count()
    }
}

/// Works out which documents address which clause, and where each
/// required item stands.
pub fn readiness(h: &Handbook) -> Readiness {
    let catalog = clauses();
    let mut by_clause: Vec<Vec<Source>> = vec![Vec::new(); catalog.clauses.len()];
    let mut by_item: Vec<Vec<Source>> = vec![Vec::new(); catalog.required.len()];
    let declared = h
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| (Source::Policy(i), &p.clauses))
        .chain(
            h.pages
                .iter()
                .enumerate()
                .map(|(i, p)| (Source::Page(i), &p.clauses)),
        );
    for (source, refs) in declared {
        for &ClauseRef { clause, item } in refs {
            for c in catalog.subtree(clause) {
                push_once(&mut by_clause[c], source);
                if item.is_none() {
                    let bare = catalog.clauses[c].required.iter().copied();
                    for i in bare.filter(|&i| !catalog.required[i].key.contains(' ')) {
                        push_once(&mut by_item[i], source);
                    }
                }
            }
            if let Some(i) = item {
                push_once(&mut by_item[i], source);
            }
        }
    }
    for (i, required) in catalog.required.iter().enumerate() {
        if let Some(g) = required.generated
            && produces(h, g)
        {
            push_once(&mut by_item[i], Source::Generated(g));
            push_once(&mut by_clause[required.clause], Source::Generated(g));
        }
    }
    let items = by_item
        .into_iter()
        .enumerate()
        .map(|(item, sources)| {
            let state = state_of(h, &sources);
            Item {
                item,
                sources,
                state,
            }
        })
        .collect();
    Readiness { by_clause, items }
}

fn push_once(list: &mut Vec<Source>, source: Source) {
    if !list.contains(&source) {
        list.push(source);
    }
}

/// Whether the handbook produces `g`.
fn produces(h: &Handbook, g: Generated) -> bool {
    match g {
        Generated::Soa => true,
        Generated::RiskRegister | Generated::TreatmentPlan => h.has_risks(),
    }
}

/// Present when one source is not past its review; overdue when all are.
fn state_of(h: &Handbook, sources: &[Source]) -> ItemState {
    if sources.is_empty() {
        return ItemState::Missing;
    }
    let overdue = |s: &Source| {
        let review = match *s {
            Source::Policy(i) => h.policies[i].review,
            Source::Page(i) => h.pages[i].review,
            Source::Generated(_) => None,
        };
        matches!(h.review_on(review), Review::Overdue(_))
    };
    if sources.iter().all(overdue) {
        ItemState::ReviewOverdue
    } else {
        ItemState::Present
    }
}
