//! Raw HTML in bodies, sanitised at a cost that grows in step with its size.
//!
//! [`clean`] is ammonia with our additions. Ammonia parses with html5ever,
//! which looks through every open element for each tag it reads (is a `<p>`
//! open, is this end tag's element in scope): on elements nested `d` deep,
//! each tag costs `d`, and 50,000 nested `<div>` cost seconds. So the
//! nesting of a body that will be sanitised is followed as it is rendered
//! ([`Nesting`]), and a body that nests deeper than [`MAX_DEPTH`] is refused
//! with an error at the place where it does, before the parser sees it.

use std::collections::HashMap;

/// How deep elements may nest in a body with raw HTML: Markdown's own
/// (block quotes, lists, emphasis) and raw HTML's together. Real documents
/// stay far below it.
pub const MAX_DEPTH: usize = 256;

/// The sanitiser for bodies with raw HTML: ammonia's safe defaults, plus
/// what our own Markdown output uses (heading ids, table wrappers, callouts'
/// `role`, task list checkboxes, column alignment).
static SANITIZER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class", "tabindex"])
        .add_tag_attributes("div", ["role"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"]);
    b
});

/// `html` without scripts, event handlers, `javascript:` URLs, iframes and
/// other active content. Its nesting must have been checked ([`Nesting`]).
pub fn clean(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// Elements whose end tag a parser infers from what follows (`<li>` ends
/// at the next `<li>`): they cannot nest in themselves, so they are not
/// counted, which keeps hand-written lists and tables from looking deep.
const IMPLIED_END: [&str; 22] = [
    "body", "caption", "colgroup", "dd", "dt", "head", "html", "li", "optgroup", "option", "p",
    "rb", "rp", "rt", "rtc", "tbody", "td", "tfoot", "th", "thead", "tr", "menuitem",
];

/// Elements that have no content and no end tag.
const VOID: [&str; 18] = [
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img",
    "input", "keygen", "link", "meta", "param", "source", "track",
];

/// Elements whose content is text up to their end tag.
const RAW_TEXT: [&str; 9] = [
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "script",
    "style",
    "textarea",
    "title",
];

/// How many attributes a tag may have: html5ever compares each attribute
/// with the ones before it, so a tag with many costs their square.
pub const MAX_ATTRIBUTES: usize = 512;

/// What makes raw HTML too costly to sanitise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excess {
    /// Elements nest deeper than the limit.
    Depth,
    /// A tag has more than [`MAX_ATTRIBUTES`] attributes.
    Attributes,
}

/// A tag being read, after its name.
#[derive(Debug, Clone, Default)]
struct Tag {
    /// `</name`.
    closing: bool,
    /// Its name, lower case.
    name: String,
    /// The quote of the attribute value being read, if in one.
    quote: Option<char>,
    /// Whether the last character was `/` (`<x/>`).
    slash: bool,
    /// Whether the last character was white space.
    gap: bool,
    /// How many words (attributes, roughly) were read outside quotes.
    words: usize,
}

/// Where the reader of raw HTML is.
#[derive(Debug, Clone, Default)]
enum State {
    /// In text.
    #[default]
    Text,
    /// After `<`.
    Open,
    /// In a tag name (`</name` when `closing`).
    Name { closing: bool, name: String },
    /// In a tag, after its name.
    Tag(Tag),
    /// In `<!-- … -->`: how many `-` were just read.
    Comment { dashes: u8 },
    /// After `<!`: a comment if `-` `-` follow, else a declaration.
    Bang { dashes: u8 },
    /// In `<!…>` or `<?…>`, up to `>`.
    Declaration,
    /// In the text of a `<script>` or the like, up to its end tag (`end`
    /// is `</name`): how many characters of it were just read.
    RawText { end: String, matched: usize },
}

/// The nesting of a body as it is rendered: Markdown's elements (counted
/// by the caller) and the elements raw HTML opens and closes. Linear in the
/// text read: an end tag closes the elements above its own only when one
/// of that name is open, and each element is closed at most once.
#[derive(Debug, Default)]
pub struct Nesting {
    /// Elements open in raw HTML, lower case, innermost last.
    open: Vec<Box<str>>,
    /// How many of each are open.
    counts: HashMap<Box<str>, usize>,
    /// How many `svg` and `math` elements are open (`<x/>` closes itself there).
    foreign: usize,
    state: State,
}

impl Nesting {
    /// How many raw HTML elements are open.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// Reads a piece of raw HTML (pieces follow each other: a tag may
    /// continue in the next one). Returns the byte offset in `html` where
    /// it first became too costly: `limit` raw elements open, or a tag with
    /// too many attributes.
    pub fn read(&mut self, html: &str, limit: usize) -> Option<(usize, Excess)> {
        let mut excess = None;
        for (at, c) in html.char_indices() {
            self.state = match std::mem::take(&mut self.state) {
                State::Text => match c {
                    '<' => State::Open,
                    _ => State::Text,
                },
                State::Open => match c {
                    '/' => State::Name {
                        closing: true,
                        name: String::new(),
                    },
                    '!' => State::Bang { dashes: 0 },
                    '?' => State::Declaration,
                    c if c.is_ascii_alphabetic() => State::Name {
                        closing: false,
                        name: c.to_ascii_lowercase().to_string(),
                    },
                    '<' => State::Open,
                    _ => State::Text,
                },
                State::Name { closing, mut name } => match c {
                    c if c.is_ascii_whitespace() || c == '/' => State::Tag(Tag {
                        closing,
                        name,
                        slash: c == '/',
                        gap: c != '/',
                        ..Tag::default()
                    }),
                    '>' => self.tag(closing, name, false),
                    c => {
                        // Names are short; a long one is text to a parser too.
                        if name.len() < 64 {
                            name.push(c.to_ascii_lowercase());
                        }
                        State::Name { closing, name }
                    }
                },
                State::Tag(mut tag) => match (tag.quote, c) {
                    (Some(q), c) => {
                        tag.quote = (c != q).then_some(q);
                        State::Tag(tag)
                    }
                    (None, '>') => self.tag(tag.closing, tag.name, tag.slash),
                    (None, c) => {
                        let gap = c.is_ascii_whitespace();
                        if tag.gap && !gap {
                            tag.words += 1;
                            if tag.words > MAX_ATTRIBUTES {
                                excess.get_or_insert((at, Excess::Attributes));
                            }
                        }
                        tag.quote = matches!(c, '"' | '\'').then_some(c);
                        (tag.gap, tag.slash) = (gap, c == '/');
                        State::Tag(tag)
                    }
                },
                State::Bang { dashes } => match (dashes, c) {
                    (0, '-') => State::Bang { dashes: 1 },
                    (1, '-') => State::Comment { dashes: 0 },
                    (_, '>') => State::Text,
                    _ => State::Declaration,
                },
                State::Comment { dashes } => match c {
                    '-' => State::Comment {
                        dashes: dashes.saturating_add(1),
                    },
                    '>' if dashes >= 2 => State::Text,
                    _ => State::Comment { dashes: 0 },
                },
                State::Declaration => match c {
                    '>' => State::Text,
                    _ => State::Declaration,
                },
                State::RawText { end, matched } => {
                    let matched = match end.as_bytes().get(matched) {
                        Some(&b) if c.to_ascii_lowercase() == char::from(b) => matched + 1,
                        _ if c == '<' => 1,
                        _ => 0,
                    };
                    match matched == end.len() {
                        true => State::Tag(Tag {
                            closing: true,
                            name: end[2..].to_owned(),
                            ..Tag::default()
                        }),
                        false => State::RawText { end, matched },
                    }
                }
            };
            if self.open.len() >= limit {
                excess.get_or_insert((at, Excess::Depth));
            }
        }
        excess
    }

    /// A tag has been read: opens or closes an element; the next state.
    fn tag(&mut self, closing: bool, name: String, self_closing: bool) -> State {
        let name = name.into_boxed_str();
        if closing {
            self.close(&name);
            return State::Text;
        }
        if VOID.contains(&&*name) || IMPLIED_END.contains(&&*name) {
            return State::Text;
        }
        if self_closing && self.foreign > 0 {
            return State::Text;
        }
        if RAW_TEXT.contains(&&*name) {
            return State::RawText {
                end: format!("</{name}"),
                matched: 0,
            };
        }
        if matches!(&*name, "svg" | "math") {
            self.foreign += 1;
        }
        *self.counts.entry(name.clone()).or_default() += 1;
        self.open.push(name);
        State::Text
    }

    /// Closes the innermost open element called `name`, and the elements
    /// inside it; an end tag for no open element is ignored, as a parser does.
    fn close(&mut self, name: &str) {
        if self.counts.get(name).is_none_or(|&n| n == 0) {
            return;
        }
        while let Some(top) = self.open.pop() {
            if let Some(n) = self.counts.get_mut(&top) {
                *n -= 1;
            }
            if matches!(&*top, "svg" | "math") {
                self.foreign -= 1;
            }
            if &*top == name {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_after(pieces: &[&str]) -> usize {
        let mut n = Nesting::default();
        for p in pieces {
            n.read(p, usize::MAX);
        }
        n.depth()
    }

    #[test]
    fn elements_open_and_close_by_name() {
        assert_eq!(depth_after(&["<div><section><b>x</b>"]), 2);
        assert_eq!(depth_after(&["<div><section><b>x</div>"]), 0);
        assert_eq!(
            depth_after(&["<div></span></span></span>"]),
            1,
            "stray end tags"
        );
        assert_eq!(depth_after(&["<DIV CLASS=\"a>b\"><Div>", "</div>"]), 1);
        assert_eq!(
            depth_after(&["<div\nclass='x'", ">", "<span>"]),
            2,
            "across pieces"
        );
    }

    #[test]
    fn void_implied_and_self_closing_elements() {
        assert_eq!(depth_after(&["<br><img src=x><hr/><input>"]), 0);
        assert_eq!(depth_after(&["<ul><li>a<li>b<li>c</ul>"]), 0);
        assert_eq!(depth_after(&["<table><tr><td>a<td>b<tr><td>c</table>"]), 0);
        assert_eq!(depth_after(&["<p>a<p>b<p>c"]), 0);
        // A parser ignores `/>` on an HTML element, but not inside SVG.
        assert_eq!(depth_after(&["<div/><div/>"]), 2);
        assert_eq!(depth_after(&["<svg><path/><path/><g>"]), 2);
    }

    #[test]
    fn comments_declarations_and_script_text_open_nothing() {
        assert_eq!(depth_after(&["<!-- <div> --><!DOCTYPE html><?xml x?>"]), 0);
        assert_eq!(depth_after(&["<!-- a -- b ---><div>"]), 1);
        assert_eq!(depth_after(&["<script>if (a<b) '<div>'</script><span>"]), 1);
        assert_eq!(depth_after(&["<style>", "div > p { }", "</STYLE>"]), 0);
    }

    #[test]
    fn the_offset_where_the_limit_is_reached_is_returned() {
        let mut n = Nesting::default();
        assert_eq!(n.read("<a><b>x", 3), None);
        assert_eq!(n.read("<i><u>", 3), Some((2, Excess::Depth)));
    }

    #[test]
    fn a_tag_with_too_many_attributes_is_found() {
        let mut n = Nesting::default();
        let many: String = (0..MAX_ATTRIBUTES)
            .map(|i| format!(" a{i}=\"x y\""))
            .collect();
        assert_eq!(n.read(&format!("<div{many}>"), usize::MAX), None);
        let tag = format!("<div{many} b c>");
        let at = tag.len() - "b c>".len();
        assert_eq!(n.read(&tag, usize::MAX), Some((at, Excess::Attributes)));
    }
}
