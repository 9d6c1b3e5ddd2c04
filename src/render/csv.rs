//! The Statement of Applicability and the risk register as CSV (RFC 4180),
//! for spreadsheets and auditors. Both go through one writer.

use crate::handbook::{Assessed, Handbook};

/// The header row.
pub const HEADER: [&str; 9] = [
    "Control",
    "Title",
    "Theme",
    "Applicable",
    "Justification",
    "Status",
    "Owner",
    "Implementing documents",
    "Risks",
];

/// The SoA of `h` as RFC 4180 text: CRLF line ends, fields quoted when needed.
pub fn soa(h: &Handbook) -> String {
    let mut out = String::with_capacity(h.controls.len() * 200);
    push_row(&mut out, HEADER.iter().map(|s| s.to_string()));
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
            .map(|o| h.roles[o].title.clone())
            .unwrap_or_default();
        let documents: Vec<&str> = c
            .policies
            .iter()
            .map(|&p| h.policies[p].title.as_str())
            .collect();
        let risks: Vec<&str> = h.risks_of(c.index).map(|(r, _)| r.id.as_str()).collect();
        push_row(
            &mut out,
            [
                info.id.to_owned(),
                info.title.to_owned(),
                info.theme.name().to_owned(),
                applicable.to_owned(),
                s.map(|s| s.justification.clone()).unwrap_or_default(),
                c.state().label().to_owned(),
                owner,
                documents.join("; "),
                risks.join("; "),
            ]
            .into_iter(),
        );
    }
    out
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
    let mut out = String::with_capacity(h.risks.len() * 400);
    push_row(&mut out, RISK_HEADER.iter().map(|s| s.to_string()));
    for r in &h.risks {
        let open: Vec<_> = r.treatment.actions.iter().filter(|a| a.is_open()).collect();
        let acceptance = r.acceptance.as_ref();
        let [il, ii, ilevel] = score(r.inherent);
        let [cl, ci, clevel] = score(r.current);
        let [rl, ri, rlevel] = score(r.residual);
        push_row(
            &mut out,
            [
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
            ]
            .into_iter(),
        );
    }
    out
}

fn push_row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, &field);
    }
    out.push_str("\r\n");
}

fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_fields_that_need_it() {
        let mut out = String::new();
        push_row(
            &mut out,
            ["plain", "a, b", "say \"hi\"", "two\nlines"]
                .iter()
                .map(|s| s.to_string()),
        );
        assert_eq!(out, "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }
}
