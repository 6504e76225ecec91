//! Opening a Socket.IO connection by hand (TCP → websocket → Engine.IO open → Socket.IO connect)
//! and the closed-loop request/ack calls used while setting up a run.

use std::net::{Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{client_async_with_config, WebSocketStream};

use crate::proto;

pub type Ws = WebSocketStream<TcpStream>;

/// How long one setup step (handshake, create, join, leave) may take before it counts as failed.
const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// The server under test.
#[derive(Debug, Clone)]
pub struct Target {
    pub addr: SocketAddr,
    pub ws_url: String,
    /// The URL it was given by, normalised (see [`normalize_url`]) to match a `moved` reply's.
    pub url: String,
}

impl Target {
    /// From `http://host:port` (or `ws://…`).
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("ws://"))
            .ok_or_else(|| anyhow!("--url must start with http:// or ws://"))?;
        let host_port = rest.split('/').next().unwrap_or(rest);
        let addr = host_port
            .to_socket_addrs()
            .with_context(|| format!("cannot resolve {host_port}"))?
            .find(SocketAddr::is_ipv4)
            .ok_or_else(|| anyhow!("{host_port} has no IPv4 address"))?;
        let ws_url = format!("ws://{host_port}/socket.io/?EIO=4&transport=websocket");
        Ok(Self {
            addr,
            ws_url,
            url: normalize_url(url),
        })
    }

    /// Whether `url` (e.g. the `url` of a `moved` reply) names this server.
    pub fn is(&self, url: &str) -> bool {
        self.url == normalize_url(url)
    }
}

/// A URL in the form compared with: `ws` read as `http` (and `wss` as `https`), scheme and host in
/// lower case, no trailing slash. A node's public URL ends with `/` (`http://127.0.0.1:41235/`)
/// while `--url` usually does not.
pub fn normalize_url(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "ws" => "http".to_owned(),
        "wss" => "https".to_owned(),
        other => other.to_owned(),
    };
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = path.trim_end_matches('/');
    format!("{scheme}://{}{path}", host.to_ascii_lowercase())
}

/// Source address for the `i`-th connection: 127.0.0.1, then .2 … every `per_ip` connections, so
/// that more connections than one address's ephemeral ports (~28k) can be opened.
pub fn source_ip(i: usize, per_ip: usize) -> Ipv4Addr {
    let host = 1 + (i / per_ip.max(1)) % 254;
    Ipv4Addr::new(127, 0, 0, host as u8)
}

/// Small buffers: tungstenite preallocates 128 KiB per connection by default, which 100k idle
/// connections cannot afford.
fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(16 * 1024)
}

/// How a `session:join` was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joined {
    Here,
    /// Another node serves the room, at this public URL: join there.
    Moved(String),
}

impl Joined {
    /// For a join that must succeed where it was sent (a single server).
    pub fn here(self) -> anyhow::Result<()> {
        match self {
            Joined::Here => Ok(()),
            Joined::Moved(url) => bail!("session:join answered moved to {url}"),
        }
    }
}

/// A connected Socket.IO client, before it is split for the load phase.
pub struct Conn {
    pub ws: Ws,
    next_id: u64,
}

impl Conn {
    /// Connects from `source` (a loopback address) and completes the Engine.IO and Socket.IO handshakes.
    pub async fn open(target: &Target, source: Ipv4Addr) -> anyhow::Result<Self> {
        timeout(STEP_TIMEOUT, Self::open_inner(target, source))
            .await
            .map_err(|_| anyhow!("handshake timed out"))?
    }

    async fn open_inner(target: &Target, source: Ipv4Addr) -> anyhow::Result<Self> {
        let socket = TcpSocket::new_v4()?;
        // Pick the port at connect time, by the whole 4-tuple, rather than at bind time.
        set_bind_no_port(&socket);
        socket.bind(SocketAddr::from((source, 0))).context("bind")?;
        let stream = socket.connect(target.addr).await.context("connect")?;
        stream.set_nodelay(true)?;
        let (ws, _) = client_async_with_config(target.ws_url.as_str(), stream, Some(ws_config()))
            .await
            .context("websocket handshake")?;
        let mut conn = Conn { ws, next_id: 1 };
        let open = conn.next_text().await?;
        if !open.starts_with('0') {
            bail!("expected Engine.IO open, got {open:.80}");
        }
        conn.send(proto::CONNECT).await?;
        loop {
            let msg = conn.next_text().await?;
            if msg.starts_with("40") {
                return Ok(conn);
            }
            if msg.starts_with("44") {
                bail!("connect refused: {msg:.120}");
            }
            conn.answer_ping(&msg).await?;
        }
    }

    pub async fn send(&mut self, text: &str) -> anyhow::Result<()> {
        self.ws.send(Message::text(text)).await?;
        Ok(())
    }

    /// Sends `name` with an ack id and waits for the ack (answering pings, skipping other events);
    /// fails on an `{ "error": … }` reply.
    pub async fn request(&mut self, name: &str, payload: Option<&str>) -> anyhow::Result<Value> {
        let reply = self.request_raw(name, payload).await?;
        proto::accepted(reply).with_context(|| format!("{name} failed"))
    }

    /// Like [`Conn::request`], but an `{ "error": … }` reply is returned as it came.
    async fn request_raw(&mut self, name: &str, payload: Option<&str>) -> anyhow::Result<Value> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&proto::event(name, Some(id), payload)).await?;
        let wait = async {
            loop {
                let msg = self.next_text().await?;
                if let Some((got, args)) = proto::ack(&msg) {
                    if got == id {
                        return proto::ack_first(args).with_context(|| format!("{name} failed"));
                    }
                }
                self.answer_ping(&msg).await?;
            }
        };
        timeout(STEP_TIMEOUT, wait)
            .await
            .map_err(|_| anyhow!("{name}: no ack"))?
    }

    /// Creates a room and returns its code.
    pub async fn create(&mut self) -> anyhow::Result<String> {
        proto::room_code(&self.request(proto::CREATE, None).await?)
    }

    /// Joins room `code`, or learns that another node serves it (a cluster's `moved` reply).
    pub async fn join(&mut self, code: &str, name: &str) -> anyhow::Result<Joined> {
        let payload = proto::join_payload(code, name);
        let reply = self.request_raw(proto::JOIN, Some(&payload)).await?;
        if let Some(url) = proto::moved_url(&reply) {
            return Ok(Joined::Moved(url.to_owned()));
        }
        proto::accepted(reply).context("session:join failed")?;
        Ok(Joined::Here)
    }

    pub async fn leave(&mut self, code: &str) -> anyhow::Result<()> {
        self.request(proto::LEAVE, Some(&proto::leave_payload(code)))
            .await
            .map(drop)
    }

    /// Closes the websocket and waits (briefly) for the server to close its side.
    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
        let drain = async { while let Some(Ok(_)) = self.ws.next().await {} };
        let _ = timeout(Duration::from_secs(2), drain).await;
    }

    async fn answer_ping(&mut self, msg: &str) -> anyhow::Result<()> {
        if msg == proto::PING {
            self.send(proto::PONG).await?;
        }
        Ok(())
    }

    /// The next text frame; websocket control frames are handled by tungstenite.
    pub async fn next_text(&mut self) -> anyhow::Result<String> {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Text(t))) => return Ok(t.as_str().to_owned()),
                Some(Ok(Message::Close(frame))) => bail!("server closed: {frame:?}"),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => bail!("connection ended"),
            }
        }
    }
}

/// Best effort: without it, bind(port 0) reserves a port per source address up front.
fn set_bind_no_port(socket: &TcpSocket) {
    let one: libc::c_int = 1;
    // SAFETY: a valid fd owned by `socket`, and a pointer to a c_int of the size passed.
    unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_IP,
            libc::IP_BIND_ADDRESS_NO_PORT,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_url_matches_its_target_whatever_the_trailing_slash_and_case() {
        let t = Target::parse("http://127.0.0.1:41235").unwrap();
        assert!(t.is("http://127.0.0.1:41235/"));
        assert!(t.is("HTTP://127.0.0.1:41235"));
        assert!(t.is("ws://127.0.0.1:41235/"));
        assert!(!t.is("http://127.0.0.1:41236/"));
        assert!(!t.is("http://127.0.0.1:41235/n/a/"));
        assert_eq!(
            normalize_url("https://Jam.Example.com/n/A/"),
            "https://jam.example.com/n/A"
        );
        assert_eq!(normalize_url("wss://h/"), "https://h");
    }
}
