//! The issuer's pages: the front page, the dashboard, the editor and the vCard import. Forms
//! post multipart (they carry images) and answer with a redirect or the form again, marked.

use std::collections::HashMap;

use app::model::{CardInput, Dashboard, EditorForm, FieldError, Page};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::media::{self, ImageLimits};
use super::notice::DashboardNotice;
use super::service::{CardError, ImageChange};
use super::{form, vcard};
use crate::auth::{MaybeAccount, SignedIn};
use crate::error::ApiError;
use crate::render;
use crate::startup::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/dashboard", get(dashboard))
        .route("/dashboard/cards", post(create))
        .route("/dashboard/cards/new", get(new_card))
        .route("/dashboard/cards/import", post(import))
        .route("/dashboard/cards/{slug}", post(update))
        .route("/dashboard/cards/{slug}/edit", get(edit))
        .route("/dashboard/cards/{slug}/publish", post(publish))
        .route("/dashboard/cards/{slug}/delete", post(delete))
}

/// The demo card's slug, shown on the front page when it exists.
pub const DEMO_SLUG: &str = "hong-gildong";

async fn home(
    State(state): State<AppState>,
    MaybeAccount(account): MaybeAccount,
) -> Result<Response, ApiError> {
    let demo = state.cards().by_slug(DEMO_SLUG).await?;
    let demo_slug = demo
        .filter(|(card, _)| card.published)
        .map(|(card, _)| card.slug);
    Ok(render::page(&state, StatusCode::OK, Page::Home { account, demo_slug }).await)
}

#[derive(Deserialize)]
struct DashboardQuery {
    saved: Option<String>,
    deleted: Option<String>,
    voucher: Option<String>,
}

async fn dashboard(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, ApiError> {
    let cards = state.cards().list(account.id).await?;
    let notice = DashboardNotice::from_query(
        query.saved.as_deref(),
        query.deleted.as_deref(),
        query.voucher.as_deref(),
        &cards,
    )
    .map(|notice| notice.message());
    dashboard_page(&state, StatusCode::OK, account, cards, notice).await
}

/// The dashboard: the issuer's cards, their Guild, and a notice.
async fn dashboard_page(
    state: &AppState,
    status: StatusCode,
    account: app::model::AccountView,
    mut cards: Vec<app::model::CardSummary>,
    notice: Option<String>,
) -> Result<Response, ApiError> {
    let guild = crate::ledger::guild_view(state, account.id).await?;
    crate::calls::availability::fill(
        &state.db,
        account.id,
        crate::ledger::money::Money(guild.available),
        state.settings.default_region,
        state.trunk_configured(),
        &mut cards,
    )
    .await?;
    let dashboard = Dashboard {
        account,
        guild,
        cards,
        notice,
    };
    Ok(render::page(state, status, Page::Dashboard { dashboard }).await)
}

async fn new_card(State(state): State<AppState>, _: SignedIn) -> Response {
    let input = CardInput {
        default_lang: app::model::Lang::En,
        call: Some(Default::default()),
        ..Default::default()
    };
    new_card_editor(&state, input).await
}

/// The editor for a card not stored yet: empty, or prefilled from an import.
async fn new_card_editor(state: &AppState, input: CardInput) -> Response {
    editor(state, StatusCode::OK, None, input, Vec::new(), (None, None)).await
}

async fn edit(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    match state.cards().owned(account.id, &slug).await {
        Ok(card) => {
            let images = (card.photo_url.clone(), card.logo_url.clone());
            let mut input = card.to_input();
            input.call = Some(
                state
                    .cards()
                    .call_settings(account.id, &slug)
                    .await
                    .map_err(card_error)?,
            );
            Ok(editor(
                &state,
                StatusCode::OK,
                Some(slug),
                input,
                Vec::new(),
                images,
            )
            .await)
        }
        Err(CardError::NotFound) => Ok(render::not_found(&state).await),
        Err(error) => Err(card_error(error)),
    }
}

async fn create(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    multipart: Multipart,
) -> Response {
    let submitted = match read_editor_form(&state, multipart, None).await {
        Ok(submitted) => submitted,
        Err(error) => return error.into_response(),
    };
    let (input, photo, logo) = match submitted {
        Submitted::Valid { input, photo, logo } => (input, photo, logo),
        Submitted::Refused { input, errors } => {
            return editor(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                input,
                errors,
                (None, None),
            )
            .await;
        }
    };
    match state.cards().create(account.id, &input, photo, logo).await {
        Ok(card) => Redirect::to(&format!("/dashboard?saved={}", card.slug)).into_response(),
        Err(error) => refused_editor(&state, None, input, error, (None, None)).await,
    }
}

async fn update(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(slug): Path<String>,
    multipart: Multipart,
) -> Response {
    let current = match state.cards().owned(account.id, &slug).await {
        Ok(card) => card,
        Err(CardError::NotFound) => return render::not_found(&state).await,
        Err(error) => return card_error(error).into_response(),
    };
    let images = (current.photo_url.clone(), current.logo_url.clone());
    let submitted = match read_editor_form(&state, multipart, Some(&slug)).await {
        Ok(submitted) => submitted,
        Err(error) => return error.into_response(),
    };
    let (input, photo, logo) = match submitted {
        Submitted::Valid { input, photo, logo } => (input, photo, logo),
        Submitted::Refused { input, errors } => {
            return editor(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(slug),
                input,
                errors,
                images,
            )
            .await;
        }
    };
    match state
        .cards()
        .update(account.id, &slug, &input, photo, logo)
        .await
    {
        Ok(card) => Redirect::to(&format!("/dashboard?saved={}", card.slug)).into_response(),
        Err(error) => refused_editor(&state, Some(slug), input, error, images).await,
    }
}

#[derive(Deserialize)]
struct PublishForm {
    #[serde(default)]
    published: String,
}

async fn publish(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(slug): Path<String>,
    Form(form): Form<PublishForm>,
) -> Response {
    match state
        .cards()
        .set_published(account.id, &slug, form.published == "true")
        .await
    {
        Ok(()) => Redirect::to(&format!("/dashboard?saved={slug}")).into_response(),
        Err(CardError::NotFound) => render::not_found(&state).await,
        Err(error) => card_error(error).into_response(),
    }
}

async fn delete(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    match state.cards().delete(account.id, &slug).await {
        Ok(()) => Redirect::to("/dashboard?deleted=1").into_response(),
        Err(CardError::NotFound) => render::not_found(&state).await,
        Err(error) => card_error(error).into_response(),
    }
}

/// A `.vcf` upload becomes a new-card editor, prefilled (BRIEF R4); nothing is stored yet.
async fn import(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    mut multipart: Multipart,
) -> Response {
    let mut text = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("vcard") => match field.bytes().await {
                Ok(bytes) => text = Some(String::from_utf8_lossy(&bytes).into_owned()),
                Err(error) => return bad_multipart(error).into_response(),
            },
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(error) => return bad_multipart(error).into_response(),
        }
    }
    let result = match text.filter(|text| !text.trim().is_empty()) {
        None => Err("Choose a .vcf file to import.".to_string()),
        Some(text) => vcard::import(&text).map_err(|error| error.to_string()),
    };
    match result {
        Ok(input) => new_card_editor(&state, input).await,
        Err(message) => {
            let cards = match state.cards().list(account.id).await {
                Ok(cards) => cards,
                Err(error) => return ApiError::from(error).into_response(),
            };
            let notice = Some(format!("Import refused: {message}"));
            dashboard_page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                account,
                cards,
                notice,
            )
            .await
            .unwrap_or_else(IntoResponse::into_response)
        }
    }
}

enum Submitted {
    Valid {
        input: CardInput,
        photo: ImageChange,
        logo: ImageChange,
    },
    Refused {
        input: CardInput,
        errors: Vec<FieldError>,
    },
}

/// Reads the editor's multipart body: text fields, then images cleaned before anything is stored.
async fn read_editor_form(
    state: &AppState,
    mut multipart: Multipart,
    existing_slug: Option<&str>,
) -> Result<Submitted, ApiError> {
    let mut fields = HashMap::new();
    let mut uploads: HashMap<String, Vec<u8>> = HashMap::new();
    while let Some(field) = multipart.next_field().await.map_err(bad_multipart)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "photo" || name == "logo" {
            let bytes = field.bytes().await.map_err(bad_multipart)?;
            if !bytes.is_empty() {
                uploads.insert(name, bytes.to_vec());
            }
        } else {
            fields.insert(name, field.text().await.map_err(bad_multipart)?);
        }
    }
    let (input, mut errors) = form::card_input(&fields, existing_slug);
    let limits = ImageLimits {
        max_bytes: state.settings.upload_max_bytes,
        ..ImageLimits::default()
    };
    let mut image_change = |name: &str| -> ImageChange {
        if let Some(bytes) = uploads.get(name) {
            match media::sanitize(bytes, &limits) {
                Ok(image) => return ImageChange::Replace(image),
                Err(error) => errors.push(FieldError::new(name, error.to_string())),
            }
        }
        if fields
            .get(&format!("remove_{name}"))
            .is_some_and(|v| v == "true")
        {
            ImageChange::Remove
        } else {
            ImageChange::Keep
        }
    };
    let photo = image_change("photo");
    let logo = image_change("logo");
    if errors.is_empty() {
        Ok(Submitted::Valid { input, photo, logo })
    } else {
        Ok(Submitted::Refused { input, errors })
    }
}

fn bad_multipart(error: axum::extract::multipart::MultipartError) -> ApiError {
    let status = error.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge {
            message: "The upload is too large: images may be up to 5 MB.".into(),
        }
    } else {
        ApiError::BadRequest {
            code: "invalid_form",
            message: error.body_text(),
        }
    }
}

async fn refused_editor(
    state: &AppState,
    slug: Option<String>,
    input: CardInput,
    error: CardError,
    images: (Option<String>, Option<String>),
) -> Response {
    let (status, errors) = match error {
        CardError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        CardError::SlugTaken => (
            StatusCode::CONFLICT,
            vec![FieldError::new(
                "slug",
                "This public address is already taken; pick another.",
            )],
        ),
        CardError::NotFound => return render::not_found(state).await,
        other => return card_error(other).into_response(),
    };
    editor(state, status, slug, input, errors, images).await
}

async fn editor(
    state: &AppState,
    status: StatusCode,
    existing_slug: Option<String>,
    input: CardInput,
    errors: Vec<FieldError>,
    (photo_url, logo_url): (Option<String>, Option<String>),
) -> Response {
    let form = EditorForm {
        existing_slug,
        input,
        photo_url,
        logo_url,
        errors,
    };
    render::page(state, status, Page::Editor { form }).await
}

pub fn card_error(error: CardError) -> ApiError {
    match error {
        CardError::Invalid(fields) => ApiError::Validation(fields),
        CardError::SlugTaken => ApiError::Conflict {
            code: "slug_taken",
            message: error.to_string(),
        },
        CardError::NotFound => ApiError::NotFound,
        CardError::Storage(error) => ApiError::internal(error),
        CardError::Database(error) => ApiError::internal(error),
    }
}
