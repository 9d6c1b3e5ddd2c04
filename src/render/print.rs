//! `print.html`: the whole handbook on one page, for printing or saving as PDF.
//!
//! Every page the print holds gets an anchor whose id is its path from the
//! site root (`policies/backup.html`), so the theme's components link into
//! the print when rendered with `root = "#"`. Bodies were rendered for their
//! own pages: [`rewrite`] turns their links into these anchors and prefixes
//! their heading ids so they stay unique on one page.

use std::collections::HashSet;

use rayon::prelude::*;
use serde::Serialize;

use super::register;
use super::views::{self, Refs};
use super::{Renderer, io_error};
use crate::content::history::Commit;
use crate::diagnostics::Diagnostic;
use crate::handbook::{Body, Control, Handbook, Page, Policy, Risk, Role, join, urls};
use crate::site::{Output, Stream};

/// How a part of the print page is marked in the rendered `print.html`: the
/// part's documents are written in its place. Template values are escaped,
/// so no text from the handbook can forge one.
const MARK: &str = "<!--ismsbook:print:";

/// Documents rendered in parallel before they are written, in order: enough
/// to keep every core busy, few enough that the page is never held whole.
const CHUNK: usize = 256;

/// The parts of the print page, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Home,
    Policies,
    Risks,
    Controls,
    Guidance,
    Roles,
    Pages,
}

impl Part {
    const ALL: [Part; 7] = [
        Part::Home,
        Part::Policies,
        Part::Risks,
        Part::Controls,
        Part::Guidance,
        Part::Roles,
        Part::Pages,
    ];

    fn name(self) -> &'static str {
        match self {
            Part::Home => "home",
            Part::Policies => "policies",
            Part::Risks => "risks",
            Part::Controls => "controls",
            Part::Guidance => "guidance",
            Part::Roles => "roles",
            Part::Pages => "pages",
        }
    }

    fn marker(self) -> String {
        format!("{MARK}{}-->", self.name())
    }

    /// The documents of this part, in order.
    fn documents(self, h: &Handbook) -> Vec<Doc<'_>> {
        match self {
            Part::Home => h.home().map(Doc::Page).into_iter().collect(),
            Part::Policies => h.policies.iter().map(Doc::Policy).collect(),
            Part::Risks => h.risks.iter().map(Doc::Risk).collect(),
            // Controls without a statement are rows of one table instead.
            Part::Controls => h
                .controls
                .iter()
                .filter(|c| c.statement.is_some())
                .map(Doc::Control)
                .collect(),
            Part::Guidance => h.controls.iter().map(Doc::Guidance).collect(),
            Part::Roles => h.roles.iter().map(Doc::Role).collect(),
            Part::Pages => h
                .pages
                .iter()
                .filter(|p| p.url != urls::HOME)
                .map(Doc::Page)
                .collect(),
        }
    }
}

/// One document of the print page.
#[derive(Debug, Clone, Copy)]
enum Doc<'a> {
    Policy(&'a Policy),
    Control(&'a Control),
    Guidance(&'a Control),
    Role(&'a Role),
    Risk(&'a Risk),
    Page(&'a Page),
}

impl<'a> Doc<'a> {
    /// The path of its own page: its anchor on the print page.
    fn url(self) -> String {
        match self {
            Doc::Policy(p) => urls::policy(&p.id),
            Doc::Control(c) => urls::control(c.info().id),
            Doc::Guidance(c) => urls::guidance(c.info().id),
            Doc::Role(r) => urls::role(&r.id),
            Doc::Risk(r) => urls::risk(&r.id),
            Doc::Page(p) => p.url.clone(),
        }
    }

    /// Its rendered body, if it has one.
    fn body(self) -> Option<&'a Body> {
        match self {
            Doc::Policy(p) => Some(&p.body),
            Doc::Control(c) => c.statement.as_ref().map(|s| &*s.body),
            Doc::Guidance(c) => c.guidance.as_ref().map(|g| &*g.body),
            Doc::Role(r) => Some(&r.body),
            Doc::Risk(r) => Some(&r.body),
            Doc::Page(p) => Some(&p.body),
        }
    }
}

/// What `print.html` itself is given as `print`: a marker where each part's
/// documents go (None for a part without any), the cover, and the parts
/// drawn by `print.html` itself (clauses, SoA, register, gaps).
#[derive(Serialize)]
pub struct Shell<'a> {
    /// The paper, for `@page { size }`: `A4` or `letter`.
    pub paper: &'static str,
    /// The commit the handbook was built from, if it is in git.
    pub commit: Option<&'a Commit>,
    /// Whether files of the content folder have edits not yet committed.
    pub uncommitted: bool,
    /// The policies, for the table of contents (links are anchors).
    pub toc_policies: Vec<views::Link>,
    /// The other pages, for the table of contents.
    pub toc_pages: Vec<views::Link>,
    /// The home page.
    pub home: Option<String>,
    /// The home page's anchor.
    pub home_anchor: &'static str,
    /// Clauses 4–10: readiness and every clause.
    pub clauses: views::ClausesView,
    /// The prefix of the clauses' anchors on the print page.
    pub clause_prefix: String,
    /// Policies, by title.
    pub policies: String,
    /// The Statement of Applicability.
    pub soa: Vec<views::SoaRow<'a>>,
    /// The risk register: heat maps and rows.
    pub register: register::Register<'a>,
    /// The treatment plan's open actions.
    pub plan: Vec<register::ActionView>,
    /// Every risk, by id.
    pub risks: String,
    /// The controls with a statement, in clause order.
    pub controls: String,
    /// The controls without one, as rows of one table.
    pub gaps: Vec<Gap>,
    /// ISO/IEC 27002 entries of all controls, with the organisation's guidance.
    pub guidance: String,
    /// Roles, by title.
    pub roles: String,
    /// Other pages, by path.
    pub pages: Option<String>,
}

/// A control without a statement, in the print's one table of them.
#[derive(Serialize)]
pub struct Gap {
    /// Its anchor (the control page's path), which links to it land on.
    pub anchor: String,
    /// Its id.
    pub id: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Its theme.
    pub theme: &'static str,
    /// Its ISO/IEC 27002 entry on the print page.
    pub guidance: String,
}

/// The view `print.html` is rendered with.
pub fn shell<'a>(h: &'a Handbook, refs: &Refs) -> Shell<'a> {
    let others = || h.pages.iter().filter(|p| p.url != urls::HOME);
    let has_pages = others().next().is_some();
    let gaps = h
        .controls
        .iter()
        .filter(|c| c.statement.is_none())
        .map(|c| {
            let info = c.info();
            Gap {
                anchor: urls::href(&urls::control(info.id)),
                id: info.id,
                title: info.title,
                theme: info.theme.name(),
                guidance: urls::href(&urls::guidance(info.id)),
            }
        })
        .collect();
    Shell {
        paper: h.config.html.print_paper.css(),
        commit: h.history.head(),
        uncommitted: h.history.all_pending().next().is_some(),
        toc_policies: refs.policies.clone(),
        toc_pages: others()
            .map(|p| views::Link::to(&p.url, &p.title))
            .collect(),
        home: h.home().map(|_| Part::Home.marker()),
        home_anchor: urls::HOME,
        clauses: views::clauses(h, refs),
        clause_prefix: format!("{}--", urls::href(urls::CLAUSES)),
        policies: Part::Policies.marker(),
        soa: views::soa(h, refs),
        register: register::register(h, refs),
        plan: register::plan(h, refs),
        risks: Part::Risks.marker(),
        controls: Part::Controls.marker(),
        gaps,
        guidance: Part::Guidance.marker(),
        roles: Part::Roles.marker(),
        pages: has_pages.then(|| Part::Pages.marker()),
    }
}

/// Writes the print page: the rendered `shell`, with each part's marker
/// replaced by its documents. They are rendered in parallel, a chunk at a
/// time, each through its kind's template in `print/`, and streamed to
/// `out`, so the page is never held whole.
pub(super) fn write(
    r: &Renderer<'_>,
    shell: &str,
    path: &str,
    out: &dyn Output,
) -> Result<(), Diagnostic> {
    let printed = printed(r.h);
    let mut stream = out.stream(path).map_err(io_error)?;
    let mut rest = shell;
    while let Some(at) = rest.find(MARK) {
        let after = &rest[at + MARK.len()..];
        let Some(end) = after.find("-->") else {
            break;
        };
        stream
            .push(anchored(&rest[..at]).as_bytes())
            .map_err(io_error)?;
        if let Some(part) = Part::ALL.into_iter().find(|p| p.name() == &after[..end]) {
            documents(r, &part.documents(r.h), &printed, &mut *stream)?;
        }
        rest = &after[end + "-->".len()..];
    }
    stream.push(anchored(rest).as_bytes()).map_err(io_error)?;
    stream.finish().map_err(io_error)
}

/// The path of every page the print holds: links to them become anchors.
fn printed(h: &Handbook) -> HashSet<String> {
    let mut printed: HashSet<String> = Part::ALL
        .into_iter()
        .flat_map(|part| part.documents(h))
        .map(Doc::url)
        .collect();
    // Controls without a statement are rows of the gaps table.
    printed.extend(h.controls.iter().map(|c| urls::control(c.info().id)));
    printed.insert(urls::HOME.to_owned());
    printed.insert(urls::CLAUSES.to_owned());
    printed.insert(urls::SOA.to_owned());
    printed.insert(urls::RISKS.to_owned());
    printed.insert(urls::TREATMENT_PLAN.to_owned());
    printed
}

fn documents(
    r: &Renderer<'_>,
    docs: &[Doc<'_>],
    printed: &HashSet<String>,
    stream: &mut dyn Stream,
) -> Result<(), Diagnostic> {
    for chunk in docs.chunks(CHUNK) {
        let rendered: Vec<Result<String, Diagnostic>> = chunk
            .par_iter()
            .map(|&doc| fragment(r, doc, &Target::PRINT, printed))
            .collect();
        for html in rendered {
            stream.push(anchored(&html?).as_bytes()).map_err(io_error)?;
        }
    }
    Ok(())
}

/// The page documents are printed on.
struct Target<'a> {
    /// The prefix of links in the theme's components: `#` on `print.html`,
    /// where every document is; the path to the root on a page that holds
    /// only some.
    anchors: &'a str,
    /// The path from that page to the site root.
    root: &'a str,
}

impl Target<'static> {
    /// `print.html`, at the root, which holds every document.
    const PRINT: Target<'static> = Target {
        anchors: "#",
        root: "",
    };
}

/// The policies of an onboarding pack, one after another, as on the print
/// page: each through `print/policy.html`, links between them turned into
/// anchors, other links leading to the site from the pack's page (`root`).
pub(super) fn pack(r: &Renderer<'_>, policies: &[usize], root: &str) -> Result<String, Diagnostic> {
    let docs: Vec<Doc<'_>> = policies
        .iter()
        .map(|&p| Doc::Policy(&r.h.policies[p]))
        .collect();
    let printed: HashSet<String> = docs.iter().map(|d| d.url()).collect();
    let target = Target {
        anchors: root,
        root,
    };
    let mut html = String::new();
    for doc in docs {
        html.push_str(&fragment(r, doc, &target, &printed)?);
    }
    Ok(html)
}

/// One document printed on `target`, through its kind's template. It gets
/// its usual view (as on its own page) with the body rewritten for that
/// page, `anchor` (its id) and `anchors` (the prefix of links).
fn fragment(
    r: &Renderer<'_>,
    doc: Doc<'_>,
    target: &Target<'_>,
    printed: &HashSet<String>,
) -> Result<String, Diagnostic> {
    let (h, refs) = (r.h, &r.refs);
    let url = doc.url();
    let anchor = urls::href(&url);
    let html = doc
        .body()
        .map(|b| rewrite(&b.html, &url, printed, target.root));
    let html = html.as_deref();
    let mut ctx = tera::Context::new();
    let template = match doc {
        Doc::Policy(p) => {
            let mut view = views::policy(h, refs, p);
            point(Some(&mut view.body), html);
            ctx.insert("policy", &view);
            "print/policy.html"
        }
        Doc::Control(c) => {
            let mut view = views::control(h, refs, c);
            point(view.body.as_mut(), html);
            ctx.insert("control", &view);
            "print/control.html"
        }
        Doc::Guidance(c) => {
            let mut view = views::guidance(h, refs, c);
            point(view.body.as_mut(), html);
            ctx.insert("guidance", &view);
            "print/guidance.html"
        }
        Doc::Role(role) => {
            let mut view = views::role(h, refs, role);
            point(Some(&mut view.body), html);
            ctx.insert("role", &view);
            "print/role.html"
        }
        Doc::Risk(risk) => {
            let mut view = register::risk(h, refs, risk);
            point(Some(&mut view.body), html);
            ctx.insert("risk", &view);
            "print/risk.html"
        }
        Doc::Page(p) => {
            let mut view = views::page(h, refs, p);
            point(Some(&mut view.body), html);
            ctx.insert("page", &view);
            "print/page.html"
        }
    };
    ctx.insert("anchor", &anchor);
    ctx.insert("anchors", target.anchors);
    r.theme
        .tera
        .render(template, &ctx)
        .map_err(|e| r.theme.diagnostic(&e))
}

/// A link from the site root (`clauses.html#clause-9.2`) as an anchor of
/// the print page (`clauses.html--clause-9.2`): a page's own anchors are
/// prefixed with its path there (as [`rewrite`] does for headings).
fn in_page(link: &str) -> std::borrow::Cow<'_, str> {
    match link.split_once('#') {
        Some((page, fragment)) => format!("{page}--{fragment}").into(),
        None => link.into(),
    }
}

/// Rendered print HTML whose in-page links to a page's own anchor
/// (`href="#clauses.html#clause-9.2"`, a component's link from the root
/// given `#` as root) are made anchors of the print page. Template values
/// are escaped, so ` href="#` only occurs in tags.
fn anchored(html: &str) -> std::borrow::Cow<'_, str> {
    const HREF: &str = " href=\"#";
    let needs = html.match_indices(HREF).any(|(at, _)| {
        let value = &html[at + HREF.len()..];
        let end = value.find('"').unwrap_or(value.len());
        value[..end].contains('#')
    });
    if !needs {
        return html.into();
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = rest.find(HREF) {
        let start = at + HREF.len();
        out.push_str(&rest[..start]);
        let value = &rest[start..];
        let end = value.find('"').unwrap_or(value.len());
        out.push_str(&in_page(&value[..end]));
        rest = &value[end..];
    }
    out.push_str(rest);
    out.into()
}

/// Points a view's body at its text rewritten for the print page.
fn point<'a>(body: Option<&mut views::BodyView<'a>>, html: Option<&'a str>) {
    if let (Some(body), Some(html)) = (body, html) {
        body.html = html;
    }
}

/// Rewrites a body rendered for the page at `url` for a page that prints
/// it (`root` leads from there to the site root): ids get the page's
/// prefix, links to printed pages become in-page anchors, other relative
/// links lead from the printing page to their target. A page's anchor is
/// its link from the root ([`urls::href`]); `printed` holds site paths.
///
/// Our bodies come from pulldown-cmark (and ammonia), which always quote
/// attributes with `"` and escape `"` in text, so ` href="` only occurs in tags.
pub fn rewrite(html: &str, url: &str, printed: &HashSet<String>, root: &str) -> String {
    let dir = url.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some((at, attr)) = next_attribute(rest) {
        let value_start = at + attr.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        let value = &rest[value_start..value_start + len];
        out.push_str(&rest[..value_start]);
        match attr {
            " id=\"" => out.push_str(&anchor(url, value)),
            _ => out.push_str(&link(dir, url, value, printed, attr == " href=\"", root)),
        }
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// The next ` id="`, ` href="` or ` src="` in `html`: its offset and which.
/// One pass over the text: every `="` is a candidate.
fn next_attribute(html: &str) -> Option<(usize, &'static str)> {
    html.match_indices("=\"").find_map(|(eq, _)| {
        [" id=\"", " href=\"", " src=\""].into_iter().find_map(|a| {
            let name = a.len() - 2;
            (eq >= name && html[eq - name..eq] == a[..name]).then(|| (eq - name, a))
        })
    })
}

/// The id of heading `id` of the page at `url`, on the print page.
fn anchor(url: &str, id: &str) -> String {
    format!("{}--{id}", urls::href(url))
}

fn link(
    dir: &str,
    url: &str,
    value: &str,
    printed: &HashSet<String>,
    is_href: bool,
    root: &str,
) -> String {
    // `#` alone (a placeholder) is the top of the page: its anchor here.
    if value == "#" {
        return format!("#{}", urls::href(url));
    }
    if let Some(fragment) = value.strip_prefix('#') {
        return format!("#{}", anchor(url, fragment));
    }
    let has_scheme = value
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
    if has_scheme || value.starts_with('/') || value.is_empty() {
        return value.to_owned();
    }
    let (path, fragment) = match value.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (value, None),
    };
    // Links in bodies are percent-encoded; the site paths are not.
    let Some(target) = urls::decode(path).and_then(|p| join(dir, &p)) else {
        return value.to_owned();
    };
    if is_href && printed.contains(&target) {
        return match fragment {
            Some(f) if !f.is_empty() => format!("#{}", anchor(&target, f)),
            _ => format!("#{}", urls::href(&target)),
        };
    }
    let target = urls::href(&target);
    match fragment {
        Some(f) => format!("{root}{target}#{f}"),
        None => format!("{root}{target}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_anchors_and_ids_get_the_page_prefix() {
        let printed: HashSet<String> = ["policies/backup.html", "controls/5.15.html"]
            .into_iter()
            .map(String::from)
            .collect();
        let body = r##"<h2 id="scope">Scope</h2><p><a href="../controls/5.15.html">c</a> <a href="backup.html#keys">k</a> <a href="#scope">s</a> <a href="../policies/index.html">all</a> <a href="https://x.example/a">x</a> <img src="../img/a.png" alt="a"> id=&quot;text&quot;</p>"##;
        let out = rewrite(body, "policies/backup.html", &printed, "");
        assert_eq!(
            out,
            r##"<h2 id="policies/backup.html--scope">Scope</h2><p><a href="#controls/5.15.html">c</a> <a href="#policies/backup.html--keys">k</a> <a href="#policies/backup.html--scope">s</a> <a href="policies/index.html">all</a> <a href="https://x.example/a">x</a> <img src="img/a.png" alt="a"> id=&quot;text&quot;</p>"##
        );
        // On a page two folders down, links to what it does not print lead
        // back up to the site.
        let out = rewrite(body, "policies/backup.html", &printed, "../../");
        assert!(
            out.contains(r#"<a href="../../policies/index.html">all</a>"#),
            "{out}"
        );
        assert!(out.contains(r#"<img src="../../img/a.png""#), "{out}");
        assert!(
            out.contains(r##"<a href="#controls/5.15.html">c</a>"##),
            "{out}"
        );
    }
}
