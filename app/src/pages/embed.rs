//! The dashboard's Embed panel `/dashboard/cards/{slug}/embed` (issue 12, BRIEF R6): the
//! snippets that put a card on the issuer's own website, the sites allowed to show it, and a
//! live preview. Plain server-rendered forms; the snippets are read-only text to copy.
//!
//! The snippet builders are shared with the server's oEmbed answer, so what the panel offers
//! and what a CMS receives are the same markup.

use leptos::prelude::*;

use super::text_area::{SnippetArea, textarea_html};
use crate::i18n::embed_text;
use crate::model::{EmbedPanelView, Lang};

/// The default size of an embedded card, in CSS pixels; the script snippet then follows the
/// card's own height.
pub const FRAME_WIDTH: u32 = 380;
pub const FRAME_HEIGHT: u32 = 520;

/// The one-line snippet: `embed.js` puts the card's frame in its place and keeps its height.
pub fn script_snippet(public_url: &str, slug: &str) -> String {
    format!(r#"<script src="{public_url}/embed.js" data-card="{slug}" async></script>"#)
}

/// A plain frame, for pages that take no script (and oEmbed's `html`). `allow="microphone"` lets
/// the caller talk from the browser; the callback works without it.
pub fn frame_snippet(public_url: &str, slug: &str, title: &str, width: u32, height: u32) -> String {
    format!(
        r#"<iframe src="{public_url}/embed/{slug}" title="{}" width="{width}" height="{height}" style="border:0;max-width:100%" allow="microphone" loading="lazy"></iframe>"#,
        escape_attribute(title)
    )
}

/// `template` with `{name}` as the card's name, which is the issuer's and not translated.
pub(crate) fn name_in(template: &'static str, name: &str) -> impl IntoView + use<> {
    split_at(
        template,
        "{name}",
        view! { <span translate="no">{name.to_string()}</span> },
    )
}

/// `template` with `placeholder` replaced by `inner`.
pub(crate) fn split_at<V: IntoView>(
    template: &'static str,
    placeholder: &str,
    inner: V,
) -> impl IntoView + use<V> {
    let (before, after) = template.split_once(placeholder).unwrap_or((template, ""));
    view! { {before}{inner}{after} }
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[component]
pub fn EmbedPanelPage(ui: Lang, panel: EmbedPanelView) -> impl IntoView {
    let text = embed_text(ui);
    let EmbedPanelView {
        slug,
        name,
        published,
        public_url,
        origins,
        errors,
        saved,
    } = panel;
    let script = script_snippet(&public_url, &slug);
    let frame = frame_snippet(&public_url, &slug, &name, FRAME_WIDTH, FRAME_HEIGHT);
    let card_url = format!("{public_url}/c/{slug}");
    let errors = (!errors.is_empty()).then(|| {
        view! {
            <ul class="error" role="alert">
                {errors.into_iter().map(|error| view! { <li>{error}</li> }).collect_view()}
            </ul>
        }
    });
    view! {
        <main class="embed-panel">
            <header class="dashboard-header">
                <h1>{name_in(text.title, &name)}</h1>
                <p><a href="/dashboard">{text.back}</a></p>
            </header>
            {(!published).then(|| view! { <p class="notice">{text.unpublished}</p> })}
            <section aria-labelledby="embed-sites">
                <h2 id="embed-sites">{text.sites_heading}</h2>
                <p>{text.sites_help}</p>
                {errors}
                {saved.then(|| view! { <p class="notice" role="status">{text.saved}</p> })}
                <form method="post" action=format!("/dashboard/cards/{slug}/embed") class="stacked" novalidate>
                    // Escaped by hand: tachys writes a textarea's text raw (see text_area.rs).
                    <textarea id="embed-origins" name="origins" rows="4" spellcheck="false"
                        autocapitalize="off" aria-labelledby="embed-sites" translate="no">{textarea_html(&origins)}</textarea>
                    <button type="submit" class="button">{text.save}</button>
                </form>
            </section>
            <section aria-labelledby="embed-snippets">
                <h2 id="embed-snippets">{text.snippets_heading}</h2>
                <label for="embed-script">{text.script_label}</label>
                <SnippetArea id="embed-script" rows=2 text=script/>
                <label for="embed-frame">{text.frame_label}</label>
                <SnippetArea id="embed-frame" rows=4 text=frame/>
                <p class="hint">{split_at(text.frame_microphone, "{allow}", view! { <code translate="no">"allow=\"microphone\""</code> })}</p>
                <label for="embed-url">{text.oembed_label}</label>
                <input id="embed-url" class="snippet" readonly value=card_url translate="no"/>
            </section>
            <section aria-labelledby="embed-preview">
                <h2 id="embed-preview">{text.preview_heading}</h2>
                <iframe class="embed-preview" src=format!("/embed/{slug}") title=name.clone() translate="no"
                    width=FRAME_WIDTH.to_string() height=FRAME_HEIGHT.to_string() allow="microphone"></iframe>
            </section>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_snippet_escapes_the_card_name() {
        let frame = frame_snippet("https://cc.example", "hong", r#"A "B" <C> & D"#, 380, 520);
        assert!(
            frame.contains(r#"title="A &quot;B&quot; &lt;C&gt; &amp; D""#),
            "{frame}"
        );
        assert!(frame.contains(r#"src="https://cc.example/embed/hong""#));
        assert!(frame.contains(r#"allow="microphone""#));
    }

    #[test]
    fn the_script_snippet_is_one_line_naming_the_card() {
        let script = script_snippet("https://cc.example", "hong");
        assert!(!script.contains('\n'));
        assert_eq!(
            script,
            r#"<script src="https://cc.example/embed.js" data-card="hong" async></script>"#
        );
    }
}
