//! Command-line flags, each with a `JAM_…` environment variable.

use std::path::PathBuf;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser};

use crate::metrics_access::IpNet;
use crate::sessions::Limits;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "jam-server",
    version,
    about = "Real-time jam sessions over Socket.IO"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "JAM_HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on; 0 picks a free one.
    #[arg(long, env = "JAM_PORT", default_value_t = 3001)]
    pub port: u16,

    /// Browser origins allowed by CORS (repeatable, or comma-separated in the env var); `*` allows any.
    #[arg(
        long = "cors-origin",
        env = "JAM_CORS_ORIGIN",
        value_delimiter = ',',
        default_values_t = [String::from("http://localhost:5173"), String::from("http://127.0.0.1:5173")]
    )]
    pub cors_origins: Vec<String>,

    /// Addresses of load balancers in front of this node (repeatable, or comma-separated in the env
    /// var): for connections from them, the client's address (for per-IP limits) is taken from
    /// `X-Forwarded-For` instead of the TCP peer.
    #[arg(
        long = "trusted-proxy",
        env = "JAM_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Addresses or networks that may read `/metrics` (repeatable, or comma-separated in the env
    /// var), e.g. `10.0.0.0/8`; others get 403. Behind `--trusted-proxy` balancers the client's
    /// address is read from `X-Forwarded-For`.
    #[arg(
        long = "metrics-allow",
        env = "JAM_METRICS_ALLOW",
        value_delimiter = ',',
        default_values_t = [IpNet::LOCALHOST_V4, IpNet::LOCALHOST_V6]
    )]
    pub metrics_allow: Vec<IpNet>,

    /// Most players in one room (listeners are counted apart).
    #[arg(long, env = "JAM_MAX_PARTICIPANTS", default_value_t = 16)]
    pub max_participants: usize,

    /// Most listeners (who hear, see and chat but do not play) in one room.
    #[arg(long, env = "JAM_MAX_LISTENERS", default_value_t = 64)]
    pub max_listeners: usize,

    /// Most rooms one connection may be in at once.
    #[arg(long, env = "JAM_MAX_ROOMS_PER_SOCKET", default_value_t = 4)]
    pub max_rooms_per_socket: usize,

    /// Most live rooms on this server (created rooms count until they are deleted).
    #[arg(long, env = "JAM_MAX_ROOMS", default_value_t = 100_000)]
    pub max_rooms: usize,

    /// Largest relayed event (event name + data, binary attachments included), in bytes.
    #[arg(long, env = "JAM_MAX_EVENT_BYTES", default_value_t = 64 * 1024)]
    pub max_event_bytes: usize,

    /// Largest Engine.IO message, in bytes; a client that sends more is disconnected.
    #[arg(long, env = "JAM_MAX_PAYLOAD", default_value_t = 1_000_000)]
    pub max_payload: usize,

    /// How long an empty room is kept before it is deleted (e.g. `10m`, `30s`).
    #[arg(long, env = "JAM_EMPTY_ROOM_TTL", default_value = "10m", value_parser = humantime::parse_duration)]
    pub empty_room_ttl: Duration,

    /// How often the server pings each client (Engine.IO heartbeat).
    #[arg(long, env = "JAM_PING_INTERVAL", default_value = "25s", value_parser = humantime::parse_duration)]
    pub ping_interval: Duration,

    /// How long a client may take to answer a ping before its connection counts as dropped.
    #[arg(long, env = "JAM_PING_TIMEOUT", default_value = "20s", value_parser = humantime::parse_duration)]
    pub ping_timeout: Duration,

    /// Packets queued for one connection (replies, acks, room events). A connection whose queue is
    /// full is closed as a slow consumer; its client resumes and gets what it missed replayed.
    #[arg(long, env = "JAM_SEND_BUFFER", default_value_t = 4096, value_parser = clap::value_parser!(u32).range(16..))]
    pub send_buffer: u32,

    /// Room events kept per room for resuming clients.
    #[arg(long, env = "JAM_REPLAY_BUFFER", default_value_t = 512)]
    pub replay_buffer: usize,

    /// How long a dropped participant's seat is held for a resume (e.g. `20s`).
    #[arg(long, env = "JAM_RESUME_GRACE", default_value = "20s", value_parser = humantime::parse_duration)]
    pub resume_grace: Duration,

    /// Events per second each connection may send (token bucket refill rate).
    #[arg(long, env = "JAM_RATE_LIMIT", default_value_t = 60.0)]
    pub rate_limit: f64,

    /// Events a connection may send in a burst above the rate.
    #[arg(long, env = "JAM_RATE_BURST", default_value_t = 120.0)]
    pub rate_burst: f64,

    /// How long a connection may keep exceeding the rate limit before it is disconnected.
    #[arg(long, env = "JAM_RATE_DISCONNECT_AFTER", default_value = "10s", value_parser = humantime::parse_duration)]
    pub rate_disconnect_after: Duration,

    /// Rooms one connection may create per minute.
    #[arg(long, env = "JAM_MAX_CREATES_PER_MINUTE", default_value_t = 5)]
    pub max_creates_per_minute: u32,

    /// Wrong room codes one connection or one IP may try per minute before every join is refused.
    #[arg(long, env = "JAM_MAX_CODE_MISSES_PER_MINUTE", default_value_t = 10)]
    pub max_code_misses_per_minute: u32,

    /// Musical events one recorded take may hold; at the limit the take stops.
    #[arg(long, env = "JAM_MAX_RECORDING_EVENTS", default_value_t = 200_000)]
    pub max_recording_events: usize,

    /// How long a take stays downloadable after its room ends (e.g. `1h`).
    #[arg(long, env = "JAM_RECORDING_TTL", default_value = "1h", value_parser = humantime::parse_duration)]
    pub recording_ttl: Duration,

    /// Folder with the built web page, served at `/`; default `web/dist` when it exists.
    #[arg(long, env = "JAM_STATIC_DIR")]
    pub static_dir: Option<PathBuf>,

    /// Log filter (tracing's EnvFilter syntax); RUST_LOG is used when this is not given.
    #[arg(long, env = "JAM_LOG")]
    pub log: Option<String>,

    /// Redis to share rooms with other nodes (e.g. `redis://127.0.0.1:6379/`); without it this node
    /// keeps everything in memory on its own.
    #[arg(long, env = "JAM_REDIS_URL")]
    pub redis_url: Option<String>,

    /// Prefix of every Redis key and channel, so several clusters can share one Redis.
    #[arg(long, env = "JAM_REDIS_PREFIX", default_value = "jam")]
    pub redis_prefix: String,

    /// A node whose heartbeat is older than this is dead: the first node asked about one of its
    /// rooms takes it over.
    #[arg(long, env = "JAM_NODE_TTL", default_value = "5s", value_parser = humantime::parse_duration)]
    pub node_ttl: Duration,

    /// How long a node gathers its rooms' new events before writing them to Redis in one pipeline:
    /// what a node killed with -9 can take with it (its rooms' members then resume with `gap`), against
    /// Redis's cost (each pipeline costs Redis ~50–100 µs whatever it carries; docs/benchmarks.md).
    /// A join's or resume's seat is written at once, whatever this says.
    #[arg(long, env = "JAM_LOG_FLUSH", default_value = "50ms", value_parser = humantime::parse_duration)]
    pub log_flush: Duration,

    /// How a browser reaches this node (e.g. `https://jam.example.com/n/a/` behind a load balancer);
    /// a cluster sends clients of this node's rooms here. Default: `http://<listen address>/`.
    #[arg(long, env = "JAM_PUBLIC_URL")]
    pub public_url: Option<String>,
}

impl Config {
    pub fn limits(&self) -> Limits {
        Limits {
            max_participants: self.max_participants,
            max_listeners: self.max_listeners,
            max_rooms_per_socket: self.max_rooms_per_socket,
            max_rooms: self.max_rooms,
            max_event_bytes: self.max_event_bytes,
            empty_room_ttl: self.empty_room_ttl,
            replay_buffer: self.replay_buffer,
            resume_grace: self.resume_grace,
            rate_limit: self.rate_limit,
            rate_burst: self.rate_burst,
            rate_disconnect_after: self.rate_disconnect_after,
            max_creates_per_minute: self.max_creates_per_minute,
            max_code_misses_per_minute: self.max_code_misses_per_minute,
            max_recording_events: self.max_recording_events,
            recording_ttl: self.recording_ttl,
        }
    }

    /// This node's public URL, ending with `/`: the flag, else the address it listens on.
    pub fn resolved_public_url(&self, listening: std::net::SocketAddr) -> String {
        let url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{listening}/"));
        if url.ends_with('/') {
            url
        } else {
            format!("{url}/")
        }
    }

    /// The page folder to serve, if any: the flag, else `web/dist` when it holds a built page.
    pub fn resolved_static_dir(&self) -> Option<PathBuf> {
        let default = PathBuf::from("web/dist");
        match &self.static_dir {
            Some(dir) => Some(dir.clone()),
            None => default.join("index.html").is_file().then_some(default),
        }
    }

    /// Defaults as if no flag were given, ignoring the environment, on any free port; for tests.
    /// Read from the flags' own declarations above, so the defaults are written once.
    pub fn defaults() -> Self {
        let command = Config::command().mut_args(|arg| arg.env(None::<&str>));
        let matches = command
            .try_get_matches_from(["jam-server"])
            .expect("every flag has a default or is optional");
        let mut config =
            Config::from_arg_matches(&matches).expect("the defaults are valid flag values");
        config.port = 0;
        config
    }
}

#[cfg(test)]
mod tests;
