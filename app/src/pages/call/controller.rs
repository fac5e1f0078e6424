//! What the call window's buttons do: start a call, hang up, mute, send a key. It owns the
//! window's signals and, in the browser, the call's media and event stream.
//!
//! One call at a time. Each press of the call button is a new attempt with its own number;
//! the setup checks after every wait that its attempt is still the current one, so a hang-up
//! pressed while the page is still connecting wins, and the setup cleans up after itself.
//! Every way out (hang-up, a failed step, the server's `ended`, a lost stream) goes through
//! [`CallController`]'s teardown: close the event stream, close the peer connection, stop the
//! microphone.

use leptos::html;
use leptos::prelude::*;

use super::progress::CallProgress;
use crate::model::Lang;
use crate::model::calling::IceServer;

#[derive(Clone, Copy)]
pub struct CallController {
    pub progress: RwSignal<CallProgress>,
    pub muted: RwSignal<bool>,
    /// The keypad's keys sent in this call, shown under the keypad.
    pub keys_sent: RwSignal<String>,
    /// "Now" in milliseconds, for the clock; ticked by the window, set at every event.
    pub now_ms: RwSignal<u64>,
    attempt: StoredValue<u32>,
    #[cfg(feature = "hydrate")]
    setup: StoredValue<CallSetup>,
    #[cfg(feature = "hydrate")]
    speaker: NodeRef<html::Audio>,
    #[cfg(feature = "hydrate")]
    session: StoredValue<Option<Session>, LocalStorage>,
}

/// What a call is placed with (the island's props).
#[cfg(feature = "hydrate")]
struct CallSetup {
    slug: String,
    lang: Lang,
    ice_servers: Vec<IceServer>,
}

/// The browser side of one call.
#[cfg(feature = "hydrate")]
struct Session {
    media: super::webrtc::CallMedia,
    call: Option<String>,
    events: Option<super::signalling::EventStream>,
}

#[cfg(feature = "hydrate")]
impl Session {
    fn close(&self) {
        if let Some(events) = &self.events {
            events.close();
        }
        self.media.close();
    }
}

impl CallController {
    pub fn new(
        slug: String,
        lang: Lang,
        ice_servers: Vec<IceServer>,
        speaker: NodeRef<html::Audio>,
    ) -> CallController {
        #[cfg(not(feature = "hydrate"))]
        let _ = (slug, lang, ice_servers, speaker);
        CallController {
            progress: RwSignal::new(CallProgress::default()),
            muted: RwSignal::new(false),
            keys_sent: RwSignal::new(String::new()),
            now_ms: RwSignal::new(0),
            attempt: StoredValue::new(0),
            #[cfg(feature = "hydrate")]
            setup: StoredValue::new(CallSetup {
                slug,
                lang,
                ice_servers,
            }),
            #[cfg(feature = "hydrate")]
            speaker,
            #[cfg(feature = "hydrate")]
            session: StoredValue::new_local(None),
        }
    }

    /// "Talk from browser" and "Call again".
    pub fn start(self) {
        self.attempt.update_value(|attempt| *attempt += 1);
        self.progress.update(CallProgress::start);
        self.muted.set(false);
        self.keys_sent.set(String::new());
        #[cfg(feature = "hydrate")]
        {
            self.teardown(false);
            leptos::task::spawn_local(self.run(self.attempt.get_value()));
        }
    }

    /// The hang-up button.
    pub fn hang_up(self) {
        self.end_by_page("caller_hung_up");
    }

    pub fn toggle_mute(self) {
        let muted = !self.muted.get_untracked();
        self.muted.set(muted);
        #[cfg(feature = "hydrate")]
        self.session.with_value(|session| {
            if let Some(session) = session {
                session.media.set_muted(muted);
            }
        });
    }

    /// A keypad key: `0`-`9`, `*` or `#`.
    pub fn press_key(self, key: char) {
        #[cfg(feature = "hydrate")]
        {
            let sent = self.session.with_value(|session| {
                session
                    .as_ref()
                    .is_some_and(|session| session.media.send_tones(&key.to_string()).is_ok())
            });
            if sent {
                self.keys_sent.update(|keys| keys.push(key));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    }

    /// The page ends the call: a hang-up, or a step that failed. The server hears it by
    /// `POST …/hangup` (before the media closes, so it records the caller's hang-up rather
    /// than a lost connection).
    fn end_by_page(self, cause: &str) {
        self.attempt.update_value(|attempt| *attempt += 1);
        self.progress.update(|progress| progress.end(cause));
        #[cfg(feature = "hydrate")]
        self.teardown(true);
    }
}

#[cfg(feature = "hydrate")]
impl CallController {
    fn is_current(self, attempt: u32) -> bool {
        self.attempt.get_value() == attempt
    }

    /// Takes the session and ends it, after `POST …/hangup` when `tell_server` and the server
    /// knows the call. Deferred to a task, so it never runs inside the media's own callbacks.
    fn teardown(self, tell_server: bool) {
        let Some(session) = self.session.try_update_value(Option::take).flatten() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let (true, Some(call)) = (tell_server, &session.call) {
                super::signalling::hang_up(call).await;
            }
            session.close();
        });
    }

    async fn run(self, attempt: u32) {
        if let Err(cause) = self.connect(attempt).await
            && self.is_current(attempt)
        {
            self.end_by_page(cause);
        }
    }

    /// Microphone → peer connection → offer → `POST …/calls` → answer → event stream. An
    /// `Err` is the end cause; `Ok` also when the attempt was overtaken (nothing left to do).
    async fn connect(self, attempt: u32) -> Result<(), &'static str> {
        use super::{signalling, webrtc};
        use crate::model::calling::StartCall;

        let microphone = webrtc::open_microphone().await?;
        let speaker = self.speaker.get_untracked().ok_or("start_failed")?;
        let ice_servers = self.setup.with_value(|setup| setup.ice_servers.clone());
        let media = webrtc::CallMedia::new(&ice_servers, microphone, speaker)
            .map_err(|_| "browser_unsupported")?;
        if !self.is_current(attempt) {
            media.close();
            return Ok(());
        }
        self.session.set_value(Some(Session {
            media: media.clone(),
            call: None,
            events: None,
        }));
        let offer_sdp = media
            .offer(webrtc::ICE_GATHERING_LIMIT)
            .await
            .map_err(|_| "start_failed")?;
        if !self.is_current(attempt) {
            return Ok(());
        }
        let (slug, lang) = self
            .setup
            .with_value(|setup| (setup.slug.clone(), setup.lang));
        let started = signalling::start_call(&slug, &StartCall { offer_sdp, lang }).await?;
        if !self.is_current(attempt) {
            // Hung up while the server was setting up: the server must hear of it.
            signalling::hang_up(&started.call).await;
            return Ok(());
        }
        let events = signalling::EventStream::open(
            &started.call,
            move |event| self.on_event(event),
            move || self.end_by_page("connection_lost"),
        )
        .map_err(|_| "start_failed")?;
        let unused = self
            .session
            .try_update_value(|session| match session {
                Some(session) => {
                    session.call = Some(started.call.clone());
                    session.events = Some(events);
                    None
                }
                None => Some(events),
            })
            .flatten();
        if let Some(events) = unused {
            events.close();
        }
        media
            .accept(&started.answer_sdp)
            .await
            .map_err(|_| "start_failed")
    }

    fn on_event(self, event: crate::model::calling::CallEvent) {
        let now = now_ms();
        self.now_ms.set(now);
        self.progress.update(|progress| progress.apply(event, now));
        if self
            .progress
            .with_untracked(|progress| !progress.phase.is_active())
        {
            // The server has ended the call and both legs with it.
            self.attempt.update_value(|attempt| *attempt += 1);
            self.teardown(false);
        }
    }
}

/// Milliseconds since the epoch: the browser's clock, for the talk-time display only.
pub fn now_ms() -> u64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as u64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0
    }
}
