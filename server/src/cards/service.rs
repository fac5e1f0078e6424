//! Creating, changing, publishing and deleting cards, and loading them for display.
//!
//! Every change is one transaction; uploaded images are cleaned (media.rs) before anything is
//! written, stored under new names, and old files are removed only after the commit, so a
//! refused or failed request leaves the card and its images exactly as they were.

use app::model::{
    CallSettings, CardContent, CardFont, CardInput, CardLink, CardSummary, CardView, Contacts,
    FieldError, ImageFrame, Lang, LocalizedContent, Template, Theme,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};

use super::call_settings;
use super::changes;
use super::entity::{self, card, content, link};
use super::media::CleanImage;
use super::media_store::{CardFiles, VideoFile, VideoUpload};
use super::validate::{random_slug, validate};
use super::video::VideoInfo;
use crate::verification;

#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error("some fields were refused")]
    Invalid(Vec<FieldError>),
    #[error("this public address is already taken")]
    SlugTaken,
    #[error("no such card")]
    NotFound,
    #[error("cannot store the image: {0}")]
    Storage(#[from] std::io::Error),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What to do with a card's photo or logo in an edit.
pub enum ImageChange {
    Keep,
    Remove,
    Replace(CleanImage),
}

/// What to do with a card's video in an edit.
pub enum VideoChange {
    Keep,
    Remove,
    /// A checked upload, still in its temporary file.
    Replace {
        upload: VideoUpload,
        info: VideoInfo,
    },
}

/// What an edit does to a card's files. The video's still (`poster`) belongs to the video: a
/// new video without one has none, a removed video takes its still with it.
pub struct MediaChange {
    pub photo: ImageChange,
    pub logo: ImageChange,
    pub video: VideoChange,
    pub poster: ImageChange,
}

impl MediaChange {
    /// Every file as it is.
    pub fn none() -> MediaChange {
        MediaChange {
            photo: ImageChange::Keep,
            logo: ImageChange::Keep,
            video: VideoChange::Keep,
            poster: ImageChange::Keep,
        }
    }
}

pub use super::media_store::MediaStore;

pub struct CardService<'a> {
    pub db: &'a DatabaseConnection,
    /// Told of every change, so a card's kept pages go at once (`changes.rs`).
    pub pages: &'a super::page_cache::PageCache,
    pub media: &'a MediaStore,
    pub public_url: &'a str,
    /// Where the issuer's destination numbers are, when typed without `+`.
    pub default_region: phonenumber::country::Id,
}

impl CardService<'_> {
    /// The card's and its call settings' rules together, so the issuer sees every refusal at once,
    /// in the language of the request being handled. Pure but for reading that language; forms
    /// call it before decoding images, and `create` and `update` apply it again.
    pub fn checked(&self, input: &CardInput) -> Result<CardInput, CardError> {
        let lang = crate::ui_language::current();
        let card = validate(input, lang);
        let call = input
            .call
            .as_ref()
            .map(|call| call_settings::validate(call, self.default_region, lang))
            .transpose();
        match (card, call) {
            (Ok(mut card), Ok(call)) => {
                card.call = call;
                Ok(card)
            }
            (card, call) => {
                let mut errors = card.err().unwrap_or_default();
                errors.extend(call.err().unwrap_or_default());
                Err(CardError::Invalid(errors))
            }
        }
    }

    /// A card rings only phone numbers its issuer has verified (issue 8, toll fraud), so a
    /// stored destination is always a verified one.
    async fn require_verified(
        &self,
        owner: i64,
        call: Option<&CallSettings>,
    ) -> Result<(), CardError> {
        let Some(call) = call else {
            return Ok(());
        };
        let text = app::i18n::card_form_text(crate::ui_language::current());
        let mut errors = Vec::new();
        for (field, destination) in [("landline", &call.landline), ("mobile", &call.mobile)] {
            if destination.is_empty() {
                continue;
            }
            let number = verification::without_extension(destination);
            if !verification::store::is_verified(self.db, owner, number).await? {
                errors.push(FieldError::new(
                    format!("call.{field}"),
                    text.verify_first(number),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(CardError::Invalid(errors))
        }
    }

    /// An issuer's card's call settings (private: not part of the public card).
    pub async fn call_settings(&self, owner: i64, slug: &str) -> Result<CallSettings, CardError> {
        let card = self.owned_model(owner, slug).await?;
        let row = entity::call_settings::Entity::find_by_id(card.id)
            .one(self.db)
            .await?;
        Ok(row
            .as_ref()
            .map(call_settings::from_row)
            .unwrap_or_default())
    }

    pub async fn create(
        &self,
        owner: i64,
        input: &CardInput,
        media: MediaChange,
    ) -> Result<CardView, CardError> {
        let mut card = self.checked(input)?;
        self.require_verified(owner, card.call.as_ref()).await?;
        card.call.get_or_insert_with(CallSettings::default);
        let files = self.store(media, &CardFiles::default()).await?;
        self.create_with_files(owner, &card, files, &[]).await
    }

    /// A copy of one of the owner's cards at a new address, unpublished: its texts, links,
    /// theme, call settings, the sites that may embed it, and images (copied, so that editing
    /// or deleting either card leaves the other's alone).
    pub async fn duplicate(&self, owner: i64, slug: &str) -> Result<CardView, CardError> {
        let original_row = self.owned_model(owner, slug).await?;
        let original = self.view(&original_row).await?;
        let mut input = original.to_input();
        input.slug = None;
        input.published = false;
        input.call = Some(self.call_settings(owner, slug).await?);
        let card = self.checked(&input)?;
        let sites = super::embed::origins_of(self.db, original_row.id).await?;
        let files = self.copy_files(&CardFiles::of(&original_row)?).await?;
        self.create_with_files(owner, &card, files, &sites).await
    }

    /// Copies of every file of a card, under new names; none are left if one copy fails.
    async fn copy_files(&self, original: &CardFiles) -> Result<CardFiles, CardError> {
        let mut made = Vec::new();
        let mut copy = async |file: &str| {
            let copy = self.media.copy(file).await?;
            made.push(copy.clone());
            Ok::<_, std::io::Error>(copy)
        };
        let copied = async {
            let photo = match &original.photo {
                Some(file) => Some(copy(file).await?),
                None => None,
            };
            let logo = match &original.logo {
                Some(file) => Some(copy(file).await?),
                None => None,
            };
            let video = match &original.video {
                Some(video) => Some(VideoFile {
                    file: copy(&video.file).await?,
                    poster: match &video.poster {
                        Some(file) => Some(copy(file).await?),
                        None => None,
                    },
                    ..video.clone()
                }),
                None => None,
            };
            Ok::<_, std::io::Error>(CardFiles { photo, logo, video })
        }
        .await;
        match copied {
            Ok(files) => Ok(files),
            Err(error) => {
                self.remove_files(&made).await;
                Err(error.into())
            }
        }
    }

    async fn remove_files(&self, files: &[String]) {
        for file in files {
            self.media.remove(file).await;
        }
    }

    /// Inserts a checked card whose images are stored, and the sites that may embed it; the
    /// files go if the card cannot be.
    async fn create_with_files(
        &self,
        owner: i64,
        card: &CardInput,
        files: CardFiles,
        sites: &[super::embed::origin::EmbedOrigin],
    ) -> Result<CardView, CardError> {
        let wanted_slug = card.slug.clone();
        // A generated slug can collide (rarely); a chosen one that collides is the issuer's to change.
        let attempts = if wanted_slug.is_some() { 1 } else { 5 };
        let mut result = Err(CardError::SlugTaken);
        for _ in 0..attempts {
            let slug = wanted_slug.clone().unwrap_or_else(random_slug);
            result = self.insert(owner, &slug, card, &files, sites).await;
            if !matches!(result, Err(CardError::SlugTaken)) {
                break;
            }
        }
        if result.is_err() {
            self.remove_files(&files.names()).await;
        }
        let model = result?;
        self.view(&model).await.map_err(Into::into)
    }

    async fn insert(
        &self,
        owner: i64,
        slug: &str,
        input: &CardInput,
        files: &CardFiles,
        sites: &[super::embed::origin::EmbedOrigin],
    ) -> Result<card::Model, CardError> {
        let now = Utc::now();
        let transaction = self.db.begin().await?;
        let mut row = card::ActiveModel {
            account_id: Set(owner),
            slug: Set(slug.to_string()),
            created_at: Set(now),
            ..Default::default()
        };
        files.write_to(&mut row);
        let model = with_fields(row, input, now)
            .insert(&transaction)
            .await
            .map_err(slug_conflict)?;
        // After the insert, which waits for any card that held the slug until it commits.
        if former_owner(&transaction, slug).await?.is_some() {
            return Err(CardError::SlugTaken);
        }
        write_children(&transaction, model.id, input).await?;
        super::embed::insert_origins(&transaction, model.id, sites).await?;
        transaction.commit().await?;
        Ok(model)
    }

    pub async fn update(
        &self,
        owner: i64,
        slug: &str,
        input: &CardInput,
        media: MediaChange,
    ) -> Result<CardView, CardError> {
        let existing = self.owned_model(owner, slug).await?;
        let mut input = self.checked(input)?;
        self.require_verified(owner, input.call.as_ref()).await?;
        // A new slug is a move: the old one keeps leading to the card (`retire_slug`).
        let new_slug = input.slug.clone().filter(|wanted| *wanted != existing.slug);
        input.slug = Some(existing.slug.clone());
        let old_files = CardFiles::of(&existing)?;
        let files = self.store(media, &old_files).await?;

        let written = async {
            let transaction = self.db.begin().await?;
            let mut row: card::ActiveModel = existing.clone().into();
            files.write_to(&mut row);
            if let Some(new_slug) = &new_slug {
                row.slug = Set(new_slug.clone());
            }
            let model = with_fields(row, &input, Utc::now())
                .update(&transaction)
                .await
                .map_err(slug_conflict)?;
            if new_slug.is_some() {
                retire_slug(&transaction, &existing, &model.slug).await?;
                changes::announce(&transaction, &model.slug).await?;
            }
            changes::announce(&transaction, &existing.slug).await?;
            content::Entity::delete_many()
                .filter(content::Column::CardId.eq(model.id))
                .exec(&transaction)
                .await?;
            link::Entity::delete_many()
                .filter(link::Column::CardId.eq(model.id))
                .exec(&transaction)
                .await?;
            write_children(&transaction, model.id, &input).await?;
            transaction.commit().await?;
            Ok::<_, CardError>(model)
        }
        .await;
        if let Some(new_slug) = &new_slug {
            self.pages.forget(new_slug);
        }
        self.pages.forget(&existing.slug);
        match written {
            Ok(model) => {
                let kept = files.names();
                let unused: Vec<_> = old_files
                    .names()
                    .into_iter()
                    .filter(|old| !kept.contains(old))
                    .collect();
                self.remove_files(&unused).await;
                Ok(self.view(&model).await?)
            }
            Err(error) => {
                let stored = old_files.names();
                let made: Vec<_> = files
                    .names()
                    .into_iter()
                    .filter(|new| !stored.contains(new))
                    .collect();
                self.remove_files(&made).await;
                Err(error)
            }
        }
    }

    pub async fn set_published(
        &self,
        owner: i64,
        slug: &str,
        published: bool,
    ) -> Result<(), CardError> {
        let existing = self.owned_model(owner, slug).await?;
        let transaction = self.db.begin().await?;
        let mut row: card::ActiveModel = existing.into();
        row.published = Set(published);
        row.updated_at = Set(Utc::now());
        row.update(&transaction).await?;
        changes::announce(&transaction, slug).await?;
        transaction.commit().await?;
        self.pages.forget(slug);
        Ok(())
    }

    pub async fn delete(&self, owner: i64, slug: &str) -> Result<(), CardError> {
        let existing = self.owned_model(owner, slug).await?;
        // Children go by ON DELETE CASCADE; images after the commit.
        let transaction = self.db.begin().await?;
        card::Entity::delete_by_id(existing.id)
            .exec(&transaction)
            .await?;
        changes::announce(&transaction, slug).await?;
        transaction.commit().await?;
        self.pages.forget(slug);
        // Read after the commit: a damaged video record does not keep a card from going.
        match CardFiles::of(&existing) {
            Ok(files) => self.remove_files(&files.names()).await,
            Err(error) => tracing::warn!(%error, "the deleted card's files are left"),
        }
        Ok(())
    }

    pub async fn list(&self, owner: i64) -> Result<Vec<CardSummary>, DbErr> {
        let cards = card::Entity::find()
            .filter(card::Column::AccountId.eq(owner))
            .order_by_desc(card::Column::UpdatedAt)
            .all(self.db)
            .await?;
        let mut summaries = Vec::with_capacity(cards.len());
        for model in cards {
            let view = self.view(&model).await?;
            summaries.push(CardSummary {
                name: view.content(view.default_lang).name.clone(),
                slug: view.slug,
                published: view.published,
                updated_at: view.updated_at,
                // Filled by `calls::availability`, which knows the Guild and the rates.
                calls_left: None,
                talk_secs_left: None,
            });
        }
        Ok(summaries)
    }

    /// An issuer's own card, published or not. Someone else's card is "not found" to them.
    pub async fn owned(&self, owner: i64, slug: &str) -> Result<CardView, CardError> {
        let model = self.owned_model(owner, slug).await?;
        Ok(self.view(&model).await?)
    }

    /// A card for its public page, with its owner's id (who may see it unpublished).
    pub async fn by_slug(&self, slug: &str) -> Result<Option<(CardView, i64)>, DbErr> {
        let Some(model) = card::Entity::find()
            .filter(card::Column::Slug.eq(slug))
            .one(self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((self.view(&model).await?, model.account_id)))
    }

    /// A card's row alone (one query): enough to decide visibility and cache validity.
    pub async fn row_by_slug(&self, slug: &str) -> Result<Option<card::Model>, DbErr> {
        card::Entity::find()
            .filter(card::Column::Slug.eq(slug))
            .one(self.db)
            .await
    }

    /// The stored file of a card's photo or logo, for embedding in its vCard.
    pub fn media(&self) -> &MediaStore {
        self.media
    }

    /// An issuer's own card's row. Someone else's card is "not found" to them.
    pub async fn owned_model(&self, owner: i64, slug: &str) -> Result<card::Model, CardError> {
        card::Entity::find()
            .filter(card::Column::Slug.eq(slug))
            .filter(card::Column::AccountId.eq(owner))
            .one(self.db)
            .await?
            .ok_or(CardError::NotFound)
    }

    /// Stores the new files of `change` and returns the files the card holds after it; if a
    /// file cannot be stored, those stored so far are removed.
    async fn store(&self, change: MediaChange, old: &CardFiles) -> Result<CardFiles, CardError> {
        let mut made = Vec::new();
        let stored = self.store_each(change, old, &mut made).await;
        if stored.is_err() {
            self.remove_files(&made).await;
        }
        stored.map_err(Into::into)
    }

    async fn store_each(
        &self,
        change: MediaChange,
        old: &CardFiles,
        made: &mut Vec<String>,
    ) -> std::io::Result<CardFiles> {
        let mut image = async |change: ImageChange, old: Option<String>| {
            Ok::<_, std::io::Error>(match change {
                ImageChange::Keep => old,
                ImageChange::Remove => None,
                ImageChange::Replace(image) => {
                    let file = self.media.save(&image).await?;
                    made.push(file.clone());
                    Some(file)
                }
            })
        };
        let photo = image(change.photo, old.photo.clone()).await?;
        let logo = image(change.logo, old.logo.clone()).await?;
        let video = match change.video {
            VideoChange::Remove => None,
            VideoChange::Keep => match old.video.clone() {
                Some(video) => Some(VideoFile {
                    poster: image(change.poster, video.poster.clone()).await?,
                    ..video
                }),
                None => None,
            },
            VideoChange::Replace { upload, info } => {
                // The old video's still is not this one's.
                let poster = image(change.poster, None).await?;
                let file = self.media.keep_video(upload, info.container).await?;
                made.push(file.clone());
                Some(VideoFile::new(file, poster, &info))
            }
        };
        Ok(CardFiles { photo, logo, video })
    }

    pub async fn view(&self, model: &card::Model) -> Result<CardView, DbErr> {
        let contents = content::Entity::find()
            .filter(content::Column::CardId.eq(model.id))
            .all(self.db)
            .await?;
        let links = link::Entity::find()
            .filter(link::Column::CardId.eq(model.id))
            .order_by_asc(link::Column::Position)
            .all(self.db)
            .await?;
        to_view(model, contents, links, self.public_url)
    }
}

/// The card a former slug leads to, if it is one.
async fn former_owner(db: &impl ConnectionTrait, slug: &str) -> Result<Option<i64>, DbErr> {
    Ok(entity::former_slug::Entity::find_by_id(slug.to_string())
        .one(db)
        .await?
        .map(|former| former.card_id))
}

/// After `card` moved to `new_slug` (the update already holds it): its old slug is kept as a
/// former one, and `new_slug` may not be another card's former slug. Moving back to one of its
/// own former slugs makes it current again.
async fn retire_slug(
    db: &impl ConnectionTrait,
    card: &card::Model,
    new_slug: &str,
) -> Result<(), CardError> {
    match former_owner(db, new_slug).await? {
        Some(owner) if owner != card.id => return Err(CardError::SlugTaken),
        Some(_) => {
            entity::former_slug::Entity::delete_by_id(new_slug.to_string())
                .exec(db)
                .await?;
        }
        None => {}
    }
    entity::former_slug::ActiveModel {
        slug: Set(card.slug.clone()),
        card_id: Set(card.id),
        retired_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Where a former slug leads now: the card's current slug, if the card is published.
pub async fn moved_to(db: &impl ConnectionTrait, slug: &str) -> Result<Option<String>, DbErr> {
    let Some(card_id) = former_owner(db, slug).await? else {
        return Ok(None);
    };
    Ok(card::Entity::find_by_id(card_id)
        .one(db)
        .await?
        .filter(|card| card.published)
        .map(|card| card.slug))
}

fn slug_conflict(error: DbErr) -> CardError {
    if crate::db::is_unique_violation(&error) {
        CardError::SlugTaken
    } else {
        CardError::Database(error)
    }
}

fn with_fields(
    mut row: card::ActiveModel,
    input: &CardInput,
    now: chrono::DateTime<Utc>,
) -> card::ActiveModel {
    row.published = Set(input.published);
    row.default_lang = Set(input.default_lang.code().to_string());
    row.template = Set(input.theme.template.code().to_string());
    row.primary_color = Set(input.theme.primary_color.clone());
    row.accent_color = Set(input.theme.accent_color.clone());
    row.font = Set(input.theme.font.code().to_string());
    let (photo, logo) = (input.theme.photo_frame, input.theme.logo_frame);
    row.photo_frame_x = Set(i32::from(photo.x));
    row.photo_frame_y = Set(i32::from(photo.y));
    row.photo_frame_zoom = Set(i32::from(photo.zoom));
    row.logo_frame_x = Set(i32::from(logo.x));
    row.logo_frame_y = Set(i32::from(logo.y));
    row.logo_frame_zoom = Set(i32::from(logo.zoom));
    row.office_phone = Set(input.contacts.office_phone.clone());
    row.mobile = Set(input.contacts.mobile.clone());
    row.fax = Set(input.contacts.fax.clone());
    row.email = Set(input.contacts.email.clone());
    row.homepage = Set(input.contacts.homepage.clone());
    row.updated_at = Set(now);
    row
}

async fn write_children(
    db: &impl ConnectionTrait,
    card_id: i64,
    input: &CardInput,
) -> Result<(), DbErr> {
    if let Some(call) = &input.call {
        entity::call_settings::Entity::delete_by_id(card_id)
            .exec(db)
            .await?;
        call_settings::to_row(card_id, call).insert(db).await?;
        // Only a cap counts; without one the row just written stands as it is.
        if call.daily_cap.is_some() {
            crate::calls::reservation::count_card_day(db, card_id, Utc::now())
                .await
                .map_err(|error| match error {
                    crate::calls::reservation::ReservationError::Database(error) => error,
                    // The zone was checked as the settings were validated.
                    other => DbErr::Custom(other.to_string()),
                })?;
        }
    }
    for localized in &input.contents {
        let text = &localized.content;
        content::ActiveModel {
            card_id: Set(card_id),
            lang: Set(localized.lang.code().to_string()),
            name: Set(text.name.clone()),
            reading: Set(text.reading.clone()),
            title: Set(text.title.clone()),
            company: Set(text.company.clone()),
            department: Set(text.department.clone()),
            address: Set(text.address.clone()),
            note: Set(text.note.clone()),
        }
        .insert(db)
        .await?;
    }
    for (position, card_link) in input.links.iter().enumerate() {
        link::ActiveModel {
            card_id: Set(card_id),
            position: Set(position as i32),
            label: Set(card_link.label.clone()),
            url: Set(card_link.url.clone()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A stored card as the pages show it. Codes this project wrote itself (languages, template)
/// that are not among ours mean the row is damaged: an error naming the card, never a guess
/// (a text in no language dropped, or a template shown as another).
fn to_view(
    model: &card::Model,
    contents: Vec<content::Model>,
    links: Vec<link::Model>,
    public_url: &str,
) -> Result<CardView, DbErr> {
    let damaged = |what: &str, value: &str| {
        let message = format!("card {} has an unknown {what} {value:?}", model.id);
        tracing::error!(card = model.id, "{message}");
        DbErr::Custom(message)
    };
    let mut contents = contents
        .into_iter()
        .map(|row| {
            Ok(LocalizedContent {
                lang: Lang::from_code(&row.lang).ok_or_else(|| damaged("language", &row.lang))?,
                content: CardContent {
                    name: row.name,
                    reading: row.reading,
                    title: row.title,
                    company: row.company,
                    department: row.department,
                    address: row.address,
                    note: row.note,
                },
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    contents.sort_by_key(|c| c.lang);
    let default_lang = Lang::from_code(&model.default_lang)
        .ok_or_else(|| damaged("first language", &model.default_lang))?;
    let template =
        Template::from_code(&model.template).ok_or_else(|| damaged("template", &model.template))?;
    let frame = |what: &str, [x, y, zoom]: [i32; 3]| {
        let part = |value: i32| u16::try_from(value).ok();
        match (part(x), part(y), part(zoom)) {
            (Some(x), Some(y), Some(zoom)) => Some(ImageFrame { x, y, zoom }),
            _ => None,
        }
        .filter(ImageFrame::is_valid)
        .ok_or_else(|| damaged(what, &format!("{x} {y} {zoom}")))
    };
    Ok(CardView {
        slug: model.slug.clone(),
        url: format!("{public_url}/c/{}", model.slug),
        published: model.published,
        default_lang,
        contents,
        contacts: Contacts {
            office_phone: model.office_phone.clone(),
            mobile: model.mobile.clone(),
            fax: model.fax.clone(),
            email: model.email.clone(),
            homepage: model.homepage.clone(),
        },
        links: links
            .into_iter()
            .map(|row| CardLink {
                label: row.label,
                url: row.url,
            })
            .collect(),
        theme: Theme {
            template,
            primary_color: model.primary_color.clone(),
            accent_color: model.accent_color.clone(),
            font: CardFont::from_code(&model.font).ok_or_else(|| damaged("font", &model.font))?,
            photo_frame: frame(
                "photo frame",
                [
                    model.photo_frame_x,
                    model.photo_frame_y,
                    model.photo_frame_zoom,
                ],
            )?,
            logo_frame: frame(
                "logo frame",
                [
                    model.logo_frame_x,
                    model.logo_frame_y,
                    model.logo_frame_zoom,
                ],
            )?,
        },
        photo_url: model.photo_file.as_deref().map(MediaStore::url),
        logo_url: model.logo_file.as_deref().map(MediaStore::url),
        video: CardFiles::of(model)?.card_video(),
        updated_at: model
            .updated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}
