//! `GET /api/rooms/{code}`: where a room is served, for load balancers, tools and the page. On a
//! cluster any node answers with the owner's public URL (taking the room over first if its owner is
//! gone); a single node answers with its own URL for its rooms.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::cluster::Route;
use crate::error::JamError;
use crate::sessions::normalize_room_code;
use crate::state::SharedState;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    room_code: String,
    url: String,
}

#[derive(Serialize)]
struct Failure {
    code: &'static str,
    message: String,
}

pub async fn room_location(
    State(state): State<SharedState>,
    Path(input): Path<String>,
) -> Response {
    let code = normalize_room_code(&input).unwrap_or_default();
    let route = match &state.cluster {
        None if state.sessions.holds(&code) => Ok(Route::Here),
        None => Ok(Route::Missing),
        // A takeover's away events reach nobody here yet: they are kept for the resumes.
        Some(cluster) => cluster
            .route(&state.sessions, &code)
            .await
            .map(|(route, _takeover)| route),
    };
    let url = match route {
        Ok(Route::Here) => state.public_url.clone(),
        Ok(Route::Moved(url)) => url,
        Ok(Route::Missing) => return failure(StatusCode::NOT_FOUND, &JamError::RoomNotFound(code)),
        Err(err) => return failure(StatusCode::SERVICE_UNAVAILABLE, &err),
    };
    Json(Location {
        room_code: code,
        url,
    })
    .into_response()
}

fn failure(status: StatusCode, err: &JamError) -> Response {
    let body = Failure {
        code: err.code().as_str(),
        message: err.to_string(),
    };
    (status, Json(body)).into_response()
}
