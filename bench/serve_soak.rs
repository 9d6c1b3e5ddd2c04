//! Soak test of `ismsbook serve`: many open tabs, a save every few
//! milliseconds, tabs opened and closed, for minutes.
//!
//! ```sh
//! cargo build --release && cargo build --release --example serve-soak
//! ./target/release/examples/serve-soak [options] [HANDBOOK_DIR]
//! ```
//!
//! Options (defaults in brackets): `--clients N` [200] open tabs,
//! `--edit-ms MS` [50] between saves (0: none), `--seconds S` [600],
//! `--slow-readers N` [0] connections that ask for a 20 MB file and never
//! read it (each replaced by a new one every 5 s), `--break-every N` [40] every Nth save breaks the build (0: never).
//!
//! Each tab is a thread that behaves as a browser does: it loads a page and
//! two of its files over one kept-alive connection (a request that fails
//! on a reused connection before any byte of the answer is retried once on
//! a new one, as browsers do), opens the reload WebSocket, and reloads when
//! told of a newer build. After 2–20 s it closes the socket with a close
//! frame, as a closing tab does, and opens another tab (at once, or after up
//! to 2 s). One thread saves a policy; one samples the server's threads,
//! descriptors and resident memory every second from `/proc`.
//!
//! It prints the requests made (HTTP requests and WebSocket handshakes),
//! the errors (any status of 400 or more, a failed or timed-out request or
//! handshake, a WebSocket closed by the server), HTTP latency from the
//! request's first byte written to the answer's last byte read, and the
//! server's peak and final threads, descriptors and RSS.
#![allow(clippy::unwrap_used)] // A benchmark fails loudly.

#[path = "release_serve.rs"]
mod release_serve;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

struct Settings {
    clients: usize,
    edit_ms: u64,
    seconds: u64,
    slow_readers: usize,
    break_every: u64,
    source: PathBuf,
}

fn settings() -> Settings {
    let mut s = Settings {
        clients: 200,
        edit_ms: 50,
        seconds: 600,
        slow_readers: 0,
        break_every: 40,
        source: PathBuf::from("."),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().and_then(|v| v.parse::<u64>().ok()).unwrap();
        match arg.as_str() {
            "--clients" => s.clients = value() as usize,
            "--edit-ms" => s.edit_ms = value(),
            "--seconds" => s.seconds = value(),
            "--slow-readers" => s.slow_readers = value() as usize,
            "--break-every" => s.break_every = value(),
            dir => s.source = PathBuf::from(dir),
        }
    }
    s
}

/// What all threads count.
#[derive(Default)]
struct Tally {
    http: AtomicU64,
    handshakes: AtomicU64,
    views: AtomicU64,
    reloads: AtomicU64,
    closed_tabs: AtomicU64,
    errors: Mutex<BTreeMap<String, (u64, String)>>,
    latencies_us: Mutex<Vec<u32>>,
}

impl Tally {
    fn error(&self, kind: &str, detail: impl Into<String>) {
        let mut errors = self.errors.lock().unwrap();
        let entry = errors.entry(kind.to_owned()).or_insert((0, detail.into()));
        entry.0 += 1;
    }
}

/// A tiny deterministic random source (xorshift), one per thread.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// One kept-alive HTTP/1.1 connection, as a tab holds it.
struct Http {
    address: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Http {
    /// GET `path`; the status and body. A request on a reused connection
    /// that the server had closed is retried once on a new one.
    fn get(&mut self, path: &str) -> Result<(u16, Vec<u8>), String> {
        let reused = self.stream.is_some();
        match self.try_get(path) {
            Err((false, _)) if reused => {
                self.stream = None;
                self.try_get(path).map_err(|(_, e)| e)
            }
            other => other.map_err(|(_, e)| e),
        }
    }

    /// Err((whether any byte of the answer came, why)).
    fn try_get(&mut self, path: &str) -> Result<(u16, Vec<u8>), (bool, String)> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(&self.address).map_err(|e| (false, e.to_string()))?;
            stream.set_nodelay(true).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            self.stream = Some(BufReader::new(stream));
        }
        let reader = self.stream.as_mut().unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.address);
        reader
            .get_mut()
            .write_all(request.as_bytes())
            .map_err(|e| (false, e.to_string()))?;
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => return Err((false, "connection closed".to_owned())),
            Err(e) => return Err((false, e.to_string())),
            Ok(_) => {}
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or((true, format!("bad status line {line:?}")))?;
        let (mut length, mut close) = (0usize, false);
        loop {
            let mut header = String::new();
            reader
                .read_line(&mut header)
                .map_err(|e| (true, e.to_string()))?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            let lower = header.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            } else if lower == "connection: close" {
                close = true;
            }
        }
        let mut body = vec![0u8; length];
        reader
            .read_exact(&mut body)
            .map_err(|e| (true, e.to_string()))?;
        if close {
            self.stream = None;
        }
        Ok((status, body))
    }
}

/// Loads a page as a browser does: the page, its stylesheet, the reload
/// script. The build the page names, if it loaded.
fn load(http: &mut Http, page: &str, tally: &Tally) -> Option<String> {
    let mut build = None;
    for path in [page, "/static/style.css", "/__ismsbook/livereload.js"] {
        let started = Instant::now();
        let result = http.get(path);
        tally.http.fetch_add(1, Ordering::Relaxed);
        match result {
            Ok((status, body)) if status < 400 => {
                let us = started.elapsed().as_micros().min(u32::MAX as u128) as u32;
                tally.latencies_us.lock().unwrap().push(us);
                if path == page {
                    build = page_build(&body);
                }
            }
            Ok((status, _)) => tally.error(&format!("HTTP {status}"), path),
            Err(e) => {
                tally.error("HTTP request failed", format!("{path}: {e}"));
                http.stream = None;
            }
        }
    }
    tally.views.fetch_add(1, Ordering::Relaxed);
    build
}

/// The `data-build` of the reload script in a page.
fn page_build(html: &[u8]) -> Option<String> {
    let html = String::from_utf8_lossy(html);
    let start = html.rfind("data-build=\"")? + "data-build=\"".len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

/// Opens the reload socket.
fn open_socket(address: &str, tally: &Tally) -> Option<Socket> {
    tally.handshakes.fetch_add(1, Ordering::Relaxed);
    let result = (|| {
        let stream = TcpStream::connect(address).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let url = format!("ws://{address}/__ismsbook/ws");
        let (mut ws, _) = tungstenite::client::client(url, MaybeTlsStream::Plain(stream))
            .map_err(|e| e.to_string())?;
        if let MaybeTlsStream::Plain(s) = ws.get_mut() {
            s.set_read_timeout(Some(Duration::from_millis(250)))
                .unwrap();
        }
        Ok::<_, String>(ws)
    })();
    result
        .map_err(|e| tally.error("WebSocket handshake failed", e))
        .ok()
}

/// The build named by the next state message.
fn read_build(ws: &mut Socket) -> tungstenite::Result<String> {
    loop {
        if let Message::Text(text) = ws.read()? {
            let state: serde_json::Value = serde_json::from_str(&text).unwrap();
            return Ok(state["build"].as_str().unwrap_or_default().to_owned());
        }
    }
}

/// One tab after another until `stop`.
fn tab_loop(
    id: usize,
    address: String,
    pages: Arc<Vec<String>>,
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
) {
    let mut random = Random(0x9E37_79B9_7F4A_7C15 ^ ((id as u64 + 1) * 0x2545_F491_4F6C_DD1D));
    // Tabs start over the first two seconds.
    std::thread::sleep(Duration::from_millis(random.below(2000)));
    while !stop.load(Ordering::Relaxed) {
        let page = pages[random.below(pages.len() as u64) as usize].clone();
        let mut http = Http {
            address: address.clone(),
            stream: None,
        };
        let closes_at = Instant::now() + Duration::from_millis(2000 + random.below(18_000));
        'tab: while Instant::now() < closes_at && !stop.load(Ordering::Relaxed) {
            let page_build = load(&mut http, &page, &tally);
            let Some(mut ws) = open_socket(&address, &tally) else {
                std::thread::sleep(Duration::from_millis(500));
                continue;
            };
            loop {
                if stop.load(Ordering::Relaxed) || Instant::now() >= closes_at {
                    let _ = ws.close(None);
                    let _ = ws.flush();
                    break 'tab;
                }
                match read_build(&mut ws) {
                    // As the page's script does: another build than its own reloads it,
                    // and the navigation closes its socket.
                    Ok(build) if Some(&build) != page_build.as_ref() => {
                        let _ = ws.close(None);
                        let _ = ws.flush();
                        tally.reloads.fetch_add(1, Ordering::Relaxed);
                        continue 'tab;
                    }
                    Ok(_) => {}
                    Err(tungstenite::Error::Io(e))
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) => {}
                    Err(e) => {
                        tally.error("WebSocket closed by the server", e.to_string());
                        continue 'tab;
                    }
                }
            }
        }
        tally.closed_tabs.fetch_add(1, Ordering::Relaxed);
        if random.below(10) < 3 {
            std::thread::sleep(Duration::from_millis(random.below(2000)));
        }
    }
}

/// Threads, descriptors and resident kB of a process.
fn sample(pid: u32) -> Option<(u64, u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
    };
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count() as u64;
    Some((field("Threads:")?, fds, field("VmRSS:")?))
}

fn main() {
    let s = settings();
    let work = release_serve::copy_handbook(&s.source, "ismsbook-serve-soak");
    if s.slow_readers > 0 {
        std::fs::create_dir_all(work.join("content/files")).unwrap();
        std::fs::write(work.join("content/files/big.bin"), vec![7u8; 20 << 20]).unwrap();
    }
    let policies: Vec<String> = release_serve::names(&work.join("content/policies"))
        .into_iter()
        .filter(|n| n.ends_with(".md"))
        .collect();
    let edited = work.join("content/policies").join(&policies[0]);
    let mut pages: Vec<String> = policies
        .iter()
        .map(|p| format!("/policies/{}", p.replace(".md", ".html")))
        .collect();
    pages.extend([
        "/".to_owned(),
        "/soa.html".to_owned(),
        "/controls/5.15.html".to_owned(),
    ]);
    let pages = Arc::new(pages);

    let log = std::fs::File::create(work.join("serve.log")).unwrap();
    let (mut child, url) = release_serve::start(&work, Stdio::from(log));
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let pid = child.id();
    println!(
        "serve-soak: {} tabs, a save every {} ms (every {}th breaks the build), {} s, {} slow readers; {address}, pid {pid}",
        s.clients, s.edit_ms, s.break_every, s.seconds, s.slow_readers
    );
    let stop = Arc::new(AtomicBool::new(false));
    // Slow readers: each asks for the 20 MB file and never reads; every 5 s
    // it is replaced by a new one, so there are always some the server has
    // not dropped yet.
    let slow: Vec<_> = (0..s.slow_readers)
        .map(|_| {
            let (address, stop) = (address.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let mut c = TcpStream::connect(&address).unwrap();
                    write!(c, "GET /files/big.bin HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
                    std::thread::sleep(Duration::from_secs(5));
                }
            })
        })
        .collect();
    let tally = Arc::new(Tally::default());
    let peaks = Arc::new(Mutex::new((0u64, 0u64, 0u64)));
    let monitor = {
        let (stop, peaks) = (stop.clone(), peaks.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                if let Some((t, f, r)) = sample(pid) {
                    let mut p = peaks.lock().unwrap();
                    *p = (p.0.max(t), p.1.max(f), p.2.max(r));
                    if started.elapsed().as_secs() % 60 == 0 {
                        eprintln!(
                            "{:>4} s: {t} threads, {f} descriptors, {} MB RSS",
                            started.elapsed().as_secs(),
                            r / 1024
                        );
                    }
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    let editor = {
        let (stop, edited) = (stop.clone(), edited.clone());
        let (every, break_every) = (s.edit_ms, s.break_every);
        std::thread::spawn(move || {
            let original = std::fs::read_to_string(&edited).unwrap();
            let mut edits = 0u64;
            while every > 0 && !stop.load(Ordering::Relaxed) {
                edits += 1;
                let extra = if break_every > 0 && edits % break_every == 0 {
                    "[a link to nowhere](no-such-policy.md)".to_owned()
                } else {
                    format!("Soak edit {edits}.")
                };
                std::fs::write(&edited, format!("{original}\n\n{extra}\n")).unwrap();
                std::thread::sleep(Duration::from_millis(every));
            }
            std::fs::write(&edited, original).unwrap();
            edits
        })
    };
    let started = Instant::now();
    let tabs: Vec<_> = (0..s.clients)
        .map(|id| {
            let (address, pages, tally, stop) =
                (address.clone(), pages.clone(), tally.clone(), stop.clone());
            std::thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || tab_loop(id, address, pages, tally, stop))
                .unwrap()
        })
        .collect();
    std::thread::sleep(Duration::from_secs(s.seconds));
    stop.store(true, Ordering::Relaxed);
    for tab in tabs {
        tab.join().unwrap();
    }
    let elapsed = started.elapsed();
    let edits = editor.join().unwrap();
    monitor.join().unwrap();
    for reader in slow {
        reader.join().unwrap();
    }
    // Closed tabs and idle connections have gone once the server's timeouts ran.
    std::thread::sleep(Duration::from_secs(20));
    let last = sample(pid);
    let still = {
        let mut http = Http {
            address: address.clone(),
            stream: None,
        };
        http.get("/").map(|(status, _)| status)
    };
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(work.join("serve.log")).unwrap_or_default();
    let rebuilt = log.lines().filter(|l| l.starts_with("Rebuilt")).count();
    let failed = log.lines().filter(|l| l.starts_with("error:")).count();
    let _ = std::fs::remove_dir_all(&work);

    let mut latencies = std::mem::take(&mut *tally.latencies_us.lock().unwrap());
    latencies.sort_unstable();
    let pick = |q: f64| {
        latencies
            .get(((latencies.len().max(1) - 1) as f64 * q).round() as usize)
            .map_or(0.0, |&us| us as f64 / 1000.0)
    };
    let http = tally.http.load(Ordering::Relaxed);
    let handshakes = tally.handshakes.load(Ordering::Relaxed);
    let errors = tally.errors.lock().unwrap();
    let error_count: u64 = errors.values().map(|(n, _)| n).sum();
    println!(
        "ran {:.0} s; {edits} saves: {rebuilt} rebuilt, {failed} failed builds",
        elapsed.as_secs_f64()
    );
    println!(
        "requests: {} ({http} HTTP, {handshakes} WebSocket handshakes); {} page views, {} reloads on a new build, {} tabs closed",
        http + handshakes,
        tally.views.load(Ordering::Relaxed),
        tally.reloads.load(Ordering::Relaxed),
        tally.closed_tabs.load(Ordering::Relaxed)
    );
    println!("errors: {error_count}");
    for (kind, (n, example)) in errors.iter() {
        println!("  {n} × {kind} (e.g. {example})");
    }
    println!(
        "HTTP latency: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pick(0.5),
        pick(0.9),
        pick(0.99),
        pick(1.0)
    );
    let peak = *peaks.lock().unwrap();
    let (t, f, r) = last.unwrap_or_default();
    println!(
        "server: threads peak {} final {t}; descriptors peak {} final {f}; RSS peak {:.1} MB final {:.1} MB",
        peak.0,
        peak.1,
        peak.2 as f64 / 1024.0,
        r as f64 / 1024.0
    );
    println!("after the run, GET / answered: {still:?}");
}
