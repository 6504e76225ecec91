//! Several nodes behind one load balancer, sharing a Redis (`--redis-url`). A room lives in the
//! memory of one node, its owner, exactly as on a single node; Redis is the cluster's directory (who
//! is alive at which public URL, which node owns which room) and its durable log (each room's
//! snapshot and last events, written behind the room's back). A `session:join` or `session:resume`
//! reaching another node is answered `moved` with the owner's URL; when the owner is gone, the
//! first node asked takes the room over from Redis. Everything that talks to Redis is here.

mod directory;
mod redis;
mod replica;
mod routing;
mod shared;
mod wal;
mod writer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use self::redis::Redis;
pub use routing::Route;
use wal::WalIndex;
use writer::Writer;

/// The longest a join or resume waits for its seat to be in Redis.
const DURABLE_WAIT: Duration = Duration::from_secs(2);

/// What a cluster node knows of the cluster.
pub struct Cluster {
    redis: Redis,
    writer: Writer,
    node_id: String,
    public_url: String,
    node_ttl: Duration,
    /// Signs recording links, the same on every node.
    pub link_secret: [u8; 32],
    /// The epoch under which this node owns each of its rooms. A std Mutex: held only to read or
    /// write the map, never across `.await`.
    epochs: Mutex<HashMap<String, u64>>,
    /// The cluster's room and seat counts, as last read.
    counts: Mutex<Option<(usize, usize)>>,
    /// Dead nodes' streams as read for a takeover, so taking over a dead node's many rooms reads
    /// its stream once. A std Mutex: never held across `.await`.
    dead_streams: Mutex<HashMap<String, (std::time::Instant, Arc<WalIndex>)>>,
    /// One takeover at a time on this node, so two requests for one room restore it once.
    claiming: tokio::sync::Mutex<()>,
}

impl Cluster {
    /// Connects to Redis, announces this node and agrees on the link secret.
    pub async fn connect(
        url: &str,
        prefix: &str,
        node_ttl: Duration,
        public_url: &str,
        replay_capacity: usize,
        log_flush: Duration,
    ) -> Result<Arc<Cluster>, ::redis::RedisError> {
        let redis = Redis::connect(url, prefix).await?;
        let node_id = random_hex()?;
        let refused = |what| ::redis::RedisError::from((::redis::ErrorKind::Io, what));
        redis
            .heartbeat(&node_id, public_url, (0, 0), node_ttl)
            .await
            .map_err(|_| refused("heartbeat refused"))?;
        let mut candidate = [0u8; 32];
        getrandom::fill(&mut candidate).map_err(|_| refused("no random source"))?;
        let link_secret = redis.shared_secret(candidate).await?;
        Ok(Arc::new(Cluster {
            writer: Writer::start(
                redis.clone(),
                redis.wal_key(&node_id),
                replay_capacity,
                log_flush,
            ),
            redis,
            node_id,
            public_url: public_url.to_owned(),
            node_ttl,
            link_secret,
            epochs: Mutex::default(),
            counts: Mutex::default(),
            dead_streams: Mutex::default(),
            claiming: tokio::sync::Mutex::new(()),
        }))
    }

    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// True when Redis answers within a second.
    pub async fn ready(&self) -> bool {
        matches!(
            tokio::time::timeout(Duration::from_secs(1), self.redis.ping()).await,
            Ok(true)
        )
    }

    /// Keeps this node's heartbeat alive (three times per TTL) with its counts, and reads the
    /// cluster's counts for the gauges.
    pub async fn heartbeat(self: Arc<Self>, local_counts: impl Fn() -> (usize, usize)) {
        let mut interval = tokio::time::interval(self.node_ttl / 3);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            let beat = self.redis.heartbeat(
                &self.node_id,
                &self.public_url,
                local_counts(),
                self.node_ttl,
            );
            if beat.await.is_err() {
                tracing::warn!("heartbeat not written: Redis unreachable");
                continue;
            }
            if let Ok(counts) = self.redis.cluster_counts().await {
                *lock(&self.counts) = Some(counts);
            }
        }
    }

    /// Waits until this node's changes so far are in Redis (a few ms), so a seat that was just
    /// taken or resumed survives this node's crash. While Redis is away, it does not wait.
    pub async fn durable(&self) {
        self.writer.flush(DURABLE_WAIT, false).await;
    }

    fn epoch_of(&self, code: &str) -> Option<u64> {
        lock(&self.epochs).get(code).copied()
    }
}

/// The map behind a std Mutex, even if a panic poisoned it (its data stays consistent: every
/// change is a single insert or remove).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn random_hex() -> Result<String, ::redis::RedisError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|_| ::redis::RedisError::from((::redis::ErrorKind::Io, "no random source")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests;
