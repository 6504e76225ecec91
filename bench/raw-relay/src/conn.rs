//! One websocket connection: handshake, Engine.IO v4 open/ping/pong/message, and a single task
//! that both reads the socket and drains the connection's outgoing queue (no second task, no
//! split-stream lock).

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{sleep, Instant};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{accept_hdr_async_with_config, WebSocketStream};

use crate::rooms::{random_id, Rooms};
use crate::session::{Flow, Session};

const PING_INTERVAL: Duration = Duration::from_millis(25_000);
const PING_TIMEOUT: Duration = Duration::from_millis(20_000);
/// Engine.IO `maxPayload`: the largest websocket message accepted.
const MAX_PAYLOAD: usize = 1_000_000;

fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_write_buffer_size(usize::MAX)
        .max_message_size(Some(MAX_PAYLOAD))
        .max_frame_size(Some(MAX_PAYLOAD))
}

/// Accepts only `GET /socket.io/?EIO=4&transport=websocket`.
#[allow(clippy::result_large_err)] // the signature is tungstenite's `Callback`
fn check_request(req: &Request, resp: Response) -> Result<Response, ErrorResponse> {
    let path_ok = req.uri().path() == "/socket.io/";
    let query = req.uri().query().unwrap_or("");
    let has = |pair: &str| query.split('&').any(|p| p == pair);
    if path_ok && has("EIO=4") && has("transport=websocket") {
        return Ok(resp);
    }
    let mut err = ErrorResponse::new(Some(
        "websocket transport only: /socket.io/?EIO=4&transport=websocket".into(),
    ));
    *err.status_mut() = StatusCode::BAD_REQUEST;
    Err(err)
}

/// Runs one connection to its end. Errors just end it: the peer is gone or misbehaved.
pub async fn serve(stream: TcpStream, conn: u64, rooms: Arc<Rooms>) {
    if stream.set_nodelay(true).is_err() {
        return;
    }
    let Ok(mut ws) = accept_hdr_async_with_config(stream, check_request, Some(ws_config())).await
    else {
        return;
    };
    let Some(sid) = random_id(20) else { return };
    let open = format!(
        "0{{\"sid\":\"{sid}\",\"upgrades\":[],\"pingInterval\":{},\"pingTimeout\":{},\"maxPayload\":{MAX_PAYLOAD}}}",
        PING_INTERVAL.as_millis(),
        PING_TIMEOUT.as_millis()
    );
    if ws.send(Message::Text(open.into())).await.is_err() {
        return;
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut session = Session::new(conn, rooms, tx);
    let mut out = Vec::new();
    // One timer: waiting to ping, or (after a ping) waiting for the pong.
    let timer = sleep(PING_INTERVAL);
    tokio::pin!(timer);
    let mut awaiting_pong = false;
    loop {
        tokio::select! {
            Some(first) = rx.recv() => {
                out.push(first);
                while let Ok(more) = rx.try_recv() {
                    out.push(more);
                }
            }
            incoming = ws.next() => {
                let Some(Ok(Message::Text(text))) = incoming else {
                    match incoming {
                        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                        _ => continue, // websocket ping/pong (tungstenite answers), binary: unused
                    }
                };
                match text.as_bytes().first() {
                    Some(b'3') => {
                        awaiting_pong = false;
                        timer.as_mut().reset(Instant::now() + PING_INTERVAL);
                    }
                    Some(b'4') if session.on_packet(&text[1..], &mut out) == Flow::Close => break,
                    Some(b'1') => break,
                    _ => {}
                }
            }
            () = &mut timer => {
                if awaiting_pong {
                    break; // pingTimeout: the client is gone
                }
                awaiting_pong = true;
                timer.as_mut().reset(Instant::now() + PING_TIMEOUT);
                out.push(Message::Text("2".into()));
            }
        }
        if !out.is_empty() && send_all(&mut ws, &mut out).await.is_err() {
            break;
        }
    }
    drop(session); // leaves its rooms before the socket closes
                   // Bounded: a peer that stopped reading must not keep this task alive.
    let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
}

/// Queues every message in tungstenite's write buffer, then flushes once.
async fn send_all(
    ws: &mut WebSocketStream<TcpStream>,
    out: &mut Vec<Message>,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    for msg in out.drain(..) {
        ws.feed(msg).await?;
    }
    ws.flush().await
}
