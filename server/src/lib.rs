//! Jam Session server: musicians create a room, share its code and play together in real time.
//! It speaks Socket.IO v5 (Engine.IO v4), so the official JavaScript client works unchanged.
//!
//! Module map:
//! - [`config`]: command-line flags and their `JAM_…` environment variables.
//! - [`app`]: wiring — Socket.IO layer, HTTP routes (`/healthz`, `/readyz`, `/metrics`), shutdown; [`run`].
//! - [`protocol`]: event names and payload types (the wire contract; TypeScript is generated from it).
//! - [`error`]: [`JamError`](error::JamError) and its stable wire codes.
//! - [`sessions`]: the SessionManager — rooms, participants, limits; knows nothing of sockets.
//! - [`state`]: [`SharedState`](state::SharedState), what every handler and route shares.
//! - [`handlers`]: one thin Socket.IO handler per client event.
//! - [`relay_value`]: a JSON value that keeps binary attachments and key order, for relaying `data`.
//! - [`metrics`]: counters rendered in the Prometheus text format.
//! - [`recording`]: takes of a session's notes and their export as Standard MIDI Files.
//! - [`downloads`]: the HTTP route that serves finished takes.
//! - [`room_api`]: `GET /api/rooms/{code}`, where a room is served.
//! - [`cluster`]: several nodes sharing a Redis (`--redis-url`): each room lives on its owner node;
//!   Redis holds the directory (nodes, owners) and each room's snapshot and log; `moved`, takeovers.
//! - [`timers`]: sweeps (graces, empty rooms) and latency reports, on this node's rooms.

pub mod app;
pub mod cluster;
pub mod config;
pub mod downloads;
pub mod error;
pub mod handlers;
pub mod metrics;
pub mod protocol;
pub mod recording;
pub mod relay_value;
pub mod room_api;
pub mod sessions;
pub mod state;
pub mod timers;

pub use app::run;
pub use config::Config;
