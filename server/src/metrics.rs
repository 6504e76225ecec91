//! Counters for `/metrics`, in the Prometheus text format. Plain atomics: a relaxed add per event is
//! all the hot path pays.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use crate::error::ErrorCode;
use crate::sessions::SessionManager;

#[derive(Default)]
pub struct Metrics {
    connections: AtomicI64,
    connections_total: AtomicU64,
    events_relayed: AtomicU64,
    deliveries: AtomicU64,
    slow_consumers: AtomicU64,
    errors: [AtomicU64; ErrorCode::ALL.len()],
}

impl Metrics {
    pub fn connection_opened(&self) {
        self.connections.fetch_add(1, Ordering::Relaxed);
        self.connections_total.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connection_closed(&self) {
        self.connections.fetch_sub(1, Ordering::Relaxed);
    }

    /// A connection closed because its send buffer was full.
    pub fn slow_consumer(&self) {
        self.slow_consumers.fetch_add(1, Ordering::Relaxed);
    }

    pub fn event_relayed(&self, recipients: usize) {
        self.events_relayed.fetch_add(1, Ordering::Relaxed);
        self.deliveries
            .fetch_add(recipients as u64, Ordering::Relaxed);
    }

    pub fn error(&self, code: ErrorCode) {
        self.errors[code.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub fn render(&self, sessions: &SessionManager) -> String {
        let mut out = String::with_capacity(2048);
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let gauges = [
            (
                "jam_connections",
                "Live Socket.IO connections.",
                self.connections.load(Ordering::Relaxed),
            ),
            (
                "jam_rooms",
                "Live rooms, empty ones included.",
                sessions.room_count() as i64,
            ),
            (
                "jam_participants",
                "Participants across all rooms.",
                sessions.participant_count() as i64,
            ),
        ];
        for (name, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        let counters = [
            (
                "jam_connections_total",
                "Connections accepted.",
                load(&self.connections_total),
            ),
            (
                "jam_events_relayed_total",
                "event:broadcast messages relayed.",
                load(&self.events_relayed),
            ),
            (
                "jam_deliveries_total",
                "Relayed events times their recipients.",
                load(&self.deliveries),
            ),
            (
                "jam_slow_consumer_disconnects_total",
                "Connections closed because their send buffer (--send-buffer) was full.",
                load(&self.slow_consumers),
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        }
        let _ = writeln!(out, "# HELP jam_errors_total Error replies sent, by code.");
        let _ = writeln!(out, "# TYPE jam_errors_total counter");
        for code in ErrorCode::ALL {
            let value = load(&self.errors[code.index()]);
            let _ = writeln!(
                out,
                "jam_errors_total{{code=\"{}\"}} {value}",
                code.as_str()
            );
        }
        out
    }
}
