//! One component per page; the server picks which through [`crate::model::Page`].

pub mod auth;
pub mod call;
pub mod calls;
pub mod card;
pub mod dashboard;
pub mod editor;
pub mod home;
pub mod not_found;
pub mod numbers;
