//! Rebuilding after a change, doing only the work the change needs.
//!
//! | change | work |
//! | --- | --- |
//! | `book.toml` | everything: configuration, theme, content, all pages |
//! | theme file | recompile templates, re-render all pages (content kept) |
//! | a document's body only | re-read that file, render its body anew into the last handbook ([`handbook::relink_bodies`], against the index of the last link), re-render that document's page (a policy's also: the onboarding packs that print it in full, and when its reading time changed, the reading lists, role pages and `reading-lists.csv` that show it) |
//! | front matter, new, deleted or renamed files, assets | re-read those files, relink, re-render all pages |
//!
//! The search index is rebuilt after the pages, on its own thread, so a
//! reload never waits for it (see `mod.rs`); so is `print.html` after a
//! body-only edit, since it holds every body. A rebuild after body edits
//! only also tells which pages' bytes changed, so open pages that did not
//! change stay as they are and those that did are updated in place.

use std::sync::Arc;
use std::time::Instant;

use super::memory::{Files, Memory};
use super::{Change, Options, build_problems, config_problems};
use crate::config::Config;
use crate::content::{self, Content};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::handbook::{self, BodyCache, Handbook};
use crate::pipeline::BuildError;
use crate::render::{self, Job};
use crate::theme::Theme;

/// The state kept between rebuilds.
pub struct Builder {
    options: Options,
    config: Config,
    theme: Option<Arc<Theme>>,
    content: Option<Content>,
    bodies: BodyCache,
    /// The last handbook that built, and the problems found up to its
    /// link (warnings only): a body edit starts from them.
    last: Option<(Arc<Handbook>, Vec<Diagnostic>)>,
}

/// A successful rebuild.
pub struct Rebuilt {
    /// The site's files (pages; the search index is added separately).
    pub files: Files,
    /// The handbook they were built from, for the search index.
    pub handbook: Arc<Handbook>,
    /// The theme they were rendered with.
    pub theme: Arc<Theme>,
    /// Whether `print.html` was left as it was and still needs rendering.
    pub print_stale: bool,
    /// After body edits only: the pages whose bytes changed. None when the
    /// rebuild was more than that (every page may differ, around its text too).
    pub changed: Option<Vec<String>>,
}

impl Builder {
    /// A builder for the handbook configured by `config`.
    pub fn new(options: Options, config: Config) -> Builder {
        Builder {
            options,
            config,
            theme: None,
            content: None,
            bodies: BodyCache::default(),
            last: None,
        }
    }

    /// Rebuilds after `changes`, starting from the `previous` files.
    pub fn rebuild(
        &mut self,
        changes: &[Change],
        previous: &Files,
    ) -> Result<Rebuilt, Vec<Diagnostic>> {
        let started = Instant::now();
        let config_changed = changes.contains(&Change::Config);
        if config_changed {
            self.config = Config::load(&self.options.root)
                .map_err(config_problems)?
                .with_since(self.options.since.clone());
            self.content = None;
            self.bodies = BodyCache::default();
        }
        if config_changed || changes.contains(&Change::Theme) {
            self.theme = None;
        }
        let mut diagnostics = Diagnostics::new();
        if self.theme.is_none() {
            self.theme = Theme::load(&self.config, &mut diagnostics).map(Arc::new);
        }

        // Content: re-read only the changed files when possible.
        let rels: Vec<String> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Content(rel) => Some(rel.clone()),
                _ => None,
            })
            .collect();
        let refresh = match self.content.as_mut() {
            Some(content) => content.refresh(&self.config.src_dir(), &rels),
            None => None,
        };
        let content = match (refresh.is_some(), self.content.take()) {
            (true, Some(content)) => {
                diagnostics.extend(content.unreadable.values().flatten().cloned());
                content
            }
            _ => content::load(&self.config.src_dir(), &mut diagnostics),
        };
        let body_edits = refresh
            .filter(|r| !r.structural && !previous.is_empty() && !config_changed)
            .filter(|_| !changes.contains(&Change::Theme));
        let last = self.last.take();
        // After body edits, only those bodies are rendered anew; other
        // changes link the whole handbook (bodies still come from the cache).
        let relinked = match (&body_edits, &last) {
            (Some(r), Some((handbook, linked_with))) => {
                let mut fresh = Diagnostics::new();
                let h = handbook::relink_bodies(
                    handbook,
                    &content,
                    &r.bodies,
                    &mut fresh,
                    &mut self.bodies,
                );
                if h.is_some() {
                    diagnostics = Diagnostics::from_iter(linked_with.iter().cloned());
                    diagnostics.extend(fresh.into_sorted());
                }
                h
            }
            _ => None,
        };
        let linked = relinked.or_else(|| {
            handbook::link_with(
                &self.config,
                &content,
                self.options.today,
                &mut diagnostics,
                &mut self.bodies,
            )
        });
        let linked_with = diagnostics.clone().into_sorted();
        if let Some(h) = linked.as_ref().filter(|_| !diagnostics.has_errors()) {
            diagnostics.extend(handbook::audit(h, &content));
        }
        self.content = Some(content);
        let (Some(handbook), Some(theme)) = (linked, self.theme.clone()) else {
            return Err(diagnostics.into_sorted());
        };
        if diagnostics.has_errors() {
            return Err(diagnostics.into_sorted());
        }
        let warnings = diagnostics.warning_count();
        let before = last.as_ref().map(|(h, _)| h.as_ref());

        // Pages: only the edited documents' own pages after a body edit.
        let only = body_edits.map(|r| pages_of(&handbook, before, &r.bodies, r.newly_pending));
        let print_stale = only.is_some() && handbook.config.html.print;
        let (files, pages, changed) = match only {
            Some(jobs) => {
                let out = Memory::from(previous.clone());
                render::render_pages(&handbook, &theme, &out, &jobs)
                    .map_err(|d| build_problems(BuildError::Problems(d)))?;
                if jobs.iter().any(|j| matches!(j, Job::Reading(_))) {
                    render::write_reading_csv(&handbook, &out)
                        .map_err(|d| build_problems(BuildError::Problems(d)))?;
                }
                let (files, changed) = out.into_changes();
                (files, jobs.len(), Some(changed))
            }
            None => {
                let out = Memory::default();
                let count = render::render(&handbook, &theme, &out)
                    .map_err(|d| build_problems(BuildError::Problems(d)))?;
                // Keep the previous search index until the new one is ready.
                let mut files = out.into_files();
                for (path, bytes) in previous {
                    if path.starts_with("search/") {
                        files.entry(path.clone()).or_insert_with(|| bytes.clone());
                    }
                }
                (files, count, None)
            }
        };
        eprintln!(
            "Rebuilt {pages} page{} in {} ms{}{}",
            if pages == 1 { "" } else { "s" },
            started.elapsed().as_millis(),
            super::describe(changes),
            crate::diagnostics::report::warnings_note(warnings)
        );
        let handbook = Arc::new(handbook);
        self.last = Some((handbook.clone(), linked_with));
        Ok(Rebuilt {
            files,
            handbook,
            theme,
            print_stale,
            changed,
        })
    }
}

/// The pages that show the bodies of the documents at `rels` in `h`
/// (`before` is the handbook of the last build); with `newly_pending`,
/// also those that list files not yet committed.
fn pages_of(
    h: &Handbook,
    before: Option<&Handbook>,
    rels: &[String],
    newly_pending: bool,
) -> Vec<Job> {
    let mut jobs = Vec::new();
    for rel in rels {
        let is = |s: &crate::handbook::Source| &s.rel == rel;
        if rel == "index.md" {
            jobs.push(Job::Home);
        }
        if let Some(p) = h.policies.iter().position(|p| is(&p.source)) {
            jobs.push(Job::Policy(p));
            // Reading lists show its reading time: they change when it does.
            let minutes = before
                .and_then(|b| b.policies.get(p))
                .filter(|old| is(&old.source))
                .is_none_or(|old| old.minutes != h.policies[p].minutes);
            let everyone = h.everyone.contains(&p);
            // Packs print everyone's policies in full only when they are
            // few, and a role's own policies always.
            let in_full = everyone && h.everyone_in_full();
            if minutes {
                jobs.push(Job::Reading(None));
            }
            if everyone && (minutes || in_full) {
                jobs.push(Job::ReadingPack(None));
            }
            for (r, role) in h.roles.iter().enumerate() {
                let own = role.reading_list.contains(&p);
                if (own || in_full) && minutes {
                    jobs.extend([Job::Role(r), Job::Reading(Some(r))]);
                }
                if own || in_full {
                    jobs.push(Job::ReadingPack(Some(r)));
                }
            }
        }
        jobs.extend(h.roles.iter().position(|r| is(&r.source)).map(Job::Role));
        jobs.extend(h.risks.iter().position(|r| is(&r.source)).map(Job::Risk));
        jobs.extend(
            h.pages
                .iter()
                .position(|p| is(&p.source) && p.url != crate::handbook::urls::HOME)
                .map(Job::Page),
        );
        for (i, c) in h.controls.iter().enumerate() {
            if c.statement.as_ref().is_some_and(|s| is(&s.source)) {
                jobs.push(Job::Control(i));
            }
            if c.guidance.as_ref().is_some_and(|g| is(&g.source)) {
                jobs.push(Job::Guidance(i));
            }
        }
    }
    // A file that now has edits not yet committed: the changes page lists
    // it, and the home page counts it.
    if newly_pending {
        jobs.push(Job::Changes);
        jobs.push(Job::Home);
    }
    let mut unique = Vec::with_capacity(jobs.len());
    for job in jobs {
        if !unique.contains(&job) {
            unique.push(job);
        }
    }
    unique
}
