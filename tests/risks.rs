//! The risk register: front matter and its errors, `[risk]` criteria, the
//! lints, links between risks, controls and the SoA in both directions,
//! `risks.csv`, the heat maps, search and the history from git, on real
//! handbooks built by the binary in temporary folders.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// One diagnostic: rule, file, line, column, message.
type Found = (String, String, u64, u64, String);

/// `ismsbook check . --format json` inside `dir`: its exit code and diagnostics.
fn found(dir: &Path, args: &[&str]) -> (i32, Vec<Found>) {
    let run: Run = ismsbook()
        .current_dir(dir)
        .args(["check", ".", "--today", TODAY, "--format", "json"])
        .args(args)
        .output()
        .unwrap()
        .into();
    let list: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr));
    let items = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (run.code, items)
}

/// The diagnostic of `rule` in `file`, which must be found exactly once.
fn one<'a>(all: &'a [Found], rule: &str, file: &str) -> &'a Found {
    let hits: Vec<_> = all.iter().filter(|d| d.0 == rule && d.1 == file).collect();
    assert_eq!(hits.len(), 1, "{rule} in {file}: {all:#?}");
    hits[0]
}

/// The minimal fixture, with a statement for 5.1 that is only planned, and
/// `[risk]` naming the CISO as the role that accepts above the appetite.
fn handbook() -> tempfile::TempDir {
    let book = fixture("minimal");
    edit(book.path(), "book.toml", |toml| {
        format!("{toml}\n[risk]\nescalate-to = \"ciso\"\n")
    });
    write(
        book.path(),
        "content/controls/5.1.md",
        "---\njustification: \"Policies are needed ([R-03](risk:R-03)).\"\nstatus: planned\n---\n",
    );
    write(
        book.path(),
        "content/controls/5.15.md",
        "---\napplicable: true\njustification: \"Access to customer data is our top risk ([R-01](risk:R-01)).\"\nstatus: implemented\nowner: ciso\npolicies: [access-control]\n---\nSingle sign-on; the risk is [](risk:R-01).\n",
    );
    book
}

/// A risk file: `fields` after the title, owner and review date.
fn risk(book: &Path, id: &str, fields: &str) {
    write(
        book,
        &format!("content/risks/{id}.md"),
        &format!(
            "---\ntitle: \"Risk {id}\"\nowner: ciso\nreviewed: 2026-10-01\n{fields}---\nThe scenario of {id}.\n"
        ),
    );
}

/// Risks that each break one rule (R-01 breaks none).
fn register(book: &Path) {
    risk(
        book,
        "R-01",
        "status: treating\ncurrent: {likelihood: 3, impact: 4}\nresidual: {likelihood: 2, impact: 4}\nexisting_controls: [\"5.15\"]\ntreatment:\n  option: modify\n  controls: [\"8.5\"]\n  actions:\n    - {title: \"Roll out passkeys\", owner: engineer, due: 2027-01-15, status: planned, controls: [\"8.5\"]}\n",
    );
    risk(
        book,
        "R-02",
        "status: assessed\ncurrent: {likelihood: 2, impact: 2}\nresidual: {likelihood: 3, impact: 2}\n",
    );
    risk(
        book,
        "R-03",
        "status: assessed\ncurrent: {likelihood: 3, impact: 3}\nresidual: {likelihood: 2, impact: 3}\n",
    );
    risk(
        book,
        "R-04",
        "status: accepted\ncurrent: {likelihood: 2, impact: 2}\ntreatment:\n  option: accept\n",
    );
    risk(
        book,
        "R-05",
        "status: treating\ncurrent: {likelihood: 4, impact: 5}\nresidual: {likelihood: 4, impact: 4}\ntreatment:\n  option: mitigate\n  controls: [\"5.16\"]\nacceptance:\n  by: engineer\n  date: 2026-06-01\n",
    );
    risk(
        book,
        "R-06",
        "status: accepted\ncurrent: {likelihood: 1, impact: 2}\ntreatment:\n  option: retain\n  actions:\n    - title: \"Check the lock\"\n      owner: engineer\n      due: 2026-11-01\n      status: in progress\nacceptance:\n  by: ciso\n  date: 2026-04-01\n  expires: 2026-10-01\n",
    );
    // R-06 was last reviewed long ago: its review is overdue.
    edit(book, "content/risks/R-06.md", |t| {
        t.replace("reviewed: 2026-10-01", "reviewed: 2026-01-10")
    });
    risk(
        book,
        "R-07",
        "status: treating\ncurrent: {likelihood: 2, impact: 3}\nexisting_controls:\n  - \"5.15\"\n  - \"A.7.12\"\n  - \"5.1\"\ntreatment:\n  option: modify\n  controls:\n    - \"A.5.15\"\n",
    );
    // Closed and unscored risks stay out of the heat maps and the lints.
    risk(
        book,
        "R-08",
        "status: closed\ncurrent: {likelihood: 3, impact: 4}\n",
    );
    risk(book, "R-10", "status: identified\n");
}

#[test]
fn every_risk_lint_fires_at_its_line_and_nowhere_else() {
    let book = handbook();
    register(book.path());
    let (code, all) = found(book.path(), &[]);
    assert_eq!(code, 0, "lints are warnings: {all:#?}");
    let at = |rule: &str, file: &str| {
        let d = one(&all, rule, file);
        (d.2, d.4.clone())
    };
    let (line, m) = at("risk-residual-above-current", "content/risks/R-02.md");
    assert_eq!(line, 7, "{m}");
    assert!(
        m.contains("(3 × 2, Medium) is above its current score (2 × 2, Low)"),
        "{m}"
    );
    let (line, m) = at("risk-lowered-without-control", "content/risks/R-03.md");
    assert_eq!(line, 7, "{m}");
    let (line, m) = at("risk-not-accepted", "content/risks/R-04.md");
    assert_eq!(line, 5, "at `status`: {m}");
    assert!(m.contains("because it is retained"), "{m}");
    assert!(m.contains("its owner `ciso`"), "{m}");
    let (line, m) = at("risk-not-accepted", "content/risks/R-05.md");
    assert_eq!(line, 12, "at `by`: {m}");
    assert!(
        m.contains("is accepted by `engineer`, but because its residual level High is above the appetite (Medium) it must be accepted by the role `ciso`"),
        "{m}"
    );
    let (line, m) = at("risk-acceptance-expired", "content/risks/R-06.md");
    assert_eq!(line, 17, "at `expires`: {m}");
    assert!(m.contains("expired on 2026-10-01, 54 days ago"), "{m}");
    let (line, m) = at("risk-action-overdue", "content/risks/R-06.md");
    assert_eq!(line, 10, "at the action's title: {m}");
    assert!(
        m.contains("\"Check the lock\" of R-06 was due on 2026-11-01, 23 days ago"),
        "{m}"
    );
    let (line, m) = at("risk-review-overdue", "content/risks/R-06.md");
    assert_eq!(line, 4, "at `reviewed`: {m}");
    assert!(
        m.contains("was due on 2026-07-10"),
        "six months after 2026-01-10: {m}"
    );
    let (line, m) = at("risk-control-existing-and-planned", "content/risks/R-07.md");
    assert_eq!(line, 14, "at `A.5.15`: {m}");
    let (line, m) = at("risk-control-not-applicable", "content/risks/R-07.md");
    assert_eq!(line, 9, "at `A.7.12`: {m}");
    assert!(m.contains("7.12 Cabling security"), "{m}");
    let (line, m) = at("risk-control-not-in-place", "content/risks/R-07.md");
    assert_eq!(line, 10, "at `5.1`: {m}");
    assert!(m.contains("its statement says it is planned"), "{m}");
    let (line, m) = at("justification-risk-unlinked", "content/controls/5.1.md");
    assert_eq!(line, 2, "{m}");
    assert!(
        m.contains("links to R-03, but R-03 lists 5.1 neither"),
        "{m}"
    );

    let risk_rules: Vec<_> = all
        .iter()
        .filter(|d| d.0.starts_with("risk-") || d.0.starts_with("justification-"))
        .collect();
    assert_eq!(risk_rules.len(), 11, "nothing else: {risk_rules:#?}");
    assert!(
        !all.iter().any(|d| d.1.ends_with("R-01.md")
            || d.1.ends_with("R-08.md")
            || d.1.ends_with("R-10.md")),
        "the sound, closed and unscored risks: {all:#?}"
    );

    // Configurable like every lint.
    edit(book.path(), "book.toml", |t| {
        t + "\n[check]\nallow = [\"risk-review-overdue\"]\ndeny = [\"risk-action-overdue\"]\n"
    });
    let (code, all) = found(book.path(), &[]);
    assert!(!all.iter().any(|d| d.0 == "risk-review-overdue"));
    assert_eq!(code, 1, "a denied lint fails the check");
}

#[test]
fn mistakes_in_risks_are_errors_at_their_line_all_at_once() {
    let book = handbook();
    edit(book.path(), "book.toml", |t| {
        t.replace("escalate-to = \"ciso\"", "escalate-to = \"boss\"")
    });
    risk(
        book.path(),
        "R-01",
        "status: treating\ncurrent: {likelihood: 6, impact: 2}\nexisting_controls: [\"A.9.2.3\"]\ntreatment:\n  actions:\n    - title: \"Fix it\"\n      owner: nobody\n      due: 2027-01-01\n",
    );
    edit(book.path(), "content/risks/R-01.md", |t| {
        t.replace("owner: ciso", "owner: cisoo")
    });
    risk(book.path(), "R-02", "status: treating\n");
    risk(book.path(), "R-03", "status: identified\nlikelyhood: 3\n");
    write(
        book.path(),
        "content/risks/copy.md",
        "---\nid: R-02\ntitle: Again\nowner: ciso\nstatus: identified\nreviewed: 2026-10-01\n---\n",
    );
    write(
        book.path(),
        "content/procedures/backup.md",
        "---\ntitle: Backup\n---\nSee [](risk:R-99).\n",
    );
    let (code, all) = found(book.path(), &[]);
    assert_eq!(code, 1);
    let d = one(&all, "invalid-risk", "content/risks/R-01.md");
    assert_eq!((d.2, d.3), (6, 11), "at `likelihood: 6`: {d:?}");
    assert!(d.4.contains("likelihood 6 is not on the scale"), "{d:?}");
    let d = one(&all, "unknown-control", "content/risks/R-01.md");
    assert_eq!(d.2, 7);
    assert!(d.4.contains("8.2"), "names the 2022 successor: {d:?}");
    let roles: Vec<_> = all
        .iter()
        .filter(|d| d.0 == "unknown-role" && d.1 == "content/risks/R-01.md")
        .map(|d| (d.2, d.4.as_str()))
        .collect();
    assert_eq!(roles.len(), 2, "{all:#?}");
    assert!(
        roles
            .iter()
            .any(|(l, m)| *l == 3 && m.contains("did you mean `ciso`"))
    );
    assert!(
        roles
            .iter()
            .any(|(l, m)| *l == 11 && m.contains("action owner"))
    );
    let d = one(&all, "invalid-risk", "content/risks/R-02.md");
    assert!(d.4.contains("needs `current`"), "{d:?}");
    let d = one(&all, "front-matter", "content/risks/R-03.md");
    assert!(d.4.contains("unknown field `likelyhood`"), "{d:?}");
    assert_eq!(d.2, 6);
    let d = one(&all, "duplicate-id", "content/risks/copy.md");
    assert!(d.4.contains("duplicate risk id `R-02`"), "{d:?}");
    let d = one(&all, "broken-link", "content/procedures/backup.md");
    assert!(d.4.contains("no risk has the id `R-99`"), "{d:?}");
    let d = one(&all, "unknown-role", "book.toml");
    assert!(
        d.4.contains("[risk] escalate-to: no role has the id `boss`"),
        "{d:?}"
    );
    assert!(d.2 > 1);
}

#[test]
fn a_bad_risk_matrix_is_named_at_its_line_in_book_toml() {
    let book = fixture("minimal");
    let toml = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
    write(
        book.path(),
        "book.toml",
        &format!(
            "{toml}\n[risk]\ngrid = [\n  [\"high\", \"high\"],\n  [\"low\", \"mid\"],\n]\n[[risk.likelihood]]\nlabel = \"Low\"\n[[risk.likelihood]]\nlabel = \"High\"\n[[risk.impact]]\nlabel = \"Small\"\n[[risk.impact]]\nlabel = \"Big\"\n"
        ),
    );
    let lines = toml.lines().count();
    let run = build(book.path(), &book.path().join("out"));
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains(&format!("book.toml:{}:", lines + 5)),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "[risk] grid: no level is called `mid` (the levels: low, medium, high, critical)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_custom_matrix_sets_levels_names_and_colours() {
    let book = fixture("minimal");
    let toml = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
    write(
        book.path(),
        "book.toml",
        &format!(
            "{toml}\n[risk]\nappetite = \"ok\"\ngrid = [[\"bad\", \"bad\"], [\"ok\", \"bad\"]]\n[[risk.likelihood]]\nlabel = \"Seldom\"\n[[risk.likelihood]]\nlabel = \"Often\"\n[[risk.impact]]\nlabel = \"Small\"\n[[risk.impact]]\nlabel = \"Big\"\n[[risk.levels]]\nid = \"ok\"\nname = \"Tolerable\"\ncolour = \"#DDEEFF\"\n[[risk.levels]]\nid = \"bad\"\nname = \"Intolerable\"\ncolour = \"#220000\"\n"
        ),
    );
    risk(
        book.path(),
        "R-01",
        "status: treating\ncurrent: {likelihood: 2, impact: 2}\nresidual: {likelihood: 1, impact: 1}\ntreatment:\n  controls: [\"5.15\"]\n  approved: {by: ciso, date: 2026-10-01}\n",
    );
    let out = book.path().join("out");
    let run = build(book.path(), &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out, "risks/R-01.html");
    assert!(
        page.contains(r##"style="background-color: #220000; color: #ffffff">Intolerable</span>"##),
        "the current level by name, white on dark"
    );
    assert!(
        page.contains(r##"style="background-color: #ddeeff; color: #000000">Tolerable</span>"##),
        "the residual level by name, black on light"
    );
    assert!(page.contains("2 Often"), "likelihood label");
    assert!(page.contains("Approved by"), "plan approval shown");
    let register = read(&out, "risks.html");
    assert!(
        register.contains("viewBox=\"0 0 150 128\""),
        "a 2 × 2 drawing"
    );
}

/// The lint handbook, built.
fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let book = handbook();
    register(book.path());
    edit(book.path(), "content/policies/access-control.md", |t| {
        t.replace(
            "See [](control:5.15)",
            "It treats [the access risk](risk:R-01). See [](control:5.15)",
        )
    });
    let out = book.path().join("out");
    let run = build(book.path(), &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    (book, out)
}

#[test]
fn risks_controls_and_the_soa_link_each_other_both_ways() {
    let (_book, out) = built();
    // Risk → control, with the control's live status.
    let risk = read(&out, "risks/R-01.html");
    assert!(risk.contains(r#"href="../controls/5.15.html""#));
    assert!(
        risk.contains(r#"href="../controls/8.5.html""#),
        "planned control"
    );
    assert!(risk.contains(">Implemented</span>"), "5.15's status");
    assert!(risk.contains(">No statement</span>"), "8.5's status");
    assert!(risk.contains("Roll out passkeys"));
    assert!(
        risk.contains(r#"href="../roles/engineer.html""#),
        "action owner"
    );
    // Control → risks, existing and planned.
    let control = read(&out, "controls/5.15.html");
    for id in ["R-01", "R-07"] {
        assert!(
            control.contains(&format!(r#"href="../risks/{id}.html""#)),
            "{id}"
        );
    }
    let planned = read(&out, "controls/8.5.html");
    assert!(planned.contains(r#"href="../risks/R-01.html""#));
    assert!(planned.contains(">Planned</td>"));
    // The justification's link, on the control page and in the SoA.
    assert!(control.contains(r#"top risk (<a href="../risks/R-01.html">R-01</a>)."#));
    let soa = read(&out, "soa.html");
    let row = &soa[soa.find(r#"<tr id="c-5.15">"#).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains(r#"top risk (<a href="risks/R-01.html">R-01</a>)."#),
        "{row}"
    );
    assert!(
        row.contains(r#"<a href="risks/R-07.html" title="Risk R-07">R-07</a>"#),
        "{row}"
    );
    // soa.csv: the justification as text and a column of risk ids.
    let mut csv = csv::Reader::from_path(out.join("soa.csv")).unwrap();
    assert_eq!(&csv.headers().unwrap()[8], "Risks");
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    let r515 = rows.iter().find(|r| &r[0] == "5.15").unwrap();
    assert_eq!(&r515[4], "Access to customer data is our top risk (R-01).");
    assert_eq!(&r515[8], "R-01; R-07");
    // Role → the risks it owns and the actions it must carry out.
    let ciso = read(&out, "roles/ciso.html");
    assert!(ciso.contains(r#"<a href="../risks/R-01.html">R-01</a> Risk R-01"#));
    let engineer = read(&out, "roles/engineer.html");
    assert!(engineer.contains("Roll out passkeys") && engineer.contains("Check the lock"));
    // Typed links from bodies, with the risk's id and title as text.
    let policy = read(&out, "policies/access-control.html");
    assert!(policy.contains(r#"<a href="../risks/R-01.html">the access risk</a>"#));
    assert!(control.contains(r#"<a href="../risks/R-01.html">R-01 Risk R-01</a>"#));
}

#[test]
fn risks_csv_has_a_row_per_risk_with_levels_from_the_matrix() {
    let (_book, out) = built();
    let raw = std::fs::read(out.join("risks.csv")).unwrap();
    assert!(raw.windows(2).any(|w| w == b"\r\n"), "RFC 4180 line ends");
    let mut csv = csv::Reader::from_path(out.join("risks.csv")).unwrap();
    let headers: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(headers[0], "Risk");
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(
        ids,
        [
            "R-01", "R-02", "R-03", "R-04", "R-05", "R-06", "R-07", "R-08", "R-10"
        ]
    );
    let r1 = &rows[0];
    assert_eq!(&r1[col("Owner")], "Chief Information Security Officer");
    assert_eq!(&r1[col("Current level")], "High");
    assert_eq!(&r1[col("Residual level")], "Medium");
    assert_eq!(&r1[col("Existing controls")], "5.15");
    assert_eq!(&r1[col("Planned controls")], "8.5");
    assert_eq!(&r1[col("Treatment")], "Modify");
    assert_eq!(&r1[col("Next action due")], "2027-01-15");
    assert_eq!(&r1[col("Next review")], "2027-04-01");
    let r5 = &rows[4];
    assert_eq!(&r5[col("Treatment")], "Modify", "`mitigate` is modify");
    assert_eq!(&r5[col("Accepted by")], "Software Engineer");
    let r10 = &rows[8];
    assert_eq!(&r10[col("Status")], "Identified");
    assert_eq!(&r10[col("Current level")], "");
}

#[test]
fn heat_maps_count_the_open_risks_in_each_cell() {
    let (_book, out) = built();
    let page = read(&out, "risks.html");
    let map = |key: &str| {
        let start = page
            .find(&format!(r#"<figure class="heatmap" id="heatmap-{key}">"#))
            .unwrap();
        let end = start + page[start..].find("</table>").unwrap();
        assert!(page[start..end].contains("<table class=\"heatmap-cells\">"));
        page[start..end].to_owned()
    };
    let current = map("current");
    // Open, scored risks: R-01 (3,4) R-02 (2,2) R-03 (3,3) R-04 (2,2) R-05 (4,5)
    // R-06 (1,2) R-07 (2,3); R-08 is closed and R-10 not scored.
    assert!(current.contains("Current risk: 7 risks by likelihood and impact"));
    assert!(current.contains(
        r##"<a href="#current-2-2" aria-label="2 Low risks at likelihood 2 (Unlikely), impact 2 (Minor)">"##
    ));
    assert!(current.contains(
        r##"<a href="#current-4-5" aria-label="1 Critical risk at likelihood 4 (Likely), impact 5 (Severe)">"##
    ));
    assert!(
        current.contains(r##"<a href="#current-3-4" aria-label="1 High risk"##),
        "R-08 is closed"
    );
    assert_eq!(
        current.matches("<a href=\"#current-").count(),
        6,
        "non-empty cells"
    );
    // The text alternative: each non-empty cell lists its risks.
    let row = &current[current.find(r#"<tr id="current-2-2">"#).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(
        row.contains("R-02 Risk R-02") && row.contains("R-04 Risk R-04"),
        "{row}"
    );
    // Residual: the written residual, else the current score.
    let residual = map("residual");
    assert!(residual.contains("Residual risk: 7 risks"));
    assert!(
        residual.contains(r##"<a href="#residual-4-4" aria-label="1 High risk"##),
        "R-05"
    );
    assert!(
        residual.contains(r##"<a href="#residual-3-2" aria-label="1 Medium risk"##),
        "R-02"
    );
    assert!(
        residual.contains(r##"<a href="#residual-2-2" aria-label="1 Low risk"##),
        "R-04 only"
    );
    assert!(page.contains("1 open risk is not scored yet"));
    assert!(page.contains("1 closed risk is left out"));
}

#[test]
fn the_home_page_and_the_treatment_plan_show_what_needs_doing() {
    let (_book, out) = built();
    // The home page has a card; the status page has the summary.
    let home = read(&out, "index.html");
    let card = &home[home.find("status-card status-risks").unwrap()..];
    let card = &card[..card.find("</li>").unwrap()];
    assert!(card.contains("status-alert"), "{card}");
    assert!(card.contains(r#"<a href="risks.html"><span class="status-value">8</span> <span class="status-label">open risks · 1 above the appetite · 1 action overdue</span></a>"#), "{card}");
    let status = read(&out, "status.html");
    let part = &status[status.find(r#"<h3 id="risks">"#).unwrap()..];
    let part = &part[..part.find("<h2 id=\"reviews\">").unwrap()];
    assert!(part.contains("8 open risks"), "{part}");
    assert!(
        part.contains(r#"href="risks/R-05.html">R-05 Risk R-05</a>"#),
        "above the appetite: {part}"
    );
    assert!(part.contains("Check the lock"), "overdue action: {part}");
    let plan = read(&out, "treatment-plan.html");
    let first = plan.find("Check the lock").unwrap();
    let second = plan.find("Roll out passkeys").unwrap();
    assert!(first < second, "by due date");
    let row = &plan[plan[..first].rfind("<tr>").unwrap()..second];
    assert!(row.contains("Overdue by 23 days"), "{row}");
    // print.html: the register after the SoA, then each risk.
    let print = read(&out, "print.html");
    let soa = print.find(r#"id="soa.html""#).unwrap();
    let register = print.find(r#"id="risks.html""#).unwrap();
    let controls = print.find(r#"id="part-controls""#).unwrap();
    assert!(soa < register && register < controls);
    assert!(
        print[register..controls].contains(r#"<article class="print-doc" id="risks/R-01.html">"#)
    );
    assert!(
        print.contains(r##"href="#risks/R-01.html""##),
        "links stay in the page"
    );
}

#[test]
fn risks_are_in_the_search_index_with_their_own_kind() {
    let (_book, out) = built();
    let manifest = read(&out, "search/index.js");
    assert!(
        manifest.contains("\"Risk\""),
        "a kind filter for risks: {manifest}"
    );
    let mut found = false;
    for entry in std::fs::read_dir(out.join("search/d")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        // [url, title, kind, subtitle, ...]: kind 5 is Risk.
        if text.contains(r#"["risks/R-01.html","R-01 Risk R-01",5,"Owner: Chief Information Security Officer · current High · residual Medium""#) {
            found = true;
        }
    }
    assert!(found, "R-01 with its kind and subtitle");
}

#[test]
fn a_risk_page_shows_its_history_from_git() {
    let book = handbook();
    register(book.path());
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(book.path())
            .args([
                "-c",
                "user.name=Aoife Brennan",
                "-c",
                "user.email=a@example.com",
            ])
            .args(args)
            .env("GIT_AUTHOR_DATE", "2026-09-01T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-09-01T10:00:00Z")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "First risk register <draft>"]);
    let out = book.path().join("out");
    let run = build(book.path(), &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out, "risks/R-01.html");
    let history = &page[page.find(r#"id="history-heading""#).unwrap()..];
    assert!(history.contains(r#"<time datetime="2026-09-01">2026-09-01</time></td><td>Aoife Brennan</td><td>First risk register &lt;draft&gt;</td>"#), "{history}");
    assert!(page.contains("last changed <time datetime=\"2026-09-01\">"));
}
