//! Text to search terms: the same rules as `search.js` applies to queries.
//!
//! 1. Lower-case, decompose (NFD) and drop combining marks: `Café` → `cafe`.
//! 2. Split into runs of letters and digits. A `.` joins digits on both
//!    sides (`5.15`, `9.2.3`), and joins `a` to a digit (`a.5.15`).
//! 3. Control ids lose their `a.` prefix: `A.5.15` and `5.15` are one term.
//! 4. Single letters and common English words are dropped.
//! 5. Words (not ids or numbers) are stemmed with the Snowball English
//!    stemmer, so `encrypting` and `encryption` share the term `encrypt`.

use std::borrow::Cow;
use std::sync::Arc;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Words too common to be worth an index entry (kept in step with `search.js`).
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "our", "that", "the", "their", "this", "to", "was", "we",
    "were", "which", "will", "with",
];

/// Lower case without accents: the form both the index and queries compare.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    // Decomposing character by character is enough: the marks that a full
    // NFD would reorder are dropped anyway.
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                out.extend(d.to_lowercase());
            }
        });
    }
    out
}

/// The terms of already normalised text, as slices of it, ids kept whole:
/// what `search.js` does to a query, kept here to test that indexing agrees.
#[cfg(test)]
pub fn terms(normalized: &str) -> impl Iterator<Item = &str> {
    let bytes = normalized.as_bytes();
    let mut chars = normalized.char_indices().peekable();
    let mut start: Option<usize> = None;
    std::iter::from_fn(move || {
        for (i, c) in chars.by_ref() {
            if c.is_alphanumeric() {
                start.get_or_insert(i);
                continue;
            }
            let Some(s) = start else { continue };
            let next_is_digit = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            let word = &normalized[s..i];
            if c == '.'
                && next_is_digit
                && (word.ends_with(|p: char| p.is_ascii_digit()) || word == "a")
            {
                continue; // `5.15`, `a.5`: the dot is part of the id
            }
            start = None;
            if let Some(t) = term(word) {
                return Some(t);
            }
        }
        let s = start.take()?;
        term(&normalized[s..])
    })
}

/// A word as indexed: `a.` dropped from control ids; None if not worth indexing.
fn term(word: &str) -> Option<&str> {
    let word = match word.strip_prefix("a.") {
        Some(id) if id.starts_with(|c: char| c.is_ascii_digit()) => id,
        _ => word,
    };
    keep(word).then_some(word)
}

/// The terms of `text`, normalised (what the tests compare).
#[cfg(test)]
pub fn words(text: &str) -> Vec<String> {
    raw_terms(text).map(Cow::into_owned).collect()
}

/// The terms of `text` as written, each normalised: borrowed when it
/// already is (lower-case ASCII, the common case), so indexing copies little.
pub fn raw_terms(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            // Skip to the start of a word.
            let start = loop {
                match bytes.get(i) {
                    None => return None,
                    Some(b) if b.is_ascii_alphanumeric() => break i,
                    Some(b) if b.is_ascii() => i += 1,
                    Some(_) => {
                        let c = text[i..].chars().next()?;
                        if c.is_alphanumeric() {
                            break i;
                        }
                        i += c.len_utf8();
                    }
                }
            };
            // Find its end; a `.` between digits (or after `a`) stays inside.
            loop {
                match bytes.get(i) {
                    Some(b) if b.is_ascii_alphanumeric() => i += 1,
                    Some(b'.') => {
                        let next_is_digit = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                        let word = &text[start..i];
                        let joins = next_is_digit
                            && (word.ends_with(|p: char| p.is_ascii_digit())
                                || word.eq_ignore_ascii_case("a"));
                        if !joins {
                            break;
                        }
                        i += 1;
                    }
                    Some(b) if !b.is_ascii() => match text[i..].chars().next() {
                        Some(c) if c.is_alphanumeric() => i += c.len_utf8(),
                        _ => break,
                    },
                    _ => break,
                }
            }
            if let Some(t) = owned_term(&text[start..i]) {
                return Some(t);
            }
        }
        None
    })
}

fn owned_term(word: &str) -> Option<Cow<'_, str>> {
    let plain = word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.');
    if plain {
        return term(word).map(Cow::Borrowed);
    }
    let mut normalized = normalize(word);
    let kept = term(&normalized)?.len();
    if kept < normalized.len() {
        normalized.drain(..normalized.len() - kept); // the `a.` of `A.5.15`
    }
    Some(Cow::Owned(normalized))
}

/// Longer words are not indexed: nobody types them, and one can be as long
/// as a file.
pub const MAX_TERM_BYTES: usize = 64;

fn keep(word: &str) -> bool {
    let mut chars = word.chars();
    let single_letter =
        matches!((chars.next(), chars.next()), (Some(c), None) if !c.is_ascii_digit());
    !word.is_empty() && word.len() <= MAX_TERM_BYTES && !single_letter && !is_stop_word(word)
}

/// Whether `word` is one of [`STOP_WORDS`] (a `match`: one length test, one comparison).
fn is_stop_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "by"
            | "for"
            | "from"
            | "has"
            | "have"
            | "in"
            | "is"
            | "it"
            | "its"
            | "of"
            | "on"
            | "or"
            | "our"
            | "that"
            | "the"
            | "their"
            | "this"
            | "to"
            | "was"
            | "we"
            | "were"
            | "which"
            | "will"
            | "with"
    )
}

/// Whether a term is an id or number (never stemmed).
pub fn is_numeric(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
}

/// Stems words, remembering each word's stem (a handbook repeats its words).
pub struct Stems {
    stemmer: Stemmer,
    cache: FxHashMap<Box<str>, Arc<str>>,
}

impl Default for Stems {
    fn default() -> Self {
        Stems {
            stemmer: Stemmer::create(Algorithm::English),
            cache: FxHashMap::default(),
        }
    }
}

impl Stems {
    /// The stem of a normalised word; ids and numbers are their own stem.
    pub fn of(&mut self, word: &str) -> Arc<str> {
        if let Some(s) = self.cache.get(word) {
            return s.clone();
        }
        let stem: Arc<str> = if is_numeric(word) {
            Arc::from(word)
        } else {
            Arc::from(self.stemmer.stem(word).as_ref())
        };
        self.cache.insert(Box::from(word), stem.clone());
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_word_list_and_match_agree() {
        for w in STOP_WORDS {
            assert!(is_stop_word(w), "{w}");
        }
        assert!(!is_stop_word("policy"));
    }

    #[test]
    fn normalises_case_and_accents() {
        assert_eq!(normalize("Café NAÏVE Ångström"), "cafe naive angstrom");
    }

    #[test]
    fn splits_words_and_drops_stop_words() {
        assert_eq!(
            words("The access-control policy, for ALL staff!"),
            ["access", "control", "policy", "all", "staff"]
        );
    }

    #[test]
    fn keeps_control_ids_whole_in_every_spelling() {
        assert_eq!(
            words("see 5.15, A.5.15 and a.8.2."),
            ["see", "5.15", "5.15", "8.2"]
        );
        assert_eq!(
            words("A.9.2.3 User access provisioning"),
            ["9.2.3", "user", "access", "provisioning"]
        );
        assert_eq!(
            words("version 2.10 of ISO 27001:2022"),
            ["version", "2.10", "iso", "27001", "2022"]
        );
    }

    #[test]
    fn terms_of_normalised_text_match_terms_of_raw_text() {
        let text = "Café Policy: A.5.15 and 8.2, the naïve ÉTÉ-rule of 2026.";
        let raw: Vec<String> = raw_terms(text).map(Cow::into_owned).collect();
        let normalized = normalize(text);
        let norm: Vec<&str> = terms(&normalized).collect();
        assert_eq!(raw, norm);
    }

    #[test]
    fn a_sentence_end_does_not_join_words() {
        assert_eq!(
            words("Rotate keys.Then log"),
            ["rotate", "keys", "then", "log"]
        );
    }

    #[test]
    fn stems_english_words_but_not_ids() {
        let mut s = Stems::default();
        assert_eq!(s.of("encryption"), s.of("encrypting"));
        assert_eq!(s.of("policies"), s.of("policy"));
        assert_eq!(&*s.of("passwords"), "password");
        assert_eq!(&*s.of("5.15"), "5.15");
    }
}
