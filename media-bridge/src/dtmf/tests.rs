use super::*;

#[test]
fn digits_map_to_rfc_4733_event_codes() {
    assert_eq!(Digit::Zero.event_code(), 0);
    assert_eq!(Digit::Nine.event_code(), 9);
    assert_eq!(Digit::Star.event_code(), 10);
    assert_eq!(Digit::Pound.event_code(), 11);
    assert_eq!(Digit::A.event_code(), 12);
    assert_eq!(Digit::D.event_code(), 15);
    for digit in Digit::ALL {
        assert_eq!(Digit::from_event_code(digit.event_code()), Ok(digit));
        assert_eq!(Digit::from_char(digit.as_char()), Ok(digit));
    }
    assert_eq!(Digit::from_char('b'), Ok(Digit::B));
    assert_eq!(Digit::Pound.as_char(), '#');
    assert_eq!(
        Digit::from_event_code(16),
        Err(DtmfError::NotADigit { event: 16 })
    );
    assert_eq!(
        Digit::from_char('x'),
        Err(DtmfError::UnknownCharacter { character: 'x' })
    );
}

#[test]
fn payload_round_trips_and_matches_the_wire_layout() {
    let event = TelephoneEvent {
        event: 11,
        end: true,
        volume: 10,
        duration: 800,
    };
    let bytes = event.to_bytes();
    assert_eq!(bytes, [11, 0x8A, 0x03, 0x20]);
    assert_eq!(TelephoneEvent::parse(&bytes), Ok(event));
    assert_eq!(event.digit(), Ok(Digit::Pound));
}

#[test]
fn parse_ignores_the_reserved_bit_and_rejects_short_payloads() {
    let parsed = TelephoneEvent::parse(&[1, 0x40 | 7, 0, 160]).expect("parses");
    assert!(!parsed.end);
    assert_eq!(parsed.volume, 7);
    assert_eq!(
        TelephoneEvent::parse(&[1, 2, 3]),
        Err(DtmfError::TooShort { len: 3 })
    );
}

#[test]
fn sender_marks_the_start_updates_every_20_ms_and_repeats_the_end_three_times() {
    let packets: Vec<_> = DtmfSender::new(Digit::Five, Duration::from_millis(100)).collect();
    let events: Vec<_> = packets
        .iter()
        .map(|packet| TelephoneEvent::parse(&packet.payload).expect("parses"))
        .collect();
    let durations: Vec<_> = events.iter().map(|event| event.duration).collect();
    assert_eq!(durations, [160, 320, 480, 640, 800, 800, 800]);
    let ends: Vec<_> = events.iter().map(|event| event.end).collect();
    assert_eq!(ends, [false, false, false, false, true, true, true]);
    let markers: Vec<_> = packets.iter().map(|packet| packet.marker).collect();
    assert_eq!(markers, [true, false, false, false, false, false, false]);
    for (index, packet) in packets.iter().enumerate() {
        assert_eq!(packet.send_after, Duration::from_millis(20 * index as u64));
    }
    assert!(
        events
            .iter()
            .all(|event| event.event == 5 && event.volume == DEFAULT_VOLUME)
    );
}

#[test]
fn sender_clamps_durations_to_what_one_packet_can_say() {
    let shortest: Vec<_> = DtmfSender::new(Digit::One, Duration::ZERO).collect();
    assert_eq!(shortest.len(), END_REPEATS, "only end packets");
    assert!(
        shortest[0].marker,
        "the first end packet still starts the event"
    );
    let longest = DtmfSender::new(Digit::One, Duration::from_secs(60)).last();
    let event = TelephoneEvent::parse(&longest.expect("some").payload).expect("parses");
    assert_eq!(event.duration, u16::MAX);
    let quiet = DtmfSender::new(Digit::One, Duration::from_millis(40)).with_volume(200);
    let first = quiet.clone().next().expect("a packet");
    assert_eq!(
        TelephoneEvent::parse(&first.payload)
            .expect("parses")
            .volume,
        63
    );
}

#[test]
fn receiver_reports_one_digit_per_press_despite_repeated_end_packets() {
    let mut receiver = DtmfReceiver::new();
    let digits: Vec<_> = DtmfSender::new(Digit::Seven, Duration::from_millis(100))
        .map(|packet| receiver.receive(16_000, &packet.payload).expect("valid"))
        .collect();
    assert_eq!(digits[0], Some(Digit::Seven));
    assert!(digits[1..].iter().all(Option::is_none), "{digits:?}");
}

#[test]
fn receiver_reports_a_press_whose_start_packet_was_lost() {
    let mut receiver = DtmfReceiver::new();
    let packets: Vec<_> = DtmfSender::new(Digit::One, Duration::from_millis(80)).collect();
    let mut reported = Vec::new();
    for packet in &packets[1..] {
        reported.extend(receiver.receive(480, &packet.payload).expect("valid"));
    }
    assert_eq!(reported, [Digit::One]);
}

#[test]
fn receiver_tells_presses_of_the_same_key_apart_by_timestamp() {
    let mut receiver = DtmfReceiver::new();
    let end = TelephoneEvent {
        event: 2,
        end: true,
        volume: 10,
        duration: 800,
    }
    .to_bytes();
    assert_eq!(receiver.receive(1_000, &end), Ok(Some(Digit::Two)));
    assert_eq!(receiver.receive(1_000, &end), Ok(None));
    assert_eq!(receiver.receive(3_000, &end), Ok(Some(Digit::Two)));
    // A late end packet of the first press is not a third press.
    assert_eq!(receiver.receive(1_000, &end), Ok(None));
    // Timestamps wrap: a press just after the wrap is newer.
    let mut across_the_wrap = DtmfReceiver::new();
    assert_eq!(
        across_the_wrap.receive(u32::MAX - 100, &end),
        Ok(Some(Digit::Two))
    );
    assert_eq!(across_the_wrap.receive(60, &end), Ok(Some(Digit::Two)));
    assert_eq!(across_the_wrap.receive(u32::MAX - 100, &end), Ok(None));
}

#[test]
fn receiver_rejects_events_that_are_not_keys_without_forgetting_the_last_press() {
    let mut receiver = DtmfReceiver::new();
    let hook_flash = TelephoneEvent {
        event: 16,
        end: false,
        volume: 10,
        duration: 160,
    };
    assert_eq!(
        receiver.receive(500, &hook_flash.to_bytes()),
        Err(DtmfError::NotADigit { event: 16 })
    );
    assert_eq!(
        receiver.receive(500, &[1, 2]),
        Err(DtmfError::TooShort { len: 2 })
    );
    let nine = TelephoneEvent {
        event: 9,
        ..hook_flash
    };
    assert_eq!(
        receiver.receive(500, &nine.to_bytes()),
        Ok(Some(Digit::Nine))
    );
}
