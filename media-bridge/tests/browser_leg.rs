//! The browser leg's driver against a second webrtc-rs peer playing the browser, on 127.0.0.1.
//!
//! The fake browser offers like Chromium does by default (PCMU, PCMA, telephone-event at
//! 48000 AND 8000), so every test that answers also exercises the telephone-event/48000 strip.
//! Each test builds its own pair of peers on free ports, so they run in parallel.

mod fake_browser;

use std::time::Duration;

use fake_browser::{FakeBrowser, TELEPHONE_EVENT_8000, TELEPHONE_EVENT_48000, WAIT};
use media_bridge::browser::{
    BrowserEvent, BrowserLeg, BrowserLegConfig, BrowserLegError, BrowserSdpError,
};
use media_bridge::dtmf::{Digit, DtmfSender, TelephoneEvent};
use media_bridge::g711::Codec;
use webrtc::peer_connection::RTCPeerConnectionState;

const PACKETS: usize = 50;
const SAMPLES: u32 = 160;

/// 160 bytes that differ from packet to packet, so a swapped or repeated packet shows.
fn payload(index: usize) -> Vec<u8> {
    (0..SAMPLES as usize)
        .map(|offset| (index * 7 + offset) as u8)
        .collect()
}

async fn next_event(leg: &mut BrowserLeg) -> BrowserEvent {
    tokio::time::timeout(WAIT, leg.next_event())
        .await
        .expect("an event within the wait")
        .expect("the leg's events continue")
}

/// The next event that is not audio (the other side may still be talking).
async fn next_signal(leg: &mut BrowserLeg) -> BrowserEvent {
    loop {
        match next_event(leg).await {
            BrowserEvent::Audio { .. } => continue,
            other => return other,
        }
    }
}

/// The bridge answers the fake browser's offer; both sides connect.
async fn connected_pair() -> (BrowserLeg, FakeBrowser, String) {
    let mut browser = FakeBrowser::new().await;
    let offer = browser.offer().await;
    let config = BrowserLegConfig::loopback();
    let offer = config
        .screen(&offer)
        .expect("a browser's offer passes the screen");
    let (mut leg, answer) = BrowserLeg::answer(&offer, &config)
        .await
        .expect("the bridge answers");
    browser.accept_answer(answer.clone()).await;
    assert_eq!(next_event(&mut leg).await, BrowserEvent::Connected);
    browser
        .wait_for_state(|state| state == RTCPeerConnectionState::Connected)
        .await;
    (leg, browser, answer)
}

#[tokio::test]
async fn answer_to_a_chromium_like_offer_drops_telephone_event_48000_and_connects() {
    let mut browser = FakeBrowser::new().await;
    let offer = browser.offer().await;
    // The offer really carries both clocks, or this test proves nothing.
    assert!(offer.contains(&format!(
        "a=rtpmap:{TELEPHONE_EVENT_48000} telephone-event/48000"
    )));
    assert!(offer.contains(&format!(
        "a=rtpmap:{TELEPHONE_EVENT_8000} telephone-event/8000"
    )));

    let started = tokio::time::Instant::now();
    let config = BrowserLegConfig::loopback();
    let offer = config
        .screen(&offer)
        .expect("a browser's offer passes the screen");
    let (mut leg, answer) = BrowserLeg::answer(&offer, &config).await.unwrap();
    assert!(!answer.contains("telephone-event/48000"), "{answer}");
    assert!(answer.contains(&format!(
        "a=rtpmap:{TELEPHONE_EVENT_8000} telephone-event/8000"
    )));
    assert!(answer.contains("a=candidate:"), "non-trickle: {answer}");
    assert_eq!(leg.codec(), Some(Codec::Pcmu));

    browser.accept_answer(answer).await;
    assert_eq!(next_event(&mut leg).await, BrowserEvent::Connected);
    browser
        .wait_for_state(|state| state == RTCPeerConnectionState::Connected)
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn audio_flows_from_the_browser_without_empty_packets() {
    let (mut leg, mut browser, _) = connected_pair().await;
    let first_timestamp: u32 = rand::random();
    for index in 0..PACKETS {
        let timestamp = first_timestamp.wrapping_add(SAMPLES * index as u32);
        browser
            .send_rtp(0, index == 0, timestamp, &payload(index))
            .await;
        if index == 10 {
            // Chromium sends a few of these per call.
            browser.send_rtp(0, false, timestamp, &[]).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for index in 0..PACKETS {
        match next_event(&mut leg).await {
            BrowserEvent::Audio {
                header,
                payload: received,
            } => {
                assert_eq!(received, payload(index), "packet {index}");
                assert_eq!(header.payload_type, 0);
                assert_eq!(header.ssrc, browser.ssrc);
            }
            other => panic!("expected audio {index}, got {other:?}"),
        }
    }
    let extra = tokio::time::timeout(Duration::from_millis(300), leg.next_event()).await;
    assert!(extra.is_err(), "nothing after the 50 packets: {extra:?}");
}

#[tokio::test]
async fn audio_flows_to_the_browser_on_the_tracks_ssrc_with_continuous_numbering() {
    let (mut leg, mut browser, _) = connected_pair().await;
    for index in 0..PACKETS {
        leg.send_audio(&payload(index), SAMPLES).await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let first = browser.next_rtp().await;
    assert_eq!(first.payload.as_ref(), payload(0).as_slice());
    assert_eq!(first.header.ssrc, leg.ssrc());
    assert_eq!(first.header.payload_type, 0);
    assert!(first.header.marker, "the first packet starts a talkspurt");
    for index in 1..PACKETS {
        let packet = browser.next_rtp().await;
        assert_eq!(
            packet.payload.as_ref(),
            payload(index).as_slice(),
            "packet {index}"
        );
        assert_eq!(packet.header.ssrc, leg.ssrc());
        assert!(!packet.header.marker);
        let step = index as u16;
        assert_eq!(
            packet.header.sequence_number,
            first.header.sequence_number.wrapping_add(step)
        );
        assert_eq!(
            packet.header.timestamp,
            first.header.timestamp.wrapping_add(SAMPLES * index as u32)
        );
    }
}

#[tokio::test]
async fn a_key_press_from_the_browser_is_exactly_one_digit() {
    let (mut leg, mut browser, _) = connected_pair().await;
    let event_timestamp: u32 = rand::random();
    for packet in DtmfSender::new(Digit::Five, Duration::from_millis(100)) {
        browser
            .send_rtp(
                TELEPHONE_EVENT_8000,
                packet.marker,
                event_timestamp,
                &packet.payload,
            )
            .await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(next_event(&mut leg).await, BrowserEvent::Digit(Digit::Five));
    let extra = tokio::time::timeout(Duration::from_millis(300), leg.next_event()).await;
    assert!(extra.is_err(), "one digit per press: {extra:?}");
}

#[tokio::test]
async fn a_digit_from_the_bridge_arrives_as_rfc_4733_on_the_8000_payload_type() {
    let (mut leg, mut browser, _) = connected_pair().await;
    leg.send_audio(&payload(0), SAMPLES).await.unwrap();
    leg.send_digit(Digit::Seven).await.unwrap();

    let audio = browser.next_rtp().await;
    let mut events = Vec::new();
    while events.len() < DtmfSender::new(Digit::Seven, Duration::from_millis(100)).count() {
        events.push(browser.next_rtp().await);
    }
    for packet in &events {
        assert_eq!(packet.header.payload_type, TELEPHONE_EVENT_8000);
        assert_eq!(packet.header.ssrc, leg.ssrc());
        // One press: every packet carries the press's start, one packet after the audio.
        assert_eq!(
            packet.header.timestamp,
            audio.header.timestamp.wrapping_add(SAMPLES)
        );
        let event = TelephoneEvent::parse(&packet.payload).unwrap();
        assert_eq!(event.digit(), Ok(Digit::Seven));
    }
    assert!(events[0].header.marker);
    let ends = events
        .iter()
        .filter(|packet| TelephoneEvent::parse(&packet.payload).unwrap().end)
        .count();
    assert_eq!(ends, 3, "the end packet is sent three times");
}

#[tokio::test]
async fn closing_the_bridge_leg_ends_the_browser() {
    let (mut leg, mut browser, _) = connected_pair().await;
    leg.close().await.unwrap();
    let state = browser
        .wait_for_state(|state| {
            matches!(
                state,
                RTCPeerConnectionState::Closed | RTCPeerConnectionState::Failed
            )
        })
        .await;
    assert!(matches!(
        state,
        RTCPeerConnectionState::Closed | RTCPeerConnectionState::Failed
    ));
}

#[tokio::test]
async fn closing_the_browser_ends_the_bridge_leg() {
    let (mut leg, browser, _) = connected_pair().await;
    browser.close().await;
    let event = next_signal(&mut leg).await;
    assert!(
        matches!(event, BrowserEvent::Closed | BrowserEvent::Failed),
        "{event:?}"
    );
}

#[tokio::test]
async fn the_bridge_offers_and_the_browser_answers() {
    let mut browser = FakeBrowser::new().await;
    let (mut leg, offer) = BrowserLeg::offer(&BrowserLegConfig::loopback())
        .await
        .unwrap();
    assert!(offer.contains("a=candidate:"), "non-trickle: {offer}");
    assert!(offer.contains("telephone-event/8000"));
    assert_eq!(leg.codec(), None, "nothing is negotiated before the answer");
    assert!(matches!(
        leg.send_audio(&payload(0), SAMPLES).await,
        Err(BrowserLegError::NotNegotiated)
    ));

    let answer = browser.answer(offer).await;
    let answer = BrowserLegConfig::loopback().screen(&answer).unwrap();
    leg.accept_answer(&answer).await.unwrap();
    assert_eq!(next_event(&mut leg).await, BrowserEvent::Connected);
    browser
        .wait_for_state(|state| state == RTCPeerConnectionState::Connected)
        .await;
    assert_eq!(leg.codec(), Some(Codec::Pcmu));

    leg.send_audio(&payload(1), SAMPLES).await.unwrap();
    let packet = browser.next_rtp().await;
    assert_eq!(packet.payload.as_ref(), payload(1).as_slice());
    assert_eq!(packet.header.ssrc, leg.ssrc());

    browser.send_rtp(0, true, 1_000, &payload(2)).await;
    match next_event(&mut leg).await {
        BrowserEvent::Audio {
            payload: received, ..
        } => assert_eq!(received, payload(2)),
        other => panic!("expected audio, got {other:?}"),
    }
}

#[tokio::test]
async fn an_offer_without_g711_is_refused_with_a_clear_error() {
    let opus_only = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\n";
    let error = BrowserLegConfig::loopback()
        .screen(opus_only)
        .expect_err("refused");
    assert!(
        matches!(&error, BrowserSdpError::NoG711 { offered } if offered == "opus/48000"),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_offer_without_audio_is_refused_with_a_clear_error() {
    let data_only = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n";
    let error = BrowserLegConfig::loopback()
        .screen(data_only)
        .expect_err("refused");
    assert!(matches!(error, BrowserSdpError::NoAudio), "{error:?}");
}
