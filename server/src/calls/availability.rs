//! What an issuer's cards can still take (BRIEF R13, patent ¶60): each card's call count and
//! the talk time that the Guild's available money buys on the card's route right now.

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

use super::metering::CallLegs;
use super::rate_store;
use super::route;
use crate::cards::call_settings;
use crate::cards::entity::{call_settings as call_settings_row, card};
use crate::ledger::money::Money;
use app::model::CardSummary;

/// Fills `calls_left` and `talk_secs_left` of the account's `cards`, given the Guild's
/// `available` money (which the dashboard has already read).
pub async fn fill(
    db: &DatabaseConnection,
    account_id: i64,
    available: Money,
    home: phonenumber::country::Id,
    trunk_configured: bool,
    cards: &mut [CardSummary],
) -> Result<(), DbErr> {
    let owned = card::Entity::find()
        .filter(card::Column::AccountId.eq(account_id))
        .all(db)
        .await?;
    let settings_rows = call_settings_row::Entity::find()
        .filter(call_settings_row::Column::CardId.is_in(owned.iter().map(|card| card.id)))
        .all(db)
        .await?;
    let table = rate_store::load(db).await?;
    for summary in cards.iter_mut() {
        let Some(row) = owned
            .iter()
            .find(|card| card.slug == summary.slug)
            .and_then(|card| settings_rows.iter().find(|row| row.card_id == card.id))
        else {
            continue;
        };
        let settings = call_settings::from_row(row);
        summary.calls_left = Some(settings.call_quota);
        summary.talk_secs_left = route::browser_call(&settings, &table, home, trunk_configured)
            .ok()
            .and_then(|route| route.legs.into_iter().collect::<Option<Vec<_>>>())
            .and_then(|legs| CallLegs::new(legs).ok())
            .map(|legs| legs.covered_secs(available));
    }
    Ok(())
}
