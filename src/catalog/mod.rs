//! The built-in catalog of ISO/IEC 27001 Annex A controls.
//!
//! Facts only, compiled into the binary from the tables in `data/`: the 93
//! controls of the 2022 edition with their themes, titles and ISO/IEC
//! 27002:2022 attributes; the 114 controls and 14 domains of the 2013 edition;
//! and the 2013 → 2022 correspondence. No text of the standards is shipped.

pub mod clauses;

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use serde::Serialize;

const CONTROLS_2022: &str = include_str!("data/iso27001-2022-annex-a.tsv");
const ATTRIBUTES_2022: &str = include_str!("data/iso27002-2022-attributes.tsv");
const CONTROLS_2013: &str = include_str!("data/iso27001-2013-annex-a.tsv");
const DOMAINS_2013: &str = include_str!("data/iso27001-2013-domains.tsv");
const MAPPING: &str = include_str!("data/mapping-2013-to-2022.tsv");

/// The four themes of ISO/IEC 27001:2022 Annex A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Theme {
    /// Clause 5: organizational controls.
    Organizational,
    /// Clause 6: people controls.
    People,
    /// Clause 7: physical controls.
    Physical,
    /// Clause 8: technological controls.
    Technological,
}

impl Theme {
    /// All themes in clause order.
    pub const ALL: [Theme; 4] = [
        Theme::Organizational,
        Theme::People,
        Theme::Physical,
        Theme::Technological,
    ];

    /// The clause number (5 to 8).
    pub fn clause(self) -> u8 {
        match self {
            Theme::Organizational => 5,
            Theme::People => 6,
            Theme::Physical => 7,
            Theme::Technological => 8,
        }
    }

    /// The theme's name, e.g. "Organizational".
    pub fn name(self) -> &'static str {
        match self {
            Theme::Organizational => "Organizational",
            Theme::People => "People",
            Theme::Physical => "Physical",
            Theme::Technological => "Technological",
        }
    }

    fn parse(name: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The five ISO/IEC 27002:2022 attributes of a control, as `#Tag` lists.
#[derive(Debug, Clone, Serialize)]
pub struct Attributes {
    /// Control type (#Preventive, #Detective, #Corrective).
    pub control_type: Vec<&'static str>,
    /// Information security properties (#Confidentiality, ...).
    pub security_properties: Vec<&'static str>,
    /// Cybersecurity concepts (#Identify, #Protect, ...).
    pub cybersecurity_concepts: Vec<&'static str>,
    /// Operational capabilities (#Governance, ...).
    pub operational_capabilities: Vec<&'static str>,
    /// Security domains (#Governance_and_Ecosystem, ...).
    pub security_domains: Vec<&'static str>,
}

/// One ISO/IEC 27001:2022 Annex A control.
#[derive(Debug, Clone)]
pub struct Control {
    /// Its id, e.g. `5.15`.
    pub id: &'static str,
    /// Its theme.
    pub theme: Theme,
    /// Its short title.
    pub title: &'static str,
    /// Its ISO/IEC 27002:2022 attributes.
    pub attributes: Attributes,
    /// Indexes into [`Catalog::legacy`] of the 2013 controls it replaces.
    pub predecessors: Vec<usize>,
}

/// One ISO/IEC 27001:2013 Annex A control.
#[derive(Debug, Clone)]
pub struct LegacyControl {
    /// Its id, e.g. `A.9.2.3`.
    pub id: &'static str,
    /// Its domain id, e.g. `A.9`.
    pub domain: &'static str,
    /// Its short title.
    pub title: &'static str,
    /// Indexes into [`Catalog::controls`] of its 2022 successors.
    pub successors: Vec<usize>,
}

/// All Annex A facts the handbook needs.
#[derive(Debug)]
pub struct Catalog {
    /// The 93 controls of 2022, in clause order.
    pub controls: Vec<Control>,
    /// The 114 controls of 2013, in clause order.
    pub legacy: Vec<LegacyControl>,
    /// The 14 domains of 2013: (id, name).
    pub domains: Vec<(&'static str, &'static str)>,
    by_id: HashMap<&'static str, usize>,
    legacy_by_id: HashMap<&'static str, usize>,
}

/// Why a written control id matches no 2022 control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownControl {
    /// It is a 2013 id; these are the indexes of its 2022 successors.
    Legacy {
        /// The 2013 control's index in [`Catalog::legacy`].
        legacy: usize,
    },
    /// Not an Annex A id at all; the nearest 2022 control, if any is near.
    Unknown {
        /// The id as written.
        written: String,
        /// Index of the nearest 2022 control.
        nearest: Option<usize>,
    },
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::load);

/// The built-in catalog.
pub fn catalog() -> &'static Catalog {
    &CATALOG
}

fn rows(table: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    table
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::trim).collect())
}

fn tags(cell: &'static str) -> Vec<&'static str> {
    cell.split_whitespace().collect()
}

impl Catalog {
    fn load() -> Catalog {
        let attributes: HashMap<&str, Attributes> = rows(ATTRIBUTES_2022)
            .map(|r| {
                (
                    r[0],
                    Attributes {
                        control_type: tags(r[1]),
                        security_properties: tags(r[2]),
                        cybersecurity_concepts: tags(r[3]),
                        operational_capabilities: tags(r[4]),
                        security_domains: tags(r[5]),
                    },
                )
            })
            .collect();
        let controls: Vec<Control> = rows(CONTROLS_2022)
            .map(|r| Control {
                id: r[0],
                theme: Theme::parse(r[1]).expect("built-in catalog: known theme"),
                title: r[2],
                attributes: attributes
                    .get(r[0])
                    .cloned()
                    .expect("built-in catalog: attributes for every control"),
                predecessors: Vec::new(),
            })
            .collect();
        let legacy: Vec<LegacyControl> = rows(CONTROLS_2013)
            .map(|r| LegacyControl {
                id: r[0],
                domain: r[1],
                title: r[2],
                successors: Vec::new(),
            })
            .collect();
        let domains = rows(DOMAINS_2013).map(|r| (r[0], r[1])).collect();
        let by_id = controls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        let legacy_by_id = legacy.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        let mut catalog = Catalog {
            controls,
            legacy,
            domains,
            by_id,
            legacy_by_id,
        };
        for r in rows(MAPPING) {
            let (Some(&old), Some(&new)) =
                (catalog.legacy_by_id.get(r[0]), catalog.by_id.get(r[1]))
            else {
                continue; // `-`: new in 2022
            };
            catalog.legacy[old].successors.push(new);
            catalog.controls[new].predecessors.push(old);
        }
        catalog
    }

    /// The index of a 2022 control by its exact id (`5.15`).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Resolves an id as a user may write it: `5.15`, `A.5.15`, `a.5.15`.
    /// A 2013 id or an unknown id is an error that says what was meant.
    pub fn resolve(&self, written: &str) -> Result<usize, UnknownControl> {
        let trimmed = written.trim();
        let bare = trimmed
            .strip_prefix("A.")
            .or_else(|| trimmed.strip_prefix("a."))
            .unwrap_or(trimmed);
        if let Some(i) = self.index_of(bare) {
            return Ok(i);
        }
        let legacy_id = format!("A.{bare}");
        if let Some(&legacy) = self.legacy_by_id.get(legacy_id.as_str()) {
            return Err(UnknownControl::Legacy { legacy });
        }
        Err(UnknownControl::Unknown {
            written: trimmed.to_owned(),
            nearest: self.nearest(bare),
        })
    }

    /// The 2022 control nearest to an unknown id: in the same theme, the
    /// closest number (so `5.38` gives `5.37`); otherwise the closest spelling.
    fn nearest(&self, bare: &str) -> Option<usize> {
        if let Some((clause, number)) = bare.split_once('.')
            && let (Ok(clause), Ok(number)) = (clause.parse::<u8>(), number.parse::<u32>())
        {
            let same_theme = self
                .controls
                .iter()
                .enumerate()
                .filter(|(_, c)| c.theme.clause() == clause)
                .min_by_key(|(_, c)| control_number(c.id).abs_diff(number));
            if let Some((i, _)) = same_theme {
                return Some(i);
            }
        }
        self.controls
            .iter()
            .enumerate()
            .map(|(i, c)| (i, strsim::levenshtein(bare, c.id)))
            .filter(|&(_, d)| d <= 2)
            .min_by_key(|&(_, d)| d)
            .map(|(i, _)| i)
    }

    /// A sentence that explains an unknown id to the user.
    pub fn explain(&self, error: &UnknownControl) -> String {
        match error {
            UnknownControl::Legacy { legacy } => {
                let old = &self.legacy[*legacy];
                let successors: Vec<String> =
                    old.successors.iter().map(|&i| self.label(i)).collect();
                format!(
                    "`{}` is an ISO/IEC 27001:2013 control id ({}); Annex A of 2022 replaces it with {}",
                    old.id,
                    old.title,
                    successors.join(" and ")
                )
            }
            UnknownControl::Unknown { written, nearest } => match nearest {
                Some(i) => format!(
                    "unknown Annex A control `{written}`; did you mean {}?",
                    self.label(*i)
                ),
                None => {
                    format!("unknown Annex A control `{written}`; 2022 ids run from 5.1 to 8.34")
                }
            },
        }
    }

    /// `5.15 (Access control)`.
    pub fn label(&self, index: usize) -> String {
        let c = &self.controls[index];
        format!("{} ({})", c.id, c.title)
    }
}

fn control_number(id: &str) -> u32 {
    id.split_once('.')
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0)
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_93_controls_of_2022_by_theme() {
        let c = catalog();
        assert_eq!(c.controls.len(), 93);
        let count = |t| c.controls.iter().filter(|x| x.theme == t).count();
        assert_eq!(count(Theme::Organizational), 37);
        assert_eq!(count(Theme::People), 8);
        assert_eq!(count(Theme::Physical), 14);
        assert_eq!(count(Theme::Technological), 34);
        assert_eq!(
            c.controls[c.index_of("5.15").unwrap()].title,
            "Access control"
        );
    }

    #[test]
    fn has_the_2013_controls_and_domains() {
        let c = catalog();
        assert_eq!(c.legacy.len(), 114);
        assert_eq!(c.domains.len(), 14);
    }

    #[test]
    fn maps_2013_to_2022_both_ways() {
        let c = catalog();
        let old = c.resolve("A.18.2.3").unwrap_err();
        let UnknownControl::Legacy { legacy } = old else {
            panic!("{old:?}")
        };
        let ids: Vec<_> = c.legacy[legacy]
            .successors
            .iter()
            .map(|&i| c.controls[i].id)
            .collect();
        assert_eq!(ids, ["5.36", "8.8"]);
        let new_in_2022 = c
            .controls
            .iter()
            .filter(|x| x.predecessors.is_empty())
            .count();
        assert_eq!(new_in_2022, 11);
    }

    #[test]
    fn resolves_every_spelling_of_an_id() {
        let c = catalog();
        let i = c.index_of("5.15").unwrap();
        assert_eq!(c.resolve("5.15"), Ok(i));
        assert_eq!(c.resolve("A.5.15"), Ok(i));
        assert_eq!(c.resolve(" a.5.15 "), Ok(i));
    }

    #[test]
    fn explains_2013_ids_with_their_successor() {
        let c = catalog();
        let e = c.resolve("A.9.2.3").unwrap_err();
        let msg = c.explain(&e);
        assert!(msg.contains("ISO/IEC 27001:2013"), "{msg}");
        assert!(msg.contains("8.2 (Privileged access rights)"), "{msg}");
    }

    #[test]
    fn suggests_the_nearest_id_in_the_same_theme() {
        let c = catalog();
        let e = c.resolve("5.38").unwrap_err();
        assert!(
            c.explain(&e).contains("did you mean 5.37"),
            "{}",
            c.explain(&e)
        );
        let e = c.resolve("6.99").unwrap_err();
        assert!(c.explain(&e).contains("did you mean 6.8"));
        let e = c.resolve("banana").unwrap_err();
        assert!(c.explain(&e).contains("run from 5.1 to 8.34"));
    }
}
