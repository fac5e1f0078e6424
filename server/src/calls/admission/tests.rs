use super::*;
use proptest::prelude::*;

fn limits() -> AdmissionLimits {
    AdmissionLimits {
        window: Duration::from_secs(60),
        starts_per_address: 3,
        starts_per_card: 5,
        live_per_address: 2,
        live_per_card: 3,
        live_total: 4,
        callbacks_per_number_per_hour: 3,
    }
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn an_address_may_start_only_so_many_calls_per_window() {
    let mut admission = Admission::new(limits());
    let start = Instant::now();
    let caller = ip("198.51.99.1");
    for second in 0..3 {
        admission
            .admit(caller, second, start + Duration::from_secs(second as u64))
            .unwrap();
        admission.release(caller, second);
    }
    assert_eq!(
        admission.admit(caller, 9, start + Duration::from_secs(10)),
        Err(AdmissionRefusal::AddressStarts {
            retry_after_secs: 50
        })
    );
    // Another address is not affected, and the first may start again once its oldest start
    // leaves the window.
    admission
        .admit(ip("198.51.99.2"), 9, start + Duration::from_secs(10))
        .unwrap();
    admission
        .admit(caller, 9, start + Duration::from_secs(60))
        .unwrap();
}

#[test]
fn a_card_may_receive_only_so_many_starts_per_window() {
    let mut admission = Admission::new(limits());
    let now = Instant::now();
    for index in 0..5u8 {
        let caller = ip(&format!("198.51.99.{index}"));
        admission.admit(caller, 7, now).unwrap();
        admission.release(caller, 7);
    }
    assert!(matches!(
        admission.admit(ip("198.51.99.200"), 7, now),
        Err(AdmissionRefusal::CardStarts { .. })
    ));
    admission.admit(ip("198.51.99.200"), 8, now).unwrap();
}

#[test]
fn live_calls_are_bounded_per_address_per_card_and_in_total() {
    let mut admission = Admission::new(AdmissionLimits {
        starts_per_address: 100,
        starts_per_card: 100,
        ..limits()
    });
    let now = Instant::now();
    let caller = ip("198.51.99.1");
    admission.admit(caller, 1, now).unwrap();
    admission.admit(caller, 2, now).unwrap();
    assert_eq!(
        admission.admit(caller, 3, now),
        Err(AdmissionRefusal::AddressLive)
    );
    admission.admit(ip("198.51.99.2"), 1, now).unwrap();
    admission.admit(ip("198.51.99.3"), 1, now).unwrap();
    assert_eq!(
        admission.admit(ip("198.51.99.4"), 1, now),
        Err(AdmissionRefusal::Full)
    );
    assert_eq!(admission.live(), 4);
    admission.release(caller, 2);
    // Card 1 has three live calls: its line is busy even though the total has room.
    assert_eq!(
        admission.admit(ip("198.51.99.4"), 1, now),
        Err(AdmissionRefusal::CardLive)
    );
    admission.admit(ip("198.51.99.4"), 5, now).unwrap();
}

#[test]
fn ipv6_callers_are_counted_by_their_slash_64() {
    let mut admission = Admission::new(limits());
    let now = Instant::now();
    admission.admit(ip("2001:db9:1:2::1"), 1, now).unwrap();
    admission.admit(ip("2001:db9:1:2::ffff"), 2, now).unwrap();
    assert_eq!(
        admission.admit(ip("2001:db9:1:2:abcd::1"), 3, now),
        Err(AdmissionRefusal::AddressLive)
    );
    admission.admit(ip("2001:db9:1:3::1"), 3, now).unwrap();
}

#[test]
fn a_ticket_gives_its_place_back_when_dropped() {
    let admission = CallAdmission::new(limits());
    let first = admission.admit(ip("198.51.99.1"), 1).unwrap();
    let second = admission.admit(ip("198.51.99.1"), 1).unwrap();
    assert_eq!(admission.live(), 2);
    assert!(admission.admit(ip("198.51.99.1"), 1).is_err());
    drop(first);
    assert_eq!(admission.live(), 1);
    drop(second);
    assert_eq!(admission.live(), 0);
}

proptest! {
    /// Whatever the order of starts and ends, the live count is the calls admitted and not
    /// released, never above a bound, and a refusal changes nothing.
    #[test]
    fn live_counts_match_the_admitted_calls(
        steps in proptest::collection::vec((0u8..6, 0i64..4, any::<bool>()), 0..200)
    ) {
        let limits = AdmissionLimits {
            starts_per_address: 1_000,
            starts_per_card: 1_000,
            ..limits()
        };
        let mut admission = Admission::new(limits);
        let now = Instant::now();
        let mut alive: Vec<(IpAddr, i64)> = Vec::new();
        for (caller, card, end_one) in steps {
            let caller = ip(&format!("198.51.99.{caller}"));
            if end_one && !alive.is_empty() {
                let (address, card) = alive.remove(0);
                admission.release(address, card);
            } else if admission.admit(caller, card, now).is_ok() {
                alive.push((caller, card));
            }
            prop_assert_eq!(admission.live() as usize, alive.len());
            prop_assert!(alive.len() <= limits.live_total as usize);
            for (address, _) in &alive {
                let from_address = alive.iter().filter(|(other, _)| other == address).count();
                prop_assert!(from_address <= limits.live_per_address as usize);
            }
            for (_, card) in &alive {
                let to_card = alive.iter().filter(|(_, other)| other == card).count();
                prop_assert!(to_card <= limits.live_per_card as usize);
            }
        }
    }
}
