//! Creating, changing, publishing and deleting cards, and loading them for display.
//!
//! Every change is one transaction; uploaded images are cleaned (media.rs) before anything is
//! written, stored under new names, and old files are removed only after the commit, so a
//! refused or failed request leaves the card and its images exactly as they were.

use std::path::{Path, PathBuf};

use app::model::{
    CallSettings, CardContent, CardInput, CardLink, CardSummary, CardView, Contacts, FieldError,
    Lang, LocalizedContent, Template, Theme,
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
use super::validate::{random_slug, validate};
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

/// Where uploaded images live, and the public URL path they are served under.
#[derive(Clone, Debug)]
pub struct MediaStore {
    dir: PathBuf,
}

impl MediaStore {
    pub fn new(data_dir: &Path) -> MediaStore {
        MediaStore {
            dir: data_dir.join("media"),
        }
    }

    pub fn url(file: &str) -> String {
        format!("/media/{file}")
    }

    /// The path of a stored file, or None for any name we would not have made ourselves
    /// (which keeps `..` and friends out).
    pub fn path(&self, file: &str) -> Option<PathBuf> {
        let (stem, extension) = file.rsplit_once('.')?;
        let valid = uuid::Uuid::try_parse(stem).is_ok() && matches!(extension, "jpg" | "png");
        valid.then(|| self.dir.join(file))
    }

    /// A copy of the stored image behind a card's `/media/…` URL under a new name; `None` for
    /// no image.
    async fn copy(&self, url: Option<&str>) -> std::io::Result<Option<String>> {
        let Some(file) = url.and_then(|url| url.strip_prefix("/media/")) else {
            return Ok(None);
        };
        let Some(source) = self.path(file) else {
            return Err(std::io::Error::other(format!("not a stored image: {file}")));
        };
        let extension = file
            .rsplit_once('.')
            .map_or("jpg", |(_, extension)| extension);
        let copy = format!("{}.{extension}", uuid::Uuid::new_v4());
        let temporary = self.dir.join(format!(".{copy}.part"));
        tokio::fs::copy(&source, &temporary).await?;
        tokio::fs::rename(&temporary, self.dir.join(&copy)).await?;
        Ok(Some(copy))
    }

    async fn save(&self, image: &CleanImage) -> std::io::Result<String> {
        tokio::fs::create_dir_all(&self.dir).await?;
        let file = format!("{}.{}", uuid::Uuid::new_v4(), image.extension);
        let temporary = self.dir.join(format!(".{file}.part"));
        tokio::fs::write(&temporary, &image.bytes).await?;
        tokio::fs::rename(&temporary, self.dir.join(&file)).await?;
        Ok(file)
    }

    async fn remove(&self, file: &str) {
        if let Some(path) = self.path(file)
            && let Err(error) = tokio::fs::remove_file(&path).await
        {
            tracing::warn!(%error, file, "could not remove an unused image");
        }
    }
}

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
        photo: ImageChange,
        logo: ImageChange,
    ) -> Result<CardView, CardError> {
        let mut card = self.checked(input)?;
        self.require_verified(owner, card.call.as_ref()).await?;
        card.call.get_or_insert_with(CallSettings::default);
        let (photo_file, logo_file) = (self.store(&photo).await?, self.store(&logo).await?);
        self.create_with_files(owner, &card, photo_file, logo_file, &[])
            .await
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
        let photo_file = self.media.copy(original.photo_url.as_deref()).await?;
        let logo_file = match self.media.copy(original.logo_url.as_deref()).await {
            Ok(file) => file,
            Err(error) => {
                if let Some(file) = photo_file {
                    self.media.remove(&file).await;
                }
                return Err(error.into());
            }
        };
        self.create_with_files(owner, &card, photo_file, logo_file, &sites)
            .await
    }

    /// Inserts a checked card whose images are stored, and the sites that may embed it; the
    /// files go if the card cannot be.
    async fn create_with_files(
        &self,
        owner: i64,
        card: &CardInput,
        photo_file: Option<String>,
        logo_file: Option<String>,
        sites: &[super::embed::origin::EmbedOrigin],
    ) -> Result<CardView, CardError> {
        let wanted_slug = card.slug.clone();
        // A generated slug can collide (rarely); a chosen one that collides is the issuer's to change.
        let attempts = if wanted_slug.is_some() { 1 } else { 5 };
        let mut result = Err(CardError::SlugTaken);
        for _ in 0..attempts {
            let slug = wanted_slug.clone().unwrap_or_else(random_slug);
            result = self
                .insert(
                    owner,
                    &slug,
                    card,
                    photo_file.clone(),
                    logo_file.clone(),
                    sites,
                )
                .await;
            if !matches!(result, Err(CardError::SlugTaken)) {
                break;
            }
        }
        if result.is_err() {
            for file in [photo_file, logo_file].into_iter().flatten() {
                self.media.remove(&file).await;
            }
        }
        let model = result?;
        self.view(&model).await.map_err(Into::into)
    }

    async fn insert(
        &self,
        owner: i64,
        slug: &str,
        input: &CardInput,
        photo_file: Option<String>,
        logo_file: Option<String>,
        sites: &[super::embed::origin::EmbedOrigin],
    ) -> Result<card::Model, CardError> {
        let now = Utc::now();
        let transaction = self.db.begin().await?;
        let row = card::ActiveModel {
            account_id: Set(owner),
            slug: Set(slug.to_string()),
            photo_file: Set(photo_file),
            logo_file: Set(logo_file),
            created_at: Set(now),
            ..Default::default()
        };
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
        photo: ImageChange,
        logo: ImageChange,
    ) -> Result<CardView, CardError> {
        let existing = self.owned_model(owner, slug).await?;
        let mut input = self.checked(input)?;
        self.require_verified(owner, input.call.as_ref()).await?;
        // A new slug is a move: the old one keeps leading to the card (`retire_slug`).
        let new_slug = input.slug.clone().filter(|wanted| *wanted != existing.slug);
        input.slug = Some(existing.slug.clone());
        let new_photo = self.store(&photo).await?;
        let new_logo = self.store(&logo).await?;
        let photo_file = pick_file(&photo, new_photo.clone(), existing.photo_file.clone());
        let logo_file = pick_file(&logo, new_logo.clone(), existing.logo_file.clone());

        let written = async {
            let transaction = self.db.begin().await?;
            let mut row: card::ActiveModel = existing.clone().into();
            row.photo_file = Set(photo_file.clone());
            row.logo_file = Set(logo_file.clone());
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
                for (old, new) in [
                    (&existing.photo_file, &photo_file),
                    (&existing.logo_file, &logo_file),
                ] {
                    if let Some(old) = old.as_ref().filter(|old| Some(*old) != new.as_ref()) {
                        self.media.remove(old).await;
                    }
                }
                Ok(self.view(&model).await?)
            }
            Err(error) => {
                for file in [new_photo, new_logo].into_iter().flatten() {
                    self.media.remove(&file).await;
                }
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
        for file in [existing.photo_file, existing.logo_file]
            .into_iter()
            .flatten()
        {
            self.media.remove(&file).await;
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

    async fn store(&self, change: &ImageChange) -> Result<Option<String>, CardError> {
        match change {
            ImageChange::Replace(image) => Ok(Some(self.media.save(image).await?)),
            ImageChange::Keep | ImageChange::Remove => Ok(None),
        }
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

fn pick_file(change: &ImageChange, new: Option<String>, old: Option<String>) -> Option<String> {
    match change {
        ImageChange::Keep => old,
        ImageChange::Remove => None,
        ImageChange::Replace(_) => new,
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
        },
        photo_url: model.photo_file.as_deref().map(MediaStore::url),
        logo_url: model.logo_file.as_deref().map(MediaStore::url),
        updated_at: model
            .updated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}
