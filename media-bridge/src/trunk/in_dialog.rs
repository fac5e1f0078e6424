//! What we answer when the trunk sends a request inside an answered call — plain code, no I/O.
//!
//! Model: carriers send OPTIONS as keep-alives and re-INVITE or UPDATE to refresh the session
//! (RFC 4028) or to renegotiate media. rsipstack hands these to the dialer, which asks
//! [`InDialog::decide`] for the reply (the session timer's part — `Session-Expires`, 422 — is
//! [`super::session_timer`]'s):
//!
//! - OPTIONS: 200.
//! - re-INVITE without SDP: 200 with the SDP we last sent, unchanged (same `o=` version), as
//!   a new offer; the ACK's answer is not read, so a trunk that used it to switch codecs
//!   would not be followed (none we know of does on a refresh).
//! - UPDATE without SDP: 200 without a body.
//! - an SDP offer (re-INVITE or UPDATE): 200 with our answer when it lists a codec we speak.
//!   The codec in use is kept whenever the offer still lists it (RFC 3264 §6.1: no needless
//!   change); otherwise the offer's first codec that our own offer listed is taken. The
//!   stream may move (a carrier's media relay changing, a transfer behind the trunk): the
//!   verdict then carries the new [`RemoteMedia`], which the call's holder applies to its RTP
//!   socket. Hold with an unspecified address (`c=0.0.0.0`) keeps the address we send to.
//!   No codec we speak, a rejected stream or unreadable SDP is 488 Not Acceptable Here, and
//!   the call goes on as it was.
//! - any other method (INFO, MESSAGE, REFER, NOTIFY, …): 405 Method Not Allowed with our
//!   `Allow` list. rsipstack would answer 501 to all of these.
//!
//! Invariants: our answers only ever name the codec and telephone-event type in use after
//! them, and a verdict names new media exactly when what we send or accept changes; the `o=`
//! version rises by one exactly when the SDP we send differs from the last one; a refused
//! offer changes nothing.

use std::net::SocketAddr;

use super::rtp_socket::RemoteMedia;
use super::sdp::{SdpAnswer, SdpError, answer_sdp};
use crate::g711::Codec;

/// Every method our trunk leg takes part in, for `Allow`.
pub const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE";

/// An in-dialog request, as far as the answer depends on its method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InDialogMethod {
    Invite,
    Update,
    Options,
    /// Anything else but BYE and ACK, which rsipstack handles itself.
    Other,
}

/// The reply to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// 200 OK, with this SDP (`application/sdp`) if any; with the media to switch to when the
    /// offer changed where or how we send (or which event type we read).
    Accept {
        sdp: Option<String>,
        media: Option<RemoteMedia>,
    },
    /// 488 Not Acceptable Here: the offer names no media we can use.
    NotAcceptable { why: &'static str },
    /// 405 Method Not Allowed (sent with `Allow`).
    MethodNotAllowed,
}

impl Verdict {
    pub fn status(&self) -> u16 {
        match self {
            Verdict::Accept { .. } => 200,
            Verdict::NotAcceptable { .. } => 488,
            Verdict::MethodNotAllowed => 405,
        }
    }
}

/// The media as negotiated, and the SDP we last sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InDialog {
    local_rtp: SocketAddr,
    session_id: u64,
    version: u64,
    last_sdp: String,
    /// The codecs our offer listed: the ones we may switch to.
    codecs: Vec<Codec>,
    remote: RemoteMedia,
}

impl InDialog {
    /// After the answer: our offer (`offer_sdp`, with its `o=` id and version, listing
    /// `codecs`) and what the trunk's answer chose.
    pub fn new(
        offer_sdp: String,
        local_rtp: SocketAddr,
        session_id: u64,
        codecs: &[Codec],
        answer: &SdpAnswer,
    ) -> InDialog {
        InDialog {
            local_rtp,
            session_id,
            version: session_id,
            last_sdp: offer_sdp,
            codecs: codecs.to_vec(),
            remote: RemoteMedia {
                rtp: answer.rtp,
                codec: answer.codec,
                telephone_event: answer.telephone_event,
            },
        }
    }

    /// The media in use: where and how we send, and the event type we read.
    pub fn media(&self) -> RemoteMedia {
        self.remote
    }

    /// The SDP we last sent: the body of our own refresh re-INVITE.
    pub fn last_sdp(&self) -> &str {
        &self.last_sdp
    }

    pub fn decide(&mut self, method: InDialogMethod, body: &[u8]) -> Verdict {
        let has_sdp = !body.iter().all(u8::is_ascii_whitespace);
        match (method, has_sdp) {
            (InDialogMethod::Options, _) | (InDialogMethod::Update, false) => Verdict::Accept {
                sdp: None,
                media: None,
            },
            (InDialogMethod::Invite, false) => Verdict::Accept {
                sdp: Some(self.last_sdp.clone()),
                media: None,
            },
            (InDialogMethod::Invite | InDialogMethod::Update, true) => self.answer(body),
            (InDialogMethod::Other, _) => Verdict::MethodNotAllowed,
        }
    }

    fn answer(&mut self, offer: &[u8]) -> Verdict {
        // Reading the offer as if it answered an offer of only the codec in use finds
        // whether it still lists that codec, where it wants RTP, and its event type; failing
        // that, as an answer to our own offer finds the first of its codecs that we speak.
        let offered = match SdpAnswer::parse(offer, &[self.remote.codec]) {
            Err(SdpError::NoCommonCodec) => SdpAnswer::parse(offer, &self.codecs),
            read => read,
        };
        let Ok(offered) = offered else {
            return Verdict::NotAcceptable {
                why: "the offer lists no codec we speak, or is unusable",
            };
        };
        // On hold the trunk sends nothing and wants nothing: keep the address we know.
        let rtp = if offered.rtp.ip().is_unspecified() {
            self.remote.rtp
        } else {
            offered.rtp
        };
        let media = RemoteMedia {
            rtp,
            codec: offered.codec,
            telephone_event: offered.telephone_event,
        };
        let sdp = answer_sdp(
            self.local_rtp,
            media.codec,
            media.telephone_event,
            self.session_id,
            self.version,
        );
        let sdp = if sdp == self.last_sdp {
            sdp
        } else {
            self.version += 1;
            answer_sdp(
                self.local_rtp,
                media.codec,
                media.telephone_event,
                self.session_id,
                self.version,
            )
        };
        self.last_sdp = sdp.clone();
        let changed = media != self.remote;
        self.remote = media;
        Verdict::Accept {
            sdp: Some(sdp),
            media: changed.then_some(media),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trunk::SdpOffer;

    const LOCAL: &str = "127.0.0.1:40000";
    const REMOTE: &str = "127.0.0.1:6000";

    fn dialog(codec: Codec) -> InDialog {
        let offer = SdpOffer {
            rtp: LOCAL.parse().unwrap(),
            codecs: vec![Codec::Pcmu, Codec::Pcma],
            session_id: 7,
        };
        let answer = SdpAnswer {
            rtp: REMOTE.parse().unwrap(),
            codec,
            telephone_event: Some(101),
        };
        InDialog::new(offer.to_sdp(), offer.rtp, 7, &offer.codecs, &answer)
    }

    fn accepted(verdict: Verdict) -> (String, Option<RemoteMedia>) {
        match verdict {
            Verdict::Accept {
                sdp: Some(sdp),
                media,
            } => (sdp, media),
            other => panic!("expected an answer, got {other:?}"),
        }
    }

    fn offer(address: &str, port: u16, formats: &str) -> Vec<u8> {
        format!(
            "v=0\r\no=trunk 1 2 IN IP4 {address}\r\ns=-\r\nc=IN IP4 {address}\r\nt=0 0\r\n\
             m=audio {port} RTP/AVP {formats}\r\na=rtpmap:101 telephone-event/8000\r\n"
        )
        .into_bytes()
    }

    #[test]
    fn options_and_refreshes_without_sdp_are_accepted() {
        let mut dialog = dialog(Codec::Pcmu);
        let sent = dialog.last_sdp().to_owned();
        let nothing = Verdict::Accept {
            sdp: None,
            media: None,
        };
        assert_eq!(dialog.decide(InDialogMethod::Options, b""), nothing);
        assert_eq!(dialog.decide(InDialogMethod::Update, b"\r\n"), nothing);
        assert_eq!(
            dialog.decide(InDialogMethod::Invite, b""),
            Verdict::Accept {
                sdp: Some(sent),
                media: None
            },
            "a re-INVITE without SDP gets the same SDP, same version"
        );
    }

    #[test]
    fn an_offer_keeping_our_codec_is_answered_with_it_and_a_new_version_once() {
        let mut dialog = dialog(Codec::Pcma);
        let before = dialog.media();
        let (first, media) =
            accepted(dialog.decide(InDialogMethod::Invite, &offer("127.0.0.1", 6000, "0 8 101")));
        assert_eq!(
            media, None,
            "the codec in use is kept though PCMU comes first"
        );
        assert_eq!(dialog.media(), before);
        assert!(first.contains("o=callcard 7 8 "), "{first}");
        assert!(first.contains("m=audio 40000 RTP/AVP 8 101\r\n"), "{first}");
        assert!(!first.contains("PCMU"), "{first}");
        // The same offer again (a refresh that repeats its SDP): the same answer, same version.
        let again = dialog.decide(InDialogMethod::Update, &offer("127.0.0.1", 6000, "8 101"));
        assert_eq!(
            again,
            Verdict::Accept {
                sdp: Some(first),
                media: None
            }
        );
    }

    #[test]
    fn hold_with_an_unspecified_address_keeps_the_address_we_send_to() {
        let mut dialog = dialog(Codec::Pcmu);
        let before = dialog.media();
        let (_, media) =
            accepted(dialog.decide(InDialogMethod::Invite, &offer("0.0.0.0", 6000, "0 101")));
        assert_eq!(media, None, "{:?}", dialog.media());
        assert_eq!(dialog.media(), before);
    }

    #[test]
    fn an_offer_without_the_codec_in_use_switches_to_one_we_speak() {
        let mut dialog = dialog(Codec::Pcmu);
        let (sdp, media) = accepted(dialog.decide(
            InDialogMethod::Invite,
            &offer("127.0.0.1", 6000, "18 8 101"),
        ));
        let switched = RemoteMedia {
            rtp: REMOTE.parse().unwrap(),
            codec: Codec::Pcma,
            telephone_event: Some(101),
        };
        assert_eq!(media, Some(switched), "G.729 (18) skipped, PCMA taken");
        assert_eq!(dialog.media(), switched);
        assert!(sdp.contains("m=audio 40000 RTP/AVP 8 101\r\n"), "{sdp}");
        assert!(sdp.contains("o=callcard 7 8 "), "{sdp}");
        // Back to PCMU: another change, another version.
        let (sdp, media) =
            accepted(dialog.decide(InDialogMethod::Update, &offer("127.0.0.1", 6000, "0 101")));
        assert_eq!(media.map(|media| media.codec), Some(Codec::Pcmu));
        assert!(sdp.contains("o=callcard 7 9 "), "{sdp}");
    }

    #[test]
    fn a_moved_stream_is_followed() {
        let mut dialog = dialog(Codec::Pcmu);
        for (address, port) in [("127.0.0.1", 6002), ("192.0.2.9", 6000)] {
            let (sdp, media) =
                accepted(dialog.decide(InDialogMethod::Invite, &offer(address, port, "0 101")));
            let moved: SocketAddr = format!("{address}:{port}").parse().unwrap();
            assert_eq!(
                media,
                Some(RemoteMedia {
                    rtp: moved,
                    codec: Codec::Pcmu,
                    telephone_event: Some(101),
                })
            );
            assert!(sdp.contains("m=audio 40000 RTP/AVP 0 101\r\n"), "{sdp}");
        }
    }

    #[test]
    fn a_new_telephone_event_type_is_a_change_of_media() {
        let mut dialog = dialog(Codec::Pcmu);
        let body = String::from_utf8(offer("127.0.0.1", 6000, "0 96"))
            .unwrap()
            .replace("rtpmap:101", "rtpmap:96")
            .into_bytes();
        let (sdp, media) = accepted(dialog.decide(InDialogMethod::Invite, &body));
        assert_eq!(media.map(|media| media.telephone_event), Some(Some(96)));
        assert!(sdp.contains("m=audio 40000 RTP/AVP 0 96\r\n"), "{sdp}");
    }

    #[test]
    fn offers_we_cannot_use_get_488_and_change_nothing() {
        let mut dialog = dialog(Codec::Pcmu);
        let before = dialog.clone();
        for offer in [
            offer("127.0.0.1", 6000, "18 9"),
            offer("127.0.0.1", 0, "0"),
            b"\xff\xfe".to_vec(),
            b"v=0\r\n".to_vec(),
        ] {
            let verdict = dialog.decide(InDialogMethod::Invite, &offer);
            assert_eq!(verdict.status(), 488, "{verdict:?}");
        }
        assert_eq!(dialog, before, "a refused offer changes nothing");
    }

    #[test]
    fn other_methods_are_not_allowed_rather_than_not_implemented() {
        let mut dialog = dialog(Codec::Pcmu);
        assert_eq!(
            dialog.decide(InDialogMethod::Other, b"Signal=1"),
            Verdict::MethodNotAllowed
        );
        assert_eq!(Verdict::MethodNotAllowed.status(), 405);
    }
}
