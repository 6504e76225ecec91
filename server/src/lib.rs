//! Jam Session server: musicians create a room, share its code and play together in real time.
//! It speaks Socket.IO v5 (Engine.IO v4), so the official JavaScript client works unchanged.
//!
//! Module map (the layers and which way they point: docs/architecture.md):
//! - [`config`]: command-line flags and their `JAM_…` environment variables (and their defaults).
//! - [`app`]: wiring — Socket.IO layer, HTTP routes (`/healthz`, `/readyz`, `/metrics`), timers,
//!   shutdown; [`run`].
//! - [`state`]: [`SharedState`](state::SharedState), what every handler and route shares.
//! - [`handlers`]: one thin Socket.IO handler per client event (the host's commands: one table);
//!   `handlers::dispatch` is the one place that sends through socketioxide.
//! - [`timers`]: sweeps (graces, empty rooms) and latency reports, on this node's rooms.
//! - [`sessions`]: the SessionManager — rooms (`sessions/room/`: state and rules), its methods
//!   (`sessions/manager/`), per-connection limits (`sessions/connections/`); knows nothing of sockets.
//! - [`protocol`]: the wire contract — event names, payload and room-state types (TypeScript is
//!   generated from it). Imports no other module but the leaves below.
//! - [`error`]: [`JamError`](error::JamError) and its stable wire codes.
//! - [`relay_value`]: a JSON value that keeps binary attachments and key order, for relaying `data`.
//! - [`recording`]: a take's content and its export as Standard MIDI File or JSON.
//! - [`metrics`]: counters rendered in the Prometheus text format; [`metrics_access`] who may read them.
//! - [`page`]: the built web page — precompressed files, cache policy, security headers.
//! - [`downloads`]: the HTTP route that serves finished takes.
//! - [`room_api`]: `GET /api/rooms/{code}`, where a room is served.
//! - [`cluster`]: several nodes sharing a Redis (`--redis-url`): each room lives on its owner node;
//!   Redis holds the directory (nodes, owners) and each room's snapshot and log; `moved`, takeovers.
//!
//! Unit tests sit in a file of their own in each module's folder (`foo.rs` → `foo/tests.rs`);
//! `server/tests/` starts the real server and talks to it over TCP.

pub mod app;
pub mod cluster;
pub mod config;
pub mod downloads;
pub mod error;
pub mod handlers;
pub mod metrics;
pub mod metrics_access;
pub mod page;
pub mod protocol;
pub mod recording;
pub mod relay_value;
pub mod room_api;
pub mod sessions;
pub mod state;
pub mod timers;

pub use app::run;
pub use config::Config;
