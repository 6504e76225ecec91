//! Shared helpers for the integration tests: the real server started in-process on `127.0.0.1:0`,
//! and a minimal raw HTTP/1.1 client (one request per connection, `Connection: close`).

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Upper bound for one HTTP exchange; generous so a loaded CI machine never trips it.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The server running in a task of the test's runtime.
pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    pub handle: JoinHandle<std::io::Result<()>>,
}

impl TestServer {
    /// Binds `127.0.0.1:0` and runs `jam_server::run` with the default config.
    pub async fn start() -> Self {
        Self::start_with(jam_server::Config::defaults()).await
    }

    /// Like `start`, with the given config.
    pub async fn start_with(config: jam_server::Config) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local_addr");
        let (tx, rx) = oneshot::channel::<()>();
        let shutdown = async move {
            // A dropped sender also means "stop": a failed test must not leave the server running.
            let _ = rx.await;
        };
        let handle = tokio::spawn(jam_server::run(listener, config, shutdown));
        TestServer {
            addr,
            shutdown: Some(tx),
            handle,
        }
    }

    /// Fires the shutdown future given to `run`.
    pub fn trigger_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A parsed HTTP/1.1 response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Header names are lowercased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `GET path` with extra headers.
pub async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Response {
    request(addr, "GET", path, headers, "").await
}

/// Sends one request on a fresh connection and reads the response until the server closes it.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response {
    with_timeout(IO_TIMEOUT, async {
        let mut stream = send_request(addr, method, path, headers, body).await;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read response");
        parse_response(&raw)
    })
    .await
}

/// Connects and writes a request without reading the response (for requests meant to stay pending).
pub async fn send_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(body);
    stream
        .write_all(head.as_bytes())
        .await
        .expect("write request");
    stream
}

/// Parses a complete response: status line, headers, then a fixed-length, chunked or EOF-delimited body.
pub fn parse_response(raw: &[u8]) -> Response {
    let text = String::from_utf8_lossy(raw);
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("incomplete HTTP response: {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line: {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        decode_chunked(rest)
    } else {
        rest.to_string()
    };
    Response {
        status,
        headers,
        body,
    }
}

fn decode_chunked(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size_line, after)) = rest.split_once("\r\n") {
        let size_hex = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .unwrap_or_else(|_| panic!("bad chunk size line: {size_line:?}"));
        if size == 0 {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// Awaits `fut`, failing the test if it takes longer than `limit` (an upper bound, not a target).
pub async fn with_timeout<T>(limit: Duration, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {limit:?}"))
}

/// Opens an Engine.IO v4 long-polling session and returns its `sid`.
pub async fn engineio_handshake(addr: SocketAddr) -> String {
    let res = get(addr, "/socket.io/?EIO=4&transport=polling", &[]).await;
    assert_eq!(res.status, 200, "handshake failed: {res:?}");
    let open = res
        .body
        .strip_prefix('0')
        .unwrap_or_else(|| panic!("handshake body is not an open packet: {:?}", res.body));
    let json: serde_json::Value = serde_json::from_str(open).expect("open packet JSON");
    json["sid"]
        .as_str()
        .unwrap_or_else(|| panic!("no sid in open packet: {open}"))
        .to_string()
}

/// Long-polls the session until both the namespace connect ack (`40{…}`) and the server's first ping
/// have arrived, answering the ping with a pong. Afterwards the server has nothing queued for this
/// session until its next heartbeat (25 s away), so a further poll stays pending.
///
/// engineioxide sends its first ping as soon as the session opens, interleaved unpredictably with
/// the connect ack; waiting for both makes the next poll's fate deterministic.
pub async fn poll_until_connected_and_pinged(addr: SocketAddr, session: &str) -> String {
    let mut connect_ack = None;
    let mut pinged = false;
    for _ in 0..10 {
        let res = get(addr, session, &[]).await;
        assert_eq!(res.status, 200, "poll failed: {res:?}");
        for packet in res.body.split('\x1e') {
            if packet == "2" {
                pinged = true;
                let pong = request(addr, "POST", session, &[], "3").await;
                assert_eq!(pong.status, 200, "pong failed: {pong:?}");
            } else if packet.starts_with("40{") {
                connect_ack = Some(packet.to_string());
            } else {
                panic!("unexpected packet {packet:?} in {:?}", res.body);
            }
        }
        if let (Some(ack), true) = (&connect_ack, pinged) {
            return ack.clone();
        }
    }
    panic!("no connect ack and ping after 10 polls (ack: {connect_ack:?}, pinged: {pinged})");
}
