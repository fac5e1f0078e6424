//! Calls (BRIEF R7-R12). So far: understanding the numbers people type (R7a) and the rate table
//! (R11). Authorization, metering and call records build on them (docs/ROADMAP.md).

pub mod authorize;
pub mod number;
pub mod rate_store;
pub mod rates;
pub mod records;
pub mod reservation;

mod api;

pub use api::{ApiDoc, router};
