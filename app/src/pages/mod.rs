//! One component per page; the server picks which through [`crate::model::Page`].

pub mod auth;
pub mod call;
pub mod calls;
pub mod card;
pub mod dashboard;
pub mod editor;
pub mod embed;
pub mod home;
pub mod not_found;
pub mod numbers;
pub mod text_area;
pub mod usage;

use leptos::prelude::*;

use crate::i18n::{own_name, site_text};
use crate::model::Lang;

/// The language of the issuer's pages: a plain form, so it works without JavaScript. The server
/// keeps the choice in a cookie, and on the account of a signed-in issuer. Each language is
/// named in itself (`translate="no"`: those names are meant to stay as they are).
#[component]
pub fn LanguageSwitcher(ui: Lang) -> impl IntoView {
    view! {
        <form class="ui-languages" method="post" action="/language" aria-label=site_text(ui).language translate="no">
            {Lang::ALL.into_iter().map(|lang| view! {
                <button type="submit" name="lang" value=lang.code() lang=lang.code()
                    class="link-button" aria-current=(lang == ui).then_some("true")>
                    {own_name(lang)}
                </button>
            }).collect_view()}
        </form>
    }
}
