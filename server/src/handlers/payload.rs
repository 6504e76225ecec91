//! Payload extractors for every handler: the event's first argument decoded as a JSON object (see
//! [`strict`](crate::protocol::strict)), or the error to answer with. When decoding fails, the payload
//! is read once more with the field path tracked, so the error names the field at fault.

use std::convert::Infallible;
use std::sync::Arc;

use serde::de::{DeserializeOwned, IgnoredAny};
use socketioxide::adapter::Adapter;
use socketioxide::extract::TryData;
use socketioxide::handler::{FromMessageParts, Value};
use socketioxide::socket::Socket;
use socketioxide::ParserError;

use crate::protocol::strict::{Object, Traced};

/// A required payload.
pub struct Payload<T>(pub Result<T, ParserError>);

/// A payload that may be left out entirely (the seed's `session:create` sends none): `None` then.
pub struct OptionalPayload<T>(pub Result<Option<T>, ParserError>);

impl<T: DeserializeOwned, A: Adapter> FromMessageParts<A> for Payload<T> {
    type Error = Infallible;
    fn from_message_parts(
        socket: &Arc<Socket<A>>,
        value: &mut Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        // Cheap: the packet text and attachments are reference-counted.
        let mut copy = value.clone();
        let TryData(first) = TryData::<Object<T>>::from_message_parts(socket, value, ack_id)?;
        Ok(Payload(first.map(|Object(payload)| payload).map_err(
            |err| {
                let TryData(traced) =
                    match TryData::<Traced<T>>::from_message_parts(socket, &mut copy, ack_id) {
                        Ok(traced) => traced,
                        Err(never) => match never {},
                    };
                traced.err().unwrap_or(err)
            },
        )))
    }
}

impl<T: DeserializeOwned, A: Adapter> FromMessageParts<A> for OptionalPayload<T> {
    type Error = Infallible;
    fn from_message_parts(
        socket: &Arc<Socket<A>>,
        value: &mut Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Infallible> {
        if carries_no_payload(value) {
            return Ok(OptionalPayload(Ok(None)));
        }
        let Payload(result) = Payload::<T>::from_message_parts(socket, value, ack_id)?;
        Ok(OptionalPayload(result.map(Some)))
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
