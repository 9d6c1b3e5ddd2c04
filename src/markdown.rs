//! Markdown bodies to HTML, with every link resolved.
//!
//! One pass of pulldown-cmark per document: links are handed to a
//! [`Resolve`] implementation (typed `policy:` / `control:` / `role:` /
//! `guidance:` links, relative `.md` links, assets), headings get stable
//! `id`s, tables get a scrolling wrapper for narrow screens. Broken links
//! come back with their byte offset so they can be reported at file:line.

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

use crate::diagnostics::Rule;
use crate::sanitize::{Excess, MAX_ATTRIBUTES, MAX_DEPTH, Nesting};

/// What to do with one link destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Leave it as written (external URL, in-page anchor).
    Keep,
    /// Point it here; `title` fills a link written with empty text.
    Rewrite {
        /// The new `href`, relative to the page being rendered.
        href: String,
        /// The target's title.
        title: Option<String>,
        /// The target page's path from the site root, when it shows a
        /// Markdown body whose headings a `#fragment` can name.
        page: Option<String>,
    },
    /// It points nowhere: the rule it breaks and why.
    Broken(Rule, String),
}

/// A link with a `#fragment` that should name a heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FragmentLink {
    /// Byte offset of the link in the body.
    pub offset: usize,
    /// The target page's path from the site root; None: this page.
    pub page: Option<String>,
    /// The fragment, without `#`.
    pub fragment: String,
}

/// Resolves the link destinations of one document.
pub trait Resolve {
    /// Decides what `dest`, as written in the Markdown, becomes.
    fn resolve(&self, dest: &str) -> Resolution;
}

/// A heading of a rendered body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Its `id` attribute.
    pub id: String,
    /// Its text.
    pub text: String,
}

/// The plain text of a body between two headings, for the search index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Section {
    /// The `id` of the heading that opens it (None: before the first heading).
    pub anchor: Option<String>,
    /// The heading's text.
    pub heading: String,
    /// The text under the heading, words separated by single spaces.
    pub text: String,
}

/// A body rendered to HTML.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// Its headings, in order.
    pub headings: Vec<Heading>,
    /// Its text, cut at headings.
    pub sections: Vec<Section>,
    /// Broken links: byte offset in the body, the rule, and why.
    pub broken: Vec<(usize, Rule, String)>,
    /// Links to headings, to check once every body has its headings.
    pub fragments: Vec<FragmentLink>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// A GitHub alert (`> [!WARNING]`) opens a callout: a box with the role
/// `note` (it is part of the text, not a landmark or a live alert), whose
/// kind is its visible title.
fn callout_start(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => {
            "<div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Note</p>\n"
        }
        BlockQuoteKind::Tip => {
            "<div class=\"callout callout-tip\" role=\"note\">\n<p class=\"callout-title\">Tip</p>\n"
        }
        BlockQuoteKind::Important => {
            "<div class=\"callout callout-important\" role=\"note\">\n<p class=\"callout-title\">Important</p>\n"
        }
        BlockQuoteKind::Warning => {
            "<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n"
        }
        BlockQuoteKind::Caution => {
            "<div class=\"callout callout-caution\" role=\"note\">\n<p class=\"callout-title\">Caution</p>\n"
        }
    }
}

/// How raw HTML written in Markdown is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawHtml {
    /// Sanitised: scripts, event handlers, `javascript:` URLs, iframes and
    /// other active content removed (the default).
    Sanitize,
    /// Passed through as written (`[output.html] allow-raw-html = true`).
    Allow,
}

/// Renders `body`, resolving its links with `resolver`.
pub fn render(body: &str, resolver: &impl Resolve) -> Rendered {
    render_with(body, resolver, RawHtml::Sanitize)
}

/// [`render`], choosing what happens to raw HTML.
pub fn render_with(body: &str, resolver: &impl Resolve, raw: RawHtml) -> Rendered {
    let mut broken = Vec::new();
    let mut fragments = Vec::new();
    let mut has_raw_html = false;
    let mut has_language = false;
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut fill_title: Option<String> = None;
    // How deep elements nest, and where they first nest too deep to sanitise.
    let (mut depth, mut nesting, mut too_deep) = (0usize, Nesting::default(), None);
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                let limit = MAX_DEPTH.saturating_sub(depth);
                if let Some((at, excess)) = nesting.read(html, limit) {
                    too_deep.get_or_insert(((range.start + at).min(range.end), excess));
                }
            }
            _ => {}
        }
        if depth + nesting.depth() >= MAX_DEPTH {
            too_deep.get_or_insert((range.start, Excess::Depth));
        }
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let fragment = dest_url
                    .split_once('#')
                    .map(|(_, f)| f)
                    .filter(|f| !f.is_empty());
                let dest_url = match resolver.resolve(&dest_url) {
                    Resolution::Keep => {
                        if let Some(fragment) = fragment
                            && dest_url.starts_with('#')
                        {
                            fragments.push(FragmentLink {
                                offset: range.start,
                                page: None,
                                fragment: fragment.to_owned(),
                            });
                        }
                        dest_url
                    }
                    Resolution::Rewrite { href, title, page } => {
                        if let (Some(fragment), Some(page)) = (fragment, page) {
                            fragments.push(FragmentLink {
                                offset: range.start,
                                page: Some(page),
                                fragment: fragment.to_owned(),
                            });
                        }
                        fill_title = title;
                        CowStr::from(href)
                    }
                    Resolution::Broken(rule, why) => {
                        broken.push((range.start, rule, why));
                        dest_url
                    }
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match resolver.resolve(&dest_url) {
                    Resolution::Keep => dest_url,
                    Resolution::Rewrite { href, .. } => CowStr::from(href),
                    Resolution::Broken(rule, why) => {
                        broken.push((range.start, rule, why));
                        dest_url
                    }
                };
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::End(TagEnd::Link) => {
                if let Some(title) = fill_title.take()
                    && matches!(events.last(), Some(Event::Start(Tag::Link { .. })))
                {
                    events.push(Event::Text(CowStr::from(title)));
                }
                Event::End(TagEnd::Link)
            }
            Event::Start(Tag::Table(alignments)) => {
                events.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"table-wrap\" tabindex=\"0\">",
                )));
                Event::Start(Tag::Table(alignments))
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                Event::Html(CowStr::Borrowed("</div>\n"))
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                Event::Html(CowStr::Borrowed(callout_start(kind)))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html(CowStr::Borrowed("</div>\n")),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                has_language |= !crate::highlight::language(&info).is_empty();
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
            }
            other => {
                if !matches!(other, Event::Start(_) | Event::End(_)) {
                    fill_title = None;
                }
                has_raw_html |= matches!(other, Event::Html(_) | Event::InlineHtml(_));
                other
            }
        };
        events.push(event);
    }
    let headings = assign_heading_ids(&mut events);
    let sections = sections(&events);
    if has_language {
        events = highlight_code_blocks(events);
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if has_raw_html && raw == RawHtml::Sanitize {
        html = match too_deep {
            None => crate::sanitize::clean(&html),
            Some((at, excess)) => {
                let why = match excess {
                    Excess::Depth => format!(
                        "elements nest more than {MAX_DEPTH} deep here (raw HTML, lists and \
                         block quotes counted together); raw HTML this deep cannot be checked \
                         in reasonable time: nest it less deeply"
                    ),
                    Excess::Attributes => format!(
                        "this tag has more than {MAX_ATTRIBUTES} attributes; raw HTML with so \
                         many cannot be checked in reasonable time: remove some"
                    ),
                };
                broken.push((at, Rule::RawHtmlTooComplex, why));
                String::new()
            }
        };
    }
    Rendered {
        html,
        headings,
        sections,
        broken,
        fragments,
    }
}

/// A piece of a one-line text field: plain text, or the text of a link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Piece {
    /// The text shown.
    pub text: String,
    /// Where the link leads, if it is one.
    pub href: Option<String>,
    /// Whether `href` is a path from the site root (to prefix with `root`);
    /// otherwise it is kept as written (another site, an anchor).
    pub local: bool,
}

/// A one-line text field with Markdown links, such as a control's
/// justification: its plain text, its pieces, and its links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inline {
    /// The text without markup: each link as its text, white space collapsed.
    pub text: String,
    /// The text in pieces, links apart.
    pub pieces: Vec<Piece>,
    /// Every link destination that resolved, as written.
    pub links: Vec<String>,
    /// Links that point nowhere: the destination as written, the rule and why.
    pub broken: Vec<(String, Rule, String)>,
}

/// Reads the links of a one-line field. Only links count: other markup
/// keeps its text and loses its form, so that the field reads the same in
/// a table cell, a CSV file and a page. `resolver` should resolve for a
/// page at the site root, so that local links come out as paths from it.
pub fn inline(text: &str, resolver: &impl Resolve) -> Inline {
    let mut out = Inline::default();
    let mut current = Piece {
        text: String::new(),
        href: None,
        local: false,
    };
    let mut fill_title: Option<String> = None;
    let flush = |out: &mut Inline, piece: &mut Piece| {
        if !piece.text.is_empty() || piece.href.is_some() {
            let next = Piece {
                text: String::new(),
                href: None,
                local: false,
            };
            out.pieces.push(std::mem::replace(piece, next));
        }
    };
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                flush(&mut out, &mut current);
                let (href, local) = match resolver.resolve(&dest_url) {
                    Resolution::Keep => (Some(dest_url.to_string()), false),
                    Resolution::Rewrite { href, title, .. } => {
                        fill_title = title;
                        (Some(href), true)
                    }
                    Resolution::Broken(rule, why) => {
                        out.broken.push((dest_url.to_string(), rule, why));
                        (None, false)
                    }
                };
                if href.is_some() {
                    out.links.push(dest_url.to_string());
                }
                current.href = href;
                current.local = local;
            }
            Event::End(TagEnd::Link) => {
                if current.text.is_empty() {
                    current.text = fill_title.take().unwrap_or_default();
                }
                fill_title = None;
                flush(&mut out, &mut current);
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                push_spaced(&mut current.text, &t);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => {
                push_spaced(&mut current.text, " ");
            }
            _ => {}
        }
    }
    flush(&mut out, &mut current);
    if let Some(first) = out.pieces.first_mut() {
        first.text = first.text.trim_start().to_owned();
    }
    if let Some(last) = out.pieces.last_mut() {
        let trimmed = last.text.trim_end().len();
        last.text.truncate(trimmed);
    }
    out.pieces
        .retain(|p| !p.text.is_empty() || p.href.is_some());
    for p in &out.pieces {
        push_spaced(&mut out.text, &p.text);
    }
    out
}

/// Appends `text` with every run of white space as one space, keeping a
/// space at either end (pieces of one line meet there).
fn push_spaced(target: &mut String, text: &str) {
    for c in text.chars() {
        if !c.is_whitespace() {
            target.push(c);
        } else if !target.ends_with(' ') {
            target.push(' ');
        }
    }
}

/// Replaces each fenced code block whose language can be highlighted with
/// one HTML event: `<pre class="hl-code" tabindex="0">`, then `<code
/// class="language-…">` as pulldown-cmark writes it, around highlighted
/// spans. Other blocks are left to pulldown-cmark.
fn highlight_code_blocks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = &event else {
            out.push(event);
            continue;
        };
        let lang = crate::highlight::language(info).to_owned();
        let mut block = vec![event];
        let mut code = String::new();
        for inner in events.by_ref() {
            let end = matches!(inner, Event::End(TagEnd::CodeBlock));
            if let Event::Text(t) = &inner {
                code.push_str(t);
            }
            block.push(inner);
            if end {
                break;
            }
        }
        match crate::highlight::highlight(&lang, &code) {
            Some(spans) => {
                let mut html = String::with_capacity(spans.len() + lang.len() + 60);
                html.push_str("<pre class=\"");
                html.push_str(crate::highlight::BLOCK_CLASS);
                // Focusable, so that a keyboard can scroll a long line.
                html.push_str("\" tabindex=\"0\"><code class=\"language-");
                for c in lang.chars() {
                    match c {
                        '&' => html.push_str("&amp;"),
                        '<' => html.push_str("&lt;"),
                        '>' => html.push_str("&gt;"),
                        '"' => html.push_str("&quot;"),
                        c => html.push(c),
                    }
                }
                html.push_str("\">");
                html.push_str(&spans);
                html.push_str("</code></pre>\n");
                out.push(Event::Html(CowStr::from(html)));
            }
            None => out.extend(block),
        }
    }
    out
}

/// Appends `text` with every run of white space as one space.
fn push_collapsed(target: &mut String, text: &str) {
    // Most text is ASCII with single spaces between words: copied as it is.
    let bytes = text.as_bytes();
    let plain = text.is_ascii()
        && bytes.first() != Some(&b' ')
        && !bytes.iter().enumerate().any(|(i, &b)| {
            b.is_ascii_whitespace() && (b != b' ' || bytes.get(i + 1) == Some(&b' '))
        });
    if plain {
        target.push_str(text);
        return;
    }
    let starts_with_space = text.starts_with(char::is_whitespace);
    if starts_with_space && !target.is_empty() && !target.ends_with(' ') {
        target.push(' ');
    }
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        target.push_str(word);
        if words.peek().is_some() {
            target.push(' ');
        }
    }
    if text.ends_with(char::is_whitespace) && !target.is_empty() && !target.ends_with(' ') {
        target.push(' ');
    }
}

/// The text of the body cut at every heading (headings already have ids).
fn sections(events: &[Event<'_>]) -> Vec<Section> {
    let mut out = vec![Section::default()];
    let mut in_heading = false;
    for event in events {
        let Some(current) = out.last_mut() else {
            break;
        };
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                in_heading = true;
                out.push(Section {
                    anchor: id.as_ref().map(|i| i.to_string()),
                    ..Section::default()
                });
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) => {
                let target = if in_heading {
                    &mut current.heading
                } else {
                    &mut current.text
                };
                push_collapsed(target, t);
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) if !in_heading && !current.text.is_empty() && !current.text.ends_with(' ') => {
                current.text.push(' ');
            }
            _ => {}
        }
    }
    for s in &mut out {
        let trimmed = s.text.trim_end().len();
        s.text.truncate(trimmed);
    }
    out.retain(|s| s.anchor.is_some() || !s.text.is_empty());
    out
}

/// Gives every heading an `id` (its own `{#id}` if written, else a slug of
/// its text, made unique in the document) and lists the headings.
fn assign_heading_ids(events: &mut [Event<'_>]) -> Vec<Heading> {
    let mut headings = Vec::new();
    let mut used = std::collections::HashSet::new();
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Heading { level, id, .. }) = &events[i] else {
            i += 1;
            continue;
        };
        let (level, written) = (heading_level(*level), id.as_ref().map(|s| s.to_string()));
        let mut text = String::new();
        let mut j = i + 1;
        while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
            if let Event::Text(t) | Event::Code(t) = &events[j] {
                text.push_str(t);
            }
            j += 1;
        }
        let base = written.unwrap_or_else(|| slug(&text));
        let mut id = base.clone();
        let mut n = 1;
        while !used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
            *slot = Some(CowStr::from(id.clone()));
        }
        headings.push(Heading { level, id, text });
        i = j;
    }
    headings
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A URL-fragment form of a heading: lower case, words joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if (c.is_whitespace() || c == '-' || c == '_' || c == '.') && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "section".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_fields_keep_their_links_and_lose_other_markup() {
        let i = inline(
            "Fraud is a *top-five* risk ([R-05](policy:backup)), see [](policy:backup) and [x](https://x.example/a) or [gone](policy:nope).",
            &Fixed,
        );
        assert_eq!(
            i.text,
            "Fraud is a top-five risk (R-05), see Backup Policy and x or gone."
        );
        let links: Vec<(&str, Option<&str>, bool)> = i
            .pieces
            .iter()
            .map(|p| (p.text.as_str(), p.href.as_deref(), p.local))
            .collect();
        assert_eq!(
            links,
            [
                ("Fraud is a top-five risk (", None, false),
                ("R-05", Some("../policies/backup.html"), true),
                ("), see ", None, false),
                ("Backup Policy", Some("../policies/backup.html"), true),
                (" and ", None, false),
                ("x", Some("https://x.example/a"), false),
                (" or ", None, false),
                ("gone", None, false),
                (".", None, false),
            ]
        );
        assert_eq!(
            i.links,
            ["policy:backup", "policy:backup", "https://x.example/a"]
        );
        assert_eq!(i.broken.len(), 1);
        assert_eq!(i.broken[0].0, "policy:nope");
    }

    #[test]
    fn text_is_collapsed_to_single_spaces() {
        let collapsed = |before: &str, parts: &[&str]| {
            let mut s = before.to_owned();
            for p in parts {
                push_collapsed(&mut s, p);
            }
            s
        };
        assert_eq!(collapsed("", &["plain words ", "next"]), "plain words next");
        assert_eq!(collapsed("a", &[" b", "  c\t\nd  ", "e"]), "a b c d e");
        assert_eq!(
            collapsed("", &["two  spaces", "\u{a0}nbsp x"]),
            "two spaces nbsp x"
        );
        assert_eq!(collapsed("a ", &["  b"]), "a b");
    }

    struct Fixed;
    impl Resolve for Fixed {
        fn resolve(&self, dest: &str) -> Resolution {
            match dest {
                "policy:backup" | "policy:backup#scope" => Resolution::Rewrite {
                    href: "../policies/backup.html".into(),
                    title: Some("Backup Policy".into()),
                    page: Some("policies/backup.html".into()),
                },
                "img.png#x" => Resolution::Rewrite {
                    href: "img.png#x".into(),
                    title: None,
                    page: None,
                },
                "policy:nope" => Resolution::Broken(Rule::BrokenLink, "no policy `nope`".into()),
                _ => Resolution::Keep,
            }
        }
    }

    #[test]
    fn typed_links_are_rewritten_and_empty_text_gets_the_title() {
        let r = render("See [](policy:backup) and [this](policy:backup).", &Fixed);
        assert!(
            r.html
                .contains(r#"<a href="../policies/backup.html">Backup Policy</a>"#),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains(r#"<a href="../policies/backup.html">this</a>"#)
        );
        assert!(r.broken.is_empty());
    }

    #[test]
    fn github_alerts_become_callouts_with_a_title() {
        let body = "> [!WARNING]\n> Never share your **password**.\n\n> [!TIP]\n> Use the manager.\n\n> A plain quote.\n";
        for raw in [RawHtml::Sanitize, RawHtml::Allow] {
            let r = render_with(&format!("{body}\n<b>raw</b>\n"), &Fixed, raw);
            assert!(
                r.html.contains("<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n<p>Never share your <strong>password</strong>.</p>\n</div>"),
                "{}",
                r.html
            );
            assert!(r.html.contains("<p class=\"callout-title\">Tip</p>"));
            assert!(
                r.html
                    .contains("<blockquote>\n<p>A plain quote.</p>\n</blockquote>")
            );
        }
        let r = render(body, &Fixed);
        assert_eq!(
            r.sections[0].text,
            "Never share your password. Use the manager. A plain quote."
        );
    }

    #[test]
    fn broken_links_report_their_offset() {
        let r = render("Line one\n\nSee [x](policy:nope).", &Fixed);
        assert_eq!(
            r.broken,
            vec![(14, Rule::BrokenLink, "no policy `nope`".to_owned())]
        );
    }

    #[test]
    fn links_to_headings_are_recorded_for_checking() {
        let r = render(
            "[a](#here) [b](policy:backup#scope) [c](policy:backup) [d](img.png#x) [e](#)",
            &Fixed,
        );
        assert_eq!(
            r.fragments,
            vec![
                FragmentLink {
                    offset: 0,
                    page: None,
                    fragment: "here".into()
                },
                FragmentLink {
                    offset: 11,
                    page: Some("policies/backup.html".into()),
                    fragment: "scope".into()
                },
            ]
        );
    }

    #[test]
    fn headings_get_unique_ids() {
        let r = render(
            "## Scope\n\n## Scope\n\n### Roles & duties {#roles}\n",
            &Fixed,
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["scope", "scope-1", "roles"]);
        assert!(
            r.html.contains(r#"<h2 id="scope-1">Scope</h2>"#),
            "{}",
            r.html
        );
    }

    #[test]
    fn tables_scroll_in_their_own_box() {
        let r = render("| a | b |\n|---|---|\n| 1 | 2 |\n", &Fixed);
        assert!(
            r.html
                .starts_with("<div class=\"table-wrap\" tabindex=\"0\"><table>")
        );
        assert!(
            r.html.trim_end().ends_with("</table>\n</div>") || r.html.contains("</table>\n</div>")
        );
    }

    #[test]
    fn text_is_cut_into_sections_at_headings() {
        let r = render(
            "Intro *text*.\n\n## Keys\n\nRotate `keys` yearly.\n\n- one\n- two\n",
            &Fixed,
        );
        assert_eq!(
            r.sections,
            vec![
                Section {
                    anchor: None,
                    heading: String::new(),
                    text: "Intro text.".into()
                },
                Section {
                    anchor: Some("keys".into()),
                    heading: "Keys".into(),
                    text: "Rotate keys yearly. one two".into()
                },
            ]
        );
    }

    #[test]
    fn raw_html_is_sanitised_unless_allowed() {
        let body = "Hi <script>alert(1)</script><b onclick=\"x()\">bold</b>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n<a href=\"javascript:alert(2)\">a</a>\n\n## Kept {#kept}\n\n| a |\n|:-:|\n| 1 |\n";
        let safe = render(body, &Fixed).html;
        for bad in ["<script", "onclick", "<iframe", "javascript:"] {
            assert!(!safe.contains(bad), "{bad} survived: {safe}");
        }
        assert!(safe.contains("<b>bold</b>"), "{safe}");
        assert!(safe.contains(r#"<h2 id="kept">"#), "{safe}");
        assert!(safe.contains(r#"class="table-wrap""#), "{safe}");
        let raw = render_with(body, &Fixed, RawHtml::Allow).html;
        assert!(raw.contains("<script>alert(1)</script>"));
    }

    #[test]
    fn a_yaml_block_is_highlighted_with_classes() {
        let r = render("```yaml\nbackup-tier: gold # tier\n```\n", &Fixed);
        assert!(
            r.html
                .starts_with(r#"<pre class="hl-code" tabindex="0"><code class="language-yaml"><span class="hl-source hl-yaml">"#),
            "{}",
            r.html
        );
        let key = r#"<span class="hl-entity hl-name hl-tag hl-yaml">backup-tier</span>"#;
        let value = r#"<span class="hl-string hl-unquoted hl-plain hl-out hl-yaml">gold</span>"#;
        assert!(r.html.contains(key) && r.html.contains(value), "{}", r.html);
        assert!(r.html.ends_with("</code></pre>\n"), "{}", r.html);
        // The search index still sees the code.
        assert_eq!(r.sections[0].text, "backup-tier: gold # tier");
    }

    #[test]
    fn unknown_languages_render_plain() {
        let code = "a <b> & \"c\"\n";
        let none = render(&format!("```\n{code}```\n"), &Fixed).html;
        assert_eq!(none, "<pre><code>a &lt;b&gt; &amp; \"c\"\n</code></pre>\n");
        for lang in ["foo", "text", "toml"] {
            let html = render(&format!("```{lang}\n{code}```\n"), &Fixed).html;
            let class = format!(r#"<pre><code class="language-{lang}">"#);
            assert_eq!(html, none.replace("<pre><code>", &class), "{lang}");
        }
    }

    #[test]
    fn markup_in_highlighted_code_stays_escaped() {
        let r = render("```bash\necho '<script>alert(1)</script>'\n```\n", &Fixed);
        assert!(r.html.contains("hl-source"), "{}", r.html);
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
    }

    #[test]
    fn the_sanitiser_keeps_highlighting_classes() {
        let r = render("<b>raw</b>\n\n```yml\nkey: value\n```\n", &Fixed);
        assert!(
            r.html.contains(r#"<pre class="hl-code" tabindex="0"><code class="language-yml"><span class="hl-source hl-yaml">"#),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains(r#"<span class="hl-entity hl-name hl-tag hl-yaml">key</span>"#),
            "{}",
            r.html
        );
    }

    #[test]
    fn slugs_are_lowercase_words() {
        assert_eq!(
            slug("Roles and Responsibilities"),
            "roles-and-responsibilities"
        );
        assert_eq!(slug("5.15 Access control"), "5-15-access-control");
        assert_eq!(slug("Ünïcode — ok?"), "ünïcode-ok");
        assert_eq!(slug("!!!"), "section");
    }
}
