//! Per-connection bookkeeping the rooms don't hold: which rooms a connection is in, its event rate,
//! how many rooms it created lately, and wrong room codes it (or its IP) tried.

use std::net::IpAddr;
use std::time::Duration;

use tokio::time::Instant;

use crate::sessions::shards::Sharded;
use crate::sessions::{ConnId, Limits};
use ratelimit::{EventLimiter, WindowCounter};

pub mod codes;
pub mod ratelimit;

use crate::error::JamError;
pub use ratelimit::RateDecision;

const MINUTE: Duration = Duration::from_secs(60);

struct ConnState {
    ip: Option<IpAddr>,
    rooms: Vec<String>,
    limiter: EventLimiter,
    creates: WindowCounter,
    misses: WindowCounter,
}

pub struct Connections {
    max_rooms_per_socket: usize,
    rate_limit: f64,
    rate_burst: f64,
    max_creates_per_minute: u32,
    max_code_misses_per_minute: u32,
    rate_disconnect_after: Duration,
    conns: Sharded<ConnId, ConnState>,
    ips: Sharded<IpAddr, WindowCounter>,
}

impl Connections {
    pub fn new(limits: &Limits) -> Self {
        Connections {
            max_rooms_per_socket: limits.max_rooms_per_socket,
            rate_limit: limits.rate_limit,
            rate_burst: limits.rate_burst,
            max_creates_per_minute: limits.max_creates_per_minute,
            max_code_misses_per_minute: limits.max_code_misses_per_minute,
            rate_disconnect_after: limits.rate_disconnect_after,
            conns: Sharded::default(),
            ips: Sharded::default(),
        }
    }

    fn new_state(&self, ip: Option<IpAddr>, now: Instant) -> ConnState {
        ConnState {
            ip,
            rooms: Vec::new(),
            limiter: EventLimiter::new(
                self.rate_limit,
                self.rate_burst,
                self.rate_disconnect_after,
                now,
            ),
            creates: WindowCounter::new(self.max_creates_per_minute, MINUTE),
            misses: WindowCounter::new(self.max_code_misses_per_minute, MINUTE),
        }
    }

    /// Runs `f` on the connection's state, creating it if this is the first we hear of it.
    fn with<R>(&self, conn: &ConnId, now: Instant, f: impl FnOnce(&mut ConnState) -> R) -> R {
        let mut shard = self.conns.lock(conn);
        let state = shard
            .entry(conn.clone())
            .or_insert_with(|| self.new_state(None, now));
        f(state)
    }

    pub fn open(&self, conn: &ConnId, ip: Option<IpAddr>) {
        let state = self.new_state(ip, Instant::now());
        self.conns.lock(conn).insert(conn.clone(), state);
    }

    /// Forgets the connection; returns the rooms it was in.
    pub fn close(&self, conn: &ConnId) -> Vec<String> {
        self.conns
            .lock(conn)
            .remove(conn)
            .map(|s| s.rooms)
            .unwrap_or_default()
    }

    /// One incoming event against the connection's token bucket.
    pub fn check_rate(&self, conn: &ConnId, now: Instant) -> RateDecision {
        self.with(conn, now, |state| state.limiter.check(now))
    }

    pub fn record_create(&self, conn: &ConnId, now: Instant) -> Result<(), JamError> {
        self.with(conn, now, |state| {
            if state.creates.is_blocked(now) {
                return Err(JamError::TooManyCreates(self.max_creates_per_minute));
            }
            state.creates.record(now);
            Ok(())
        })
    }

    /// Refuses every join while the connection or its IP has guessed wrong too often this minute.
    pub fn check_guessing(&self, conn: &ConnId, now: Instant) -> Result<(), JamError> {
        let (blocked, ip) = self.with(conn, now, |state| (state.misses.is_blocked(now), state.ip));
        let ip_blocked = ip.is_some_and(|ip| {
            self.ips
                .lock(&ip)
                .get(&ip)
                .is_some_and(|misses| misses.is_blocked(now))
        });
        if blocked || ip_blocked {
            return Err(JamError::RateLimited(
                "too many wrong room codes; wait a minute",
            ));
        }
        Ok(())
    }

    pub fn record_miss(&self, conn: &ConnId, now: Instant) {
        let ip = self.with(conn, now, |state| {
            state.misses.record(now);
            state.ip
        });
        if let Some(ip) = ip {
            self.ips
                .lock(&ip)
                .entry(ip)
                .or_insert_with(|| WindowCounter::new(self.max_code_misses_per_minute, MINUTE))
                .record(now);
        }
    }

    /// Counts `code` among the connection's rooms; false when it was already there.
    pub fn reserve_room(&self, conn: &ConnId, code: &str) -> Result<bool, JamError> {
        self.with(conn, Instant::now(), |state| {
            if state.rooms.iter().any(|r| r == code) {
                return Ok(false);
            }
            if state.rooms.len() >= self.max_rooms_per_socket {
                return Err(JamError::TooManyRooms(self.max_rooms_per_socket));
            }
            state.rooms.push(code.to_owned());
            Ok(true)
        })
    }

    pub fn release_room(&self, conn: &ConnId, code: &str) {
        if let Some(state) = self.conns.lock(conn).get_mut(conn) {
            state.rooms.retain(|r| r != code);
        }
    }

    pub fn ip_of(&self, conn: &ConnId) -> Option<IpAddr> {
        self.conns.lock(conn).get(conn).and_then(|s| s.ip)
    }

    pub fn rooms_of(&self, conn: &ConnId) -> Vec<String> {
        self.conns
            .lock(conn)
            .get(conn)
            .map(|s| s.rooms.clone())
            .unwrap_or_default()
    }

    /// Drops per-IP counters whose minute is over, so the map does not grow without bound.
    pub fn prune(&self, now: Instant) {
        self.ips
            .for_each_shard(|shard| shard.retain(|_, misses| misses.is_active(now)));
    }
}
