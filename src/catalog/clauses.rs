//! Clauses 4–10 of ISO/IEC 27001:2022: the management system, which an
//! audit checks before the Annex A controls.
//!
//! Facts only, compiled in from `data/`: each clause's id, parent and short
//! heading, one line of our own words on what it is about, and the
//! documented information that the clauses require (our own wording of
//! the commonly published list). No text of the standard is shipped.
//!
//! Clause numbers 5.1–5.3, 6.1–6.3, 7.1–7.5 and 8.1–8.3 are also Annex A
//! control ids with other meanings. The two catalogs never share a lookup:
//! a clause is shown as "Clause 5.1", a control as "A.5.1", and a clause is
//! linked with `clause:` where a control is linked with `control:`.

use std::collections::HashMap;
use std::sync::LazyLock;

const CLAUSES: &str = include_str!("data/iso27001-2022-clauses.tsv");
const DOCUMENTED: &str = include_str!("data/iso27001-2022-documented-information.tsv");

/// One clause or sub-clause of 4–10.
#[derive(Debug, Clone)]
pub struct Clause {
    /// Its number, e.g. `6.1.2`.
    pub id: &'static str,
    /// Index of its parent clause; None for the seven top-level clauses.
    pub parent: Option<usize>,
    /// Its short heading, e.g. "Information security risk assessment".
    pub heading: &'static str,
    /// What it is about, in one line of our own words.
    pub summary: &'static str,
    /// Indexes of its sub-clauses.
    pub children: Vec<usize>,
    /// Indexes into [`Clauses::required`] of the documented information it asks for.
    pub required: Vec<usize>,
}

impl Clause {
    /// How deep it is: 0 for `4`, 1 for `4.1`, 2 for `6.1.2`.
    pub fn depth(&self) -> usize {
        self.id.matches('.').count()
    }
}

/// Something the handbook itself produces that can be the required
/// documented information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generated {
    /// The Statement of Applicability (`soa.html`).
    Soa,
    /// The risk register (`risks.html`), once the handbook has risks.
    RiskRegister,
    /// The risk treatment plan, once the handbook has risks.
    TreatmentPlan,
}

impl Generated {
    fn parse(cell: &str) -> Option<Generated> {
        match cell {
            "soa" => Some(Generated::Soa),
            "risk-register" => Some(Generated::RiskRegister),
            "treatment-plan" => Some(Generated::TreatmentPlan),
            _ => None,
        }
    }
}

/// One item of documented information that a clause requires.
#[derive(Debug, Clone)]
pub struct Required {
    /// How documents name it: the clause, and a letter where the clause
    /// asks for more than one (`6.1.3 d`).
    pub key: &'static str,
    /// Index of the clause that asks for it.
    pub clause: usize,
    /// What it is, e.g. "Statement of Applicability".
    pub what: &'static str,
    /// What the handbook produces that is it, if anything.
    pub generated: Option<Generated>,
}

/// The clause catalog.
#[derive(Debug)]
pub struct Clauses {
    /// Every clause and sub-clause, in document order.
    pub clauses: Vec<Clause>,
    /// The documented information the clauses require, in clause order.
    pub required: Vec<Required>,
    by_id: HashMap<&'static str, usize>,
}

/// Why a written clause reference names no clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownClause {
    /// An Annex A control id written with `A.`: not a clause.
    Control(String),
    /// No such clause; the nearest, if one is near.
    Unknown {
        /// As written.
        written: String,
        /// Index of the nearest clause.
        nearest: Option<usize>,
    },
}

static CATALOG: LazyLock<Clauses> = LazyLock::new(Clauses::load);

/// The built-in clause catalog.
pub fn clauses() -> &'static Clauses {
    &CATALOG
}

impl Clauses {
    fn load() -> Clauses {
        let rows = |table: &'static str| {
            table
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.split('\t').map(str::trim).collect::<Vec<_>>())
        };
        let mut clauses: Vec<Clause> = Vec::new();
        let mut by_id = HashMap::new();
        for r in rows(CLAUSES) {
            let parent = (!r[1].is_empty()).then(|| by_id[r[1]]);
            by_id.insert(r[0], clauses.len());
            if let Some(p) = parent {
                let me = clauses.len();
                clauses[p].children.push(me);
            }
            clauses.push(Clause {
                id: r[0],
                parent,
                heading: r[2],
                summary: r[3],
                children: Vec::new(),
                required: Vec::new(),
            });
        }
        let mut required = Vec::new();
        for r in rows(DOCUMENTED) {
            let clause = by_id[r[1]];
            clauses[clause].required.push(required.len());
            required.push(Required {
                key: r[0],
                clause,
                what: r[2],
                generated: r.get(3).and_then(|g| Generated::parse(g)),
            });
        }
        Clauses {
            clauses,
            required,
            by_id,
        }
    }

    /// The index of a clause by its exact number (`9.2`).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Resolves a clause as a user may write it: `9.2`, `Clause 9.2`,
    /// `§9.2`. An id written as an Annex A control (`A.5.1`) is an error
    /// that says so, as is an unknown number.
    pub fn resolve(&self, written: &str) -> Result<usize, UnknownClause> {
        let trimmed = written.trim();
        if trimmed.starts_with("A.") || trimmed.starts_with("a.") {
            return Err(UnknownClause::Control(trimmed.to_owned()));
        }
        let bare = trimmed
            .strip_prefix("Clause")
            .or_else(|| trimmed.strip_prefix("clause"))
            .or_else(|| trimmed.strip_prefix('§'))
            .unwrap_or(trimmed)
            .trim();
        self.index_of(bare).ok_or_else(|| UnknownClause::Unknown {
            written: trimmed.to_owned(),
            nearest: self.nearest(bare),
        })
    }

    /// Resolves a reference to a clause or to one of its items of
    /// documented information: `6.1.3`, `6.1.3 d`, `6.1.3(d)`, `7.5.1b`.
    /// Returns the clause and, when a letter names one, the item.
    pub fn resolve_reference(
        &self,
        written: &str,
    ) -> Result<(usize, Option<usize>), UnknownClause> {
        let trimmed = written.trim();
        let letter_at = trimmed
            .rfind(|c: char| c.is_ascii_digit())
            .map_or(trimmed.len(), |i| i + 1);
        let (number, letter) = trimmed.split_at(letter_at);
        let letter = letter.trim().trim_matches(['(', ')']).trim();
        let clause = self.resolve(number)?;
        if letter.is_empty() {
            return Ok((clause, None));
        }
        let key = format!("{} {letter}", self.clauses[clause].id);
        match self.required.iter().position(|r| r.key == key) {
            Some(item) => Ok((clause, Some(item))),
            None => Err(UnknownClause::Unknown {
                written: trimmed.to_owned(),
                nearest: Some(clause),
            }),
        }
    }

    /// The clause nearest to an unknown number: the sibling with the
    /// closest last number (`9.4` gives `9.3`); else the closest spelling.
    fn nearest(&self, bare: &str) -> Option<usize> {
        if let Some((parent, last)) = bare.rsplit_once('.')
            && let (Some(p), Ok(last)) = (self.index_of(parent), last.parse::<u32>())
        {
            let number = |i: usize| {
                let id = self.clauses[i].id;
                id.rsplit('.')
                    .next()
                    .and_then(|n| n.parse::<u32>().ok())
                    .unwrap_or(0)
            };
            if let Some(&i) = self.clauses[p]
                .children
                .iter()
                .min_by_key(|&&i| number(i).abs_diff(last))
            {
                return Some(i);
            }
        }
        self.clauses
            .iter()
            .enumerate()
            .map(|(i, c)| (i, strsim::levenshtein(bare, c.id)))
            .filter(|&(_, d)| d <= 1)
            .min_by_key(|&(_, d)| d)
            .map(|(i, _)| i)
    }

    /// A sentence that explains an unknown clause reference.
    pub fn explain(&self, error: &UnknownClause) -> String {
        match error {
            UnknownClause::Control(written) => format!(
                "`{written}` is an Annex A control, not a clause: clauses 4–10 are written \
                 without `A.` (`9.2`), and controls are listed under `controls`"
            ),
            UnknownClause::Unknown { written, nearest } => match nearest {
                Some(i) => format!(
                    "no clause `{written}` in ISO/IEC 27001:2022; did you mean {}?",
                    self.label(*i)
                ),
                None => format!(
                    "no clause `{written}` in ISO/IEC 27001:2022; clauses run from 4 to 10.2"
                ),
            },
        }
    }

    /// `Clause 9.2 (Internal audit)`.
    pub fn label(&self, index: usize) -> String {
        let c = &self.clauses[index];
        format!("Clause {} ({})", c.id, c.heading)
    }

    /// The clause and all the clauses under it, as indexes.
    pub fn subtree(&self, index: usize) -> Vec<usize> {
        let mut out = vec![index];
        let mut i = 0;
        while i < out.len() {
            out.extend(self.clauses[out[i]].children.iter().copied());
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_every_clause_from_4_to_10_2() {
        let c = clauses();
        let ids: Vec<&str> = c.clauses.iter().map(|x| x.id).collect();
        assert_eq!(
            ids,
            [
                "4", "4.1", "4.2", "4.3", "4.4", "5", "5.1", "5.2", "5.3", "6", "6.1", "6.1.1",
                "6.1.2", "6.1.3", "6.2", "6.3", "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1",
                "7.5.2", "7.5.3", "8", "8.1", "8.2", "8.3", "9", "9.1", "9.2", "9.2.1", "9.2.2",
                "9.3", "9.3.1", "9.3.2", "9.3.3", "10", "10.1", "10.2"
            ]
        );
        assert_eq!(c.clauses.iter().filter(|x| x.parent.is_none()).count(), 7);
        let i = c.index_of("6.1.2").unwrap();
        assert_eq!(c.clauses[i].heading, "Information security risk assessment");
        assert_eq!(c.clauses[c.clauses[i].parent.unwrap()].id, "6.1");
        assert!(c.clauses.iter().all(|x| !x.summary.is_empty()));
    }

    #[test]
    fn lists_the_mandatory_documented_information() {
        let c = clauses();
        let keys: Vec<&str> = c.required.iter().map(|r| r.key).collect();
        assert_eq!(
            keys,
            [
                "4.3", "5.2", "6.1.2", "6.1.3", "6.1.3 d", "6.1.3 e", "6.2", "7.2", "7.5.1 b",
                "8.1", "8.2", "8.3", "9.1", "9.2.2", "9.3.3", "10.2"
            ]
        );
        let generated = |key: &str| c.required.iter().find(|r| r.key == key).unwrap().generated;
        assert_eq!(generated("6.1.3 d"), Some(Generated::Soa));
        assert_eq!(generated("8.2"), Some(Generated::RiskRegister));
        assert_eq!(generated("6.1.3 e"), Some(Generated::TreatmentPlan));
        assert_eq!(generated("8.3"), Some(Generated::TreatmentPlan));
        assert_eq!(generated("9.2.2"), None);
        let soa = c.required.iter().position(|r| r.key == "6.1.3 d").unwrap();
        assert!(
            c.clauses[c.index_of("6.1.3").unwrap()]
                .required
                .contains(&soa)
        );
    }

    #[test]
    fn references_resolve_in_every_spelling_and_never_to_a_control() {
        let c = clauses();
        let i = c.index_of("9.2").unwrap();
        for written in ["9.2", " Clause 9.2", "clause 9.2", "§9.2"] {
            assert_eq!(c.resolve(written), Ok(i), "{written}");
        }
        let e = c.resolve("A.5.1").unwrap_err();
        assert!(
            c.explain(&e)
                .contains("is an Annex A control, not a clause")
        );
        let e = c.resolve("9.4").unwrap_err();
        assert!(
            c.explain(&e).contains("did you mean Clause 9.3"),
            "{}",
            c.explain(&e)
        );
        let soa = c.required.iter().position(|r| r.key == "6.1.3 d");
        let clause = c.index_of("6.1.3").unwrap();
        for written in ["6.1.3 d", "6.1.3(d)", "6.1.3 (d)", "6.1.3d"] {
            assert_eq!(c.resolve_reference(written), Ok((clause, soa)), "{written}");
        }
        assert_eq!(c.resolve_reference("6.1.3"), Ok((clause, None)));
        assert!(c.resolve_reference("6.1.3 z").is_err());
    }

    #[test]
    fn a_subtree_holds_the_clause_and_everything_under_it() {
        let c = clauses();
        let ids: Vec<&str> = c
            .subtree(c.index_of("9").unwrap())
            .iter()
            .map(|&i| c.clauses[i].id)
            .collect();
        assert_eq!(
            ids,
            [
                "9", "9.1", "9.2", "9.3", "9.2.1", "9.2.2", "9.3.1", "9.3.2", "9.3.3"
            ]
        );
    }
}
