//! Calls (BRIEF R7-R12). So far: understanding the numbers people type (R7a). Authorization,
//! rating and call records build on it (docs/ROADMAP.md).

pub mod number;

mod api;

pub use api::{ApiDoc, router};
