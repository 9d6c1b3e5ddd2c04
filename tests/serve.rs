//! `ismsbook serve` on a copy of the example handbook: edits reach the
//! served pages and open browsers are told to reload; a broken file keeps
//! the last good site up with an error overlay; nothing outside the site is
//! ever served.
#![allow(clippy::unwrap_used)] // Tests fail loudly by design.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::http::{get, request};
use common::server::{Server, example_book};
use common::*;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// A reload socket as a page holds it, and the build it was told of last.
struct Page {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    build: String,
}

impl Page {
    /// Opens the reload socket; the server first sends the current state.
    fn open(server: &Server) -> Page {
        let mut ws = server.socket();
        let hello = next_state(&mut ws);
        Page {
            build: hello["build"].as_str().unwrap().to_owned(),
            ws,
        }
    }

    /// Waits until the server names a newer build: the page would reload.
    fn wait_reload(&mut self) -> serde_json::Value {
        self.wait(|state, build| state["build"] != build)
    }

    /// Waits until the server reports a failed build.
    fn wait_errors(&mut self) -> serde_json::Value {
        self.wait(|state, _| state["type"] == "errors")
    }

    fn wait(&mut self, done: impl Fn(&serde_json::Value, &str) -> bool) -> serde_json::Value {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(30) {
            let state = next_state(&mut self.ws);
            let matched = done(&state, &self.build);
            self.build = state["build"].as_str().unwrap().to_owned();
            if matched {
                return state;
            }
        }
        panic!("no such state within 30 s");
    }
}

/// The next state message of a reload socket.
fn next_state(ws: &mut WebSocket<MaybeTlsStream<TcpStream>>) -> serde_json::Value {
    loop {
        match ws.read().unwrap() {
            Message::Text(text) => return serde_json::from_str(&text).unwrap(),
            _ => continue,
        }
    }
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

    let mut page_socket = Page::open(&server);
    edit(&server.path("policies/access-control.md"), |t| {
        t + "\n\nA sentence added while serving: zebra-crossing-42.\n"
    });
    page_socket.wait_reload();
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

/// The count in a state's build name (`server-count`).
fn build_number(state: &serde_json::Value) -> u64 {
    let name = state["build"].as_str().unwrap();
    name.rsplit('-').next().unwrap().parse().unwrap()
}

#[test]
fn a_body_edit_names_the_pages_it_changed_and_other_edits_every_page() {
    let server = Server::start();
    let mut page = Page::open(&server);
    let file = server.path("policies/backup.md");
    edit(&file, |t| t + "\n\nA body edit: osprey-5.\n");
    let state = page.wait(|s, _| {
        s["changed"]
            .as_array()
            .is_some_and(|c| c.iter().any(|p| p == "policies/backup.html"))
    });
    let since = state["since"].as_u64().unwrap();
    assert!(
        since < build_number(&state),
        "pages of earlier builds stay current: {state}"
    );
    let changed = state["changed"].as_array().unwrap();
    assert!(
        !changed
            .iter()
            .any(|p| p == "policies/access-control.html" || p == "index.html"),
        "only pages the edit changed: {state}"
    );
    // A front-matter edit may change any page: every earlier page reloads.
    edit(&file, |t| {
        t.replacen("title: \"Backup Policy\"", "title: \"Backups\"", 1)
    });
    let state = page.wait(|s, _| s["since"].as_u64() == Some(build_number(s)));
    assert_eq!(state["changed"], serde_json::json!([]), "{state}");
}

#[test]
fn print_html_follows_the_last_good_build_when_the_next_save_fails() {
    let server = Server::start();
    let mut page = Page::open(&server);
    edit(&server.path("policies/backup.md"), |t| {
        t + "\n\nSaved just before a broken save: pelican-77.\n"
    });
    page.wait_reload();
    // At once, before print.html is made again, a save that breaks the build.
    edit(&server.path("policies/access-control.md"), |t| {
        t.replacen("owner:", "owner: [unclosed\nfoo:", 1)
    });
    page.wait_errors();
    let started = Instant::now();
    while !get(&format!("{}print.html", server.url))
        .1
        .contains("pelican-77")
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "print.html of the last good build"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_policy_edit_reaches_the_reading_lists_and_packs_that_hold_it() {
    let server = Server::start();
    let mut page_socket = Page::open(&server);
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
    page_socket.wait_reload();
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
    let mut page = Page::open(&server);
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
    page.wait_reload();
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
fn a_risk_edit_reaches_its_page_and_a_new_score_the_register() {
    let server = Server::start();
    let mut page = Page::open(&server);
    edit(&server.path("risks/R-05.md"), |t| {
        t + "\n\nA sentence added while serving: kingfisher-77.\n"
    });
    page.wait_reload();
    let (_, body) = get(&format!("{}risks/R-05.html", server.url));
    assert!(
        body.contains("kingfisher-77"),
        "the risk's page re-rendered"
    );
    // A new score moves the risk on the heat map: every page is rebuilt.
    edit(&server.path("risks/R-05.md"), |t| {
        t.replacen(
            "residual: {likelihood: 2, impact: 4}",
            "residual: {likelihood: 1, impact: 4}",
            1,
        )
    });
    page.wait_reload();
    let (_, register) = get(&format!("{}risks.html", server.url));
    assert!(
        register.contains(r##"<a href="#residual-1-4" aria-label="1 Low risk"##),
        "R-05 is now at likelihood 1, impact 4"
    );
}

#[test]
fn a_broken_file_keeps_the_last_good_site_and_shows_the_errors() {
    let server = Server::start();
    let page = format!("{}policies/backup.html", server.url);
    let (_, before) = get(&page);
    let mut socket = Page::open(&server);

    let file = server.path("policies/backup.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replacen("owner:", "owner: [unclosed\nfoo:", 1)).unwrap();
    let msg = socket.wait_errors();
    let first = &msg["errors"][0];
    assert!(
        first["file"]
            .as_str()
            .unwrap()
            .ends_with("policies/backup.md"),
        "{msg}"
    );
    assert!(first["line"].as_u64().unwrap() >= 2, "{msg}");
    assert_eq!(msg["built"], true, "{msg}");

    let (status, during) = get(&page);
    assert_eq!(status, 200, "the last good page is still served");
    assert!(
        during.contains("id=\"ismsbook-state\""),
        "the page carries the errors for its overlay"
    );
    assert!(
        during.contains("policies/backup.md"),
        "it names the file and line"
    );
    assert!(
        during.contains("<h1>Backup Policy</h1>") || before.contains("Backup"),
        "old content"
    );
    let stderr = server.wait_stderr("still serving the last good build");
    assert!(stderr.contains("policies/backup.md:"), "{stderr}");

    std::fs::write(&file, good).unwrap();
    socket.wait_reload();
    let (_, after) = get(&page);
    assert!(
        !after.contains("ismsbook-state"),
        "the next good build clears the overlay"
    );
}

#[test]
fn new_deleted_and_renamed_files_are_picked_up() {
    let server = Server::start();
    let mut page = Page::open(&server);
    let url = format!("{}procedures/new-procedure.html", server.url);
    assert_eq!(get(&url).0, 404);

    // An editor that saves by writing a temporary file and renaming it.
    let tmp = server.path("procedures/.new-procedure.md.tmp");
    std::fs::write(&tmp, "---\ntitle: New procedure\n---\nFresh text.\n").unwrap();
    std::fs::rename(&tmp, server.path("procedures/new-procedure.md")).unwrap();
    page.wait_reload();
    let (status, body) = get(&url);
    assert_eq!(status, 200);
    assert!(body.contains("Fresh text."));

    std::fs::remove_file(server.path("procedures/new-procedure.md")).unwrap();
    page.wait_reload();
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
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/csv"),
        "{head}"
    );
    assert!(body.is_empty());
    let (_, head, _) = request("GET", &format!("{}static/style.css", server.url));
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/css"),
        "{head}"
    );
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

/// One page view as a browser makes it: the page, then its reload socket,
/// closed with a close frame when the tab goes.
fn view_page(server: &Server, page: &str) {
    let (status, _) = get(&format!("{}{page}", server.url));
    assert_eq!(status, 200);
    let mut ws = server.socket();
    next_state(&mut ws);
    ws.close(None).unwrap();
    ws.flush().unwrap();
}

#[test]
fn closed_reload_sockets_are_dropped_at_once_2000_views_under_256_descriptors() {
    let server = Server::launch(example_book(), &[], Some(256));
    for view in 0..2000 {
        if view % 500 == 0 {
            eprintln!("view {view}: {} descriptors", server.descriptors());
        }
        view_page(&server, "policies/backup.html");
    }
    let (status, body) = get(&format!("{}policies/backup.html", server.url));
    assert_eq!(status, 200);
    assert!(body.contains("Backup Policy"));
    // Every socket of the 2,000 views is gone (a few may still be closing).
    let started = Instant::now();
    while server.descriptors() > 40 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{} descriptors held after 2,000 closed views",
            server.descriptors()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn out_of_descriptors_the_server_pauses_accepting_and_keeps_listening() {
    let server = Server::launch(example_book(), &[], Some(256));
    // More idle connections than the server may hold descriptors.
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(server.address()).unwrap())
        .collect();
    server.wait_stderr("cannot accept connections");
    drop(idle);
    let started = Instant::now();
    loop {
        let (status, _) = get(&format!("{}index.html", server.url));
        if status == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "status {status}"
        );
    }
    view_page(&server, "index.html");
}

/// A reload socket of a page that never reads anything, with a receive
/// buffer as small as the system allows.
fn stuck_socket(server: &Server) -> socket2::Socket {
    let address: std::net::SocketAddr = server.address().parse().unwrap();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    socket.connect(&address.into()).unwrap();
    let mut stream: TcpStream = socket.try_clone().unwrap().into();
    write!(
        stream,
        "GET /__ismsbook/ws HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        server.address()
    )
    .unwrap();
    socket
}

#[test]
fn a_stuck_reload_socket_and_a_burst_of_errors_do_not_stop_edits_reaching_pages() {
    let server = Server::start();
    let stuck: Vec<socket2::Socket> = (0..4).map(|_| stuck_socket(&server)).collect();
    let mut page = Page::open(&server);
    let file = server.path("policies/backup.md");
    let good = std::fs::read_to_string(&file).unwrap();
    // Failed saves, each with thousands of broken links.
    for save in 0..4 {
        let links: String = (0..3000)
            .map(|i| format!("[gone](nowhere-{save}-{i}.md)\n"))
            .collect();
        std::fs::write(&file, format!("{good}\n\n{links}")).unwrap();
        let state = page.wait_errors();
        assert_eq!(state["total"], 3000, "save {save}");
    }
    std::fs::write(&file, format!("{good}\n\nRepaired at last: osprey-12.\n")).unwrap();
    page.wait_reload();
    let started = Instant::now();
    let (status, body) = get(&format!("{}policies/backup.html", server.url));
    assert_eq!(status, 200);
    assert!(body.contains("osprey-12"), "the edit is served");
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(stuck);
}

#[test]
fn slow_readers_of_a_large_file_do_not_starve_other_clients() {
    let book = example_book();
    let files = book.path().join("content/files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("big.bin"), vec![7u8; 20 << 20]).unwrap();
    let server = Server::launch(book, &[], None);
    let (status, _, body) = request("HEAD", &format!("{}files/big.bin", server.url));
    assert_eq!((status, body.len()), (200, 0));
    // Clients that ask for 20 MB and never read it.
    let slow: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect(server.address()).unwrap();
            write!(s, "GET /files/big.bin HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // Each of these would wait for ever if the slow readers held the workers.
    for _ in 0..20 {
        let (status, body) = get(&format!("{}policies/backup.html", server.url));
        assert_eq!(status, 200);
        assert!(body.contains("Backup Policy"));
    }
    view_page(&server, "index.html");
    drop(slow);
}

#[test]
fn a_request_head_over_64_kib_is_refused_with_431_and_not_kept() {
    let server = Server::start();
    get(&server.url);
    let rss_before = server.rss_kb();
    // A header that would go on for 400 MB: the server stops reading it.
    let mut stream = TcpStream::connect(server.address()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ").unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut sent = 0;
    while sent < 400 && stream.write_all(&chunk).is_ok() {
        sent += 1;
    }
    assert!(sent < 400, "the server read a 400 MB header");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 431 "),
        "{:?}",
        &answer[..answer.len().min(200)]
    );
    assert!(
        server.rss_kb() < rss_before + 16 * 1024,
        "RSS grew from {rss_before} kB to {} kB",
        server.rss_kb()
    );
    // A head just under the cap is answered.
    let (status, _, _) = request_with_header(&server, &"b".repeat(60 * 1024));
    assert_eq!(status, 200);
    let (status, _, _) = request_with_header(&server, &"b".repeat(70 * 1024));
    assert_eq!(status, 431);
}

/// GET / with one header of `value`. The server may answer a head over
/// its cap and close before the whole head is written: a failed write is
/// not the test's concern, the answer is.
fn request_with_header(server: &Server, value: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(server.address()).unwrap();
    let _ = write!(
        stream,
        "GET / HTTP/1.1\r\nHost: x\r\nX-Long: {value}\r\nConnection: close\r\n\r\n"
    );
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text, raw)
}

#[test]
fn a_folder_redirect_stays_on_the_same_origin() {
    let server = Server::start();
    for path in ["policies", "/policies", "//policies", "/%2Fpolicies"] {
        let (status, head, _) = request("GET", &format!("{}{path}", server.url));
        if status == 301 {
            assert!(
                head.to_ascii_lowercase()
                    .contains("\r\nlocation: /policies/"),
                "{path}: {head}"
            );
        } else {
            assert_eq!(status, 404, "{path}: {head}");
        }
    }
    let (status, head, _) = request("GET", &format!("{}/policies", server.url));
    assert_eq!(status, 301, "{head}");
}

#[test]
fn serving_on_a_non_loopback_address_warns_that_drafts_are_reachable() {
    let server = Server::launch(example_book(), &["-n", "0.0.0.0"], None);
    let stderr = server.wait_stderr("warning: listening on 0.0.0.0:");
    assert!(
        stderr.contains("drafts included") && stderr.contains("reachable"),
        "{stderr}"
    );
    let local = Server::start();
    get(&local.url);
    assert!(!local.stderr().contains("reachable"), "{}", local.stderr());
}

#[test]
fn a_port_in_use_suggests_another_or_p_0() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let book = example_book();
    let run: Run = ismsbook()
        .arg("serve")
        .arg(book.path())
        .args(["-p", &port, "--today", TODAY])
        .output()
        .unwrap()
        .into();
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`-p 0`"), "{}", run.stderr);
}

#[test]
fn serve_on_a_broken_handbook_serves_nothing_until_it_builds() {
    let book = example_book();
    let file = book.path().join("content/policies/backup.md");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replacen("owner:", "owner: [unclosed\nfoo:", 1)).unwrap();
    let server = Server::launch(book, &[], None);
    let stderr = server.wait_stderr("nothing to serve until they are fixed");
    assert!(!stderr.contains("last good build"), "{stderr}");
    let (status, body) = get(&format!("{}policies/backup.html", server.url));
    assert_eq!(status, 503);
    assert!(body.contains("has not built yet"), "{body}");
    assert!(
        body.contains("policies/backup.md"),
        "the errors come with it"
    );

    let mut page = Page::open(&server);
    std::fs::write(server.path("policies/backup.md"), good).unwrap();
    page.wait_reload();
    let (status, body) = get(&format!("{}policies/backup.html", server.url));
    assert_eq!(status, 200);
    assert!(body.contains("Backup Policy"));
}
