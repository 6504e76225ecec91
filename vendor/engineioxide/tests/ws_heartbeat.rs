//! A websocket session's heartbeat runs in its reader: the server pings at once and then every
//! interval; a client that answers stays connected, and one that stops answering is closed with
//! `HeartbeatTimeout`.

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
    reasons: mpsc::UnboundedSender<DisconnectReason>,
}

impl EngineIoHandler for Handler {
    type Data = ();
    fn on_connect(self: Arc<Self>, _: Arc<Socket<()>>) {}
    fn on_disconnect(&self, _: Arc<Socket<()>>, reason: DisconnectReason) {
        self.reasons.send(reason).ok();
    }
    fn on_message(self: &Arc<Self>, _: Str, _: Arc<Socket<()>>) {}
    fn on_binary(self: &Arc<Self>, _: Bytes, _: Arc<Socket<()>>) {}
}

#[tokio::test]
pub async fn pings_keep_an_answering_client_and_close_a_silent_one() {
    let (reasons_tx, mut reasons) = mpsc::unbounded_channel();
    let config = EngineIoConfig::builder()
        .ping_interval(Duration::from_millis(40))
        .ping_timeout(Duration::from_millis(400))
        .build();
    let svc = EngineIoService::with_config(
        Arc::new(Handler {
            reasons: reasons_tx,
        }),
        config,
    );
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

    for _ in 0..5 {
        let ping = tokio::time::timeout(Duration::from_secs(5), client.next())
            .await
            .expect("no ping came")
            .unwrap()
            .unwrap();
        assert_eq!(ping, Message::text("2"));
        client.send(Message::text("3")).await.unwrap();
    }
    assert!(
        reasons.try_recv().is_err(),
        "an answering client was closed"
    );

    // Now the client keeps reading but never answers.
    let reason = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            tokio::select! {
                reason = reasons.recv() => break reason,
                _ = client.next() => {}
            }
        }
    })
    .await
    .expect("the silent client was not closed");
    assert_eq!(reason, Some(DisconnectReason::HeartbeatTimeout));
}
