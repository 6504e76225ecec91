//! `OptionalData<T>`: like `TryData<T>`, but an event sent with no payload at all (the seed's
//! `session:create`) decodes to `None` instead of an error.

use std::convert::Infallible;
use std::sync::Arc;

use serde::de::{DeserializeOwned, IgnoredAny};
use socketioxide::adapter::Adapter;
use socketioxide::extract::TryData;
use socketioxide::handler::{FromMessageParts, Value};
use socketioxide::socket::Socket;
use socketioxide::ParserError;

pub struct OptionalData<T>(pub Result<Option<T>, ParserError>);

impl<T: DeserializeOwned, A: Adapter> FromMessageParts<A> for OptionalData<T> {
    type Error = Infallible;
    fn from_message_parts(
        socket: &Arc<Socket<A>>,
        value: &mut Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        if carries_no_payload(value) {
            return Ok(OptionalData(Ok(None)));
        }
        let TryData(result) = TryData::<T>::from_message_parts(socket, value, ack_id)?;
        Ok(OptionalData(result.map(Some)))
    }
}

/// True for a text packet that holds the event name and nothing after it: `["session:create"]`.
fn carries_no_payload(value: &Value) -> bool {
    match value {
        Value::Str(text, _) => serde_json::from_str::<Vec<IgnoredAny>>(text)
            .map(|items| items.len() <= 1)
            .unwrap_or(false),
        Value::Bytes(_) => false,
    }
}
