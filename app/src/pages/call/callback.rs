//! "Call me back" (issue 10, BRIEF R7a, R9, R10): the caller types a number; the issuer is
//! asked first and, once they accept, the caller's phone rings.
//!
//! Two ways to follow it, one server: without JavaScript the form posts to
//! `/c/{slug}/callback` and the browser follows the status page it is sent to
//! ([`CallbackStatusPage`], refreshed every few seconds); with JavaScript the
//! [`CallbackWindow`] island says how the number is understood as it is typed
//! (`/api/numbers/parse`), posts to `/api/cards/{slug}/callbacks` and follows the call's event
//! stream, as the browser call does.

use leptos::html;
use leptos::prelude::*;

use super::progress::{CallProgress, Phase, status_line};
use crate::i18n::{self, CallText};
use crate::model::Lang;
use crate::model::calling::{CallbackForm, CallbackStatusView};
use crate::pages::card::percent_encode;

/// `POST`, form-encoded `number` and `lang`: the callback without JavaScript.
pub fn form_url(slug: &str) -> String {
    format!("/c/{}/callback", percent_encode(slug))
}

/// `POST`, JSON [`crate::model::calling::StartCallback`]: the callback from the island.
pub fn api_url(slug: &str) -> String {
    format!("/api/cards/{}/callbacks", percent_encode(slug))
}

/// `GET`: the status page a callback without JavaScript is followed on.
pub fn status_url(slug: &str, call: &str, lang: Lang) -> String {
    format!(
        "/c/{}/callback/{}?lang={}",
        percent_encode(slug),
        percent_encode(call),
        lang.code()
    )
}

/// `POST`: calls the callback off (until the caller's phone rings).
pub fn cancel_url(slug: &str, call: &str) -> String {
    format!(
        "/c/{}/callback/{}/cancel",
        percent_encode(slug),
        percent_encode(call)
    )
}

/// The status line of a callback: as a browser call's, except that the talking happens on the
/// caller's phone.
pub fn callback_status_line(text: &CallText, phase: &Phase, name: &str) -> String {
    match phase {
        Phase::Connected => text.talk_on_your_phone.to_string(),
        _ => status_line(text, phase, name),
    }
}

/// Why a start did not get `202 Accepted`, in the page's language: the server's own words for
/// a number it would not call (422, already localized), else the page's message for the code,
/// else for the status (`None` = no response at all).
pub fn start_refusal(text: &CallText, status: Option<u16>, body: &str) -> String {
    let error = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .map(|body| body["error"].clone());
    let field = |name: &str| {
        error
            .as_ref()
            .and_then(|error| error[name].as_str().map(str::to_owned))
    };
    let code = field("code");
    if status == Some(422)
        && let Some(message) = field("message").filter(|message| !message.trim().is_empty())
    {
        return message;
    }
    let code = match (code.as_deref(), status) {
        (Some("callback_pending"), _) => "callback_pending",
        (Some("line_busy"), _) | (_, Some(409)) => "line_busy",
        (Some("calling_off"), _) => "refused:no_trunk",
        (Some("busy"), _) | (_, Some(429 | 503)) => "too_many_calls",
        (_, Some(404)) => "card_not_found",
        _ => "start_failed",
    };
    text.refusal(code).to_string()
}

/// The number as the server understood it, or why it will not be called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Understanding {
    Number(String),
    Problem(String),
}

/// The "Call me back" part of the call window. Rendered by the server as a plain form (and,
/// after a refused post, with the number as typed and the reason); once hydrated it checks the
/// number as it is typed and follows the call in place. `data-callback-state` is
/// [`Phase::code`] and, once ended, `data-callback-cause` the cause: browser tests wait on them.
// An island in the app bundle; in the card bundle a component nothing uses, so it weighs nothing.
#[cfg_attr(any(feature = "ssr", feature = "call-islands"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "call-islands")), component)]
pub fn CallbackWindow(slug: String, lang: Lang, name: String, form: CallbackForm) -> impl IntoView {
    let text = i18n::call_text(lang);
    let callback = CallbackController::new(slug.clone(), lang, form.error.clone());
    let number_input = NodeRef::<html::Input>::new();
    let progress = callback.progress;
    let intro = text.callback_intro_for(&name);
    let status =
        move || progress.with(|progress| callback_status_line(text, &progress.phase, &name));
    let phase = Memo::new(move |_| progress.with(|progress| progress.phase.clone()));
    let idle = move || phase.with(|phase| *phase == Phase::Idle);
    let understood = move || match callback.understood.get() {
        Some(Understanding::Number(number)) => Some(
            view! {
                <span class="callback-understood-number">{text.we_will_call}" "{number}</span>
            }
            .into_any(),
        ),
        Some(Understanding::Problem(problem)) => Some(
            view! {
                <span class="callback-number-problem">{problem}</span>
            }
            .into_any(),
        ),
        None => None,
    };
    view! {
        <section
            class="callback-window"
            aria-labelledby="callback-heading"
            data-callback-state=move || phase.with(|phase| phase.code())
            data-callback-cause=move || phase.with(|phase| phase.cause().map(str::to_string))
        >
            <h2 id="callback-heading">{text.call_me_back}</h2>
            <Show when=idle>
                <p class="callback-intro">{intro.clone()}</p>
            </Show>
            <form
                class="callback-form"
                method="post"
                action=form_url(&slug)
                hidden=move || !idle()
                on:submit=move |event| {
                    event.prevent_default();
                    // Read from the field itself: the browser may have filled it (autofill, a
                    // form restored by "back") without an input event.
                    if let Some(input) = number_input.get_untracked() {
                        callback.start(input.value());
                    }
                }
            >
                <input type="hidden" name="lang" value=lang.code()/>
                <label for="callback-number">{text.your_number}</label>
                <input
                    node_ref=number_input
                    id="callback-number"
                    name="number"
                    type="tel"
                    autocomplete="tel"
                    inputmode="tel"
                    required
                    value=form.number.clone()
                    aria-describedby="callback-hint callback-understood"
                    on:input=move |event| callback.typed(event_target_value(&event))
                />
                <p id="callback-hint" class="hint">{text.number_hint}</p>
                <p id="callback-understood" class="callback-understood" aria-live="polite">
                    {understood}
                </p>
                {move || callback.refused.get().map(|refused| view! {
                    <p class="error callback-refused" role="alert">{refused}</p>
                })}
                <button type="submit" class="button callback-start">{text.call_me_back}</button>
            </form>
            <p class="call-status callback-status" role="status" aria-live="polite">{status}</p>
            <Show when=move || phase.with(Phase::can_cancel_callback) && !callback.cancelling.get()>
                <button type="button" class="button secondary callback-cancel" on:click=move |_| callback.cancel()>
                    {text.cancel}
                </button>
            </Show>
            <Show when=move || phase.with(|phase| matches!(phase, Phase::Ended { .. }))>
                <button type="button" class="button callback-again" on:click=move |_| callback.reset()>
                    {text.callback_again}
                </button>
            </Show>
        </section>
    }
}

/// What the island's controls do: check the number as it is typed, start, cancel, start over.
#[derive(Clone, Copy)]
struct CallbackController {
    progress: RwSignal<CallProgress>,
    understood: RwSignal<Option<Understanding>>,
    /// Why the last start was refused, shown in the form.
    refused: RwSignal<Option<String>>,
    cancelling: RwSignal<bool>,
    number: StoredValue<String>,
    /// Each keystroke's check and each start are numbered; an answer to an older one is dropped.
    checks: StoredValue<u32>,
    #[cfg(feature = "hydrate")]
    setup: StoredValue<(String, Lang)>,
    #[cfg(feature = "hydrate")]
    live: StoredValue<Option<LiveCallback>, LocalStorage>,
    #[cfg(feature = "hydrate")]
    pending_check: StoredValue<Option<leptos::leptos_dom::helpers::TimeoutHandle>>,
}

/// The callback this page follows.
#[cfg(feature = "hydrate")]
struct LiveCallback {
    call: String,
    events: super::signalling::EventStream,
}

impl CallbackController {
    fn new(slug: String, lang: Lang, refused: Option<String>) -> CallbackController {
        #[cfg(not(feature = "hydrate"))]
        let _ = (slug, lang);
        CallbackController {
            progress: RwSignal::new(CallProgress::default()),
            understood: RwSignal::new(None),
            refused: RwSignal::new(refused),
            cancelling: RwSignal::new(false),
            number: StoredValue::new(String::new()),
            checks: StoredValue::new(0),
            #[cfg(feature = "hydrate")]
            setup: StoredValue::new((slug, lang)),
            #[cfg(feature = "hydrate")]
            live: StoredValue::new_local(None),
            #[cfg(feature = "hydrate")]
            pending_check: StoredValue::new(None),
        }
    }

    /// A keystroke: the number is checked once typing pauses.
    fn typed(self, number: String) {
        self.number.set_value(number);
        self.refused.set(None);
        self.checks.update_value(|checks| *checks += 1);
        #[cfg(feature = "hydrate")]
        {
            if let Some(handle) = self.pending_check.try_update_value(Option::take).flatten() {
                handle.clear();
            }
            let check = self.checks.get_value();
            let handle = set_timeout_with_handle(
                move || leptos::task::spawn_local(self.check(check)),
                std::time::Duration::from_millis(300),
            );
            self.pending_check.set_value(handle.ok());
        }
    }

    fn start(self, number: String) {
        self.number.set_value(number);
        self.checks.update_value(|checks| *checks += 1);
        self.refused.set(None);
        self.cancelling.set(false);
        self.progress.update(CallProgress::start);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(self.run(self.checks.get_value()));
    }

    fn cancel(self) {
        self.cancelling.set(true);
        #[cfg(feature = "hydrate")]
        if let Some(call) = self
            .live
            .with_value(|live| live.as_ref().map(|live| live.call.clone()))
        {
            // The server's `ended` (or, once the phone rings, nothing) tells what happened.
            leptos::task::spawn_local(async move { super::signalling::hang_up(&call).await });
        }
    }

    /// "Call me back again": the form, with the number as it was.
    fn reset(self) {
        self.progress.set(CallProgress::default());
        self.cancelling.set(false);
    }
}

#[cfg(feature = "hydrate")]
impl CallbackController {
    fn text(self) -> &'static CallText {
        i18n::call_text(self.setup.with_value(|(_, lang)| *lang))
    }

    async fn check(self, check: u32) {
        let number = self.number.get_value();
        if number.trim().is_empty() {
            self.understood.set(None);
            return;
        }
        let lang = self.setup.with_value(|(_, lang)| *lang);
        let body = serde_json::json!({ "number": number, "lang": lang.code() }).to_string();
        let answer = super::signalling::post("/api/numbers/parse", Some(&body)).await;
        if self.checks.get_value() != check {
            return;
        }
        let field = |text: &str, pointer: &str| {
            serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|body| body.pointer(pointer)?.as_str().map(str::to_owned))
        };
        self.understood.set(match answer {
            Ok((200, text)) => field(&text, "/understood").map(Understanding::Number),
            Ok((422, text)) => field(&text, "/error/message").map(Understanding::Problem),
            // Rate-limited or offline: the start will say what is wrong.
            _ => None,
        });
    }

    async fn run(self, attempt: u32) {
        use crate::model::calling::{CallbackStarted, StartCallback};

        let (slug, lang) = self.setup.get_value();
        let request = StartCallback {
            number: self.number.get_value(),
            lang,
        };
        let body = serde_json::to_string(&request).unwrap_or_default();
        let answer = super::signalling::post(&api_url(&slug), Some(&body)).await;
        if self.checks.get_value() != attempt {
            return;
        }
        let started = match &answer {
            Ok((202, text)) => serde_json::from_str::<CallbackStarted>(text).ok(),
            _ => None,
        };
        let Some(started) = started else {
            let refusal = match answer {
                Ok((status, text)) => start_refusal(self.text(), Some(status), &text),
                Err(_) => start_refusal(self.text(), None, ""),
            };
            self.refused.set(Some(refusal));
            self.progress.set(CallProgress::default());
            return;
        };
        self.understood
            .set(Some(Understanding::Number(started.understood)));
        let events = super::signalling::EventStream::open(
            &started.call,
            move |event| self.on_event(event),
            move || {
                self.progress
                    .update(|progress| progress.end("connection_lost"));
                self.close();
            },
        );
        match events {
            Ok(events) => self.live.set_value(Some(LiveCallback {
                call: started.call,
                events,
            })),
            Err(_) => self
                .progress
                .update(|progress| progress.end("start_failed")),
        }
    }

    fn on_event(self, event: crate::model::calling::CallEvent) {
        self.progress
            .update(|progress| progress.apply(event, super::controller::now_ms()));
        if self
            .progress
            .with_untracked(|progress| !progress.phase.is_active())
        {
            self.close();
        }
    }

    fn close(self) {
        if let Some(live) = self.live.try_update_value(Option::take).flatten() {
            live.events.close();
        }
    }
}

/// `/c/{slug}/callback/{call}`: a callback followed without JavaScript. The page reloads
/// itself while the call runs (its `<meta http-equiv="refresh">`, see the shell); the caller can
/// cancel with a plain form until their phone rings.
#[component]
pub fn CallbackStatusPage(status: CallbackStatusView) -> impl IntoView {
    let CallbackStatusView {
        slug,
        card_name,
        lang,
        call,
        understood,
        latest,
    } = status;
    let text = i18n::call_text(lang);
    let phase = latest.as_ref().map(Phase::of_latest);
    let line = match &phase {
        Some(phase) => callback_status_line(text, phase, &card_name),
        None => text.callback_over.to_string(),
    };
    let running = phase.as_ref().is_some_and(Phase::is_active);
    let cancel = phase
        .as_ref()
        .is_some_and(Phase::can_cancel_callback)
        .then(|| {
            view! {
                <form method="post" action=cancel_url(&slug, &call)>
                    <button type="submit" class="button secondary callback-cancel">{text.cancel}</button>
                </form>
            }
        });
    let next = if running {
        view! { <p class="hint">{text.page_refreshes}</p> }.into_any()
    } else {
        view! {
            <p><a class="button" href=format!("/c/{}/call?lang={}", percent_encode(&slug), lang.code())>
                {text.callback_again}
            </a></p>
        }
        .into_any()
    };
    let state = phase.as_ref().map_or("over", Phase::code);
    let cause = phase
        .as_ref()
        .and_then(|phase| phase.cause().map(str::to_owned));
    view! {
        <main class="call-page callback-status-page" lang=lang.code()>
            <h1>{text.call_me_back}" — "{card_name}</h1>
            <section class="callback-window" data-callback-state=state data-callback-cause=cause>
                {understood.map(|understood| view! {
                    <p class="callback-understood">{text.we_will_call}" "{understood}</p>
                })}
                <p class="call-status callback-status" role="status">{line}</p>
                {cancel}
                {next}
            </section>
            <p><a href=format!("/c/{}?lang={}", percent_encode(&slug), lang.code())>{text.back_to_card}</a></p>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::call_text;

    #[test]
    fn addresses_escape_their_segments() {
        assert_eq!(form_url("ada"), "/c/ada/callback");
        assert_eq!(api_url("a/b"), "/api/cards/a%2Fb/callbacks");
        assert_eq!(
            status_url("ada", "x?y", Lang::Ko),
            "/c/ada/callback/x%3Fy?lang=ko"
        );
        assert_eq!(cancel_url("ada", "c1"), "/c/ada/callback/c1/cancel");
    }

    #[test]
    fn a_refused_number_reads_as_the_server_said_it() {
        let text = call_text(Lang::En);
        let body = r#"{"error":{"code":"number_does_not_exist","message":"No such number."}}"#;
        assert_eq!(start_refusal(text, Some(422), body), "No such number.");
        let pending = r#"{"error":{"code":"callback_pending","message":"x"}}"#;
        assert_eq!(
            start_refusal(text, Some(409), pending),
            text.ends.callback_pending
        );
        assert_eq!(start_refusal(text, Some(409), "{}"), text.ends.line_busy);
        assert_eq!(start_refusal(text, Some(429), ""), text.ends.too_many_calls);
        assert_eq!(start_refusal(text, Some(404), ""), text.ends.card_not_found);
        assert_eq!(start_refusal(text, None, ""), text.ends.start_failed);
        let off = r#"{"error":{"code":"calling_off","message":"no trunk"}}"#;
        assert_eq!(
            start_refusal(text, Some(400), off),
            text.ends.refused_no_trunk
        );
    }

    #[test]
    fn a_connected_callback_is_talked_on_the_phone() {
        let text = call_text(Lang::Ja);
        assert_eq!(
            callback_status_line(text, &Phase::Connected, "Ada"),
            text.talk_on_your_phone
        );
        assert_eq!(
            callback_status_line(text, &Phase::CallerRinging, "Ada"),
            text.your_phone_rings
        );
    }
}
