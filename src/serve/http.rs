//! Answering HTTP requests from the in-memory site.
//!
//! Only GET and HEAD; only files of the site (a path is decoded, then any
//! `..`, `.`, backslash, NUL or encoded slash makes it a 404, so nothing
//! outside the site can be named); HTML gets the live-reload script, and
//! the error overlay while the last build failed.

use std::io::Cursor;

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::memory::Snapshot;
use crate::diagnostics::Diagnostic;

/// Where the live-reload script is served.
pub const LIVERELOAD_PATH: &str = "/__ismsbook/livereload.js";
/// Where browsers open the reload WebSocket.
pub const WEBSOCKET_PATH: &str = "/__ismsbook/ws";
const LIVERELOAD_JS: &str = include_str!("livereload.js");

/// The site path a request path names, or None if it must not be served.
pub fn site_path(raw: &str) -> Option<String> {
    let path = raw.split(['?', '#']).next()?;
    if !path.starts_with('/') {
        return None;
    }
    let lower = path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return None;
    }
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" => {}
            "." | ".." => return None,
            p => parts.push(p),
        }
    }
    let mut key = parts.join("/");
    if key.is_empty() || decoded.ends_with('/') {
        if !key.is_empty() {
            key.push('/');
        }
        key.push_str("index.html");
    }
    Some(key)
}

/// The media type of a site path.
pub fn content_type(path: &str) -> &'static str {
    match path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("pdf") => "application/pdf",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        Some("xml") => "application/xml",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

fn escape(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let _ = tera::escape_html(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The error overlay, rendered on the server so a page opened after a
/// failed build shows it at once.
fn overlay(errors: &[Diagnostic]) -> String {
    let items: String = errors
        .iter()
        .map(|e| {
            format!(
                "<li><code>{}:{}:{}</code> {}</li>",
                escape(&e.file.display().to_string()),
                e.line,
                e.column,
                escape(&e.message)
            )
        })
        .collect();
    format!(
        "<div id=\"ismsbook-errors\" role=\"alertdialog\" aria-label=\"Build errors\"><div class=\"ismsbook-errors-inner\">\
         <h2>The handbook did not build</h2><p>The page below is the last good build. Fix these and save:</p>\
         <ul>{items}</ul></div></div>"
    )
}

const OVERLAY_STYLE: &str = "<style>#ismsbook-errors{position:fixed;inset:0;z-index:1000;background:rgba(20,24,30,.72);display:flex;align-items:flex-start;justify-content:center;padding:5vh 1rem;overflow:auto}\
#ismsbook-errors .ismsbook-errors-inner{background:#fff;color:#1b2430;max-width:60rem;width:100%;border-radius:8px;border-top:6px solid #b3261e;padding:1rem 1.5rem;font:15px/1.5 system-ui,sans-serif}\
#ismsbook-errors h2{margin:.2rem 0 .5rem;color:#8a1c17}#ismsbook-errors li{margin:.4rem 0}#ismsbook-errors code{font:13px ui-monospace,monospace;background:#f4f6f9;padding:.1rem .3rem;border-radius:4px}</style>";

/// A page with the live-reload script (and the overlay, if the build failed).
pub fn inject(html: &[u8], errors: &[Diagnostic]) -> Vec<u8> {
    let mut extra = format!("<script src=\"{LIVERELOAD_PATH}\"></script>");
    if !errors.is_empty() {
        extra.push_str(OVERLAY_STYLE);
        extra.push_str(&overlay(errors));
    }
    let text = String::from_utf8_lossy(html);
    let at = text.rfind("</body>").unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + extra.len());
    out.push_str(&text[..at]);
    out.push_str(&extra);
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// Answers one (non-WebSocket) request from `site`.
pub fn respond(request: Request, site: &Snapshot) {
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let mut response =
            Response::from_string("405 Method Not Allowed").with_status_code(StatusCode(405));
        if let Some(allow) = header("Allow", "GET, HEAD") {
            response = response.with_header(allow);
        }
        let _ = request.respond(response);
        return;
    }
    let (status, kind, body) = lookup(request.url(), site);
    let length = body.len();
    let mut headers: Vec<Header> = [
        header("Content-Type", kind),
        header("Cache-Control", "no-store"),
        header("X-Content-Type-Options", "nosniff"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if status == 301 {
        let location = format!("{}/", request.url().split('?').next().unwrap_or("/"));
        headers.extend(header("Location", &location));
    }
    let response = Response::new(
        StatusCode(status),
        headers,
        Cursor::new(if method == Method::Head {
            Vec::new()
        } else {
            body
        }),
        Some(length),
        None,
    );
    let _ = request.respond(response);
}

/// Status, media type and body for a request path.
pub fn lookup(url: &str, site: &Snapshot) -> (u16, &'static str, Vec<u8>) {
    if url.split('?').next() == Some(LIVERELOAD_PATH) {
        return (200, content_type(".js"), LIVERELOAD_JS.as_bytes().to_vec());
    }
    let page = |key: &str, status: u16| {
        site.files.get(key).map(|bytes| {
            let kind = content_type(key);
            let body = if kind.starts_with("text/html") {
                inject(bytes, &site.errors)
            } else {
                bytes.to_vec()
            };
            (status, kind, body)
        })
    };
    let found = site_path(url).and_then(|key| {
        page(&key, 200).or_else(|| {
            let folder_index = format!("{key}/index.html");
            site.files
                .contains_key(&folder_index)
                .then(|| (301, "text/plain", Vec::new()))
        })
    });
    found.or_else(|| page("404.html", 404)).unwrap_or_else(|| {
        let body = inject(
            b"<!DOCTYPE html><title>Not found</title><p>Not found.</p>",
            &site.errors,
        );
        (404, "text/html; charset=utf-8", body)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_inside_the_site_are_served() {
        let cases: &[(&str, Option<&str>)] = &[
            ("/", Some("index.html")),
            ("/policies/backup.html", Some("policies/backup.html")),
            ("/controls/5.15.html?x=1#top", Some("controls/5.15.html")),
            ("/procedures/", Some("procedures/index.html")),
            ("/a%20b.html", Some("a b.html")),
            ("/../book.toml", None),
            ("/static/../../book.toml", None),
            ("/%2e%2e/book.toml", None),
            ("/%2E%2E/%2E%2E/etc/passwd", None),
            ("/policies%2f..%2f..%2fbook.toml", None),
            ("/policies%5c..%5cbook.toml", None),
            ("/..%5cbook.toml", None),
            ("/./index.html", None),
            ("//etc/passwd", Some("etc/passwd")),
            ("/x%00.html", None),
            ("relative.html", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(site_path(raw).as_deref(), *expected, "{raw}");
        }
    }

    #[test]
    fn reload_script_goes_before_the_end_of_body() {
        let out = inject(b"<html><body><p>x</p></body></html>", &[]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "<html><body><p>x</p><script src=\"{LIVERELOAD_PATH}\"></script></body></html>"
            )
        );
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("a/b.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("soa.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("static/favicon.svg"), "image/svg+xml");
        assert_eq!(
            content_type("search/t/7061.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("file"), "application/octet-stream");
    }
}
