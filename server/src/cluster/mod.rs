//! Joining a cluster of nodes through Redis (`--redis-url`): the shared session store, the
//! Socket.IO adapter that carries room broadcasts between nodes, this node's heartbeat, and the
//! lease that lets one node at a time run the timers.

mod driver;

use std::sync::Arc;
use std::time::Duration;

use socketioxide_redis::{CustomRedisAdapter, RedisAdapterConfig, RedisAdapterCtr};

use crate::sessions::store::redis::RedisStore;
pub use driver::ReconnectingDriver;

/// The Socket.IO adapter type of a cluster node (`E` is filled in by socketioxide).
pub type ClusterAdapter<E> = CustomRedisAdapter<E, ReconnectingDriver>;

/// What a cluster node needs from Redis, connected.
pub struct Cluster {
    pub store: Arc<RedisStore>,
    /// Signs recording links, the same on every node.
    pub link_secret: [u8; 32],
    pub adapter: RedisAdapterCtr<ReconnectingDriver>,
    pub node_id: String,
    pub node_ttl: Duration,
}

impl Cluster {
    /// Connects to Redis twice: commands for the store, RESP3 pub/sub for the adapter.
    pub async fn connect(
        url: &str,
        prefix: &str,
        node_ttl: Duration,
    ) -> Result<Cluster, redis::RedisError> {
        let store = RedisStore::connect(url, prefix).await?;
        let client = redis::Client::open(with_resp3(url))?;
        let driver = ReconnectingDriver::connect(client).await?;
        let config = RedisAdapterConfig::new().with_prefix(prefix.to_owned());
        let adapter = RedisAdapterCtr::new_with_driver(driver, config);
        let node_id = node_id()?;
        store
            .heartbeat(&node_id, node_ttl)
            .await
            .map_err(|_| redis::RedisError::from((redis::ErrorKind::Io, "heartbeat refused")))?;
        let mut candidate = [0u8; 32];
        getrandom::fill(&mut candidate)
            .map_err(|_| redis::RedisError::from((redis::ErrorKind::Io, "no random source")))?;
        let link_secret = store.shared_secret(candidate).await?;
        Ok(Cluster {
            link_secret,
            store: Arc::new(store),
            adapter,
            node_id,
            node_ttl,
        })
    }
}

/// The adapter's pub/sub needs RESP3 pushes; add the flag unless the URL already says.
fn with_resp3(url: &str) -> String {
    if url.contains("protocol=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&protocol=resp3")
    } else {
        format!("{url}?protocol=resp3")
    }
}

fn node_id() -> Result<String, redis::RedisError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|_| redis::RedisError::from((redis::ErrorKind::Io, "no random source")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Keeps this node's heartbeat key alive, three times per TTL.
pub async fn heartbeat(store: Arc<RedisStore>, node_id: String, ttl: Duration) {
    let mut interval = tokio::time::interval(ttl / 3);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if store.heartbeat(&node_id, ttl).await.is_err() {
            tracing::warn!("heartbeat not written: Redis unreachable");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp3_is_added_once() {
        assert_eq!(with_resp3("redis://h:1/"), "redis://h:1/?protocol=resp3");
        assert_eq!(
            with_resp3("redis://h:1/?db=2"),
            "redis://h:1/?db=2&protocol=resp3"
        );
        assert_eq!(
            with_resp3("redis://h/?protocol=resp3"),
            "redis://h/?protocol=resp3"
        );
    }
}
