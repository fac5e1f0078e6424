//! The call window's side of the signalling contract (docs/CALLING.md): `POST` the offer, read
//! the call's event stream, `POST` the hang-up. Plain HTTP and Server-Sent Events.
//!
//! Addresses and the meaning of a failed start are plain functions tested on the host; the
//! `fetch` and `EventSource` glue exists only in the browser build.

use crate::pages::card::percent_encode;

/// `POST`: starts a call to the card.
pub fn start_url(slug: &str) -> String {
    format!("/api/cards/{}/calls", percent_encode(slug))
}

/// `GET`, `text/event-stream`: the call's steps.
pub fn events_url(call: &str) -> String {
    format!("/api/calls/live/{}/events", percent_encode(call))
}

/// `POST`: ends both legs.
pub fn hangup_url(call: &str) -> String {
    format!("/api/calls/live/{}/hangup", percent_encode(call))
}

/// The end cause for a start that did not get `201 Created`: by the error body's `code` when
/// it names one the page knows, else by the status (`None` = no response at all).
pub fn start_failure(status: Option<u16>, body: &str) -> &'static str {
    let code = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|body| body["error"]["code"].as_str().map(str::to_string));
    match (code.as_deref(), status) {
        (Some("busy"), _) | (_, Some(429)) => "too_many_calls",
        (Some("calling_off"), _) | (_, Some(503)) => "calling_off",
        (Some("line_busy"), _) | (_, Some(409)) => "line_busy",
        (_, Some(404)) => "card_not_found",
        (_, Some(422)) => "no_usable_audio",
        _ => "start_failed",
    }
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{EventSource, Headers, MessageEvent, RequestInit, Response};

    use super::{events_url, hangup_url, start_failure, start_url};
    use crate::model::calling::{CallEvent, CallStarted, StartCall};

    /// `POST /api/cards/{slug}/calls`; the error is an end cause (`calling_off`, …).
    pub async fn start_call(slug: &str, request: &StartCall) -> Result<CallStarted, &'static str> {
        let body = serde_json::to_string(request).map_err(|_| "start_failed")?;
        let (status, text) = post(&start_url(slug), Some(&body))
            .await
            .map_err(|_| start_failure(None, ""))?;
        if status != 201 && status != 200 {
            return Err(start_failure(Some(status), &text));
        }
        serde_json::from_str(&text).map_err(|_| start_failure(None, ""))
    }

    /// `POST /api/calls/live/{call}/hangup`. A failure changes nothing for the page: closing
    /// the peer connection ends the call too.
    pub async fn hang_up(call: &str) {
        let _ = post(&hangup_url(call), None).await;
    }

    /// `POST`s `json` (or nothing) to `url` on this origin, with the session cookie; the
    /// status and the body's text, or `Err` when no response came.
    pub(crate) async fn post(url: &str, json: Option<&str>) -> Result<(u16, String), JsValue> {
        let init = RequestInit::new();
        init.set_method("POST");
        if let Some(json) = json {
            let headers = Headers::new()?;
            headers.set("content-type", "application/json")?;
            init.set_headers(&headers);
            init.set_body(&JsValue::from_str(json));
        }
        let response: Response =
            JsFuture::from(gloo::utils::window().fetch_with_str_and_init(url, &init))
                .await?
                .dyn_into()?;
        let text = JsFuture::from(response.text()?).await?;
        Ok((response.status(), text.as_string().unwrap_or_default()))
    }

    /// An open event stream (of one call, or of the issuer's line). Dropping it does not close
    /// it: call [`close`].
    ///
    /// [`close`]: EventStream::close
    pub struct EventStream {
        source: EventSource,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(web_sys::Event)>,
    }

    impl EventStream {
        /// Opens `GET /api/calls/live/{call}/events`: `on_event` gets each step (malformed
        /// lines are skipped); `on_lost` runs if the stream fails for good. A dropped connection
        /// is retried by the browser itself; the steps make repeating one harmless.
        pub fn open(
            call: &str,
            on_event: impl FnMut(CallEvent) + 'static,
            on_lost: impl FnMut() + 'static,
        ) -> Result<EventStream, JsValue> {
            let source = EventSource::new(&events_url(call))?;
            Ok(EventStream::listen(
                source,
                CallEvent::parse,
                on_event,
                on_lost,
            ))
        }

        /// Listens on an opened `source`: `on_event` gets each `data:` line that `parse`
        /// understands; `on_lost` runs if the stream fails for good (the browser retries
        /// dropped connections itself).
        pub(crate) fn listen<Event: 'static>(
            source: EventSource,
            parse: fn(&str) -> Option<Event>,
            mut on_event: impl FnMut(Event) + 'static,
            mut on_lost: impl FnMut() + 'static,
        ) -> EventStream {
            let on_message =
                Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                    if let Some(event) = message.data().as_string().as_deref().and_then(parse) {
                        on_event(event);
                    }
                });
            let on_error = {
                let source = source.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                    if source.ready_state() == EventSource::CLOSED {
                        on_lost();
                    }
                })
            };
            source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            EventStream {
                source,
                _on_message: on_message,
                _on_error: on_error,
            }
        }

        pub fn close(&self) {
            self.source.set_onmessage(None);
            self.source.set_onerror(None);
            self.source.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_the_contract() {
        assert_eq!(start_url("hong-gildong"), "/api/cards/hong-gildong/calls");
        assert_eq!(events_url("c_1A2b"), "/api/calls/live/c_1A2b/events");
        assert_eq!(hangup_url("c_1A2b"), "/api/calls/live/c_1A2b/hangup");
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(start_url("a/b"), "/api/cards/a%2Fb/calls");
        assert_eq!(events_url("x?y"), "/api/calls/live/x%3Fy/events");
    }

    #[test]
    fn failed_starts_name_their_cause() {
        assert_eq!(start_failure(Some(404), ""), "card_not_found");
        assert_eq!(start_failure(Some(422), "{}"), "no_usable_audio");
        assert_eq!(start_failure(Some(503), "<html>"), "calling_off");
        assert_eq!(start_failure(Some(500), ""), "start_failed");
        // Issue 8: the bounds on call starts each have their own message.
        let busy = r#"{"error":{"code":"line_busy","message":"busy"}}"#;
        assert_eq!(start_failure(Some(409), busy), "line_busy");
        assert_eq!(start_failure(Some(429), "{}"), "too_many_calls");
        let full = r#"{"error":{"code":"busy","message":"at capacity"}}"#;
        assert_eq!(start_failure(Some(503), full), "too_many_calls");
        assert_eq!(start_failure(None, ""), "start_failed");
    }

    #[test]
    fn the_error_body_s_code_names_a_switched_off_installation() {
        let body = r#"{"error":{"code":"calling_off","message":"not running"}}"#;
        assert_eq!(start_failure(Some(400), body), "calling_off");
        let other = r#"{"error":{"code":"bad_request","message":"no"}}"#;
        assert_eq!(start_failure(Some(400), other), "start_failed");
    }
}
