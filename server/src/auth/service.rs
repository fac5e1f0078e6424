//! Sign-up, log-in and sessions: the rules, over the database, with no HTTP in sight.

use std::time::Instant;

use app::model::{AccountView, FieldError, Role};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use sha2::{Digest, Sha256};

use super::entity::{account, session};
use super::password;
use crate::ledger;
use crate::ledger::money::Money;
use crate::startup::AppState;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("some fields were refused")]
    Invalid(Vec<FieldError>),
    #[error("an account with this e-mail already exists")]
    EmailTaken,
    #[error("wrong e-mail or password")]
    WrongCredentials,
    #[error("too many failed log-ins; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    #[error("no account has the e-mail {0}")]
    UnknownAccount(String),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Ledger(#[from] crate::ledger::service::LedgerError),
}

pub struct SignUp {
    pub email: String,
    pub display_name: String,
    pub password: String,
}

/// Checks a sign-up form; e-mails are trimmed and lower-cased so one address is one account.
pub fn validate_sign_up(form: &SignUp) -> Result<SignUp, Vec<FieldError>> {
    let mut errors = Vec::new();
    let email = form.email.trim().to_lowercase();
    if let Err(message) = check_email(&email) {
        errors.push(FieldError::new("email", message));
    }
    let display_name = form.display_name.trim().to_string();
    if display_name.is_empty() {
        errors.push(FieldError::new("display_name", "Enter your name."));
    } else if display_name.chars().count() > 100 {
        errors.push(FieldError::new(
            "display_name",
            "Use at most 100 characters.",
        ));
    }
    let length = form.password.chars().count();
    if length < 10 {
        errors.push(FieldError::new("password", "Use at least 10 characters."));
    } else if length > 256 {
        errors.push(FieldError::new("password", "Use at most 256 characters."));
    }
    if errors.is_empty() {
        Ok(SignUp {
            email,
            display_name,
            password: form.password.clone(),
        })
    } else {
        Err(errors)
    }
}

/// A deliberately loose check (one `@`, something on both sides, a dot in the domain): the real
/// test of an address is mail reaching it.
pub fn check_email(email: &str) -> Result<(), &'static str> {
    if email.is_empty() {
        return Err("Enter your e-mail address.");
    }
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("This is not a valid e-mail address.");
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.') =>
        {
            Ok(())
        }
        _ => Err("This is not a valid e-mail address, e.g. name@example.com."),
    }
}

/// Creates an issuer account and its Guild with the sign-up grant, in one transaction.
pub async fn sign_up(
    db: &DatabaseConnection,
    form: SignUp,
    grant: Money,
) -> Result<AccountView, AuthError> {
    let form = validate_sign_up(&form).map_err(AuthError::Invalid)?;
    let password = form.password;
    let hash = tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .expect("password hashing does not panic");
    let transaction = db.begin().await?;
    let inserted = account::ActiveModel {
        email: Set(form.email),
        password_hash: Set(hash),
        display_name: Set(form.display_name),
        role: Set(Role::Issuer.code().to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&transaction)
    .await
    .map_err(|error| {
        if crate::db::is_unique_violation(&error) {
            AuthError::EmailTaken
        } else {
            AuthError::Database(error)
        }
    })?;
    ledger::service::open(&transaction, inserted.id, grant).await?;
    transaction.commit().await?;
    Ok(view(&inserted))
}

/// Checks the password, throttling per e-mail and per client address.
pub async fn log_in(
    state: &AppState,
    email: &str,
    password: &str,
    client: &str,
) -> Result<AccountView, AuthError> {
    let email = email.trim().to_lowercase();
    let keys = [format!("email:{email}"), format!("client:{client}")];
    {
        let mut throttle = state
            .throttle
            .lock()
            .expect("throttle lock is never poisoned");
        let now = Instant::now();
        for key in &keys {
            if let Err(wait) = throttle.check(key, now) {
                return Err(AuthError::Throttled {
                    retry_after_secs: wait.as_secs().max(1),
                });
            }
        }
    }
    let found = account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await?;
    let stored_hash = found
        .as_ref()
        .map(|account| account.password_hash.clone())
        .unwrap_or_else(|| password::decoy_hash().to_string());
    let password = password.to_string();
    let matches = tokio::task::spawn_blocking(move || password::verify(&password, &stored_hash))
        .await
        .expect("password verification does not panic");
    let mut throttle = state
        .throttle
        .lock()
        .expect("throttle lock is never poisoned");
    match found {
        Some(account) if matches => {
            throttle.record_success(&keys[0]);
            Ok(view(&account))
        }
        _ => {
            for key in &keys {
                throttle.record_failure(key, Instant::now());
            }
            Err(AuthError::WrongCredentials)
        }
    }
}

/// Starts a session; returns the token for the cookie. Only its hash is stored.
pub async fn start_session(
    db: &DatabaseConnection,
    account_id: i64,
    days: u32,
) -> Result<String, DbErr> {
    use base64::Engine;
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(token_hash(&token)),
        account_id: Set(account_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(days.into())),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The account behind a session token, if the session exists and has not expired.
pub async fn session_account(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<AccountView>, DbErr> {
    let Some(session) = session::Entity::find_by_id(token_hash(token))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if session.expires_at <= Utc::now() {
        session::Entity::delete_by_id(session.token_hash)
            .exec(db)
            .await?;
        return Ok(None);
    }
    Ok(account::Entity::find_by_id(session.account_id)
        .one(db)
        .await?
        .as_ref()
        .map(view))
}

/// Deletes sessions past their expiry (run periodically by the server; lookups already refuse them).
pub async fn delete_expired_sessions(
    db: &DatabaseConnection,
    now: chrono::DateTime<Utc>,
) -> Result<u64, DbErr> {
    let deleted = session::Entity::delete_many()
        .filter(session::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

pub async fn end_session(db: &DatabaseConnection, token: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(token_hash(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives an existing account the operator role (`callcard make-operator`).
pub async fn make_operator(db: &DatabaseConnection, email: &str) -> Result<AccountView, AuthError> {
    let email = email.trim().to_lowercase();
    let found = account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or(AuthError::UnknownAccount(email))?;
    let mut active: account::ActiveModel = found.into();
    active.role = Set(Role::Operator.code().to_string());
    Ok(view(&active.update(db).await?))
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

pub fn view(account: &account::Model) -> AccountView {
    AccountView {
        id: account.id,
        email: account.email.clone(),
        display_name: account.display_name.clone(),
        role: if account.role == Role::Operator.code() {
            Role::Operator
        } else {
            Role::Issuer
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(email: &str, name: &str, password: &str) -> SignUp {
        SignUp {
            email: email.into(),
            display_name: name.into(),
            password: password.into(),
        }
    }

    #[test]
    fn sign_up_normalises_email_and_name() {
        let valid = validate_sign_up(&form("  Ada@Example.COM ", " Ada ", "0123456789")).unwrap();
        assert_eq!(valid.email, "ada@example.com");
        assert_eq!(valid.display_name, "Ada");
    }

    #[test]
    fn sign_up_reports_every_bad_field_at_once() {
        let errors = validate_sign_up(&form("nope", "", "short"))
            .err()
            .expect("refused");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "display_name", "password"]);
    }

    #[test]
    fn email_check_accepts_ordinary_and_refuses_malformed_addresses() {
        assert!(check_email("kildong@abcd.co.kr").is_ok());
        for bad in ["", "a@b", "@b.c", "a@.b", "a b@c.d", "a@b@c.d", "a@b."] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
