//! The issuer's browser line on the dashboard ("internet phone", docs/CALLING.md): while the
//! toggle is on and the page is open, calls to the issuer's cards ring here, to accept or decline.
//!
//! Server-rendered, it only says that the line needs JavaScript. The [`IncomingCalls`] island
//! then shows the toggle. Its parts: [`line`] (what it shows, from events, buttons and the peer
//! connection: plain, tested logic) and [`phone`] (what the buttons do, with the call window's
//! media glue). The root's `data-line-state` is [`line::LineState::code`]: browser tests wait on it.

pub mod line;
pub mod phone;

use leptos::html;
use leptos::prelude::*;

use crate::i18n::{LineText, line_text};
use crate::model::Lang;
use crate::pages::call::progress::clock;
use line::{LineState, RingingCall};
use phone::LinePhone;

// An island in the app bundle; in the card bundle a component nothing uses, so it weighs nothing.
#[cfg_attr(any(feature = "ssr", feature = "call-islands"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "call-islands")), component)]
pub fn IncomingCalls(ui: Lang) -> impl IntoView {
    let text = line_text(ui);
    let speaker = NodeRef::<html::Audio>::new();
    let phone = LinePhone::new(speaker);
    let line = phone.line;
    // False on the server and until hydration, so both first renders agree.
    let live = RwSignal::new(false);
    Effect::new(move |_| {
        live.set(true);
        crate::mark_hydrated();
    });
    tick_every_second(phone);

    let state = Memo::new(move |_| line.with(|line| line.state()));
    let status = Memo::new(move |_| line.with(|line| line.status(text)));
    let notice = Memo::new(move |_| line.with(|line| line.notice));
    let ringing = Memo::new(move |_| line.with(|line| line.ringing_shown()));
    let taken =
        Memo::new(move |_| line.with(|line| line.call.as_ref().map(|call| call.card_name.clone())));
    let pressed = move || {
        if state.get() == LineState::Off {
            "false"
        } else {
            "true"
        }
    };
    view! {
        <div class="incoming-calls" data-line-state=move || state.get().code()>
            {move || if live.get() {
                view! {
                    <button
                        type="button"
                        class="button line-toggle"
                        aria-pressed=pressed
                        on:click=move |_| phone.toggle()
                    >
                        {text.take_calls}
                    </button>
                    <p class="line-status" role="status" aria-live="polite">{move || status.get()}</p>
                }.into_any()
            } else {
                view! { <p class="notice line-needs-js">{text.needs_javascript}</p> }.into_any()
            }}
            {move || notice.get().map(|notice| view! {
                <p class="line-notice" role="alert">{notice.message(text)}</p>
            })}
            <For each=move || ringing.get() key=|ringing| ringing.call.clone() let:ringing>
                <RingingPanel phone ringing text/>
            </For>
            {move || taken.get().map(|card_name| view! { <TakenCall phone card_name text/> })}
            <audio node_ref=speaker autoplay></audio>
        </div>
    }
}

/// One ringing call: inserted once per call, so screen readers announce it once.
#[component]
fn RingingPanel(phone: LinePhone, ringing: RingingCall, text: &'static LineText) -> impl IntoView {
    let accept = ringing.call.clone();
    let decline = ringing.call;
    view! {
        <div class="line-ringing" role="alert" data-card-slug=ringing.card_slug>
            <p class="line-caller">{text.call_to(&ringing.card_name)}</p>
            {ringing.caller.map(|number| view! {
                <p class="line-callback">{text.callback_from(&number)}</p>
            })}
            <div class="line-actions">
                <button type="button" class="button line-accept" on:click=move |_| phone.accept(accept.clone())>
                    {text.accept}
                </button>
                <button type="button" class="button secondary line-decline" on:click=move |_| phone.decline(decline.clone())>
                    {text.decline}
                </button>
            </div>
        </div>
    }
}

/// The call this line took: whose card, the talk clock once connected, and hang up.
#[component]
fn TakenCall(phone: LinePhone, card_name: String, text: &'static LineText) -> impl IntoView {
    let talk = move || {
        phone
            .line
            .with(|line| line.talk_secs(phone.now_ms.get()))
            .map(clock)
    };
    view! {
        <div class="line-call">
            <p class="line-caller">{text.call_to(&card_name)}</p>
            {move || talk().map(|talk| view! {
                <p class="line-clock">{text.talk_time}": "<time>{talk}</time></p>
            })}
            <button type="button" class="button line-hang-up" on:click=move |_| phone.hang_up()>
                {text.hang_up}
            </button>
        </div>
    }
}

/// Keeps the clock and the line's timeouts moving while the island lives.
fn tick_every_second(phone: LinePhone) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let handle =
            set_interval_with_handle(move || phone.tick(), std::time::Duration::from_secs(1));
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = phone;
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn without_javascript_the_line_says_it_needs_it() {
        let owner = Owner::new();
        let html = owner.with(|| view! { <IncomingCalls ui=Lang::En/> }.to_html());
        for needle in [
            "<leptos-island",
            "data-line-state=\"off\"",
            "Calls to your cards ring here only with JavaScript on.",
            "<audio",
        ] {
            assert!(html.contains(needle), "missing {needle} in {html}");
        }
        assert!(
            !html.contains("aria-pressed"),
            "no dead toggle before hydration"
        );
    }
}
