//! `print.html`: the whole handbook on one page, for printing or saving as PDF.
//!
//! Every page the print holds gets an anchor whose id is its path from the
//! site root (`policies/backup.html`), so the theme's components link into
//! the print when rendered with `root = "#"`. Bodies were rendered for their
//! own pages: [`rewrite`] turns their links into these anchors and prefixes
//! their heading ids so they stay unique on one page.

use std::collections::HashSet;

use serde::Serialize;

use super::views::{self, Refs};
use crate::handbook::{Handbook, join, urls};

/// A document's view with its body rewritten for the print page.
#[derive(Serialize)]
pub struct Printed<V> {
    /// The page's path from the site root: the document's anchor.
    pub anchor: String,
    /// The usual view of the document (flattened: `p.title`, `p.owner`…).
    #[serde(flatten)]
    pub view: V,
    /// Its body HTML, links and ids rewritten for the print page.
    pub html: String,
}

/// Everything on the print page, in reading order.
#[derive(Serialize)]
pub struct PrintView<'a> {
    /// The home page, if there is one.
    pub home: Option<Printed<views::PageView<'a>>>,
    /// Policies, by title.
    pub policies: Vec<Printed<views::PolicyView<'a>>>,
    /// The Statement of Applicability.
    pub soa: Vec<views::SoaRow<'a>>,
    /// All 93 controls, in clause order.
    pub controls: Vec<Printed<views::ControlView<'a>>>,
    /// ISO/IEC 27002 entries of all controls, with the organisation's guidance.
    pub guidance: Vec<Printed<views::GuidanceView<'a>>>,
    /// Roles, by title.
    pub roles: Vec<Printed<views::RoleView<'a>>>,
    /// Other pages, by path.
    pub pages: Vec<Printed<views::PageView<'a>>>,
}

/// The print page's content.
pub fn view<'a>(h: &'a Handbook, refs: &Refs) -> PrintView<'a> {
    let mut printed: HashSet<String> = HashSet::new();
    printed.insert(urls::HOME.to_owned());
    printed.insert(urls::SOA.to_owned());
    printed.extend(h.policies.iter().map(|p| urls::policy(&p.id)));
    printed.extend(h.roles.iter().map(|r| urls::role(&r.id)));
    printed.extend(h.pages.iter().map(|p| p.url.clone()));
    for c in &h.controls {
        printed.insert(urls::control(c.info().id));
        printed.insert(urls::guidance(c.info().id));
    }
    let print = |url: String, html: &str| {
        let html = rewrite(html, &url, &printed);
        (url, html)
    };
    PrintView {
        home: h.home().map(|p| {
            let (anchor, html) = print(p.url.clone(), &p.body.html);
            Printed {
                anchor,
                view: views::page(p),
                html,
            }
        }),
        policies: h
            .policies
            .iter()
            .map(|p| {
                let (anchor, html) = print(urls::policy(&p.id), &p.body.html);
                Printed {
                    anchor,
                    view: views::policy(h, refs, p),
                    html,
                }
            })
            .collect(),
        soa: views::soa(h, refs),
        controls: h
            .controls
            .iter()
            .map(|c| {
                let body = c.statement.as_ref().map_or("", |s| s.body.html.as_str());
                let (anchor, html) = print(urls::control(c.info().id), body);
                Printed {
                    anchor,
                    view: views::control(h, refs, c),
                    html,
                }
            })
            .collect(),
        guidance: h
            .controls
            .iter()
            .map(|c| {
                let body = c.guidance.as_ref().map_or("", |g| g.body.html.as_str());
                let (anchor, html) = print(urls::guidance(c.info().id), body);
                Printed {
                    anchor,
                    view: views::guidance(h, refs, c),
                    html,
                }
            })
            .collect(),
        roles: h
            .roles
            .iter()
            .map(|r| {
                let (anchor, html) = print(urls::role(&r.id), &r.body.html);
                Printed {
                    anchor,
                    view: views::role(h, refs, r),
                    html,
                }
            })
            .collect(),
        pages: h
            .pages
            .iter()
            .filter(|p| p.url != urls::HOME)
            .map(|p| {
                let (anchor, html) = print(p.url.clone(), &p.body.html);
                Printed {
                    anchor,
                    view: views::page(p),
                    html,
                }
            })
            .collect(),
    }
}

/// Rewrites a body rendered for the page at `url` for the print page (at
/// the site root): ids get the page's prefix, links to printed pages become
/// in-page anchors, other relative links become relative to the root.
///
/// Our bodies come from pulldown-cmark (and ammonia), which always quote
/// attributes with `"` and escape `"` in text, so ` href="` only occurs in tags.
pub fn rewrite(html: &str, url: &str, printed: &HashSet<String>) -> String {
    let dir = url.rsplit_once('/').map_or("", |(d, _)| d);
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some((at, attr)) = next_attribute(rest) {
        let value_start = at + attr.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        let value = &rest[value_start..value_start + len];
        out.push_str(&rest[..value_start]);
        match attr {
            " id=\"" => out.push_str(&anchor(url, value)),
            _ => out.push_str(&link(dir, url, value, printed, attr == " href=\"")),
        }
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// The next ` id="`, ` href="` or ` src="` in `html`: its offset and which.
/// One pass over the text: every `="` is a candidate.
fn next_attribute(html: &str) -> Option<(usize, &'static str)> {
    html.match_indices("=\"").find_map(|(eq, _)| {
        [" id=\"", " href=\"", " src=\""].into_iter().find_map(|a| {
            let name = a.len() - 2;
            (eq >= name && html[eq - name..eq] == a[..name]).then(|| (eq - name, a))
        })
    })
}

/// The id of heading `id` of the page at `url`, on the print page.
fn anchor(url: &str, id: &str) -> String {
    format!("{url}--{id}")
}

fn link(dir: &str, url: &str, value: &str, printed: &HashSet<String>, is_href: bool) -> String {
    if let Some(fragment) = value.strip_prefix('#') {
        return format!("#{}", anchor(url, fragment));
    }
    let has_scheme = value
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
    if has_scheme || value.starts_with('/') || value.is_empty() {
        return value.to_owned();
    }
    let (path, fragment) = match value.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (value, None),
    };
    let Some(target) = join(dir, path) else {
        return value.to_owned();
    };
    if is_href && printed.contains(&target) {
        return match fragment {
            Some(f) if !f.is_empty() => format!("#{}", anchor(&target, f)),
            _ => format!("#{target}"),
        };
    }
    match fragment {
        Some(f) => format!("{target}#{f}"),
        None => target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_anchors_and_ids_get_the_page_prefix() {
        let printed: HashSet<String> = ["policies/backup.html", "controls/5.15.html"]
            .into_iter()
            .map(String::from)
            .collect();
        let body = r##"<h2 id="scope">Scope</h2><p><a href="../controls/5.15.html">c</a> <a href="backup.html#keys">k</a> <a href="#scope">s</a> <a href="../policies/index.html">all</a> <a href="https://x.example/a">x</a> <img src="../img/a.png" alt="a"> id=&quot;text&quot;</p>"##;
        let out = rewrite(body, "policies/backup.html", &printed);
        assert_eq!(
            out,
            r##"<h2 id="policies/backup.html--scope">Scope</h2><p><a href="#controls/5.15.html">c</a> <a href="#policies/backup.html--keys">k</a> <a href="#policies/backup.html--scope">s</a> <a href="policies/index.html">all</a> <a href="https://x.example/a">x</a> <img src="img/a.png" alt="a"> id=&quot;text&quot;</p>"##
        );
    }
}
