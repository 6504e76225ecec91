//! Wiring: the Socket.IO layer, the HTTP routes beside it, the empty-room sweeper and graceful
//! shutdown. `run` takes a bound listener and a shutdown future so tests can drive it directly.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, Method};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use socketioxide::handler::ConnectHandler;
use socketioxide::SocketIo;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

use crate::config::Config;
use crate::downloads;
use crate::handlers;
use crate::metrics::Metrics;
use crate::protocol::server;
use crate::sessions::{SessionManager, Sweep};

/// How long shutdown waits for connections to close before it stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(4);
/// How often rooms hear their members' latencies (when they changed).
const LATENCY_REPORT_PERIOD: Duration = Duration::from_secs(2);

/// State shared by every handler.
pub struct AppState {
    pub sessions: SessionManager,
    pub metrics: Metrics,
}

pub type SharedState = Arc<AppState>;

/// Serves until `shutdown` completes, then disconnects every client and returns.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state: SharedState = Arc::new(AppState {
        sessions: SessionManager::new(config.limits()),
        metrics: Metrics::default(),
    });
    let (socket_layer, io) = SocketIo::builder()
        .max_payload(config.max_payload as u64)
        .ws_max_message_size(config.max_payload)
        .ws_max_frame_size(config.max_payload)
        .ping_interval(config.ping_interval)
        .ping_timeout(config.ping_timeout)
        .with_state(state.clone())
        .build_layer();
    io.ns("/", handlers::on_connect.with(handlers::register));

    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .route("/recordings/{file}", get(downloads::download))
        .with_state(state.clone());
    if let Some(dir) = config.resolved_static_dir() {
        if !dir.join("index.html").is_file() {
            tracing::warn!(dir = %dir.display(), "no index.html there: build the page with `npm run build` in web/");
        }
        tracing::info!(dir = %dir.display(), "serving the web page");
        router = router.fallback_service(ServeDir::new(dir));
    }
    let router = router.layer(socket_layer).layer(cors(&config.cors_origins));

    let sweeper = tokio::spawn(sweep(state.clone(), io.clone()));
    let latency = tokio::spawn(report_latency(state.clone(), io.clone()));
    // Small Socket.IO frames must not wait for delayed ACKs (Nagle): p99 latency is far worse without.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!(%err, "could not set TCP_NODELAY");
        }
    });
    let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
    let graceful = async move {
        shutdown.await;
        tracing::info!("shutting down: disconnecting clients");
        let _ = stopping_tx.send(true);
        io.close().await;
    };
    // Connect info gives handlers the peer address (per-IP limits on room-code guessing).
    let app = router.into_make_service_with_connect_info::<SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(graceful);
    let result = tokio::select! {
        result = server => result,
        _ = async {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            tracing::warn!("connections still open after the grace period; stopping anyway");
            Ok(())
        }
    };
    sweeper.abort();
    latency.abort();
    result
}

async fn metrics(State(state): State<SharedState>) -> impl IntoResponse {
    let content_type = "text/plain; version=0.0.4; charset=utf-8";
    (
        [(header::CONTENT_TYPE, content_type)],
        state.metrics.render(&state.sessions),
    )
}

/// Ends expired resume graces and deletes rooms that stayed empty past the TTL, a few times per
/// grace period or TTL, whichever is shorter.
async fn sweep(state: SharedState, io: SocketIo) {
    let limits = state.sessions.limits();
    let shortest = limits.empty_room_ttl.min(limits.resume_grace);
    let period = (shortest / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        for code in state.sessions.room_codes() {
            match state.sessions.sweep_room(&code).await {
                Sweep::Nothing => {}
                Sweep::Deleted => tracing::info!(room = %code, "room deleted (empty past its TTL)"),
                Sweep::Expired(delivery) => handlers::dispatch::deliver(&io, None, delivery).await,
            }
        }
        state.sessions.prune_counters();
    }
}

/// Every 2 s, each room whose members' round trips changed hears the new figures.
async fn report_latency(state: SharedState, io: SocketIo) {
    let mut interval = tokio::time::interval(LATENCY_REPORT_PERIOD);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        for report in state.sessions.latency_reports().await {
            let room = report.room_code.clone();
            if let Err(err) = io.to(room).emit(server::LATENCY, &report).await {
                tracing::debug!(%err, "latency report not fully delivered");
            }
        }
    }
}

fn cors(origins: &[String]) -> CorsLayer {
    let allow_origin = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([header::CONTENT_TYPE])
}
