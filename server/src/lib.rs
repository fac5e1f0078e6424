//! The callcard server: axum routes by feature (`auth`, `cards`, `ledger`, `calls`, `verification`), server-side rendering of the
//! `app` pages, the database through sea-orm, and the JSON API with its OpenAPI document.
#![forbid(unsafe_code)]

pub mod auth;
pub mod calls;
pub mod cards;
pub mod check;
pub mod client_address;
pub mod config;
pub mod csv;
pub mod db;
pub mod error;
pub mod heavy;
pub mod ledger;
pub mod logs;
pub mod mail;
pub mod openapi;
pub mod refused_body;
pub mod render;
pub mod security;
pub mod security_headers;
pub mod seed;
pub mod sliding_window;
pub mod startup;
pub mod ui_language;
pub mod verification;
