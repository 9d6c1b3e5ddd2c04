//! The search index: built from the handbook at build time, sharded so the
//! browser loads only what a query needs, and loaded through `<script>`
//! tags so it works from `file://` as well as over HTTP.
//!
//! Files under `search/` in the site:
//!
//! | file | holds | loaded |
//! | --- | --- | --- |
//! | `index.js` | shard keys, labels of filters | when the search box is first used |
//! | `t/<key>.js` | terms starting with `key`: word → stem, stem → postings | per query term |
//! | `d/<n>.js` | title, URL, kind, headings of [`META_CHUNK`] documents | for shown results |
//! | `x/<n>.js` | section texts of [`TEXT_CHUNK`] documents, for snippets | for shown results |
//! | `facets.js` | kind, theme, status, owner of every document | when a filter is used |
//!
//! A posting is `(document, impact, section)`: impact is a BM25-style score
//! with field weights (id > title > assignees > heading > metadata > body),
//! quantised to an integer; section is where the term weighs most, so a
//! result can land on its heading. See ARCHITECTURE.md for the measurements
//! behind the shard sizes.

mod shards;
pub mod tokenize;

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::handbook::{ControlState, Handbook, urls};
use crate::markdown::Section;
pub use shards::{folders, write};
use tokenize::Stems;

/// Documents per metadata chunk (`search/d/<n>.js`).
pub const META_CHUNK: usize = 32;
/// Documents per text chunk (`search/x/<n>.js`).
pub const TEXT_CHUNK: usize = 16;
/// Per stem and kind, postings kept (the highest impacts).
pub const POSTINGS_PER_KIND: usize = 300;

/// Weight of each field in a document's score for a term.
#[derive(Debug, Clone, Copy)]
enum Field {
    Id = 12,
    Title = 10,
    Assignee = 8,
    Former = 6,
    Heading = 4,
    Meta = 2,
    Body = 1,
}

/// What kind of page a result is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A policy.
    Policy = 0,
    /// An Annex A control.
    Control = 1,
    /// An ISO/IEC 27002 guidance page.
    Guidance = 2,
    /// A role.
    Role = 3,
    /// A plain page.
    Page = 4,
    /// A risk of the register.
    Risk = 5,
    /// A clause (4–10) of ISO/IEC 27001:2022, on the clauses page.
    Clause = 6,
}

/// Labels of the kinds, by their code.
pub const KIND_LABELS: [&str; 7] = [
    "Policy",
    "Annex A control",
    "ISO 27002 guidance",
    "Role",
    "Page",
    "Risk",
    "Clause",
];

/// One searchable page.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    /// The link to the page from the site root ([`urls::href`]).
    pub url: String,
    /// Title shown in results.
    pub title: String,
    /// Kind.
    pub kind: DocKind,
    /// A short line under the title (id, theme, status, owner).
    pub subtitle: String,
    /// Theme clause (5–8), 0 for none.
    pub theme: u8,
    /// Index in [`ControlState::ALL`] + 1, 0 for none.
    pub status: u8,
    /// Owning role index + 1, 0 for none.
    pub owner: usize,
    /// Its text, cut at headings.
    pub sections: &'a [Section],
    /// Weighted short fields: (field, text).
    fields: Vec<(Field, String)>,
}

/// A built index, ready to be written as shards.
#[derive(Debug, Default)]
pub struct Index<'a> {
    /// The documents, in id order.
    pub docs: Vec<Doc<'a>>,
    /// Word as written (normalised) → index of its stem.
    pub words: FxHashMap<Box<str>, u32>,
    /// The stems.
    pub stems: Vec<Arc<str>>,
    /// Per stem, its postings (document, impact, section), by document.
    pub postings: Vec<Vec<(u32, u32, u16)>>,
    /// Role titles, for the owner filter.
    pub owners: Vec<String>,
}

/// Lists every searchable page of the handbook.
pub fn documents(h: &Handbook) -> Vec<Doc<'_>> {
    let catalog = h.catalog();
    let role_title = |r: usize| h.roles[r].title.clone();
    let mut docs = Vec::with_capacity(
        h.policies.len() + 2 * h.controls.len() + h.roles.len() + h.pages.len() + h.risks.len(),
    );
    for p in &h.policies {
        let mut fields = vec![
            (Field::Id, p.id.clone()),
            (Field::Title, p.title.clone()),
            (Field::Meta, role_title(p.owner)),
            (Field::Meta, format!("{:?} policy", p.classification)),
        ];
        if let Some(a) = p.approver {
            fields.push((Field::Meta, role_title(a)));
        }
        for &c in &p.controls {
            fields.push((Field::Meta, catalog.controls[c].id.to_owned()));
        }
        docs.push(Doc {
            url: urls::href(&urls::policy(&p.id)),
            title: p.title.clone(),
            kind: DocKind::Policy,
            subtitle: format!("Owner: {} · {:?}", role_title(p.owner), p.classification),
            theme: 0,
            status: 0,
            owner: p.owner + 1,
            sections: &p.body.sections,
            fields,
        });
    }
    for c in &h.controls {
        let info = c.info();
        let state = c.state();
        let status = ControlState::ALL
            .iter()
            .position(|s| *s == state)
            .map_or(0, |i| i as u8 + 1);
        let owner = c.statement.as_ref().and_then(|s| s.owner);
        let mut fields = vec![
            (Field::Id, info.id.to_owned()),
            (Field::Title, info.title.to_owned()),
            (
                Field::Meta,
                format!("{} {}", info.theme.name(), state.label()),
            ),
        ];
        for &old in &info.predecessors {
            fields.push((Field::Former, catalog.legacy[old].id.to_owned()));
        }
        if let Some(s) = &c.statement {
            fields.push((Field::Meta, s.justification.clone()));
            fields.extend(s.evidence.iter().map(|e| (Field::Meta, e.title.0.clone())));
        }
        if let Some(o) = owner {
            fields.push((Field::Meta, role_title(o)));
        }
        let former: Vec<&str> = info
            .predecessors
            .iter()
            .map(|&i| catalog.legacy[i].id)
            .collect();
        let subtitle = match former.is_empty() {
            true => format!(
                "{} control · {} · new in 2022",
                info.theme.name(),
                state.label()
            ),
            false => format!(
                "{} control · {} · 2013: {}",
                info.theme.name(),
                state.label(),
                former.join(", ")
            ),
        };
        docs.push(Doc {
            url: urls::href(&urls::control(info.id)),
            title: format!("{} {}", info.id, info.title),
            kind: DocKind::Control,
            subtitle,
            theme: info.theme.clause(),
            status,
            owner: owner.map_or(0, |o| o + 1),
            sections: c.statement.as_ref().map_or(&[], |s| &s.body.sections),
            fields,
        });
        let a = &info.attributes;
        let tags = [
            &a.control_type,
            &a.security_properties,
            &a.cybersecurity_concepts,
            &a.operational_capabilities,
            &a.security_domains,
        ]
        .into_iter()
        .flatten()
        .map(|t| t.trim_start_matches('#').replace('_', " "))
        .collect::<Vec<_>>()
        .join(" ");
        let title = c
            .guidance
            .as_ref()
            .and_then(|g| g.title.clone())
            .unwrap_or_else(|| info.title.to_owned());
        docs.push(Doc {
            url: urls::href(&urls::guidance(info.id)),
            title: format!("{} {}", info.id, title),
            kind: DocKind::Guidance,
            subtitle: format!("ISO/IEC 27002:2022 · {} control", info.theme.name()),
            theme: info.theme.clause(),
            status,
            owner: owner.map_or(0, |o| o + 1),
            sections: c.guidance.as_ref().map_or(&[], |g| &g.body.sections),
            fields: vec![
                (Field::Id, info.id.to_owned()),
                (Field::Title, title),
                (Field::Meta, tags),
            ],
        });
    }
    for r in &h.roles {
        let mut fields = vec![(Field::Id, r.id.clone()), (Field::Title, r.title.clone())];
        fields.extend(r.assignees.iter().map(|a| (Field::Assignee, a.clone())));
        docs.push(Doc {
            url: urls::href(&urls::role(&r.id)),
            title: r.title.clone(),
            kind: DocKind::Role,
            subtitle: if r.assignees.is_empty() {
                "Vacant".to_owned()
            } else {
                r.assignees.join(", ")
            },
            theme: 0,
            status: 0,
            owner: 0,
            sections: &r.body.sections,
            fields,
        });
    }
    let role_index = |id: &str| h.roles.iter().position(|r| r.id == id);
    for r in &h.risks {
        let owner = role_index(&r.owner);
        let owner_title = owner.map_or_else(|| r.owner.clone(), role_title);
        let level = |a: Option<crate::handbook::Assessed>| {
            a.map(|a| h.config.risk.levels[a.level].name.as_str())
        };
        let mut fields = vec![
            (Field::Id, r.id.clone()),
            (Field::Title, r.title.clone()),
            (Field::Meta, owner_title.clone()),
        ];
        fields.extend(
            r.assets
                .iter()
                .chain(&r.threats)
                .chain(&r.vulnerabilities)
                .map(|t| (Field::Meta, t.clone())),
        );
        fields.extend(
            r.existing_controls
                .iter()
                .chain(&r.planned_controls())
                .map(|&c| (Field::Meta, catalog.controls[c].id.to_owned())),
        );
        fields.extend(
            r.treatment
                .actions
                .iter()
                .map(|a| (Field::Meta, a.title.clone())),
        );
        let subtitle = match (level(r.current), level(r.expected())) {
            (Some(c), Some(e)) => format!("Owner: {owner_title} · current {c} · residual {e}"),
            _ => format!("Owner: {owner_title} · not scored"),
        };
        docs.push(Doc {
            url: urls::risk(&r.id),
            title: format!("{} {}", r.id, r.title),
            kind: DocKind::Risk,
            subtitle,
            theme: 0,
            status: 0,
            owner: owner.map_or(0, |o| o + 1),
            sections: &r.body.sections,
            fields,
        });
    }
    for p in &h.pages {
        docs.push(Doc {
            url: urls::href(&p.url),
            title: p.title.clone(),
            kind: DocKind::Page,
            subtitle: p
                .url
                .rsplit_once('/')
                .map_or("Page".to_owned(), |(d, _)| d.replace('/', " › ")),
            theme: 0,
            status: 0,
            owner: 0,
            sections: &p.body.sections,
            fields: vec![(Field::Title, p.title.clone())],
        });
    }
    docs.extend(clause_documents());
    docs
}

/// One search document per clause of 4–10, landing on its place on the
/// clauses page: its own kind, so `9.2` offers "Clause 9.2 Internal
/// audit", apart from Annex A controls and their 2013 ids.
fn clause_documents<'a>() -> impl Iterator<Item = Doc<'a>> {
    let catalog = crate::catalog::clauses::clauses();
    catalog.clauses.iter().map(move |c| {
        let mut fields = vec![
            (Field::Id, c.id.to_owned()),
            (Field::Title, c.heading.to_owned()),
            (Field::Meta, format!("clause {}", c.summary)),
        ];
        let required = c.required.iter().map(|&i| catalog.required[i].what);
        fields.extend(required.map(|what| (Field::Meta, what.to_owned())));
        Doc {
            url: format!("{}#clause-{}", urls::href(urls::CLAUSES), c.id),
            title: format!("Clause {} {}", c.id, c.heading),
            kind: DocKind::Clause,
            subtitle: format!("ISO/IEC 27001:2022 clause · {}", c.summary),
            theme: 0,
            status: 0,
            owner: 0,
            sections: &[],
            fields,
        }
    })
}

/// Term frequency saturation, as in BM25 (k1 = 1.2, no length normalisation:
/// handbook documents are of similar size and short fields are weighted instead).
fn saturate(tf: f32) -> f32 {
    tf * 2.2 / (tf + 1.2)
}

/// How often a word occurs in a document: in short fields (weighted), in the
/// body, and in the section where it occurs most. Sections arrive in order,
/// so one running section is enough.
#[derive(Default, Clone, Copy)]
struct Count {
    short: f32,
    body: f32,
    section: u16,
    section_tf: f32,
    best: u16,
    best_tf: f32,
}

impl Count {
    fn add(&mut self, weight: f32, section: Option<u16>) {
        let Some(s) = section else {
            self.short += weight;
            return;
        };
        self.body += weight;
        if s != self.section {
            self.section = s;
            self.section_tf = 0.0;
        }
        self.section_tf += weight;
        if self.section_tf > self.best_tf {
            self.best_tf = self.section_tf;
            self.best = s;
        }
    }

    fn merge(&mut self, other: Count) {
        self.short += other.short;
        self.body += other.body;
        if other.best_tf > self.best_tf {
            self.best_tf = other.best_tf;
            self.best = other.best;
        }
    }
}

/// Words seen so far on one thread, with ids, and the counted words of
/// each document it indexed.
#[derive(Default)]
struct Partial {
    words: FxHashMap<Box<str>, u32>,
    docs: Vec<(usize, Vec<(u32, Count)>)>,
    /// Scratch: a count per word id, and the ids the current document touched.
    counts: Vec<Count>,
    touched: Vec<u32>,
}

impl Partial {
    fn id(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.words.get(word) {
            return id;
        }
        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        self.words.insert(Box::from(word), id);
        self.counts.push(Count::default());
        id
    }

    fn add(&mut self, text: &str, weight: Field, section: Option<u16>) {
        for word in tokenize::raw_terms(text) {
            let id = self.id(&word);
            let count = &mut self.counts[id as usize];
            if count.short == 0.0 && count.body == 0.0 {
                self.touched.push(id);
            }
            count.add(weight as i32 as f32, section);
        }
    }

    /// The counts of the current document; the scratch is cleared for the next.
    fn take(&mut self) -> Vec<(u32, Count)> {
        let mut out = Vec::with_capacity(self.touched.len());
        for &id in &self.touched {
            out.push((id, std::mem::take(&mut self.counts[id as usize])));
        }
        self.touched.clear();
        out
    }

    /// Takes over another thread's words and documents, renumbering its ids.
    fn absorb(&mut self, other: Partial) {
        let mut remap = vec![0u32; other.words.len()];
        for (word, theirs) in other.words {
            let ours = match self.words.get(&word) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
                    self.words.insert(word, id);
                    self.counts.push(Count::default());
                    id
                }
            };
            remap[theirs as usize] = ours;
        }
        for (d, mut counts) in other.docs {
            for (id, _) in &mut counts {
                *id = remap[*id as usize];
            }
            self.docs.push((d, counts));
        }
    }
}

/// Counts the words of one document.
fn count_words(doc: &Doc<'_>, partial: &mut Partial) -> Vec<(u32, Count)> {
    for (field, text) in &doc.fields {
        partial.add(text, *field, None);
    }
    for (i, section) in doc.sections.iter().enumerate() {
        let i = u16::try_from(i + 1).unwrap_or(u16::MAX);
        partial.add(&section.heading, Field::Heading, Some(i));
        partial.add(&section.text, Field::Body, Some(i));
    }
    partial.take()
}

/// A document's raw score for a stem, and the section to land on.
fn score(c: &Count) -> (f32, u16) {
    let short = if c.short > 0.0 {
        saturate(c.short) * 4.0
    } else {
        0.0
    };
    let body = if c.body > 0.0 { saturate(c.body) } else { 0.0 };
    let section = if short > body { 0 } else { c.best };
    (short + body, section)
}

/// Builds the index of the handbook's searchable pages.
pub fn build(h: &Handbook) -> Index<'_> {
    let owners = h.roles.iter().map(|r| r.title.clone()).collect();
    index(documents(h), owners)
}

/// Builds the index of `docs`.
fn index(docs: Vec<Doc<'_>>, owners: Vec<String>) -> Index<'_> {
    // 1. Count words per document, in parallel; join the vocabularies.
    let mut counted = docs
        .par_iter()
        .enumerate()
        .fold(Partial::default, |mut p, (i, d)| {
            let counts = count_words(d, &mut p);
            p.docs.push((i, counts));
            p
        })
        .reduce(Partial::default, |mut a, b| {
            if a.words.len() < b.words.len() {
                let mut b = b;
                b.absorb(a);
                b
            } else {
                a.absorb(b);
                a
            }
        });
    counted.docs.sort_unstable_by_key(|(i, _)| *i);
    // 2. Stem every distinct word once.
    let mut by_id: Vec<&str> = vec![""; counted.words.len()];
    for (word, &id) in &counted.words {
        by_id[id as usize] = word;
    }
    let mut stemmer = Stems::default();
    let mut stem_ids: FxHashMap<Arc<str>, u32> = FxHashMap::default();
    let mut stems: Vec<Arc<str>> = Vec::new();
    let word_stem: Vec<u32> = by_id
        .iter()
        .map(|w| {
            let stem = stemmer.of(w);
            *stem_ids.entry(stem.clone()).or_insert_with(|| {
                stems.push(stem);
                u32::try_from(stems.len() - 1).unwrap_or(u32::MAX)
            })
        })
        .collect();
    // 3. Postings per stem: words with one stem (`policy`, `policies`) add up.
    let mut raw: Vec<Vec<(u32, f32, u16)>> = vec![Vec::new(); stems.len()];
    let mut merged: FxHashMap<u32, Count> = FxHashMap::default();
    for (d, counts) in &counted.docs {
        let d = u32::try_from(*d).unwrap_or(u32::MAX);
        merged.clear();
        for (w, c) in counts {
            merged.entry(word_stem[*w as usize]).or_default().merge(*c);
        }
        for (stem, c) in &merged {
            let (s, section) = score(c);
            raw[*stem as usize].push((d, s, section));
        }
    }
    let n = docs.len() as f32;
    let postings: Vec<Vec<(u32, u32, u16)>> = raw
        .into_par_iter()
        .map(|list| {
            let df = list.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let mut scored: Vec<(u32, u32, u16)> = list
                .into_iter()
                .map(|(d, s, sec)| (d, ((s * idf * 100.0).round() as u32).max(1), sec))
                .collect();
            keep_best_per_kind(&mut scored, &docs);
            scored.sort_unstable_by_key(|p| p.0);
            scored
        })
        .collect();
    let words = counted
        .words
        .into_iter()
        .map(|(w, id)| (w, word_stem[id as usize]))
        .collect();
    Index {
        docs,
        words,
        stems,
        postings,
        owners,
    }
}

/// Keeps, for each kind of document, the postings with the highest impact.
fn keep_best_per_kind(list: &mut Vec<(u32, u32, u16)>, docs: &[Doc]) {
    if list.len() <= POSTINGS_PER_KIND {
        return;
    }
    list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut kept = [0usize; KIND_LABELS.len()];
    list.retain(|p| {
        let k = docs[p.0 as usize].kind as usize;
        kept[k] += 1;
        kept[k] <= POSTINGS_PER_KIND
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: DocKind, title: &str, body: &str) -> Doc<'static> {
        let sections = Box::leak(Box::new([Section {
            anchor: Some("s".into()),
            heading: "Heading".into(),
            text: body.to_owned(),
        }]));
        Doc {
            url: format!("{title}.html"),
            title: title.to_owned(),
            kind,
            subtitle: String::new(),
            theme: 0,
            status: 0,
            owner: 0,
            sections,
            fields: vec![(Field::Title, title.to_owned())],
        }
    }

    #[test]
    fn a_title_hit_outweighs_body_hits() {
        let mut p = Partial::default();
        let titled = count_words(&doc(DocKind::Policy, "Password Policy", "Rules."), &mut p);
        let mentioned = count_words(
            &doc(
                DocKind::Page,
                "Onboarding",
                "Set a password. Keep the password safe. Password managers.",
            ),
            &mut p,
        );
        let id = p.words["password"];
        let find = |counts: &[(u32, Count)]| {
            counts
                .iter()
                .find(|(w, _)| *w == id)
                .map(|(_, c)| score(c))
                .unwrap()
        };
        let (titled, mentioned) = (find(&titled), find(&mentioned));
        assert!(titled.0 > mentioned.0);
        assert_eq!(titled.1, 0, "title hits land on the top of the page");
        assert_eq!(mentioned.1, 1, "body hits land on their section");
    }

    /// The documents containing `word`, best first, as the browser ranks one word.
    fn ranked(index: &Index<'_>, word: &str) -> Vec<String> {
        let stem = index.words[word];
        let mut list = index.postings[stem as usize].clone();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list.iter()
            .map(|p| index.docs[p.0 as usize].title.clone())
            .collect()
    }

    #[test]
    fn ids_rank_above_titles_above_bodies() {
        let mut control = doc(DocKind::Control, "Access control", "Who may enter.");
        control.fields.push((Field::Id, "5.15".into()));
        control.fields.push((Field::Former, "A.9.1.1".into()));
        let mut mentions = doc(
            DocKind::Policy,
            "Access policy",
            "See 5.15 and 5.15 again. Control access.",
        );
        mentions.fields.push((Field::Id, "access-policy".into()));
        let body = doc(
            DocKind::Page,
            "Onboarding",
            "Access to rooms. Access to systems. Access badges.",
        );
        let index = index(vec![body, mentions, control], Vec::new());
        assert_eq!(ranked(&index, "5.15"), ["Access control", "Access policy"]);
        assert_eq!(
            ranked(&index, "9.1.1"),
            ["Access control"],
            "2013 ids find their successor"
        );
        let access = ranked(&index, "access");
        assert_eq!(
            access.last().map(String::as_str),
            Some("Onboarding"),
            "body-only hits rank last: {access:?}"
        );
    }

    #[test]
    fn a_clause_is_its_own_kind_and_its_number_finds_it_first() {
        let mut control = doc(DocKind::Control, "Information security roles", "Roles.");
        control.fields.push((Field::Id, "5.2".into()));
        control.fields.push((Field::Former, "A.9.2.1".into()));
        let mut docs = vec![control];
        docs.extend(clause_documents());
        let index = index(docs, Vec::new());
        let audit = ranked(&index, "9.2");
        assert_eq!(
            audit.first().map(String::as_str),
            Some("Clause 9.2 Internal audit")
        );
        assert!(!audit.iter().any(|t| t.contains("roles")), "{audit:?}");
        let clause = index
            .docs
            .iter()
            .find(|d| d.title.starts_with("Clause 9.2 "))
            .unwrap();
        assert_eq!(KIND_LABELS[clause.kind as usize], "Clause");
        assert_eq!(clause.url, "clauses.html#clause-9.2");
        let words = ranked(&index, "internal");
        assert_eq!(
            words.first().map(String::as_str),
            Some("Clause 9.2 Internal audit")
        );
    }

    #[test]
    fn words_with_one_stem_share_postings() {
        let a = doc(DocKind::Policy, "Policies", "Encrypting laptops.");
        let b = doc(DocKind::Policy, "Encryption", "One policy.");
        let index = index(vec![a, b], Vec::new());
        assert_eq!(index.words["policies"], index.words["policy"]);
        assert_eq!(index.words["encrypting"], index.words["encryption"]);
        assert_eq!(ranked(&index, "policy").len(), 2);
    }

    #[test]
    fn keeps_the_best_postings_of_each_kind() {
        let n = POSTINGS_PER_KIND * 3;
        let docs: Vec<Doc> = (0..n)
            .map(|i| {
                doc(
                    if i % 3 == 0 {
                        DocKind::Role
                    } else {
                        DocKind::Policy
                    },
                    "x",
                    "y",
                )
            })
            .collect();
        let mut list: Vec<(u32, u32, u16)> = (0..n as u32).map(|d| (d, d + 1, 0)).collect();
        keep_best_per_kind(&mut list, &docs);
        let roles = list.iter().filter(|p| p.0 % 3 == 0).count();
        assert_eq!(
            roles, POSTINGS_PER_KIND,
            "all {POSTINGS_PER_KIND} roles kept"
        );
        assert_eq!(list.len() - roles, POSTINGS_PER_KIND, "best policies kept");
        let lowest_policy = list
            .iter()
            .filter(|p| p.0 % 3 != 0)
            .map(|p| p.1)
            .min()
            .unwrap();
        assert!(
            lowest_policy > (n / 2) as u32,
            "the highest impacts survive"
        );
    }
}
