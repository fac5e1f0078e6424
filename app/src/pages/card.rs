//! The public card page `/c/{slug}` (BRIEF R3, R5, R6).
//!
//! Rendered complete on the server; the card is an island, so once hydrated its language icons
//! switch the text in place (and rewrite the address bar) instead of loading `?lang=xx`, which
//! they still are as links. The same card, compact, is the embed `/embed/{slug}` (issue 12,
//! BRIEF R6): its call button stays inside the iframe, its other links open a new tab.
//!
//! The page loads the card bundle (`Bundle::Card`), which holds this island only.

use leptos::prelude::*;

use crate::i18n;
use crate::model::{CardView, Lang};

#[component]
pub fn CardPage(card: CardView, lang: Lang, embedded: bool) -> impl IntoView {
    view! {
        <main class=if embedded { "card-page embedded" } else { "card-page" }>
            <Card card lang embedded/>
        </main>
    }
}

/// The card itself: everything in it follows the language chosen with the icons. An island in
/// the card bundle; in the app bundle a component nothing uses, so it weighs nothing.
#[cfg_attr(any(feature = "ssr", feature = "card-island"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "card-island")), component)]
fn Card(card: CardView, lang: Lang, embedded: bool) -> impl IntoView {
    let (lang, set_lang) = signal(lang);
    // Effects run only in the browser, once the island is live.
    Effect::new(|_| crate::mark_hydrated());
    view! { <CardArticle card lang set_lang embedded/> }
}

/// The card in the designer's preview (issue 11): the same article callers see, rendered by
/// the server as the issuer types, in the language being edited. Never hydrated: the preview
/// pane is `inert`, so nothing in it can be followed while designing.
#[component]
pub fn CardPreview(card: CardView, lang: Lang) -> impl IntoView {
    let (lang, set_lang) = signal(lang);
    view! { <CardArticle card lang set_lang embedded=false/> }
}

#[component]
fn CardArticle(
    card: CardView,
    lang: ReadSignal<Lang>,
    set_lang: WriteSignal<Lang>,
    embedded: bool,
) -> impl IntoView {
    let card = StoredValue::new(card);
    let content = move |pick: fn(&crate::model::CardContent) -> String| {
        move || card.with_value(|card| pick(card.content(lang.get())))
    };
    let text = move || i18n::text(lang.get());
    let slug = card.with_value(|card| card.slug.clone());
    let (theme_class, theme_style) = card.with_value(|card| {
        (
            match card.theme.font.class() {
                Some(font) => format!("card template-{} {font}", card.theme.template.code()),
                None => format!("card template-{}", card.theme.template.code()),
            },
            format!(
                "--card-primary:{};--card-accent:{};--card-on-primary:{};--card-on-accent:{}",
                card.theme.primary_color,
                card.theme.accent_color,
                crate::model::readable_text_on(&card.theme.primary_color),
                crate::model::readable_text_on(&card.theme.accent_color),
            ),
        )
    });
    let has = move |pick: fn(&crate::model::CardContent) -> &str| {
        move || card.with_value(|card| !pick(card.content(lang.get())).is_empty())
    };

    view! {
            <article class=theme_class style=theme_style lang=move || lang.get().code()>
                <LanguageSwitch languages=card.with_value(CardView::languages) lang set_lang/>
                <header class="card-header">
                    // Each image in a frame that shows the part its issuer chose (`ImageFrame`).
                    {card.with_value(|card| card.logo_url.clone().map(|src| (src, card.theme.logo_frame.style())))
                        .map(|(src, style)| view! {
                            <span class="card-logo">
                                <img src=src style=style alt=move || text().logo_alt height="48"/>
                            </span>
                        })}
                    {card.with_value(|card| card.photo_url.clone().map(|src| (src, card.theme.photo_frame.style())))
                        .map(|(src, style)| view! {
                            <span class="card-photo">
                                <img src=src style=style alt=move || text().photo_alt width="96" height="96"/>
                            </span>
                        })}
                    <h1 class="card-name">{content(|c| c.name.clone())}</h1>
                    <Show when=has(|c| &c.reading)>
                        <p class="card-reading">{content(|c| c.reading.clone())}</p>
                    </Show>
                    <Show when=has(|c| &c.title)>
                        <p class="card-title">{content(|c| c.title.clone())}</p>
                    </Show>
                    <Show when=move || has(|c| &c.company)() || has(|c| &c.department)()>
                        <p class="card-org">
                            <span class="card-company">{content(|c| c.company.clone())}</span>
                            " "
                            <span class="card-department">{content(|c| c.department.clone())}</span>
                        </p>
                    </Show>
                </header>
                {card.with_value(|card| card.video.clone()).map(|video| view! {
                    <video class="card-video" controls playsinline
                        preload=if video.poster_url.is_some() { "none" } else { "metadata" }
                        poster=video.poster_url.clone()
                        width=video.width.to_string() height=video.height.to_string()
                        aria-label=move || text().video>
                        <source src=video.url.clone() type=video.media_type.clone()/>
                    </video>
                })}
                <ContactList card lang embedded/>
                <Show when=has(|c| &c.address)>
                    <p class="card-address">
                        <span class="label">{move || text().address}</span>
                        <span>{content(|c| c.address.clone())}</span>
                    </p>
                </Show>
                <Show when=has(|c| &c.note)>
                    <p class="card-note">{content(|c| c.note.clone())}</p>
                </Show>
                <CardActions card slug lang embedded/>
            </article>
    }
}

/// The language icons (patent ¶48): plain `?lang=` links, switched in place once hydrated.
#[component]
fn LanguageSwitch(
    languages: Vec<Lang>,
    lang: ReadSignal<Lang>,
    set_lang: WriteSignal<Lang>,
) -> impl IntoView {
    if languages.len() < 2 {
        return None;
    }
    let links = languages
        .into_iter()
        .map(|option| {
            let href = format!("?lang={}", option.code());
            view! {
                <a
                    href=href
                    hreflang=option.code()
                    lang=option.code()
                    aria-current=move || (lang.get() == option).then_some("true")
                    on:click=move |event| {
                        event.prevent_default();
                        set_lang.set(option);
                        remember_language_in_address(option);
                    }
                >
                    {option.native_name()}
                </a>
            }
        })
        .collect_view();
    Some(view! {
        <nav class="lang-switch" aria-label="Languages">{links}</nav>
    })
}

/// Keeps the address bar in step with the shown language, so a shared or reloaded link shows
/// the same text, without adding a history entry per click.
fn remember_language_in_address(lang: Lang) {
    #[cfg(feature = "hydrate")]
    {
        let window = gloo::utils::window();
        let url = format!("?lang={}", lang.code());
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
}

#[component]
fn ContactList(
    card: StoredValue<CardView>,
    lang: ReadSignal<Lang>,
    embedded: bool,
) -> impl IntoView {
    // In an iframe a web link would load the site inside the card: it opens a tab instead.
    let target = embedded.then_some("_blank");
    let text = move || i18n::text(lang.get());
    let contacts = card.with_value(|card| card.contacts.clone());
    let phone = |label: fn(&'static i18n::CardText) -> &'static str,
                 class: &'static str,
                 number: String| {
        (!number.is_empty()).then(|| {
            let href = format!("tel:{}", dialable(&number));
            view! {
                <div class=class>
                    <dt>{move || label(text())}</dt>
                    <dd><a href=href>{number}</a></dd>
                </div>
            }
        })
    };
    let email = (!contacts.email.is_empty()).then(|| {
        let href = format!("mailto:{}", contacts.email);
        view! {
            <div class="contact-email">
                <dt>{move || text().email}</dt>
                <dd><a href=href>{contacts.email.clone()}</a></dd>
            </div>
        }
    });
    let homepage = (!contacts.homepage.is_empty()).then(|| {
        view! {
            <div class="contact-homepage">
                <dt>{move || text().homepage}</dt>
                <dd><a href=contacts.homepage.clone() rel="noopener" target=target>{display_url(&contacts.homepage)}</a></dd>
            </div>
        }
    });
    let links = card.with_value(|card| card.links.clone());
    let links = (!links.is_empty()).then(|| {
        view! {
            <div class="contact-links">
                <dt>{move || text().links}</dt>
                <dd>
                    <ul>
                        {links.into_iter().map(|link| view! {
                            <li><a href=link.url rel="noopener" target=target>{link.label}</a></li>
                        }).collect_view()}
                    </ul>
                </dd>
            </div>
        }
    });
    view! {
        <dl class="contacts">
            {phone(|t| t.office_phone, "contact-office", contacts.office_phone.clone())}
            {phone(|t| t.mobile, "contact-mobile", contacts.mobile.clone())}
            {phone(|t| t.fax, "contact-fax", contacts.fax.clone())}
            {email}
            {homepage}
            {links}
        </dl>
    }
}

#[component]
fn CardActions(
    card: StoredValue<CardView>,
    slug: String,
    lang: ReadSignal<Lang>,
    embedded: bool,
) -> impl IntoView {
    let text = move || i18n::text(lang.get());
    let scope = if embedded { "embed" } else { "c" };
    let call_href = move || format!("/{scope}/{slug}/call?lang={}", lang.get().code());
    let slug = card.with_value(|card| card.slug.clone());
    let share_href = card.with_value(|card| {
        let name = card.content(card.default_lang).name.clone();
        format!(
            "mailto:?subject={}&body={}",
            percent_encode(&name),
            percent_encode(&card.url)
        )
    });
    // The share button needs script: the stylesheet shows it once the page is hydrated; the
    // e-mail link is there for everyone. What it did is written into the status line below it
    // directly, not through signals: with signals (and `async`) the button cost the card bundle
    // 7.8 KB gzipped, this way 4.6 KB (BENCHMARKS.md).
    let (share_url, share_title) = card.with_value(|card| {
        (
            card.url.clone(),
            card.content(card.default_lang).name.clone(),
        )
    });
    view! {
        <div class="card-actions">
            <a class="button call-button" href=call_href>{move || text().call}</a>
            <a class="button" href=format!("/c/{slug}/vcard") download=format!("{slug}.vcf")>
                {move || text().save_contact}
            </a>
            <a class="button" href=share_href>{move || text().share_by_email}</a>
            <button type="button" class="button share-button"
                on:click=move |event| {
                    share_or_copy(&event, share_url.clone(), share_title.clone(), lang.get_untracked())
                }>
                {move || text().share}
            </button>
            <p class="share-status" role="status"></p>
        </div>
        // A QR code on the issuer's own site would only lead back to the same card; a card not
        // saved yet (the designer's preview) has no address to encode.
        {(!embedded && !slug.is_empty()).then(|| view! {
            <figure class="card-qr">
                <img src=format!("/c/{slug}/qr.svg") alt=move || text().qr_alt width="128" height="128"/>
                <figcaption>
                    <a href=format!("/c/{slug}/qr.png") download=format!("{slug}-qr.png")>{move || text().qr_code}" (PNG)"</a>
                </figcaption>
            </figure>
        })}
    }
}

/// The device's share sheet where the browser has one (phones), else the card's address copied
/// to the clipboard, else the address shown to copy by hand.
fn share_or_copy(event: &leptos::ev::MouseEvent, url: String, title: String, lang: Lang) {
    // Promise callbacks rather than `async`: the card bundle needs no future executor for this.
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::{JsCast, JsValue};
        // The status line beside this button (one per card).
        let status = event
            .current_target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|button| button.parent_element())
            .and_then(|actions| actions.query_selector(".share-status").ok().flatten());
        let say = move |words: &str| {
            if let Some(status) = &status {
                status.set_text_content(Some(words));
            }
        };
        let navigator = gloo::utils::window().navigator();
        let text = i18n::text(lang);
        if js_sys::Reflect::has(&navigator, &JsValue::from_str("share")).unwrap_or(false) {
            let data = web_sys::ShareData::new();
            data.set_title(&title);
            data.set_url(&url);
            // Closing the sheet rejects the promise: nothing to tell the reader.
            let ignore: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
            let _ = navigator.share_with_data(&data).catch(&ignore);
            ignore.forget();
            return;
        }
        let say_copied = say.clone();
        let copied: Closure<dyn FnMut(JsValue)> =
            Closure::new(move |_: JsValue| say_copied(text.link_copied));
        let shown = format!("{}{url}", text.copy_this_link);
        let refused: Closure<dyn FnMut(JsValue)> = Closure::new(move |_: JsValue| say(&shown));
        let _ = navigator
            .clipboard()
            .write_text(&url)
            .then2(&copied, &refused);
        // Each click leaves these two small callbacks behind: the promise calls one of them later.
        copied.forget();
        refused.forget();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, url, title, lang);
}

/// `02-3456-1234` → `02-3456-1234` (kept), `(02) 3456 1234` → `02-3456-1234`: what a `tel:` URI
/// may carry (RFC 3966 visual separators are `-`, `.`, `(`, `)`). An extension (`;235`) follows
/// a pause, `02-3456-1234,235`: the dialers of iOS and Android wait, then send its keys.
pub fn dialable(number: &str) -> String {
    let (written, extension) = number.split_once(';').unwrap_or((number, ""));
    let mut out = String::with_capacity(number.len());
    for ch in written.chars() {
        match ch {
            '0'..='9' | '+' | '*' | '#' | '-' => out.push(ch),
            ' ' | '.' | '(' | ')' if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            _ => {}
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    let keys: String = extension
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '*' | '#' | ','))
        .collect();
    if keys.chars().any(|c| c != ',') {
        out.push(',');
        out.push_str(keys.trim_matches(','));
    }
    out
}

/// `http://abcd.co.kr/` → `abcd.co.kr`: what a person reads on a card.
pub fn display_url(url: &str) -> String {
    let without_scheme = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    without_scheme.trim_end_matches('/').to_string()
}

/// Percent-encodes for a `mailto:` query (RFC 6068): everything but unreserved characters.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialable_keeps_digits_and_turns_spaces_into_dashes() {
        assert_eq!(dialable("02-3456-1234"), "02-3456-1234");
        assert_eq!(dialable("(02) 3456 1234"), "02-3456-1234");
        assert_eq!(dialable("+82 10 1234 5678"), "+82-10-1234-5678");
        assert_eq!(dialable("tel 010;x"), "010");
        assert_eq!(dialable("02-3456-1234;235"), "02-3456-1234,235");
        assert_eq!(dialable("02-3456-1234; 235,1"), "02-3456-1234,235,1");
    }

    #[test]
    fn display_url_drops_scheme_and_trailing_slash() {
        assert_eq!(display_url("http://abcd.co.kr/"), "abcd.co.kr");
        assert_eq!(display_url("https://a.example/p"), "a.example/p");
    }

    #[test]
    fn percent_encode_escapes_non_ascii_and_reserved() {
        assert_eq!(percent_encode("a b&c"), "a%20b%26c");
        assert_eq!(percent_encode("홍"), "%ED%99%8D");
    }
}
