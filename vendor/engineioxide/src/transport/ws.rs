//! The ws transport module is responsible for handling websocket connections
//! The only public function is [`new_req`] which is used to upgrade a http request to a websocket connection
//!
//! Other functions are used internally to handle the websocket connection through tasks and channels
//! and to handle upgrade from polling to ws

use std::{
    cell::RefCell,
    pin::Pin,
    sync::{Arc, atomic::Ordering},
    task::{Context, Poll},
    time::Duration,
};

use tokio::{
    sync::mpsc::Receiver,
    time::{Instant, Sleep},
};

use futures_util::{SinkExt, StreamExt};
use http::{HeaderValue, Request, Response, StatusCode, request::Parts};
use smallvec::smallvec;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::{
    WebSocketStream,
    tungstenite::{
        self, Message, Utf8Bytes,
        handshake::derive_accept_key,
        protocol::{Role, WebSocketConfig},
    },
};
use tokio_util::future::FutureExt as _;

use engineioxide_core::{Packet, PacketBuf, ProtocolVersion, Sid, Str, TransportType};

use crate::{
    DisconnectReason, Socket,
    body::ResponseBody,
    config::EngineIoConfig,
    engine::EngineIo,
    errors::Error,
    handler::EngineIoHandler,
    socket::{InternalRx, VolatileSlot},
    transport::make_open_packet,
};

/// Create a response for websocket upgrade
fn ws_response<B>(ws_key: &HeaderValue) -> Response<ResponseBody<B>> {
    let derived = derive_accept_key(ws_key.as_bytes());
    let sec = derived.parse::<HeaderValue>().unwrap();
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(http::header::UPGRADE, HeaderValue::from_static("websocket"))
        .header(
            http::header::CONNECTION,
            HeaderValue::from_static("Upgrade"),
        )
        .header(http::header::SEC_WEBSOCKET_ACCEPT, sec)
        .body(ResponseBody::empty_response())
        .unwrap() // we are only using constants
}

/// Upgrade a websocket request to create a websocket connection.
///
/// If a sid is provided in the query it means that is is upgraded from an existing HTTP polling request.
/// In this case the http polling request is closed and the SID is kept for the websocket
pub fn new_req<R: Send + 'static, B, H: EngineIoHandler>(
    engine: Arc<EngineIo<H>>,
    protocol: ProtocolVersion,
    sid: Option<Sid>,
    req: Request<R>,
) -> Result<Response<ResponseBody<B>>, Error> {
    let (parts, body) = req.into_parts();
    let req = Request::from_parts(parts.clone(), body);

    let ws_key = parts
        .headers
        .get("Sec-WebSocket-Key")
        .ok_or(Error::InvalidWebSocketKey)?
        .clone();

    tokio::spawn(async move {
        let conn = hyper::upgrade::on(req)
            .await
            .map(hyper_util::rt::TokioIo::new);

        let res = match conn {
            Ok(conn) => on_init(engine.clone(), conn, protocol, sid, parts).await,
            Err(_e) => {
                #[cfg(feature = "tracing")]
                tracing::debug!("ws upgrade error: {}", _e);
                return;
            }
        };

        match res {
            Ok(_) => {
                #[cfg(feature = "tracing")]
                tracing::debug!(?sid, "ws open")
            }
            Err(Error::MultipleWebsocketRequests) => {}
            Err(_e) => {
                #[cfg(feature = "tracing")]
                tracing::debug!(?sid, "ws closed with error: {_e}");
                if let Some(sid) = sid {
                    engine.close_session(sid, DisconnectReason::TransportError);
                }
            }
        }
    });

    Ok(ws_response(&ws_key))
}

/// Handle a websocket connection upgrade
///
/// Sends an open packet if it is not an upgrade from a polling request
///
/// Spawns the tasks that read packets from the websocket and handle them, and that write the
/// session's packets to it, then returns
#[cfg_attr(
    feature = "tracing",
    tracing::instrument(level = "trace", name = "init_websocket", skip(engine, conn, req_data))
)]
pub async fn on_init<H: EngineIoHandler, S>(
    engine: Arc<EngineIo<H>>,
    conn: S,
    protocol: ProtocolVersion,
    sid: Option<Sid>,
    req_data: Parts,
) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let ws_config = WebSocketConfig::default()
        .read_buffer_size(engine.config.ws_read_buffer_size)
        .max_message_size(Some(engine.config.ws_max_message_size))
        .max_frame_size(Some(engine.config.ws_max_frame_size));

    let ws_init = move || WebSocketStream::from_raw_socket(conn, Role::Server, Some(ws_config));
    let mut heartbeat = None;
    let (socket, ws) = if let Some(sid) = sid {
        match engine.get_socket(sid) {
            None => return Err(Error::UnknownSessionID(sid)),
            Some(socket) if socket.is_ws() => return Err(Error::MultipleWebsocketRequests),
            Some(socket) => {
                let mut ws = ws_init().await;

                let upgrade_fut = upgrade_handshake::<H, S>(&socket, &mut ws);
                match tokio::time::timeout(engine.config.upgrade_timeout, upgrade_fut)
                    .with_cancellation_token(&socket.cancellation_token)
                    .await
                {
                    Some(Ok(res)) => res?,
                    Some(Err(_)) => {
                        #[cfg(feature = "tracing")]
                        tracing::debug!(?sid, "ws upgrade timed out, closing session");
                        engine.close_session(socket.id, DisconnectReason::TransportError);
                        return Err(Error::Upgrade);
                    }
                    None => {
                        #[cfg(feature = "tracing")]
                        tracing::debug!(?sid, "socket is being closed");
                        return Err(Error::Upgrade);
                    }
                }
                (socket, ws)
            }
        }
    } else {
        let socket = engine.create_session(protocol, TransportType::Websocket, req_data, false);

        #[cfg(feature = "tracing")]
        tracing::debug!("new websocket connection");

        let mut ws = ws_init().await;
        init_handshake(socket.id, &mut ws, &engine.config).await?;
        if socket.protocol == ProtocolVersion::V4 {
            // The reader drives the heartbeat (the server pings): no task of its own.
            heartbeat = Some((engine.config.ping_interval, engine.config.ping_timeout));
        } else {
            socket
                .clone()
                .spawn_heartbeat(engine.config.ping_interval, engine.config.ping_timeout);
        }
        (socket, ws)
    };
    // One task reads the websocket, writes the session's packets to it and (v4 websocket) drives
    // the heartbeat: no second task, no split-stream lock. This one's state (the request, the
    // handshake) is freed now rather than kept for the life of the connection.
    tokio::spawn(run::<H, S>(engine, socket, ws, heartbeat));
    Ok(())
}

/// How a connection's loop ended.
enum Ended {
    /// The session was closed (by the server, or by the engine after an error elsewhere).
    SessionClosed,
    /// The websocket was closed by the client, or failed.
    Transport(Result<(), Error>),
}

/// Runs a websocket session to its end: reads, writes and pings in one task, then closes the
/// session (if the transport ended it) and writes what is left, bounded in time.
///
/// Not an `async fn`: one moves its arguments into the future's locals, so the websocket would take
/// its room twice in a future that lives as long as the connection; a block uses them in place.
#[allow(clippy::manual_async_fn)]
fn run<H: EngineIoHandler, S>(
    engine: Arc<EngineIo<H>>,
    socket: Arc<Socket<H::Data>>,
    mut ws: WebSocketStream<S>,
    heartbeat: Option<(Duration, Duration)>,
) -> impl Future<Output = ()> + Send + 'static
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    async move {
        // A polling request that was in progress during the upgrade may still hold the lock.
        // The waits before and after the loop are boxed: they run once, and inline they would make
        // this task's future, which lives as long as the connection, twice as large.
        let lock = Box::pin(
            socket
                .internal_rx
                .lock()
                .with_cancellation_token(&socket.cancellation_token),
        );
        let Some(mut internal_rx) = lock.await else {
            #[cfg(feature = "tracing")]
            tracing::debug!(sid = %socket.id, "session closed before starting the ws connection");
            return;
        };
        let mut out = Outgoing::default();
        match serve(
            &engine,
            &socket,
            &mut ws,
            &mut internal_rx,
            &mut out,
            heartbeat,
        )
        .await
        {
            Ended::SessionClosed => {
                #[cfg(feature = "tracing")]
                tracing::debug!(sid = %socket.id, "socket is closing");
            }
            Ended::Transport(Ok(())) => {
                #[cfg(feature = "tracing")]
                tracing::debug!(sid = %socket.id, "ws transport was closed");
                engine.close_session(socket.id, DisconnectReason::TransportClose);
            }
            Ended::Transport(Err(ref e)) => {
                #[cfg(feature = "tracing")]
                tracing::debug!("error when handling packet: {:?}", e);
                let reason =
                    Option::<DisconnectReason>::from(e).unwrap_or(DisconnectReason::TransportError);
                engine.close_session(socket.id, reason);
            }
        }

        #[cfg(feature = "tracing")]
        tracing::trace!(sid = %socket.id, "ws closing flush");
        // Bounded: a client that does not read must not keep the session (and its `internal_rx`
        // lock, which `on_disconnect` waits for) alive. What was queued before the close (the close
        // packet of a closing session) still goes out if it can.
        let protocol = socket.protocol;
        let closing = async {
            let rest = out.current.take().into_iter().flatten();
            let queued = std::iter::from_fn(|| internal_rx.buffered_rx.try_recv().ok()).flatten();
            for packet in rest.chain(queued) {
                if let Some(msg) = to_message(packet, protocol)
                    && ws.feed(msg).await.is_err()
                {
                    return;
                }
            }
            ws.flush().await.ok();
            ws.close(None).await.ok();
        };
        Box::pin(tokio::time::timeout(CLOSING_FLUSH_TIMEOUT, closing))
            .await
            .ok();
    }
}

/// The connection's loop: every wake-up checks, in order, the session's end, the websocket's
/// incoming messages, the heartbeat, a new volatile packet, and writes whatever is queued while the
/// websocket accepts it, flushing once per wake-up. A client that stops reading blocks only the
/// writing: its messages are still read, and the queue filling up closes the session.
async fn serve<H: EngineIoHandler, S>(
    engine: &Arc<EngineIo<H>>,
    socket: &Arc<Socket<H::Data>>,
    ws: &mut WebSocketStream<S>,
    rx: &mut InternalRx,
    out: &mut Outgoing,
    heartbeat: Option<(Duration, Duration)>,
) -> Ended
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let closed = socket.cancellation_token.cancelled();
    tokio::pin!(closed);
    let mut heartbeat = heartbeat.map(|(interval, timeout)| Heartbeat {
        interval,
        timeout,
        next_ping: Instant::now(),
        awaiting_pong: false,
    });
    let timer = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(timer);
    let buffered_rx = &mut rx.buffered_rx;
    // The wait for the session's end is polled once to register, then only once the session is
    // marked closing: it stays registered, and polling it on every wake-up took a lock each time.
    let mut watching = false;
    std::future::poll_fn(|cx| {
        if !watching || socket.closing.load(Ordering::SeqCst) {
            watching = true;
            if closed.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Ended::SessionClosed);
            }
        }
        if let Err(e) = read_ready(engine, socket, ws, heartbeat.as_mut(), timer.as_mut(), cx) {
            return Poll::Ready(Ended::Transport(e));
        }
        if let Some(hb) = heartbeat.as_mut()
            && let Err(e) = hb.poll(socket, timer.as_mut(), cx)
        {
            return Poll::Ready(Ended::Transport(Err(e)));
        }
        if let Err(e) = out.poll_write(ws, buffered_rx, &socket.volatile, socket.protocol, cx) {
            return Poll::Ready(Ended::Transport(Err(e.into())));
        }
        Poll::Pending
    })
    .await
}

/// Reads every message the websocket has ready and hands it on. `Err(Ok(()))` is a clean end
/// (the client closed), `Err(Err(e))` a failure.
fn read_ready<H: EngineIoHandler, S>(
    engine: &Arc<EngineIo<H>>,
    socket: &Arc<Socket<H::Data>>,
    ws: &mut WebSocketStream<S>,
    mut heartbeat: Option<&mut Heartbeat>,
    mut timer: Pin<&mut Sleep>,
    cx: &mut Context<'_>,
) -> Result<(), Result<(), Error>>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    loop {
        let msg = match ws.poll_next_unpin(cx) {
            Poll::Pending => return Ok(()),
            Poll::Ready(None) => return Err(Ok(())),
            Poll::Ready(Some(Err(e))) => return Err(Err(e.into())),
            Poll::Ready(Some(Ok(msg))) => msg,
        };
        match on_ws_message(engine, socket, msg) {
            Ok(Received::Other) => {}
            Ok(Received::Pong) => match heartbeat.as_deref_mut() {
                Some(hb) => hb.on_pong(timer.as_mut()),
                // A permit already pending means that the client is already known to be alive.
                None => socket.heartbeat.notify_one(),
            },
            Ok(Received::Close) => return Err(Ok(())),
            Err(e) => return Err(Err(e)),
        }
    }
}

/// What an incoming websocket message was, for the connection's loop.
enum Received {
    Pong,
    Close,
    Other,
}

/// Hands one websocket message to the handler (messages and binaries) or says what it was.
fn on_ws_message<H: EngineIoHandler>(
    engine: &Arc<EngineIo<H>>,
    socket: &Arc<Socket<H::Data>>,
    msg: Message,
) -> Result<Received, Error> {
    match msg {
        Message::Text(msg) => match Packet::parse(socket.protocol, ws_bytes_to_str(msg))? {
            Packet::Close => {
                #[cfg(feature = "tracing")]
                tracing::debug!("[sid={}] closing session", socket.id);
                Ok(Received::Close)
            }
            Packet::Pong | Packet::Ping => Ok(Received::Pong),
            Packet::Message(msg) => {
                engine.handler.on_message(msg, socket.clone());
                Ok(Received::Other)
            }
            p => Err(Error::BadPacket(p)),
        },
        Message::Binary(mut data) => {
            if socket.protocol == ProtocolVersion::V3 && !data.is_empty() {
                // The first byte is the message type, which we don't need.
                data = data.split_off(1);
            }
            engine.handler.on_binary(data, socket.clone());
            Ok(Received::Other)
        }
        Message::Close(_) => {
            #[cfg(feature = "tracing")]
            tracing::debug!("websocket closed, closing session");
            Ok(Received::Close)
        }
        _ => {
            #[cfg(feature = "tracing")]
            tracing::debug!(sid = ?socket.id, "unexpected ws message");
            Ok(Received::Other)
        }
    }
}

/// A v4 websocket session's heartbeat, driven by its connection's loop: a ping at once and every
/// `interval`, each to be answered within `timeout` (as `Socket::heartbeat_job_v4`), with one timer.
struct Heartbeat {
    interval: Duration,
    timeout: Duration,
    next_ping: Instant,
    awaiting_pong: bool,
}

impl Heartbeat {
    /// Sends the ping that is due, or fails when the last one went unanswered.
    fn poll<D: Default + Send + Sync + 'static>(
        &mut self,
        socket: &Socket<D>,
        mut timer: Pin<&mut Sleep>,
        cx: &mut Context<'_>,
    ) -> Result<(), Error> {
        while timer.as_mut().poll(cx).is_ready() {
            if self.awaiting_pong {
                return Err(Error::HeartbeatTimeout);
            }
            socket
                .internal_tx
                .try_send(smallvec![Packet::Ping])
                .map_err(|_| Error::HeartbeatTimeout)?;
            self.awaiting_pong = true;
            self.next_ping += self.interval;
            timer.as_mut().reset(Instant::now() + self.timeout);
        }
        Ok(())
    }

    fn on_pong(&mut self, timer: Pin<&mut Sleep>) {
        if self.awaiting_pong {
            self.awaiting_pong = false;
            timer.reset(self.next_ping);
        }
    }
}

/// The packets being written: the rest of the last batch taken from the queue (or the volatile
/// slot), and whether the websocket has writes to flush.
#[derive(Default)]
struct Outgoing {
    current: Option<smallvec::IntoIter<[Packet; 1]>>,
    unflushed: bool,
}

impl Outgoing {
    /// The next packet to write, if one is waiting: the queue's, then the volatile slot's.
    fn next(
        &mut self,
        rx: &mut Receiver<PacketBuf>,
        volatile: &VolatileSlot,
        cx: &mut Context<'_>,
    ) -> Option<Packet> {
        loop {
            if let Some(packet) = self.current.as_mut().and_then(Iterator::next) {
                return Some(packet);
            }
            let Poll::Ready(Some(batch)) = volatile.poll_next_batch(rx, cx) else {
                return None;
            };
            self.current = Some(batch.into_iter());
        }
    }

    /// Writes queued packets while the websocket accepts them, then flushes once: a burst goes
    /// out in as few writes as the buffer allows.
    fn poll_write<S>(
        &mut self,
        ws: &mut WebSocketStream<S>,
        rx: &mut Receiver<PacketBuf>,
        volatile: &VolatileSlot,
        protocol: ProtocolVersion,
        cx: &mut Context<'_>,
    ) -> Result<(), tungstenite::Error>
    where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        while ws.poll_ready_unpin(cx)?.is_ready() {
            let Some(packet) = self.next(rx, volatile, cx) else {
                break;
            };
            if let Some(msg) = to_message(packet, protocol) {
                ws.start_send_unpin(msg)?;
                self.unflushed = true;
            }
        }
        if self.unflushed && ws.poll_flush_unpin(cx)?.is_ready() {
            self.unflushed = false;
        }
        Ok(())
    }
}

/// The websocket message for a packet; none for a `Noop` (sent to end a polling request during an
/// upgrade: one still queued when the websocket takes over is discarded).
fn to_message(packet: Packet, protocol: ProtocolVersion) -> Option<Message> {
    match packet {
        Packet::Binary(bin) | Packet::BinaryV3(bin) if protocol == ProtocolVersion::V3 => {
            // v3 protocol requires packet type as the first byte.
            let mut buff = Vec::with_capacity(bin.len() + 1);
            buff.push(0x04);
            buff.extend(bin);
            Some(Message::Binary(buff.into()))
        }
        Packet::Binary(bin) | Packet::BinaryV3(bin) => Some(Message::Binary(bin)),
        Packet::Noop => None,
        Packet::Message(msg) => Some(Message::Text(message_text(msg))),
        packet => Some(Message::Text(String::from(packet).into())),
    }
}

thread_local! {
    /// The last message framed on this thread, and its frame text.
    static LAST_FRAMED: RefCell<Option<(Str, Utf8Bytes)>> = const { RefCell::new(None) };
}

/// The frame text of a message packet (`4` and the message). A message broadcast to many sockets is
/// one `Str` shared by all of their queues (socketioxide encodes a broadcast once), so its frame is
/// built once per thread and shared by the next recipients served on it, instead of an allocation
/// and a copy per recipient. The `Str` kept with it keeps its bytes alive, so the same address and
/// length can only be the same message.
fn message_text(msg: Str) -> Utf8Bytes {
    LAST_FRAMED.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((framed_msg, text)) = &*last
            && framed_msg.as_ptr() == msg.as_ptr()
            && framed_msg.len() == msg.len()
        {
            return text.clone();
        }
        let text = Utf8Bytes::from(String::from(Packet::Message(msg.clone())));
        *last = Some((msg, text.clone()));
        text
    })
}

/// How long a closing websocket waits for its last packets to be written.
const CLOSING_FLUSH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);
/// Send a Engine.IO [`OpenPacket`] to initiate a websocket connection
async fn init_handshake<S>(
    sid: Sid,
    ws: &mut WebSocketStream<S>,
    config: &EngineIoConfig,
) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let packet = Packet::Open(Box::new(make_open_packet(
        TransportType::Websocket,
        sid,
        config,
    )));
    let packet: String = packet.into();
    ws.send(Message::Text(packet.into())).await?;
    Ok(())
}

/// Upgrade a session from a polling request to a websocket request.
///
/// Before upgrading the session the server should send a NOOP packet to any pending polling request.
///
/// ## Handshake :
/// ```text
/// CLIENT                                                 SERVER
///│                                                      │
///│   GET /engine.io/?EIO=4&transport=websocket&sid=...  │
///│ ───────────────────────────────────────────────────► │
///│  ◄─────────────────────────────────────────────────┘ │
///│            HTTP 101 (WebSocket handshake)            │
///│                                                      │
///│            -----  WebSocket frames -----             │
///│  ─────────────────────────────────────────────────►  │
///│                         2probe                       │ (ping packet)
///│  ◄─────────────────────────────────────────────────  │
///│                         3probe                       │ (pong packet)
///│  ─────────────────────────────────────────────────►  │
///│                         5                            │ (upgrade packet)
///│                                                      │
///│            -----  WebSocket frames -----             │
/// ```
#[cfg_attr(
    feature = "tracing",
    tracing::instrument(level = "trace", skip(socket, ws))
)]
async fn upgrade_handshake<H: EngineIoHandler, S>(
    socket: &Arc<Socket<H::Data>>,
    ws: &mut WebSocketStream<S>,
) -> Result<(), Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    #[cfg(feature = "tracing")]
    tracing::debug!("starting websocket connection upgrade");

    // The socket is upgrading, from now on all polling
    // request will return a `Packet::Noop`
    socket.start_upgrade();

    // We send a last Noop request to close a potential waiting polling request.
    socket
        .internal_tx
        .send(smallvec![Packet::Noop])
        .await
        .map_err(|_| Error::Upgrade)?;

    // wait for any current polling connection to finish by waiting for the socket to be unlocked
    // All other polling connection will be immediately closed with a NOOP packet.
    let _lock = socket.internal_rx.lock().await;

    // Fetch the next packet from the ws stream, it should be a PingUpgrade packet
    let msg = match ws.next().await {
        Some(Ok(Message::Text(d))) => d,
        _ => Err(Error::Upgrade)?,
    };
    match Packet::parse(socket.protocol, ws_bytes_to_str(msg))? {
        Packet::PingUpgrade => {
            #[cfg(feature = "tracing")]
            tracing::debug!("received first ping upgrade");
            // Respond with a PongUpgrade packet
            ws.send(Message::Text(String::from(Packet::PongUpgrade).into()))
                .await?;
        }
        p => Err(Error::BadPacket(p))?,
    };

    // Fetch the next packet from the ws stream, it should be an Upgrade packet
    let msg = match ws.next().await {
        Some(Ok(Message::Text(d))) => d,
        Some(Ok(Message::Close(_))) => {
            #[cfg(feature = "tracing")]
            tracing::debug!("ws stream closed before upgrade");
            Err(Error::Upgrade)?
        }
        _ => {
            #[cfg(feature = "tracing")]
            tracing::debug!("unexpected ws message before upgrade");
            Err(Error::Upgrade)?
        }
    };
    match Packet::parse(socket.protocol, ws_bytes_to_str(msg))? {
        Packet::Upgrade => {
            #[cfg(feature = "tracing")]
            tracing::debug!("ws upgraded successfully")
        }
        p => Err(Error::BadPacket(p))?,
    };

    socket.upgrade_to_websocket();
    Ok(())
}

fn ws_bytes_to_str(bytes: tungstenite::Utf8Bytes) -> Str {
    // SAFETY: the bytes are guaranteed to be valid UTF-8 by the tungstenite parser
    unsafe { Str::from_bytes_unchecked(bytes.into()) }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;
    use futures_util::StreamExt;
    use http::Request;
    use tokio::io::DuplexStream;

    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(1);

    #[derive(Debug)]
    struct StubHandler;
    impl EngineIoHandler for StubHandler {
        type Data = ();
        fn on_connect(self: Arc<Self>, _: Arc<Socket<()>>) {}
        fn on_disconnect(&self, _: Arc<Socket<()>>, _: DisconnectReason) {}
        fn on_message(self: &Arc<Self>, _: Str, _: Arc<Socket<()>>) {}
        fn on_binary(self: &Arc<Self>, _: Bytes, _: Arc<Socket<()>>) {}
    }

    fn engine_and_socket() -> (Arc<EngineIo<StubHandler>>, Arc<Socket<()>>) {
        let engine = Arc::new(EngineIo::new(
            Arc::new(StubHandler),
            EngineIoConfig::default(),
        ));
        let socket = engine.create_session(
            ProtocolVersion::V4,
            TransportType::Websocket,
            Request::<()>::default().into_parts().0,
            false,
        );
        (engine, socket)
    }

    async fn ws_pair() -> (WebSocketStream<DuplexStream>, WebSocketStream<DuplexStream>) {
        let (server, client) = tokio::io::duplex(1024);
        (
            WebSocketStream::from_raw_socket(server, Role::Server, None).await,
            WebSocketStream::from_raw_socket(client, Role::Client, None).await,
        )
    }

    /// A polling request can still hold the lock at the end of an upgrade.
    #[tokio::test]
    async fn writer_waits_for_the_lock_of_a_polling_request() {
        let (engine, socket) = engine_and_socket();
        let (server, mut client) = ws_pair().await;

        let polling = socket.internal_rx.lock().await;
        let writer = tokio::spawn(run(engine, socket.clone(), server, None));
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!writer.is_finished(), "the writer should wait for the lock");

        drop(polling);
        socket.emit(Str::from("hello")).unwrap();
        let msg = tokio::time::timeout(TIMEOUT, client.next())
            .await
            .expect("the writer should send the packet")
            .unwrap()
            .unwrap();
        assert_eq!(msg, Message::text("4hello"));
    }

    #[tokio::test]
    async fn writer_waiting_for_the_lock_stops_with_the_session() {
        let (engine, socket) = engine_and_socket();
        let (server, _client) = ws_pair().await;

        let _polling = socket.internal_rx.lock().await;
        let writer = tokio::spawn(run(engine, socket.clone(), server, None));
        tokio::time::sleep(Duration::from_millis(20)).await;

        socket.cancellation_token.cancel();
        tokio::time::timeout(TIMEOUT, writer)
            .await
            .expect("the writer should stop")
            .unwrap();
    }

    /// A message shared by several queues (a broadcast) is framed once; another message with the
    /// same text gets a frame of its own, with the same text.
    #[test]
    fn a_shared_message_is_framed_once() {
        let text = |msg: Str| match to_message(Packet::Message(msg), ProtocolVersion::V4) {
            Some(Message::Text(text)) => text,
            other => panic!("not a text message: {other:?}"),
        };
        let broadcast = Str::from(String::from("2[\"note:on\",60]"));
        let first = text(broadcast.clone());
        let second = text(broadcast.clone());
        assert_eq!(first.as_str(), "42[\"note:on\",60]");
        assert_eq!(first.as_str().as_ptr(), second.as_str().as_ptr());

        let same_text = Str::from(String::from("2[\"note:on\",60]"));
        let other = text(same_text);
        assert_eq!(other.as_str(), "42[\"note:on\",60]");
        assert_ne!(other.as_str().as_ptr(), first.as_str().as_ptr());
        assert_eq!(text(Str::from("hello")).as_str(), "4hello");
    }
}
