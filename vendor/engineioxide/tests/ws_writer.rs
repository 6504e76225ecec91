//! A websocket session's one task reads and writes: every packet goes out in order across many
//! bursts and flushes; once the session is closed while nothing is being written, the client sees
//! the connection close and the handler hears of it; and a write blocked on a client that does not
//! read does not stop the session from reading that client.

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use engineioxide::{
    ProtocolVersion, Str,
    config::EngineIoConfig,
    handler::EngineIoHandler,
    service::EngineIoService,
    socket::{DisconnectReason, Socket},
};
use futures_util::{SinkExt, StreamExt};
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
    messages: mpsc::UnboundedSender<Str>,
}

impl EngineIoHandler for Handler {
    type Data = ();
    fn on_connect(self: Arc<Self>, socket: Arc<Socket<()>>) {
        self.sockets.send(socket).ok();
    }
    fn on_disconnect(&self, _: Arc<Socket<()>>, reason: DisconnectReason) {
        self.reasons.send(reason).ok();
    }
    fn on_message(self: &Arc<Self>, msg: Str, _: Arc<Socket<()>>) {
        self.messages.send(msg).ok();
    }
    fn on_binary(self: &Arc<Self>, _: Bytes, _: Arc<Socket<()>>) {}
}

/// A websocket session over an in-memory pipe of `pipe` bytes each way: the client's end, the
/// server's socket, and the disconnect reasons and messages its handler hears.
struct Session {
    client: WebSocketStream<tokio::io::DuplexStream>,
    socket: Arc<Socket<()>>,
    reasons: mpsc::UnboundedReceiver<DisconnectReason>,
    messages: mpsc::UnboundedReceiver<Str>,
}

async fn session(pipe: usize) -> Session {
    let (sockets_tx, mut sockets) = mpsc::unbounded_channel();
    let (reasons_tx, reasons) = mpsc::unbounded_channel();
    let (messages_tx, messages) = mpsc::unbounded_channel();
    let handler = Handler {
        sockets: sockets_tx,
        reasons: reasons_tx,
        messages: messages_tx,
    };
    let svc = EngineIoService::with_config(Arc::new(handler), EngineIoConfig::default());
    let (server_end, client_end) = tokio::io::duplex(pipe);
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
    Session {
        client,
        socket,
        reasons,
        messages,
    }
}

/// The next message that is not a heartbeat ping.
async fn next_message(client: &mut WebSocketStream<tokio::io::DuplexStream>) -> Message {
    let mut msg = client.next().await.unwrap().unwrap();
    while msg == Message::text("2") {
        msg = client.next().await.unwrap().unwrap();
    }
    msg
}

#[tokio::test]
pub async fn every_packet_goes_out_in_order_and_a_close_while_idle_ends_the_writer() {
    let Session {
        mut client,
        socket,
        mut reasons,
        ..
    } = session(64 * 1024).await;

    const BURSTS: usize = 200;
    const PER_BURST: usize = 20; // within the default buffer of 128 packets
    for burst in 0..BURSTS {
        for i in 0..PER_BURST {
            socket.emit(format!("{}", burst * PER_BURST + i)).unwrap();
        }
        for i in 0..PER_BURST {
            let msg = next_message(&mut client).await;
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

/// Reading and writing share one task: a write blocked on a client that does not read must not
/// stop the session from hearing that client.
#[tokio::test]
pub async fn a_client_that_does_not_read_is_still_heard() {
    let Session {
        mut client,
        socket,
        mut messages,
        ..
    } = session(4 * 1024).await;

    const SENT: usize = 100; // 100 KB through a 4 KB pipe: the writes block
    let chunk = "x".repeat(1024);
    for i in 0..SENT {
        socket.emit(format!("{i}{chunk}")).unwrap();
    }
    client.send(Message::text("4hello")).await.unwrap();
    let heard = tokio::time::timeout(Duration::from_secs(5), messages.recv())
        .await
        .expect("the message was not read while the writes were blocked");
    assert_eq!(heard.as_deref(), Some("hello"));

    for i in 0..SENT {
        let msg = next_message(&mut client).await;
        assert_eq!(msg, Message::text(format!("4{i}{chunk}")));
    }
}
