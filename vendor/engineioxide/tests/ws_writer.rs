//! The websocket writer keeps one wait on the session's end for its whole life: every packet
//! still goes out in order across many bursts and flushes, and once the session is closed while
//! the writer is idle, the client sees the connection close and the handler hears of it.

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
    tungstenite::{Message, handshake::client::generate_key, protocol::Role},
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
pub async fn every_packet_goes_out_in_order_and_a_close_while_idle_ends_the_writer() {
    let (sockets_tx, mut sockets) = mpsc::unbounded_channel();
    let (reasons_tx, mut reasons) = mpsc::unbounded_channel();
    let handler = Handler {
        sockets: sockets_tx,
        reasons: reasons_tx,
    };
    let svc = EngineIoService::with_config(Arc::new(handler), EngineIoConfig::default());
    let (server_end, client_end) = tokio::io::duplex(64 * 1024);
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
    client.next().await.unwrap().unwrap(); // the open packet
    let socket = sockets.recv().await.unwrap();

    const BURSTS: usize = 200;
    const PER_BURST: usize = 20; // within the default buffer of 128 packets
    for burst in 0..BURSTS {
        for i in 0..PER_BURST {
            socket.emit(format!("{}", burst * PER_BURST + i)).unwrap();
        }
        for i in 0..PER_BURST {
            let mut msg = client.next().await.unwrap().unwrap();
            while msg == Message::text("2") {
                msg = client.next().await.unwrap().unwrap(); // a heartbeat ping in between
            }
            assert_eq!(msg, Message::text(format!("4{}", burst * PER_BURST + i)));
        }
    }

    socket.close(DisconnectReason::ClosingServer); // while the writer waits for more
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(msg)) = client.next().await {
            if msg.is_close() {
                break;
            }
        }
    });
    ended.await.expect("the connection did not close");
    let reason = tokio::time::timeout(Duration::from_secs(5), reasons.recv())
        .await
        .unwrap();
    assert_eq!(reason, Some(DisconnectReason::ClosingServer));
}
