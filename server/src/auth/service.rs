//! Sign-up, log-in and sessions: the rules, over the database, with no HTTP in sight.

use std::sync::Mutex;
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
use super::throttle::{LoginThrottle, Reservation};
use crate::heavy::{HeavyWork, HeavyWorkError};
use crate::ledger;
use crate::ledger::money::Money;
use crate::startup::AppState;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("some fields were refused")]
    Invalid(Vec<FieldError>),
    #[error("wrong e-mail or password")]
    WrongCredentials,
    /// The password was right, but the address has not answered its confirmation mail.
    #[error(
        "confirm your e-mail address first: open the link we sent you (sign up again for a new one)"
    )]
    Unconfirmed,
    #[error("this confirmation link is not valid or has expired; sign up again for a new one")]
    LinkInvalid,
    #[error("this address is already confirmed; log in")]
    LinkUsed,
    #[error("too many failed log-ins; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    #[error("too many sign-ups from this address; try again in {retry_after_secs} seconds")]
    SignUpThrottled { retry_after_secs: u64 },
    /// The password could not be hashed or checked now (the hashing pool is full).
    #[error(transparent)]
    Hashing(#[from] HeavyWorkError),
    #[error("no account has the e-mail {0}")]
    UnknownAccount(String),
    /// A stored row is not what the schema promises; nothing was changed.
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),
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
/// Refusals are worded in the language of the request's pages (`ui_language`).
pub fn validate_sign_up(form: &SignUp) -> Result<SignUp, Vec<FieldError>> {
    let text = app::i18n::auth_text(crate::ui_language::current());
    let mut errors = Vec::new();
    let email = form.email.trim().to_lowercase();
    if let Err(problem) = check_email(&email) {
        errors.push(FieldError::new("email", problem.message(text)));
    }
    let display_name = form.display_name.trim().to_string();
    if display_name.is_empty() {
        errors.push(FieldError::new("display_name", text.enter_name));
    } else if display_name.chars().count() > 100 {
        errors.push(FieldError::new("display_name", text.name_too_long));
    }
    let length = form.password.chars().count();
    if length < 10 {
        errors.push(FieldError::new("password", text.password_too_short));
    } else if length > 256 {
        errors.push(FieldError::new("password", text.password_too_long));
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

/// What is wrong with an e-mail address, worded by the page that shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailProblem {
    Missing,
    Malformed,
    /// No `name@domain.tld` shape: the message shows an example.
    NotAnAddress,
}

impl EmailProblem {
    pub fn message(self, text: &app::i18n::AuthText) -> &'static str {
        match self {
            EmailProblem::Missing => text.enter_email,
            EmailProblem::Malformed => text.invalid_email,
            EmailProblem::NotAnAddress => text.invalid_email_example,
        }
    }
}

/// A deliberately loose check (one `@`, something on both sides, a dot in the domain): the real
/// test of an address is mail reaching it.
pub fn check_email(email: &str) -> Result<(), EmailProblem> {
    if email.is_empty() {
        return Err(EmailProblem::Missing);
    }
    if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(EmailProblem::Malformed);
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
        _ => Err(EmailProblem::NotAnAddress),
    }
}

/// Creates an issuer account whose address needs no confirmation, with its Guild and the
/// sign-up grant, in one transaction: for the operator's seed and tools, never for the web
/// (`sign_up::sign_up_from` is). The password is hashed on `hashing`.
pub async fn create_confirmed_account(
    db: &DatabaseConnection,
    hashing: &HeavyWork,
    form: SignUp,
    grant: Money,
) -> Result<AccountView, AuthError> {
    let form = validate_sign_up(&form).map_err(AuthError::Invalid)?;
    let password = form.password;
    let hash = hashing.run(move || password::hash(&password)).await?;
    let now = Utc::now();
    let transaction = db.begin().await?;
    let inserted = account::ActiveModel {
        email: Set(form.email.clone()),
        password_hash: Set(hash),
        display_name: Set(form.display_name),
        role: Set(Role::Issuer.code().to_string()),
        created_at: Set(now),
        email_confirmed_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&transaction)
    .await
    .map_err(|error| {
        if crate::db::is_unique_violation(&error) {
            AuthError::Invalid(vec![FieldError::new(
                "email",
                app::i18n::auth_text(crate::ui_language::current()).email_taken,
            )])
        } else {
            AuthError::Database(error)
        }
    })?;
    ledger::service::open(&transaction, inserted.id, grant).await?;
    transaction.commit().await?;
    Ok(view(&inserted))
}

/// Logs in: the password checked (`check_password`), and the address confirmed.
pub async fn log_in(
    state: &AppState,
    email: &str,
    password: &str,
    client: &str,
) -> Result<AccountView, AuthError> {
    let account = check_password(state, email, password, client).await?;
    if account.email_confirmed_at.is_none() {
        return Err(AuthError::Unconfirmed);
    }
    Ok(view(&account))
}

/// Checks the password, throttled per account from this address, per account and per address
/// (`throttle.rs`). The attempt holds its place in the throttle while the hash is checked.
pub async fn check_password(
    state: &AppState,
    email: &str,
    password: &str,
    client: &str,
) -> Result<account::Model, AuthError> {
    let email = email.trim().to_lowercase();
    let attempt = Attempt::reserve(&state.throttle, &email, client)?;
    let found = match account::Entity::find()
        .filter(account::Column::Email.eq(email.as_str()))
        .one(&state.db)
        .await
    {
        Ok(found) => found,
        Err(error) => {
            attempt.released();
            return Err(error.into());
        }
    };
    let stored_hash = found.as_ref().map(|account| account.password_hash.clone());
    let password = password.to_string();
    let checked = state
        .hashing
        .run(move || {
            // An unknown e-mail is checked against a decoy, so it takes as long as a known one.
            match &stored_hash {
                Some(stored_hash) => password::verify(&password, stored_hash),
                None => password::verify(&password, password::decoy_hash()),
            }
        })
        .await;
    match (checked, found) {
        (Err(busy), _) => {
            attempt.released();
            Err(busy.into())
        }
        (Ok(true), Some(account)) => {
            attempt.succeeded();
            Ok(account)
        }
        (Ok(_), _) => {
            attempt.failed();
            Err(AuthError::WrongCredentials)
        }
    }
}

/// One log-in attempt's places in the throttle. Dropped unresolved (the client went away while
/// its password was being checked) it counts as a failure, so hanging up early buys no tries.
struct Attempt<'a> {
    throttle: &'a Mutex<LoginThrottle>,
    reservation: Option<Reservation>,
}

impl<'a> Attempt<'a> {
    fn reserve(
        throttle: &'a Mutex<LoginThrottle>,
        email: &str,
        client: &str,
    ) -> Result<Attempt<'a>, AuthError> {
        let reservation = lock(throttle)
            .reserve(email, client, Instant::now())
            .map_err(|wait| AuthError::Throttled {
                retry_after_secs: wait.as_secs().max(1),
            })?;
        Ok(Attempt {
            throttle,
            reservation: Some(reservation),
        })
    }

    fn succeeded(mut self) {
        if let Some(reservation) = self.reservation.take() {
            lock(self.throttle).succeeded(reservation);
        }
    }

    fn failed(mut self) {
        if let Some(reservation) = self.reservation.take() {
            lock(self.throttle).failed(reservation, Instant::now());
        }
    }

    fn released(mut self) {
        if let Some(reservation) = self.reservation.take() {
            lock(self.throttle).released(reservation);
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Some(reservation) = self.reservation.take() {
            lock(self.throttle).failed(reservation, Instant::now());
        }
    }
}

fn lock(throttle: &Mutex<LoginThrottle>) -> std::sync::MutexGuard<'_, LoginThrottle> {
    throttle.lock().expect("throttle lock is never poisoned")
}

/// Starts a session; returns the token for the cookie. Only its hash is stored.
pub async fn start_session(
    db: &DatabaseConnection,
    account_id: i64,
    days: u32,
) -> Result<String, DbErr> {
    let token = new_token();
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

/// A fresh session or link token: 32 random bytes, URL-safe base64 without padding (43
/// characters). Only [`token_hash`] of it is stored.
pub(crate) fn new_token() -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// The SHA-256 (hex) under which a session or link token is stored.
pub(crate) fn token_hash(token: &str) -> String {
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
