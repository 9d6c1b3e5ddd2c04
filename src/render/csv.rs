//! The Statement of Applicability as CSV (RFC 4180), for spreadsheets and auditors.

use crate::handbook::Handbook;

/// The header row.
pub const HEADER: [&str; 10] = [
    "Control",
    "Title",
    "Theme",
    "Applicable",
    "Justification",
    "Status",
    "Owner",
    "Implementing documents",
    "Evidence",
    "Last changed",
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
                s.map(|s| {
                    s.evidence
                        .iter()
                        .map(|e| e.title.0.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                })
                .unwrap_or_default(),
                s.and_then(|s| s.source.changed)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
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
