//! Wiring: the Socket.IO layer, the HTTP routes beside it, the empty-room sweeper and graceful
//! shutdown. `run` takes a bound listener and a shutdown future so tests can drive it directly.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::Router;
use socketioxide::adapter::Adapter;
use socketioxide::handler::ConnectHandler;
use socketioxide::layer::SocketIoLayer;
use socketioxide::{SocketIo, SocketIoBuilder};
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::cluster::Cluster;
use crate::config::Config;
use crate::downloads;
use crate::handlers;
use crate::handlers::client_ip::client_ip;
use crate::metrics::Metrics;
use crate::page;
use crate::protocol::{server, ServerClosing};
use crate::room_api;
use crate::sessions::replica::Replica;
use crate::sessions::SessionManager;
use crate::state::{AppState, SharedState};
use crate::timers;

/// How long shutdown waits for connections to close before it stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(4);

/// Serves until `shutdown` completes, then disconnects every client and returns. With
/// `--redis-url` the node joins a cluster (rooms stay in the memory of the node that owns them;
/// Redis is the directory and the log); else all is in memory.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let public_url = config.resolved_public_url(listener.local_addr()?);
    let (sessions, cluster) = match config.redis_url.clone() {
        None => (SessionManager::new(config.limits()), None),
        Some(url) => {
            let cluster = Cluster::connect(
                &url,
                &config.redis_prefix,
                config.node_ttl,
                &public_url,
                config.replay_buffer,
                config.log_flush,
            )
            .await
            .map_err(|err| std::io::Error::other(format!("redis at {url}: {err}")))?;
            tracing::info!(node = cluster.node_id(), %public_url, "joined the cluster through Redis");
            let replica: Arc<dyn Replica> = cluster.clone();
            let sessions = SessionManager::with_replica(
                config.limits(),
                Some(replica),
                cluster.node_id(),
                Some(cluster.link_secret),
            );
            (sessions, Some(cluster))
        }
    };
    let state = Arc::new(AppState {
        sessions,
        cluster,
        public_url,
        metrics: Metrics::default(),
        trusted_proxies: config.trusted_proxies.clone(),
        metrics_allow: config.metrics_allow.clone(),
    });
    let heartbeat = state.cluster.clone().map(|cluster| {
        let counted = state.clone();
        tokio::spawn(cluster.heartbeat(move || {
            let sessions = &counted.sessions;
            (
                sessions.local_room_count(),
                sessions.local_participant_count(),
            )
        }))
    });
    let (layer, io) = socket_io(SocketIo::builder(), &config, &state);
    io.ns("/", handlers::on_connect.with(handlers::register));
    let result = serve(listener, config, state, layer, io, shutdown).await;
    if let Some(heartbeat) = heartbeat {
        heartbeat.abort();
    }
    result
}

fn socket_io<A: Adapter>(
    builder: SocketIoBuilder<A>,
    config: &Config,
    state: &SharedState,
) -> (SocketIoLayer<A>, SocketIo<A>) {
    builder
        .max_payload(config.max_payload as u64)
        .ws_max_message_size(config.max_payload)
        .ws_max_frame_size(config.max_payload)
        .ping_interval(config.ping_interval)
        .ping_timeout(config.ping_timeout)
        // Nothing is dropped silently: a client that cannot keep up is disconnected and resumes.
        .max_buffer_size(config.send_buffer as usize)
        // Every idle connection holds this buffer (engineioxide's default is 4 KiB); our messages
        // are far smaller, and a larger one is still read whole, in more reads.
        .ws_read_buffer_size(1024)
        .close_on_full_buffer(true)
        .with_state(state.clone())
        .build_layer()
}

async fn serve<A: Adapter>(
    listener: TcpListener,
    config: Config,
    state: SharedState,
    socket_layer: SocketIoLayer<A>,
    io: SocketIo<A>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/recordings/{file}", get(downloads::download))
        .route("/api/rooms/{code}", get(room_api::room_location))
        .with_state(state.clone());
    if let Some(dir) = config.resolved_static_dir() {
        if !dir.join("index.html").is_file() {
            tracing::warn!(dir = %dir.display(), "no index.html there: build the page with `npm run build` in web/");
        }
        tracing::info!(dir = %dir.display(), "serving the web page");
        router = router.fallback_service(page::service(dir));
    }
    let router = router.layer(socket_layer).layer(cors(&config.cors_origins));

    let sweeper = tokio::spawn(timers::sweep(state.clone(), io.clone()));
    let latency = tokio::spawn(timers::report_latency(state.clone(), io.clone()));
    // Small Socket.IO frames must not wait for delayed ACKs (Nagle): p99 latency is far worse without.
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::warn!(%err, "could not set TCP_NODELAY");
        }
    });
    let (stopping_tx, mut stopping_rx) = tokio::sync::watch::channel(false);
    let closing_state = state.clone();
    let graceful = async move {
        shutdown.await;
        tracing::info!("shutting down: disconnecting clients");
        let _ = stopping_tx.send(true);
        if closing_state.cluster.is_some() {
            // Clients come back on another node (or this one, restarted) and resume their seats.
            let notice = ServerClosing {
                reason: "this node is restarting; reconnect and resume".into(),
            };
            let _ = io.local().emit(server::CLOSING, &notice).await;
        }
        io.close().await;
        if let Some(cluster) = &closing_state.cluster {
            cluster.release_all(&closing_state.sessions).await;
        }
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

/// Ready to serve: always on a single node; on a cluster, while Redis answers.
async fn readyz(State(state): State<SharedState>) -> (StatusCode, &'static str) {
    match &state.cluster {
        Some(cluster) if !cluster.ready().await => {
            (StatusCode::SERVICE_UNAVAILABLE, "redis unavailable")
        }
        _ => (StatusCode::OK, "ready"),
    }
}

/// The counters, for the addresses `--metrics-allow` lists (403 for anyone else).
async fn metrics(
    State(state): State<SharedState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok());
    let client = client_ip(peer.ip(), forwarded, &state.trusted_proxies);
    if !state.metrics_allow.iter().any(|net| net.contains(client)) {
        return (StatusCode::FORBIDDEN, "forbidden: see --metrics-allow\n").into_response();
    }
    let content_type = "text/plain; version=0.0.4; charset=utf-8";
    (
        [(header::CONTENT_TYPE, content_type)],
        state.metrics.render(&state.sessions),
    )
        .into_response()
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
