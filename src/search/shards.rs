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
    let end = word.char_indices().nth(n).map_or(word.len(), |(i, _)| i);
    word.as_bytes()[..end]
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if n == 0 {
        return "0".to_owned();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
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
        out.push_str(&base36(u64::from(doc - previous)));
        out.push(',');
        out.push_str(&base36(u64::from(impact)));
        if section > 0 {
            out.push(',');
            out.push_str(&base36(u64::from(section)));
        }
        previous = doc;
    }
    out
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
    p: BTreeMap<&'a str, String>,
}

/// The stem of a word, or its stems.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Stems<'a> {
    One(&'a str),
    Many(Vec<&'a str>),
}

fn shard<'a>(index: &'a Index<'_>, words: &[&'a str]) -> Shard<'a> {
    let mut shard = Shard {
        w: BTreeMap::new(),
        p: BTreeMap::new(),
    };
    for &word in words {
        let Some(&stem) = index.words.get(word) else {
            continue;
        };
        let all = std::iter::once(stem).chain(index.also.get(word).into_iter().flatten().copied());
        let mut names = Vec::new();
        for stem in all {
            let name: &str = &index.stems[stem as usize];
            names.push(name);
            shard
                .p
                .entry(name)
                .or_insert_with(|| encode(&index.postings[stem as usize]));
        }
        let stems = match names.as_slice() {
            [one] => Stems::One(one),
            _ => Stems::Many(names),
        };
        shard.w.insert(word, stems);
    }
    shard
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
/// A word lives in the longest key that is a prefix of its own hex.
fn split_shard<'a>(
    index: &'a Index<'_>,
    k: String,
    words: Vec<&'a str>,
    depth: usize,
) -> Vec<(String, String)> {
    let whole = script("t", &k, &shard(index, &words));
    if whole.len() <= SPLIT_BYTES
        || words.len() == 1
        || words.iter().all(|w| w.chars().count() <= depth)
    {
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
        out.push((k.clone(), script("t", &k, &shard(index, &here))));
    }
    for (dk, ws) in deeper {
        out.extend(split_shard(index, dk, ws, depth + 1));
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
    let built: Vec<Vec<(String, String)>> = groups
        .into_par_iter()
        .map(|(k, words)| split_shard(index, k, words, 1))
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
    }
}
