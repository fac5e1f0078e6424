//! The issuer's pages: the front page, the dashboard, the editor and the vCard import. Forms
//! post multipart (they carry images) and answer with a redirect or the form again, marked.

use app::model::{CardInput, Dashboard, EditorForm, FieldError, Lang, Page, StoredMedia};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::editor_form::{self, EditorParts, FileLimits, Files, bad_multipart};
use super::media::{self, ImageLimits};
use super::notice::DashboardNotice;
use super::service::{CardError, ImageChange, MediaChange, VideoChange};
use super::{form, preview, vcard, video_check};
use crate::auth::{MaybeAccount, SignedIn};
use crate::error::ApiError;
use crate::render;
use crate::startup::AppState;

pub fn router(form_body_limit: usize) -> Router<AppState> {
    let form_limit = DefaultBodyLimit::max(form_body_limit);
    Router::new()
        .route("/", get(home))
        .route("/dashboard", get(dashboard))
        .route("/dashboard/cards", post(create).layer(form_limit))
        .route("/dashboard/cards/new", get(new_card))
        .route(
            "/dashboard/cards/import",
            // The vCard's own limit plus room for the multipart framing around it.
            post(import).layer(DefaultBodyLimit::max(vcard::MAX_IMPORT_BYTES + 16 * 1024)),
        )
        .route("/dashboard/cards/{slug}", post(update).layer(form_limit))
        .route("/dashboard/cards/{slug}/edit", get(edit))
        .route("/dashboard/cards/{slug}/publish", post(publish))
        .route("/dashboard/cards/{slug}/delete", post(delete))
        .route("/dashboard/cards/{slug}/duplicate", post(duplicate))
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
    cap: Option<String>,
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
        query.cap.as_deref(),
        &cards,
    )
    .map(|notice| notice.message(app::i18n::dashboard_text(crate::ui_language::current())));
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
    let (guild, time_zone) =
        crate::ledger::guild_view(state, account.id, crate::ledger::TimesIn::GuildZone).await?;
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
        time_zone,
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
    let editing = input.default_lang;
    let editor = Editor {
        existing_slug: None,
        input,
        errors: Vec::new(),
        media: StoredMedia::default(),
        editing,
    };
    editor.render(state, StatusCode::OK).await
}

async fn edit(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    match state.cards().owned(account.id, &slug).await {
        Ok(card) => {
            let media = card.stored_media();
            let mut input = card.to_input();
            input.call = Some(
                state
                    .cards()
                    .call_settings(account.id, &slug)
                    .await
                    .map_err(card_error)?,
            );
            let editor = Editor {
                existing_slug: Some(slug),
                editing: input.default_lang,
                input,
                errors: Vec::new(),
                media,
            };
            Ok(editor.render(&state, StatusCode::OK).await)
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
    save(&state, account.id, None, StoredMedia::default(), multipart).await
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
    let media = current.stored_media();
    save(&state, account.id, Some(slug), media, multipart).await
}

/// Saves the editor's form as a new card (`existing_slug` none) or over the stored one, and
/// answers with the dashboard, or with the form again and what was refused.
async fn save(
    state: &AppState,
    account_id: i64,
    existing_slug: Option<String>,
    stored: StoredMedia,
    multipart: Multipart,
) -> Response {
    let submitted =
        match read_editor_form(state, multipart, existing_slug.as_deref(), &stored).await {
            Ok(submitted) => submitted,
            Err(error) => return error.into_response(),
        };
    let editor = |input, errors, editing| Editor {
        existing_slug: existing_slug.clone(),
        input,
        errors,
        media: stored.clone(),
        editing,
    };
    let (input, media, editing) = match submitted {
        Submitted::Valid {
            input,
            media,
            editing,
        } => (input, media, editing),
        Submitted::Refused {
            input,
            errors,
            editing,
        } => {
            return editor(input, errors, editing)
                .render(state, StatusCode::UNPROCESSABLE_ENTITY)
                .await;
        }
    };
    let cards = state.cards();
    let saved = match &existing_slug {
        None => cards.create(account_id, &input, *media).await,
        Some(slug) => cards.update(account_id, slug, &input, *media).await,
    };
    match saved {
        Ok(card) => Redirect::to(&format!("/dashboard?saved={}", card.slug)).into_response(),
        Err(error) => {
            editor(input, Vec::new(), editing)
                .refused(state, error)
                .await
        }
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

/// The copy opens in the editor, unpublished, for the issuer to change what differs.
async fn duplicate(
    State(state): State<AppState>,
    SignedIn(account): SignedIn,
    Path(slug): Path<String>,
) -> Response {
    match state.cards().duplicate(account.id, &slug).await {
        Ok(copy) => Redirect::to(&format!("/dashboard/cards/{}/edit", copy.slug)).into_response(),
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
    let result = match read_vcard_upload(&mut multipart).await {
        Err(error) => return error.into_response(),
        Ok(VCardUpload::Missing) => Err((
            StatusCode::UNPROCESSABLE_ENTITY,
            app::i18n::vcard_text(crate::ui_language::current())
                .no_file
                .to_string(),
        )),
        Ok(VCardUpload::TooLarge) => Err(import_refusal(vcard::VCardError::TooLarge {
            max_bytes: vcard::MAX_IMPORT_BYTES,
        })),
        Ok(VCardUpload::File(bytes)) => {
            match state.parsing.run(move || vcard::import(&bytes)).await {
                Ok(imported) => imported.map_err(import_refusal),
                Err(busy) => return ApiError::from(busy).into_response(),
            }
        }
    };
    match result {
        Ok(input) => new_card_editor(&state, input).await,
        Err((status, message)) => {
            let cards = match state.cards().list(account.id).await {
                Ok(cards) => cards,
                Err(error) => return ApiError::from(error).into_response(),
            };
            let text = app::i18n::dashboard_text(crate::ui_language::current());
            let notice = Some(text.import_refused(&message));
            dashboard_page(&state, status, account, cards, notice)
                .await
                .unwrap_or_else(IntoResponse::into_response)
        }
    }
}

enum VCardUpload {
    Missing,
    TooLarge,
    File(axum::body::Bytes),
}

/// The form's `vcard` file, read no further than the route's body limit.
async fn read_vcard_upload(multipart: &mut Multipart) -> Result<VCardUpload, ApiError> {
    let over_limit = |error: &axum::extract::multipart::MultipartError| {
        error.status() == StatusCode::PAYLOAD_TOO_LARGE
    };
    let mut upload = VCardUpload::Missing;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("vcard") => match field.bytes().await {
                Ok(bytes) if bytes.trim_ascii().is_empty() => upload = VCardUpload::Missing,
                Ok(bytes) => upload = VCardUpload::File(bytes),
                Err(error) if over_limit(&error) => return Ok(VCardUpload::TooLarge),
                Err(error) => return Err(bad_multipart(error)),
            },
            Ok(Some(_)) => continue,
            Ok(None) => return Ok(upload),
            Err(error) if over_limit(&error) => return Ok(VCardUpload::TooLarge),
            Err(error) => return Err(bad_multipart(error)),
        }
    }
}

/// A refused import as the dashboard shows it: 413 for size, 422 for the rest.
fn import_refusal(error: vcard::VCardError) -> (StatusCode, String) {
    let message = error.message(crate::ui_language::current());
    (import_error(error).status(), message)
}

enum Submitted {
    Valid {
        input: CardInput,
        media: Box<MediaChange>,
        /// The language tab that was open, to open again if the service refuses the card.
        editing: Lang,
    },
    Refused {
        input: CardInput,
        errors: Vec<FieldError>,
        editing: Lang,
    },
}

/// Reads the editor's multipart body: text fields, then files checked before anything is
/// stored. Images are decoded (on the parsing pool) only once everything cheap has passed:
/// the text fields, and each upload's size, type and declared pixel count. A video is never
/// decoded: its headers are read, on the same pool.
async fn read_editor_form(
    state: &AppState,
    multipart: Multipart,
    existing_slug: Option<&str>,
    stored: &StoredMedia,
) -> Result<Submitted, ApiError> {
    let max_bytes = state.settings.upload_max_bytes;
    let store = &state.media;
    let EditorParts {
        fields,
        mut uploads,
        video,
    } = editor_form::read(
        multipart,
        FileLimits::of(&state.settings),
        Files::Keep { store },
    )
    .await?;
    let lang = crate::ui_language::current();
    let (input, mut errors) = form::card_input(&fields, existing_slug, lang);
    if errors.is_empty()
        && let Err(CardError::Invalid(refused)) = state.cards().checked(&input)
    {
        errors = refused;
    }
    let limits = ImageLimits {
        max_bytes,
        ..ImageLimits::default()
    };
    for name in ["photo", "logo", "poster"] {
        if let Some(bytes) = uploads.get(name)
            && let Err(error) = media::inspect(bytes, &limits)
        {
            errors.push(FieldError::new(name, error.message(lang)));
        }
    }
    let removed = |name: &str| {
        fields
            .get(&format!("remove_{name}"))
            .is_some_and(|v| v == "true")
    };
    let video = match video {
        Some(upload) => match video_check::checked(state, upload).await? {
            Ok((upload, info)) => VideoChange::Replace { upload, info },
            Err(error) => {
                errors.push(FieldError::new(
                    "video",
                    video_check::refusal(&error, state, lang),
                ));
                VideoChange::Keep
            }
        },
        None if removed("video") => VideoChange::Remove,
        None => VideoChange::Keep,
    };
    let has_video = match &video {
        VideoChange::Replace { .. } => true,
        VideoChange::Keep => stored.video.is_some(),
        VideoChange::Remove => false,
    };
    if uploads.contains_key("poster") && !has_video && !errors.iter().any(|e| e.field == "video") {
        let text = app::i18n::video_text(lang);
        errors.push(FieldError::new("poster", text.poster_without_video));
    }
    if !errors.is_empty() {
        let editing = preview::tab_to_open(&fields, &input, &errors);
        return Ok(Submitted::Refused {
            input,
            errors,
            editing,
        });
    }
    let mut change = |name: &str| match uploads.remove(name) {
        Some(bytes) => Change::Upload(bytes),
        None if removed(name) => Change::Ready(ImageChange::Remove),
        None => Change::Ready(ImageChange::Keep),
    };
    let (photo, logo, poster) = (change("photo"), change("logo"), change("poster"));
    let photo = photo
        .clean(state, "photo", limits, lang, &mut errors)
        .await?;
    let logo = logo.clean(state, "logo", limits, lang, &mut errors).await?;
    let poster = poster
        .clean(state, "poster", limits, lang, &mut errors)
        .await?;
    let editing = preview::tab_to_open(&fields, &input, &errors);
    if errors.is_empty() {
        Ok(Submitted::Valid {
            input,
            media: Box::new(MediaChange {
                photo,
                logo,
                video,
                poster,
            }),
            editing,
        })
    } else {
        Ok(Submitted::Refused {
            input,
            errors,
            editing,
        })
    }
}

/// What the editor form asks of one image slot.
enum Change {
    Ready(ImageChange),
    Upload(Vec<u8>),
}

impl Change {
    /// An upload decoded and re-encoded on the parsing pool; a refusal goes to `errors`, worded
    /// in `lang`.
    async fn clean(
        self,
        state: &AppState,
        name: &str,
        limits: ImageLimits,
        lang: app::model::Lang,
        errors: &mut Vec<FieldError>,
    ) -> Result<ImageChange, ApiError> {
        let bytes = match self {
            Change::Ready(change) => return Ok(change),
            Change::Upload(bytes) => bytes,
        };
        let cleaned = state
            .parsing
            .run(move || media::sanitize(&bytes, &limits))
            .await?;
        Ok(cleaned.map(ImageChange::Replace).unwrap_or_else(|error| {
            errors.push(FieldError::new(name, error.message(lang)));
            ImageChange::Keep
        }))
    }
}

/// The designer page as the server shows it: the form as typed, its refusals, and the preview
/// of the card it describes.
pub(super) struct Editor {
    pub existing_slug: Option<String>,
    pub input: CardInput,
    pub errors: Vec<FieldError>,
    /// The stored images and video.
    pub media: StoredMedia,
    pub editing: Lang,
}

impl Editor {
    /// The form again after the service refused it (a taken address, a rule of the save).
    async fn refused(mut self, state: &AppState, error: CardError) -> Response {
        let (status, errors) = match error {
            CardError::Invalid(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
            CardError::SlugTaken => (
                StatusCode::CONFLICT,
                vec![FieldError::new(
                    "slug",
                    app::i18n::card_form_text(crate::ui_language::current()).slug_taken,
                )],
            ),
            CardError::NotFound => return render::not_found(state).await,
            other => return card_error(other).into_response(),
        };
        self.errors = errors;
        self.render(state, status).await
    }

    pub(super) async fn render(self, state: &AppState, status: StatusCode) -> Response {
        let preview = preview::preview_card(
            &self.input,
            preview::Place {
                slug: self.existing_slug.as_deref(),
                public_url: &state.settings.public_url,
                media: self.media.clone(),
            },
        );
        let form = EditorForm {
            existing_slug: self.existing_slug,
            input: self.input,
            media: self.media,
            errors: self.errors,
            editing_lang: self.editing,
            preview,
        };
        let form = Box::new(form);
        render::page(state, status, Page::Editor { form }).await
    }
}

pub fn card_error(error: CardError) -> ApiError {
    match error {
        CardError::Invalid(fields) => ApiError::Validation(fields),
        CardError::SlugTaken => ApiError::Conflict {
            code: "slug_taken",
            message: app::i18n::card_form_text(crate::ui_language::current())
                .slug_taken
                .into(),
        },
        CardError::NotFound => ApiError::NotFound,
        CardError::Storage(error) => ApiError::internal(error),
        CardError::Database(error) => ApiError::internal(error),
    }
}

/// Too large is a 413; every other refusal a 422 on the `vcard` field, saying what is wrong.
pub fn import_error(error: vcard::VCardError) -> ApiError {
    let message = error.message(crate::ui_language::current());
    match error {
        vcard::VCardError::TooLarge { .. } => ApiError::PayloadTooLarge { message },
        _ => ApiError::Validation(vec![app::model::FieldError::new("vcard", message)]),
    }
}
