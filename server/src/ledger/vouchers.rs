//! Voucher codes (BRIEF R17): an operator issues codes worth an amount; an issuer redeems one
//! once, which posts a `voucher` entry whose reference is the code. An operator lists them and
//! revokes an unredeemed one (it expires at once).

use app::i18n::SystemNote;
use app::model::Lang;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, TransactionTrait,
};

use super::entity::{entry, voucher};
use super::money::Money;
use super::rules::{self, EntryKind};
use super::service::{self, LedgerError, Posting};

/// Codes are read aloud and typed from paper: no 0/O, 1/I/L.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH: usize = 16;
pub const MAX_BATCH: u32 = 1000;

#[derive(Debug, thiserror::Error)]
pub enum VoucherError {
    #[error("no voucher has this code")]
    Unknown,
    #[error("this voucher was already redeemed")]
    AlreadyRedeemed,
    #[error("this voucher expired")]
    Expired,
    #[error("create between 1 and {MAX_BATCH} vouchers at a time")]
    BadCount,
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<DbErr> for VoucherError {
    fn from(error: DbErr) -> Self {
        VoucherError::Ledger(LedgerError::Database(error))
    }
}

/// `abcd-efgh-…` as typed → `ABCDEFGH…` as stored.
pub fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `ABCDEFGHJKMNPQRS` → `ABCD-EFGH-JKMN-PQRS`, as printed for people.
pub fn display(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

fn random_code() -> String {
    (0..CODE_LENGTH)
        .map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Issues `count` vouchers worth `amount` each; returns their codes as printed.
pub async fn create(
    db: &DatabaseConnection,
    amount: Money,
    count: u32,
    valid_days: Option<u32>,
    operator: Option<i64>,
) -> Result<Vec<String>, VoucherError> {
    if count == 0 || count > MAX_BATCH {
        return Err(VoucherError::BadCount);
    }
    rules::check_entry(EntryKind::VoucherRedemption, amount).map_err(LedgerError::from)?;
    let now = Utc::now();
    let expires_at = valid_days.map(|days| now + Duration::days(days.into()));
    let transaction = db.begin().await?;
    let mut codes = Vec::with_capacity(count as usize);
    for _ in 0..count {
        // 31^16 ≈ 7·10^23 codes: a collision is not a case worth a retry loop; the primary key
        // would refuse it and the batch would be rolled back whole.
        let code = random_code();
        voucher::ActiveModel {
            code: Set(code.clone()),
            amount: Set(amount.0),
            created_by: Set(operator),
            created_at: Set(now),
            expires_at: Set(expires_at),
            redeemed_by: Set(None),
            redeemed_at: Set(None),
        }
        .insert(&transaction)
        .await?;
        codes.push(display(&code));
    }
    transaction.commit().await?;
    Ok(codes)
}

/// Redeems a code for `account_id`: marks it used and credits the Guild, in one transaction.
pub async fn redeem(
    db: &DatabaseConnection,
    account_id: i64,
    code: &str,
    now: DateTime<Utc>,
) -> Result<entry::Model, VoucherError> {
    let code = normalize(code);
    let transaction = db.begin().await?;
    // Claiming the code is the conditional update: two issuers racing for one code, one wins.
    let claimed = voucher::Entity::update_many()
        .col_expr(voucher::Column::RedeemedBy, Expr::value(account_id))
        .col_expr(voucher::Column::RedeemedAt, Expr::value(now))
        .filter(voucher::Column::Code.eq(code.as_str()))
        .filter(voucher::Column::RedeemedBy.is_null())
        .filter(
            voucher::Column::ExpiresAt
                .is_null()
                .or(voucher::Column::ExpiresAt.gt(now)),
        )
        .exec(&transaction)
        .await?
        .rows_affected;
    let found = voucher::Entity::find_by_id(code.as_str())
        .one(&transaction)
        .await?;
    let voucher = match (claimed, found) {
        (_, None) => return Err(VoucherError::Unknown),
        (0, Some(voucher)) if voucher.redeemed_by.is_some() => {
            return Err(VoucherError::AlreadyRedeemed);
        }
        (0, Some(_)) => return Err(VoucherError::Expired),
        (_, Some(voucher)) => voucher,
    };
    let entry = service::post(
        &transaction,
        Posting {
            account_id,
            kind: EntryKind::VoucherRedemption,
            amount: Money(voucher.amount),
            reference: Some(&code),
            note: &SystemNote::Voucher {
                code: &display(&code),
            }
            .words(Lang::En),
            created_by: None,
        },
    )
    .await?;
    transaction.commit().await?;
    Ok(entry)
}

/// Every voucher, newest first: for operators to see what is out, used and expired.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<voucher::Model>, DbErr> {
    voucher::Entity::find()
        .order_by_desc(voucher::Column::CreatedAt)
        .order_by_asc(voucher::Column::Code)
        .all(db)
        .await
}

/// Revokes an unredeemed code by making it expire `now`. A code redeemed in the same instant
/// stays redeemed: both are conditional updates on the same row, and one of them wins.
pub async fn revoke(
    db: &DatabaseConnection,
    code: &str,
    now: DateTime<Utc>,
) -> Result<voucher::Model, VoucherError> {
    let code = normalize(code);
    let revoked = voucher::Entity::update_many()
        .col_expr(voucher::Column::ExpiresAt, Expr::value(now))
        .filter(voucher::Column::Code.eq(code.as_str()))
        .filter(voucher::Column::RedeemedBy.is_null())
        .filter(
            voucher::Column::ExpiresAt
                .is_null()
                .or(voucher::Column::ExpiresAt.gt(now)),
        )
        .exec(db)
        .await?
        .rows_affected;
    match voucher::Entity::find_by_id(code.as_str()).one(db).await? {
        None => Err(VoucherError::Unknown),
        Some(voucher) if revoked > 0 => Ok(voucher),
        Some(voucher) if voucher.redeemed_by.is_some() => Err(VoucherError::AlreadyRedeemed),
        Some(_) => Err(VoucherError::Expired),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_normalise_and_display_in_groups() {
        let code = random_code();
        assert_eq!(code.len(), CODE_LENGTH);
        let printed = display(&code);
        assert_eq!(printed.len(), CODE_LENGTH + 3);
        assert_eq!(normalize(&printed.to_lowercase()), code);
        assert_eq!(normalize(" abcd efgh-jkmn "), "ABCDEFGHJKMN");
    }
}
