//! `POST /api/numbers/parse`: how the server understands a typed number, so the call window can
//! show it back before calling (R7a). Public: it reveals nothing stored.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

use super::number::{self, NumberKind, ParsedNumber};
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/numbers/parse", post(parse))
}

#[derive(OpenApi)]
#[openapi(
    paths(parse),
    components(schemas(ParseRequest, ParsedNumber, NumberKind, ErrorBody))
)]
pub struct ApiDoc;

#[derive(Deserialize, ToSchema)]
pub struct ParseRequest {
    /// As typed: `010-1234-5678`, `025561234;235`, `001 1 650 253 0000`, `+82 2 3456 1234`…
    number: String,
}

/// Understand a phone number typed in the installation's default region.
#[utoipa::path(post, path = "/api/numbers/parse", tag = "calls", request_body = ParseRequest,
    responses((status = 200, body = ParsedNumber), (status = 422, description = "Not a callable number, with the reason", body = ErrorBody)))]
async fn parse(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ParseRequest>,
) -> Result<Json<ParsedNumber>, ApiError> {
    number::parse(&body.number, state.settings.default_region)
        .map(Json)
        .map_err(|error| {
            ApiError::Validation(vec![app::model::FieldError::new(
                "number",
                error.to_string(),
            )])
        })
}
