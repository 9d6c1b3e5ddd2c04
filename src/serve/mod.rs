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
use std::sync::atomic::{AtomicU64, Ordering};
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
    /// How many batches of changes the watcher has seen. Work done after a
    /// build (search index, `print.html`) gives way as soon as it moves on.
    edits: AtomicU64,
    /// [`Shared::edits`] as it was when the last finished rebuild started:
    /// while it is behind, a rebuild is under way.
    rebuilt: AtomicU64,
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
            edits: AtomicU64::new(0),
            rebuilt: AtomicU64::new(0),
        }
    }

    /// The count of batches of changes seen so far.
    fn edits(&self) -> u64 {
        self.edits.load(Ordering::SeqCst)
    }

    /// Whether a rebuild is under way (or a change waits for one).
    fn rebuilding(&self) -> bool {
        self.rebuilt.load(Ordering::SeqCst) != self.edits()
    }

    fn snapshot(&self) -> Snapshot {
        self.site.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// Publishes a build result (new files, or only the problems of a
    /// failed build) and tells every open page; returns the published
    /// build's number. Never waits for a page.
    /// `changed` lists the pages that body edits changed, or is None when
    /// any page may have changed.
    fn publish(
        &self,
        files: Option<(memory::Files, Option<Vec<String>>)>,
        errors: Vec<Diagnostic>,
    ) -> u64 {
        let Ok(mut site) = self.site.write() else {
            return 0;
        };
        if let Some((files, changed)) = files {
            site.files = Arc::new(files);
            site.build.number += 1;
            site.track(changed);
        }
        site.errors = Arc::new(errors);
        self.state
            .send_replace(Utf8Bytes::from(reload::state_message(&site)));
        site.build.number
    }

    /// Adds what was built after the pages (search index, `print.html`) to
    /// the site, unless a newer build was published meanwhile.
    /// A new `print.html` is a new build whose one changed page it is, so
    /// a print page that is open shows it.
    fn add_later(&self, build: u64, later: memory::Files, new_index: bool, new_print: bool) {
        if let Ok(mut site) = self.site.write()
            && site.build.number == build
        {
            let mut files = (*site.files).clone();
            if new_index {
                files.retain(|path, _| !path.starts_with("search/"));
            }
            files.extend(later);
            site.files = Arc::new(files);
            if new_print {
                site.build.number += 1;
                site.track(Some(vec![crate::handbook::urls::PRINT.to_owned()]));
                self.state
                    .send_replace(Utf8Bytes::from(reload::state_message(&site)));
            }
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
            let edit = shared.edits();
            let previous = shared.snapshot();
            match builder.rebuild(changes, &previous.files) {
                Ok(done) => {
                    let build = shared.publish(Some((done.files, done.changed)), Vec::new());
                    let later = Later {
                        build,
                        edit,
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
            shared.rebuilt.store(edit, Ordering::SeqCst);
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
                // Background work of the last build stops: the CPU is this
                // rebuild's.
                shared.edits.fetch_add(1, Ordering::SeqCst);
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
    /// [`Shared::edits`] when that build started: a later count means a
    /// newer edit, and this work is given up.
    edit: u64,
    search: bool,
    print: bool,
    handbook: Arc<Handbook>,
    theme: Arc<theme::Theme>,
}

impl Later {
    /// `newer` in place of this job, with the `print.html` this one still
    /// owed (a skipped body-only edit leaves it to redo).
    fn then(self, newer: Later) -> Later {
        let print = self.print || newer.print;
        Later { print, ..newer }
    }
}

/// How often a job given up for a newer edit looks again: once no rebuild
/// is under way and none sent a newer job (the newer build failed), it runs
/// again.
const QUIET: Duration = Duration::from_millis(500);

/// A thread that builds the search index (and `print.html`, when stale) of
/// each published handbook. Builds that come faster than it works are
/// skipped to the newest, and a job stops as soon as a newer edit is seen,
/// so it never competes with the rebuild that edit starts.
fn start_indexer(shared: Arc<Shared>) -> mpsc::Sender<Later> {
    let (tx, rx) = mpsc::channel::<Later>();
    std::thread::spawn(move || {
        let mut given_up: Option<Later> = None;
        loop {
            let mut job = match given_up.take() {
                None => match rx.recv() {
                    Ok(job) => job,
                    Err(_) => return,
                },
                Some(job) => match rx.recv_timeout(QUIET) {
                    Ok(newer) => job.then(newer),
                    // The newer edit's rebuild is still going: its job
                    // will come, or its failure.
                    Err(mpsc::RecvTimeoutError::Timeout) if shared.rebuilding() => {
                        given_up = Some(job);
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => Later {
                        edit: shared.edits(),
                        ..job
                    },
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                },
            };
            // Let open pages reload first: indexing a large handbook would
            // take the CPU they need.
            std::thread::sleep(Duration::from_millis(200));
            while let Ok(newer) = rx.try_recv() {
                job = job.then(newer);
            }
            let superseded = || shared.edits() != job.edit;
            if superseded() {
                given_up = Some(job);
                continue;
            }
            let started = Instant::now();
            let memory = Memory::default();
            let out = Unless {
                out: &memory,
                give_up: &superseded,
            };
            let (index, print) = rayon::join(
                || {
                    job.search
                        && search::build_unless(&job.handbook, &superseded)
                            .is_some_and(|index| search::write(&index, &out).is_ok())
                },
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
            if superseded() {
                given_up = Some(job);
                continue;
            }
            if index || print {
                shared.add_later(job.build, memory.into_files(), index, print);
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

/// An [`Output`](crate::site::Output) that fails every write once
/// `give_up` turns true, so a page being written in pieces (`print.html`)
/// stops at its next piece.
struct Unless<'a> {
    out: &'a dyn crate::site::Output,
    give_up: &'a (dyn Fn() -> bool + Sync),
}

impl Unless<'_> {
    fn check(&self, rel: &str) -> Result<(), crate::fs::FsError> {
        match (self.give_up)() {
            false => Ok(()),
            true => Err(crate::fs::FsError {
                action: "gave up writing (a newer edit came)",
                path: PathBuf::from(rel),
                source: std::io::ErrorKind::Interrupted.into(),
            }),
        }
    }
}

impl crate::site::Output for Unless<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), crate::fs::FsError> {
        self.check(rel)?;
        self.out.write(rel, bytes)
    }

    fn stream<'a>(
        &'a self,
        rel: &str,
    ) -> Result<Box<dyn crate::site::Stream + 'a>, crate::fs::FsError> {
        self.check(rel)?;
        Ok(Box::new(UnlessStream {
            inner: self.out.stream(rel)?,
            rel: rel.to_owned(),
            unless: self,
        }))
    }
}

/// A [`Stream`](crate::site::Stream) of [`Unless`].
struct UnlessStream<'a> {
    inner: Box<dyn crate::site::Stream + 'a>,
    rel: String,
    unless: &'a Unless<'a>,
}

impl crate::site::Stream for UnlessStream<'_> {
    fn push(&mut self, bytes: &[u8]) -> Result<(), crate::fs::FsError> {
        self.unless.check(&self.rel)?;
        self.inner.push(bytes)
    }

    fn finish(self: Box<Self>) -> Result<(), crate::fs::FsError> {
        self.unless.check(&self.rel)?;
        self.inner.finish()
    }
}
