//! Text to search terms: the same rules as `search.js` applies to queries.
//!
//! 1. Lower-case, decompose (NFD) and drop combining marks: `Café` → `cafe`.
//!    Letters that do not decompose are folded as readers type them:
//!    `ß` → `ss` (`Größe` → `grosse`), `æ` → `ae`, `ø` → `o`, `ł` → `l`.
//! 2. Split into runs of letters and digits. A `.` joins digits on both
//!    sides (`5.15`, `9.2.3`), and joins `a` to a digit (`a.5.15`).
//!    Chinese, Japanese and Korean, written without spaces, are cut into
//!    overlapping pairs of characters (`情報資産` → `情報`, `報資`, `資産`),
//!    so any word of two or more characters in them can be found.
//! 3. Control ids lose their `a.` prefix: `A.5.15` and `5.15` are one term.
//! 4. Single letters (not Chinese, Japanese or Korean characters) and common
//!    English words are dropped.
//! 5. Words (not ids or numbers) are stemmed with the Snowball stemmer of
//!    their document's language, so `encrypting` and `encryption` share the
//!    term `encrypt`; words of a language without one are kept as they are.

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
        if is_cjk(c) {
            out.push(c); // Kana keep their voicing marks, Hangul its syllables.
            continue;
        }
        decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                for lower in d.to_lowercase() {
                    push_folded(&mut out, lower);
                }
            }
        });
    }
    out
}

/// Appends a lower-case letter, folding those that have no decomposition
/// to what readers type on a keyboard without them (kept in step with
/// `FOLD` in `search.js`).
fn push_folded(out: &mut String, c: char) {
    match c {
        'ß' => out.push_str("ss"),
        'æ' => out.push_str("ae"),
        'œ' => out.push_str("oe"),
        'þ' => out.push_str("th"),
        'ø' => out.push('o'),
        'ł' => out.push('l'),
        'đ' | 'ð' => out.push('d'),
        'ı' => out.push('i'),
        'ς' => out.push('σ'),
        c => out.push(c),
    }
}

/// Whether `c` is a letter of a script written without spaces between
/// words (Chinese, Japanese, Korean): such text is searched by pairs of
/// characters (kept in step with `CJK` in `search.js`).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'      // Hangul Jamo
        | '\u{2E80}'..='\u{2FDF}'    // CJK radicals, Kangxi radicals
        | '\u{3005}'..='\u{3007}'    // 々 〆 〇
        | '\u{3040}'..='\u{30FF}'    // Hiragana, Katakana
        | '\u{3130}'..='\u{318F}'    // Hangul compatibility Jamo
        | '\u{31F0}'..='\u{31FF}'    // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}'    // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'    // CJK unified ideographs
        | '\u{A960}'..='\u{A97F}'    // Hangul Jamo extended A
        | '\u{AC00}'..='\u{D7FF}'    // Hangul syllables, Jamo extended B
        | '\u{F900}'..='\u{FAFF}'    // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}'    // half-width Katakana
        | '\u{20000}'..='\u{2FFFF}'  // CJK extensions B and later
    ) && c.is_alphanumeric()
}

/// The terms of already normalised text, as slices of it, ids kept whole:
/// what `search.js` does to a query, kept here to test that indexing agrees.
#[cfg(test)]
pub fn terms(normalized: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = normalized.char_indices().collect();
    let mut word: Option<usize> = None;
    let mut run: Option<usize> = None;
    for k in 0..=chars.len() {
        let (i, c) = chars.get(k).copied().unwrap_or((normalized.len(), ' '));
        if is_cjk(c) {
            if let Some(s) = word.take() {
                out.extend(term(&normalized[s..i]));
            }
            run.get_or_insert(i);
            continue;
        }
        if let Some(s) = run.take() {
            out.extend(pairs(&normalized[s..i]));
        }
        if c.is_alphanumeric() {
            word.get_or_insert(i);
            continue;
        }
        let Some(s) = word else { continue };
        let next_is_digit = chars.get(k + 1).is_some_and(|(_, n)| n.is_ascii_digit());
        let w = &normalized[s..i];
        if c == '.' && next_is_digit && (w.ends_with(|p: char| p.is_ascii_digit()) || w == "a") {
            continue; // `5.15`, `a.5`: the dot is part of the id
        }
        word = None;
        out.extend(term(w));
    }
    out
}

/// A run of Chinese, Japanese or Korean as its pairs of characters (a
/// single character stays as it is).
#[cfg(test)]
fn pairs(run: &str) -> Vec<&str> {
    let at: Vec<usize> = run
        .char_indices()
        .map(|(i, _)| i)
        .chain([run.len()])
        .collect();
    if at.len() <= 2 {
        return vec![run];
    }
    at.windows(3).map(|w| &run[w[0]..w[2]]).collect()
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
    // A run of Chinese, Japanese or Korean being cut into pairs: where the
    // next pair starts, and where the run ends.
    let mut run: Option<(usize, usize)> = None;
    std::iter::from_fn(move || {
        loop {
            if let Some((at, end)) = run {
                let first = text[at..].chars().next()?;
                let second_at = at + first.len_utf8();
                if second_at >= end {
                    run = None; // a run of one character
                    return Some(Cow::Borrowed(&text[at..end]));
                }
                let second = text[second_at..].chars().next()?;
                let pair_end = second_at + second.len_utf8();
                run = (pair_end < end).then_some((second_at, end));
                return Some(Cow::Borrowed(&text[at..pair_end]));
            }
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
            if text[start..].chars().next().is_some_and(is_cjk) {
                let len: usize = text[start..]
                    .chars()
                    .take_while(|&c| is_cjk(c))
                    .map(char::len_utf8)
                    .sum();
                i = start + len;
                run = Some((start, i));
                continue;
            }
            // Find its end; a `.` between digits (or after `a`) stays inside,
            // and so do combining marks (dropped when it is normalised).
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
                        Some(c) if (c.is_alphanumeric() && !is_cjk(c)) || is_combining_mark(c) => {
                            i += c.len_utf8()
                        }
                        _ => break,
                    },
                    _ => break,
                }
            }
            if let Some(t) = owned_term(&text[start..i]) {
                return Some(t);
            }
        }
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
    let single_letter = matches!((chars.next(), chars.next()),
        (Some(c), None) if !c.is_ascii_digit() && !is_cjk(c));
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

/// The Snowball stemmer for a language tag (`en-GB`, `de`), if Snowball has
/// one for a language written in the Latin alphabet; others are not stemmed.
pub fn algorithm(language: &str) -> Option<Algorithm> {
    let primary = crate::content::meta::primary(language);
    Some(match primary.as_str() {
        "en" => Algorithm::English,
        "de" => Algorithm::German,
        "fr" => Algorithm::French,
        "es" => Algorithm::Spanish,
        "it" => Algorithm::Italian,
        "pt" => Algorithm::Portuguese,
        "nl" => Algorithm::Dutch,
        "da" => Algorithm::Danish,
        "sv" => Algorithm::Swedish,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "fi" => Algorithm::Finnish,
        "hu" => Algorithm::Hungarian,
        "ro" => Algorithm::Romanian,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// Stems words, remembering each word's stem per language (a handbook
/// repeats its words).
#[derive(Default)]
pub struct Stems {
    /// One per stemming met so far (a language's algorithm, or none).
    by_language: Vec<Stemming>,
}

/// The stems of one language: its algorithm, its stemmer (None: words are
/// their own stems) and the stems found so far.
struct Stemming {
    algorithm: Option<Algorithm>,
    stemmer: Option<Stemmer>,
    cache: FxHashMap<Box<str>, Arc<str>>,
}

impl Stems {
    /// The stem of a normalised word in a document stemmed with
    /// `algorithm` (None: kept as it is); ids and numbers are their own stem.
    pub fn of(&mut self, word: &str, algorithm: Option<Algorithm>) -> Arc<str> {
        let slot = match self
            .by_language
            .iter()
            .position(|s| s.algorithm == algorithm)
        {
            Some(slot) => slot,
            None => {
                self.by_language.push(Stemming {
                    algorithm,
                    stemmer: algorithm.map(Stemmer::create),
                    cache: FxHashMap::default(),
                });
                self.by_language.len() - 1
            }
        };
        let Stemming { stemmer, cache, .. } = &mut self.by_language[slot];
        if let Some(s) = cache.get(word) {
            return s.clone();
        }
        let stem: Arc<str> = match stemmer {
            Some(stemmer) if !is_numeric(word) && !word.chars().any(is_cjk) => {
                Arc::from(stemmer.stem(word).as_ref())
            }
            _ => Arc::from(word),
        };
        cache.insert(Box::from(word), stem.clone());
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
        let text = "Café Policy: A.5.15 and 8.2, the naïve ÉTÉ-rule of 2026. Größe 情報資産の管理 ISO27001認証.";
        let raw: Vec<String> = raw_terms(text).map(Cow::into_owned).collect();
        let normalized = normalize(text);
        let norm: Vec<&str> = terms(&normalized);
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
        let en = algorithm("en-GB");
        assert_eq!(s.of("encryption", en), s.of("encrypting", en));
        assert_eq!(s.of("policies", en), s.of("policy", en));
        assert_eq!(&*s.of("passwords", en), "password");
        assert_eq!(&*s.of("5.15", en), "5.15");
    }

    #[test]
    fn other_languages_get_their_own_stemmer_or_none() {
        let mut s = Stems::default();
        assert_eq!(algorithm("de-DE"), Some(Algorithm::German));
        assert_eq!(algorithm("ja"), None);
        // English rules would cut German words: `richtlinien` stays whole.
        assert_eq!(&*s.of("richtlinien", algorithm("en")), "richtlinien");
        assert_eq!(
            &*s.of("sicherungen", algorithm("de")),
            s.of("sicherung", algorithm("de")).as_ref()
        );
        assert_eq!(&*s.of("passwords", None), "passwords");
        assert_eq!(&*s.of("passwords", algorithm("ja")), "passwords");
    }

    #[test]
    fn folds_letters_without_a_decomposition() {
        assert_eq!(
            normalize("Größe STRAẞE Æble Øre Łódź"),
            "grosse strasse aeble ore lodz"
        );
        assert_eq!(
            words("Die Größe der Sicherung"),
            ["die", "grosse", "der", "sicherung"]
        );
    }

    #[test]
    fn cuts_chinese_and_japanese_into_pairs() {
        assert_eq!(
            words("情報資産の管理"),
            ["情報", "報資", "資産", "産の", "の管", "管理"]
        );
        assert_eq!(
            words("ISO27001認証 と A.5.15"),
            ["iso27001", "認証", "と", "5.15"]
        );
        // Kana keep their voicing marks; a lone character is a term.
        assert_eq!(normalize("ガイド"), "ガイド");
        assert_eq!(words("鍵"), ["鍵"]);
    }

    #[test]
    fn combining_marks_stay_inside_words() {
        assert_eq!(words("cafe\u{301}s open"), ["cafes", "open"]);
    }
}
