//! A minimal Socket.IO v5 client over a websocket (Engine.IO v4), to drive the real server from
//! integration tests as a browser would. Websocket transport only, namespace "/" only, no binary
//! attachments. Every wait is bounded by [`TIMEOUT`], so a broken server fails a test instead of
//! hanging it; nothing here sleeps.

#![allow(dead_code)] // Each test binary uses a different subset of these helpers.

use std::collections::VecDeque;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{client_async, WebSocketStream};

/// Upper bound for one step (handshake, ack, awaited event). Generous, so that a loaded 2-core
/// machine never trips it: it only turns a hang into a failure, it is no latency target.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Awaits `fut`, failing the test (naming `what`) if it takes longer than [`TIMEOUT`].
pub async fn within<T>(what: &str, fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(TIMEOUT, fut)
        .await
        .unwrap_or_else(|_| panic!("timed out after {TIMEOUT:?} waiting for {what}"))
}

/// A Socket.IO packet from the server that a test may wait for.
#[derive(Debug)]
enum Packet {
    /// `42["name",payload]`: an event (payload `null` when none was sent).
    Event(String, Value),
    /// `43<id>[args…]`: the ack of our request `id`.
    Ack(u64, Vec<Value>),
}

/// A client connected to namespace "/". Events that arrive while it waits for something else are
/// kept in arrival order for a later [`Client::event`], as a `socket.on` listener would see them.
pub struct Client {
    ws: WebSocketStream<TcpStream>,
    next_ack: u64,
    kept: VecDeque<(String, Value)>,
}

impl Client {
    /// Opens `/socket.io/` over a websocket, checks the Engine.IO open packet and connects to "/".
    pub async fn connect(addr: SocketAddr) -> Self {
        within("the Socket.IO handshake", Self::handshake(addr)).await
    }

    async fn handshake(addr: SocketAddr) -> Self {
        let url = format!("ws://{addr}/socket.io/?EIO=4&transport=websocket");
        let stream = TcpStream::connect(addr).await.expect("TCP connect");
        let (ws, _) = client_async(url, stream)
            .await
            .expect("websocket handshake");
        let mut client = Client {
            ws,
            next_ack: 1,
            kept: VecDeque::new(),
        };
        let open = client.next_text().await;
        let open = parse_json(open.strip_prefix('0'), &open, "an Engine.IO open packet");
        assert!(
            open["sid"].is_string() && open["pingInterval"].is_u64(),
            "open packet lacks sid or pingInterval: {open}"
        );
        client.send("40").await;
        let connected = client.next_text().await;
        let connected = parse_json(connected.strip_prefix("40"), &connected, "a connect ack");
        assert!(connected["sid"].is_string(), "connect ack: {connected}");
        client
    }

    /// Emits `name` with `payload` and no ack id.
    pub async fn emit(&mut self, name: &str, payload: Value) {
        self.send(&format!("42{}", json!([name, payload]))).await;
    }

    /// Emits `name` with `payload` and an ack id; returns the ack's first argument, an `{error}`
    /// reply included. Events arriving meanwhile are kept.
    pub async fn call(&mut self, name: &str, payload: Value) -> Value {
        self.request(name, json!([name, payload])).await
    }

    /// Like [`Client::call`], for an event sent without a payload (`session:create`).
    pub async fn call_bare(&mut self, name: &str) -> Value {
        self.request(name, json!([name])).await
    }

    async fn request(&mut self, name: &str, args: Value) -> Value {
        let id = self.next_ack;
        self.next_ack += 1;
        self.send(&format!("42{id}{args}")).await;
        within(&format!("the ack of {name}"), async {
            loop {
                match self.next_packet().await {
                    Packet::Ack(got, values) if got == id => {
                        return values.into_iter().next().unwrap_or(Value::Null)
                    }
                    Packet::Ack(got, _) => panic!("ack {got} while awaiting ack {id} of {name}"),
                    Packet::Event(event, payload) => self.kept.push_back((event, payload)),
                }
            }
        })
        .await
    }

    /// The payload of the first event called `name`, kept or yet to come. Other events stay kept.
    pub async fn event(&mut self, name: &str) -> Value {
        if let Some(i) = self.kept.iter().position(|(event, _)| event == name) {
            return self.kept.remove(i).expect("position is in range").1;
        }
        within(&format!("event {name}"), async {
            loop {
                match self.next_packet().await {
                    Packet::Event(event, payload) if event == name => return payload,
                    Packet::Event(event, payload) => self.kept.push_back((event, payload)),
                    Packet::Ack(id, _) => panic!("unexpected ack {id} while awaiting {name}"),
                }
            }
        })
        .await
    }

    /// Names of the events received but not yet taken by [`Client::event`], in arrival order.
    pub fn kept_events(&self) -> Vec<&str> {
        self.kept.iter().map(|(event, _)| event.as_str()).collect()
    }

    /// Disconnects as `socket.disconnect()` does: a namespace disconnect packet (so the server
    /// counts it as leaving, not as a dropped connection whose seat it holds), then the websocket
    /// close, waiting for the server's side of it.
    pub async fn close(mut self) {
        self.send("41").await;
        // The server may already be closing its side: a failed close or read is no test failure.
        let _ = self.ws.close(None).await;
        within("the websocket close", async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await;
    }

    async fn send(&mut self, text: &str) {
        self.ws
            .send(Message::text(text))
            .await
            .expect("websocket send");
    }

    /// The next event or ack. Anything else at this point (a disconnect, a binary event) is a bug.
    async fn next_packet(&mut self) -> Packet {
        let text = self.next_text().await;
        parse_packet(&text).unwrap_or_else(|| panic!("unexpected packet {text:?}"))
    }

    /// The next text frame that is not an Engine.IO ping; pings are answered with a pong here.
    async fn next_text(&mut self) -> String {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Text(text))) if text.as_str() == "2" => self.send("3").await,
                Some(Ok(Message::Text(text))) => return text.as_str().to_owned(),
                Some(Ok(Message::Close(frame))) => panic!("server closed the websocket: {frame:?}"),
                // Websocket-level pings are answered by tungstenite itself.
                Some(Ok(_)) => {}
                Some(Err(err)) => panic!("websocket error: {err}"),
                None => panic!("the server ended the connection"),
            }
        }
    }
}

/// Parses `42[…]` or `43<id>[…]` (namespace "/", so no `/nsp,` prefix); `None` for anything else.
fn parse_packet(text: &str) -> Option<Packet> {
    let kind = text.get(..2)?;
    let rest = &text[2..];
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let id = rest[..digits].parse::<u64>().ok();
    let args: Vec<Value> = serde_json::from_str(&rest[digits..]).ok()?;
    match (kind, id) {
        ("42", _) => {
            let mut args = args.into_iter();
            let name = args.next()?.as_str()?.to_owned();
            Some(Packet::Event(name, args.next().unwrap_or(Value::Null)))
        }
        ("43", Some(id)) => Some(Packet::Ack(id, args)),
        _ => None,
    }
}

/// The JSON after a packet's type prefix, failing the test with `packet` if it is not `expected`.
fn parse_json(body: Option<&str>, packet: &str, expected: &str) -> Value {
    body.and_then(|body| serde_json::from_str(body).ok())
        .unwrap_or_else(|| panic!("expected {expected}, got {packet:?}"))
}
