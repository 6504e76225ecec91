//! The payload rules serde's derives do not enforce by themselves (protocol.md §4, §11):
//! - a payload, and every object nested in it (`user`, `settings`), must be a JSON **object**: a derived
//!   struct also accepts an array, reading the fields by position;
//! - an optional field sent as `null` is a mistyped value, not "absent": `Option<T>` with `default`
//!   reads both as `None`, so `{"bpm": null}` (what JSON makes of `NaN`) was taken as "unchanged".
//!
//! [`Object`] wraps a whole payload; the field helpers are used with `#[serde(deserialize_with)]`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// A client payload: `T` read only from a JSON object.
#[derive(Debug)]
pub struct Object<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        object(deserializer).map(Object)
    }
}

/// Like [`Object`], and an error names the field at fault (`settings.bpm: invalid type: null, …`).
/// Tracking the path costs an allocation per key, so it is only used to explain a payload that
/// [`Object`] already refused.
#[derive(Debug)]
pub struct Traced<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Traced<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_path_to_error::deserialize(ObjectOnly(deserializer))
            .map(Traced)
            .map_err(|err| {
                let path = err.path().to_string();
                let inner = err.into_inner();
                if path == "." {
                    inner
                } else {
                    de::Error::custom(format!("{path}: {inner}"))
                }
            })
    }
}

/// A nested object field: `#[serde(deserialize_with = "strict::object")]`.
pub fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    T::deserialize(ObjectOnly(deserializer))
}

/// An optional field that must have a value when present:
/// `#[serde(default, deserialize_with = "strict::present")]`. Absent stays `None` (the `default`);
/// `null` is an error unless `T` itself takes null (`Option<String>` for `settings.key`).
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// An optional nested object: absent is `None`, anything but an object is an error.
pub fn present_object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    object(deserializer).map(Some)
}

/// A deserializer that only lets an object through, whatever the target type asks for.
struct ObjectOnly<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    /// `deserialize_any`, not `deserialize_map`: socketioxide's parser only turns a binary
    /// attachment's placeholder (`{"_placeholder":true,"num":0}`) into bytes there, and bytes are not
    /// an object.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(ObjectVisitor(visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Passes a map on to the target's visitor; anything else is "invalid type: …, expected an object".
struct ObjectVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for ObjectVisitor<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(map)
    }
}

#[cfg(test)]
mod tests;
