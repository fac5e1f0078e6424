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
//! - an SDP offer (re-INVITE or UPDATE): 200 with our answer when it keeps the codec in use
//!   and the address we send RTP to (or puts the call on hold with an unspecified address);
//!   anything else — another codec, a moved stream, no common codec, a rejected stream,
//!   unreadable SDP — is 488 Not Acceptable Here, and the call goes on as it was. The media
//!   path cannot switch codec or destination mid-call.
//! - any other method (INFO, MESSAGE, REFER, NOTIFY, …): 405 Method Not Allowed with our
//!   `Allow` list. rsipstack would answer 501 to all of these.
//!
//! Invariant: our answers only ever name the codec and telephone-event type in use; the
//! `o=` version rises by one exactly when the SDP we send differs from the last one.

use std::net::SocketAddr;

use super::sdp::{SdpAnswer, answer_sdp};
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
    /// 200 OK, with this SDP (`application/sdp`) if any.
    Accept { sdp: Option<String> },
    /// 488 Not Acceptable Here: the offer would change media we cannot change.
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
    codec: Codec,
    remote_rtp: SocketAddr,
}

impl InDialog {
    /// After the answer: our offer (`offer_sdp`, with its `o=` id and version) and what the
    /// trunk's answer chose.
    pub fn new(
        offer_sdp: String,
        local_rtp: SocketAddr,
        session_id: u64,
        answer: &SdpAnswer,
    ) -> InDialog {
        InDialog {
            local_rtp,
            session_id,
            version: session_id,
            last_sdp: offer_sdp,
            codec: answer.codec,
            remote_rtp: answer.rtp,
        }
    }

    /// The SDP we last sent: the body of our own refresh re-INVITE.
    pub fn last_sdp(&self) -> &str {
        &self.last_sdp
    }

    pub fn decide(&mut self, method: InDialogMethod, body: &[u8]) -> Verdict {
        let has_sdp = !body.iter().all(u8::is_ascii_whitespace);
        match (method, has_sdp) {
            (InDialogMethod::Options, _) => Verdict::Accept { sdp: None },
            (InDialogMethod::Invite, false) => Verdict::Accept {
                sdp: Some(self.last_sdp.clone()),
            },
            (InDialogMethod::Update, false) => Verdict::Accept { sdp: None },
            (InDialogMethod::Invite | InDialogMethod::Update, true) => self.answer(body),
            (InDialogMethod::Other, _) => Verdict::MethodNotAllowed,
        }
    }

    fn answer(&mut self, offer: &[u8]) -> Verdict {
        // Reading the offer as if it answered an offer of only our codec finds exactly
        // whether it still lists that codec, where it wants RTP, and its event type.
        let offered = match SdpAnswer::parse(offer, &[self.codec]) {
            Ok(offered) => offered,
            Err(_) => {
                return Verdict::NotAcceptable {
                    why: "the offer drops the codec in use or is unusable",
                };
            }
        };
        let on_hold = offered.rtp.ip().is_unspecified();
        if offered.rtp != self.remote_rtp && !on_hold {
            return Verdict::NotAcceptable {
                why: "the offer moves the trunk's media",
            };
        }
        let sdp = answer_sdp(
            self.local_rtp,
            self.codec,
            offered.telephone_event,
            self.session_id,
            self.version,
        );
        let sdp = if sdp == self.last_sdp {
            sdp
        } else {
            self.version += 1;
            answer_sdp(
                self.local_rtp,
                self.codec,
                offered.telephone_event,
                self.session_id,
                self.version,
            )
        };
        self.last_sdp = sdp.clone();
        Verdict::Accept { sdp: Some(sdp) }
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
        InDialog::new(offer.to_sdp(), offer.rtp, 7, &answer)
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
        assert_eq!(
            dialog.decide(InDialogMethod::Options, b""),
            Verdict::Accept { sdp: None }
        );
        assert_eq!(
            dialog.decide(InDialogMethod::Update, b"\r\n"),
            Verdict::Accept { sdp: None }
        );
        assert_eq!(
            dialog.decide(InDialogMethod::Invite, b""),
            Verdict::Accept { sdp: Some(sent) },
            "a re-INVITE without SDP gets the same SDP, same version"
        );
    }

    #[test]
    fn an_offer_keeping_our_codec_is_answered_with_it_and_a_new_version_once() {
        let mut dialog = dialog(Codec::Pcma);
        let Verdict::Accept { sdp: Some(first) } =
            dialog.decide(InDialogMethod::Invite, &offer("127.0.0.1", 6000, "0 8 101"))
        else {
            panic!("accepted");
        };
        assert!(first.contains("o=callcard 7 8 "), "{first}");
        assert!(first.contains("m=audio 40000 RTP/AVP 8 101\r\n"), "{first}");
        assert!(!first.contains("PCMU"), "{first}");
        // The same offer again (a refresh that repeats its SDP): the same answer, same version.
        let again = dialog.decide(InDialogMethod::Update, &offer("127.0.0.1", 6000, "8 101"));
        assert_eq!(again, Verdict::Accept { sdp: Some(first) });
    }

    #[test]
    fn hold_with_an_unspecified_address_is_accepted() {
        let mut dialog = dialog(Codec::Pcmu);
        let verdict = dialog.decide(InDialogMethod::Invite, &offer("0.0.0.0", 6000, "0"));
        assert_eq!(verdict.status(), 200, "{verdict:?}");
    }

    #[test]
    fn offers_that_change_what_we_cannot_change_get_488() {
        let mut dialog = dialog(Codec::Pcmu);
        let before = dialog.clone();
        for offer in [
            offer("127.0.0.1", 6000, "8 101"),
            offer("127.0.0.1", 6002, "0 101"),
            offer("192.0.2.9", 6000, "0"),
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
