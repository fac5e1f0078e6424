//! The HTML document around [`App`](crate::App), rendered on the server only.

use leptos::hydration::HydrationScripts;
use leptos::prelude::*;

use crate::App;
use crate::model::{Lang, Page};

/// Everything the `<head>` needs beyond the page itself.
#[derive(Clone, Debug)]
pub struct HeadInfo {
    /// The installation's public base URL, without a trailing slash.
    pub public_url: String,
    /// The bundle to load instead of the page's own: the server renders a page once per bundle
    /// to learn each loader script's hash for its Content-Security-Policy.
    pub bundle: Option<crate::model::Bundle>,
}

/// The Leptos options that make `HydrationScripts` load `bundle`.
fn bundle_options(mut options: LeptosOptions, bundle: crate::model::Bundle) -> LeptosOptions {
    options.output_name = bundle.output_name().into();
    options.site_pkg_dir = bundle.pkg_dir().into();
    options
}

/// The whole document for the [`Page`] in context.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let page = expect_context::<Page>();
    let head = expect_context::<HeadInfo>();
    let ui = expect_context::<crate::i18n::UiLang>().0;
    let meta = PageMeta::of(&page, &head.public_url, ui);
    // `property=` is not an attribute Leptos' view macro knows; these tags are never hydrated
    // (the shell is server-only), so writing them as escaped HTML is safe and simple.
    let open_graph = leptos::tachys::html::InertElement::new(meta.open_graph_tags());
    let options = bundle_options(options, head.bundle.unwrap_or_else(|| page.bundle()));
    // An embed tells the page around it how tall it is (public/embed-frame.js).
    let embedded = matches!(
        page,
        Page::Card { embedded: true, .. } | Page::Call { embedded: true, .. }
    );
    // oEmbed discovery (issue 12): a CMS given the card's address finds how to embed it.
    let oembed = match &page {
        Page::Card {
            card,
            embedded: false,
            ..
        } => Some(format!(
            "{}/oembed?format=json&url={}",
            head.public_url,
            crate::pages::card::percent_encode(&card.url)
        )),
        _ => None,
    };
    view! {
        <!DOCTYPE html>
        <html lang=meta.lang>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{meta.title.clone()}</title>
                <meta name="description" content=meta.description.clone()/>
                {meta.refresh_secs.map(|secs| view! { <meta http-equiv="refresh" content=secs.to_string()/> })}
                {open_graph}
                <meta name="twitter:card" content="summary"/>
                <meta name="theme-color" content="#1f3a5f"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href="/pkg/main.css"/>
                {oembed.map(|href| view! {
                    <link rel="alternate" type="application/json+oembed" href=href/>
                })}
                <HydrationScripts options islands=true/>
                {embedded.then(|| view! { <script src="/embed-frame.js" defer></script> })}
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

impl PageMeta {
    fn open_graph_tags(&self) -> String {
        let mut tags = vec![
            ("og:type", self.og_type.to_string()),
            ("og:title", self.title.clone()),
            ("og:description", self.description.clone()),
            ("og:site_name", "callcard".to_string()),
        ];
        tags.extend(self.url.clone().map(|url| ("og:url", url)));
        tags.extend(self.image.clone().map(|image| ("og:image", image)));
        let mut html: String = tags
            .into_iter()
            .map(|(property, content)| {
                format!(
                    r#"<meta property="{property}" content="{}">"#,
                    escape_attribute(&content)
                )
            })
            .collect();
        if let Some(url) = &self.url {
            html.push_str(&format!(
                r#"<link rel="canonical" href="{}">"#,
                escape_attribute(url)
            ));
        }
        html
    }
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Title, description and link-preview data (Open Graph) for a page (BRIEF R3).
struct PageMeta {
    lang: &'static str,
    title: String,
    description: String,
    og_type: &'static str,
    url: Option<String>,
    image: Option<String>,
    /// Reload after this many seconds: a page that follows something still running.
    refresh_secs: Option<u32>,
}

impl PageMeta {
    fn of(page: &Page, public_url: &str, ui: Lang) -> PageMeta {
        // The issuer's pages that speak `ui` (issue 11); the others are still English.
        let translated = |title: &str| PageMeta {
            lang: ui.code(),
            title: format!("{title} · callcard"),
            description: crate::i18n::site_text(ui).tagline.into(),
            og_type: "website",
            url: None,
            image: None,
            refresh_secs: None,
        };
        let auth = crate::i18n::auth_text(ui);
        let dashboard = crate::i18n::dashboard_text(ui);
        let plain = |title: &str| PageMeta {
            lang: Lang::En.code(),
            title: format!("{title} · callcard"),
            description: "Online business cards you can call for free.".into(),
            og_type: "website",
            url: None,
            image: None,
            refresh_secs: None,
        };
        match page {
            Page::Card { card, lang, .. } | Page::Call { card, lang, .. } => {
                let content = card.content(*lang);
                let org = [content.title.as_str(), content.company.as_str()]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                PageMeta {
                    lang: lang.code(),
                    title: content.name.clone(),
                    description: if org.is_empty() {
                        crate::i18n::text(*lang).call_for_free.to_string()
                    } else {
                        format!("{org} — {}", crate::i18n::text(*lang).call_for_free)
                    },
                    og_type: "profile",
                    url: Some(card.url.clone()),
                    image: card
                        .photo_url
                        .as_ref()
                        .or(card.logo_url.as_ref())
                        .map(|path| format!("{public_url}{path}")),
                    refresh_secs: None,
                }
            }
            Page::Home { .. } => translated(crate::i18n::site_text(ui).home_title),
            Page::SignUp { .. } => translated(auth.sign_up),
            Page::LogIn { .. } => translated(auth.log_in),
            Page::SignUpSent { .. } => translated(auth.check_email_title),
            Page::Confirm { .. } => translated(auth.confirm_title),
            Page::Dashboard { .. } => translated(dashboard.title),
            Page::Editor { .. } => translated(crate::i18n::editor_text(ui).page_title),
            Page::CallRecords { .. } => translated(crate::i18n::records_text(ui).title),
            Page::Statement { .. } => translated(dashboard.statement_title),
            Page::Numbers { .. } => translated(crate::i18n::phone_numbers_text(ui).title),
            // The card's name is the issuer's: the title stays in the page's language alone.
            Page::EmbedPanel { .. } => translated(dashboard.embed),
            Page::CardUsage { .. } => translated(dashboard.usage),
            Page::Verification { verification } => PageMeta {
                // Followed without script: the page reloads while the call runs.
                refresh_secs: verification.running.then_some(2),
                ..translated(&crate::i18n::phone_numbers_text(ui).verifying(&verification.number))
            },
            Page::CallbackStatus { status } => PageMeta {
                lang: status.lang.code(),
                title: format!(
                    "{} — {} · callcard",
                    crate::i18n::call_text(status.lang).call_me_back,
                    status.card_name
                ),
                // Followed without script: the page reloads while the call runs.
                refresh_secs: status
                    .latest
                    .as_ref()
                    .is_some_and(|latest| {
                        crate::pages::call::progress::Phase::of_latest(latest).is_active()
                    })
                    .then_some(2),
                ..plain("")
            },
            Page::NotFound => translated(crate::i18n::site_text(ui).not_found_title),
        }
    }
}
