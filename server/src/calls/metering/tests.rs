use super::*;
use crate::calls::rates::LegClass;
use proptest::prelude::*;

fn rate(per_minute: i64, initial: u32, subsequent: u32, connect_fee: i64) -> Rate {
    Rate {
        class: LegClass::Mobile,
        prefix: String::new(),
        per_minute,
        initial_increment_secs: initial,
        subsequent_increment_secs: subsequent,
        connect_fee,
    }
}

fn any_rate() -> impl Strategy<Value = Rate> {
    (0i64..5_000, 1u32..=120, 1u32..=120, 0i64..500).prop_map(
        |(per_minute, initial, subsequent, connect_fee)| {
            rate(per_minute, initial, subsequent, connect_fee)
        },
    )
}

fn any_legs() -> impl Strategy<Value = CallLegs> {
    proptest::collection::vec(any_rate(), 1..=2).prop_map(|legs| CallLegs::new(legs).unwrap())
}

#[test]
fn stored_legs_are_read_strictly_never_as_no_legs() {
    // Issue 9: `unwrap_or_default` made an unreadable row "no legs", a call that costs nothing.
    for stored in [
        "",
        "[]",
        "null",
        "{}",
        "not json",
        "[{\"class\":\"mobile\"}]",
    ] {
        assert!(CallLegs::from_stored(stored).is_err(), "{stored:?}");
    }
    let legs = CallLegs::new(vec![rate(60, 1, 1, 0)]).unwrap();
    assert_eq!(CallLegs::from_stored(&legs.to_stored()), Ok(legs));
}

#[test]
fn a_minute_at_sixty_a_minute_costs_sixty_on_each_leg() {
    let legs = CallLegs::new(vec![rate(60, 1, 1, 0), rate(120, 60, 60, 10)]).unwrap();
    assert_eq!(legs.cost(0), Money::ZERO);
    assert_eq!(legs.cost(60), Money(60 + 130));
    assert_eq!(legs.cost(61), Money(61 + 250));
    let settled = legs.settle(Money(1_000), LegTimes::talk(61));
    assert_eq!(
        settled,
        Settlement {
            charge: Money(311),
            release: Money(1_000),
            billed_secs: 120
        }
    );
    // Held less than it cost (the bridge hangs up at the covered second): capped.
    assert_eq!(
        legs.settle(Money(100), LegTimes::talk(61)).charge,
        Money(100)
    );
}

proptest! {
    #[test]
    fn a_settlement_charges_at_most_what_was_held_and_releases_all_of_it(
        legs in any_legs(), held in 0i64..100_000, talk in 0u32..10_000,
    ) {
        let settled = legs.settle(Money(held), LegTimes::talk(talk));
        prop_assert!(settled.charge.0 <= held);
        prop_assert!(settled.charge.0 >= 0);
        prop_assert_eq!(settled.release, Money(held));
        prop_assert_eq!(settled.charge.0, Ord::min(legs.cost(talk).0, held));
        if talk == 0 {
            prop_assert_eq!(settled.charge, Money::ZERO);
        }
    }

    #[test]
    fn the_covered_time_is_exact(legs in any_legs(), held in 0i64..100_000) {
        let covered = legs.covered_secs(Money(held));
        prop_assert!(legs.cost(covered).0 <= held);
        let free = legs.rates().iter().all(|rate| rate.per_minute == 0 && rate.connect_fee == 0);
        if !free && covered < MAX_SECONDS {
            prop_assert!(legs.cost(covered + 1).0 > held, "one second more is not paid for");
        }
    }

    #[test]
    fn the_next_hold_covers_the_interval(
        legs in any_legs(), held in 0i64..100_000, hold_secs in 6u32..=3_600,
    ) {
        let before = legs.covered_secs(Money(held));
        let extra = legs.next_hold(Money(held), hold_secs);
        prop_assert!(extra.0 >= 0);
        let after = legs.covered_secs(Money(held + extra.0));
        prop_assert!(after >= before.saturating_add(hold_secs).min(MAX_SECONDS));
        // And not more than needed: without the extra, the interval is not covered.
        if extra.0 > 0 {
            prop_assert!(legs.covered_secs(Money(held + extra.0 - 1)) < before + hold_secs);
        }
    }
}

#[test]
fn a_phone_picked_up_but_never_accepted_is_billed_on_its_phone_leg_only() {
    // Issue 8, toll fraud: 15 s on the accept prompt cost the operator the trunk's 15 s.
    let internet = Rate {
        class: LegClass::Internet,
        ..rate(60, 1, 1, 0)
    };
    let legs = CallLegs::new(vec![internet, rate(120, 1, 1, 0)]).unwrap();
    let prompt_only = legs.settle(
        Money(1_000),
        LegTimes {
            caller_secs: 0,
            issuer_secs: 15,
            page_secs: 0,
        },
    );
    assert_eq!(prompt_only.charge, Money(30));
    assert_eq!(prompt_only.billed_secs, 15);
    let accepted = legs.settle(
        Money(1_000),
        LegTimes {
            caller_secs: 60,
            issuer_secs: 70,
            page_secs: 0,
        },
    );
    assert_eq!(accepted.charge, Money(60 + 140));
}

#[test]
fn a_callbacks_phone_legs_are_each_billed_from_their_own_pick_up() {
    // Issue 10: the issuer picked up at 0 s, the caller at 30 s, and both hung up at 95 s.
    let caller = Rate {
        class: LegClass::Mobile,
        ..rate(60, 1, 1, 0)
    };
    let issuer = rate(120, 1, 1, 0);
    let legs = CallLegs::new(vec![caller, issuer.clone()]).unwrap();
    let settled = legs.settle(
        Money(1_000),
        LegTimes {
            caller_secs: 65,
            issuer_secs: 95,
            page_secs: 0,
        },
    );
    assert_eq!(settled.charge, Money(65 + 190));
    assert_eq!(settled.billed_secs, 95);
    // A call of one leg has only the issuer's.
    let alone = CallLegs::new(vec![issuer]).unwrap();
    let settled = alone.settle(
        Money(1_000),
        LegTimes {
            caller_secs: 0,
            issuer_secs: 95,
            page_secs: 0,
        },
    );
    assert_eq!(settled.charge, Money(190));
}

#[test]
fn ringing_both_holds_for_the_dearer_and_bills_the_leg_that_took_the_call() {
    let internet = Rate {
        class: LegClass::Internet,
        ..rate(6, 60, 60, 0)
    };
    let phone = rate(120, 1, 1, 0);
    let legs = CallLegs::new(vec![internet.clone(), phone, internet]).unwrap();
    // Before anyone accepted: the caller's minute and the phone's, the dearer.
    assert_eq!(legs.cost(60), Money(6 + 120));
    // The first increments: the caller's minute, and the dearer of the phone's second (2)
    // and the page's minute (6).
    assert_eq!(legs.first_increments(), Money(6 + 6));
    // The page took the call after the phone had been up 12 s at its prompt.
    let on_page = legs.clone().answered_on(Some(AnsweredOn::Browser));
    assert_eq!(
        on_page.cost(60),
        Money(6 + 6),
        "the talk is priced on the page"
    );
    let settled = on_page.settle(
        Money(126),
        LegTimes {
            caller_secs: 60,
            issuer_secs: 12,
            page_secs: 60,
        },
    );
    assert_eq!(
        settled.charge,
        Money(6 + 24 + 6),
        "caller, the phone let go, the page"
    );
    // The phone took it: the page is never billed.
    let on_phone = legs.answered_on(Some(AnsweredOn::Phone));
    let settled = on_phone.settle(
        Money(126),
        LegTimes {
            caller_secs: 60,
            issuer_secs: 60,
            page_secs: 0,
        },
    );
    assert_eq!(settled.charge, Money(6 + 120));
}

#[test]
fn more_than_three_stored_legs_are_refused() {
    let legs = vec![rate(1, 1, 1, 0); 4];
    assert_eq!(CallLegs::new(legs), Err(MeteringError::TooManyLegs(4)));
}

proptest! {
    #[test]
    fn ringing_both_the_hold_covers_whichever_leg_takes_the_call(
        caller in any_rate(),
        phone in any_rate(),
        page in any_rate(),
        held in 0i64..100_000,
    ) {
        let legs = CallLegs::new(vec![caller, phone, page]).unwrap();
        let covered = legs.covered_secs(Money(held));
        for on in [AnsweredOn::Phone, AnsweredOn::Browser] {
            let answered = legs.clone().answered_on(Some(on));
            prop_assert!(answered.cost(covered).0 <= held, "{on:?}");
            prop_assert!(answered.covered_secs(Money(held)) >= covered);
        }
    }
}
