//! `ismsbook serve`: build into memory, serve over HTTP, rebuild on change
//! and tell open pages to reload.
//!
//! 1. Build the site into a [`Memory`] output and publish it as a [`Snapshot`].
//! 2. Serve the snapshot (`http`), with a reload script injected into HTML.
//! 3. Watch `book.toml`, the content folder and the theme (debounced).
//! 4. On a change, rebuild with the same stages as `build` — reusing the
//!    compiled theme when only content changed — publish the new site and
//!    send `reload` over the WebSocket. A failed rebuild keeps the last good
//!    site and sends the errors, which pages show in an overlay.

mod changes;
mod http;
mod memory;
mod rebuild;

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tungstenite::{Message, WebSocket};

pub use changes::{Change, Layout, classify};
pub use http::{LIVERELOAD_PATH, WEBSOCKET_PATH, site_path};
use memory::{Memory, Snapshot};

use crate::config::{Config, ConfigError};
use crate::content::meta::Date;
use crate::diagnostics::{Diagnostic, Rule};
use crate::handbook::Handbook;
use crate::pipeline::BuildError;
use crate::search;
use crate::theme;
use rebuild::Builder;

/// Settings of `ismsbook serve`.
#[derive(Debug, Clone)]
pub struct Options {
    /// The handbook folder.
    pub root: PathBuf,
    /// Address to bind.
    pub host: String,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Open the site in a browser once it is up.
    pub open: bool,
    /// The date reviews are measured against.
    pub today: Date,
}

/// Why serving could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// `book.toml` is missing or unreadable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The address cannot be bound.
    #[error("cannot listen on {address}: {why}")]
    Bind {
        /// host:port
        address: String,
        /// The reason.
        why: String,
    },
    /// The file watcher cannot start.
    #[error("cannot watch {path} for changes: {why}")]
    Watch {
        /// The folder.
        path: PathBuf,
        /// The reason.
        why: String,
    },
}

type Clients = Arc<Mutex<Vec<WebSocket<Box<dyn tiny_http::ReadWrite + Send>>>>>;

/// What the server threads share.
struct Shared {
    site: RwLock<Snapshot>,
    clients: Clients,
    /// Counts published builds, so a slow search index never overwrites a newer one.
    generation: std::sync::atomic::AtomicU64,
}

impl Shared {
    fn snapshot(&self) -> Snapshot {
        self.site.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Publishes a build result and tells every open page; returns the
    /// generation of the published site.
    fn publish(&self, files: Option<memory::Files>, errors: Vec<Diagnostic>) -> u64 {
        let message = state_message(&errors, files.is_some());
        let generation = self
            .generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1;
        if let Ok(mut site) = self.site.write() {
            if let Some(files) = files {
                site.files = Arc::new(files);
            }
            site.errors = Arc::new(errors);
        }
        self.broadcast(&message);
        generation
    }

    /// Adds what was built after the pages (search index, `print.html`) to
    /// the site, unless a newer build was published meanwhile.
    fn add_later(&self, generation: u64, later: memory::Files, new_index: bool) {
        if let Ok(mut site) = self.site.write()
            && self.generation.load(std::sync::atomic::Ordering::SeqCst) == generation
        {
            let mut files = (*site.files).clone();
            if new_index {
                files.retain(|path, _| !path.starts_with("search/"));
            }
            files.extend(later);
            site.files = Arc::new(files);
        }
    }

    fn broadcast(&self, message: &str) {
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain_mut(|ws| ws.send(Message::text(message.to_owned())).is_ok());
        }
    }
}

/// The JSON message that tells pages what happened.
fn state_message(errors: &[Diagnostic], rebuilt: bool) -> String {
    if errors.is_empty() {
        return if rebuilt {
            r#"{"type":"reload"}"#
        } else {
            r#"{"type":"ok"}"#
        }
        .to_owned();
    }
    let list: Vec<serde_json::Value> = errors
        .iter()
        .map(|e| {
            serde_json::json!({
                "file": e.file.display().to_string(),
                "line": e.line,
                "column": e.column,
                "message": e.message,
            })
        })
        .collect();
    serde_json::json!({ "type": "errors", "errors": list }).to_string()
}

pub(crate) fn describe(changes: &[Change]) -> String {
    match changes {
        [] => String::new(),
        [Change::Content(rel)] => format!(" ({rel} changed)"),
        [Change::Config] => " (book.toml changed)".to_owned(),
        [Change::Theme] => " (theme changed)".to_owned(),
        many => format!(" ({} changes)", many.len()),
    }
}

pub(crate) fn config_problems(e: ConfigError) -> Vec<Diagnostic> {
    match e {
        ConfigError::Invalid(d) => d,
        other => vec![Diagnostic::error(
            Rule::Config,
            &PathBuf::from(crate::config::FILE_NAME),
            crate::diagnostics::Position::START,
            other.to_string(),
        )],
    }
}

pub(crate) fn build_problems(e: BuildError) -> Vec<Diagnostic> {
    match e {
        BuildError::Problems(d) => d.into_sorted(),
        BuildError::Config(c) => config_problems(c),
        other => vec![Diagnostic::error(
            Rule::Io,
            &PathBuf::from("(build)"),
            crate::diagnostics::Position::START,
            other.to_string(),
        )],
    }
}

fn print_problems(errors: &[Diagnostic]) {
    let _ = crate::diagnostics::report::write(
        &mut std::io::stderr().lock(),
        errors,
        crate::diagnostics::report::Format::Human,
    );
    eprintln!(
        "error: {} problem{} found; still serving the last good build",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
}

/// Runs the server until the process is interrupted.
pub fn run(options: Options) -> Result<(), ServeError> {
    let config = Config::load(&options.root)?;
    // Watched by absolute path, so events name files the same way however
    // the handbook folder was given.
    let absolute = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
    let layout = Layout {
        root: absolute(options.root.clone()),
        src: absolute(config.src_dir()),
        theme: theme::folder(&config).map(absolute),
    };
    let address = format!("{}:{}", options.host, options.port);
    let server = listen(&options.host, options.port)
        .and_then(|l| tiny_http::Server::from_listener(l, None).map_err(|e| e.to_string()))
        .map_err(|why| ServeError::Bind {
            address: address.clone(),
            why,
        })?;
    let server = Arc::new(server);
    let port = server
        .server_addr()
        .to_ip()
        .map_or(options.port, |a| a.port());

    let shared = Arc::new(Shared {
        site: RwLock::new(Snapshot::default()),
        clients: Arc::new(Mutex::new(Vec::new())),
        generation: std::sync::atomic::AtomicU64::new(0),
    });
    let indexer = start_indexer(shared.clone());
    let mut builder = Builder::new(options.clone(), config);
    let mut rebuild = |changes: &[Change]| {
        let previous = shared.snapshot().files;
        match builder.rebuild(changes, &previous) {
            Ok(done) => {
                let generation = shared.publish(Some(done.files), Vec::new());
                let later = Later {
                    generation,
                    search: done.handbook.config.html.search,
                    print: done.print_stale,
                    handbook: done.handbook,
                    theme: done.theme,
                };
                if later.search || later.print {
                    let _ = indexer.send(later);
                }
            }
            Err(errors) => {
                print_problems(&errors);
                shared.publish(None, errors);
            }
        }
    };
    rebuild(&[]);

    for _ in 0..4 {
        let (server, shared) = (server.clone(), shared.clone());
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                handle(request, &shared);
            }
        });
    }

    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut watcher =
        new_debouncer(Duration::from_millis(10), None, tx).map_err(|e| ServeError::Watch {
            path: options.root.clone(),
            why: e.to_string(),
        })?;
    let mut watch = |path: &PathBuf, mode| {
        watcher.watch(path, mode).map_err(|e| ServeError::Watch {
            path: path.clone(),
            why: e.to_string(),
        })
    };
    watch(&layout.root, RecursiveMode::NonRecursive)?;
    if layout.src.is_dir() {
        watch(&layout.src, RecursiveMode::Recursive)?;
    }
    if let Some(t) = &layout.theme
        && t.is_dir()
    {
        watch(t, RecursiveMode::Recursive)?;
    }

    let display_host = if options.host.contains(':') {
        format!("[{}]", options.host)
    } else {
        options.host.clone()
    };
    let url = format!("http://{display_host}:{port}/");
    println!(
        "Serving {} at {url} (Ctrl-C to stop)",
        options.root.display()
    );
    if options.open
        && let Err(e) = opener::open_browser(&url)
    {
        eprintln!("warning: could not start a web browser ({e}); open {url} yourself");
    }

    for result in rx {
        let Ok(events) = result else { continue };
        let mut found: Vec<Change> = Vec::new();
        // Reading a file is an event too (the build reads them all): only
        // creations, modifications, renames and removals count.
        for event in events
            .iter()
            .filter(|e| !e.kind.is_access() && !e.kind.is_other())
        {
            for path in &event.paths {
                if let Some(change) = classify(&layout, path)
                    && !found.contains(&change)
                {
                    found.push(change);
                }
            }
        }
        if !found.is_empty() {
            rebuild(&found);
        }
    }
    Ok(())
}

/// What is built after a published site: its search index, and
/// `print.html` when a body-only rebuild left it out.
struct Later {
    generation: u64,
    search: bool,
    print: bool,
    handbook: Arc<Handbook>,
    theme: Arc<theme::Theme>,
}

/// A thread that builds the search index (and `print.html`, when stale) of
/// each published handbook, skipping to the newest when builds come faster
/// than it works.
fn start_indexer(shared: Arc<Shared>) -> mpsc::Sender<Later> {
    let (tx, rx) = mpsc::channel::<Later>();
    std::thread::spawn(move || {
        while let Ok(mut job) = rx.recv() {
            // Let open pages reload first: indexing a large handbook would
            // take the CPU they need.
            std::thread::sleep(Duration::from_millis(200));
            while let Ok(newer) = rx.try_recv() {
                // A skipped body-only edit still leaves print.html to redo.
                let print = job.print || newer.print;
                job = Later { print, ..newer };
            }
            let started = Instant::now();
            let out = Memory::default();
            let (index, print) = rayon::join(
                || job.search && search::write(&search::build(&job.handbook), &out).is_ok(),
                || {
                    job.print
                        && crate::render::render_pages(
                            &job.handbook,
                            &job.theme,
                            &out,
                            &[crate::render::Job::Print],
                        )
                        .is_ok()
                },
            );
            if index || print {
                shared.add_later(job.generation, out.into_files(), index);
                eprintln!(
                    "{} updated in {} ms",
                    match (index, print) {
                        (true, true) => "Search index and print.html",
                        (true, false) => "Search index",
                        _ => "print.html",
                    },
                    started.elapsed().as_millis()
                );
            }
        }
    });
    tx
}

/// A listening socket with Nagle's algorithm off, which accepted connections
/// inherit: otherwise a browser's second request on a kept-alive connection
/// waits ~40 ms for a delayed ACK.
fn listen(host: &str, port: u16) -> Result<std::net::TcpListener, String> {
    use std::net::ToSocketAddrs;
    let address = (host, port)
        .to_socket_addrs()
        .map_err(|e| e.to_string())?
        .next()
        .ok_or_else(|| format!("no address for {host}"))?;
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(address),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )
    .map_err(|e| e.to_string())?;
    let setup = || -> std::io::Result<()> {
        socket.set_reuse_address(true)?;
        socket.set_tcp_nodelay(true)?;
        socket.bind(&address.into())?;
        socket.listen(128)
    };
    setup().map_err(|e| e.to_string())?;
    Ok(socket.into())
}

/// Answers one request: a WebSocket upgrade, or a file of the site.
fn handle(request: tiny_http::Request, shared: &Shared) {
    let is_upgrade = request.url() == WEBSOCKET_PATH
        && request.headers().iter().any(|h| {
            h.field.equiv("Upgrade") && h.value.as_str().eq_ignore_ascii_case("websocket")
        });
    if !is_upgrade {
        http::respond(request, &shared.snapshot());
        return;
    }
    let Some(key) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Sec-WebSocket-Key"))
        .map(|h| h.value.as_str().to_owned())
    else {
        let _ = request.respond(tiny_http::Response::empty(400));
        return;
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let headers = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", accept.as_str()),
    ];
    let mut response = tiny_http::Response::empty(101);
    for (name, value) in headers {
        if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response = response.with_header(h);
        }
    }
    let stream = request.upgrade("websocket", response);
    let mut ws = WebSocket::from_raw_socket(stream, tungstenite::protocol::Role::Server, None);
    let snapshot = shared.snapshot();
    if ws
        .send(Message::text(state_message(&snapshot.errors, false)))
        .is_ok()
        && let Ok(mut clients) = shared.clients.lock()
    {
        clients.push(ws);
    }
}
