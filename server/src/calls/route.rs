//! Where a call to a card rings, and how its legs are rated (BRIEF R10, R11). Pure.
//!
//! A visitor talking from the card page is an internet leg; a visitor called back (issue 10)
//! is a phone leg through the trunk, rated by the class of the number they typed. The issuer is
//! reached on their mobile, else their landline — through the SIP trunk, so only when one is
//! configured — and in their own browser when they chose "internet phone": both at once when
//! both are there (issue 11), the first to accept taking the call. A call's cost is the sum of
//! its legs' (patent ¶50), so a browser-to-browser call is two internet legs; ringing both, the
//! issuer's legs are the phone's then the page's, and only the one that takes the call is
//! billed for the talk (`metering.rs`).

use app::model::CallSettings;

use super::number::{self, ParsedNumber};
use super::rates::{self, LegClass, Rate, RateTable};

/// The issuer's end of a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Through the trunk; `number` carries the extension to dial after the answer.
    Phone {
        number: ParsedNumber,
        class: LegClass,
    },
    /// The issuer's signed-in dashboard.
    Browser,
    /// Both at once: the phone through the trunk and the dashboard.
    PhoneAndBrowser {
        number: ParsedNumber,
        class: LegClass,
    },
}

/// A destination and its rated legs (`None` where the rate table has no rate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub destination: Destination,
    pub legs: Vec<Option<Rate>>,
}

/// Why a card cannot be called from a browser at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// Phone numbers only, and this installation has no SIP trunk.
    #[error("no_trunk")]
    NoTrunk,
    /// Neither a number nor the internet phone.
    #[error("no_destination")]
    NoDestination,
    /// The stored number is premium-rate, shared-cost, in a high-risk range or no longer parses.
    #[error("destination_not_allowed")]
    DestinationNotAllowed,
}

/// The route of a call from a visitor's browser to the card's issuer.
pub fn browser_call(
    settings: &CallSettings,
    table: &RateTable,
    home: phonenumber::country::Id,
    trunk_configured: bool,
) -> Result<Route, RouteError> {
    let internet = || table.find(LegClass::Internet, "").cloned();
    let phone = [&settings.mobile, &settings.landline]
        .into_iter()
        .find(|number| !number.trim().is_empty());
    match phone {
        Some(text) if trunk_configured => {
            let number =
                number::parse(text, home).map_err(|_| RouteError::DestinationNotAllowed)?;
            let class =
                rates::classify(&number, home).map_err(|_| RouteError::DestinationNotAllowed)?;
            let phone_leg = table.find(class, &number.e164).cloned();
            if settings.internet_phone {
                return Ok(Route {
                    destination: Destination::PhoneAndBrowser { number, class },
                    legs: vec![internet(), phone_leg, internet()],
                });
            }
            Ok(Route {
                destination: Destination::Phone { number, class },
                legs: vec![internet(), phone_leg],
            })
        }
        _ if settings.internet_phone => Ok(Route {
            destination: Destination::Browser,
            legs: vec![internet(), internet()],
        }),
        Some(_) => Err(RouteError::NoTrunk),
        None => Err(RouteError::NoDestination),
    }
}

/// The route of a callback: the caller's phone leg first, then the issuer's end as for a
/// browser call. Numbers never dialled (premium, shared-cost, high-risk ranges) are refused.
pub fn callback(
    settings: &CallSettings,
    table: &RateTable,
    home: phonenumber::country::Id,
    trunk_configured: bool,
    caller: &ParsedNumber,
) -> Result<Route, RouteError> {
    if !trunk_configured {
        return Err(RouteError::NoTrunk);
    }
    let class = rates::classify(caller, home).map_err(|_| RouteError::DestinationNotAllowed)?;
    let mut route = browser_call(settings, table, home, trunk_configured)?;
    route.legs[0] = table.find(class, &caller.e164).cloned();
    Ok(route)
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonenumber::country::Id;

    fn table() -> RateTable {
        let rate = |class, prefix: &str, per_minute| Rate {
            class,
            prefix: prefix.into(),
            per_minute,
            initial_increment_secs: 60,
            subsequent_increment_secs: 60,
            connect_fee: 0,
        };
        RateTable::new(vec![
            rate(LegClass::Internet, "", 10),
            rate(LegClass::Landline, "82", 40),
            rate(LegClass::Mobile, "8210", 110),
        ])
    }

    fn settings(landline: &str, mobile: &str, internet_phone: bool) -> CallSettings {
        CallSettings {
            landline: landline.into(),
            mobile: mobile.into(),
            internet_phone,
            ..CallSettings::default()
        }
    }

    #[test]
    fn a_phone_and_the_internet_phone_ring_together_with_both_rated() {
        let route =
            browser_call(&settings("+8225561234", "", true), &table(), Id::KR, true).unwrap();
        let Destination::PhoneAndBrowser { number, class } = &route.destination else {
            panic!("{route:?}")
        };
        assert_eq!(
            (number.e164.as_str(), *class),
            ("+8225561234", LegClass::Landline)
        );
        let prices: Vec<i64> = route.legs.iter().flatten().map(|r| r.per_minute).collect();
        assert_eq!(
            prices,
            [10, 40, 10],
            "the caller, the issuer's phone, their page"
        );
    }

    #[test]
    fn mobile_is_preferred_through_the_trunk() {
        let route = browser_call(
            &settings("+8225561234", "+821012345678", false),
            &table(),
            Id::KR,
            true,
        )
        .unwrap();
        let Destination::Phone { number, class } = &route.destination else {
            panic!("{route:?}")
        };
        assert_eq!(
            (number.e164.as_str(), *class),
            ("+821012345678", LegClass::Mobile)
        );
        let prices: Vec<i64> = route.legs.iter().flatten().map(|r| r.per_minute).collect();
        assert_eq!(prices, [10, 110], "an internet leg and a mobile leg");
    }

    #[test]
    fn without_a_trunk_the_internet_phone_rings_or_the_call_is_refused() {
        let both = settings("+8225561234", "", true);
        let route = browser_call(&both, &table(), Id::KR, false).unwrap();
        assert_eq!(route.destination, Destination::Browser);
        assert_eq!(route.legs.iter().flatten().count(), 2);
        let phone_only = settings("+8225561234", "", false);
        assert_eq!(
            browser_call(&phone_only, &table(), Id::KR, false),
            Err(RouteError::NoTrunk)
        );
        let nothing = settings("", "", false);
        assert_eq!(
            browser_call(&nothing, &table(), Id::KR, true),
            Err(RouteError::NoDestination)
        );
    }

    #[test]
    fn a_callback_rates_the_callers_number_by_its_class_and_dials_no_premium_number() {
        let caller = number::parse("010-9876-5432", Id::KR).unwrap();
        let route = callback(
            &settings("", "+821012345678", false),
            &table(),
            Id::KR,
            true,
            &caller,
        )
        .unwrap();
        let prices: Vec<i64> = route.legs.iter().flatten().map(|r| r.per_minute).collect();
        assert_eq!(
            prices,
            [110, 110],
            "the caller's mobile leg, then the issuer's"
        );
        let to_a_browser = callback(&settings("", "", true), &table(), Id::KR, true, &caller);
        let legs = to_a_browser.unwrap().legs;
        assert_eq!(
            legs.iter()
                .flatten()
                .map(|r| r.per_minute)
                .collect::<Vec<_>>(),
            [110, 10],
            "a phone caller and the issuer's browser"
        );
        let premium = number::parse("060-700-1234", Id::KR).unwrap();
        assert_eq!(
            callback(&settings("", "", true), &table(), Id::KR, true, &premium),
            Err(RouteError::DestinationNotAllowed)
        );
        assert_eq!(
            callback(&settings("", "", true), &table(), Id::KR, false, &caller),
            Err(RouteError::NoTrunk),
            "the caller is dialled through the trunk"
        );
    }

    #[test]
    fn a_missing_rate_is_left_for_authorization_to_refuse() {
        let route = browser_call(
            &settings("", "", true),
            &RateTable::default(),
            Id::KR,
            false,
        )
        .unwrap();
        assert_eq!(route.legs, [None, None]);
    }
}
