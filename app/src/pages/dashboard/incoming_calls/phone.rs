//! What the line's buttons do: switch the line on and off, accept, decline, hang up. It owns the
//! island's signals and, in the browser, the event stream and the taken call's media.
//!
//! The [`Line`] decides; this module does the I/O it implies. After every wait the accept checks
//! that its call is still the line's call, so a hang-up or a switch-off pressed while connecting
//! wins, and the media of a call the line no longer has is closed ([`LinePhone`]'s `release`).
//! The media glue is the call window's ([`crate::pages::call::webrtc`]): the same microphone
//! request, codec preferences and ICE gathering wait.

use leptos::html;
use leptos::prelude::*;

use super::line::Line;
use crate::pages::card::percent_encode;

/// `GET`, `text/event-stream`: the line's events.
pub const EVENTS_URL: &str = "/api/issuer/calls/events";

/// `POST` `accept`, `decline` or `hangup` for a ringing or taken call.
pub fn call_url(call: &str, action: &str) -> String {
    format!("/api/issuer/calls/{}/{action}", percent_encode(call))
}

#[derive(Clone, Copy)]
pub struct LinePhone {
    pub line: RwSignal<Line>,
    /// "Now" in milliseconds, for the talk clock; ticked every second.
    pub now_ms: RwSignal<u64>,
    #[cfg(feature = "hydrate")]
    speaker: NodeRef<html::Audio>,
    #[cfg(feature = "hydrate")]
    stream: StoredValue<Option<crate::pages::call::signalling::EventStream>, LocalStorage>,
    #[cfg(feature = "hydrate")]
    session: StoredValue<Option<Session>, LocalStorage>,
}

/// The media of the call this line took.
#[cfg(feature = "hydrate")]
struct Session {
    call: String,
    media: crate::pages::call::webrtc::CallMedia,
    _watch: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
}

impl LinePhone {
    pub fn new(speaker: NodeRef<html::Audio>) -> LinePhone {
        #[cfg(not(feature = "hydrate"))]
        let _ = speaker;
        LinePhone {
            line: RwSignal::new(Line::default()),
            now_ms: RwSignal::new(0),
            #[cfg(feature = "hydrate")]
            speaker,
            #[cfg(feature = "hydrate")]
            stream: StoredValue::new_local(None),
            #[cfg(feature = "hydrate")]
            session: StoredValue::new_local(None),
        }
    }

    /// The "Take calls in this browser" toggle.
    pub fn toggle(self) {
        if self.line.with_untracked(Line::is_on) {
            let call = self.line.try_update(Line::switch_off).flatten();
            #[cfg(feature = "hydrate")]
            {
                self.close_stream();
                self.release(call);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = call;
        } else {
            self.line.update(Line::switch_on);
            #[cfg(feature = "hydrate")]
            self.open_stream();
        }
    }

    pub fn accept(self, call: String) {
        let taken = self
            .line
            .try_update(|line| line.accept(&call))
            .unwrap_or(false);
        #[cfg(feature = "hydrate")]
        if taken {
            leptos::task::spawn_local(async move {
                if let Err(failure) = self.connect(&call).await {
                    self.line.update(|line| line.accept_failed(&call, failure));
                    self.release(None);
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = taken;
    }

    pub fn decline(self, call: String) {
        if self
            .line
            .try_update(|line| line.decline(&call))
            .unwrap_or(false)
        {
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                // A failure changes nothing here: the ring times out on the server anyway.
                let _ =
                    crate::pages::call::signalling::post(&call_url(&call, "decline"), None).await;
            });
        }
    }

    pub fn hang_up(self) {
        let now = crate::pages::call::controller::now_ms();
        let call = self.line.try_update(|line| line.hang_up(now)).flatten();
        #[cfg(feature = "hydrate")]
        self.release(call);
        #[cfg(not(feature = "hydrate"))]
        let _ = call;
    }

    /// Every second: moves the clock, and lets the line end a lost call or stop showing "ended".
    pub fn tick(self) {
        let now = crate::pages::call::controller::now_ms();
        self.now_ms.set(now);
        self.line.maybe_update(|line| line.tick(now));
        #[cfg(feature = "hydrate")]
        self.release(None);
    }
}

#[cfg(feature = "hydrate")]
impl LinePhone {
    fn open_stream(self) {
        use crate::model::calling::LineEvent;
        use crate::pages::call::signalling::EventStream;
        use web_sys::{EventSource, EventSourceInit};

        let init = EventSourceInit::new();
        init.set_with_credentials(true);
        let Ok(source) = EventSource::new_with_event_source_init_dict(EVENTS_URL, &init) else {
            self.lose_line();
            return;
        };
        let stream = EventStream::listen(
            source,
            LineEvent::parse,
            move |event| self.line.update(|line| line.apply(event)),
            move || self.lose_line(),
        );
        self.close_stream();
        self.stream.set_value(Some(stream));
    }

    /// Deferred to a task, so the stream is never dropped inside its own callback.
    fn close_stream(self) {
        if let Some(stream) = self.stream.try_update_value(Option::take).flatten() {
            leptos::task::spawn_local(async move { stream.close() });
        }
    }

    fn lose_line(self) {
        let call = self.line.try_update(Line::lose).flatten();
        self.close_stream();
        self.release(call);
    }

    fn is_current(self, call: &str) -> bool {
        self.line
            .with_untracked(|line| line.active_call() == Some(call))
    }

    /// Closes the media of a call the line no longer has, after `POST …/hangup` for
    /// `hang_up_call` (first, so the server records a hang-up rather than a lost connection).
    /// Deferred to a task, so it never runs inside the media's own callbacks.
    fn release(self, hang_up_call: Option<String>) {
        let active = self
            .line
            .with_untracked(|line| line.active_call().map(str::to_string));
        let session = self
            .session
            .try_update_value(|session| {
                if session
                    .as_ref()
                    .is_some_and(|session| Some(&session.call) != active.as_ref())
                {
                    session.take()
                } else {
                    None
                }
            })
            .flatten();
        if session.is_none() && hang_up_call.is_none() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Some(call) = hang_up_call {
                let _ =
                    crate::pages::call::signalling::post(&call_url(&call, "hangup"), None).await;
            }
            if let Some(session) = session {
                session.media.close();
            }
        });
    }

    /// Microphone → peer connection → offer → `POST …/accept` → answer. Talk starts when the
    /// peer connection connects (the watch reports it). `Ok` also when the call was hung up
    /// meanwhile (nothing left to do).
    async fn connect(self, call: &str) -> Result<(), super::line::AcceptFailure> {
        use super::line::{AcceptFailure, PeerState};
        use crate::model::calling::{AcceptCall, CallAccepted};
        use crate::pages::call::{signalling, webrtc};

        let speaker = self.speaker.get_untracked().ok_or(AcceptFailure::Failed)?;
        let microphone = webrtc::open_microphone()
            .await
            .map_err(AcceptFailure::Microphone)?;
        let media = webrtc::CallMedia::new(&[], microphone, speaker)
            .map_err(|_| AcceptFailure::Microphone("browser_unsupported"))?;
        if !self.is_current(call) {
            media.close();
            return Ok(());
        }
        let watch = {
            let call = call.to_string();
            media.watch_connection(move |state| {
                let now = crate::pages::call::controller::now_ms();
                self.line
                    .update(|line| line.peer_changed(&call, PeerState::parse(&state), now));
                self.release(None);
            })
        };
        self.session.set_value(Some(Session {
            call: call.to_string(),
            media: media.clone(),
            _watch: watch,
        }));
        let offer_sdp = media
            .offer(webrtc::ICE_GATHERING_LIMIT)
            .await
            .map_err(|_| AcceptFailure::Failed)?;
        if !self.is_current(call) {
            return Ok(());
        }
        let body =
            serde_json::to_string(&AcceptCall { offer_sdp }).map_err(|_| AcceptFailure::Failed)?;
        let (status, text) = signalling::post(&call_url(call, "accept"), Some(&body))
            .await
            .map_err(|_| AcceptFailure::Failed)?;
        if status != 200 {
            return Err(AcceptFailure::from_status(status));
        }
        let hang_up_url = call_url(call, "hangup");
        let hang_up = || signalling::post(&hang_up_url, None);
        if !self.is_current(call) {
            // Hung up while the server was connecting: the server must hear of it.
            let _ = hang_up().await;
            return Ok(());
        }
        let answered = match serde_json::from_str::<CallAccepted>(&text) {
            Ok(accepted) => media.accept(&accepted.answer_sdp).await.is_ok(),
            Err(_) => false,
        };
        if !answered {
            let _ = hang_up().await;
            return Err(AcceptFailure::Failed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_the_contract() {
        assert_eq!(EVENTS_URL, "/api/issuer/calls/events");
        assert_eq!(call_url("c_1", "accept"), "/api/issuer/calls/c_1/accept");
        assert_eq!(call_url("c_1", "decline"), "/api/issuer/calls/c_1/decline");
        assert_eq!(call_url("a/b", "hangup"), "/api/issuer/calls/a%2Fb/hangup");
    }
}
