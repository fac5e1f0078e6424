//! Embeds (issue 12, BRIEF R6): a card shown inside an iframe on its issuer's own website.
//!
//! - `origin`: which sites may frame a card (pure rules).
//! - here: storing a card's allowed sites, and the policy its pages answer with;
//! - `routes`: `/embed/{slug}` and its call window, `/oembed`, the two scripts (`/embed.js` for
//!   the issuer's page, `/embed-frame.js` inside the frame), the dashboard's Embed panel and the
//!   JSON API `/api/cards/{slug}/embed-origins`.
//!
//! The browser enforces the allowlist: every page of a card answers with
//! `Content-Security-Policy: frame-ancestors 'self' <sites>` (`security_headers`), so a site not
//! on the list sees nothing. No sites: callcard alone may frame the card (the panel's preview).

pub mod origin;
pub mod routes;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use super::entity::{card, embed_origin};
use super::service::{CardError, CardService};
use crate::security_headers::FrameAncestors;
use origin::EmbedOrigin;

/// The sites allowed to frame card `card_id`, in the issuer's order. A stored origin that no
/// longer passes the rules is an error, not skipped: a silently shorter list would hide a fault.
pub async fn origins_of(
    db: &impl ConnectionTrait,
    card_id: i64,
) -> Result<Vec<EmbedOrigin>, DbErr> {
    let rows = embed_origin::Entity::find()
        .filter(embed_origin::Column::CardId.eq(card_id))
        .order_by_asc(embed_origin::Column::Position)
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            EmbedOrigin::parse(&row.origin).map_err(|error| {
                tracing::error!(card_id, origin = %row.origin, %error, "a stored embed origin is unreadable");
                DbErr::Custom(format!(
                    "card {card_id} has an unreadable embed origin {:?}: {error}",
                    row.origin
                ))
            })
        })
        .collect()
}

/// Who may frame the pages of the card at `slug` (unknown card: nobody).
pub async fn frame_policy(db: &impl ConnectionTrait, slug: &str) -> Result<FrameAncestors, DbErr> {
    let id: Option<i64> = card::Entity::find()
        .select_only()
        .column(card::Column::Id)
        .filter(card::Column::Slug.eq(slug))
        .into_tuple()
        .one(db)
        .await?;
    match id {
        Some(id) => Ok(FrameAncestors::for_card(&origins_of(db, id).await?)),
        None => Ok(FrameAncestors::Nobody),
    }
}

/// Stores `origins`, in order, as the sites allowed to frame card `card_id` (which has none).
pub async fn insert_origins(
    db: &impl ConnectionTrait,
    card_id: i64,
    origins: &[EmbedOrigin],
) -> Result<(), DbErr> {
    if origins.is_empty() {
        return Ok(());
    }
    let rows = origins
        .iter()
        .enumerate()
        .map(|(position, origin)| embed_origin::ActiveModel {
            card_id: Set(card_id),
            origin: Set(origin.as_str().to_string()),
            position: Set(position as i32),
        });
    embed_origin::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Replaces the owner's card's allowed sites with `origins`, whole. The card's row is claimed
/// first (its `updated_at` bumped, which also retires its cached pages and their header), so
/// two replacements of one card queue on it: the list stored is one of them, never a mix.
pub async fn replace_origins(
    cards: &CardService<'_>,
    owner: i64,
    slug: &str,
    origins: &[EmbedOrigin],
) -> Result<(), CardError> {
    let db = cards.db;
    let transaction = db.begin().await?;
    let claimed = card::Entity::update_many()
        .col_expr(card::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(card::Column::Slug.eq(slug))
        .filter(card::Column::AccountId.eq(owner))
        .exec(&transaction)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(CardError::NotFound);
    }
    let card_id: i64 = card::Entity::find()
        .select_only()
        .column(card::Column::Id)
        .filter(card::Column::Slug.eq(slug))
        .into_tuple()
        .one(&transaction)
        .await?
        .ok_or(CardError::NotFound)?;
    embed_origin::Entity::delete_many()
        .filter(embed_origin::Column::CardId.eq(card_id))
        .exec(&transaction)
        .await?;
    insert_origins(&transaction, card_id, origins).await?;
    super::changes::announce(&transaction, slug).await?;
    transaction.commit().await?;
    cards.pages.forget(slug);
    Ok(())
}
