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
//! quantised to an integer. A document's names (id, title, assignees, 2013
//! ids) weigh most, then its text (body, headings, and what its page says
//! of it, such as a control's justification and evidence), and least the
//! attributes that many pages share (owner, classification, theme, the
//! ISO/IEC 27002 attributes): any word of the text outranks an attribute.
//! Section is where the term weighs most, so a result can land on its
//! heading. See ARCHITECTURE.md for the measurements behind the shard sizes.

mod shards;
pub mod tokenize;

use std::borrow::Cow;
use std::sync::Arc;

use rayon::prelude::*;
use rust_stemmers::Algorithm;
use rustc_hash::FxHashMap;

use crate::handbook::{ControlState, Handbook, Source, urls};
use crate::markdown::Section;
pub use shards::{folders, write};
use tokenize::Stems;

/// Documents per metadata chunk (`search/d/<n>.js`).
pub const META_CHUNK: usize = 32;
/// Documents per text chunk (`search/x/<n>.js`).
pub const TEXT_CHUNK: usize = 16;
/// Per stem and kind, postings kept (the highest impacts).
pub const POSTINGS_PER_KIND: usize = 300;

/// Weight of each field in a document's score for a term. Names count
/// towards one part of the score, text (sections, [`Field::Text`]) towards
/// another, attributes towards a third, capped below one word of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    /// Its id (`5.15`, `access-control`).
    Id = 12,
    /// Its title.
    Title = 10,
    /// Who holds a role.
    Assignee = 8,
    /// A 2013 id a control replaces.
    Former = 6,
    /// A heading of its body.
    Heading = 4,
    /// Its body, and text its page shows at the top (a control's
    /// justification and evidence).
    Text = 1,
    /// What many documents share: owner, classification, theme, status,
    /// ISO/IEC 27002 attributes, the controls a policy declares.
    Attribute = 2,
}

/// What an attribute can add to a score at most, against the 1.0 of one
/// word of text: a page that only carries the word as an attribute ranks
/// below every page that says it.
const ATTRIBUTE_SHARE: f32 = 0.4;

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
    /// An onboarding reading list.
    ReadingList = 6,
    /// A clause (4–10) of ISO/IEC 27001:2022, on the clauses page.
    Clause = 7,
}

/// Labels of the kinds, by their code.
pub const KIND_LABELS: [&str; 8] = [
    "Policy",
    "Annex A control",
    "ISO 27002 guidance",
    "Role",
    "Page",
    "Risk",
    "Reading list",
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
    pub sections: Cow<'a, [Section]>,
    /// How its words are stemmed: its language's algorithm, or not at all.
    pub stemming: Option<Algorithm>,
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
    /// Words written in documents of languages stemmed differently, whose
    /// stem there is another: those other stems.
    pub also: FxHashMap<Box<str>, Vec<u32>>,
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
    let book = tokenize::algorithm(&h.config.book.language);
    let stemming = |source: &Source| match &source.language {
        Some(language) => tokenize::algorithm(language),
        None => book,
    };
    let mut docs = Vec::with_capacity(
        h.policies.len()
            + 2 * h.controls.len()
            + 2 * h.roles.len()
            + h.pages.len()
            + h.risks.len()
            + 1,
    );
    for p in &h.policies {
        let mut fields = vec![
            (Field::Id, p.id.clone()),
            (Field::Title, p.title.clone()),
            (Field::Attribute, role_title(p.owner)),
            (Field::Attribute, format!("{:?} policy", p.classification)),
        ];
        if let Some(a) = p.approver {
            fields.push((Field::Attribute, role_title(a)));
        }
        for &c in &p.controls {
            fields.push((Field::Attribute, catalog.controls[c].id.to_owned()));
        }
        docs.push(Doc {
            url: urls::href(&urls::policy(&p.id)),
            title: p.title.clone(),
            kind: DocKind::Policy,
            subtitle: format!("Owner: {} · {:?}", role_title(p.owner), p.classification),
            theme: 0,
            status: 0,
            owner: p.owner + 1,
            sections: Cow::Borrowed(&p.body.sections),
            stemming: stemming(&p.source),
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
                Field::Attribute,
                format!("{} {}", info.theme.name(), state.label()),
            ),
        ];
        for &old in &info.predecessors {
            fields.push((Field::Former, catalog.legacy[old].id.to_owned()));
        }
        if let Some(s) = &c.statement {
            fields.push((Field::Text, s.justification.clone()));
            for e in &s.evidence {
                fields.push((Field::Text, e.title.0.clone()));
                fields.extend(e.location.as_ref().map(|l| (Field::Text, l.0.clone())));
            }
        }
        if let Some(o) = owner {
            fields.push((Field::Attribute, role_title(o)));
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
            sections: c
                .statement
                .as_ref()
                .map_or(Cow::Borrowed(&[]), |s| Cow::Borrowed(&s.body.sections)),
            stemming: c.statement.as_ref().map_or(book, |s| stemming(&s.source)),
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
            sections: c
                .guidance
                .as_ref()
                .map_or(Cow::Borrowed(&[]), |g| Cow::Borrowed(&g.body.sections)),
            stemming: c.guidance.as_ref().map_or(book, |g| stemming(&g.source)),
            fields: vec![
                (Field::Id, info.id.to_owned()),
                (Field::Title, title),
                (Field::Attribute, tags),
            ],
        });
    }
    for r in &h.roles {
        let mut fields = vec![
            (Field::Id, r.id.clone()),
            (Field::Title, r.title.clone()),
            (Field::Heading, ROLE_READING_HEADING.to_owned()),
            (Field::Text, ROLE_READING_TEXT.to_owned()),
        ];
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
            sections: Cow::Borrowed(&r.body.sections),
            stemming: stemming(&r.source),
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
            (Field::Attribute, owner_title.clone()),
        ];
        fields.extend(
            r.assets
                .iter()
                .chain(&r.threats)
                .chain(&r.vulnerabilities)
                .map(|t| (Field::Text, t.clone())),
        );
        fields.extend(
            r.existing_controls
                .iter()
                .chain(&r.planned_controls())
                .map(|&c| (Field::Attribute, catalog.controls[c].id.to_owned())),
        );
        fields.extend(
            r.treatment
                .actions
                .iter()
                .map(|a| (Field::Text, a.title.clone())),
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
            sections: Cow::Borrowed(&r.body.sections),
            stemming: stemming(&r.source),
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
            sections: Cow::Borrowed(&p.body.sections),
            stemming: stemming(&p.source),
            fields: vec![(Field::Title, p.title.clone())],
        });
    }
    docs.push(reading_list(h, None, book));
    docs.extend((0..h.roles.len()).map(|r| reading_list(h, Some(r), book)));
    docs.extend(clause_documents());
    docs
}

/// The heading of a role page's reading list, indexed with the role.
const ROLE_READING_HEADING: &str = "Onboarding reading list";
/// What a role page says of its reading list, indexed with the role.
const ROLE_READING_TEXT: &str = "The policies new starters in this role read first.";

/// The search entry of a reading list: everyone's (`role` None) or a role's.
fn reading_list(h: &Handbook, role: Option<usize>, book: Option<Algorithm>) -> Doc<'static> {
    // A role's list is everyone's policies and its own.
    let own: &[usize] = match role {
        Some(r) => &h.roles[r].reading_list,
        None => &[],
    };
    let minutes = h.minutes(&h.everyone) + h.minutes(own);
    // The kicker above the title (`reading.html`) names the page too.
    let (url, title, kicker, text) = match role {
        None => (
            urls::href(urls::READING),
            "Onboarding reading lists".to_owned(),
            "New starters",
            "Start here if you are new. Everyone reads these policies in their first \
             weeks, ticked off as a checklist; your role may add more: the onboarding \
             reading list of each role."
                .to_owned(),
        ),
        Some(r) => (
            urls::href(&urls::reading(&h.roles[r].id)),
            format!("Reading list: {}", h.roles[r].title),
            "Onboarding",
            format!(
                "New starters in the role {} read these policies in their first weeks, \
                 ticked off as a checklist, with an onboarding pack to print and sign.",
                h.roles[r].title
            ),
        ),
    };
    let count = match h.everyone.len() + own.len() {
        1 => "1 policy".to_owned(),
        n => format!("{n} policies"),
    };
    Doc {
        url,
        title: title.clone(),
        kind: DocKind::ReadingList,
        subtitle: format!("{count} · about {minutes} min"),
        theme: 0,
        status: 0,
        owner: 0,
        sections: Cow::Owned(vec![Section {
            anchor: None,
            heading: String::new(),
            text,
        }]),
        stemming: book,
        fields: vec![(Field::Title, title), (Field::Title, kicker.to_owned())],
    }
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
            (Field::Attribute, "clause".to_owned()),
        ];
        let required = c.required.iter().map(|&i| catalog.required[i].what);
        fields.extend(required.map(|what| (Field::Text, what.to_owned())));
        Doc {
            url: format!("{}#clause-{}", urls::href(urls::CLAUSES), c.id),
            title: format!("Clause {} {}", c.id, c.heading),
            kind: DocKind::Clause,
            subtitle: "ISO/IEC 27001:2022 clause: the management system".to_owned(),
            theme: 0,
            status: 0,
            owner: 0,
            // The summary, in our words, is its text (and its snippet).
            sections: Cow::Owned(vec![Section {
                anchor: None,
                heading: String::new(),
                text: c.summary.to_owned(),
            }]),
            // Our summaries are English, whatever the handbook's language.
            stemming: tokenize::algorithm("en"),
            fields,
        }
    })
}

/// Term frequency saturation, as in BM25 (k1 = 1.2, no length normalisation:
/// handbook documents are of similar size and short fields are weighted instead).
fn saturate(tf: f32) -> f32 {
    tf * 2.2 / (tf + 1.2)
}

/// How often a word occurs in a document: in its names, its text and its
/// attributes (each weighted), and in the section where it occurs most.
/// Sections arrive in order, so one running section is enough.
#[derive(Default, Clone, Copy)]
struct Count {
    name: f32,
    text: f32,
    attribute: f32,
    section: u16,
    section_tf: f32,
    best: u16,
    best_tf: f32,
}

/// Where in a document a word was read.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// A name: id, title, assignee, 2013 id.
    Name,
    /// An attribute.
    Attribute,
    /// Text in this section (0: the top of the page).
    Section(u16),
}

impl Count {
    fn add(&mut self, weight: f32, place: Place) {
        let s = match place {
            Place::Name => return self.name += weight,
            Place::Attribute => return self.attribute += weight,
            Place::Section(s) => s,
        };
        self.text += weight;
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

    fn is_empty(&self) -> bool {
        self.name == 0.0 && self.text == 0.0 && self.attribute == 0.0
    }

    fn merge(&mut self, other: Count) {
        self.name += other.name;
        self.text += other.text;
        self.attribute += other.attribute;
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

    fn add(&mut self, text: &str, weight: Field, place: Place) {
        for word in tokenize::raw_terms(text) {
            let id = self.id(&word);
            let count = &mut self.counts[id as usize];
            if count.is_empty() {
                self.touched.push(id);
            }
            count.add(weight as i32 as f32, place);
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
        let place = match field {
            Field::Text | Field::Heading => Place::Section(0),
            Field::Attribute => Place::Attribute,
            _ => Place::Name,
        };
        partial.add(text, *field, place);
    }
    for (i, section) in doc.sections.iter().enumerate() {
        let i = u16::try_from(i + 1).unwrap_or(u16::MAX);
        partial.add(&section.heading, Field::Heading, Place::Section(i));
        partial.add(&section.text, Field::Text, Place::Section(i));
    }
    partial.take()
}

/// A document's raw score for a stem, and the section to land on.
fn score(c: &Count) -> (f32, u16) {
    let part = |tf: f32| if tf > 0.0 { saturate(tf) } else { 0.0 };
    let name = part(c.name) * 4.0;
    let text = part(c.text);
    let attribute = part(c.attribute) * ATTRIBUTE_SHARE;
    let section = if name > text { 0 } else { c.best };
    (name + text + attribute, section)
}

/// Builds the index of the handbook's searchable pages.
pub fn build(h: &Handbook) -> Index<'_> {
    let owners = h.roles.iter().map(|r| r.title.clone()).collect();
    index(documents(h), owners, &|| false).unwrap_or_else(|| unreachable!("never given up"))
}

/// [`build`], given up (None) soon after `give_up` turns true: `serve`
/// drops a handbook's index once a newer edit is seen.
pub fn build_unless<'a>(h: &'a Handbook, give_up: &(dyn Fn() -> bool + Sync)) -> Option<Index<'a>> {
    let owners = h.roles.iter().map(|r| r.title.clone()).collect();
    index(documents(h), owners, give_up)
}

/// Builds the index of `docs`, unless `give_up` turns true on the way.
fn index<'a>(
    docs: Vec<Doc<'a>>,
    owners: Vec<String>,
    give_up: &(dyn Fn() -> bool + Sync),
) -> Option<Index<'a>> {
    // 1. Count words per document, in parallel; join the vocabularies.
    let mut counted = docs
        .par_iter()
        .enumerate()
        .fold(Partial::default, |mut p, (i, d)| {
            if !give_up() {
                let counts = count_words(d, &mut p);
                p.docs.push((i, counts));
            }
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
    if give_up() {
        return None;
    }
    counted.docs.sort_unstable_by_key(|(i, _)| *i);
    // 2. Stem every distinct word once, as the language of most documents
    //    does; words of documents in other languages are stemmed as those
    //    languages do, when they are met.
    let mut by_id: Vec<&str> = vec![""; counted.words.len()];
    for (word, &id) in &counted.words {
        by_id[id as usize] = word;
    }
    let main = most_common_stemming(&docs);
    let mut stemmer = Stems::default();
    let mut stem_ids: FxHashMap<Arc<str>, u32> = FxHashMap::default();
    let mut stems: Vec<Arc<str>> = Vec::new();
    let mut intern = |stem: Arc<str>| {
        *stem_ids.entry(stem.clone()).or_insert_with(|| {
            stems.push(stem);
            u32::try_from(stems.len() - 1).unwrap_or(u32::MAX)
        })
    };
    let word_stem: Vec<u32> = by_id.iter().map(|w| intern(stemmer.of(w, main))).collect();
    // 3. Postings per stem: words with one stem (`policy`, `policies`) add up.
    //    Each word remembers the stems it was given.
    let mut in_main = vec![false; by_id.len()];
    let mut elsewhere: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    let mut raw: Vec<Vec<(u32, f32, u16)>> = Vec::new();
    let mut merged: FxHashMap<u32, Count> = FxHashMap::default();
    // Each document's counts are freed once they are postings.
    for (d, counts) in std::mem::take(&mut counted.docs) {
        let stemming = docs[d].stemming;
        let d = u32::try_from(d).unwrap_or(u32::MAX);
        merged.clear();
        for (w, c) in counts {
            let stem = if stemming == main {
                in_main[w as usize] = true;
                word_stem[w as usize]
            } else {
                let stem = intern(stemmer.of(by_id[w as usize], stemming));
                let list = elsewhere.entry(w).or_default();
                if !list.contains(&stem) {
                    list.push(stem);
                }
                stem
            };
            merged.entry(stem).or_default().merge(c);
        }
        for (stem, c) in &merged {
            let (s, section) = score(c);
            let stem = *stem as usize;
            if raw.len() <= stem {
                raw.resize(stem + 1, Vec::new());
            }
            raw[stem].push((d, s, section));
        }
    }
    if give_up() {
        return None;
    }
    raw.resize(stems.len(), Vec::new());
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
    let mut words = FxHashMap::default();
    let mut also = FxHashMap::default();
    for (word, id) in counted.words {
        let mut list = elsewhere.remove(&id).unwrap_or_default();
        if in_main[id as usize] {
            list.retain(|&s| s != word_stem[id as usize]);
            list.insert(0, word_stem[id as usize]);
        }
        let Some((&first, rest)) = list.split_first() else {
            continue;
        };
        if !rest.is_empty() {
            also.insert(word.clone(), rest.to_vec());
        }
        words.insert(word, first);
    }
    Some(Index {
        docs,
        words,
        also,
        stems,
        postings,
        owners,
    })
}

/// The stemming most documents use (the book's language, as a rule).
fn most_common_stemming(docs: &[Doc<'_>]) -> Option<Algorithm> {
    let mut seen: Vec<(Option<Algorithm>, usize)> = Vec::new();
    for d in docs {
        match seen.iter_mut().find(|(a, _)| *a == d.stemming) {
            Some((_, n)) => *n += 1,
            None => seen.push((d.stemming, 1)),
        }
    }
    seen.into_iter()
        .max_by_key(|(_, n)| *n)
        .and_then(|(a, _)| a)
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
        let sections = vec![Section {
            anchor: Some("s".into()),
            heading: "Heading".into(),
            text: body.to_owned(),
        }];
        Doc {
            url: format!("{title}.html"),
            title: title.to_owned(),
            kind,
            subtitle: String::new(),
            theme: 0,
            status: 0,
            owner: 0,
            sections: Cow::Owned(sections),
            stemming: Some(Algorithm::English),
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
        let index = index(vec![body, mentions, control], Vec::new(), &|| false).unwrap();
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
        let index = index(docs, Vec::new(), &|| false).unwrap();
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
    fn text_outranks_attributes_shared_by_many_pages() {
        // As in the example: "confidential" is an ISO/IEC 27002 attribute of
        // most guidance pages, a word of the backup policy, and the title
        // of a classification page.
        let mut guidance: Vec<Doc> = (0..40)
            .map(|i| {
                let mut d = doc(DocKind::Guidance, &format!("Guidance {i}"), "");
                d.sections = Cow::Owned(Vec::new());
                d.fields.push((
                    Field::Attribute,
                    "Preventive Confidentiality Integrity".into(),
                ));
                d
            })
            .collect();
        let backup = doc(
            DocKind::Policy,
            "Backup Policy",
            "Backups of confidential data are encrypted.",
        );
        let mut classification = doc(DocKind::Policy, "Confidential information", "Labels.");
        classification
            .fields
            .push((Field::Attribute, "Internal policy".into()));
        let mut owner = doc(DocKind::Policy, "Supplier Policy", "Suppliers.");
        owner
            .fields
            .push((Field::Attribute, "Confidential policy".into()));
        guidance.extend([owner, backup, classification]);
        guidance.extend((0..100).map(|i| doc(DocKind::Control, &format!("Control {i}"), "Other.")));
        let index = index(guidance, Vec::new(), &|| false).unwrap();
        let ranked = ranked(&index, "confidential");
        assert_eq!(
            ranked[..2],
            ["Confidential information", "Backup Policy"],
            "{ranked:?}"
        );
        assert_eq!(ranked.len(), 43);
    }

    #[test]
    fn justification_and_evidence_count_as_text() {
        let mut control = doc(DocKind::Control, "Logging", "");
        control.sections = Cow::Owned(Vec::new());
        control
            .fields
            .push((Field::Text, "Kept in the Splunk archive".into()));
        let mut guidance = doc(DocKind::Guidance, "Logging guidance", "");
        guidance.fields.push((Field::Attribute, "Splunk".into()));
        let index = index(vec![guidance, control], Vec::new(), &|| false).unwrap();
        assert_eq!(ranked(&index, "splunk"), ["Logging", "Logging guidance"]);
    }

    #[test]
    fn documents_in_other_languages_are_stemmed_as_theirs() {
        let english = doc(DocKind::Policy, "Backups", "Information on backups.");
        let more_english = doc(DocKind::Policy, "Restores", "Restore tests.");
        let mut german = doc(DocKind::Page, "Sicherungen", "Information zu Sicherungen.");
        german.stemming = tokenize::algorithm("de");
        let mut japanese = doc(DocKind::Page, "情報資産", "information");
        japanese.stemming = tokenize::algorithm("ja");
        let index = index(
            vec![english, more_english, german, japanese],
            Vec::new(),
            &|| false,
        )
        .unwrap();
        // English stems `information` as `inform`; German and Japanese do not.
        let stems = |w: &str| {
            let mut all = vec![index.words[w]];
            all.extend(index.also.get(w).into_iter().flatten());
            all.iter()
                .map(|&s| index.stems[s as usize].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(stems("information"), ["inform", "information"]);
        assert_eq!(stems("sicherungen"), ["sicher"]);
        assert_eq!(ranked(&index, "情報"), ["情報資産"]);
    }

    #[test]
    fn words_with_one_stem_share_postings() {
        let a = doc(DocKind::Policy, "Policies", "Encrypting laptops.");
        let b = doc(DocKind::Policy, "Encryption", "One policy.");
        let index = index(vec![a, b], Vec::new(), &|| false).unwrap();
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

    #[test]
    fn an_index_given_up_is_none() {
        let docs = || vec![doc(DocKind::Page, "Onboarding", "Access badges.")];
        assert!(index(docs(), Vec::new(), &|| true).is_none());
        assert!(index(docs(), Vec::new(), &|| false).is_some());
    }
}
