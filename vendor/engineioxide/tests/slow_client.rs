//! A websocket client that stops reading: once its buffer is full (with `close_on_full_buffer`),
//! the session closes and the handler hears of it, although the client neither reads nor closes
//! its end of the connection.

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use engineioxide::{
    ProtocolVersion, Str,
    config::EngineIoConfig,
    handler::EngineIoHandler,
    service::EngineIoService,
    socket::{DisconnectReason, Socket},
};
use futures_util::StreamExt;
use http::Request;
use tokio::sync::mpsc;
use tokio_tungstenite::{
    WebSocketStream,
    tungstenite::{handshake::client::generate_key, protocol::Role},
};

#[derive(Debug)]
struct Handler {
    sockets: mpsc::UnboundedSender<Arc<Socket<()>>>,
    reasons: mpsc::UnboundedSender<DisconnectReason>,
}

impl EngineIoHandler for Handler {
    type Data = ();
    fn on_connect(self: Arc<Self>, socket: Arc<Socket<()>>) {
        self.sockets.send(socket).ok();
    }
    fn on_disconnect(&self, _: Arc<Socket<()>>, reason: DisconnectReason) {
        self.reasons.send(reason).ok();
    }
    fn on_message(self: &Arc<Self>, _: Str, _: Arc<Socket<()>>) {}
    fn on_binary(self: &Arc<Self>, _: Bytes, _: Arc<Socket<()>>) {}
}

#[tokio::test]
pub async fn ws_client_that_stops_reading_is_closed_once_its_buffer_is_full() {
    let (sockets_tx, mut sockets) = mpsc::unbounded_channel();
    let (reasons_tx, mut reasons) = mpsc::unbounded_channel();
    let config = EngineIoConfig::builder()
        .max_buffer_size(4)
        .close_on_full_buffer(true)
        .build();
    let handler = Handler {
        sockets: sockets_tx,
        reasons: reasons_tx,
    };
    let svc = EngineIoService::with_config(Arc::new(handler), config);

    // A small in-memory pipe: writes to the client block once it holds 4 KiB.
    let (server_end, client_end) = tokio::io::duplex(4096);
    let parts = Request::builder()
        .method("GET")
        .header("Host", "127.0.0.1")
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", generate_key())
        .uri("ws://127.0.0.1/engine.io/?EIO=4&transport=websocket")
        .body(http_body_util::Empty::<Bytes>::new())
        .unwrap()
        .into_parts()
        .0;
    tokio::spawn(svc.ws_init(server_end, ProtocolVersion::V4, None, parts));
    let mut client = WebSocketStream::from_raw_socket(client_end, Role::Client, None).await;
    client.next().await.unwrap().unwrap(); // the open packet; nothing is read after it
    let socket = sockets.recv().await.unwrap();

    let message = "x".repeat(1024);
    for _ in 0..1_000 {
        if socket.emit(message.clone()).is_err() {
            break;
        }
        tokio::task::yield_now().await;
    }

    let reason = tokio::time::timeout(Duration::from_secs(5), reasons.recv())
        .await
        .expect("on_disconnect did not run while the client kept the connection open");
    assert_eq!(reason, Some(DisconnectReason::BufferFull));
    drop(client);
}
