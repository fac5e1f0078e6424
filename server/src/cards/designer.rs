//! The designer's preview route (issue 11): `POST /dashboard/cards/preview` for a new card and
//! `POST /dashboard/cards/{slug}/preview` for a stored one take the editor's form as it is and
//! save nothing. Without script it answers the whole designer page again (with the "copy from"
//! applied, and the save's refusals shown); the live preview asks with `?part=preview` for the
//! pane alone.

use app::model::StoredMedia;
use app::pages::editor::preview::PreviewPane;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use leptos::prelude::*;
use serde::Deserialize;

use super::editor_form::{self, FileLimits, Files};
use super::pages::{Editor, card_error};
use super::service::CardError;
use super::{form, preview};
use crate::auth::SignedIn;
use crate::render;
use crate::startup::AppState;

/// `form_body_limit` as the save routes': the preview button without script sends the whole
/// form, files included (read past, not kept).
pub fn router(form_body_limit: usize) -> Router<AppState> {
    let form_limit = axum::extract::DefaultBodyLimit::max(form_body_limit);
    Router::new()
        .route(
            "/dashboard/cards/preview",
            post(preview_new).layer(form_limit),
        )
        .route(
            "/dashboard/cards/{slug}/preview",
            post(preview_stored).layer(form_limit),
        )
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
    preview(&state, None, StoredMedia::default(), query, multipart).await
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
            let media = card.stored_media();
            preview(&state, Some(slug), media, query, multipart).await
        }
        Err(CardError::NotFound) => render::not_found(&state).await,
        Err(error) => card_error(error).into_response(),
    }
}

async fn preview(
    state: &AppState,
    existing_slug: Option<String>,
    media: StoredMedia,
    query: PreviewQuery,
    multipart: Multipart,
) -> Response {
    // The preview runs on every pause in typing: each field is bounded before it is kept.
    let fields =
        match editor_form::read(multipart, FileLimits::of(&state.settings), Files::Skip).await {
            Ok(parts) => parts.fields,
            Err(error) => return error.into_response(),
        };
    let lang = crate::ui_language::current();
    let (mut input, mut errors) = form::card_input(&fields, existing_slug.as_deref(), lang);
    let copied_into = fields
        .get("copy")
        .and_then(|copy| preview::apply_copy(&mut input, copy));
    if query.part.as_deref() == Some("preview") {
        // A box ticked to remove an image or the video shows the card without it. (The whole
        // page, below, shows the boxes unticked again, so its preview keeps the stored ones.)
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
                media: StoredMedia {
                    photo_url: media.photo_url.clone().filter(|_| !removed("photo")),
                    logo_url: media.logo_url.clone().filter(|_| !removed("logo")),
                    video: media.video.clone().filter(|_| !removed("video")),
                },
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
        media,
        editing,
    };
    editor.render(state, StatusCode::OK).await
}
