//! Sign-up from the web, confirmed by e-mail (issue 8; the rules are in `confirmation.rs`).
//!
//! A sign-up answers the same whatever the address: a new address gets an unconfirmed account
//! and a link; an unconfirmed one gets the new password and a new link (so whoever signed up
//! someone else's address first holds nothing: the owner's own sign-up takes it over); a
//! confirmed one gets a notice and nothing changes. The link plus the password confirm the
//! address, post the grant once and sign in.

use app::i18n::SystemNote;
use app::model::Lang;
use std::time::Instant;

use app::model::AccountView;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, Set, TransactionTrait,
};

use super::confirmation::{self, LinkState};
use super::entity::{account, sign_up_mail};
use super::password;
use super::service::{self, AuthError, SignUp, token_hash, validate_sign_up};
use crate::ledger;
use crate::ledger::money::Money;
use crate::ledger::rules::EntryKind;
use crate::mail::Mail;
use crate::startup::AppState;
use app::model::Role;

/// What a sign-up is told, whether or not its address has an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUpReceived {
    pub email: String,
}

/// A sign-up from the web: counted against the client address's limit before any hashing
/// (each one costs a memory-hard hash), then recorded, and its mail sent on a task of its own.
pub async fn sign_up_from(
    state: &AppState,
    form: SignUp,
    client: &str,
) -> Result<SignUpReceived, AuthError> {
    let form = validate_sign_up(&form).map_err(AuthError::Invalid)?;
    state
        .signup_throttle
        .lock()
        .expect("sign-up throttle lock is never poisoned")
        .admit(client, Instant::now())
        .map_err(|wait| AuthError::SignUpThrottled {
            retry_after_secs: wait.as_secs().max(1),
        })?;
    // Hashed before the address is looked at, so a taken address takes as long as a free one.
    let password = form.password.clone();
    let hash = state.hashing.run(move || password::hash(&password)).await?;
    let public_url = &state.settings.public_url;
    // A second try only when another sign-up of the same address inserted it in between.
    let mut mail = None;
    for attempt in 0..2 {
        match record_sign_up(&state.db, &form, &hash, public_url, Utc::now()).await {
            Ok(due) => {
                mail = due;
                break;
            }
            Err(Recorded::Raced) if attempt == 0 => continue,
            Err(Recorded::Raced) => {
                return Err(AuthError::Inconsistent(
                    "the address was inserted and then not found".into(),
                ));
            }
            Err(Recorded::Failed(error)) => return Err(error),
        }
    }
    match mail {
        Some(mail) => state.mailer.send_later(mail),
        None => tracing::info!(
            to = %crate::mail::masked(&form.email),
            "sign-up mail not sent: the address had its share this hour"
        ),
    }
    Ok(SignUpReceived { email: form.email })
}

enum Recorded {
    /// The address was free when looked at and taken when inserted.
    Raced,
    Failed(AuthError),
}

impl From<DbErr> for Recorded {
    fn from(error: DbErr) -> Recorded {
        Recorded::Failed(error.into())
    }
}

impl From<ledger::service::LedgerError> for Recorded {
    fn from(error: ledger::service::LedgerError) -> Recorded {
        Recorded::Failed(error.into())
    }
}

/// Stores what the sign-up changes, in one transaction, and returns the mail it is due (none
/// once the address had its share of mails this window).
async fn record_sign_up(
    db: &DatabaseConnection,
    form: &SignUp,
    hash: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<Mail>, Recorded> {
    let transaction = db.begin().await?;
    let existing = account::Entity::find()
        .filter(account::Column::Email.eq(form.email.as_str()))
        .one(&transaction)
        .await?;
    // The mail speaks the language the account chose, else the one of this sign-up.
    let chosen = existing
        .as_ref()
        .map(crate::ui_language::stored)
        .transpose();
    let mail_lang = chosen
        .map_err(|error| Recorded::Failed(AuthError::Inconsistent(error.to_string())))?
        .flatten()
        .unwrap_or_else(crate::ui_language::current);
    let (account_id, confirmed) = match existing {
        None => {
            let inserted = account::ActiveModel {
                email: Set(form.email.clone()),
                password_hash: Set(hash.to_string()),
                display_name: Set(form.display_name.clone()),
                role: Set(Role::Issuer.code().to_string()),
                created_at: Set(now),
                email_confirmed_at: Set(None),
                // The language the issuer signed up in is their first choice for their pages.
                ui_lang: Set(Some(crate::ui_language::current().code().to_string())),
                ..Default::default()
            }
            .insert(&transaction)
            .await;
            let inserted = match inserted {
                Ok(inserted) => inserted,
                Err(error) if crate::db::is_unique_violation(&error) => {
                    return Err(Recorded::Raced);
                }
                Err(error) => return Err(error.into()),
            };
            // The Guild opens empty: the grant waits for the confirmation.
            ledger::service::open(&transaction, inserted.id, Money(0)).await?;
            (inserted.id, false)
        }
        Some(found) if found.email_confirmed_at.is_some() => (found.id, true),
        Some(found) => {
            let id = found.id;
            let mut unconfirmed: account::ActiveModel = found.into();
            unconfirmed.password_hash = Set(hash.to_string());
            unconfirmed.display_name = Set(form.display_name.clone());
            unconfirmed.update(&transaction).await?;
            (id, false)
        }
    };
    let sent = sign_up_mail::Entity::find()
        .filter(sign_up_mail::Column::AccountId.eq(account_id))
        .filter(sign_up_mail::Column::SentAt.gt(now - confirmation::MAIL_WINDOW))
        .count(&transaction)
        .await?;
    let mail = if !confirmation::may_send(sent) {
        None
    } else if confirmed {
        record_mail(
            &transaction,
            account_id,
            sign_up_mail::ALREADY_REGISTERED,
            None,
            now,
        )
        .await?;
        Some(confirmation::already_registered_mail(
            public_url,
            &form.email,
            mail_lang,
        ))
    } else {
        let token = service::new_token();
        record_mail(
            &transaction,
            account_id,
            sign_up_mail::CONFIRM,
            Some(&token),
            now,
        )
        .await?;
        Some(confirmation::confirmation_mail(
            public_url,
            &form.email,
            &form.display_name,
            &token,
            mail_lang,
        ))
    };
    transaction.commit().await?;
    Ok(mail)
}

async fn record_mail(
    transaction: &DatabaseTransaction,
    account_id: i64,
    kind: &str,
    token: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    sign_up_mail::ActiveModel {
        account_id: Set(account_id),
        kind: Set(kind.to_string()),
        token_hash: Set(token.map(token_hash)),
        sent_at: Set(now),
        expires_at: Set(token.map(|_| now + confirmation::LINK_LIFETIME)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(transaction)
    .await?;
    Ok(())
}

/// Confirms the address behind `token` with the account's password (so a link alone, in a
/// mailbox the account's maker does not own, opens nothing), posts the sign-up grant if this is
/// the account's first confirmation, and returns the account to sign in.
pub async fn confirm(
    state: &AppState,
    token: &str,
    password: &str,
    client: &str,
) -> Result<AccountView, AuthError> {
    if !confirmation::is_well_formed(token) {
        return Err(AuthError::LinkInvalid);
    }
    let link = sign_up_mail::Entity::find()
        .filter(sign_up_mail::Column::TokenHash.eq(token_hash(token)))
        .one(&state.db)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
    let expires_at = link.expires_at.ok_or_else(|| {
        AuthError::Inconsistent(format!("confirmation link {} has no expiry", link.id))
    })?;
    match confirmation::link_state(expires_at, link.used_at, Utc::now()) {
        LinkState::Usable => {}
        LinkState::Used => return Err(AuthError::LinkUsed),
        LinkState::Expired => return Err(AuthError::LinkInvalid),
    }
    let owner = account::Entity::find_by_id(link.account_id)
        .one(&state.db)
        .await?
        .ok_or(AuthError::LinkInvalid)?;
    let account = service::check_password(state, &owner.email, password, client).await?;
    let now = Utc::now();
    let transaction = state.db.begin().await?;
    // Claimed first: of two confirmations of one link, one wins and the other changes nothing.
    let claimed = sign_up_mail::Entity::update_many()
        .col_expr(sign_up_mail::Column::UsedAt, Expr::value(now))
        .filter(sign_up_mail::Column::Id.eq(link.id))
        .filter(sign_up_mail::Column::UsedAt.is_null())
        .filter(sign_up_mail::Column::ExpiresAt.gt(now))
        .exec(&transaction)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AuthError::LinkUsed);
    }
    let confirmed = account::Entity::update_many()
        .col_expr(account::Column::EmailConfirmedAt, Expr::value(now))
        .filter(account::Column::Id.eq(account.id))
        .filter(account::Column::EmailConfirmedAt.is_null())
        .exec(&transaction)
        .await?;
    let grant = state.settings.signup_grant;
    // Only the first confirmation of an account brings the grant; its reference makes a second
    // grant to one account a refusal of the database, whatever happens above.
    if confirmed.rows_affected == 1 && grant.0 > 0 {
        ledger::service::post(
            &transaction,
            ledger::service::Posting {
                account_id: account.id,
                kind: EntryKind::SignupGrant,
                amount: grant,
                reference: Some(&grant_reference(account.id)),
                note: &SystemNote::WelcomeGrant.words(Lang::En),
                created_by: None,
            },
        )
        .await?;
    }
    transaction.commit().await?;
    Ok(service::view(&account))
}

/// The grant's ledger reference: one per account.
fn grant_reference(account_id: i64) -> String {
    format!("account-{account_id}")
}

/// Deletes accounts whose address never answered and that got no link for
/// [`confirmation::UNCONFIRMED_KEPT`] (hourly, beside the session sweep). They hold nothing: no
/// log-in was ever possible, their Guild is empty.
pub async fn delete_unconfirmed_accounts(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    // Scoped here: its `max` would shadow `Ord::max` elsewhere in the module.
    use sea_orm::sea_query::ExprTrait;
    let cutoff = now - confirmation::UNCONFIRMED_KEPT;
    let recent_mail = Query::select()
        .expr(Expr::val(1))
        .from(sign_up_mail::Entity)
        .and_where(
            Expr::col((sign_up_mail::Entity, sign_up_mail::Column::AccountId))
                .equals((account::Entity, account::Column::Id)),
        )
        .and_where(Expr::col((sign_up_mail::Entity, sign_up_mail::Column::SentAt)).gte(cutoff))
        .to_owned();
    let deleted = account::Entity::delete_many()
        .filter(account::Column::EmailConfirmedAt.is_null())
        .filter(account::Column::CreatedAt.lt(cutoff))
        .filter(Expr::exists(recent_mail).not())
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
