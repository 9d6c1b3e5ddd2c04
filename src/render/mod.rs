//! Stage 3: render every page of the handbook through the theme.
//!
//! The pages are listed as [`Job`]s, then rendered in parallel, each into
//! the [`Output`] it is given. Template errors are collected and reported
//! once per template location, however many pages hit them.

pub mod changes;
pub mod csv;
pub mod print;
pub mod register;
pub mod views;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Rule};
use crate::fs;
use crate::handbook::{Handbook, urls};
use crate::site::Output;
use crate::theme::{Origin, Theme};
use views::Refs;

/// One page of the site to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// `index.html`
    Home,
    /// `policies/index.html`
    Policies,
    /// `policies/<id>.html`
    Policy(usize),
    /// `controls/index.html`: the Annex A catalog.
    Controls,
    /// `controls/<id>.html`
    Control(usize),
    /// `guidance/index.html`
    GuidanceIndex,
    /// `guidance/<id>.html`
    Guidance(usize),
    /// `soa.html`
    Soa,
    /// `roles/index.html`
    Roles,
    /// `roles/<id>.html`
    Role(usize),
    /// `risks.html`: the risk register.
    Risks,
    /// `risks/<id>.html`
    Risk(usize),
    /// `treatment-plan.html`
    TreatmentPlan,
    /// A plain page.
    Page(usize),
    /// `contents.html`
    Contents,
    /// `404.html`
    NotFound,
    /// `print.html`: the whole handbook on one page.
    Print,
    /// `clauses.html`: clauses 4–10 and their readiness.
    Clauses,
    /// `changes.html`: what changed since the last audit.
    Changes,
    /// `status.html`: gaps and reviews in full.
    Status,
    /// `reading/<role>.html`, or `reading/index.html` (None): a reading
    /// list as a checklist.
    Reading(Option<usize>),
    /// `reading/print/<role>.html`, or `reading/print/index.html` (None):
    /// an onboarding pack to print, with a sign-off sheet.
    ReadingPack(Option<usize>),
}

/// Navigation sections, for marking the current one.
#[derive(Debug, Serialize)]
struct NavItem {
    url: &'static str,
    title: &'static str,
    section: &'static str,
}

const NAV: [NavItem; 9] = [
    NavItem {
        url: urls::HOME,
        title: "Home",
        section: "home",
    },
    NavItem {
        url: urls::POLICIES,
        title: "Policies",
        section: "policies",
    },
    NavItem {
        url: urls::CLAUSES,
        title: "Clauses",
        section: "clauses",
    },
    NavItem {
        url: urls::RISKS,
        title: "Risks",
        section: "risks",
    },
    NavItem {
        url: urls::CONTROLS,
        title: "Annex A",
        section: "controls",
    },
    NavItem {
        url: urls::SOA,
        title: "SoA",
        section: "soa",
    },
    NavItem {
        url: urls::GUIDANCE,
        title: "ISO 27002",
        section: "guidance",
    },
    NavItem {
        url: urls::ROLES,
        title: "Roles",
        section: "roles",
    },
    NavItem {
        url: urls::CONTENTS,
        title: "Pages",
        section: "pages",
    },
];

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    organization: &'a str,
    language: &'a str,
    built: String,
    generator: &'static str,
    search: bool,
    print: bool,
    additional_css: &'a [String],
}

/// Every page of the handbook, in a stable order.
pub fn jobs(h: &Handbook) -> Vec<Job> {
    let mut jobs = vec![
        Job::Home,
        Job::Policies,
        Job::Controls,
        Job::GuidanceIndex,
        Job::Soa,
        Job::Roles,
        Job::Risks,
        Job::TreatmentPlan,
        Job::Contents,
        Job::NotFound,
        Job::Clauses,
        Job::Changes,
        Job::Status,
        Job::Reading(None),
        Job::ReadingPack(None),
    ];
    if h.config.html.print {
        jobs.push(Job::Print);
    }
    jobs.extend((0..h.policies.len()).map(Job::Policy));
    jobs.extend((0..h.controls.len()).map(Job::Control));
    jobs.extend((0..h.controls.len()).map(Job::Guidance));
    jobs.extend((0..h.roles.len()).map(Job::Role));
    jobs.extend((0..h.risks.len()).map(Job::Risk));
    jobs.extend((0..h.roles.len()).map(|r| Job::Reading(Some(r))));
    jobs.extend((0..h.roles.len()).map(|r| Job::ReadingPack(Some(r))));
    jobs.extend(
        h.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.url != urls::HOME)
            .map(|(i, _)| Job::Page(i)),
    );
    jobs
}

/// Where a job's page goes.
pub fn path_of(h: &Handbook, job: Job) -> String {
    match job {
        Job::Home => urls::HOME.to_owned(),
        Job::Policies => urls::POLICIES.to_owned(),
        Job::Policy(i) => urls::policy(&h.policies[i].id),
        Job::Controls => urls::CONTROLS.to_owned(),
        Job::Control(i) => urls::control(h.controls[i].info().id),
        Job::GuidanceIndex => urls::GUIDANCE.to_owned(),
        Job::Guidance(i) => urls::guidance(h.controls[i].info().id),
        Job::Soa => urls::SOA.to_owned(),
        Job::Roles => urls::ROLES.to_owned(),
        Job::Role(i) => urls::role(&h.roles[i].id),
        Job::Risks => urls::RISKS.to_owned(),
        Job::Risk(i) => urls::risk(&h.risks[i].id),
        Job::TreatmentPlan => urls::TREATMENT_PLAN.to_owned(),
        Job::Page(i) => h.pages[i].url.clone(),
        Job::Contents => urls::CONTENTS.to_owned(),
        Job::NotFound => urls::NOT_FOUND.to_owned(),
        Job::Print => urls::PRINT.to_owned(),
        Job::Clauses => urls::CLAUSES.to_owned(),
        Job::Changes => urls::CHANGES.to_owned(),
        Job::Status => urls::STATUS.to_owned(),
        Job::Reading(None) => urls::READING.to_owned(),
        Job::Reading(Some(r)) => urls::reading(&h.roles[r].id),
        Job::ReadingPack(None) => urls::READING_PACK.to_owned(),
        Job::ReadingPack(Some(r)) => urls::reading_pack(&h.roles[r].id),
    }
}

/// Renders the whole site into `out`: pages, `soa.csv`, static files and
/// content assets. Returns the number of files written.
pub fn render(h: &Handbook, theme: &Theme, out: &dyn Output) -> Result<usize, Diagnostics> {
    let pages = render_pages(h, theme, out, &jobs(h))?;
    let files = write_files(h, theme, out)?;
    Ok(pages + files)
}

/// Renders only the given pages (what a small edit affects, in `serve`).
pub fn render_pages(
    h: &Handbook,
    theme: &Theme,
    out: &dyn Output,
    jobs: &[Job],
) -> Result<usize, Diagnostics> {
    let renderer = Renderer::new(h, theme);
    // After a failed write (a full disk fails them all) the rest is not tried.
    let write_failed = AtomicBool::new(false);
    let (written, rendered): (Vec<_>, Vec<_>) = jobs
        .par_iter()
        .filter_map(|&job| {
            if write_failed.load(Ordering::Relaxed) {
                return None;
            }
            let path = path_of(h, job);
            let failure = renderer.render(job, &path, out).err()?;
            if failure.rule == Rule::Io {
                write_failed.store(true, Ordering::Relaxed);
            }
            Some((path, failure))
        })
        .partition(|(_, d)| d.rule == Rule::Io);
    if let Some(io) = fs::one_write_error(written.into_iter().map(|(_, d)| d).collect()) {
        return Err(Diagnostics::from_iter([io]));
    }
    let diagnostics = group_by_place(rendered);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(jobs.len())
}

/// Writes what is not a rendered page: `soa.csv`, `risks.csv`,
/// `reading-lists.csv`, static files, assets.
fn write_files(h: &Handbook, theme: &Theme, out: &dyn Output) -> Result<usize, Diagnostics> {
    let csv = csv::soa(h);
    let risks_csv = csv::risks(h);
    let reading = csv::reading_lists(h);
    let copies = theme
        .statics
        .par_iter()
        .map(|s| {
            let rel = format!("{}/{}", urls::STATIC_DIR, s.rel);
            match &s.origin {
                Origin::BuiltIn(bytes) => out.write(&rel, bytes),
                Origin::Disk(path) => fs::read(path).and_then(|b| out.write(&rel, &b)),
            }
        })
        .chain(
            h.assets
                .par_iter()
                .map(|a| fs::read(&a.path).and_then(|b| out.write(&a.rel, &b))),
        )
        .chain(rayon::iter::once(out.write(urls::SOA_CSV, csv.as_bytes())))
        .chain(rayon::iter::once(
            out.write(urls::RISKS_CSV, risks_csv.as_bytes()),
        ))
        .chain(rayon::iter::once(
            out.write(urls::READING_CSV, reading.as_bytes()),
        ))
        .filter_map(|r| r.err().map(|e| e.diagnostic()))
        .collect::<Vec<_>>();
    match fs::one_write_error(copies) {
        Some(io) => Err(Diagnostics::from_iter([io])),
        None => Ok(theme.statics.len() + h.assets.len() + 3),
    }
}

/// Writes `reading-lists.csv` alone (after a policy's text changed, in `serve`).
pub fn write_reading_csv(h: &Handbook, out: &dyn Output) -> Result<(), Diagnostics> {
    out.write(urls::READING_CSV, csv::reading_lists(h).as_bytes())
        .map_err(|e| Diagnostics::from_iter([io_error(e)]))
}

/// The site paths of every file [`render`] writes, to create their folders first.
pub fn all_paths(h: &Handbook, theme: &Theme) -> Vec<String> {
    let mut paths: Vec<String> = jobs(h).into_iter().map(|j| path_of(h, j)).collect();
    paths.extend(
        theme
            .statics
            .iter()
            .map(|s| format!("{}/{}", urls::STATIC_DIR, s.rel)),
    );
    paths.extend(h.assets.iter().map(|a| a.rel.clone()));
    paths
}

/// The language a job's page is written in, when its document names one.
fn language_of(h: &Handbook, job: Job) -> Option<&str> {
    let source = match job {
        Job::Home => h.home().map(|p| &p.source),
        Job::Policy(i) => Some(&h.policies[i].source),
        Job::Control(i) => h.controls[i].statement.as_ref().map(|s| &s.source),
        Job::Guidance(i) => h.controls[i].guidance.as_ref().map(|g| &g.source),
        Job::Role(i) => Some(&h.roles[i].source),
        Job::Page(i) => Some(&h.pages[i].source),
        _ => None,
    };
    source.and_then(|s| s.language.as_deref())
}

/// What reading-list ticks of this handbook are kept under in the browser,
/// so that two handbooks opened from disk (which share one storage) keep
/// theirs apart.
fn reading_key(h: &Handbook) -> String {
    format!("{} · {}", h.config.book.organization, h.config.book.title)
}

/// A failed write, as a diagnostic at the file it names.
fn io_error(e: crate::fs::FsError) -> Diagnostic {
    e.diagnostic()
}

/// One diagnostic per template location, naming the pages it broke.
fn group_by_place(failures: Vec<(String, Diagnostic)>) -> Diagnostics {
    let mut groups: BTreeMap<(std::path::PathBuf, usize, usize, String), Vec<String>> =
        BTreeMap::new();
    for (page, d) in failures {
        groups
            .entry((d.file, d.line, d.column, d.message))
            .or_default()
            .push(page);
    }
    groups
        .into_iter()
        .map(|((file, line, column, message), mut pages)| {
            pages.sort();
            let more = match pages.len() {
                1 => String::new(),
                n => format!(" and {} other page{}", n - 1, if n == 2 { "" } else { "s" }),
            };
            Diagnostic {
                severity: crate::diagnostics::Severity::Error,
                rule: Rule::Template,
                file,
                line,
                column,
                message: format!("{message} (rendering {}{more})", pages[0]),
                help: None,
            }
        })
        .collect()
}

struct Renderer<'a> {
    h: &'a Handbook,
    theme: &'a Theme,
    refs: Refs,
    base: tera::Context,
    /// What changed since the last audit, worked out on first use (the
    /// home page and `changes.html` share it).
    changes: std::sync::OnceLock<crate::handbook::changes::Changes>,
    /// The role picker's entries, worked out on first use (the home page
    /// and every reading list show them).
    choices: std::sync::OnceLock<Vec<views::ReadingChoice>>,
}

impl<'a> Renderer<'a> {
    fn new(h: &'a Handbook, theme: &'a Theme) -> Self {
        let mut base = tera::Context::new();
        base.insert(
            "site",
            &SiteView {
                title: &h.config.book.title,
                organization: &h.config.book.organization,
                language: &h.config.book.language,
                built: h.today.to_string(),
                generator: concat!("ismsbook ", env!("CARGO_PKG_VERSION")),
                search: h.config.html.search,
                print: h.config.html.print,
                additional_css: &theme.additional_css,
            },
        );
        base.insert("nav", &NAV);
        Renderer {
            h,
            theme,
            refs: Refs::new(h),
            base,
            changes: std::sync::OnceLock::new(),
            choices: std::sync::OnceLock::new(),
        }
    }

    fn reading_choices(&self) -> &[views::ReadingChoice] {
        self.choices.get_or_init(|| views::reading_choices(self.h))
    }

    fn changes(&self) -> &crate::handbook::changes::Changes {
        self.changes
            .get_or_init(|| crate::handbook::changes::changes(self.h))
    }

    fn render(&self, job: Job, path: &str, out: &dyn Output) -> Result<(), Diagnostic> {
        let (h, refs) = (self.h, &self.refs);
        let mut ctx = self.base.clone();
        ctx.insert("url", path);
        let root = match (job, &h.config.html.site_url) {
            (Job::NotFound, Some(site_url)) => format!("{}/", site_url.trim_end_matches('/')),
            _ => urls::root_of(path),
        };
        ctx.insert("root", &root);
        let language = language_of(h, job).unwrap_or(&h.config.book.language);
        ctx.insert("lang", language);
        // The interface stays in the book's language around text in another:
        // `ui_lang` is that language where the page's differs, else empty.
        let other = language != h.config.book.language;
        ctx.insert(
            "ui_lang",
            if other {
                h.config.book.language.as_str()
            } else {
                ""
            },
        );
        let (template, section) = match job {
            Job::Home => {
                let status = views::status(h, refs);
                ctx.insert("page", &h.home().map(|p| views::page(h, refs, p)));
                let mut summary = views::summary(h, &status);
                // The auditor's cards: readiness of clauses 4–10, then what
                // changed since the last audit, before the plain counts.
                let at = summary
                    .iter()
                    .position(|c| c.name == "policies")
                    .unwrap_or(summary.len());
                let readiness = crate::handbook::clauses::readiness(h);
                let auditor = [
                    views::readiness_card(&views::readiness_summary(&readiness)),
                    changes::card(self.changes()),
                ];
                summary.splice(at..at, auditor);
                ctx.insert("summary", &summary);
                ctx.insert("status", &status);
                ctx.insert("everyone", &views::reading_choice(h, None));
                ctx.insert("roles", self.reading_choices());
                ctx.insert("status_url", urls::STATUS);
                ("index.html", "home")
            }
            Job::Status => {
                ctx.insert("status", &views::status(h, refs));
                ("status.html", "home")
            }
            Job::Reading(role) => {
                ctx.insert("list", &views::reading_list(h, refs, role));
                ctx.insert("roles", self.reading_choices());
                ctx.insert("csv", urls::READING_CSV);
                ctx.insert("book_key", &reading_key(h));
                ("reading.html", "roles")
            }
            Job::ReadingPack(role) => {
                let list = views::reading_list(h, refs, role);
                // The policies the pack shows: everyone's (on a role's pack,
                // unless there are too many), then the role's own.
                let policies: Vec<usize> = match role {
                    Some(r) => {
                        let everyone = if h.everyone_in_full() {
                            &h.everyone[..]
                        } else {
                            &[]
                        };
                        everyone
                            .iter()
                            .chain(&h.roles[r].reading_list)
                            .copied()
                            .collect()
                    }
                    None => h.everyone.clone(),
                };
                // A list too long to print whole gets its list and sheet only.
                let whole = policies.len() <= crate::handbook::IN_FULL;
                let documents = match whole {
                    true => print::pack(self, &policies, &root)?,
                    false => String::new(),
                };
                ctx.insert("documents", &documents);
                ctx.insert("whole", &whole);
                ctx.insert("limit", &crate::handbook::IN_FULL);
                ctx.insert("list", &list);
                ("reading-pack.html", "roles")
            }
            Job::Policies => {
                ctx.insert(
                    "policies",
                    &views::policy_rows(h, refs, 0..h.policies.len()),
                );
                ("policies.html", "policies")
            }
            Job::Policy(i) => {
                ctx.insert("policy", &views::policy(h, refs, &h.policies[i]));
                ("policy.html", "policies")
            }
            Job::Controls => {
                ctx.insert("themes", &views::themes(h, refs));
                ctx.insert("status", &views::status(h, refs));
                ("controls.html", "controls")
            }
            Job::Control(i) => {
                ctx.insert("control", &views::control(h, refs, &h.controls[i]));
                ("control.html", "controls")
            }
            Job::GuidanceIndex => {
                ctx.insert("themes", &views::themes(h, refs));
                ("guidance-index.html", "guidance")
            }
            Job::Guidance(i) => {
                ctx.insert("guidance", &views::guidance(h, refs, &h.controls[i]));
                ("guidance.html", "guidance")
            }
            Job::Soa => {
                ctx.insert("rows", &views::soa(h, refs));
                ctx.insert("csv", urls::SOA_CSV);
                ("soa.html", "soa")
            }
            Job::Roles => {
                ctx.insert("roles", &views::role_rows(h, refs));
                ("roles.html", "roles")
            }
            Job::Role(i) => {
                ctx.insert("role", &views::role(h, refs, &h.roles[i]));
                ("role.html", "roles")
            }
            Job::Risks => {
                ctx.insert("register", &register::register(h, refs));
                ctx.insert("csv", urls::RISKS_CSV);
                ("risks.html", "risks")
            }
            Job::Risk(i) => {
                ctx.insert("risk", &register::risk(h, refs, &h.risks[i]));
                ("risk.html", "risks")
            }
            Job::TreatmentPlan => {
                ctx.insert("actions", &register::plan(h, refs));
                ("treatment-plan.html", "risks")
            }
            Job::Page(i) => {
                ctx.insert("page", &views::page(h, refs, &h.pages[i]));
                ("page.html", "pages")
            }
            Job::Clauses => {
                ctx.insert("clauses", &views::clauses(h, refs));
                ("clauses.html", "clauses")
            }
            Job::Changes => {
                ctx.insert("changes", &changes::page(h, self.changes()));
                ("changes.html", "clauses")
            }
            Job::Contents => {
                ctx.insert("folders", &views::contents(h));
                ("contents.html", "pages")
            }
            Job::NotFound => ("404.html", ""),
            Job::Print => {
                ctx.insert("print", &print::shell(h, refs));
                ctx.insert("root", "");
                ctx.insert("anchors", "#");
                ("print.html", "")
            }
        };
        ctx.insert("section", section);
        let html = self
            .theme
            .tera
            .render(template, &ctx)
            .map_err(|e| self.theme.diagnostic(&e))?;
        if job == Job::Print {
            return print::write(self, &html, path, out);
        }
        out.write(path, html.as_bytes()).map_err(io_error)
    }
}
