//! `GET /recordings/<id>-<mac>.mid`: a finished take as a Standard MIDI File, or with
//! `?format=json` as JSON for tools. Unknown, forged or expired links are 404.

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use crate::recording::{write_smf, TakeJson};
use crate::state::SharedState;

#[derive(Debug, Deserialize)]
pub struct DownloadQuery {
    format: Option<String>,
}

pub async fn download(
    State(state): State<SharedState>,
    Path(file): Path<String>,
    Query(query): Query<DownloadQuery>,
) -> Response {
    let Some(take) = state.sessions.take_for_download(&file).await else {
        return (
            StatusCode::NOT_FOUND,
            "no such recording (the link is wrong or has expired)",
        )
            .into_response();
    };
    if query.format.as_deref() == Some("json") {
        return Json(TakeJson::from_take(&take)).into_response();
    }
    let disposition = format!(
        "attachment; filename=\"jam-session-{}.mid\"",
        take_label(&file)
    );
    let headers = [
        (header::CONTENT_TYPE, "audio/midi".to_owned()),
        (header::CONTENT_DISPOSITION, disposition),
    ];
    (headers, write_smf(&take)).into_response()
}

/// A short, header-safe part of the file name for the saved file.
fn take_label(file: &str) -> String {
    file.chars()
        .take_while(char::is_ascii_alphanumeric)
        .take(8)
        .collect()
}
