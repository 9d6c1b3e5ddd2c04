//! Writing the index as small JavaScript files that call `ismsSearch.*`.
//!
//! Scripts, not JSON: a page opened from `file://` may not `fetch` files,
//! but it may load scripts, so the same site works offline and served.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rayon::prelude::*;

use super::{Doc, Index, KIND_LABELS, META_CHUNK, TEXT_CHUNK};
use crate::catalog::Theme;
use crate::fs::FsError;
use crate::handbook::ControlState;
use crate::site::Output;

/// A terms shard larger than this is split by one more character.
const SPLIT_BYTES: usize = 40 * 1024;
/// Section text kept for snippets, in characters.
const SNIPPET_SOURCE_CHARS: usize = 600;
/// Folder of the index in the site.
pub const DIR: &str = "search";

/// The shard key of a word: its first `n` characters, as hex of their UTF-8
/// bytes (safe in any file system; `search.js` computes the same).
fn key(word: &str, n: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let end = word.char_indices().nth(n).map_or(word.len(), |(i, _)| i);
    let mut out = String::with_capacity(end * 2);
    for &b in &word.as_bytes()[..end] {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// Appends `n` in base 36.
fn push_base36(out: &mut String, mut n: u64) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = [0u8; 13];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

fn base36(n: u64) -> String {
    let mut out = String::with_capacity(4);
    push_base36(&mut out, n);
    out
}

/// Postings as `delta,impact,section;...`, numbers in base 36, documents
/// as differences from the previous one.
fn encode(postings: &[(u32, u32, u16)]) -> String {
    let mut out = String::with_capacity(postings.len() * 7);
    let mut previous = 0;
    for (i, &(doc, impact, section)) in postings.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        push_base36(&mut out, u64::from(doc - previous));
        out.push(',');
        push_base36(&mut out, u64::from(impact));
        if section > 0 {
            out.push(',');
            push_base36(&mut out, u64::from(section));
        }
        previous = doc;
    }
    out
}

/// How many bytes `text` takes as a JSON string, quotes included.
fn json_len(text: &str) -> usize {
    2 + text
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            c if c < ' ' => 6,
            c => c.len_utf8(),
        })
        .sum::<usize>()
}

fn script(call: &str, key: &impl serde::Serialize, data: &impl serde::Serialize) -> String {
    let key = serde_json::to_string(key).unwrap_or_default();
    let data = serde_json::to_string(data).unwrap_or_default();
    format!("ismsSearch.{call}({key},{data});\n")
}

/// One terms shard: `{"w": {word: stem}, "p": {stem: postings}}`; a word
/// written in documents of languages stemmed differently maps to a list.
#[derive(serde::Serialize)]
struct Shard<'a> {
    w: BTreeMap<&'a str, Stems<'a>>,
    p: BTreeMap<&'a str, &'a String>,
}

/// The stem of a word, or its stems.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Stems<'a> {
    One(&'a str),
    Many(Vec<&'a str>),
}

/// The index with each stem's postings encoded once, for every shard that
/// holds one of its words.
struct Terms<'a, 'i> {
    index: &'a Index<'i>,
    /// Per stem, its postings as [`encode`] writes them.
    encoded: Vec<String>,
}

impl<'a> Terms<'a, '_> {
    /// The stems of a written word: the first, then those it has in other
    /// languages.
    fn stems(&self, word: &str) -> impl Iterator<Item = u32> + use<'_> {
        let first = self.index.words.get(word).copied();
        let also = first.and(self.index.also.get(word));
        first.into_iter().chain(also.into_iter().flatten().copied())
    }

    fn shard(&'a self, words: &[&'a str]) -> Shard<'a> {
        let mut shard = Shard {
            w: BTreeMap::new(),
            p: BTreeMap::new(),
        };
        for &word in words {
            let mut names = Vec::new();
            for stem in self.stems(word) {
                let name: &str = &self.index.stems[stem as usize];
                names.push(name);
                shard.p.insert(name, &self.encoded[stem as usize]);
            }
            let stems = match names.as_slice() {
                [] => continue,
                [one] => Stems::One(one),
                _ => Stems::Many(names),
            };
            shard.w.insert(word, stems);
        }
        shard
    }

    /// The size in bytes of [`Terms::shard`] as a script with key `k`,
    /// worked out without writing it.
    fn shard_len(&self, k: &str, words: &[&str]) -> usize {
        let mut stems = rustc_hash::FxHashSet::default();
        // `ismsSearch.t("k",{"w":{},"p":{}});\n` and the commas between entries.
        let mut len = "ismsSearch.t(,{\"w\":{},\"p\":{}});\n".len() + json_len(k);
        let mut words_in: usize = 0;
        for &word in words {
            let mut names = 0;
            let mut names_len = 0;
            for stem in self.stems(word) {
                let name: &str = &self.index.stems[stem as usize];
                names += 1;
                names_len += json_len(name);
                if stems.insert(stem) {
                    len += json_len(name) + 1 + json_len(&self.encoded[stem as usize]);
                }
            }
            if names == 0 {
                continue;
            }
            words_in += 1;
            // `"word":"stem"` or `"word":["a","b"]`
            len += json_len(word) + 1 + names_len;
            if names > 1 {
                len += 2 + (names - 1);
            }
        }
        len + words_in.saturating_sub(1) + stems.len().saturating_sub(1)
    }
}

fn truncate(text: &str, chars: usize) -> &str {
    text.char_indices()
        .nth(chars)
        .map_or(text, |(i, _)| &text[..i])
}

/// `[url, title, kind, subtitle, [anchors], [headings]]`
type Meta<'a> = (&'a str, &'a str, u8, &'a str, Vec<&'a str>, Vec<&'a str>);

fn meta<'a>(doc: &'a Doc<'_>) -> Meta<'a> {
    (
        &doc.url,
        &doc.title,
        doc.kind as u8,
        &doc.subtitle,
        doc.sections
            .iter()
            .map(|s| s.anchor.as_deref().unwrap_or(""))
            .collect(),
        doc.sections.iter().map(|s| s.heading.as_str()).collect(),
    )
}

fn texts<'a>(doc: &'a Doc<'_>) -> Vec<&'a str> {
    doc.sections
        .iter()
        .map(|s| truncate(&s.text, SNIPPET_SOURCE_CHARS))
        .collect()
}

/// The shard of `words` (all starting with the `depth` characters whose hex
/// is `k`), or, when larger than [`SPLIT_BYTES`], shards one character deeper.
/// A word lives in the longest key that is a prefix of its own hex. Sizes
/// are worked out first, so only the shards kept are written.
fn split_shard<'a>(
    terms: &'a Terms<'a, '_>,
    k: String,
    words: Vec<&'a str>,
    depth: usize,
) -> Vec<(String, String)> {
    if terms.shard_len(&k, &words) <= SPLIT_BYTES
        || words.len() == 1
        || words.iter().all(|w| w.chars().count() <= depth)
    {
        let whole = script("t", &k, &terms.shard(&words));
        return vec![(k, whole)];
    }
    let mut deeper: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut here = Vec::new();
    for w in words {
        if w.chars().count() <= depth {
            here.push(w);
        } else {
            deeper.entry(key(w, depth + 1)).or_default().push(w);
        }
    }
    let mut out = Vec::new();
    if !here.is_empty() {
        out.push((k.clone(), script("t", &k, &terms.shard(&here))));
    }
    for (dk, ws) in deeper {
        out.extend(split_shard(terms, dk, ws, depth + 1));
    }
    out
}

/// Labels and shard list, loaded first.
#[derive(serde::Serialize)]
struct Manifest<'a> {
    n: usize,
    t: Vec<String>,
    m: usize,
    x: usize,
    kinds: [&'static str; KIND_LABELS.len()],
    themes: Vec<&'static str>,
    states: Vec<&'static str>,
    owners: &'a [String],
}

/// Writes the index into `search/` of the site. Returns the number of files.
pub fn write(index: &Index<'_>, out: &dyn Output) -> Result<usize, FsError> {
    // Terms, grouped by their first character; a group larger than
    // SPLIT_BYTES is split by one more character, and so on.
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for word in index.words.keys() {
        groups.entry(key(word, 1)).or_default().push(word);
    }
    let terms = Terms {
        index,
        encoded: index.postings.par_iter().map(|p| encode(p)).collect(),
    };
    let built: Vec<Vec<(String, String)>> = groups
        .into_par_iter()
        .map(|(k, words)| split_shard(&terms, k, words, 1))
        .collect();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut keys = Vec::new();
    for (k, text) in built.into_iter().flatten() {
        files.push((format!("{DIR}/t/{k}.js"), text));
        keys.push(k);
    }
    let chunks: Vec<(String, String)> = index
        .docs
        .par_chunks(META_CHUNK)
        .enumerate()
        .map(|(n, chunk)| {
            let data: Vec<Meta<'_>> = chunk.iter().map(meta).collect();
            (format!("{DIR}/d/{n}.js"), script("d", &n, &data))
        })
        .chain(
            index
                .docs
                .par_chunks(TEXT_CHUNK)
                .enumerate()
                .map(|(n, chunk)| {
                    let data: Vec<Vec<&str>> = chunk.iter().map(texts).collect();
                    (format!("{DIR}/x/{n}.js"), script("x", &n, &data))
                }),
        )
        .collect();
    files.extend(chunks);
    let mut packed = String::with_capacity(index.docs.len() * 5);
    for d in &index.docs {
        let _ = write!(
            packed,
            "{}{}{}{:0>2}",
            d.kind as u8,
            d.theme.saturating_sub(4),
            d.status,
            base36(d.owner as u64)
        );
    }
    files.push((format!("{DIR}/facets.js"), script("f", &0, &packed)));

    let manifest = Manifest {
        n: index.docs.len(),
        t: keys,
        m: META_CHUNK,
        x: TEXT_CHUNK,
        kinds: KIND_LABELS,
        themes: Theme::ALL.iter().map(|t| t.name()).collect(),
        states: ControlState::ALL.iter().map(|s| s.label()).collect(),
        owners: &index.owners,
    };
    files.push((
        format!("{DIR}/index.js"),
        script("i", &fingerprint(&files), &manifest),
    ));

    files
        .par_iter()
        .map(|(path, text)| out.write(path, text.as_bytes()))
        .collect::<Result<Vec<()>, FsError>>()?;
    Ok(files.len())
}

/// Folders that [`write`] writes into.
pub fn folders() -> [String; 3] {
    [
        format!("{DIR}/t/x"),
        format!("{DIR}/d/x"),
        format!("{DIR}/x/x"),
    ]
}

/// A short hash of the whole index, to tell browsers a new one is out.
fn fingerprint(files: &[(String, String)]) -> String {
    use std::hash::Hasher;
    let mut hash = rustc_hash::FxHasher::default();
    for (path, text) in files {
        hash.write(path.as_bytes());
        hash.write(text.as_bytes());
    }
    base36(hash.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_hex_of_the_first_characters() {
        assert_eq!(key("password", 2), "7061");
        assert_eq!(key("5.15", 2), "352e");
        assert_eq!(key("é", 2), "c3a9");
    }

    #[test]
    fn postings_are_delta_coded_in_base_36() {
        assert_eq!(encode(&[(3, 100, 0), (40, 7, 2)]), "3,2s;11,7,2");
        assert_eq!(base36(0), "0");
        assert_eq!(base36(u64::MAX), "3w5e11264sgsf");
    }

    #[test]
    fn a_shards_size_is_worked_out_exactly() {
        let mut index = Index::default();
        for (word, stem) in [("policy", 0), ("policies", 0), ("pol\"x", 1), ("päss", 2)] {
            index.words.insert(word.into(), stem);
        }
        index.also.insert("policy".into(), vec![2]);
        index.stems = vec!["polici".into(), "pol\"x".into(), "pass\u{1}".into()];
        index.postings = vec![vec![(3, 100, 0), (40, 7, 2)], vec![(1, 1, 0)], vec![]];
        let terms = Terms {
            encoded: index.postings.iter().map(|p| encode(p)).collect(),
            index: &index,
        };
        for words in [
            vec!["policy", "policies", "pol\"x", "päss"],
            vec!["policies"],
            vec!["policy"],
            vec![],
        ] {
            let written = script("t", &"70", &terms.shard(&words));
            assert_eq!(terms.shard_len("70", &words), written.len(), "{written}");
        }
    }
}
