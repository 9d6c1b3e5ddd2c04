//! CSV files (RFC 4180): the Statement of Applicability, for spreadsheets
//! and auditors, and the reading lists, for HR and learning systems.

use crate::handbook::{Handbook, urls};

/// The header row.
pub const HEADER: [&str; 8] = [
    "Control",
    "Title",
    "Theme",
    "Applicable",
    "Justification",
    "Status",
    "Owner",
    "Implementing documents",
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
            ]
            .into_iter(),
        );
    }
    out
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

/// Every reading list as rows: everyone's first (role `Everyone`, no role
/// id), then each role's, everyone's policies included. URLs start at the
/// site root, after `site-url` when it is set.
pub fn reading_lists(h: &Handbook) -> String {
    let base = h
        .config
        .html
        .site_url
        .as_deref()
        .map(|u| format!("{}/", u.trim_end_matches('/')))
        .unwrap_or_default();
    let mut out = String::new();
    push_row(&mut out, READING_HEADER.iter().map(|s| s.to_string()));
    let lists = std::iter::once(("Everyone", "", &h.everyone)).chain(
        h.roles
            .iter()
            .map(|r| (r.title.as_str(), r.id.as_str(), &r.reading_list)),
    );
    for (role, id, list) in lists {
        for &p in list {
            let policy = &h.policies[p];
            push_row(
                &mut out,
                [
                    role.to_owned(),
                    id.to_owned(),
                    policy.id.clone(),
                    policy.title.clone(),
                    policy.version.clone().unwrap_or_default(),
                    policy.minutes.to_string(),
                    format!("{base}{}", urls::policy(&policy.id)),
                ]
                .into_iter(),
            );
        }
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
