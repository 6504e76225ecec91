//! Building rooms before a run: connect the members, let the first one create the room, join all.
//! On a cluster a room lives on one node (its creator's) and a join reaching another node is
//! answered `moved`: that member reconnects to the owner and joins there, so after setup every
//! room's members are on the node that serves it.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use futures_util::stream::{self, StreamExt};

use crate::client::{source_ip, Conn, Joined, Target};

/// Connections per source address, below the ~28k ephemeral ports one address has.
pub const PER_SOURCE_IP: usize = 20_000;

/// Once this many rooms failed, the rest are not attempted (the server or the OS is at its limit).
const GIVE_UP_AFTER: usize = 20;

/// `moved` replies one join follows before it counts as failed (a room changing hands may move
/// a client twice; more is a loop).
pub const MAX_HOPS: usize = 3;

pub struct Room {
    pub code: String,
    /// Members in join order; `first_index + j` is member j's global index.
    pub conns: Vec<Conn>,
    /// The node (index into the targets) each member ended up on, in the same order.
    pub nodes: Vec<usize>,
    pub first_index: usize,
    /// Joins answered `moved` (each one a reconnection to the owner).
    pub moved_joins: usize,
}

#[derive(Default)]
pub struct Built {
    pub rooms: Vec<Room>,
    pub failed_rooms: usize,
    pub skipped_rooms: usize,
    pub first_error: Option<String>,
}

impl Built {
    pub fn connections(&self) -> usize {
        self.rooms.iter().map(|r| r.conns.len()).sum()
    }
}

/// Rooms with the given sizes, `concurrency` rooms being built at a time. With several targets
/// (server nodes), connection `i` goes to [`node_of`]`(i)`, so every room spans the nodes.
pub async fn build_rooms(targets: &[Target], sizes: &[usize], concurrency: usize) -> Built {
    let failures = AtomicUsize::new(0);
    let mut starts = Vec::with_capacity(sizes.len());
    let mut next = 0;
    for &size in sizes {
        starts.push((next, size));
        next += size;
    }
    let results: Vec<Option<anyhow::Result<Room>>> = stream::iter(starts)
        .map(|(first, size)| {
            let failures = &failures;
            async move {
                if failures.load(Relaxed) >= GIVE_UP_AFTER {
                    return None;
                }
                let room = build_room(targets, first, size).await;
                if room.is_err() {
                    failures.fetch_add(1, Relaxed);
                }
                Some(room)
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut built = Built::default();
    for result in results {
        match result {
            Some(Ok(room)) => built.rooms.push(room),
            Some(Err(e)) => {
                built.failed_rooms += 1;
                built.first_error.get_or_insert_with(|| format!("{e:#}"));
            }
            None => built.skipped_rooms += 1,
        }
    }
    built.rooms.sort_by_key(|r| r.first_index);
    built
}

async fn build_room(targets: &[Target], first: usize, size: usize) -> anyhow::Result<Room> {
    let mut conns = Vec::with_capacity(size);
    let mut nodes = Vec::with_capacity(size);
    for i in first..first + size {
        let node = node_of(i, targets.len());
        let target = targets
            .get(node)
            .ok_or_else(|| anyhow::anyhow!("no server to connect to"))?;
        conns.push(Conn::open(target, source_ip(i, PER_SOURCE_IP)).await?);
        nodes.push(node);
    }
    let code = match conns.first_mut() {
        Some(creator) => creator.create().await?,
        None => anyhow::bail!("empty room"),
    };
    let mut moved_joins = 0;
    let mut joined = Vec::with_capacity(size);
    for (j, (conn, node)) in conns.into_iter().zip(&mut nodes).enumerate() {
        let (conn, hops) = join_where_served(targets, conn, node, &code, first + j).await?;
        joined.push(conn);
        moved_joins += hops;
    }
    Ok(Room {
        code,
        conns: joined,
        nodes,
        first_index: first,
        moved_joins,
    })
}

/// Joins connection `i` (on `node`) to room `code`, following up to [`MAX_HOPS`] `moved` replies:
/// each closes the connection and opens a new one to the node named (`node` is updated). Returns
/// the joined connection and how many moves it took.
async fn join_where_served(
    targets: &[Target],
    mut conn: Conn,
    node: &mut usize,
    code: &str,
    i: usize,
) -> anyhow::Result<(Conn, usize)> {
    let name = format!("b{i}");
    let mut hops = 0;
    loop {
        let url = match conn.join(code, &name).await? {
            Joined::Here => return Ok((conn, hops)),
            Joined::Moved(url) => url,
        };
        if hops == MAX_HOPS {
            anyhow::bail!(
                "session:join of {code} still moved after {MAX_HOPS} hops (last to {url})"
            );
        }
        let owner = target_for(targets, &url).ok_or_else(|| {
            anyhow::anyhow!("session:join of {code} moved to {url}, which is not one of --url")
        })?;
        conn.close().await;
        conn = Conn::open(&targets[owner], source_ip(i, PER_SOURCE_IP)).await?;
        *node = owner;
        hops += 1;
    }
}

/// The target whose URL is `url` (a `moved` reply's), compared normalised.
pub fn target_for(targets: &[Target], url: &str) -> Option<usize> {
    targets.iter().position(|t| t.is(url))
}

/// The node that connection `i` (global index) is on: round-robin, so consecutive members of a
/// room alternate between nodes, and with an odd room size the next room starts on the other node.
pub fn node_of(i: usize, nodes: usize) -> usize {
    i % nodes.max(1)
}

/// Room sizes for `n` connections in rooms of `room_size` (the last room may be smaller).
pub fn sizes(n: usize, room_size: usize) -> Vec<usize> {
    let room_size = room_size.max(1);
    (0..n.div_ceil(room_size))
        .map(|i| room_size.min(n - i * room_size))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn connections_are_split_into_rooms_of_the_given_size() {
        assert_eq!(super::sizes(25, 10), vec![10, 10, 5]);
        assert_eq!(super::sizes(20, 10), vec![10, 10]);
        assert!(super::sizes(0, 10).is_empty());
    }

    #[test]
    fn every_room_spans_the_nodes_and_the_nodes_get_equal_shares() {
        let on =
            |room: usize, nodes| (room * 5..room * 5 + 5).map(move |i| super::node_of(i, nodes));
        assert_eq!(on(0, 2).collect::<Vec<_>>(), [0, 1, 0, 1, 0]);
        assert_eq!(on(1, 2).collect::<Vec<_>>(), [1, 0, 1, 0, 1]);
        let on_first: usize = (0..100).map(|r| on(r, 2).filter(|&n| n == 0).count()).sum();
        assert_eq!(on_first, 250);
        assert!(on(7, 1).all(|n| n == 0));
    }

    #[test]
    fn a_moved_reply_is_followed_to_the_target_with_that_url() {
        let targets: Vec<_> = ["http://127.0.0.1:41234", "http://127.0.0.1:41235/"]
            .iter()
            .map(|u| super::Target::parse(u).unwrap())
            .collect();
        assert_eq!(
            super::target_for(&targets, "http://127.0.0.1:41235/"),
            Some(1)
        );
        assert_eq!(
            super::target_for(&targets, "http://127.0.0.1:41234/"),
            Some(0)
        );
        assert_eq!(
            super::target_for(&targets, "http://127.0.0.1:41235"),
            Some(1)
        );
        assert_eq!(super::target_for(&targets, "http://10.0.0.9:41235/"), None);
    }
}
