//! The cluster's Redis connection and key names. Every key starts with `--redis-prefix`; see
//! docs/operations.md for the list.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::error::JamError;

const UNREACHABLE: JamError = JamError::Unavailable("the cluster's Redis is unreachable");

/// Any Redis failure is the client's `unavailable`; the details go to the log.
pub fn unreachable(err: redis::RedisError) -> JamError {
    tracing::warn!(%err, "redis request failed");
    UNREACHABLE
}

pub fn millis(duration: Duration) -> u64 {
    duration.as_millis().try_into().unwrap_or(u64::MAX)
}

#[derive(Clone)]
pub struct Redis {
    conn: ConnectionManager,
    prefix: String,
}

impl Redis {
    /// Connects (failing fast when Redis is not there); the connection reconnects by itself later.
    pub async fn connect(url: &str, prefix: &str) -> Result<Redis, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_with_config(client, config).await?;
        Ok(Redis {
            conn,
            prefix: prefix.to_owned(),
        })
    }

    /// `prefix:part:part…`
    pub fn key(&self, parts: &[&str]) -> String {
        let mut key = self.prefix.clone();
        for part in parts {
            key.push(':');
            key.push_str(part);
        }
        key
    }

    pub fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// True when Redis answers.
    pub async fn ping(&self) -> bool {
        let pong: Result<String, _> = redis::cmd("PING").query_async(&mut self.conn()).await;
        pong.is_ok()
    }
}
