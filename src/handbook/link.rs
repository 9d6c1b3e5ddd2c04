//! Building the [`Handbook`] from loaded documents.
//!
//! 1. Sort documents by kind and give each its id and page; duplicates and
//!    ids that name nothing are reported here.
//! 2. Index every id and path a document may point at.
//! 3. In parallel, per document: resolve its front-matter references and
//!    render its body with links resolved.
//! 4. Join the relations both ways and derive what roles own and read.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::resolve::{DocResolver, IdKind, Index, Target};
use super::{
    AnchorLink, Audience, Body, Control, Guidance, Handbook, Page, Policy, Role, Source, Statement,
    urls,
};
use crate::catalog::{self, Catalog};
use crate::config::Config;
use crate::content::meta::{
    self, ControlMeta, Date, GuidanceMeta, PageMeta, PolicyMeta, RiskMeta, RoleMeta, Text,
};
use crate::content::{self, Content, Document, Kind, Meta};
use crate::diagnostics::{Diagnostic, Diagnostics, Position, Rule};
use crate::markdown;

/// Rendered bodies of the last link, reused while a document's text and
/// everything its links can point at (ids, titles, paths) are unchanged.
#[derive(Debug, Default)]
pub struct BodyCache {
    /// Hash of every link target of the handbook the bodies were rendered for.
    signature: u64,
    /// Content path → (hash of the file's text, its rendered body).
    bodies: FxHashMap<String, (u64, Arc<Body>)>,
    /// The index of the last handbook that linked, for [`relink_bodies`].
    index: Option<Index>,
}

impl BodyCache {
    fn get(&self, rel: &str, hash: u64) -> Option<Arc<Body>> {
        self.bodies
            .get(rel)
            .filter(|(h, _)| *h == hash)
            .map(|(_, b)| b.clone())
    }

    /// Remembers the bodies of a linked handbook (only the new ones, when
    /// the rest are already there).
    fn fill(&mut self, signature: u64, h: &Handbook) {
        self.signature = signature;
        let mut keep = |s: &super::Source, b: &Arc<Body>| match self.bodies.get_mut(&s.rel) {
            Some(entry) if entry.0 == s.hash => {}
            Some(entry) => *entry = (s.hash, b.clone()),
            None => {
                self.bodies.insert(s.rel.clone(), (s.hash, b.clone()));
            }
        };
        for p in &h.policies {
            keep(&p.source, &p.body);
        }
        for r in &h.roles {
            keep(&r.source, &r.body);
        }
        for p in &h.pages {
            keep(&p.source, &p.body);
        }
        for r in &h.risks {
            keep(&r.source, &r.body);
        }
        for c in &h.controls {
            if let Some(s) = &c.statement {
                keep(&s.source, &s.body);
            }
            if let Some(g) = &c.guidance {
                keep(&g.source, &g.body);
            }
        }
    }
}

/// Links loaded content into a handbook; `None` when any error was found
/// (all of them are in `diagnostics`).
pub fn link(
    config: &Config,
    content: &Content,
    today: Date,
    diagnostics: &mut Diagnostics,
) -> Option<Handbook> {
    link_with(
        config,
        content,
        today,
        diagnostics,
        &mut BodyCache::default(),
    )
}

/// [`link`], reusing the bodies in `cache` that are still valid, and
/// leaving the new handbook's bodies there.
pub fn link_with(
    config: &Config,
    content: &Content,
    today: Date,
    diagnostics: &mut Diagnostics,
    cache: &mut BodyCache,
) -> Option<Handbook> {
    let catalog = catalog::catalog();
    let Content {
        documents,
        assets,
        unreadable,
        committed,
    } = content;
    let sorted = Sorted::new(documents, catalog, committed, diagnostics);
    check_case_collisions(&sorted, assets, diagnostics);
    let mut index = sorted.index(assets, catalog, diagnostics);
    for rel in unreadable.keys() {
        index.unreadable_files.insert(rel.clone());
        let kind = match Kind::of(rel) {
            Kind::Policy => IdKind::Policy,
            Kind::Role => IdKind::Role,
            Kind::Risk => IdKind::Risk,
            _ => continue,
        };
        index
            .unreadable
            .insert((kind, content::stem(rel).to_owned()));
    }
    index.committed = committed.clone();
    index.raw_html = match config.html.allow_raw_html {
        true => markdown::RawHtml::Allow,
        false => markdown::RawHtml::Sanitize,
    };
    let signature = index.signature();
    if signature != cache.signature {
        cache.bodies.clear();
    }
    let cache_ref: &BodyCache = cache;

    let policies: Vec<_> = sorted
        .policies
        .par_iter()
        .map(|(doc, meta, id)| link_policy(&index, cache_ref, catalog, doc, meta, id))
        .collect();
    let statements: Vec<_> = sorted
        .statements
        .par_iter()
        .map(|(doc, meta, control)| link_statement(&index, cache_ref, doc, meta, *control))
        .collect();
    let roles: Vec<_> = sorted
        .roles
        .par_iter()
        .map(|(doc, meta, id)| link_role(&index, cache_ref, doc, meta, id))
        .collect();
    let guidance: Vec<_> = sorted
        .guidance
        .par_iter()
        .map(|(doc, meta, control)| link_guidance(&index, cache_ref, doc, meta, *control))
        .collect();
    let pages: Vec<_> = sorted
        .pages
        .par_iter()
        .map(|(doc, meta, url)| link_page(&index, cache_ref, doc, meta, url))
        .collect();
    let risks: Vec<_> = sorted
        .risks
        .par_iter()
        .map(|(doc, meta, id)| {
            let mut c = Check::new(&index, cache_ref, doc);
            let risk = super::risk::link_risk(&mut c, catalog, &config.risk, meta, id);
            c.finish(risk)
        })
        .collect();

    let policies = all_linked(policies, diagnostics);
    let statements = all_linked(statements, diagnostics);
    let roles = all_linked(roles, diagnostics);
    let guidance = all_linked(guidance, diagnostics);
    let pages = all_linked(pages, diagnostics);
    let risks = all_linked(risks, diagnostics);
    check_reporting_lines(&sorted, &index, diagnostics);
    super::risk::check_escalation(config, &index, diagnostics);
    // Relations are positions in the sorted lists, which the linked lists
    // keep only when every document of their kind linked.
    let (Some(policies), Some(statements), Some(roles), Some(guidance), Some(pages), Some(risks)) =
        (policies, statements, roles, guidance, pages, risks)
    else {
        return None;
    };
    if diagnostics.has_errors() {
        return None;
    }

    let mut handbook = Handbook {
        config: config.clone(),
        today,
        policies,
        controls: (0..catalog.controls.len())
            .map(|index| Control {
                index,
                statement: None,
                guidance: None,
                policies: Vec::new(),
            })
            .collect(),
        roles,
        pages,
        risks,
        assets: assets.clone(),
        everyone: Vec::new(),
        history: committed.clone(),
    };
    for (index, statement) in statements {
        handbook.controls[index].statement = Some(statement);
    }
    for (index, g) in guidance {
        handbook.controls[index].guidance = Some(g);
    }
    join_relations(&mut handbook, &sorted);
    cache.fill(signature, &handbook);
    cache.index = Some(index);
    Some(handbook)
}

/// `previous` after edits to the bodies of the documents at `rels` and to
/// nothing else (front matter, file names and every other file as they
/// were, which `content::Content::refresh` tells): those bodies rendered
/// anew against the index of the last link, everything else kept. None
/// when that index is gone or a document is not where it was: link whole.
/// Problems of the new bodies go to `diagnostics`.
pub fn relink_bodies(
    previous: &Handbook,
    content: &Content,
    rels: &[String],
    diagnostics: &mut Diagnostics,
    cache: &mut BodyCache,
) -> Option<Handbook> {
    let mut index = cache.index.take()?;
    index.committed = content.committed.clone();
    let mut handbook = previous.clone();
    let relinked = rels.iter().try_for_each(|rel| {
        let doc = content.documents.iter().find(|d| &d.rel == rel)?;
        let mut c = Check::new(&index, cache, doc);
        let body = relink_body(&mut handbook, &mut c)?;
        let (_, problems) = c.finish(Some(()));
        diagnostics.extend(problems);
        cache.bodies.insert(rel.clone(), (doc.hash, body));
        Some(())
    });
    cache.index = Some(index);
    relinked.map(|()| handbook)
}

/// Renders the body of `c`'s document anew into its place in `h`, with
/// its source; the new body, or None if the document has no place there.
fn relink_body(h: &mut Handbook, c: &mut Check<'_>) -> Option<Arc<Body>> {
    let doc = c.doc;
    let is = |s: &Source| s.rel == doc.rel;
    let (updated, language) = match &doc.meta {
        Meta::Policy(m) => (m.updated, m.language.as_ref()),
        Meta::Control(m) => (m.updated, m.language.as_ref()),
        Meta::Role(m) => (m.updated, m.language.as_ref()),
        Meta::Guidance(m) => (m.updated, m.language.as_ref()),
        Meta::Page(m) => (m.updated, m.language.as_ref()),
        Meta::Risk(m) => (m.updated, m.language.as_ref()),
    };
    let catalog = catalog::catalog();
    let (body, source, url) = if let Some(p) = h.policies.iter_mut().find(|p| is(&p.source)) {
        (&mut p.body, &mut p.source, urls::policy(&p.id))
    } else if let Some(r) = h.roles.iter_mut().find(|r| is(&r.source)) {
        (&mut r.body, &mut r.source, urls::role(&r.id))
    } else if let Some(r) = h.risks.iter_mut().find(|r| is(&r.source)) {
        (&mut r.body, &mut r.source, urls::risk(&r.id))
    } else if let Some(p) = h.pages.iter_mut().find(|p| is(&p.source)) {
        (&mut p.body, &mut p.source, p.url.clone())
    } else if let Some(control) = h.controls.iter_mut().find(|x| {
        x.statement.as_ref().is_some_and(|s| is(&s.source))
            || x.guidance.as_ref().is_some_and(|g| is(&g.source))
    }) {
        let id = catalog.controls[control.index].id;
        match (&mut control.statement, &mut control.guidance) {
            (Some(s), _) if is(&s.source) => (&mut s.body, &mut s.source, urls::control(id)),
            (_, Some(g)) => (&mut g.body, &mut g.source, urls::guidance(id)),
            _ => return None,
        }
    } else {
        return None;
    };
    *body = c.body(&url);
    *source = c.source(updated, language);
    let body = body.clone();
    if let Some(p) = h.policies.iter_mut().find(|p| is(&p.source)) {
        p.minutes = body.minutes();
    }
    Some(body)
}

/// Moves the problems into `diagnostics`; the linked items, in the order
/// of their documents, only if every one of them linked. A relation is a
/// position in that order (the [`Index`] hands them out), so a list with a
/// gap would shift every position after it.
fn all_linked<T>(
    results: Vec<(Option<T>, Vec<Diagnostic>)>,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<T>> {
    let mut out = Some(Vec::with_capacity(results.len()));
    for (item, problems) in results {
        diagnostics.extend(problems);
        match (item, &mut out) {
            (Some(item), Some(list)) => list.push(item),
            _ => out = None,
        }
    }
    out
}

/// Documents sorted by kind, each with its id, in the order pages list them.
struct Sorted<'a> {
    /// By title; with their ids.
    policies: Vec<(&'a Document, &'a PolicyMeta, String)>,
    /// With the index of their control.
    statements: Vec<(&'a Document, &'a ControlMeta, usize)>,
    /// By title; with their ids.
    roles: Vec<(&'a Document, &'a RoleMeta, String)>,
    /// With the index of their control.
    guidance: Vec<(&'a Document, &'a GuidanceMeta, usize)>,
    /// By path; with their page's path.
    pages: Vec<(&'a Document, &'a PageMeta, String)>,
    /// By id, numbers as numbers; with their ids.
    risks: Vec<(&'a Document, &'a RiskMeta, String)>,
}

impl<'a> Sorted<'a> {
    fn new(
        documents: &'a [Document],
        catalog: &Catalog,
        committed: &content::history::Committed,
        diagnostics: &mut Diagnostics,
    ) -> Self {
        let mut sorted = Sorted {
            policies: Vec::new(),
            statements: Vec::new(),
            roles: Vec::new(),
            guidance: Vec::new(),
            pages: Vec::new(),
            risks: Vec::new(),
        };
        let owners = id_owners(documents, catalog, committed);
        let mut claim = |noun: &'static str, id: String, doc: &'a Document, key: Option<&str>| {
            let Some(&owner) = owners.get(&(noun, id.clone())) else {
                return true;
            };
            if owner == doc.rel {
                return true;
            }
            let (at, fix) = match key {
                Some(k) => (doc.locate(k, Some(&id)), "give this file another `id:`"),
                None => (
                    Position::START,
                    "rename this file, or give it its own `id:` in the front matter",
                ),
            };
            let fix = if noun.ends_with("for control") {
                "keep one file per control: merge the two"
            } else {
                fix
            };
            diagnostics.error(
                Rule::DuplicateId,
                &doc.path,
                at,
                format!("duplicate {noun} `{id}`: content/{owner} has it already; {fix}"),
            );
            false
        };
        let mut invalid = Vec::new();
        for doc in documents {
            match &doc.meta {
                Meta::Policy(m) => {
                    let (id, key) = own_id(doc, m.id.as_ref());
                    if let Err(why) = check_id(&id) {
                        invalid.push(invalid_id(doc, &id, key, why));
                    } else if claim("policy id", id.clone(), doc, key) {
                        sorted.policies.push((doc, m, id));
                    }
                }
                Meta::Role(m) => {
                    let (id, key) = own_id(doc, m.id.as_ref());
                    if let Err(why) = check_id(&id) {
                        invalid.push(invalid_id(doc, &id, key, why));
                    } else if claim("role id", id.clone(), doc, key) {
                        sorted.roles.push((doc, m, id));
                    }
                }
                Meta::Risk(m) => {
                    let (id, key) = own_id(doc, m.id.as_ref());
                    if let Err(why) = check_id(&id) {
                        invalid.push(invalid_id(doc, &id, key, why));
                    } else if claim("risk id", id.clone(), doc, key) {
                        sorted.risks.push((doc, m, id));
                    }
                }
                Meta::Control(m) => match catalog.resolve(doc.stem()) {
                    Ok(i) => {
                        let id = catalog.controls[i].id.to_owned();
                        if claim("statement for control", id, doc, None) {
                            sorted.statements.push((doc, m, i));
                        }
                    }
                    Err(e) => invalid.push(Diagnostic::error(
                        Rule::UnknownControl,
                        &doc.path,
                        Position::START,
                        format!(
                            "a statement file is named after its control; {}",
                            catalog.explain(&e)
                        ),
                    )),
                },
                Meta::Guidance(m) => match catalog.resolve(doc.stem()) {
                    Ok(i) => {
                        let id = catalog.controls[i].id.to_owned();
                        if claim("guidance for control", id, doc, None) {
                            sorted.guidance.push((doc, m, i));
                        }
                    }
                    Err(e) => invalid.push(Diagnostic::error(
                        Rule::UnknownControl,
                        &doc.path,
                        Position::START,
                        format!(
                            "a guidance file is named after its control; {}",
                            catalog.explain(&e)
                        ),
                    )),
                },
                Meta::Page(m) => {
                    let url = urls::page(&doc.rel);
                    if url != urls::HOME && urls::is_reserved(&url) {
                        invalid.push(Diagnostic::error(
                            Rule::ReservedPath,
                            &doc.path,
                            Position::START,
                            format!("`{url}` is generated by ismsbook; rename or move this page"),
                        ));
                    } else {
                        sorted.pages.push((doc, m, url));
                    }
                }
            }
        }
        diagnostics.extend(invalid);
        let by_title = |t: &Text, id: &str| (t.to_lowercase(), id.to_owned());
        sorted
            .policies
            .sort_by_cached_key(|(_, m, id)| by_title(&m.title, id));
        sorted
            .roles
            .sort_by_cached_key(|(_, m, id)| by_title(&m.title, id));
        sorted
            .risks
            .sort_by_cached_key(|(_, _, id)| (super::risk::natural_key(id), id.clone()));
        sorted
    }

    /// Every id and path that documents may point at.
    fn index(
        &self,
        assets: &[crate::content::Asset],
        catalog: &Catalog,
        diagnostics: &mut Diagnostics,
    ) -> Index {
        let mut index = Index::default();
        let target = |index: usize, url: String, title: &str| Target {
            index,
            url,
            title: title.to_owned(),
        };
        for (i, (doc, m, id)) in self.policies.iter().enumerate() {
            let t = target(i, urls::policy(id), &m.title);
            index.documents.insert(doc.rel.clone(), t.clone());
            index.policies.insert(id.clone(), t);
        }
        for (i, (doc, m, id)) in self.roles.iter().enumerate() {
            let t = target(i, urls::role(id), &m.title);
            index.documents.insert(doc.rel.clone(), t.clone());
            index.roles.insert(id.clone(), t);
        }
        for (i, (doc, m, id)) in self.risks.iter().enumerate() {
            let t = target(i, urls::risk(id), &format!("{id} {}", m.title.trim()));
            index.documents.insert(doc.rel.clone(), t.clone());
            index.risks.insert(id.clone(), t);
        }
        for (doc, _, c) in &self.statements {
            let c = &catalog.controls[*c];
            let t = target(0, urls::control(c.id), &format!("{} {}", c.id, c.title));
            index.documents.insert(doc.rel.clone(), t);
        }
        for (doc, _, c) in &self.guidance {
            let c = &catalog.controls[*c];
            let title = format!("ISO/IEC 27002 {} {}", c.id, c.title);
            index
                .documents
                .insert(doc.rel.clone(), target(0, urls::guidance(c.id), &title));
        }
        for (i, (doc, m, url)) in self.pages.iter().enumerate() {
            index
                .documents
                .insert(doc.rel.clone(), target(i, url.clone(), &m.title));
        }
        for asset in assets {
            if asset.rel == urls::HOME || urls::is_reserved(&asset.rel) {
                diagnostics.error(
                    Rule::ReservedPath,
                    &asset.path,
                    Position::START,
                    format!(
                        "`{}` is generated by ismsbook; rename or move this file",
                        asset.rel
                    ),
                );
            }
            index.assets.insert(asset.rel.clone());
        }
        index
    }
}

/// For each id that more than one document claims, the document that keeps
/// it (the others are reported). The one that was there first keeps it: a
/// document named after its id before one that sets `id:`, one committed
/// to git before one that is not, then the first by path. So the error
/// lands on the file just added or edited.
fn id_owners<'a>(
    documents: &'a [Document],
    catalog: &Catalog,
    committed: &content::history::Committed,
) -> FxHashMap<(&'static str, String), &'a str> {
    // Per claimed id: (sets `id:`, not in git, path) of each claimant.
    type Claimants<'a> = Vec<(bool, bool, &'a str)>;
    let mut claims: FxHashMap<(&'static str, String), Claimants<'a>> = FxHashMap::default();
    for doc in documents {
        let (noun, (id, key)) = match &doc.meta {
            Meta::Policy(m) => ("policy id", own_id(doc, m.id.as_ref())),
            Meta::Role(m) => ("role id", own_id(doc, m.id.as_ref())),
            Meta::Risk(m) => ("risk id", own_id(doc, m.id.as_ref())),
            Meta::Control(_) | Meta::Guidance(_) => {
                let Ok(i) = catalog.resolve(doc.stem()) else {
                    continue;
                };
                let noun = match doc.meta {
                    Meta::Control(_) => "statement for control",
                    _ => "guidance for control",
                };
                (noun, (catalog.controls[i].id.to_owned(), None))
            }
            Meta::Page(_) => continue,
        };
        let new = !committed.contains_key(&doc.rel);
        claims
            .entry((noun, id))
            .or_default()
            .push((key.is_some(), new, &doc.rel));
    }
    claims
        .into_iter()
        .filter(|(_, docs)| docs.len() > 1)
        .filter_map(|(claim, docs)| Some((claim, docs.into_iter().min()?.2)))
        .collect()
}

/// A file of the site and where it comes from, for [`check_case_collisions`].
struct Claim<'a> {
    /// Its path in the site.
    path: String,
    /// Its source file (content path and path for messages); None: generated.
    source: Option<(&'a str, &'a std::path::Path)>,
    /// Where to point in its source.
    at: Position,
}

impl<'a> Claim<'a> {
    /// The page of a document; `id` if written in its front matter (it is
    /// pointed at; else the file name is the id).
    fn of(doc: &'a Document, path: String, id: Option<&str>) -> Claim<'a> {
        Claim {
            path,
            source: Some((doc.rel.as_str(), doc.path.as_path())),
            at: id.map_or(Position::START, |id| doc.locate("id", Some(id))),
        }
    }
}

/// Reports files of the site whose paths differ only by case (or by
/// Unicode normalisation): on Windows and macOS, and on most USB sticks,
/// they would be one file, and one page would replace the other.
fn check_case_collisions(
    sorted: &Sorted<'_>,
    assets: &[crate::content::Asset],
    diagnostics: &mut Diagnostics,
) {
    use unicode_normalization::UnicodeNormalization;
    let mut claims = vec![Claim {
        path: urls::HOME.to_owned(),
        source: None,
        at: Position::START,
    }];
    for (doc, m, id) in &sorted.policies {
        let written = m.id.is_some().then_some(id.as_str());
        claims.push(Claim::of(doc, urls::policy(id), written));
    }
    for (doc, m, id) in &sorted.roles {
        let written = m.id.is_some().then_some(id.as_str());
        claims.push(Claim::of(doc, urls::role(id), written));
    }
    for (doc, _, url) in sorted.pages.iter().filter(|(_, _, u)| u != urls::HOME) {
        claims.push(Claim::of(doc, url.clone(), None));
    }
    claims.extend(assets.iter().map(|a| Claim {
        path: a.rel.clone(),
        source: Some((a.rel.as_str(), a.path.as_path())),
        at: Position::START,
    }));
    let key = |path: &str| path.nfc().collect::<String>().to_lowercase();
    let mut first: FxHashMap<String, usize> = FxHashMap::default();
    for (i, claim) in claims.iter().enumerate() {
        let Some(&j) = first.get(&key(&claim.path)) else {
            first.insert(key(&claim.path), i);
            continue;
        };
        let (Some((rel, file)), other) = (claim.source, &claims[j]) else {
            continue;
        };
        let named = other
            .source
            .map_or("the home page".to_owned(), |(r, _)| format!("`{r}`"));
        let written = match claim.path == other.path {
            true => format!("are both written to {}", claim.path),
            false => format!(
                "are written to {} and {}, which are one file where case is ignored \
                 (Windows, macOS)",
                other.path, claim.path
            ),
        };
        diagnostics.error(
            Rule::CaseCollision,
            file,
            claim.at,
            format!("{named} and `{rel}` {written}; rename one"),
        );
    }
}

/// A document's id: its `id` field, else its file stem; and the field to
/// point at in errors.
fn own_id(doc: &Document, written: Option<&Text>) -> (String, Option<&'static str>) {
    match written {
        Some(id) => (id.trim().to_owned(), Some("id")),
        None => (doc.stem().to_owned(), None),
    }
}

/// Ids become file names in the site: letters (of any script, so
/// `datenschutz-übersicht` is fine: its address is percent-encoded),
/// digits, `-`, `_` and `.`; not starting with `.`, and not `index`.
fn check_id(id: &str) -> Result<(), String> {
    let safe = !id.is_empty()
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !safe {
        return Err(format!(
            "the id `{id}` can only have letters, digits, `-`, `_` and `.` (it names a page); \
             try `{}`",
            safe_id(id)
        ));
    }
    if id == "index" {
        return Err("the id `index` is taken by the list page of its kind".to_owned());
    }
    Ok(())
}

/// `id` with every run of other characters turned into one `-`.
fn safe_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for c in id.trim_start_matches('.').chars() {
        if c.is_alphanumeric() || matches!(c, '_' | '.') {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    match out {
        "" | "index" => format!("{out}-1").trim_start_matches('-').to_owned(),
        _ => out.to_owned(),
    }
}

/// An invalid id, reported where it comes from: the `id:` field, or the
/// file name when the document has none.
fn invalid_id(doc: &Document, id: &str, key: Option<&str>, why: String) -> Diagnostic {
    match key {
        Some(key) => Diagnostic::error(Rule::InvalidId, &doc.path, doc.locate(key, None), why),
        None => Diagnostic::error(
            Rule::InvalidId,
            &doc.path,
            Position::START,
            format!(
                "the file name `{}` gives the id `{id}`: {}; rename the file, or give it \
                 `id: {}` in the front matter",
                doc.rel.rsplit('/').next().unwrap_or(&doc.rel),
                why.split_once("; try").map_or(why.as_str(), |(w, _)| w),
                safe_id(id)
            ),
        ),
    }
}

/// `s` in a buffer of its own size. Rendering grows a body's text by
/// doubling, and bodies are kept for the whole build: at 100,000
/// documents their spare capacity was 555 MB of 1.3 GB. (A shrinking
/// `realloc` may keep the block, so the text is copied.)
fn exact(s: String) -> String {
    if s.capacity() - s.len() > s.len() / 8 {
        s.as_str().to_owned()
    } else {
        s
    }
}

/// Resolves the references of one document and collects its problems.
pub(super) struct Check<'a> {
    pub(super) index: &'a Index,
    cache: &'a BodyCache,
    raw: markdown::RawHtml,
    pub(super) doc: &'a Document,
    problems: Vec<Diagnostic>,
}

impl<'a> Check<'a> {
    pub(super) fn new(index: &'a Index, cache: &'a BodyCache, doc: &'a Document) -> Self {
        Check {
            index,
            cache,
            raw: index.raw_html,
            doc,
            problems: Vec::new(),
        }
    }

    pub(super) fn error(&mut self, rule: Rule, at: Position, message: impl Into<String>) {
        self.problems
            .push(Diagnostic::error(rule, &self.doc.path, at, message));
    }

    /// The index of the role or policy `value` written under `key`.
    pub(super) fn id(&mut self, kind: IdKind, key: &str, value: &Text) -> Option<usize> {
        match self.index.find(kind, value) {
            Ok(t) => Some(t.index),
            Err(Some(why)) => {
                let at = self.doc.locate(key, Some(value));
                let rule = match kind {
                    IdKind::Policy => Rule::UnknownPolicy,
                    IdKind::Role => Rule::UnknownRole,
                    IdKind::Risk => Rule::BrokenLink,
                };
                self.error(rule, at, format!("{key}: {why}"));
                None
            }
            Err(None) => None,
        }
    }

    /// The indexes of all ids listed under `key`; None if any is unknown.
    fn ids(&mut self, kind: IdKind, key: &str, values: &[Text]) -> Option<Vec<usize>> {
        let found: Vec<Option<usize>> = values.iter().map(|v| self.id(kind, key, v)).collect();
        found.into_iter().collect()
    }

    /// The text and links of the one-line field `key` (Markdown links only),
    /// broken links reported.
    pub(super) fn inline(&mut self, key: &str, text: &str) -> markdown::Inline {
        let resolver = DocResolver::new(self.index, &self.doc.rel, urls::HOME);
        let inline = markdown::inline(text, &resolver);
        for (dest, rule, why) in &inline.broken {
            let at = self.doc.locate(key, Some(dest));
            self.error(*rule, at, format!("{key}: {why}"));
        }
        inline
    }

    /// The catalog indexes of the Annex A ids listed under `key`.
    pub(super) fn controls(
        &mut self,
        catalog: &Catalog,
        key: &str,
        values: &[Text],
    ) -> Option<Vec<usize>> {
        let mut ok = true;
        let mut found = Vec::with_capacity(values.len());
        for v in values {
            match catalog.resolve(v) {
                Ok(i) => found.push(i),
                Err(e) => {
                    let at = self.doc.locate(key, Some(v));
                    self.error(
                        Rule::UnknownControl,
                        at,
                        format!("{key}: {}", catalog.explain(&e)),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(found)
    }

    /// The clauses (and items of documented information) listed under `clauses`.
    fn clauses(&mut self, values: &[Text]) -> Option<Vec<super::ClauseRef>> {
        let catalog = crate::catalog::clauses::clauses();
        let mut ok = true;
        let mut found = Vec::with_capacity(values.len());
        for v in values {
            match catalog.resolve_reference(v) {
                Ok((clause, item)) => found.push(super::ClauseRef { clause, item }),
                Err(e) => {
                    let at = self.doc.locate("clauses", Some(v));
                    self.error(
                        Rule::UnknownClause,
                        at,
                        format!("clauses: {}", catalog.explain(&e)),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(found)
    }

    /// The body rendered for the page at `url`, broken links reported.
    pub(super) fn body(&mut self, url: &str) -> Arc<Body> {
        if let Some(body) = self.cache.get(&self.doc.rel, self.doc.hash) {
            return body;
        }
        let resolver = DocResolver::new(self.index, &self.doc.rel, url);
        let rendered = markdown::render_with(self.doc.body(), &resolver, self.raw);
        for (offset, rule, why) in rendered.broken {
            let at = self.doc.body_position(offset);
            self.error(rule, at, why);
        }
        let anchor_links = rendered
            .fragments
            .into_iter()
            .map(|f| AnchorLink {
                at: self.doc.body_position(f.offset),
                page: f.page,
                fragment: f.fragment,
            })
            .collect();
        let mut sections = rendered.sections;
        for s in &mut sections {
            s.heading = exact(std::mem::take(&mut s.heading));
            s.text = exact(std::mem::take(&mut s.text));
        }
        Arc::new(Body {
            minutes: std::sync::OnceLock::new(),
            html: exact(rendered.html),
            headings: rendered.headings,
            sections,
            anchor_links,
        })
    }

    /// Where the document came from; `updated` is its front-matter date,
    /// `language` its front-matter language.
    pub(super) fn source(
        &self,
        updated: Option<Date>,
        language: Option<&meta::Language>,
    ) -> Source {
        Source {
            language: language.map(|l| l.0.clone()),
            path: self.doc.path.clone(),
            rel: self.doc.rel.clone(),
            hash: self.doc.hash,
            changed: updated.or_else(|| self.index.committed.get(&self.doc.rel).copied()),
            pending: self.index.committed.pending(&self.doc.rel),
        }
    }

    pub(super) fn finish<T>(self, item: Option<T>) -> (Option<T>, Vec<Diagnostic>) {
        let item = if self.problems.is_empty() { item } else { None };
        (item, self.problems)
    }
}

fn link_policy(
    index: &Index,
    cache: &BodyCache,
    catalog: &Catalog,
    doc: &Document,
    m: &PolicyMeta,
    id: &str,
) -> (Option<Policy>, Vec<Diagnostic>) {
    let mut c = Check::new(index, cache, doc);
    let owner = c.id(IdKind::Role, "owner", &m.owner);
    let approver = m
        .approver
        .as_ref()
        .map(|a| c.id(IdKind::Role, "approver", a));
    let audience = match &m.audience {
        None => Some(None),
        Some(meta::Audience::All) => Some(Some(Audience::All)),
        Some(meta::Audience::Roles(r)) => c
            .ids(IdKind::Role, "audience", r)
            .map(|r| Some(Audience::Roles(r))),
    };
    let controls = c.controls(catalog, "controls", &m.controls);
    let clauses = c.clauses(&m.clauses);
    let body = c.body(&urls::policy(id));
    let policy = (|| {
        Some(Policy {
            id: id.to_owned(),
            title: m.title.0.clone(),
            source: c.source(m.updated, m.language.as_ref()),
            owner: owner?,
            approver: match approver {
                Some(a) => Some(a?),
                None => None,
            },
            version: m.version.as_ref().map(|v| v.0.clone()),
            effective: m.effective,
            review: m.review,
            classification: m.classification,
            audience: audience?,
            controls: controls?,
            history: m.history.clone(),
            approved: m.approved.clone(),
            clauses: clauses?,
            extra: m.extra.clone(),
            minutes: body.minutes(),
            body,
        })
    })();
    c.finish(policy)
}

fn link_statement(
    index: &Index,
    cache: &BodyCache,
    doc: &Document,
    m: &ControlMeta,
    control: usize,
) -> (Option<(usize, Statement)>, Vec<Diagnostic>) {
    let mut c = Check::new(index, cache, doc);
    let justification = m
        .justification
        .as_ref()
        .map(|j| c.inline("justification", j.trim()));
    let justification = match justification {
        Some(j) if !j.text.is_empty() => Some(j),
        _ => {
            let why = if m.applicable {
                "justification is required: say why the control is included"
            } else {
                "a control that is not applicable needs a justification: say why it is excluded"
            };
            let at = c.doc.locate("justification", None);
            c.error(Rule::InvalidStatement, at, why);
            None
        }
    };
    if m.applicable && m.status.is_none() {
        let at = c.doc.locate("applicable", None);
        c.error(
            Rule::InvalidStatement,
            at,
            "status is required for an applicable control: implemented, partial, planned or not-implemented",
        );
    }
    if !m.applicable && m.status.is_some() {
        let at = c.doc.locate("status", None);
        c.error(
            Rule::InvalidStatement,
            at,
            "a control that is not applicable has no status: remove `status`",
        );
    }
    let owner = m.owner.as_ref().map(|o| c.id(IdKind::Role, "owner", o));
    for link in m.evidence.iter().filter_map(|e| e.link.as_ref()) {
        if let Some(why) = super::resolve::unsafe_scheme(link) {
            let at = c.doc.locate("evidence", Some(link));
            c.error(Rule::UnsafeLink, at, format!("evidence link: {why}"));
        }
    }
    // Declared policies are joined in `join_relations`; here they are only checked.
    c.ids(IdKind::Policy, "policies", &m.policies);
    let body = c.body(&urls::control(catalog::catalog().controls[control].id));
    let statement = (|| {
        Some(Statement {
            source: c.source(m.updated, m.language.as_ref()),
            applicable: m.applicable,
            cites_risks: justification.as_ref().map_or_else(Vec::new, |j| {
                j.links
                    .iter()
                    .filter_map(|l| l.strip_prefix("risk:"))
                    .map(|id| id.split(['#', '?']).next().unwrap_or(id).trim().to_owned())
                    .collect()
            }),
            justification_pieces: justification.as_ref()?.pieces.clone(),
            justification: justification?.text,
            status: m.status,
            owner: match owner {
                Some(o) => Some(o?),
                None => None,
            },
            evidence: m.evidence.clone(),
            extra: m.extra.clone(),
            body,
        })
    })();
    c.finish(statement.map(|s| (control, s)))
}

fn link_role(
    index: &Index,
    cache: &BodyCache,
    doc: &Document,
    m: &RoleMeta,
    id: &str,
) -> (Option<Role>, Vec<Diagnostic>) {
    let mut c = Check::new(index, cache, doc);
    let reports_to = m
        .reports_to
        .as_ref()
        .map(|r| c.id(IdKind::Role, "reports_to", r));
    if m.reports_to.as_deref() == Some(id) {
        let at = c.doc.locate("reports_to", Some(id));
        c.error(Rule::ReportingLoop, at, "a role cannot report to itself");
    }
    let body = c.body(&urls::role(id));
    let role = (|| {
        Some(Role {
            id: id.to_owned(),
            title: m.title.0.clone(),
            source: c.source(m.updated, m.language.as_ref()),
            assignees: m.assignees.iter().map(|a| a.0.clone()).collect(),
            reports_to: match reports_to {
                Some(r) => Some(r?),
                None => None,
            },
            extra: m.extra.clone(),
            body,
            direct_reports: Vec::new(),
            owns_policies: Vec::new(),
            approves_policies: Vec::new(),
            owns_controls: Vec::new(),
            reading_list: Vec::new(),
        })
    })();
    c.finish(role)
}

fn link_guidance(
    index: &Index,
    cache: &BodyCache,
    doc: &Document,
    m: &GuidanceMeta,
    control: usize,
) -> (Option<(usize, Guidance)>, Vec<Diagnostic>) {
    let mut c = Check::new(index, cache, doc);
    let body = c.body(&urls::guidance(catalog::catalog().controls[control].id));
    let guidance = Guidance {
        source: c.source(m.updated, m.language.as_ref()),
        title: m.title.as_ref().map(|t| t.0.clone()),
        extra: m.extra.clone(),
        body,
    };
    c.finish(Some((control, guidance)))
}

fn link_page(
    index: &Index,
    cache: &BodyCache,
    doc: &Document,
    m: &PageMeta,
    url: &str,
) -> (Option<Page>, Vec<Diagnostic>) {
    let mut c = Check::new(index, cache, doc);
    let owner = m.owner.as_ref().map(|o| c.id(IdKind::Role, "owner", o));
    let clauses = c.clauses(&m.clauses);
    let body = c.body(url);
    let page = (|| {
        Some(Page {
            source: c.source(m.updated, m.language.as_ref()),
            url: url.to_owned(),
            title: m.title.0.clone(),
            weight: m.weight,
            owner: match owner {
                Some(o) => Some(o?),
                None => None,
            },
            version: m.version.as_ref().map(|v| v.0.clone()),
            review: m.review,
            clauses: clauses?,
            extra: m.extra.clone(),
            body,
        })
    })();
    c.finish(page)
}

/// Reports roles whose `reports_to` chain comes back to them. It reads the
/// front matter of every role with a valid id, through the index, so it
/// also runs when other documents failed to link.
fn check_reporting_lines(sorted: &Sorted<'_>, index: &Index, diagnostics: &mut Diagnostics) {
    let boss: Vec<Option<usize>> = sorted
        .roles
        .iter()
        .enumerate()
        .map(|(i, (_, meta, _))| {
            let to = meta.reports_to.as_ref()?;
            // Reporting to oneself is reported where the role is linked.
            index
                .roles
                .get(to.trim())
                .map(|t| t.index)
                .filter(|&b| b != i && b < sorted.roles.len())
        })
        .collect();
    // Each role is walked once: 1 while on the current walk, 2 when done.
    let mut state = vec![0u8; boss.len()];
    for start in 0..boss.len() {
        let mut walk = Vec::new();
        let mut at = Some(start);
        while let Some(r) = at {
            match state[r] {
                0 => {
                    state[r] = 1;
                    walk.push(r);
                    at = boss[r];
                }
                1 => {
                    let from = walk.iter().position(|&w| w == r).unwrap_or(0);
                    let mut chain = walk[from..].to_vec();
                    // Named from its first role, and reported there.
                    let first = (0..chain.len()).min_by_key(|&i| chain[i]).unwrap_or(0);
                    chain.rotate_left(first);
                    let names: Vec<&str> = chain
                        .iter()
                        .chain(chain.first())
                        .map(|&i| sorted.roles[i].2.as_str())
                        .collect();
                    diagnostics.error(
                        Rule::ReportingLoop,
                        &sorted.roles[chain[0]].0.path,
                        Position::START,
                        format!("reporting line loops: {}", names.join(" → ")),
                    );
                    break;
                }
                _ => break,
            }
        }
        for w in walk {
            state[w] = 2;
        }
    }
}

/// Makes every relation walkable both ways: control ↔ policy from either
/// side's declaration, and what each role owns, approves and must read.
fn join_relations(handbook: &mut Handbook, sorted: &Sorted<'_>) {
    let mut control_policies: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); handbook.controls.len()];
    let mut policy_controls: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); handbook.policies.len()];
    for (p, policy) in handbook.policies.iter().enumerate() {
        for &c in &policy.controls {
            control_policies[c].insert(p);
            policy_controls[p].insert(c);
        }
    }
    let policy_ids: FxHashMap<&str, usize> = handbook
        .policies
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    for (_, meta, c) in &sorted.statements {
        for id in &meta.policies {
            if let Some(&p) = policy_ids.get(id.trim()) {
                control_policies[*c].insert(p);
                policy_controls[p].insert(*c);
            }
        }
    }
    for (control, set) in handbook.controls.iter_mut().zip(control_policies) {
        control.policies = set.into_iter().collect();
    }
    for (policy, set) in handbook.policies.iter_mut().zip(policy_controls) {
        policy.controls = set.into_iter().collect();
    }

    let roles = &mut handbook.roles;
    for r in 0..roles.len() {
        if let Some(boss) = roles[r].reports_to {
            roles[boss].direct_reports.push(r);
        }
    }
    handbook.everyone = (0..handbook.policies.len())
        .filter(|&p| handbook.policies[p].audience == Some(Audience::All))
        .collect();
    for (p, policy) in handbook.policies.iter().enumerate() {
        roles[policy.owner].owns_policies.push(p);
        if let Some(a) = policy.approver {
            roles[a].approves_policies.push(p);
        }
        // Policies arrive by title, so each list is by title too.
        if let Some(Audience::Roles(listed)) = &policy.audience {
            for &r in listed {
                if roles[r].reading_list.last() != Some(&p) {
                    roles[r].reading_list.push(p);
                }
            }
        }
    }
    for (c, control) in handbook.controls.iter().enumerate() {
        if let Some(owner) = control.statement.as_ref().and_then(|s| s.owner) {
            roles[owner].owns_controls.push(c);
        }
    }
}
