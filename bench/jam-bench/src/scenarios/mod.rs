//! The four scenarios; each prints human lines and one `RESULT` line.

pub mod churn;
pub mod fanout;
pub mod idle;
pub mod saturate;

use serde::Serialize;
use serde_json::{Map, Value};

/// `value`'s fields (it must serialize to an object) followed by `extra`.
fn merge(value: &impl Serialize, extra: Value) -> Value {
    let mut map = match serde_json::to_value(value) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Value::Object(e) = extra {
        map.extend(e);
    }
    Value::Object(map)
}
