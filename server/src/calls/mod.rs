//! Calls (BRIEF R7-R12): the numbers people type (R7a), the rate table and routes (R10, R11),
//! the authorization and its reservation lifecycle (R8, R11), and the call records (R12).

pub mod admission;
pub mod authority;
pub mod authorize;
pub mod availability;
pub mod call_state;
pub mod callback;
pub mod callback_claims;
mod callback_page;
pub mod card_cache;
pub mod card_name_voice;
pub mod high_risk;
pub mod lines;
pub mod live;
pub mod metering;
pub mod number;
pub mod rate_store;
pub mod rates;
pub mod records;
pub mod refund;
pub mod reservation;
pub mod route;

mod api;
mod pages;

pub use api::ApiDoc;

pub fn router() -> axum::Router<crate::startup::AppState> {
    api::router()
        .merge(live::router())
        .merge(callback::router())
        .merge(callback_page::router())
        .merge(lines::router())
}
