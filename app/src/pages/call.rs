//! The call window `/c/{slug}/call` (BRIEF R7b, R8-R11): a caller talks to the card's issuer
//! from the browser, by the signalling contract of docs/CALLING.md.
//!
//! The page is server-rendered and works without JavaScript: it then says that browser calling
//! needs it and lists the card's numbers as `tel:` links (they stay as the fallback). The
//! [`CallWindow`] island replaces that notice with the call button once hydrated. Its parts:
//! [`progress`] (what the window shows, from the server's events: plain, tested logic),
//! [`webrtc`] (microphone and peer connection), [`signalling`] (HTTP and the event stream) and
//! [`controller`] (what the buttons do, tying them together). Beside it, where the installation
//! has a phone line, [`callback`]'s "Call me back" form, which needs neither JavaScript nor a
//! microphone.

pub mod callback;
pub mod controller;
pub mod progress;
pub mod signalling;
pub mod webrtc;

use leptos::html;
use leptos::prelude::*;

use crate::i18n::{self, CallText};
use crate::model::calling::{CallbackForm, IceServer};
use crate::model::{CardView, Lang};
use callback::CallbackWindow;
use controller::CallController;
use progress::{Phase, clock, status_line};

/// The call window. `callback` is the "Call me back" form as the server renders it, `None`
/// where callbacks are off (no phone line). `embedded`: inside an embed's iframe, where "back"
/// is the embed.
#[component]
pub fn CallPage(
    card: CardView,
    lang: Lang,
    callback: Option<CallbackForm>,
    embedded: bool,
) -> impl IntoView {
    let text = i18n::call_text(lang);
    let name = card.content(lang).name.clone();
    let numbers: Vec<String> = [&card.contacts.office_phone, &card.contacts.mobile]
        .into_iter()
        .filter(|number| !number.is_empty())
        .cloned()
        .collect();
    let by_phone = (!numbers.is_empty()).then(|| {
        let numbers = numbers
            .into_iter()
            .map(|number| {
                let href = format!("tel:{}", super::card::dialable(&number));
                view! { <li><a href=href>{number}</a></li> }
            })
            .collect_view();
        view! {
            <p class="call-by-phone">{text.by_phone}</p>
            <ul class="call-numbers">{numbers}</ul>
        }
    });
    view! {
        <main class=if embedded { "call-page embedded" } else { "call-page" } lang=lang.code()>
            <h1>{i18n::text(lang).call}" — "{name.clone()}</h1>
            <div class="call-ways">
                {callback.map(|form| view! {
                    <CallbackWindow slug=card.slug.clone() lang name=name.clone() form/>
                })}
                <CallWindow slug=card.slug.clone() lang name ice_servers=Vec::new()/>
            </div>
            {by_phone}
            <p><a href=format!("/{}/{}?lang={}", if embedded { "embed" } else { "c" }, card.slug, lang.code())>{text.back_to_card}</a></p>
        </main>
    }
}

/// The call itself. `ice_servers` is empty while the bridge is reachable directly (the server
/// may pass STUN/TURN servers later). The root's `data-call-state` is [`Phase::code`] and, once
/// ended, `data-call-cause` the end cause: browser tests wait on them.
// An island in the app bundle; in the card bundle a component nothing uses, so it weighs nothing.
#[cfg_attr(any(feature = "ssr", feature = "call-islands"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "call-islands")), component)]
fn CallWindow(
    slug: String,
    lang: Lang,
    name: String,
    ice_servers: Vec<IceServer>,
) -> impl IntoView {
    let text = i18n::call_text(lang);
    let speaker = NodeRef::<html::Audio>::new();
    let call = CallController::new(slug, lang, ice_servers, speaker);
    let progress = call.progress;
    // False on the server and until hydration, so the server's HTML and the first browser
    // render agree; the effect then swaps the no-JavaScript notice for the call button.
    let live = RwSignal::new(false);
    Effect::new(move |_| {
        live.set(true);
        crate::mark_hydrated();
    });
    tick_every_second(call.now_ms);

    let intro = text.intro_for(&name);
    let status = move || progress.with(|progress| status_line(text, &progress.phase, &name));
    let phase_is = move |code: &'static str| move || progress.with(|p| p.phase.code() == code);
    // A memo, so the alert is inserted (and announced) once per warning.
    let warning = Memo::new(move |_| progress.with(|progress| progress.warning));
    // Only a change of controls re-renders them: an `extended` or a clock tick must not reset
    // the keypad or the focus.
    let controls = Memo::new(
        move |_| match progress.with(|progress| progress.phase.clone()) {
            Phase::Idle if !live.get() => Controls::NeedsJavaScript,
            Phase::Idle => Controls::Start,
            Phase::Ended { .. } => Controls::Ended,
            _ => Controls::InCall,
        },
    );
    view! {
        <section
            class="call-window"
            aria-label=text.talk_from_browser
            data-call-state=move || progress.with(|progress| progress.phase.code())
            data-call-cause=move || progress.with(|progress| progress.phase.cause().map(str::to_string))
        >
            <h2>{text.talk_from_browser}</h2>
            <Show when=move || live.get() && phase_is("idle")()>
                <p class="call-intro">{intro.clone()}</p>
            </Show>
            <p class="call-status" role="status" aria-live="polite">{status}</p>
            <Show when=phase_is("connected")>
                <CallClock call text/>
            </Show>
            {move || warning.get().map(|seconds| view! {
                <p class="call-warning" role="alert">{text.ends_in_seconds(seconds)}</p>
            })}
            {move || match controls.get() {
                Controls::NeedsJavaScript => view! {
                    <p class="notice call-needs-js">{text.needs_javascript}</p>
                }.into_any(),
                Controls::Start => view! {
                    <button type="button" class="button call-start" on:click=move |_| call.start()>
                        {text.talk_from_browser}
                    </button>
                }.into_any(),
                Controls::InCall => view! { <InCallControls call text/> }.into_any(),
                Controls::Ended => view! {
                    <p class="call-ended">{text.ended}</p>
                    <button type="button" class="button call-start" on:click=move |_| call.start()>
                        {text.call_again}
                    </button>
                }.into_any(),
            }}
            <audio node_ref=speaker autoplay></audio>
        </section>
    }
}

/// Which controls the window shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Controls {
    NeedsJavaScript,
    Start,
    InCall,
    Ended,
}

/// The running talk time and the paid time left.
#[component]
fn CallClock(call: CallController, text: &'static CallText) -> impl IntoView {
    let reading = move |read: fn(&progress::CallProgress, u64) -> Option<u64>| {
        move || {
            call.progress
                .with(|progress| read(progress, call.now_ms.get()).map(clock))
        }
    };
    let talk = reading(progress::CallProgress::talk_secs);
    let left = reading(progress::CallProgress::secs_left);
    view! {
        <dl class="call-clock">
            <div class="call-talk-time">
                <dt>{text.talk_time}</dt>
                <dd><time>{talk}</time></dd>
            </div>
            <div class="call-time-left">
                <dt>{text.time_left}</dt>
                <dd><time>{left}</time></dd>
            </div>
        </dl>
    }
}

/// Mute, hang up and, once connected, the keypad.
#[component]
fn InCallControls(call: CallController, text: &'static CallText) -> impl IntoView {
    let muted = call.muted;
    let connected = move || {
        call.progress
            .with(|progress| progress.phase == Phase::Connected)
    };
    view! {
        <div class="call-controls">
            <button
                type="button"
                class="button secondary call-mute"
                aria-pressed=move || if muted.get() { "true" } else { "false" }
                on:click=move |_| call.toggle_mute()
            >
                {text.mute}
            </button>
            <button type="button" class="button call-hang-up" on:click=move |_| call.hang_up()>
                {text.hang_up}
            </button>
        </div>
        <Show when=move || muted.get()>
            <p class="call-muted">{text.muted}</p>
        </Show>
        <Show when=connected>
            <Keypad call text/>
        </Show>
    }
}

/// The DTMF keypad (for the issuer's voice menus): RFC 4733 tones through the bridge.
#[component]
fn Keypad(call: CallController, text: &'static CallText) -> impl IntoView {
    const KEYS: [char; 12] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
    let keys = KEYS
        .into_iter()
        .map(|key| {
            let label = match key {
                '*' => Some(text.star_key),
                '#' => Some(text.hash_key),
                _ => None,
            };
            view! {
                <button type="button" class="keypad-key" aria-label=label on:click=move |_| call.press_key(key)>
                    {key.to_string()}
                </button>
            }
        })
        .collect_view();
    view! {
        <details class="call-keypad">
            <summary>{text.keypad}</summary>
            <div class="keypad-grid" role="group" aria-label=text.keypad>{keys}</div>
            <p class="keys-sent">
                {text.keys_sent}": "<output>{move || call.keys_sent.get()}</output>
            </p>
        </details>
    }
}

/// Keeps `now_ms` current while the island lives, so the clock moves between events.
fn tick_every_second(now_ms: RwSignal<u64>) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || now_ms.set(controller::now_ms()),
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = now_ms;
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::model::{CardContent, Contacts, LocalizedContent, Theme};

    fn card() -> CardView {
        CardView {
            slug: "ada".into(),
            url: "https://callcard.example/c/ada".into(),
            published: true,
            default_lang: Lang::En,
            contents: vec![LocalizedContent {
                lang: Lang::En,
                content: CardContent {
                    name: "Ada Lovelace".into(),
                    ..CardContent::default()
                },
            }],
            contacts: Contacts {
                office_phone: "02-555-0100".into(),
                ..Contacts::default()
            },
            links: Vec::new(),
            theme: Theme::default(),
            photo_url: None,
            logo_url: None,
            video: None,
            updated_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn render(lang: Lang) -> String {
        render_with(lang, None)
    }

    fn render_with(lang: Lang, callback: Option<CallbackForm>) -> String {
        let owner = Owner::new();
        owner.with(|| view! { <CallPage card=card() lang callback embedded=false/> }.to_html())
    }

    #[test]
    fn without_javascript_the_window_says_so_and_keeps_the_numbers() {
        let html = render(Lang::En);
        for needle in [
            "data-call-state=\"idle\"",
            "role=\"status\"",
            "aria-live=\"polite\"",
            "Calling from the browser needs JavaScript",
            "href=\"tel:02-555-0100\"",
            "href=\"/c/ada?lang=en\"",
            "<leptos-island",
            "<audio",
        ] {
            assert!(html.contains(needle), "missing {needle} in {html}");
        }
        assert!(
            !html.contains("Talk from browser</button>"),
            "no dead call button before hydration"
        );
    }

    #[test]
    fn the_window_speaks_the_page_s_language() {
        let html = render(Lang::Ko);
        assert!(html.contains(i18n::call_text(Lang::Ko).needs_javascript));
        assert!(html.contains("lang=\"ko\""));
    }

    #[test]
    fn without_a_phone_line_there_is_no_callback_form() {
        let html = render(Lang::En);
        assert!(!html.contains("callback-form"), "{html}");
    }

    /// Issue 10: "Call me back" works as a plain form: it posts the number and the page's
    /// language, and a refused post comes back with the number as typed and the reason.
    #[test]
    fn the_callback_form_posts_without_javascript_and_keeps_what_was_typed() {
        let html = render_with(Lang::En, Some(CallbackForm::default()));
        for needle in [
            "<form method=\"post\" action=\"/c/ada/callback\" class=\"callback-form\"",
            "name=\"lang\" value=\"en\"",
            "name=\"number\" type=\"tel\" autocomplete=\"tel\"",
            "data-callback-state=\"idle\"",
            "Call me back</button>",
        ] {
            assert!(html.contains(needle), "missing {needle} in {html}");
        }
        assert!(!html.contains("role=\"alert\""), "no error before a post");

        let refused = CallbackForm {
            number: "02-1234-56789".into(),
            error: Some("No number is like that.".into()),
        };
        let html = render_with(Lang::Ko, Some(refused));
        assert!(html.contains("value=\"02-1234-56789\""), "{html}");
        assert!(html.contains("No number is like that."), "{html}");
        assert!(html.contains(i18n::call_text(Lang::Ko).call_me_back));
    }
}
