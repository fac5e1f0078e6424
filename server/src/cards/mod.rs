//! Cards (BRIEF R2-R6): an issuer's online business cards, their public page, vCard and QR code.
//!
//! `validate`, `form`, `preview`, `negotiate`, `vcard`, `qr` and `media` are pure rules; `service`
//! applies them to the database; `public`, `pages`, `designer` and `api` are the HTTP faces; `embed` puts a card on
//! its issuer's own website (issue 12).

pub mod call_settings;
pub mod changes;
mod designer;
mod editor_form;
pub mod embed;
pub mod entity;
pub mod form;
pub mod media;
pub mod negotiate;
pub mod notice;
pub mod page_cache;
pub mod preview;
pub mod qr;
pub mod service;
pub mod usage;
pub mod usage_routes;
pub mod validate;
pub mod vcard;
pub mod views;

mod api;
pub mod pages;
mod public;

use axum::Router;

use crate::startup::AppState;

pub use api::ApiDoc;

pub fn router() -> Router<AppState> {
    public::router()
        .merge(pages::router())
        .merge(designer::router())
        .merge(usage_routes::router())
        .merge(api::router())
        .merge(embed::routes::router())
}
