//! The node's write-ahead log: every batch of relayed events, of all this node's rooms, is one
//! `XADD` to one stream per node (trimmed by age in the same command), so a broadcast costs Redis a
//! fraction of a command. Each room's own log is written from it now and then (a checkpoint, see
//! the writer); a node taking over a crashed owner's room reads the owner's stream for the events
//! after that room's last checkpoint.

use std::collections::HashMap;
use std::time::Duration;

use super::redis::{unreachable, Redis};
use crate::error::JamError;

/// How long entries stay in the stream: well over the writer's checkpoint interval, so every event
/// is in the room's log before its stream entry is trimmed.
pub const WAL_KEEP: Duration = Duration::from_secs(10);
/// A node's stream outlives its last heartbeat this long (the heartbeat renews it), so a survivor
/// can still read it after the node died.
pub const WAL_KEY_TTL: Duration = Duration::from_secs(600);
/// The stream entry's one field.
const FIELD: &str = "b";

/// One room's events in one batch: (room code, epoch, encoded events).
pub type Record = (String, u64, Vec<Vec<u8>>);

/// A dead node's stream, by room and epoch: the encoded events in the order they were relayed.
pub type WalIndex = HashMap<(String, u64), Vec<Vec<u8>>>;

impl Redis {
    pub fn wal_key(&self, node: &str) -> String {
        self.key(&["node", node, "wal"])
    }

    /// Everything `node`'s stream still holds.
    pub async fn read_wal(&self, node: &str) -> Result<WalIndex, JamError> {
        let entries: Vec<(String, Vec<Vec<u8>>)> = redis::cmd("XRANGE")
            .arg(self.wal_key(node))
            .arg("-")
            .arg("+")
            .query_async(&mut self.conn())
            .await
            .map_err(unreachable)?;
        let mut index = WalIndex::new();
        for (_, fields) in entries {
            for blob in fields.chunks(2).filter_map(|pair| pair.get(1)) {
                for (code, epoch, events) in decode(blob).unwrap_or_default() {
                    index.entry((code, epoch)).or_default().extend(events);
                }
            }
        }
        Ok(index)
    }
}

/// Adds the `entry` (records built with [`encode_into`]) to the pipeline as one stream entry,
/// trimming entries older than `WAL_KEEP`.
pub fn append(pipe: &mut redis::Pipeline, key: &str, now_ms: u64, entry: &[u8]) {
    let oldest = now_ms.saturating_sub(WAL_KEEP.as_millis() as u64);
    pipe.cmd("XADD")
        .arg(key)
        .arg("MINID")
        .arg("~")
        .arg(oldest)
        .arg("*")
        .arg(FIELD)
        .arg(entry)
        .ignore();
}

/// Appends one record to an entry being built. Length-prefixed: the code (u16 length), the epoch
/// (u64), the event count (u32), then each event (u32 length). Little-endian.
pub fn encode_into(out: &mut Vec<u8>, code: &str, epoch: u64, events: &[Vec<u8>]) {
    out.extend_from_slice(&(code.len() as u16).to_le_bytes());
    out.extend_from_slice(code.as_bytes());
    out.extend_from_slice(&epoch.to_le_bytes());
    out.extend_from_slice(&(events.len() as u32).to_le_bytes());
    for event in events {
        out.extend_from_slice(&(event.len() as u32).to_le_bytes());
        out.extend_from_slice(event);
    }
}

/// The records of one entry; None if it is cut short or malformed.
pub fn decode(mut bytes: &[u8]) -> Option<Vec<Record>> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (bytes.get(..n)?, bytes.get(n..)?);
        *bytes = rest;
        Some(head)
    }
    fn number<const N: usize>(bytes: &mut &[u8]) -> Option<[u8; N]> {
        take(bytes, N)?.try_into().ok()
    }
    let mut records = Vec::new();
    while !bytes.is_empty() {
        let len = u16::from_le_bytes(number(&mut bytes)?) as usize;
        let code = std::str::from_utf8(take(&mut bytes, len)?).ok()?.to_owned();
        let epoch = u64::from_le_bytes(number(&mut bytes)?);
        let count = u32::from_le_bytes(number(&mut bytes)?) as usize;
        let mut events = Vec::with_capacity(count.min(4096));
        for _ in 0..count {
            let len = u32::from_le_bytes(number(&mut bytes)?) as usize;
            events.push(take(&mut bytes, len)?.to_vec());
        }
        records.push((code, epoch, events));
    }
    Some(records)
}

#[cfg(test)]
mod tests;
