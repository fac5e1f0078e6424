//! The verification rows: starting a call within the limits, following it, ending it, and the
//! question the card service asks, "is this number verified for this account?".

use chrono::{DateTime, Duration, Utc};
use media_bridge::verify::{Outcome, Progress};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};

use super::Limits;
use super::entity::{ActiveModel, Column, Entity, Model};

/// A row's state: a running call's step, or how the call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationState {
    Running(Progress),
    Ended(Outcome),
}

const RUNNING: [Progress; 3] = [
    Progress::Calling,
    Progress::Ringing,
    Progress::WaitingForCode,
];

impl VerificationState {
    pub fn code(self) -> &'static str {
        match self {
            VerificationState::Running(progress) => progress.code(),
            VerificationState::Ended(outcome) => outcome.code(),
        }
    }

    /// A stored state; an unknown one is an error, never a guess.
    pub fn from_code(code: &str) -> Result<VerificationState, DbErr> {
        RUNNING
            .into_iter()
            .find(|progress| progress.code() == code)
            .map(VerificationState::Running)
            .or_else(|| Outcome::from_code(code).map(VerificationState::Ended))
            .ok_or_else(|| DbErr::Custom(format!("unknown verification state `{code}`")))
    }

    pub fn is_running(self) -> bool {
        matches!(self, VerificationState::Running(_))
    }
}

fn running_codes() -> Vec<&'static str> {
    RUNNING.iter().map(|progress| progress.code()).collect()
}

/// How a verification row was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Call,
    /// The operator's seed or command line.
    Operator,
}

impl Method {
    fn code(self) -> &'static str {
        match self {
            Method::Call => "call",
            Method::Operator => "operator",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("a verification call is already running for this account")]
    AlreadyRunning,
    #[error("too many verification calls from this account today; try again tomorrow")]
    TooManyForAccount,
    #[error("this number was called too often today; try again tomorrow")]
    TooManyForNumber,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Records a verification call of `number` (E.164) for `account_id`, showing `code`, if the
/// limits allow it. A running call left by a dead process is failed first, so it cannot block
/// its account for ever.
pub async fn start(
    db: &impl ConnectionTrait,
    limits: Limits,
    account_id: i64,
    number: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Model, StartError> {
    Entity::update_many()
        .col_expr(Column::State, Expr::value(Outcome::Failed.code()))
        .col_expr(Column::Code, Expr::value(Option::<String>::None))
        .col_expr(Column::EndedAt, Expr::value(now))
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::State.is_in(running_codes()))
        .filter(Column::CalledAt.lt(now - Duration::seconds(limits.stale_after_secs)))
        .exec(db)
        .await?;
    let since = now - Duration::seconds(limits.window_secs);
    let calls = || {
        Entity::find()
            .filter(Column::Method.eq(Method::Call.code()))
            .filter(Column::CalledAt.gte(since))
    };
    if calls()
        .filter(Column::AccountId.eq(account_id))
        .count(db)
        .await?
        >= limits.per_account
    {
        return Err(StartError::TooManyForAccount);
    }
    if calls().filter(Column::Number.eq(number)).count(db).await? >= limits.per_number {
        return Err(StartError::TooManyForNumber);
    }
    ActiveModel {
        account_id: Set(account_id),
        number: Set(number.to_owned()),
        method: Set(Method::Call.code().to_owned()),
        state: Set(VerificationState::Running(Progress::Calling)
            .code()
            .to_owned()),
        code: Set(Some(code.to_owned())),
        called_at: Set(Some(now)),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|error| {
        // The unique index on running calls per account (migration 10).
        if crate::db::is_unique_violation(&error) {
            StartError::AlreadyRunning
        } else {
            StartError::Database(error)
        }
    })
}

/// A running call reached `progress`; an ended one is left as it is.
pub async fn advance(db: &impl ConnectionTrait, id: i64, progress: Progress) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::State, Expr::value(progress.code()))
        .filter(Column::Id.eq(id))
        .filter(Column::State.is_in(running_codes()))
        .exec(db)
        .await?;
    Ok(())
}

/// The call ended with `outcome`: the code is forgotten. Fails loudly when the row was not
/// running (the sweep of stale calls got there first, or it never existed).
pub async fn finish(
    db: &impl ConnectionTrait,
    id: i64,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let updated = Entity::update_many()
        .col_expr(Column::State, Expr::value(outcome.code()))
        .col_expr(Column::Code, Expr::value(Option::<String>::None))
        .col_expr(Column::EndedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::State.is_in(running_codes()))
        .exec(db)
        .await?;
    if updated.rows_affected != 1 {
        return Err(DbErr::RecordNotUpdated);
    }
    Ok(())
}

/// One of `account_id`'s verifications; `None` for anyone else's.
pub async fn owned(
    db: &impl ConnectionTrait,
    account_id: i64,
    id: i64,
) -> Result<Option<Model>, DbErr> {
    Entity::find_by_id(id)
        .filter(Column::AccountId.eq(account_id))
        .one(db)
        .await
}

/// Whether `number` (E.164, no extension) is verified for `account_id`.
pub async fn is_verified(
    db: &impl ConnectionTrait,
    account_id: i64,
    number: &str,
) -> Result<bool, DbErr> {
    Ok(Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::Number.eq(number))
        .filter(Column::State.eq(Outcome::Verified.code()))
        .count(db)
        .await?
        > 0)
}

/// The account's verified numbers, oldest first, each once.
pub async fn verified_numbers(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<Vec<String>, DbErr> {
    let mut numbers: Vec<String> = Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::State.eq(Outcome::Verified.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| row.number)
        .collect();
    let mut seen = std::collections::HashSet::new();
    numbers.retain(|number| seen.insert(number.clone()));
    Ok(numbers)
}

/// Marks `number` verified for `account_id` without a call: the operator's seed and tests of
/// other features (the demo card rings a number nobody can answer).
pub async fn mark_verified(
    db: &impl ConnectionTrait,
    account_id: i64,
    number: &str,
) -> Result<(), DbErr> {
    if is_verified(db, account_id, number).await? {
        return Ok(());
    }
    ActiveModel {
        account_id: Set(account_id),
        number: Set(number.to_owned()),
        method: Set(Method::Operator.code().to_owned()),
        state: Set(Outcome::Verified.code().to_owned()),
        code: Set(None),
        called_at: Set(None),
        ended_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_and_unknown_ones_are_errors() {
        for progress in RUNNING {
            let state = VerificationState::Running(progress);
            assert_eq!(VerificationState::from_code(state.code()).unwrap(), state);
            assert!(state.is_running());
        }
        for outcome in Outcome::ALL {
            let state = VerificationState::Ended(outcome);
            assert_eq!(VerificationState::from_code(state.code()).unwrap(), state);
            assert!(!state.is_running());
        }
        assert!(VerificationState::from_code("verifed").is_err());
    }
}
