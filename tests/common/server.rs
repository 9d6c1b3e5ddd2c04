//! A running `ismsbook serve` for tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tungstenite::WebSocket;
use tungstenite::stream::MaybeTlsStream;

use super::{TODAY, copy_tree, ismsbook, repo};

/// A running `ismsbook serve`, stopped when dropped.
pub struct Server {
    child: Child,
    /// The base URL, ending in `/`.
    pub url: String,
    /// The served handbook (a copy of the example).
    pub book: tempfile::TempDir,
    /// Everything the server wrote to stderr so far (read on a thread, so
    /// the server never waits on a full pipe).
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh copy of the example handbook.
pub fn example_book() -> tempfile::TempDir {
    let book = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("book.toml"), book.path().join("book.toml")).unwrap();
    copy_tree(&repo().join("content"), &book.path().join("content"));
    copy_tree(&repo().join("themes"), &book.path().join("themes"));
    book
}

impl Server {
    /// Serves a fresh copy of the example handbook on a free port.
    pub fn start() -> Server {
        Server::launch(example_book(), &[], None)
    }

    /// Serves `book` on a free port with extra arguments; with `nofile`,
    /// the server may hold at most that many file descriptors.
    pub fn launch(book: tempfile::TempDir, args: &[&str], nofile: Option<u32>) -> Server {
        let mut command = match nofile {
            Some(limit) => {
                let exe = ismsbook().get_program().to_owned();
                let mut sh = std::process::Command::new("sh");
                sh.arg("-c")
                    .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
                    .arg(exe)
                    .env_remove("SOURCE_DATE_EPOCH");
                sh
            }
            None => ismsbook(),
        };
        let mut child = command
            .arg("serve")
            .arg(book.path())
            .args(["-p", "0", "--today", TODAY])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) else {
            std::thread::sleep(Duration::from_millis(200));
            panic!("no URL in {line:?}; stderr:\n{}", stderr.lock().unwrap());
        };
        let url = url.to_owned();
        Server {
            child,
            url,
            book,
            stderr,
        }
    }

    /// A file of the content folder.
    pub fn path(&self, rel: &str) -> std::path::PathBuf {
        self.book.path().join("content").join(rel)
    }

    /// host:port of the server.
    pub fn address(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned()
    }

    /// What the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (up to 15 s) until stderr contains `text`.
    pub fn wait_stderr(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let stderr = self.stderr();
            if stderr.contains(text) {
                return stderr;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "no {text:?} on stderr:\n{stderr}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How many file descriptors the server holds (Linux).
    pub fn descriptors(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .unwrap()
            .count()
    }

    /// The server's resident memory in kB (Linux).
    pub fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap()
    }

    /// A WebSocket connected to the reload endpoint; reads time out after 15 s.
    pub fn socket(&self) -> WebSocket<MaybeTlsStream<TcpStream>> {
        let ws_url = format!("{}__ismsbook/ws", self.url.replacen("http://", "ws://", 1));
        let stream = TcpStream::connect(self.address()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        let (ws, _) = tungstenite::client::client(ws_url, MaybeTlsStream::Plain(stream))
            .unwrap_or_else(|e| panic!("no WebSocket handshake: {e}"));
        ws
    }
}
