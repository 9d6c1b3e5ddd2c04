//! `ismsbook serve`: build into memory, serve over HTTP, rebuild on change
//! and tell open pages to reload.
//!
//! 1. Build the site into a [`Memory`] output and publish it as a [`Snapshot`].
//! 2. Serve the snapshot (`server`, `http`), with a reload script injected
//!    into HTML.
//! 3. Watch `book.toml`, the content folder and the theme (debounced).
//! 4. On a change, rebuild with the same stages as `build` — reusing the
//!    compiled theme when only content changed — publish the new site and
//!    tell open pages its build (`reload`), so they reload. A failed rebuild
//!    keeps the last good site and sends the errors, which pages show in an
//!    overlay.
//!
//! The rebuild loop is synchronous and never waits for the network: it
//! replaces the published snapshot and the state pages watch, and the
//! server's tasks do the sending.

mod changes;
mod http;
mod memory;
mod rebuild;
mod reload;
mod server;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache, new_debouncer,
};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Utf8Bytes;

pub use changes::{Change, Layout, classify};
pub use http::{LIVERELOAD_PATH, WEBSOCKET_PATH, site_path};
use memory::{Build, Memory, Snapshot};

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
    /// `--since`: where the period of `changes.html` starts, over `[audit] since`.
    pub since: Option<crate::content::history::Since>,
}

/// Why serving could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// `book.toml` is missing or unreadable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The address cannot be bound.
    #[error("cannot listen on {address}: {source}")]
    Bind {
        /// host:port
        address: String,
        /// The reason.
        source: std::io::Error,
    },
    /// The server's threads cannot start.
    #[error("cannot start the server: {0}")]
    Start(std::io::Error),
    /// The file watcher cannot start.
    #[error("cannot watch {path} for changes: {why}")]
    Watch {
        /// The folder.
        path: PathBuf,
        /// The reason.
        why: String,
    },
}

/// What the server threads share with the rebuild loop.
struct Shared {
    site: RwLock<Snapshot>,
    /// The state pages are told (`reload`), replaced on every publish.
    state: watch::Sender<Utf8Bytes>,
}

impl Shared {
    fn new() -> Shared {
        let server = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let site = Snapshot {
            build: Build { server, number: 0 },
            ..Snapshot::default()
        };
        Shared {
            state: reload::channel(&site),
            site: RwLock::new(site),
        }
    }

    fn snapshot(&self) -> Snapshot {
        self.site.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Publishes a build result (new files, or only the problems of a
    /// failed build) and tells every open page; returns the published
    /// build's number. Never waits for a page.
    fn publish(&self, files: Option<memory::Files>, errors: Vec<Diagnostic>) -> u64 {
        let Ok(mut site) = self.site.write() else {
            return 0;
        };
        if let Some(files) = files {
            site.files = Arc::new(files);
            site.build.number += 1;
        }
        site.errors = Arc::new(errors);
        self.state
            .send_replace(Utf8Bytes::from(reload::state_message(&site)));
        site.build.number
    }

    /// Adds what was built after the pages (search index, `print.html`) to
    /// the site, unless a newer build was published meanwhile.
    fn add_later(&self, build: u64, later: memory::Files, new_index: bool) {
        if let Ok(mut site) = self.site.write()
            && site.build.number == build
        {
            let mut files = (*site.files).clone();
            if new_index {
                files.retain(|path, _| !path.starts_with("search/"));
            }
            files.extend(later);
            site.files = Arc::new(files);
        }
    }
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

fn print_problems(errors: &[Diagnostic], serving: bool) {
    let _ = crate::diagnostics::report::write(
        &mut std::io::stderr().lock(),
        errors,
        crate::diagnostics::report::Format::Human,
    );
    let count = format!(
        "{} problem{}",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    if serving {
        eprintln!("error: {count} found; still serving the last good build");
    } else {
        eprintln!(
            "error: {count} found; nothing to serve until they are fixed \
             (open pages list them, and load the handbook once it builds)"
        );
    }
}

/// A server bound to its address, not serving yet.
pub struct Bound {
    options: Options,
    config: Config,
    listener: std::net::TcpListener,
    address: SocketAddr,
}

/// Reads `book.toml` and binds the address of `options`.
pub fn bind(options: Options) -> Result<Bound, ServeError> {
    let config = Config::load(&options.root)?.with_since(options.since.clone());
    let address = format!("{}:{}", options.host, options.port);
    let listener =
        server::listen(&options.host, options.port).map_err(|source| ServeError::Bind {
            address: address.clone(),
            source,
        })?;
    let address = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { address, source })?;
    Ok(Bound {
        options,
        config,
        listener,
        address,
    })
}

impl Bound {
    /// The address listened on (with the port picked for `-p 0`).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Builds, serves and rebuilds on every change until the process ends.
    pub fn run(self) -> Result<(), ServeError> {
        let Bound {
            options,
            config,
            listener,
            address,
        } = self;
        // Watched by absolute path, so events name files the same way however
        // the handbook folder was given.
        let absolute = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
        let layout = Layout {
            root: absolute(options.root.clone()),
            src: absolute(config.src_dir()),
            theme: theme::folder(&config).map(absolute),
        };

        let shared = Arc::new(Shared::new());
        let indexer = start_indexer(shared.clone());
        let mut builder = Builder::new(options.clone(), config);
        let mut rebuild = |changes: &[Change]| {
            let previous = shared.snapshot();
            match builder.rebuild(changes, &previous.files) {
                Ok(done) => {
                    let build = shared.publish(Some(done.files), Vec::new());
                    let later = Later {
                        build,
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
                    print_problems(&errors, previous.build.exists());
                    shared.publish(None, errors);
                }
            }
        };
        rebuild(&[]);
        server::start(listener, shared.clone()).map_err(ServeError::Start)?;

        let (tx, rx) = mpsc::channel::<DebounceEventResult>();
        let _watcher = watch(&layout, tx)?;
        let url = url_of(address);
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
            let found = changes_in(&layout, &events);
            if !found.is_empty() {
                rebuild(&found);
            }
        }
        Ok(())
    }
}

/// Watches the handbook's root (not its subfolders), its content folder and
/// its theme folder, sending debounced events to `tx`.
fn watch(
    layout: &Layout,
    tx: mpsc::Sender<DebounceEventResult>,
) -> Result<Debouncer<notify::RecommendedWatcher, RecommendedCache>, ServeError> {
    let mut watcher =
        new_debouncer(Duration::from_millis(10), None, tx).map_err(|e| ServeError::Watch {
            path: layout.root.clone(),
            why: e.to_string(),
        })?;
    let mut add = |path: &PathBuf, mode| {
        watcher.watch(path, mode).map_err(|e| ServeError::Watch {
            path: path.clone(),
            why: e.to_string(),
        })
    };
    add(&layout.root, RecursiveMode::NonRecursive)?;
    if layout.src.is_dir() {
        add(&layout.src, RecursiveMode::Recursive)?;
    }
    if let Some(t) = &layout.theme
        && t.is_dir()
    {
        add(t, RecursiveMode::Recursive)?;
    }
    Ok(watcher)
}

/// The changes that file events make, each once.
fn changes_in(layout: &Layout, events: &[DebouncedEvent]) -> Vec<Change> {
    let mut found: Vec<Change> = Vec::new();
    // Reading a file is an event too (the build reads them all): only
    // creations, modifications, renames and removals count.
    for event in events
        .iter()
        .filter(|e| !e.kind.is_access() && !e.kind.is_other())
    {
        for path in &event.paths {
            if let Some(change) = classify(layout, path)
                && !found.contains(&change)
            {
                found.push(change);
            }
        }
    }
    found
}

/// The URL of the server at `address`.
fn url_of(address: SocketAddr) -> String {
    let host = match address.ip() {
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        std::net::IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}/", address.port())
}

/// What is built after a published site: its search index, and
/// `print.html` when a body-only rebuild left it out.
struct Later {
    /// The number of the build it belongs to.
    build: u64,
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
                shared.add_later(job.build, out.into_files(), index);
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
