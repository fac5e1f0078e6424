//! Refunds (BRIEF R13): an operator gives back all or part of what a settled call cost. A call
//! is refunded at most once — the entry's reference is the call, and the ledger refuses the same
//! (kind, reference) twice — and never by more than it cost, so no money is created.

use sea_orm::{DatabaseConnection, EntityTrait};

use super::call_state::CallState;
use super::reservation::entity;
use crate::ledger::entity::entry;
use crate::ledger::money::Money;
use crate::ledger::rules::EntryKind;
use crate::ledger::service::{self as ledger, LedgerError, Posting};

#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    #[error("no such call")]
    UnknownCall,
    #[error("the call cost nothing or is still running: there is nothing to refund")]
    NothingToRefund,
    #[error("a refund must be positive and at most what the call cost ({cost} minor units)")]
    BadAmount { cost: i64 },
    #[error("this call was already refunded")]
    AlreadyRefunded,
    #[error(transparent)]
    Ledger(LedgerError),
}

/// Refunds `amount` (all of the cost when `None`) of call `call_id` into its issuer's Guild.
pub async fn refund(
    db: &DatabaseConnection,
    call_id: i64,
    amount: Option<Money>,
    note: &str,
    operator: i64,
) -> Result<entry::Model, RefundError> {
    let call = entity::Entity::find_by_id(call_id)
        .one(db)
        .await
        .map_err(|error| RefundError::Ledger(error.into()))?
        .ok_or(RefundError::UnknownCall)?;
    let cost = match (call.state, call.cost) {
        (CallState::Settled, Some(cost)) if cost > 0 => cost,
        _ => return Err(RefundError::NothingToRefund),
    };
    let amount = amount.unwrap_or(Money(cost));
    if amount.0 <= 0 || amount.0 > cost {
        return Err(RefundError::BadAmount { cost });
    }
    let reference = format!("call:{call_id}");
    let note = if note.trim().is_empty() {
        format!("Refund of call {call_id}")
    } else {
        note.trim().to_string()
    };
    ledger::post_alone(
        db,
        Posting {
            account_id: call.account_id,
            kind: EntryKind::Refund,
            amount,
            reference: Some(&reference),
            note: &note,
            created_by: Some(operator),
        },
    )
    .await
    .map_err(|error| match error {
        LedgerError::DuplicateReference(_) => RefundError::AlreadyRefunded,
        other => RefundError::Ledger(other),
    })
}
