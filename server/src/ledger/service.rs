//! Posting ledger entries: each one changes `guilds.balance` and adds its row in one transaction.
//!
//! Concurrency: the balance changes through one conditional `UPDATE … SET balance = balance + x
//! WHERE account_id = ? AND <the rule of rules.rs>`. It takes the row lock on PostgreSQL and the
//! write lock on SQLite before anything is read, so concurrent posts to one Guild serialise and
//! none can spend money another just spent — without read-then-write races or lock upgrades.

use app::i18n::SystemNote;
use app::model::Lang;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use super::entity::{entry, guild};
use super::money::Money;
use super::rules::{self, EntryKind, GuildState, RuleError};
use crate::auth::entity::account;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error("this account has no Guild")]
    NoGuild,
    #[error("reference {0} was already used")]
    DuplicateReference(String),
    #[error(transparent)]
    Cap(#[from] super::daily_cap::CapError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// One entry to post.
pub struct Posting<'a> {
    pub account_id: i64,
    pub kind: EntryKind,
    pub amount: Money,
    /// A voucher code or payment event id; the same (kind, reference) is refused the second time.
    pub reference: Option<&'a str>,
    pub note: &'a str,
    /// The operator who posted it, if one did.
    pub created_by: Option<i64>,
}

/// Gives a new account its Guild, with the sign-up grant (R1, ¶57) when there is one. Runs in
/// the caller's transaction, so an account never exists without its Guild.
pub async fn open(
    db: &impl ConnectionTrait,
    account_id: i64,
    grant: Money,
) -> Result<(), LedgerError> {
    guild::ActiveModel {
        account_id: Set(account_id),
        balance: Set(0),
        held: Set(0),
        credit_limit: Set(0),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if grant.0 > 0 {
        post(
            db,
            Posting {
                account_id,
                kind: EntryKind::SignupGrant,
                amount: grant,
                reference: None,
                note: &SystemNote::WelcomeGrant.words(Lang::En),
                created_by: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// Posts an entry inside the caller's transaction (see the module header for why it is safe).
pub async fn post(
    db: &impl ConnectionTrait,
    posting: Posting<'_>,
) -> Result<entry::Model, LedgerError> {
    rules::check_entry(posting.kind, posting.amount)?;
    let amount = posting.amount.0;
    let mut update = guild::Entity::update_many()
        .col_expr(
            guild::Column::Balance,
            Expr::col(guild::Column::Balance).add(amount),
        )
        .filter(guild::Column::AccountId.eq(posting.account_id));
    if amount < 0 {
        // rules::apply's floor: balance + amount + credit_limit - held ≥ 0.
        update = update.filter(
            Expr::col(guild::Column::Balance)
                .add(Expr::col(guild::Column::CreditLimit))
                .sub(Expr::col(guild::Column::Held))
                .add(amount)
                .gte(0),
        );
    }
    // One round trip: the Guild as the update left it.
    let Some(after) = update.exec_with_returning(db).await?.into_iter().next() else {
        let Some(guild) = guild::Entity::find_by_id(posting.account_id)
            .one(db)
            .await?
        else {
            return Err(LedgerError::NoGuild);
        };
        let state = state_of(&guild);
        return Err(rules::apply(state, posting.kind, posting.amount)
            .err()
            .unwrap_or(RuleError::InsufficientGuild {
                available: state.available(),
            })
            .into());
    };
    record_entry(db, &posting, after.balance).await
}

/// Ends a call's hold in one update of its Guild: releases `release` of the held money and posts
/// `debit` (a `call_debit` of at most `release`, or zero for none) from the balance. Since the
/// charge comes out of money the call held, the floor holds by construction. False, changing
/// nothing, when the Guild holds less than `release`.
pub async fn release_and_debit(
    db: &impl ConnectionTrait,
    release: Money,
    debit: Posting<'_>,
) -> Result<bool, LedgerError> {
    let charge = debit.amount.0;
    if charge > 0 || -charge > release.0 {
        // A charge beyond what the call held would spend money nobody set aside.
        return Err(RuleError::InsufficientGuild { available: release }.into());
    }
    if charge < 0 {
        rules::check_entry(debit.kind, debit.amount)?;
    }
    let released = guild::Entity::update_many()
        .col_expr(
            guild::Column::Held,
            Expr::col(guild::Column::Held).sub(release.0),
        )
        .col_expr(
            guild::Column::Balance,
            Expr::col(guild::Column::Balance).add(charge),
        )
        .filter(guild::Column::AccountId.eq(debit.account_id))
        .filter(guild::Column::Held.gte(release.0))
        .exec_with_returning(db)
        .await?;
    let Some(after) = released.into_iter().next() else {
        return Ok(false);
    };
    if charge < 0 {
        record_entry(db, &debit, after.balance).await?;
    }
    Ok(true)
}

/// Writes the entry of a posting whose Guild update is done, with the balance it left.
async fn record_entry(
    db: &impl ConnectionTrait,
    posting: &Posting<'_>,
    balance_after: i64,
) -> Result<entry::Model, LedgerError> {
    let amount = posting.amount.0;
    entry::ActiveModel {
        account_id: Set(posting.account_id),
        kind: Set(posting.kind.code().to_string()),
        amount: Set(amount),
        balance_after: Set(balance_after),
        reference: Set(posting.reference.map(str::to_string)),
        note: Set(posting.note.to_string()),
        created_by: Set(posting.created_by),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|error| match posting.reference {
        Some(reference) if crate::db::is_unique_violation(&error) => {
            LedgerError::DuplicateReference(reference.to_string())
        }
        _ => LedgerError::Database(error),
    })
}

/// Posts one entry in a transaction of its own.
pub async fn post_alone(
    db: &DatabaseConnection,
    posting: Posting<'_>,
) -> Result<entry::Model, LedgerError> {
    let transaction = db.begin().await?;
    let entry = post(&transaction, posting).await?;
    transaction.commit().await?;
    Ok(entry)
}

/// An operator credit from the command line (`callcard credit`), by the account's e-mail.
pub async fn credit_by_email(
    db: &DatabaseConnection,
    email: &str,
    amount: Money,
    note: &str,
) -> Result<entry::Model, LedgerError> {
    let account = account_by_email(db, email).await?;
    let note = note.trim();
    let default_note = SystemNote::OperatorCredit.words(Lang::En);
    post_alone(
        db,
        Posting {
            account_id: account.id,
            kind: EntryKind::OperatorCredit,
            amount,
            reference: None,
            note: if note.is_empty() { &default_note } else { note },
            created_by: None,
        },
    )
    .await
}

/// Sets how far below zero an account may go (postpaid); 0 makes it prepaid again. Not a
/// movement of money, so no ledger entry; money already spent stays spent.
pub async fn set_credit_limit(
    db: &DatabaseConnection,
    account_id: i64,
    limit: Money,
) -> Result<(), LedgerError> {
    let changed = guild::Entity::update_many()
        .col_expr(guild::Column::CreditLimit, Expr::value(limit.0))
        .filter(guild::Column::AccountId.eq(account_id))
        .exec(db)
        .await?
        .rows_affected;
    if changed == 0 {
        return Err(LedgerError::NoGuild);
    }
    Ok(())
}

/// Sets (or, with `None`, lifts) the Guild's daily spend cap, with the zone whose midnight
/// starts its day, and counts the day so far: what calls charged since midnight plus what
/// running calls hold (all of it, even a call begun yesterday: a count too high only stops
/// calls early). The Guild's row is locked first, so no hold or settlement of its calls
/// lands between the count and the cap.
pub async fn set_daily_cap(
    db: &DatabaseConnection,
    account_id: i64,
    cap: Option<Money>,
    time_zone: &str,
    now: chrono::DateTime<Utc>,
) -> Result<super::daily_cap::Spending, LedgerError> {
    use sea_orm::{QuerySelect, TransactionTrait};
    let time_zone = time_zone.trim();
    super::daily_cap::check(cap.map(|cap| cap.0), time_zone)?;
    let day_start = super::daily_cap::day_start(now, super::daily_cap::zone(time_zone)?);
    let transaction = db.begin().await?;
    let locked = guild::Entity::update_many()
        .col_expr(guild::Column::DailyCap, Expr::value(cap.map(|cap| cap.0)))
        .col_expr(guild::Column::CapTimeZone, Expr::value(time_zone))
        .filter(guild::Column::AccountId.eq(account_id))
        .exec_with_returning(&transaction)
        .await?;
    let Some(guild_row) = locked.into_iter().next() else {
        return Err(LedgerError::NoGuild);
    };
    let charged: Option<i64> = entry::Entity::find()
        .select_only()
        // PostgreSQL sums BIGINT as NUMERIC.
        .column_as(Expr::cust("CAST(SUM(amount) AS BIGINT)"), "charged")
        .filter(entry::Column::AccountId.eq(account_id))
        .filter(entry::Column::Kind.eq(EntryKind::CallDebit.code()))
        .filter(entry::Column::CreatedAt.gte(day_start))
        .into_tuple()
        .one(&transaction)
        .await?
        .flatten();
    let spent = guild_row.held - charged.unwrap_or(0);
    let counted = guild::Entity::update_many()
        .col_expr(guild::Column::DaySpent, Expr::value(spent))
        .col_expr(guild::Column::DayStartedAt, Expr::value(day_start))
        .filter(guild::Column::AccountId.eq(account_id))
        .exec_with_returning(&transaction)
        .await?;
    let guild_row = counted.into_iter().next().ok_or(LedgerError::NoGuild)?;
    transaction.commit().await?;
    Ok(super::daily_cap::Spending::of(&guild_row, now)?)
}

pub async fn set_credit_limit_by_email(
    db: &DatabaseConnection,
    email: &str,
    limit: Money,
) -> Result<(), LedgerError> {
    let account = account_by_email(db, email).await?;
    set_credit_limit(db, account.id, limit).await
}

/// Every account with its Guild, for operators (`callcard accounts`, `GET /api/operator/accounts`).
pub async fn accounts_with_guilds(
    db: &DatabaseConnection,
) -> Result<Vec<(account::Model, GuildState)>, LedgerError> {
    let accounts = account::Entity::find()
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?;
    let guilds: std::collections::HashMap<i64, GuildState> = guild::Entity::find()
        .all(db)
        .await?
        .iter()
        .map(|guild| (guild.account_id, state_of(guild)))
        .collect();
    Ok(accounts
        .into_iter()
        .map(|account| {
            let guild = guilds.get(&account.id).copied().unwrap_or_default();
            (account, guild)
        })
        .collect())
}

async fn account_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> Result<account::Model, LedgerError> {
    account::Entity::find()
        .filter(account::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?
        .ok_or(LedgerError::NoGuild)
}

/// One page of a statement: entries newest first, and the `before` of the next (older) page.
pub struct StatementPage {
    pub guild: GuildState,
    pub spending: super::daily_cap::Spending,
    pub entries: Vec<entry::Model>,
    pub older: Option<i64>,
}

/// The Guild's numbers and `limit` entries older than the entry `before` (the latest without
/// it), newest first. Paged by entry id, so a page costs the same however deep it is and new
/// entries never shift the pages being read.
pub async fn statement(
    db: &DatabaseConnection,
    account_id: i64,
    before: Option<i64>,
    limit: u64,
) -> Result<StatementPage, LedgerError> {
    let guild = guild::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or(LedgerError::NoGuild)?;
    let mut query = entry::Entity::find().filter(entry::Column::AccountId.eq(account_id));
    if let Some(before) = before {
        query = query.filter(entry::Column::Id.lt(before));
    }
    // One more than the page, to know whether an older page exists.
    let mut entries = query
        .order_by_desc(entry::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let older = if entries.len() as u64 > limit {
        entries.truncate(limit as usize);
        entries.last().map(|entry| entry.id)
    } else {
        None
    };
    Ok(StatementPage {
        guild: state_of(&guild),
        spending: super::daily_cap::Spending::of(&guild, Utc::now())?,
        entries,
        older,
    })
}

/// The zone whose midnight starts the account's Guild day, which its pages show times in. A
/// stored name that cannot be read is an error, never UTC.
pub async fn time_zone(
    db: &DatabaseConnection,
    account_id: i64,
) -> Result<chrono_tz::Tz, LedgerError> {
    let guild = guild::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or(LedgerError::NoGuild)?;
    Ok(super::daily_cap::zone(&guild.cap_time_zone)?)
}

/// Every entry of the account with an id above `after`, oldest first, `limit` at a time: the
/// CSV export reads the whole ledger in such batches.
pub async fn entries_after(
    db: &DatabaseConnection,
    account_id: i64,
    after: i64,
    limit: u64,
) -> Result<Vec<entry::Model>, DbErr> {
    entry::Entity::find()
        .filter(entry::Column::AccountId.eq(account_id))
        .filter(entry::Column::Id.gt(after))
        .order_by_asc(entry::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// A Guild row's numbers, for the rules.
pub fn state_of(guild: &guild::Model) -> GuildState {
    GuildState {
        balance: Money(guild.balance),
        held: Money(guild.held),
        credit_limit: Money(guild.credit_limit),
    }
}
