//! The HTTP edge's one error type: a status, a stable code, a message a person can act on, and
//! the refused fields. 5xx bodies say nothing internal; the cause is logged once, here.

use app::model::FieldError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("some fields were refused")]
    Validation(Vec<FieldError>),
    #[error("log in first")]
    Unauthenticated,
    #[error("this is not yours")]
    Forbidden,
    /// Understood and not allowed yet, for a reason the person can act on.
    #[error("{message}")]
    NotAllowed { code: &'static str, message: String },
    #[error("not found")]
    NotFound,
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// Well-formed and not acceptable, with its own stable code (a number that cannot be called).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("{message}")]
    PayloadTooLarge { message: String },
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    TooManyRequests { retry_after_secs: u64 },
    /// Heavy work is at its bound (`heavy.rs`): nothing was done, try again shortly.
    #[error("the server is busy; try again in {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

/// The JSON body of every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `validation_failed`, `unauthenticated`, `not_found`, …
    pub code: String,
    /// For people.
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn internal(error: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(error.to_string())
    }

    /// A failure of ours whose log line keeps the error's whole `source()` chain ("outer:
    /// inner: root"), each cause once; the client still gets the generic message.
    pub fn internal_error(error: &(dyn std::error::Error + 'static)) -> ApiError {
        ApiError::Internal(error_chain(error))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) | ApiError::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::NotAllowed { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation_failed",
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::Conflict { code, .. }
            | ApiError::BadRequest { code, .. }
            | ApiError::Unprocessable { code, .. }
            | ApiError::NotAllowed { code, .. } => code,
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::Busy { .. } => "busy",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                "Something went wrong on our side; nothing was changed. Please try again.".into()
            }
            other => other.to_string(),
        };
        let retry_after = match &self {
            ApiError::TooManyRequests { retry_after_secs }
            | ApiError::Busy { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().into(),
                message,
                fields: match self {
                    ApiError::Validation(fields) => fields,
                    _ => Vec::new(),
                },
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        ApiError::internal_error(&error)
    }
}

/// `error` and its causes, joined by ": "; a cause whose words the message already holds (many
/// errors print their source inside their own message) is not repeated.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let words = cause.to_string();
        if !chain.contains(&words) {
            chain.push_str(": ");
            chain.push_str(&words);
        }
        source = cause.source();
    }
    chain
}

impl From<crate::auth::service::AuthError> for ApiError {
    fn from(error: crate::auth::service::AuthError) -> Self {
        use crate::auth::service::AuthError;
        match error {
            AuthError::Invalid(fields) => ApiError::Validation(fields),
            AuthError::Unconfirmed => ApiError::NotAllowed {
                code: "email_unconfirmed",
                message: error.to_string(),
            },
            AuthError::LinkInvalid => ApiError::BadRequest {
                code: "link_invalid",
                message: error.to_string(),
            },
            AuthError::LinkUsed => ApiError::BadRequest {
                code: "link_used",
                message: error.to_string(),
            },
            AuthError::WrongCredentials => ApiError::BadRequest {
                code: "wrong_credentials",
                message: error.to_string(),
            },
            AuthError::Throttled { retry_after_secs }
            | AuthError::SignUpThrottled { retry_after_secs } => {
                ApiError::TooManyRequests { retry_after_secs }
            }
            AuthError::Hashing(error) => error.into(),
            AuthError::UnknownAccount(_) => ApiError::NotFound,
            AuthError::Database(_) | AuthError::Inconsistent(_) => ApiError::internal(error),
            AuthError::Ledger(error) => crate::ledger::api_error(error),
        }
    }
}

/// `Json<T>` whose refusals (bad JSON, wrong content type, missing fields) are [`ApiError`]s,
/// so even a malformed body gets the JSON error shape.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        // A body over the route's limit is refused before it is parsed: say so, as a 413.
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::PayloadTooLarge {
                message: app::i18n::site_text(crate::ui_language::current())
                    .body_too_large
                    .into(),
            };
        }
        ApiError::BadRequest {
            code: "invalid_body",
            message: rejection.body_text(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum Outer {
        #[error("settling call 7 failed")]
        Wrapped(#[source] Middle),
        #[error("reading the row failed: {0}")]
        Inline(#[source] Middle),
    }

    #[derive(Debug, thiserror::Error)]
    #[error("the pool timed out")]
    struct Middle(#[source] std::io::Error);

    #[test]
    fn an_internal_error_keeps_its_whole_chain_for_the_log_each_cause_once() {
        let root = || std::io::Error::other("connection refused");
        let wrapped = Outer::Wrapped(Middle(root()));
        assert_eq!(
            error_chain(&wrapped),
            "settling call 7 failed: the pool timed out: connection refused"
        );
        let inline = Outer::Inline(Middle(root()));
        assert_eq!(
            error_chain(&inline),
            "reading the row failed: the pool timed out: connection refused"
        );
        let ApiError::Internal(logged) = ApiError::internal_error(&wrapped) else {
            panic!("an internal error");
        };
        assert!(logged.ends_with("connection refused"), "{logged}");
        // The client never sees it.
        let body = ApiError::internal_error(&wrapped).into_response();
        assert_eq!(body.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
