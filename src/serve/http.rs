//! What to answer to an HTTP request, from the in-memory site.
//!
//! Only GET and HEAD; only files of the site (a path is decoded, then any
//! `..`, `.`, backslash, NUL or encoded slash makes it a 404, so nothing
//! outside the site can be named). HTML gets the live-reload script, and
//! the state of a failed build for its overlay, spliced in before
//! `</body>` as it is served: the file's bytes are shared, never copied.
//! A folder named without its slash is redirected to a path on the same
//! origin. Until a first build succeeds, every request gets a page that
//! says so (503).

use bytes::{Buf, Bytes};
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Response, StatusCode};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use super::memory::Snapshot;
use super::reload;

/// Where the live-reload script is served.
pub const LIVERELOAD_PATH: &str = "/__ismsbook/livereload.js";
/// Where browsers open the reload WebSocket.
pub const WEBSOCKET_PATH: &str = "/__ismsbook/ws";
const LIVERELOAD_JS: &str = include_str!("livereload.js");

/// A response body: a file of the site, with what `serve` adds to a page
/// spliced in, all three parts shared rather than copied.
pub type Body = Full<Chunks>;
/// The parts of a [`Body`]: before the insertion, the insertion, after it.
pub type Chunks = bytes::buf::Chain<Bytes, bytes::buf::Chain<Bytes, Bytes>>;

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

/// What a path segment may not hold unencoded in a `Location`.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The `Location` of the folder at site path `key`: a path on this origin
/// (`/a/b/`), rebuilt from its segments, so `//host` in a request can never
/// become a redirect to another host.
pub fn folder_location(key: &str) -> String {
    let mut location = String::from("/");
    for segment in key.split('/').filter(|s| !s.is_empty()) {
        location.extend(utf8_percent_encode(segment, SEGMENT));
        location.push('/');
    }
    location
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

/// What `serve` adds to every page: the state of a failed build (read by
/// the script at once, so the overlay shows without waiting for the
/// WebSocket) and the live-reload script, which knows the page's build.
fn additions(site: &Snapshot) -> String {
    let mut extra = String::new();
    if !site.errors.is_empty() {
        extra.push_str("<script type=\"application/json\" id=\"ismsbook-state\">");
        extra.push_str(&reload::script_safe(&reload::state_message(site)));
        extra.push_str("</script>");
    }
    extra.push_str(&format!(
        "<script src=\"{LIVERELOAD_PATH}\" data-build=\"{}\"></script>",
        site.build
    ));
    extra
}

/// A page with [`additions`] before its last `</body>` (at the end if it has none).
pub fn inject(html: Bytes, site: &Snapshot) -> Chunks {
    const END: &[u8] = b"</body>";
    let at = html
        .windows(END.len())
        .rposition(|w| w.eq_ignore_ascii_case(END))
        .unwrap_or(html.len());
    let extra = Bytes::from(additions(site));
    html.slice(..at).chain(extra.chain(html.slice(at..)))
}

/// One whole body.
fn whole(bytes: Bytes) -> Chunks {
    bytes.chain(Bytes::new().chain(Bytes::new()))
}

/// The answer to a request, before it becomes a response.
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Media type.
    pub kind: &'static str,
    /// The body.
    pub body: Chunks,
    /// Where a redirect points.
    pub location: Option<String>,
}

impl Reply {
    fn new(status: StatusCode, kind: &'static str, body: Chunks) -> Reply {
        Reply {
            status,
            kind,
            body,
            location: None,
        }
    }
}

/// The page served, for every path, until a first build succeeds.
const NOT_BUILT: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Not built yet</title></head>\
<body><main><h1>The handbook has not built yet</h1><p>Fix the problems listed and save: this page \
loads the handbook as soon as it builds.</p></main></body></html>";

/// Status, media type and body for a request path.
pub fn lookup(url: &str, site: &Snapshot) -> Reply {
    if url.split('?').next() == Some(LIVERELOAD_PATH) {
        let script = Bytes::from_static(LIVERELOAD_JS.as_bytes());
        return Reply::new(StatusCode::OK, content_type(".js"), whole(script));
    }
    if !site.build.exists() {
        let page = inject(Bytes::from_static(NOT_BUILT.as_bytes()), site);
        return Reply::new(StatusCode::SERVICE_UNAVAILABLE, content_type(".html"), page);
    }
    let page = |key: &str, status: StatusCode| {
        site.files.get(key).map(|bytes| {
            let kind = content_type(key);
            let bytes = Bytes::from_owner(bytes.clone());
            let body = if kind.starts_with("text/html") {
                inject(bytes, site)
            } else {
                whole(bytes)
            };
            Reply::new(status, kind, body)
        })
    };
    let found = site_path(url).and_then(|key| {
        page(&key, StatusCode::OK).or_else(|| {
            site.files
                .contains_key(&format!("{key}/index.html"))
                .then(|| Reply {
                    location: Some(folder_location(&key)),
                    ..Reply::new(
                        StatusCode::MOVED_PERMANENTLY,
                        "text/plain",
                        whole(Bytes::new()),
                    )
                })
        })
    });
    found
        .or_else(|| page("404.html", StatusCode::NOT_FOUND))
        .unwrap_or_else(|| {
            let body = inject(
                Bytes::from_static(b"<!DOCTYPE html><title>Not found</title><p>Not found.</p>"),
                site,
            );
            Reply::new(StatusCode::NOT_FOUND, content_type(".html"), body)
        })
}

/// Answers one (non-WebSocket) request from `site`.
pub fn respond(method: &Method, url: &str, site: &Snapshot) -> Response<Body> {
    let reply = if method == Method::GET || method == Method::HEAD {
        lookup(url, site)
    } else {
        Reply::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            whole(Bytes::from_static(b"405 Method Not Allowed")),
        )
    };
    let mut response = Response::new(Full::new(reply.body));
    *response.status_mut() = reply.status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(reply.kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if reply.status == StatusCode::METHOD_NOT_ALLOWED {
        headers.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    if let Some(location) = reply.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, location);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn text(chunks: Chunks) -> String {
        let mut chunks = chunks;
        String::from_utf8(chunks.copy_to_bytes(chunks.remaining()).to_vec()).unwrap()
    }

    fn site(files: &[(&str, &str)]) -> Snapshot {
        Snapshot {
            files: Arc::new(
                files
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), Arc::from(v.as_bytes())))
                    .collect(),
            ),
            build: super::super::memory::Build {
                server: 255,
                number: 3,
            },
            ..Snapshot::default()
        }
    }

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
    fn folders_redirect_to_paths_on_the_same_origin() {
        let site = site(&[("policies/index.html", "<p>x</p>"), ("a b/index.html", "")]);
        for (url, location) in [
            ("/policies", "/policies/"),
            ("//policies", "/policies/"),
            ("///policies?x=//evil.example", "/policies/"),
            ("/a%20b", "/a%20b/"),
        ] {
            let reply = lookup(url, &site);
            assert_eq!(reply.status, StatusCode::MOVED_PERMANENTLY, "{url}");
            assert_eq!(reply.location.as_deref(), Some(location), "{url}");
        }
        assert_eq!(folder_location("x/y?#"), "/x/y%3F%23/");
    }

    #[test]
    fn the_reload_script_goes_before_the_end_of_body_and_names_the_build() {
        let site = site(&[("index.html", "<html><body><p>x</p></body></html>")]);
        let reply = lookup("/", &site);
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            text(reply.body),
            format!(
                "<html><body><p>x</p><script src=\"{LIVERELOAD_PATH}\" data-build=\"ff-3\"></script></body></html>"
            )
        );
    }

    #[test]
    fn until_a_first_build_every_path_says_so() {
        let reply = lookup("/policies/backup.html", &Snapshot::default());
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(text(reply.body).contains("has not built yet"));
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
