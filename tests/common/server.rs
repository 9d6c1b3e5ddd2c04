//! A running `ismsbook serve` for tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

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
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Serves a fresh copy of the example handbook on a free port.
    pub fn start() -> Server {
        let book = tempfile::tempdir().unwrap();
        std::fs::copy(repo().join("book.toml"), book.path().join("book.toml")).unwrap();
        copy_tree(&repo().join("content"), &book.path().join("content"));
        copy_tree(&repo().join("themes"), &book.path().join("themes"));
        let mut child = ismsbook()
            .arg("serve")
            .arg(book.path())
            .args(["-p", "0", "--today", TODAY])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_owned();
        Server { child, url, book }
    }

    /// A file of the content folder.
    pub fn path(&self, rel: &str) -> std::path::PathBuf {
        self.book.path().join("content").join(rel)
    }

    /// A WebSocket connected to the reload endpoint.
    pub fn socket(&self) -> WebSocket<MaybeTlsStream<TcpStream>> {
        let ws_url = format!("{}__ismsbook/ws", self.url.replacen("http://", "ws://", 1));
        let (mut ws, _) = tungstenite::connect(ws_url).unwrap();
        if let MaybeTlsStream::Plain(s) = ws.get_mut() {
            s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        }
        ws
    }
}
