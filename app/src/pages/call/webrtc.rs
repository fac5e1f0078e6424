//! The browser's media side of a call: the microphone, one `RTCPeerConnection` with the
//! microphone's track, the remote audio into an `<audio>` element, mute and DTMF.
//!
//! Offers are not trickled (docs/CALLING.md): [`CallMedia::offer`] waits for ICE gathering to
//! finish, or for a short limit, and returns the SDP with every candidate found by then. Codec
//! preferences put G.711 first and keep `telephone-event/8000` only (NOTES-media.md: the bridge
//! then forwards to the trunk without transcoding, and DTMF keeps an 8 kHz clock).
//!
//! The rules (which codecs, what a `getUserMedia` error means) are plain functions tested on the
//! host; the glue below them exists only in the browser build.

/// One codec as `RTCRtpSender.getCapabilities("audio")` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codec {
    pub mime_type: String,
    pub clock_rate: u32,
}

/// Indices into `offered` in the order to prefer: PCMU, PCMA, then `telephone-event/8000`.
/// Empty when the browser has neither G.711 law: then its own order stays, and the server
/// answers `422` if it cannot use it.
pub fn preferred_codecs(offered: &[Codec]) -> Vec<usize> {
    let pick = |mime_type: &'static str| {
        offered
            .iter()
            .enumerate()
            .filter(move |(_, codec)| {
                codec.mime_type.eq_ignore_ascii_case(mime_type) && codec.clock_rate == 8000
            })
            .map(|(index, _)| index)
    };
    let g711: Vec<usize> = pick("audio/PCMU").chain(pick("audio/PCMA")).collect();
    if g711.is_empty() {
        return g711;
    }
    g711.into_iter()
        .chain(pick("audio/telephone-event"))
        .collect()
}

/// The end cause for a failed `getUserMedia`, by the `DOMException`'s name.
pub fn microphone_failure(error_name: &str) -> &'static str {
    match error_name {
        // Chromium's older names are `PermissionDeniedError` and `DevicesNotFoundError`.
        "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => "microphone_refused",
        "NotFoundError" | "DevicesNotFoundError" | "OverconstrainedError" => "microphone_missing",
        "TypeError" | "NotSupportedError" => "browser_unsupported",
        _ => "start_failed",
    }
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(feature = "hydrate")]
mod browser {
    use std::rc::Rc;
    use std::time::Duration;

    use js_sys::{Array, Function, Object, Promise, Reflect};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        HtmlAudioElement, MediaStream, MediaStreamConstraints, MediaStreamTrack, RtcConfiguration,
        RtcIceGatheringState, RtcIceServer, RtcPeerConnection, RtcRtpCodecCapability, RtcRtpSender,
        RtcRtpTransceiver, RtcSdpType, RtcSessionDescriptionInit, RtcTrackEvent,
    };

    use super::{Codec, microphone_failure, preferred_codecs};
    use crate::model::calling::IceServer;

    /// How long an offer waits for ICE gathering before it goes with the candidates it has.
    pub const ICE_GATHERING_LIMIT: Duration = Duration::from_secs(2);

    /// How often the offer checks whether ICE gathering is complete.
    const GATHERING_POLL: Duration = Duration::from_millis(20);

    /// Asks for the microphone; the error is an end cause (`microphone_refused`, …).
    pub async fn open_microphone() -> Result<MediaStream, &'static str> {
        let devices = gloo::utils::window()
            .navigator()
            .media_devices()
            .map_err(|_| "browser_unsupported")?;
        let constraints = MediaStreamConstraints::new();
        constraints.set_audio(&JsValue::TRUE);
        let request = devices
            .get_user_media_with_constraints(&constraints)
            .map_err(|_| "browser_unsupported")?;
        match JsFuture::from(request).await {
            Ok(stream) => Ok(stream.unchecked_into()),
            Err(error) => Err(microphone_failure(&error_name(&error))),
        }
    }

    /// One call's peer connection and microphone. Clones share the same connection.
    #[derive(Clone)]
    pub struct CallMedia {
        peer: RtcPeerConnection,
        microphone: MediaStream,
        sender: RtcRtpSender,
        speaker: HtmlAudioElement,
        _on_track: Rc<Closure<dyn FnMut(RtcTrackEvent)>>,
    }

    impl CallMedia {
        /// A peer connection sending the microphone and playing what it receives on `speaker`.
        pub fn new(
            ice_servers: &[IceServer],
            microphone: MediaStream,
            speaker: HtmlAudioElement,
        ) -> Result<CallMedia, JsValue> {
            let peer = RtcPeerConnection::new_with_configuration(&configuration(ice_servers))
                .inspect_err(|_| stop_tracks(&microphone))?;
            let track: MediaStreamTrack = match microphone.get_audio_tracks().get(0).dyn_into() {
                Ok(track) => track,
                Err(error) => {
                    peer.close();
                    stop_tracks(&microphone);
                    return Err(error);
                }
            };
            let sender = peer.add_track_0(&track, &microphone);
            prefer_telephone_codecs(&peer, &sender);
            let on_track = {
                let speaker = speaker.clone();
                Closure::<dyn FnMut(RtcTrackEvent)>::new(move |event: RtcTrackEvent| {
                    let stream = event
                        .streams()
                        .get(0)
                        .dyn_into::<MediaStream>()
                        .ok()
                        .or_else(|| {
                            let stream = MediaStream::new().ok()?;
                            stream.add_track(&event.track());
                            Some(stream)
                        });
                    speaker.set_src_object(stream.as_ref());
                })
            };
            peer.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
            Ok(CallMedia {
                peer,
                microphone,
                sender,
                speaker,
                _on_track: Rc::new(on_track),
            })
        }

        /// Creates and applies the offer, waits up to `gathering_limit` for ICE candidates, and
        /// returns the SDP with the candidates found.
        pub async fn offer(&self, gathering_limit: Duration) -> Result<String, JsValue> {
            let offer = JsFuture::from(self.peer.create_offer()).await?;
            let sdp = Reflect::get(&offer, &"sdp".into())?
                .as_string()
                .unwrap_or_default();
            let description = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
            description.set_sdp(&sdp);
            JsFuture::from(self.peer.set_local_description(&description)).await?;
            let mut waited = Duration::ZERO;
            while self.peer.ice_gathering_state() != RtcIceGatheringState::Complete
                && waited < gathering_limit
            {
                sleep(GATHERING_POLL).await;
                waited += GATHERING_POLL;
            }
            Ok(self
                .peer
                .local_description()
                .map(|description| description.sdp())
                .unwrap_or(sdp))
        }

        pub async fn accept(&self, answer_sdp: &str) -> Result<(), JsValue> {
            let description = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
            description.set_sdp(answer_sdp);
            JsFuture::from(self.peer.set_remote_description(&description)).await?;
            Ok(())
        }

        /// Calls `on_change` with the peer connection's `connectionState` (`connected`,
        /// `disconnected`, `failed`, …) at each change, until [`CallMedia::close`]. The watch
        /// lasts as long as the returned closure is kept.
        pub fn watch_connection(
            &self,
            mut on_change: impl FnMut(String) + 'static,
        ) -> Closure<dyn FnMut(web_sys::Event)> {
            let peer = self.peer.clone();
            let watch = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                let state = Reflect::get(&peer, &"connectionState".into())
                    .ok()
                    .and_then(|state| state.as_string())
                    .unwrap_or_default();
                on_change(state);
            });
            self.peer
                .set_onconnectionstatechange(Some(watch.as_ref().unchecked_ref()));
            watch
        }

        pub fn set_muted(&self, muted: bool) {
            for track in self.microphone.get_audio_tracks() {
                track
                    .unchecked_into::<MediaStreamTrack>()
                    .set_enabled(!muted);
            }
        }

        /// Sends DTMF tones (RFC 4733) on the microphone's sender.
        pub fn send_tones(&self, tones: &str) -> Result<(), JsValue> {
            let dtmf = self
                .sender
                .dtmf()
                .ok_or_else(|| JsValue::from_str("no DTMF sender"))?;
            call_method(&dtmf, "insertDTMF", &[JsValue::from_str(tones)]).map(drop)
        }

        /// Ends the media: the bridge sees the connection close; the microphone light goes out.
        pub fn close(&self) {
            self.peer.set_ontrack(None);
            self.peer.set_onconnectionstatechange(None);
            self.peer.close();
            stop_tracks(&self.microphone);
            self.speaker.set_src_object(None);
        }
    }

    /// Turns the microphone off (and the browser's "in use" indicator with it).
    fn stop_tracks(stream: &MediaStream) {
        for track in stream.get_tracks() {
            track.unchecked_into::<MediaStreamTrack>().stop();
        }
    }

    fn configuration(ice_servers: &[IceServer]) -> RtcConfiguration {
        let configuration = RtcConfiguration::new();
        let servers: Array = ice_servers
            .iter()
            .map(|server| {
                let ice = RtcIceServer::new();
                let urls: Array = server
                    .urls
                    .iter()
                    .map(|url| JsValue::from_str(url))
                    .collect();
                ice.set_urls(&urls);
                if let Some(username) = &server.username {
                    ice.set_username(username);
                }
                if let Some(credential) = &server.credential {
                    ice.set_credential(credential);
                }
                JsValue::from(ice)
            })
            .collect();
        configuration.set_ice_servers(&servers);
        configuration
    }

    /// `setCodecPreferences` on the microphone's transceiver, when the browser has it (it
    /// throws on codecs it does not know, so a failure leaves the browser's own order).
    fn prefer_telephone_codecs(peer: &RtcPeerConnection, sender: &RtcRtpSender) {
        let capabilities = Reflect::get(&js_sys::global(), &"RTCRtpSender".into())
            .and_then(|class| call_method(&class, "getCapabilities", &["audio".into()]));
        let Ok(capabilities) = capabilities else {
            return;
        };
        let Ok(codecs) = Reflect::get(&capabilities, &"codecs".into()) else {
            return;
        };
        let codecs: Vec<JsValue> = Array::from(&codecs).iter().collect();
        let described: Vec<Codec> = codecs
            .iter()
            .map(|codec| {
                let codec: &RtcRtpCodecCapability = codec.unchecked_ref();
                Codec {
                    mime_type: codec.get_mime_type(),
                    clock_rate: codec.get_clock_rate(),
                }
            })
            .collect();
        let chosen: Array = preferred_codecs(&described)
            .into_iter()
            .map(|index| codecs[index].clone())
            .collect();
        if chosen.length() == 0 {
            return;
        }
        let transceiver = peer
            .get_transceivers()
            .iter()
            .map(JsCast::unchecked_into::<RtcRtpTransceiver>)
            .find(|transceiver| Object::is(&transceiver.sender(), sender));
        if let Some(transceiver) = transceiver {
            let _ = call_method(&transceiver, "setCodecPreferences", &[chosen.into()]);
        }
    }

    /// Calls `target[name](...args)`, turning a missing method or a thrown exception into `Err`
    /// (web-sys' bindings of these methods do not catch).
    fn call_method(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
        let method: Function = Reflect::get(target, &name.into())?.dyn_into()?;
        method.apply(target, &args.iter().collect::<Array>())
    }

    fn error_name(error: &JsValue) -> String {
        Reflect::get(error, &"name".into())
            .ok()
            .and_then(|name| name.as_string())
            .unwrap_or_default()
    }

    async fn sleep(duration: Duration) {
        let delay = i32::try_from(duration.as_millis()).unwrap_or(i32::MAX);
        let timer = Promise::new(&mut |resolve, _reject| {
            let _ = gloo::utils::window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, delay);
        });
        let _ = JsFuture::from(timer).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec(mime_type: &str, clock_rate: u32) -> Codec {
        Codec {
            mime_type: mime_type.into(),
            clock_rate,
        }
    }

    #[test]
    fn g711_comes_first_and_dtmf_keeps_only_its_8_khz_clock() {
        let chromium = [
            codec("audio/opus", 48000),
            codec("audio/red", 48000),
            codec("audio/G722", 8000),
            codec("audio/PCMU", 8000),
            codec("audio/PCMA", 8000),
            codec("audio/CN", 8000),
            codec("audio/telephone-event", 48000),
            codec("audio/telephone-event", 8000),
        ];
        assert_eq!(preferred_codecs(&chromium), vec![3, 4, 7]);
    }

    #[test]
    fn mime_types_match_without_case() {
        let offered = [codec("audio/pcma", 8000), codec("AUDIO/PCMU", 8000)];
        assert_eq!(preferred_codecs(&offered), vec![1, 0]);
    }

    #[test]
    fn without_g711_the_browser_s_order_stays() {
        let offered = [
            codec("audio/opus", 48000),
            codec("audio/telephone-event", 8000),
        ];
        assert!(preferred_codecs(&offered).is_empty());
        assert_eq!(
            preferred_codecs(&[codec("audio/PCMU", 8000)]),
            vec![0],
            "no telephone-event: G.711 alone"
        );
    }

    #[test]
    fn microphone_errors_name_their_cause() {
        assert_eq!(microphone_failure("NotAllowedError"), "microphone_refused");
        assert_eq!(microphone_failure("NotFoundError"), "microphone_missing");
        assert_eq!(microphone_failure("NotReadableError"), "start_failed");
        assert_eq!(microphone_failure(""), "start_failed");
    }
}
