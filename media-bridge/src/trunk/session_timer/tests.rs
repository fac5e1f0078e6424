use super::*;

const SETTINGS: TimerSettings = TimerSettings {
    session_expires_secs: 1800,
    min_se_secs: 90,
};

fn at(seconds: u64) -> Millis {
    Millis::from_secs(seconds)
}

fn answered(value: &str) -> SessionTimer {
    let mut timer = SessionTimer::new(SETTINGS);
    timer.answered(Some(value), at(0));
    timer
}

#[test]
fn the_invite_offers_our_interval_and_min_se_without_choosing_the_refresher() {
    let offer = SessionTimer::new(SETTINGS).offer().unwrap();
    assert_eq!(offer.session_expires, "1800");
    assert_eq!(offer.min_se.as_deref(), Some("90"));
    assert!(!offer.require_timer);
}

#[test]
fn header_values_parse_leniently_and_garbage_is_absent() {
    assert_eq!(
        SessionExpires::parse("1800;refresher=uac"),
        Some(SessionExpires {
            interval_secs: 1800,
            refresher_is_uac: Some(true)
        })
    );
    assert_eq!(
        SessionExpires::parse(" 90 ; Refresher = UAS "),
        Some(SessionExpires {
            interval_secs: 90,
            refresher_is_uac: Some(false)
        })
    );
    assert_eq!(
        SessionExpires::parse("600;foo;refresher=both"),
        Some(SessionExpires {
            interval_secs: 600,
            refresher_is_uac: None
        })
    );
    for garbage in ["", "soon", "-5", "0", ";refresher=uac", "99999999999"] {
        assert_eq!(SessionExpires::parse(garbage), None, "{garbage:?}");
    }
    assert_eq!(parse_min_se("120"), Some(120));
    assert_eq!(parse_min_se(" 90;x=y"), Some(90));
    assert_eq!(parse_min_se("ninety"), None);
    assert!(lists_timer("100rel, Timer"));
    assert!(!lists_timer("100rel, timers"));
}

#[test]
fn no_session_expires_in_the_2xx_means_no_timer() {
    let mut timer = SessionTimer::new(SETTINGS);
    timer.answered(None, at(0));
    assert_eq!(timer.session(), None);
    assert_eq!(timer.next_deadline(), None);
    assert_eq!(timer.on_deadline(at(100_000)), None);
}

#[test]
fn refresher_uac_means_we_refresh_half_way_and_again_after_each_2xx() {
    let mut timer = answered("600;refresher=uac");
    assert_eq!(timer.session(), Some((Refresher::Us, 600)));
    assert_eq!(timer.next_deadline(), Some(at(300)));
    assert_eq!(timer.on_deadline(at(299)), None, "not due yet");
    let Some(Deadline::Refresh(headers)) = timer.on_deadline(at(300)) else {
        panic!("a refresh is due");
    };
    assert_eq!(headers.session_expires, "600;refresher=uac");
    assert_eq!(headers.min_se.as_deref(), Some("90"));
    // One refresh in flight: the next deadline is the give-up point, 600 - 32.
    assert_eq!(timer.next_deadline(), Some(at(568)));
    assert_eq!(
        timer.refresh_answered(200, Some("600;refresher=uac"), at(301)),
        None
    );
    assert_eq!(timer.next_deadline(), Some(at(601)));
}

#[test]
fn a_refresh_that_never_succeeds_ends_the_session_before_it_expires() {
    let mut timer = answered("90;refresher=uac");
    assert!(matches!(
        timer.on_deadline(at(45)),
        Some(Deadline::Refresh(_))
    ));
    // 500: no second try, wait for the expiry at 90 - min(32, 30) = 60.
    assert_eq!(timer.refresh_answered(500, None, at(46)), None);
    assert_eq!(timer.next_deadline(), Some(at(60)));
    assert_eq!(timer.on_deadline(at(60)), Some(Deadline::Expired));
    assert_eq!(timer.next_deadline(), None, "expired once");
}

#[test]
fn a_refresh_answered_481_or_408_ends_the_call_at_once() {
    for status in [408, 481] {
        let mut timer = answered("600;refresher=uac");
        timer.on_deadline(at(300));
        assert_eq!(
            timer.refresh_answered(status, None, at(301)),
            Some(Deadline::Expired)
        );
        assert_eq!(timer.next_deadline(), None);
    }
}

#[test]
fn refresher_uas_means_we_hang_up_at_n_minus_min_32_n_over_3_without_a_refresh() {
    for (interval, expiry) in [(90, 60), (1800, 1768), (6, 4)] {
        let mut timer = answered(&format!("{interval};refresher=uas"));
        assert_eq!(timer.session(), Some((Refresher::Trunk, interval)));
        assert_eq!(timer.next_deadline(), Some(at(expiry)), "{interval}");
        assert_eq!(timer.on_deadline(at(expiry - 1)), None);
        assert_eq!(timer.on_deadline(at(expiry)), Some(Deadline::Expired));
    }
}

#[test]
fn the_trunks_refresh_restarts_the_interval_and_is_answered_with_its_role() {
    let mut timer = answered("90;refresher=uas");
    let headers = timer
        .refresh_received(Some("90;refresher=uac"), true, at(40))
        .unwrap()
        .unwrap();
    assert_eq!(headers.session_expires, "90;refresher=uac");
    assert!(headers.require_timer);
    assert_eq!(headers.min_se, None);
    assert_eq!(timer.next_deadline(), Some(at(100)));
    assert_eq!(timer.on_deadline(at(60)), None, "the old deadline is gone");
}

#[test]
fn the_trunks_refresh_may_hand_the_refreshing_to_us() {
    let mut timer = answered("1800;refresher=uas");
    let headers = timer
        .refresh_received(Some("300;refresher=uas"), true, at(10))
        .unwrap()
        .unwrap();
    assert_eq!(headers.session_expires, "300;refresher=uas");
    assert_eq!(timer.session(), Some((Refresher::Us, 300)));
    assert_eq!(timer.next_deadline(), Some(at(160)));
}

#[test]
fn without_a_refresher_param_the_trunk_refreshes_only_if_it_supports_timers() {
    let mut supporting = answered("1800;refresher=uas");
    let headers = supporting
        .refresh_received(Some("600"), true, at(0))
        .unwrap()
        .unwrap();
    assert_eq!(headers.session_expires, "600;refresher=uac");
    assert_eq!(supporting.session(), Some((Refresher::Trunk, 600)));

    let mut unaware = answered("1800;refresher=uas");
    let headers = unaware
        .refresh_received(Some("600"), false, at(0))
        .unwrap()
        .unwrap();
    assert_eq!(headers.session_expires, "600;refresher=uas");
    assert!(!headers.require_timer, "it would not understand Require");
    assert_eq!(unaware.session(), Some((Refresher::Us, 600)));
}

#[test]
fn a_refresh_below_our_min_se_is_refused_with_422_and_changes_nothing() {
    let mut timer = answered("1800;refresher=uas");
    let before = timer.clone();
    assert_eq!(
        timer.refresh_received(Some("60;refresher=uac"), true, at(5)),
        Err(IntervalTooSmall { min_se_secs: 90 })
    );
    assert_eq!(timer, before);
}

#[test]
fn a_request_without_session_expires_turns_the_timer_off() {
    let mut timer = answered("90;refresher=uas");
    assert_eq!(timer.refresh_received(None, true, at(10)), Ok(None));
    assert_eq!(timer.next_deadline(), None);
}

#[test]
fn a_422_raises_our_interval_once_and_only_upwards() {
    let mut timer = SessionTimer::new(TimerSettings {
        session_expires_secs: 90,
        min_se_secs: 90,
    });
    assert!(
        !timer.raise_after_too_small(None),
        "no Min-SE: nothing to retry with"
    );
    assert!(!timer.raise_after_too_small(Some("90")), "asks for no more");
    assert!(timer.raise_after_too_small(Some("300")));
    let offer = timer.offer().unwrap();
    assert_eq!(offer.session_expires, "300");
    assert_eq!(offer.min_se.as_deref(), Some("300"));
    assert!(!timer.raise_after_too_small(Some("600")), "only one retry");
}

#[test]
fn a_tiny_interval_from_the_trunk_is_floored() {
    let timer = answered("1;refresher=uac");
    assert_eq!(
        timer.session(),
        Some((Refresher::Us, MIN_HONOURED_INTERVAL_SECS))
    );
    assert_eq!(timer.next_deadline(), Some(at(2)));
}

#[test]
fn no_offer_when_session_timers_are_off_but_refreshes_are_still_answered() {
    let mut timer = SessionTimer::new(TimerSettings {
        session_expires_secs: 0,
        min_se_secs: 90,
    });
    assert_eq!(timer.offer(), None);
    let headers = timer
        .refresh_received(Some("120;refresher=uac"), true, at(0))
        .unwrap()
        .unwrap();
    assert_eq!(headers.session_expires, "120;refresher=uac");
    assert_eq!(timer.session(), Some((Refresher::Trunk, 120)));
}
