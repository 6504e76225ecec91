//! What every handler and HTTP route shares: the SessionManager, the cluster link, metrics. Its own
//! module so that `app.rs` (which builds it) and `handlers/` (which read it) do not import each other.

use std::sync::Arc;

use crate::cluster::Cluster;
use crate::metrics::Metrics;
use crate::metrics_access::IpNet;
use crate::sessions::SessionManager;

/// State shared by every handler.
pub struct AppState {
    pub sessions: SessionManager,
    /// This node's cluster, with `--redis-url`.
    pub cluster: Option<Arc<Cluster>>,
    /// How browsers reach this node.
    pub public_url: String,
    pub metrics: Metrics,
    /// Balancers whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Who may read `/metrics` (`--metrics-allow`).
    pub metrics_allow: Vec<IpNet>,
}

pub type SharedState = Arc<AppState>;
