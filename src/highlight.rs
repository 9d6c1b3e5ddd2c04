//! Syntax highlighting of fenced code blocks, at build time, with syntect.
//!
//! A block becomes `<span class="hl-…">` elements: the classes are the
//! scope names of syntect's bundled Sublime syntaxes, prefixed with `hl-` so
//! they cannot meet a theme's own classes. The colours live in the theme's
//! `static/highlight.css`, which is generated from syntect's bundled themes
//! by this module's tests (so a theme folder can replace it like any other
//! static file, and the binary carries no colour themes).
//!
//! The syntaxes are loaded once per process, and only when a body has a
//! fenced block that names a language. A language that is unknown, or a
//! block that cannot be highlighted, renders as plain text: highlighting
//! never fails a build.

use std::sync::LazyLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The prefix of every highlighting class.
pub const PREFIX: &str = "hl-";

/// The class of a highlighted block's `<pre>`: the colours of its text and
/// background.
pub const BLOCK_CLASS: &str = "hl-code";

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: PREFIX };

/// Blocks larger than this render plain: a pathological block must not
/// hold up the build.
const MAX_BLOCK: usize = 256 * 1024;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// The first word of a fenced block's info string (`yaml title="x"` → `yaml`),
/// as pulldown-cmark puts it in the `language-` class.
pub fn language(info: &str) -> &str {
    info.split(' ').next().unwrap_or_default()
}

/// The bundled syntax's name for a language as written after the fence, or
/// None for plain text. Common names that syntect's bundle spells
/// differently are mapped; languages it lacks (TOML, PowerShell, HCL) are
/// listed so that they render plain without a look-up.
fn alias(lang: &str) -> Option<&str> {
    Some(match lang {
        "" | "text" | "txt" | "plain" | "plaintext" | "none" | "output" => return None,
        // Not in syntect's default set.
        "toml" | "ini" | "ps1" | "powershell" | "pwsh" | "hcl" | "terraform" | "tf"
        | "dockerfile" | "docker" => return None,
        "yml" | "yaml" => "YAML",
        "sh" | "shell" | "bash" | "zsh" | "console" | "shell-session" => {
            "Bourne Again Shell (bash)"
        }
        "json" | "jsonc" => "JSON",
        other => other,
    })
}

fn syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let lang = lang.to_ascii_lowercase();
    let name = alias(&lang)?;
    let set = &*SYNTAXES;
    let found = set
        .find_syntax_by_name(name)
        .or_else(|| set.find_syntax_by_token(name))?;
    (found.name != set.find_syntax_plain_text().name).then_some(found)
}

/// The highlighted HTML of `code` in language `lang` (the inside of its
/// `<code>` element), or None if it should render plain: unknown language,
/// a block too large, or an error in the highlighter.
pub fn highlight(lang: &str, code: &str) -> Option<String> {
    if code.len() > MAX_BLOCK || code.is_empty() {
        return None;
    }
    let syntax = syntax(lang)?;
    // A grammar's regex that the regex engine rejects panics inside
    // syntect: that block renders plain too.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut html = ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, STYLE);
        for line in LinesWithEndings::from(code) {
            html.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(html.finalize())
    }))
    .ok()
    .flatten()
}

/// `static/highlight.css`: made from syntect's bundled themes, checked in
/// with the theme, and compared with what this makes by a test (which
/// rewrites it when `ISMSBOOK_REGENERATE=1`), so it cannot go stale.
#[cfg(test)]
pub(crate) mod stylesheet {
    use syntect::highlighting::{Color, Theme, ThemeSet};

    use super::{BLOCK_CLASS, STYLE};

    /// The light scheme's theme.
    pub const LIGHT: &str = "InspiredGitHub";
    /// The dark scheme's theme.
    pub const DARK: &str = "base16-ocean.dark";
    /// WCAG AA for normal text.
    pub const MIN_CONTRAST: f64 = 4.5;
    /// What colours are moved to: a little above the minimum, so that
    /// checkers rounding differently still pass them.
    const TARGET: f64 = 4.6;

    /// WCAG relative luminance.
    pub fn luminance(c: Color) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
    }

    /// WCAG contrast ratio, 1 to 21.
    pub fn contrast(a: Color, b: Color) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    /// `fg`, moved toward black on a light background or white on a dark
    /// one until it reaches [`TARGET`] on `bg`.
    fn readable(fg: Color, bg: Color) -> Color {
        let fg = Color { a: 255, ..fg };
        if contrast(fg, bg) >= TARGET {
            return fg;
        }
        // Above this luminance black contrasts more than white.
        let to = if luminance(bg) > 0.179 { 0.0 } else { 255.0 };
        let mix = |v: u8, t: f64| (f64::from(v) * (1.0 - t) + to * t).round() as u8;
        (1..=100)
            .map(|step| {
                let t = f64::from(step) / 100.0;
                Color {
                    r: mix(fg.r, t),
                    g: mix(fg.g, t),
                    b: mix(fg.b, t),
                    a: 255,
                }
            })
            .find(|c| contrast(*c, bg) >= TARGET)
            .unwrap_or(fg)
    }

    /// A bundled theme as the stylesheet shows it: every foreground readable
    /// on the theme's background, and no backgrounds per scope (text inside
    /// such a span would need checking against each of them). A scope that
    /// marks text by its background alone (a diff's inserted lines), or in
    /// inverse video, gets that colour as its text colour instead.
    pub fn readable_theme(name: &str) -> Theme {
        let mut theme = ThemeSet::load_defaults().themes[name].clone();
        let bg = theme.settings.background.unwrap_or(Color::WHITE);
        let fg = theme.settings.foreground.unwrap_or(Color::BLACK);
        theme.settings.background = Some(Color { a: 255, ..bg });
        theme.settings.foreground = Some(readable(fg, bg));
        for item in &mut theme.scopes {
            let own_bg = item
                .style
                .background
                .take()
                .filter(|b| contrast(*b, bg) > 1.1);
            let fg = match (item.style.foreground, own_bg) {
                (None, Some(b)) => Some(b),
                (Some(f), Some(b)) if contrast(f, bg) < 1.5 => Some(b),
                (f, _) => f,
            };
            item.style.foreground = fg.map(|c| readable(c, bg));
        }
        theme
    }

    /// syntect's CSS for `theme`, one rule a line, every selector under
    /// `scope`; rules left empty are dropped.
    fn scoped(theme: &Theme, scope: &str, indent: &str) -> String {
        let css = syntect::html::css_for_theme_with_class_style(theme, STYLE)
            .expect("a bundled theme converts to CSS");
        let mut out = String::new();
        let mut lines = css.lines();
        while let Some(line) = lines.next() {
            let Some(selectors) = line.strip_suffix(" {") else {
                continue;
            };
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| *l != "}")
                .map(str::trim)
                .collect();
            let selectors: Vec<String> = selectors
                .split(", ")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| format!("{scope} {s}"))
                .collect();
            if body.is_empty() || selectors.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "{indent}{} {{ {} }}\n",
                selectors.join(", "),
                body.join(" ")
            ));
        }
        out
    }

    /// The whole stylesheet.
    pub fn generate() -> String {
        let (light, dark) = (readable_theme(LIGHT), readable_theme(DARK));
        let mut css = format!(
            "/* Colours of highlighted code blocks (`<pre class=\"{BLOCK_CLASS}\">`).\n\
             \x20* Generated by src/highlight.rs from syntect's \"{LIGHT}\" (light) and\n\
             \x20* \"{DARK}\" (dark) themes, text colours moved to at least\n\
             \x20* {MIN_CONTRAST}:1 on the block's background. Do not edit: run\n\
             \x20* ISMSBOOK_REGENERATE=1 cargo test --lib highlight\n\
             \x20* The scheme follows the system's unless <html data-theme=\"light|dark\"> says. */\n"
        );
        css.push_str("\n/* Light: the system's scheme, unless the page chose dark */\n");
        css.push_str("@media not all and (prefers-color-scheme: dark) {\n");
        css.push_str(&scoped(&light, ":root:not([data-theme=\"dark\"])", "  "));
        css.push_str("}\n\n/* Light: chosen by the page */\n");
        css.push_str(&scoped(&light, ":root[data-theme=\"light\"]", ""));
        css.push_str("\n/* Dark: the system's scheme, unless the page chose light */\n");
        css.push_str("@media (prefers-color-scheme: dark) {\n");
        css.push_str(&scoped(&dark, ":root:not([data-theme=\"light\"])", "  "));
        css.push_str("}\n\n/* Dark: chosen by the page */\n");
        css.push_str(&scoped(&dark, ":root[data-theme=\"dark\"]", ""));
        css.push_str(&format!(
            "\n/* Print: black on white */\n@media print {{\n  \
             .{BLOCK_CLASS}, .{BLOCK_CLASS} span {{ color: #000 !important; background: #fff !important; }}\n}}\n"
        ));
        css
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keys_and_values_get_different_classes() {
        let html = highlight("yaml", "owner: capture-team # team\n").unwrap();
        assert!(
            html.contains(r#"<span class="hl-entity hl-name hl-tag hl-yaml">owner</span>"#),
            "{html}"
        );
        assert!(
            html.contains(
                r#"<span class="hl-string hl-unquoted hl-plain hl-out hl-yaml">capture-team</span>"#
            ),
            "{html}"
        );
        assert!(html.contains(r#"<span class="hl-comment"#), "{html}");
    }

    #[test]
    fn aliases_and_plain_languages() {
        for lang in [
            "yml", "YAML", "sh", "shell", "console", "json", "go", "Rust",
        ] {
            assert!(syntax(lang).is_some(), "{lang}");
        }
        for lang in [
            "",
            "text",
            "plain",
            "toml",
            "ps1",
            "hcl",
            "nosuchlang",
            "txt",
        ] {
            assert!(syntax(lang).is_none(), "{lang}");
            assert_eq!(highlight(lang, "a = 1\n"), None, "{lang}");
        }
    }

    #[test]
    fn markup_in_code_stays_escaped() {
        let html = highlight("bash", "echo '<script>x</script>' && true\n").unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn the_stylesheet_is_current() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/highlight.css"
        );
        let css = stylesheet::generate();
        if std::env::var_os("ISMSBOOK_REGENERATE").is_some() {
            std::fs::write(path, &css).unwrap();
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == css,
            "{path} is stale: run ISMSBOOK_REGENERATE=1 cargo test --lib highlight"
        );
    }

    #[test]
    fn every_text_colour_is_readable_on_its_block() {
        use stylesheet::*;
        for name in [LIGHT, DARK] {
            let theme = readable_theme(name);
            let bg = theme.settings.background.unwrap();
            let colours = theme
                .scopes
                .iter()
                .filter_map(|i| i.style.foreground)
                .chain(theme.settings.foreground);
            for fg in colours {
                let ratio = contrast(fg, bg);
                assert!(
                    ratio >= MIN_CONTRAST,
                    "{name}: {fg:?} on {bg:?} is {ratio:.2}:1"
                );
            }
        }
    }

    #[test]
    fn info_string_first_word_is_the_language() {
        assert_eq!(language("yaml title=\"x\""), "yaml");
        assert_eq!(language(""), "");
    }
}
