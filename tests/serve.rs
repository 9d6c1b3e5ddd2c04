//! `ismsbook serve` on a copy of the example handbook: edits reach the
//! served pages and open browsers are told to reload; a broken file keeps
//! the last good site up with an error overlay; nothing outside the site is
//! ever served.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::http::{get, request};
use common::server::Server;
use common::*;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// The next message of type `kind`, skipping others.
fn wait_message(ws: &mut WebSocket<MaybeTlsStream<TcpStream>>, kind: &str) -> serde_json::Value {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(15) {
        if let Ok(Message::Text(text)) = ws.read() {
            let msg: serde_json::Value = serde_json::from_str(&text).unwrap();
            if msg["type"] == kind {
                return msg;
            }
        }
    }
    panic!("no `{kind}` message");
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

#[test]
fn an_edit_reaches_the_page_and_open_pages_are_told_to_reload() {
    let server = Server::start();
    let page = format!("{}policies/access-control.html", server.url);
    let (status, body) = get(&page);
    assert_eq!(status, 200);
    assert!(
        body.contains("/__ismsbook/livereload.js"),
        "reload script injected"
    );

    let mut ws = server.socket();
    assert_eq!(wait_message(&mut ws, "ok")["type"], "ok");
    edit(&server.path("policies/access-control.md"), |t| {
        t + "\n\nA sentence added while serving: zebra-crossing-42.\n"
    });
    wait_message(&mut ws, "reload");
    let (_, body) = get(&page);
    assert!(body.contains("zebra-crossing-42"), "the edit is served");
    // The control pages that list the policy were rebuilt too, and search knows the word.
    let (status, _) = get(&format!("{}controls/5.15.html", server.url));
    assert_eq!(status, 200);
    // The search index follows on its own thread.
    let started = Instant::now();
    loop {
        // The shard of "zebra": the longest key in the manifest that its hex starts with.
        let (_, manifest) = get(&format!("{}search/index.js", server.url));
        let key = manifest
            .find(",{")
            .zip(manifest.rfind(')'))
            .and_then(|(a, b)| serde_json::from_str::<serde_json::Value>(&manifest[a + 1..b]).ok())
            .and_then(|m| {
                m["t"]
                    .as_array()?
                    .iter()
                    .filter_map(|k| k.as_str())
                    .filter(|k| "7a65627261".starts_with(k))
                    .max_by_key(|k| k.len())
                    .map(str::to_owned)
            });
        if let Some(key) = key
            && get(&format!("{}search/t/{key}.js", server.url))
                .1
                .contains("zebra")
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "search data rebuilt"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // So does print.html, which holds every body.
    let started = Instant::now();
    while !get(&format!("{}print.html", server.url))
        .1
        .contains("zebra-crossing-42")
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "print.html rebuilt"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_policy_edit_reaches_the_reading_lists_and_packs_that_hold_it() {
    let server = Server::start();
    let mut ws = server.socket();
    wait_message(&mut ws, "ok");
    let minutes = |page: &str| {
        let (_, body) = get(&format!("{}{page}", server.url));
        let at = body.find(r#"data-policy="backup""#).expect("backup listed");
        let note = &body[at..at + body[at..].find("</li>").unwrap()];
        note.split("about ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(minutes("reading/engineer.html"), "4");
    // A thousand words more: about five minutes more.
    edit(&server.path("policies/backup.md"), |t| {
        t + "\n\nAppendix: kingfisher-restore-note. " + &"word ".repeat(1000) + "\n"
    });
    wait_message(&mut ws, "reload");
    assert_eq!(minutes("reading/engineer.html"), "9");
    let (_, pack) = get(&format!("{}reading/print/engineer.html", server.url));
    assert!(
        pack.contains("kingfisher-restore-note"),
        "the pack holds the new text"
    );
    let (_, role) = get(&format!("{}roles/engineer.html", server.url));
    assert!(
        role.contains("2.0 · 9 min"),
        "the role page shows the new time"
    );
    let (_, csv) = get(&format!("{}reading-lists.csv", server.url));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("Software Engineer,engineer,backup,") && l.contains(",9,")),
        "{csv}"
    );
}

#[test]
fn a_changed_title_reaches_every_page_that_shows_it() {
    let server = Server::start();
    let mut ws = server.socket();
    wait_message(&mut ws, "ok");
    edit(&server.path("policies/access-control.md"), |t| {
        t.replacen(
            "title: \"Access Control Policy\"",
            "title: \"Identity and Access Policy\"",
            1,
        )
        .replacen(
            "title: Access Control Policy",
            "title: Identity and Access Policy",
            1,
        )
    });
    wait_message(&mut ws, "reload");
    for page in [
        "controls/5.15.html",
        "policies/index.html",
        "roles/ciso.html",
        "soa.html",
    ] {
        let (_, body) = get(&format!("{}{page}", server.url));
        assert!(
            body.contains("Identity and Access Policy"),
            "{page} shows the new title"
        );
    }
}

#[test]
fn a_broken_file_keeps_the_last_good_site_and_shows_the_errors() {
    let server = Server::start();
    let page = format!("{}policies/backup.html", server.url);
    let (_, before) = get(&page);
    let mut ws = server.socket();
    wait_message(&mut ws, "ok");

    let file = server.path("policies/backup.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replacen("owner:", "owner: [unclosed\nfoo:", 1)).unwrap();
    let msg = wait_message(&mut ws, "errors");
    let first = &msg["errors"][0];
    assert!(
        first["file"]
            .as_str()
            .unwrap()
            .ends_with("policies/backup.md"),
        "{msg}"
    );
    assert!(first["line"].as_u64().unwrap() >= 2, "{msg}");

    let (status, during) = get(&page);
    assert_eq!(status, 200, "the last good page is still served");
    assert!(during.contains("ismsbook-errors"), "the overlay is served");
    assert!(
        during.contains("policies/backup.md:"),
        "it names the file and line"
    );
    assert!(
        during.contains("<h1>Backup Policy</h1>") || before.contains("Backup"),
        "old content"
    );

    std::fs::write(&file, good).unwrap();
    wait_message(&mut ws, "reload");
    let (_, after) = get(&page);
    assert!(
        !after.contains("id=\"ismsbook-errors\""),
        "the next good build clears the overlay"
    );
}

#[test]
fn new_deleted_and_renamed_files_are_picked_up() {
    let server = Server::start();
    let mut ws = server.socket();
    wait_message(&mut ws, "ok");
    let url = format!("{}procedures/new-procedure.html", server.url);
    assert_eq!(get(&url).0, 404);

    // An editor that saves by writing a temporary file and renaming it.
    let tmp = server.path("procedures/.new-procedure.md.tmp");
    std::fs::write(&tmp, "---\ntitle: New procedure\n---\nFresh text.\n").unwrap();
    std::fs::rename(&tmp, server.path("procedures/new-procedure.md")).unwrap();
    wait_message(&mut ws, "reload");
    let (status, body) = get(&url);
    assert_eq!(status, 200);
    assert!(body.contains("Fresh text."));

    std::fs::remove_file(server.path("procedures/new-procedure.md")).unwrap();
    wait_message(&mut ws, "reload");
    assert_eq!(get(&url).0, 404);
}

#[test]
fn only_files_of_the_site_are_served() {
    let server = Server::start();
    std::fs::write(server.book.path().join("secret.txt"), "top secret").unwrap();
    for path in [
        "../book.toml",
        "%2e%2e/book.toml",
        "%2E%2E/%2E%2E/etc/passwd",
        "static/../../book.toml",
        "policies%2f..%2f..%2fbook.toml",
        "..%5cbook.toml",
        "secret.txt",
        "content/policies/backup.md",
    ] {
        let (status, _, body) = request("GET", &format!("{}{path}", server.url));
        assert_eq!(status, 404, "{path}");
        let body = String::from_utf8_lossy(&body);
        assert!(
            !body.contains("top secret") && !body.contains("[book]"),
            "{path}"
        );
    }
    assert_eq!(request("POST", &server.url).0, 405);
    assert_eq!(
        request("DELETE", &format!("{}index.html", server.url)).0,
        405
    );
    let (status, head, body) = request("HEAD", &format!("{}soa.csv", server.url));
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: text/csv"), "{head}");
    assert!(body.is_empty());
    let (_, head, _) = request("GET", &format!("{}static/style.css", server.url));
    assert!(head.contains("Content-Type: text/css"), "{head}");
}

#[test]
fn the_reload_script_never_reaches_build_output() {
    let out = tempfile::tempdir().unwrap();
    let dest = out.path().join("book");
    assert_eq!(build(&repo(), &dest).code, 0);
    for rel in html_files(&dest) {
        assert!(!read(&dest, &rel).contains("__ismsbook"), "{rel}");
    }
}

#[test]
fn serve_binds_localhost_by_default() {
    let server = Server::start();
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
}
