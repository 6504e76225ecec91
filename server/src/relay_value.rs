//! `RelayValue`: an opaque JSON value that keeps what `serde_json::Value` loses — binary attachments
//! (socket.io Buffers, anywhere in the tree) and the order of object keys — so `data` is relayed intact.

use std::fmt;

use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON value whose binary leaves survive a round trip through socketioxide's parser.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RelayValue {
    #[default]
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<RelayValue>),
    /// Key order is kept as received (a Vec, not a map: relaying never looks keys up).
    Object(Vec<(String, RelayValue)>),
    /// A binary attachment; socketioxide hands these over as byte buffers and writes them back as
    /// attachments when this value is serialized.
    Binary(Bytes),
}

impl RelayValue {
    /// Size in bytes of the value as it travels: the JSON text plus the raw attachment bytes.
    /// An estimate that ignores string escapes, which is enough for a size limit.
    pub fn encoded_len(&self) -> usize {
        match self {
            RelayValue::Null => 4,
            RelayValue::Bool(true) => 4,
            RelayValue::Bool(false) => 5,
            RelayValue::Number(n) => number_len(n),
            RelayValue::String(s) => s.len() + 2,
            RelayValue::Array(items) => {
                2 + items.len().saturating_sub(1)
                    + items.iter().map(Self::encoded_len).sum::<usize>()
            }
            RelayValue::Object(entries) => {
                let inner: usize = entries
                    .iter()
                    .map(|(k, v)| k.len() + 3 + v.encoded_len())
                    .sum();
                2 + entries.len().saturating_sub(1) + inner
            }
            RelayValue::Binary(bytes) => bytes.len(),
        }
    }
}

fn number_len(n: &serde_json::Number) -> usize {
    use std::fmt::Write;
    struct Counter(usize);
    impl Write for Counter {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut counter = Counter(0);
    let _ = write!(counter, "{n}");
    counter.0
}

impl Serialize for RelayValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RelayValue::Null => serializer.serialize_unit(),
            RelayValue::Bool(b) => serializer.serialize_bool(*b),
            RelayValue::Number(n) => n.serialize(serializer),
            RelayValue::String(s) => serializer.serialize_str(s),
            RelayValue::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            RelayValue::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            RelayValue::Binary(bytes) => serializer.serialize_bytes(bytes),
        }
    }
}

impl<'de> Deserialize<'de> for RelayValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RelayValueVisitor)
    }
}

struct RelayValueVisitor;

impl<'de> Visitor<'de> for RelayValueVisitor {
    type Value = RelayValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value or binary attachment")
    }
    fn visit_unit<E: de::Error>(self) -> Result<RelayValue, E> {
        Ok(RelayValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<RelayValue, E> {
        Ok(RelayValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RelayValue, D::Error> {
        RelayValue::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RelayValue, E> {
        Ok(RelayValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RelayValue, E> {
        Ok(RelayValue::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RelayValue, E> {
        Ok(RelayValue::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RelayValue, E> {
        serde_json::Number::from_f64(v)
            .map(RelayValue::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RelayValue, E> {
        Ok(RelayValue::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<RelayValue, E> {
        Ok(RelayValue::String(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<RelayValue, E> {
        Ok(RelayValue::Binary(Bytes::copy_from_slice(v)))
    }
    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<RelayValue, E> {
        Ok(RelayValue::Binary(Bytes::from(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RelayValue, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RelayValue::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RelayValue, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some((key, value)) = map.next_entry::<String, RelayValue>()? {
            entries.push((key, value));
        }
        Ok(RelayValue::Object(entries))
    }
}

#[cfg(test)]
mod tests;
