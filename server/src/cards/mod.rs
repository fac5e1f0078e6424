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
pub mod media_store;
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
pub mod video;
mod video_check;
pub mod views;

mod api;
pub mod pages;
mod public;

use axum::Router;

use crate::startup::AppState;

pub use api::ApiDoc;

/// `form_body_limit`: the editor's save routes take a card with its images and video
/// (`Settings::form_body_limit`); every other route keeps the server's smaller default.
pub fn router(form_body_limit: usize) -> Router<AppState> {
    public::router()
        .merge(pages::router(form_body_limit))
        .merge(designer::router(form_body_limit))
        .merge(usage_routes::router())
        .merge(api::router())
        .merge(embed::routes::router())
}
