//! A plain static HTTP server for tests and benchmarks.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;

/// Serves `dir` over HTTP on 127.0.0.1 (a plain static server for tests);
/// returns the base URL. The server lives as long as the test process.
pub fn serve_dir(dir: &Path) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let root = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) <= 2 {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/");
                let path = path
                    .split('?')
                    .next()
                    .unwrap_or("/")
                    .trim_start_matches('/');
                let file = root.join(if path.is_empty() { "index.html" } else { path });
                let (status, body, kind) = match std::fs::read(&file) {
                    Ok(b) if !path.contains("..") => {
                        let kind = match file.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("js") => "text/javascript; charset=utf-8",
                            Some("css") => "text/css; charset=utf-8",
                            Some("svg") => "image/svg+xml",
                            _ => "application/octet-stream",
                        };
                        ("200 OK", b, kind)
                    }
                    _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
                };
                let mut out = &stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = out.write_all(&body);
            });
        }
    });
    format!("http://127.0.0.1:{port}/")
}
