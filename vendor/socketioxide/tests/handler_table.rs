//! A socket's handler table: a handler registered again replaces the first one, and a handler can
//! register another one while it runs (it runs in place until it first waits, so the table must
//! not be locked while it does).
use std::time::Duration;

use socketioxide::SocketIo;
use socketioxide::extract::{Data, SocketRef};
use socketioxide_core::Value;
use socketioxide_core::packet::Packet;
use socketioxide_core::parser::Parse;
use socketioxide_parser_common::CommonParser;
use tokio::sync::mpsc;

use engineioxide::Packet as EioPacket;

fn create_msg(event: &str, data: impl serde::Serialize) -> EioPacket {
    let val = CommonParser.encode_value(&data, Some(event)).unwrap();
    match CommonParser.encode(Packet::event("/", val)) {
        Value::Str(msg, _) => EioPacket::Message(msg),
        Value::Bytes(_) => unreachable!(),
    }
}

async fn next(rx: &mut mpsc::Receiver<String>) -> String {
    tokio::time::timeout(Duration::from_secs(2), rx.recv())
        .await
        .expect("no handler ran")
        .unwrap()
}

/// Run on a thread of its own: a deadlock fails the test instead of hanging the suite.
#[test]
pub fn a_handler_registers_another_and_a_second_registration_replaces_the_first() {
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(registrations());
        done_tx.send(()).unwrap();
    });
    done_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the handlers did not all run: a handler registering another deadlocked");
}

async fn registrations() {
    let (_, io) = SocketIo::new_svc();
    let (tx, mut rx) = mpsc::channel::<String>(8);

    io.ns("/", async move |socket: SocketRef| {
        let first = tx.clone();
        socket.on("echo", async move |Data(d): Data<String>| {
            first.try_send(format!("first {d}")).unwrap();
        });
        let second = tx.clone();
        socket.on("echo", async move |Data(d): Data<String>| {
            second.try_send(format!("second {d}")).unwrap();
        });
        let tx = tx.clone();
        socket.on("register", async move |socket: SocketRef| {
            let late = tx.clone();
            socket.on("late", async move |Data(d): Data<String>| {
                late.try_send(format!("late {d}")).unwrap();
            });
            tx.try_send("registered".into()).unwrap();
        });
    });

    let (stx, mut srx) = io.new_dummy_sock("/", ()).await;
    srx.recv().await; // the connect packet
    stx.try_send(create_msg("echo", "a")).unwrap();
    assert_eq!(next(&mut rx).await, "second a");
    stx.try_send(create_msg("register", ())).unwrap();
    assert_eq!(next(&mut rx).await, "registered");
    stx.try_send(create_msg("late", "b")).unwrap();
    assert_eq!(next(&mut rx).await, "late b");
}
