//! raw-relay: the benchmark's ceiling — the smallest websocket relay that speaks the Engine.IO v4 /
//! Socket.IO v5 frames of the seed's events. Not a product: a measure of what is left on the table.
//!
//! Websocket transport only (`GET /socket.io/?EIO=4&transport=websocket`), namespace "/", text
//! packets only (no binary attachments). Limits: 100 000 live rooms and 64 KiB per broadcast, as
//! jam-server's defaults; no per-room or per-socket limits. Each connection is one task; rooms hold
//! its unbounded queue, and an `event:broadcast` frame is built once and shared by all recipients.
//!
//! Modules: `conn` (websocket + Engine.IO loop), `session` (Socket.IO events of one connection),
//! `rooms` (room registry, codes and ids), `packet` (parsing and frame building).

mod conn;
mod packet;
mod rooms;
mod session;

use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use tokio::net::TcpListener;
use tokio::signal::unix::{signal, SignalKind};

use crate::rooms::Rooms;

/// How long an empty room lives (jam-server's default `--empty-room-ttl`).
const EMPTY_ROOM_TTL: Duration = Duration::from_secs(600);

#[derive(Parser)]
#[command(
    version,
    about = "Minimal Socket.IO-compatible websocket relay (benchmark ceiling)"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on; 0 picks a free port.
    #[arg(long, default_value_t = 0)]
    port: u16,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).await?;
    let addr = listener.local_addr()?;
    println!("raw-relay listening on http://{addr}");

    let rooms = Arc::new(Rooms::default());
    let sweeper = Arc::clone(&rooms);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            sweeper.sweep(EMPTY_ROOM_TTL);
        }
    });

    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::select! {
        () = accept_loop(listener, rooms) => {}
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}

async fn accept_loop(listener: TcpListener, rooms: Arc<Rooms>) {
    let mut next_conn: u64 = 0;
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                next_conn += 1;
                tokio::spawn(conn::serve(stream, next_conn, Arc::clone(&rooms)));
            }
            // E.g. out of file descriptors: back off instead of spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}
