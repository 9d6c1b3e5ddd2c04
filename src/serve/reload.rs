//! The reload WebSocket that every open page holds.
//!
//! A page is told the state of the site: which build is published (a page
//! showing another one reloads) and the problems of the last build, which
//! it shows in an overlay. The state is one value in a `watch` channel: a
//! rebuild replaces it and never waits for a page, and a page that was slow
//! to take one state is sent only the newest.
//!
//! Each client is a task that reads as well as writes, so a page that
//! closes its socket is dropped at once. A client that does not take a
//! message within [`SEND_TIMEOUT`], or answers no ping within the read
//! timeout of its connection (`server`), is dropped too.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::watch;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use super::http::{Body, WEBSOCKET_PATH};
use super::memory::Snapshot;

/// How many problems a page is sent; the terminal lists them all.
pub const MAX_SHOWN: usize = 100;
/// How long a client may take to accept one message before it is dropped.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a client is pinged; a page answers, which keeps its
/// connection's read timeout from dropping it.
pub const PING_EVERY: Duration = Duration::from_secs(20);
/// The largest message a page may send (it sends none but pongs and close).
const MAX_INCOMING: usize = 4096;

/// The JSON state of `site` that pages act on: `build`, whether any site
/// has `built`, the first [`MAX_SHOWN`] of its `errors` and their `total`,
/// and which pages `changed` since build number `since` (a page of an
/// earlier build reloads; a later one only if it is listed).
pub fn state_message(site: &Snapshot) -> String {
    let errors: Vec<serde_json::Value> = site
        .errors
        .iter()
        .take(MAX_SHOWN)
        .map(|e| {
            serde_json::json!({
                "file": e.file.display().to_string(),
                "line": e.line,
                "column": e.column,
                "message": e.message,
            })
        })
        .collect();
    serde_json::json!({
        "type": if site.errors.is_empty() { "ok" } else { "errors" },
        "build": site.build.to_string(),
        "built": site.build.exists(),
        "total": site.errors.len(),
        "errors": errors,
        "since": site.since,
        "changed": *site.changed,
    })
    .to_string()
}

/// JSON made safe inside a `<script>` element: `<`, `>` and `&` (which JSON
/// allows only inside strings) become `\u` escapes, so no text can close
/// the element or open a comment.
pub fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The state channel: the rebuild loop publishes into it, clients watch it.
pub fn channel(site: &Snapshot) -> watch::Sender<Utf8Bytes> {
    watch::Sender::new(Utf8Bytes::from(state_message(site)))
}

/// Whether `request` opens the reload WebSocket.
pub fn is_upgrade(request: &Request<Incoming>) -> bool {
    let has = |name: header::HeaderName, token: &str| {
        request.headers().get_all(name).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    request.uri().path() == WEBSOCKET_PATH
        && has(header::CONNECTION, "upgrade")
        && has(header::UPGRADE, "websocket")
}

/// Accepts the WebSocket of `request` (answering 101) and serves the
/// client on its own task, watching `state`.
pub fn accept(mut request: Request<Incoming>, state: watch::Receiver<Utf8Bytes>) -> Response<Body> {
    let Some(accept) = accept_key(request.headers()) else {
        let mut response = Response::new(Body::default());
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return response;
    };
    let upgrade = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        if let Ok(upgraded) = upgrade.await {
            let config = WebSocketConfig::default()
                .max_message_size(Some(MAX_INCOMING))
                .max_frame_size(Some(MAX_INCOMING));
            let socket = WebSocketStream::from_raw_socket(
                TokioIo::new(upgraded),
                Role::Server,
                Some(config),
            )
            .await;
            serve(socket, state).await;
        }
    });
    let mut response = Response::new(Body::default());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    response
}

/// `Sec-WebSocket-Accept` for a version 13 handshake, or None.
fn accept_key(headers: &HeaderMap) -> Option<HeaderValue> {
    if headers.get(header::SEC_WEBSOCKET_VERSION)? != "13" {
        return None;
    }
    let key = headers.get(header::SEC_WEBSOCKET_KEY)?;
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    HeaderValue::from_str(&accept).ok()
}

/// Sends a client the current state, then each new one, until it closes,
/// fails, or falls behind.
async fn serve<S>(mut socket: WebSocketStream<S>, mut state: watch::Receiver<Utf8Bytes>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let hello = state.borrow_and_update().clone();
    if !send(&mut socket, Message::Text(hello)).await {
        return;
    }
    let start = tokio::time::Instant::now() + PING_EVERY;
    let mut ping = tokio::time::interval_at(start, PING_EVERY);
    loop {
        let message = tokio::select! {
            frame = socket.next() => match frame {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                // Pongs, and anything else a page might send: ignored.
                Some(Ok(_)) => continue,
            },
            changed = state.changed() => match changed {
                Ok(()) => Message::Text(state.borrow_and_update().clone()),
                // The server is stopping.
                Err(_) => break,
            },
            _ = ping.tick() => Message::Ping(Bytes::new()),
        };
        if !send(&mut socket, message).await {
            return;
        }
    }
    // Flushes the reply to a page's close frame, if it can go at once.
    let _ = tokio::time::timeout(Duration::from_millis(100), socket.close(None)).await;
}

/// Sends one message within [`SEND_TIMEOUT`]; false if the client is gone
/// or fell behind.
async fn send<S>(socket: &mut WebSocketStream<S>, message: Message) -> bool
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    matches!(
        tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await,
        Ok(Ok(()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Position, Rule};
    use std::path::Path;
    use std::sync::Arc;

    fn failed(count: usize, message: &str) -> Snapshot {
        let errors = (0..count)
            .map(|_| {
                Diagnostic::error(
                    Rule::Config,
                    Path::new("policies/a.md"),
                    Position::START,
                    message.to_owned(),
                )
            })
            .collect();
        Snapshot {
            errors: Arc::new(errors),
            ..Snapshot::default()
        }
    }

    #[test]
    fn a_page_is_sent_the_first_problems_and_their_total() {
        let state: serde_json::Value =
            serde_json::from_str(&state_message(&failed(5000, "broken"))).unwrap();
        assert_eq!(state["type"], "errors");
        assert_eq!(state["total"], 5000);
        assert_eq!(state["errors"].as_array().unwrap().len(), MAX_SHOWN);
        assert_eq!(state["errors"][0]["file"], "policies/a.md");
    }

    #[test]
    fn the_state_cannot_close_its_script_element() {
        let json = state_message(&failed(1, "</script><script>alert(1)</script><!--"));
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('>'), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(
            back["errors"][0]["message"],
            "</script><script>alert(1)</script><!--"
        );
    }
}
