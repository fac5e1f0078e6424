//! The designer's preview route (issue 11): `POST /dashboard/cards/preview` for a new card and
//! `POST /dashboard/cards/{slug}/preview` for a stored one take the editor's form as it is and
//! save nothing. Without script it answers the whole designer page again (with the "copy from"
//! applied, and the save's refusals shown); the live preview asks with `?part=preview` for the
//! pane alone.

use app::pages::editor::preview::PreviewPane;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use leptos::prelude::*;
use serde::Deserialize;

use super::editor_form::{self, Images};
use super::pages::{Editor, card_error};
use super::service::CardError;
use super::{form, preview};
use crate::auth::SignedIn;
use crate::render;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/cards/preview", post(preview_new))
        .route("/dashboard/cards/{slug}/preview", post(preview_stored))
}

#[derive(Deserialize)]
struct PreviewQuery {
    /// `preview`: only the preview pane's HTML.
    part: Option<String>,
}

async fn preview_new(
    State(state): State<AppState>,
    _: SignedIn,
    Query(query): Query<PreviewQuery>,
    multipart: Multipart,
) -> Response {
    preview(&state, None, (None, None), query, multipart).await
}

async fn preview_stored(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(slug): Path<String>,
    Query(query): Query<PreviewQuery>,
    multipart: Multipart,
) -> Response {
    match state.cards().owned(account.id, &slug).await {
        Ok(card) => {
            let images = (card.photo_url, card.logo_url);
            preview(&state, Some(slug), images, query, multipart).await
        }
        Err(CardError::NotFound) => render::not_found(&state).await,
        Err(error) => card_error(error).into_response(),
    }
}

async fn preview(
    state: &AppState,
    existing_slug: Option<String>,
    (photo_url, logo_url): (Option<String>, Option<String>),
    query: PreviewQuery,
    multipart: Multipart,
) -> Response {
    // The preview runs on every pause in typing: each field is bounded before it is kept.
    let fields =
        match editor_form::read(multipart, state.settings.upload_max_bytes, Images::Skip).await {
            Ok(parts) => parts.fields,
            Err(error) => return error.into_response(),
        };
    let lang = crate::ui_language::current();
    let (mut input, mut errors) = form::card_input(&fields, existing_slug.as_deref(), lang);
    let copied_into = fields
        .get("copy")
        .and_then(|copy| preview::apply_copy(&mut input, copy));
    if query.part.as_deref() == Some("preview") {
        // A box ticked to remove an image shows the card without it. (The whole page, below,
        // shows the boxes unticked again, so its preview keeps the stored images.)
        let removed = |name: &str| {
            fields
                .get(&format!("remove_{name}"))
                .is_some_and(|v| v == "true")
        };
        let editing = preview::tab_to_open(&fields, &input, &[]);
        let card = preview::preview_card(
            &input,
            preview::Place {
                slug: existing_slug.as_deref(),
                public_url: &state.settings.public_url,
                photo_url: photo_url.filter(|_| !removed("photo")),
                logo_url: logo_url.filter(|_| !removed("logo")),
            },
        );
        let text = app::i18n::editor_text(lang);
        return render::fragment(move || view! { <PreviewPane text card lang=editing/> });
    }
    if errors.is_empty()
        && let Err(CardError::Invalid(refused)) = state.cards().checked(&input)
    {
        errors = refused;
    }
    let editing = copied_into.unwrap_or_else(|| preview::tab_to_open(&fields, &input, &errors));
    let editor = Editor {
        existing_slug,
        input,
        errors,
        images: (photo_url, logo_url),
        editing,
    };
    editor.render(state, StatusCode::OK).await
}
