//! The HTTP server: hyper on a small tokio runtime of its own, beside the
//! synchronous rebuild loop.
//!
//! Every connection is a task, so a slow or stuck client costs a task and
//! a descriptor, never a thread or another client's turn. Each is bounded:
//!
//! | bound | what it stops |
//! | --- | --- |
//! | request head at most [`MAX_HEAD`] (431 past it) | a huge header held in memory |
//! | a whole head within [`HEAD_TIMEOUT`], also between requests | slow heads, idle kept-alive connections |
//! | a write that makes no progress for [`WRITE_TIMEOUT`] | a client that never reads its response |
//! | a read that gets nothing for [`READ_TIMEOUT`] | a reload socket whose page is gone without closing it |
//! | HTTP on one connection for at most [`MAX_AGE`] | a client that reads just fast enough |
//!
//! Bodies share the site's bytes (`http`), so a client that reads slowly
//! holds no copy. An error from `accept` (out of descriptors: EMFILE,
//! ENFILE) pauses accepting, from 5 ms up to 1 s, and the server goes on
//! listening.

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio_io_timeout::TimeoutStream;

use super::Shared;
use super::http::{self, Body};
use super::reload;

/// The largest request head (request line and headers) read; a larger one
/// is answered 431.
pub const MAX_HEAD: usize = 64 * 1024;
/// Time to send a whole request head, and to start the next one on a
/// kept-alive connection.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(15);
/// Time a write may wait for the client to read.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a read may wait for the client (a reload socket answers a ping
/// every [`reload::PING_EVERY`]).
pub const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one connection may serve HTTP before it is closed after its
/// current response.
pub const MAX_AGE: Duration = Duration::from_secs(300);

/// A listening socket with Nagle's algorithm off, which accepted connections
/// inherit: otherwise a browser's second request on a kept-alive connection
/// waits ~40 ms for a delayed ACK.
pub fn listen(host: &str, port: u16) -> io::Result<std::net::TcpListener> {
    use std::net::ToSocketAddrs;
    let address = (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("no address for {host}")))?;
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(address),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&address.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}

/// Serves `listener` on threads of its own until the process ends.
pub fn start(listener: std::net::TcpListener, shared: Arc<Shared>) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ismsbook-http")
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("ismsbook-accept".to_owned())
        .spawn(move || {
            runtime.block_on(async move {
                match TcpListener::from_std(listener) {
                    Ok(listener) => accept_loop(listener, shared).await,
                    Err(e) => eprintln!("error: cannot serve: {e}"),
                }
            });
        })?;
    Ok(())
}

/// Accepts connections for ever; an error pauses it instead of ending it.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    const FIRST_PAUSE: Duration = Duration::from_millis(5);
    let mut pause = FIRST_PAUSE;
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                if pause > FIRST_PAUSE {
                    eprintln!("Accepting connections again");
                }
                pause = FIRST_PAUSE;
                tokio::spawn(connection(stream, shared.clone()));
            }
            // The client gave up before it was accepted.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
                ) => {}
            Err(e) => {
                if pause == FIRST_PAUSE {
                    eprintln!("warning: cannot accept connections ({e}); pausing until some close");
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(1));
            }
        }
    }
}

/// Serves one connection: HTTP requests, or a reload WebSocket after an upgrade.
async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let mut stream = TimeoutStream::new(stream);
    stream.set_read_timeout(Some(READ_TIMEOUT));
    stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let io = TokioIo::new(Box::pin(stream));
    let service = service_fn(move |request| {
        let response = answer(request, &shared);
        async move { Ok::<_, Infallible>(response) }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .serve_connection(io, service)
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        () = tokio::time::sleep(MAX_AGE) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = tokio::time::timeout(WRITE_TIMEOUT, connection).await;
}

/// The response to one request.
fn answer(request: Request<Incoming>, shared: &Shared) -> Response<Body> {
    if reload::is_upgrade(&request) {
        return reload::accept(request, shared.state.subscribe());
    }
    let url = request.uri().path_and_query().map_or("/", |p| p.as_str());
    http::respond(request.method(), url, &shared.snapshot())
}
