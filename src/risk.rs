//! The risk criteria of `[risk]` in `book.toml`: the likelihood and impact
//! scales, the risk levels, the grid that maps likelihood × impact to a
//! level, and who may accept what.
//!
//! A risk's level is never written in its file: it is looked up here from
//! its score. Every part of `[risk]` has a default, the 5×5 matrix below,
//! and the parts given replace their default one by one; the result is
//! checked as a whole (the grid has one row per likelihood level and one
//! cell per impact level, every cell names a level), and a problem is
//! reported at its place in `book.toml`.
//!
//! The default matrix: likelihood and impact from 1 to 5, and the level
//! from the product of the two, as ISO/IEC 27005 examples do:
//!
//! | likelihood × impact | level |
//! | --- | --- |
//! | 1–4 | low |
//! | 5–9 | medium |
//! | 10–16 | high |
//! | 20–25 | critical |
//!
//! A risk owner may accept a residual risk up to `medium` (the appetite);
//! above it the role named by `escalate-to` must.

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::content::meta::Score;
use crate::diagnostics::{Diagnostic, Position, Rule};

/// The most levels a scale may have.
pub const MAX_SCALE: usize = 10;

/// One level of the likelihood or impact scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A word or two: `Likely`.
    pub label: String,
    /// What it means, in a sentence.
    #[serde(default)]
    pub description: String,
}

/// A risk level: a name and a colour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    /// Machine name, as the grid and `appetite` write it: `high`.
    pub id: String,
    /// What readers see: `High`.
    pub name: String,
    /// Background colour, `#rrggbb`.
    pub colour: String,
    /// Black or white, whichever reads better on `colour`.
    pub text_colour: &'static str,
    /// What the level means or requires.
    pub description: String,
}

/// A role id written in `[risk]`, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAt {
    /// The role id.
    pub id: String,
    /// Its place in `book.toml`.
    pub at: Position,
}

/// The risk criteria: scales, levels, grid and acceptance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criteria {
    /// Likelihood levels, lowest first: a score's `likelihood` 1 is the first.
    pub likelihood: Vec<Step>,
    /// Impact levels, lowest first.
    pub impact: Vec<Step>,
    /// Risk levels, lowest first.
    pub levels: Vec<Level>,
    /// `grid[likelihood - 1][impact - 1]`: index into `levels`.
    grid: Vec<Vec<usize>>,
    /// The highest residual level (index into `levels`) a risk owner may accept.
    pub appetite: usize,
    /// The role that must accept a residual risk above the appetite.
    pub escalate_to: Option<RoleAt>,
    /// Months between reviews of a risk, when `next_review` is not written.
    pub review_months: u8,
}

impl Default for Criteria {
    fn default() -> Self {
        let grid = DEFAULT_GRID
            .iter()
            .rev()
            .map(|row| {
                row.iter()
                    .map(|id| DEFAULT_LEVELS.iter().position(|l| l.0 == *id).unwrap_or(0))
                    .collect()
            })
            .collect();
        Criteria {
            likelihood: steps(&DEFAULT_LIKELIHOOD),
            impact: steps(&DEFAULT_IMPACT),
            levels: DEFAULT_LEVELS
                .iter()
                .map(|(id, name, colour, description)| level(id, name, colour, description))
                .collect(),
            grid,
            appetite: 1,
            escalate_to: None,
            review_months: 6,
        }
    }
}

const DEFAULT_LIKELIHOOD: [(&str, &str); 5] = [
    (
        "Rare",
        "Not expected in the next year; could happen only in unusual conditions",
    ),
    (
        "Unlikely",
        "Could happen in the next year, but would be a surprise",
    ),
    ("Possible", "Might well happen in the next year"),
    ("Likely", "Expected to happen in the next year"),
    ("Almost certain", "Expected to happen several times a year"),
];

const DEFAULT_IMPACT: [(&str, &str); 5] = [
    (
        "Negligible",
        "No effect on customers; cost and effort absorbed in normal work",
    ),
    (
        "Minor",
        "A brief effect on a few customers or staff; small cost",
    ),
    (
        "Moderate",
        "Several customers affected, or a contract breached; noticeable cost",
    ),
    (
        "Major",
        "A reportable breach, a long outage or a large loss; regulators or many customers involved",
    ),
    (
        "Severe",
        "A breach at scale or a loss that threatens the organisation or its certification",
    ),
];

/// `(id, name, colour, description)`, lowest first.
const DEFAULT_LEVELS: [(&str, &str, &str, &str); 4] = [
    (
        "low",
        "Low",
        "#2e7d32",
        "Within the appetite: the risk owner may accept it",
    ),
    (
        "medium",
        "Medium",
        "#f9a825",
        "Within the appetite: treat it where that is worth the cost, or the risk owner accepts it",
    ),
    (
        "high",
        "High",
        "#ef6c00",
        "Above the appetite: treat it; only the escalation role may accept what remains",
    ),
    (
        "critical",
        "Critical",
        "#c62828",
        "Far above the appetite: treat it now and report it to the leadership",
    ),
];

/// The default grid as `book.toml` writes it: the highest likelihood first,
/// impact from 1 to 5 in each row.
const DEFAULT_GRID: [[&str; 5]; 5] = [
    ["medium", "high", "high", "critical", "critical"],
    ["low", "medium", "high", "high", "critical"],
    ["low", "medium", "medium", "high", "high"],
    ["low", "low", "medium", "medium", "high"],
    ["low", "low", "low", "low", "medium"],
];

fn steps(list: &[(&str, &str)]) -> Vec<Step> {
    list.iter()
        .map(|(label, description)| Step {
            label: (*label).to_owned(),
            description: (*description).to_owned(),
        })
        .collect()
}

fn level(id: &str, name: &str, colour: &str, description: &str) -> Level {
    Level {
        id: id.to_owned(),
        name: name.to_owned(),
        colour: colour.to_owned(),
        text_colour: text_on(colour),
        description: description.to_owned(),
    }
}

/// Why a score cannot be placed on the scales.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffScale {
    /// `likelihood` or `impact`.
    pub axis: &'static str,
    /// The value written.
    pub value: u8,
    /// How many levels the scale has.
    pub max: usize,
}

impl std::fmt::Display for OffScale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} is not on the scale: [risk] in book.toml defines {} from 1 to {}",
            self.axis, self.value, self.axis, self.max
        )
    }
}

impl Criteria {
    /// The level (index into `levels`) of `score`, or why it is off the scales.
    pub fn level(&self, score: Score) -> Result<usize, OffScale> {
        let on = |axis: &'static str, value: u8, max: usize| {
            if value == 0 || usize::from(value) > max {
                Err(OffScale { axis, value, max })
            } else {
                Ok(usize::from(value) - 1)
            }
        };
        let l = on("likelihood", score.likelihood, self.likelihood.len())?;
        let i = on("impact", score.impact, self.impact.len())?;
        Ok(self.grid[l][i])
    }

    /// The grid as levels: `[likelihood - 1][impact - 1]`.
    pub fn cell(&self, likelihood: usize, impact: usize) -> Option<&Level> {
        let i = *self.grid.get(likelihood)?.get(impact)?;
        self.levels.get(i)
    }

    /// Whether a residual level (index) is above the appetite.
    pub fn above_appetite(&self, level: usize) -> bool {
        level > self.appetite
    }
}

/// `[risk]` as written, with where each value is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CriteriaFile {
    #[serde(default)]
    likelihood: Option<Spanned<Vec<Step>>>,
    #[serde(default)]
    impact: Option<Spanned<Vec<Step>>>,
    #[serde(default)]
    levels: Option<Spanned<Vec<LevelFile>>>,
    #[serde(default)]
    grid: Option<Spanned<Vec<GridRow>>>,
    #[serde(default)]
    appetite: Option<Spanned<String>>,
    #[serde(default)]
    escalate_to: Option<Spanned<String>>,
    #[serde(default)]
    review_months: Option<Spanned<i64>>,
}

/// One row of the grid as written: level ids, each with its place.
type GridRow = Spanned<Vec<Spanned<String>>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelFile {
    id: Spanned<String>,
    #[serde(default)]
    name: Option<String>,
    colour: Spanned<String>,
    #[serde(default)]
    description: String,
}

impl CriteriaFile {
    /// The criteria `[risk]` describes, defaults filled in; or every
    /// problem, each an error at its place in `text` (the file at `path`).
    /// A part that depends on a wrong one (the grid on the scales and
    /// levels, the appetite on the levels) is not checked again.
    pub fn build(self, text: &str, path: &Path) -> Result<Criteria, Vec<Diagnostic>> {
        let at = |span: std::ops::Range<usize>| Position::of_offset(text, span.start);
        let table = text
            .find("[risk]")
            .map_or(Position::START, |o| Position::of_offset(text, o));
        let mut problems = Vec::new();
        let mut fail = |at: Position, message: String| {
            problems.push(Diagnostic::error(
                Rule::Config,
                path,
                at,
                format!("[risk] {message}"),
            ));
        };
        let defaults = Criteria::default();
        let mut criteria = defaults.clone();
        let mut shape_known = true;
        for (axis, given, target) in [
            ("likelihood", self.likelihood, &mut criteria.likelihood),
            ("impact", self.impact, &mut criteria.impact),
        ] {
            let Some(given) = given else { continue };
            let span = given.span();
            let list = given.into_inner();
            if list.is_empty() || list.len() > MAX_SCALE {
                fail(
                    at(span),
                    format!(
                        "{axis} needs from 1 to {MAX_SCALE} levels, not {}",
                        list.len()
                    ),
                );
                shape_known = false;
                continue;
            }
            for (n, _) in list
                .iter()
                .enumerate()
                .filter(|(_, s)| s.label.trim().is_empty())
            {
                fail(
                    at(span.clone()),
                    format!("{axis} level {} has no label: give it a word or two", n + 1),
                );
            }
            *target = list;
        }
        let mut levels_ok = true;
        if let Some(levels) = self.levels {
            let span = levels.span();
            let levels = levels.into_inner();
            if levels.is_empty() {
                fail(at(span), "levels needs at least one level".to_owned());
                levels_ok = false;
            }
            let mut built: Vec<Level> = Vec::with_capacity(levels.len());
            for l in levels {
                let id = l.id.get_ref().trim();
                let colour = l.colour.get_ref().trim();
                if id.is_empty()
                    || !id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    fail(
                        at(l.id.span()),
                        format!("level id `{id}` must be letters, digits, `-` or `_`"),
                    );
                    levels_ok = false;
                } else if built.iter().any(|b| b.id == id) {
                    fail(at(l.id.span()), format!("level `{id}` is defined twice"));
                    levels_ok = false;
                }
                if !is_hex_colour(colour) {
                    fail(
                        at(l.colour.span()),
                        format!(
                            "colour `{colour}` of level `{id}` must be written #rrggbb, e.g. #c62828"
                        ),
                    );
                    levels_ok = false;
                }
                let name = l.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
                built.push(level(
                    id,
                    name.unwrap_or(id),
                    &colour.to_ascii_lowercase(),
                    l.description.trim(),
                ));
            }
            criteria.levels = built;
        }
        let find = |id: &str| criteria.levels.iter().position(|l| l.id == id.trim());
        let unknown = |id: &str| {
            let ids: Vec<&str> = criteria.levels.iter().map(|l| l.id.as_str()).collect();
            format!(
                "no level is called `{}` (the levels: {})",
                id.trim(),
                ids.join(", ")
            )
        };
        let (rows, cells) = (criteria.likelihood.len(), criteria.impact.len());
        let grid: Option<Vec<Vec<usize>>> = match self.grid {
            _ if !shape_known || !levels_ok => None,
            Some(grid) => {
                let span = grid.span();
                let grid = grid.into_inner();
                let rows_fit = grid.len() == rows;
                if !rows_fit {
                    fail(
                        at(span),
                        format!(
                            "grid has {} row{} but likelihood has {rows} level{}: write one row per likelihood level, the highest first",
                            grid.len(),
                            plural(grid.len()),
                            plural(rows)
                        ),
                    );
                }
                let mut built = Vec::with_capacity(rows);
                for (n, row) in grid.into_iter().enumerate() {
                    let span = row.span();
                    let row = row.into_inner();
                    // Rows are numbered only when there are as many as levels.
                    if rows_fit && row.len() != cells {
                        fail(
                            at(span),
                            format!(
                                "grid row {} (likelihood {}) has {} cell{} but impact has {cells} level{}: write one level id per impact level, the lowest first",
                                n + 1,
                                rows.saturating_sub(n),
                                row.len(),
                                plural(row.len()),
                                plural(cells)
                            ),
                        );
                    }
                    let mut levels = Vec::with_capacity(cells);
                    for cell in row {
                        match find(cell.get_ref()) {
                            Some(i) => levels.push(i),
                            None => fail(
                                at(cell.span()),
                                format!("grid: {}", unknown(cell.get_ref())),
                            ),
                        }
                    }
                    built.push(levels);
                }
                built.reverse();
                Some(built)
            }
            None => {
                let default_fits = rows == DEFAULT_GRID.len() && cells == DEFAULT_GRID[0].len();
                let ids: Option<Vec<Vec<usize>>> = default_fits
                    .then(|| {
                        DEFAULT_GRID
                            .iter()
                            .rev()
                            .map(|row| row.iter().map(|id| find(id)).collect())
                            .collect()
                    })
                    .flatten();
                if ids.is_none() {
                    fail(
                        table,
                        format!(
                            "has no grid, and the default 5×5 grid of low, medium, high and critical does not fit these scales and levels: write `grid`, {rows} row{} of {cells} level id{}",
                            plural(rows),
                            plural(cells)
                        ),
                    );
                }
                ids
            }
        };
        let appetite = match self.appetite {
            _ if !levels_ok => None,
            Some(a) => {
                let found = find(a.get_ref());
                if found.is_none() {
                    fail(at(a.span()), format!("appetite: {}", unknown(a.get_ref())));
                }
                found
            }
            None => {
                let found = find(&defaults.levels[defaults.appetite].id);
                if found.is_none() {
                    fail(
                        table,
                        "has no appetite: name the highest residual level a risk owner may accept, e.g. appetite = \"medium\"".to_owned(),
                    );
                }
                found
            }
        };
        criteria.escalate_to = self.escalate_to.map(|r| RoleAt {
            id: r.get_ref().trim().to_owned(),
            at: at(r.span()),
        });
        if let Some(months) = self.review_months {
            let value = *months.get_ref();
            match u8::try_from(value) {
                Ok(m) if (1..=60).contains(&m) => criteria.review_months = m,
                _ => fail(
                    at(months.span()),
                    format!("review-months must be from 1 to 60, not {value}"),
                ),
            }
        }
        match (grid, appetite) {
            (Some(grid), Some(appetite)) if problems.is_empty() => {
                criteria.grid = grid;
                criteria.appetite = appetite;
                Ok(criteria)
            }
            _ => Err(problems),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// `#000000` or `#ffffff`, whichever contrasts more with `colour` (`#rrggbb`).
/// One of the two always reaches at least 4.58:1 (WCAG AA for text).
fn text_on(colour: &str) -> &'static str {
    let channel = |i: usize| {
        let c =
            f64::from(u8::from_str_radix(colour.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0))
                / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    let with_black = (luminance + 0.05) / 0.05;
    let with_white = 1.05 / (luminance + 0.05);
    if with_black >= with_white {
        "#000000"
    } else {
        "#ffffff"
    }
}

/// `[risk]` as `ismsbook init` writes it: the defaults, spelt out.
pub fn default_table(escalate_to: &str) -> String {
    let d = Criteria::default();
    let mut out = String::new();
    out.push_str("[risk]\n");
    out.push_str("# The risk criteria. A risk's level is looked up in `grid` from its\n");
    out.push_str("# likelihood and impact; it is never written in the risk's file.\n");
    let keys = [
        (
            format!("appetite = \"{}\"", d.levels[d.appetite].id),
            "the highest residual level a risk owner may accept",
        ),
        (
            format!("escalate-to = \"{escalate_to}\""),
            "the role that must accept a residual risk above it",
        ),
        (
            format!("review-months = {}", d.review_months),
            "months between reviews of a risk, unless its `next_review` says",
        ),
    ];
    for (key, comment) in keys {
        out.push_str(&format!("{key:<34}# {comment}\n"));
    }
    out.push_str("# One row per likelihood level, the highest first (as the heat map shows it);\n");
    out.push_str("# in each row, one level id per impact level, the lowest first.\n");
    out.push_str("grid = [\n");
    for (n, row) in DEFAULT_GRID.iter().enumerate() {
        let last = row.len() - 1;
        let cells: String = row
            .iter()
            .enumerate()
            .map(|(i, c)| match i == last {
                true => format!("\"{c}\""),
                false => format!("{:<12}", format!("\"{c}\",")),
            })
            .collect();
        let line = format!("  [{cells}],");
        out.push_str(&format!(
            "{line:<66}# likelihood {}\n",
            DEFAULT_GRID.len() - n
        ));
    }
    out.push_str("]\n");
    for (axis, list) in [("likelihood", &d.likelihood), ("impact", &d.impact)] {
        for (n, s) in list.iter().enumerate() {
            out.push_str(&format!(
                "\n[[risk.{axis}]]  # {}\nlabel = \"{}\"\ndescription = \"{}\"\n",
                n + 1,
                s.label,
                s.description
            ));
        }
    }
    for l in &d.levels {
        out.push_str(&format!(
            "\n[[risk.levels]]\nid = \"{}\"\nname = \"{}\"\ncolour = \"{}\"\ndescription = \"{}\"\n",
            l.id, l.name, l.colour, l.description
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_text: &str) -> Result<Criteria, Vec<Diagnostic>> {
        #[derive(Deserialize)]
        struct File {
            risk: CriteriaFile,
        }
        let file: File = toml::from_str(toml_text).map_err(|e| {
            vec![Diagnostic::error(
                Rule::Config,
                Path::new("book.toml"),
                Position::START,
                e.message(),
            )]
        })?;
        file.risk.build(toml_text, Path::new("book.toml"))
    }

    fn score(likelihood: u8, impact: u8) -> Score {
        Score { likelihood, impact }
    }

    #[test]
    fn the_default_matrix_bands_the_product_of_likelihood_and_impact() {
        let c = Criteria::default();
        let name = |l, i| c.levels[c.level(score(l, i)).unwrap()].id.as_str();
        for l in 1..=5u8 {
            for i in 1..=5u8 {
                let expected = match l * i {
                    1..=4 => "low",
                    5..=9 => "medium",
                    10..=16 => "high",
                    _ => "critical",
                };
                assert_eq!(name(l, i), expected, "{l} × {i}");
            }
        }
        assert_eq!(c.levels[c.appetite].id, "medium");
        assert!(c.above_appetite(2) && !c.above_appetite(1));
    }

    #[test]
    fn scores_off_the_scales_say_which_axis() {
        let c = Criteria::default();
        let e = c.level(score(6, 1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "likelihood 6 is not on the scale: [risk] in book.toml defines likelihood from 1 to 5"
        );
        assert_eq!(c.level(score(1, 0)).unwrap_err().axis, "impact");
    }

    #[test]
    fn the_table_init_writes_is_the_default() {
        let table = default_table("top-management");
        let c = parse(&table).unwrap();
        assert_eq!(
            Criteria {
                escalate_to: None,
                ..c.clone()
            },
            Criteria::default()
        );
        assert_eq!(c.escalate_to.unwrap().id, "top-management");
    }

    #[test]
    fn a_smaller_matrix_replaces_the_default_whole() {
        let c = parse(
            "[risk]\nappetite = \"ok\"\ngrid = [[\"bad\", \"bad\"], [\"ok\", \"bad\"], [\"ok\", \"ok\"]]\n\
             [[risk.likelihood]]\nlabel = \"Low\"\n[[risk.likelihood]]\nlabel = \"Mid\"\n[[risk.likelihood]]\nlabel = \"High\"\n\
             [[risk.impact]]\nlabel = \"Small\"\n[[risk.impact]]\nlabel = \"Big\"\n\
             [[risk.levels]]\nid = \"ok\"\ncolour = \"#FFFFFF\"\n[[risk.levels]]\nid = \"bad\"\nname = \"Bad\"\ncolour = \"#000000\"\n",
        )
        .unwrap();
        assert_eq!(c.levels[c.level(score(1, 1)).unwrap()].id, "ok");
        assert_eq!(c.levels[c.level(score(2, 2)).unwrap()].id, "bad");
        assert_eq!(c.levels[c.level(score(3, 1)).unwrap()].id, "bad");
        assert_eq!(c.levels[0].name, "ok", "the name defaults to the id");
        assert_eq!(c.levels[0].colour, "#ffffff");
        assert_eq!(c.levels[0].text_colour, "#000000");
        assert_eq!(c.levels[1].text_colour, "#ffffff");
    }

    #[test]
    fn problems_are_reported_at_their_line() {
        let base = "[book]\n[risk]\n";
        let cases = [
            (
                "grid = [[\"low\"]]\n",
                3,
                "grid has 1 row but likelihood has 5 levels",
            ),
            (
                "grid = [\n[\"low\",\"low\",\"low\",\"low\",\"low\"],\n[\"low\",\"low\",\"low\",\"low\",\"low\"],\n[\"low\",\"low\",\"low\",\"low\"],\n[\"low\",\"low\",\"low\",\"low\",\"low\"],\n[\"low\",\"low\",\"low\",\"low\",\"low\"]]\n",
                6,
                "grid row 3 (likelihood 3) has 4 cells but impact has 5 levels",
            ),
            (
                "grid = [\n[\"low\",\"low\",\"low\",\"low\",\"low\"],\n[\"low\",\"low\",\"hihg\",\"low\",\"low\"],\n[\"low\",\"low\",\"low\",\"low\",\"low\"],\n[\"low\",\"low\",\"low\",\"low\",\"low\"],\n[\"low\",\"low\",\"low\",\"low\",\"low\"]]\n",
                5,
                "grid: no level is called `hihg`",
            ),
            (
                "appetite = \"severe\"\n",
                3,
                "appetite: no level is called `severe`",
            ),
            (
                "review-months = 0\n",
                3,
                "review-months must be from 1 to 60",
            ),
            (
                "[[risk.levels]]\nid = \"x\"\ncolour = \"red\"\n",
                5,
                "must be written #rrggbb",
            ),
            (
                "[[risk.levels]]\nid = \"x\"\ncolour = \"#ffffff\"\n",
                2,
                "has no grid",
            ),
            (
                "[[risk.likelihood]]\nlabel = \"\"\n",
                3,
                "likelihood level 1 has no label",
            ),
        ];
        for (body, line, message) in cases {
            let text = format!("{base}{body}");
            // [book] is not part of the risk table here: drop it for parsing.
            let all = parse(&text.replacen("[book]\n", "\n", 1)).unwrap_err();
            let e = all
                .iter()
                .find(|e| e.message.contains(message))
                .unwrap_or_else(|| panic!("{body}: {all:?}"));
            assert_eq!(e.line, line, "{body}: {}", e.message);
        }
    }

    #[test]
    fn every_problem_comes_at_once_without_cascades() {
        let all = parse(
            "[risk]\nappetite = \"severe\"\nreview-months = 99\n\
             grid = [[\"low\"]]\n\
             [[risk.levels]]\nid = \"low\"\ncolour = \"green\"\n\
             [[risk.levels]]\nid = \"low\"\ncolour = \"#00ff00\"\n",
        )
        .unwrap_err();
        let mut lines: Vec<(usize, &str)> =
            all.iter().map(|d| (d.line, d.message.as_str())).collect();
        lines.sort();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            lines[0].1.contains("review-months") && lines[0].0 == 3,
            "{lines:?}"
        );
        assert!(
            lines[1].1.contains("colour `green`") && lines[1].0 == 7,
            "{lines:?}"
        );
        assert!(
            lines[2].1.contains("level `low` is defined twice") && lines[2].0 == 9,
            "{lines:?}"
        );
        // The grid and the appetite name levels: not checked while the levels are wrong.
    }

    #[test]
    fn text_colour_is_the_one_that_contrasts_more() {
        assert_eq!(text_on("#c62828"), "#ffffff");
        assert_eq!(text_on("#f9a825"), "#000000");
        assert_eq!(text_on("#2e7d32"), "#ffffff");
        assert_eq!(text_on("#ef6c00"), "#000000");
    }
}
