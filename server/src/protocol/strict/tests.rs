use serde::Deserialize;

use super::*;

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Inner {
    #[serde(default, deserialize_with = "present")]
    bpm: Option<f64>,
    #[serde(default, deserialize_with = "present")]
    key: Option<Option<String>>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Outer {
    room_code: String,
    #[serde(deserialize_with = "object")]
    inner: Inner,
}

fn strict(json: &str) -> Result<Outer, String> {
    serde_json::from_str::<Object<Outer>>(json)
        .map(|Object(outer)| outer)
        .map_err(|err| err.to_string())
}

fn traced(json: &str) -> String {
    serde_json::from_str::<Traced<Outer>>(json)
        .unwrap_err()
        .to_string()
}

#[test]
fn an_object_payload_is_read_as_before() {
    let outer = strict(r#"{"roomCode":"ABC","inner":{"bpm":90,"key":null},"extra":[1]}"#).unwrap();
    assert_eq!(outer.inner.bpm, Some(90.0));
    assert_eq!(outer.inner.key, Some(None));
    let outer = strict(r#"{"roomCode":"ABC","inner":{}}"#).unwrap();
    assert_eq!(
        outer.inner,
        Inner {
            bpm: None,
            key: None
        }
    );
}

#[test]
fn an_array_is_refused_where_an_object_is_required() {
    assert!(strict(r#"["ABC",{"bpm":90}]"#)
        .unwrap_err()
        .contains("expected an object"));
    assert!(strict(r#"{"roomCode":"ABC","inner":[90]}"#)
        .unwrap_err()
        .contains("expected an object"));
    for other in ["null", "\"ABC\"", "7", "true"] {
        assert!(strict(other).is_err(), "{other}");
    }
}

#[test]
fn null_is_a_wrong_type_not_an_absent_field() {
    assert!(strict(r#"{"roomCode":"ABC","inner":{"bpm":null}}"#).is_err());
    assert!(strict(r#"{"roomCode":"ABC","inner":null}"#).is_err());
}

#[test]
fn the_traced_error_names_the_field() {
    let message = traced(r#"{"roomCode":"ABC","inner":{"bpm":null}}"#);
    assert!(
        message.starts_with("inner.bpm: invalid type: null"),
        "{message}"
    );
    assert!(traced(r#"{"roomCode":7,"inner":{}}"#).starts_with("roomCode: "));
    assert!(traced("[1]").contains("expected an object"));
}
