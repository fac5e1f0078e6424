//! The Guild (BRIEF R13, R17, the sign-up grant of R1): each account's prepaid call money.
//!
//! Model: every change is an immutable ledger entry, posted in the same transaction as the
//! change to the account's running balance, so balance = sum of entries always (a test checks
//! it on both databases). `rules` says what an entry may do; `service` does it atomically.
//! Reservations, rating and metering of calls build on this (docs/ROADMAP.md).

pub mod daily_cap;
pub mod entity;
pub mod money;
pub mod rules;
pub mod service;
pub mod vouchers;
pub mod webhook;

mod api;
mod pages;

pub use api::{ApiDoc, TimesIn, entry_view, guild_view, ledger_error as api_error, voucher_error};
pub use pages::{GuildNotice, cap_notice, voucher_notice};

pub fn router() -> axum::Router<crate::startup::AppState> {
    api::router().merge(pages::router())
}

use app::model::{GuildView, LedgerEntryView};

use money::{Currency, Money};
use rules::GuildState;

/// The issuer's view of a Guild statement: `entries` newest first, `older` the page after,
/// their times written in `zone` (UTC for the API and exports; the Guild's zone for the pages,
/// which show them as wall-clock times).
pub fn view(
    currency: &Currency,
    state: GuildState,
    entries: &[entity::entry::Model],
    older: Option<i64>,
    zone: chrono_tz::Tz,
) -> GuildView {
    GuildView {
        older,
        currency: currency.code().to_string(),
        balance: state.balance.0,
        held: state.held.0,
        credit_limit: state.credit_limit.0,
        available: state.available().0,
        available_display: currency.format(state.available()),
        spending: None,
        entries: entries
            .iter()
            .map(|entry| LedgerEntryView {
                id: entry.id,
                kind: entry.kind.clone(),
                amount: entry.amount,
                amount_display: currency.format(Money(entry.amount)),
                balance_after: entry.balance_after,
                note: entry.note.clone(),
                created_at: entry
                    .created_at
                    .with_timezone(&zone)
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            })
            .collect(),
    }
}
