//! High-risk destinations (issue 8, toll fraud): number ranges where a call earns its answerer
//! money (international revenue-share fraud). A fraudster who controls a card could point it
//! at such a number and let strangers' calls ring it at the operator's cost, so the installation
//! never dials them: issuers cannot save them as destinations, and calls to them are refused
//! even if they were stored before this list existed.
//!
//! The list is the ranges fraud reports keep naming: the Caribbean area codes inside +1 (priced
//! like the US by a careless rate table, answered by premium services abroad), the
//! non-geographic and satellite codes, and small networks known for revenue-share ranges.
//! An installation in one of those places still calls its own country: a number in the
//! installation's home region is never blocked by this list.
//!
//! Pure: a table and a lookup.

use super::number::ParsedNumber;

/// E.164 prefixes (digits, no `+`) and what they are.
pub const HIGH_RISK_PREFIXES: &[(&str, &str)] = &[
    // +1 outside the US and Canada: the Caribbean and Atlantic area codes.
    ("1242", "Bahamas"),
    ("1246", "Barbados"),
    ("1264", "Anguilla"),
    ("1268", "Antigua and Barbuda"),
    ("1284", "British Virgin Islands"),
    ("1345", "Cayman Islands"),
    ("1441", "Bermuda"),
    ("1473", "Grenada"),
    ("1649", "Turks and Caicos"),
    ("1664", "Montserrat"),
    ("1721", "Sint Maarten"),
    ("1758", "Saint Lucia"),
    ("1767", "Dominica"),
    ("1784", "Saint Vincent"),
    ("1809", "Dominican Republic"),
    ("1829", "Dominican Republic"),
    ("1849", "Dominican Republic"),
    ("1868", "Trinidad and Tobago"),
    ("1869", "Saint Kitts and Nevis"),
    ("1876", "Jamaica"),
    // Non-geographic: satellite and international networks, international premium rate.
    ("870", "Inmarsat"),
    ("881", "global mobile satellite"),
    ("882", "international networks"),
    ("883", "international networks"),
    ("979", "international premium rate"),
    ("808", "international shared cost"),
    // Small networks with revenue-share ranges.
    ("247", "Ascension"),
    ("290", "Saint Helena"),
    ("674", "Nauru"),
    ("677", "Solomon Islands"),
    ("678", "Vanuatu"),
    ("682", "Cook Islands"),
    ("683", "Niue"),
    ("686", "Kiribati"),
    ("688", "Tuvalu"),
    ("690", "Tokelau"),
    ("691", "Micronesia"),
    ("692", "Marshall Islands"),
];

/// The high-risk range `number` falls in, unless it is in `home_region` (ISO 3166, `KR`).
pub fn range_of(
    number: &ParsedNumber,
    home_region: &str,
) -> Option<&'static (&'static str, &'static str)> {
    if number
        .region
        .as_deref()
        .is_some_and(|region| region.eq_ignore_ascii_case(home_region))
    {
        return None;
    }
    let digits = number.e164.trim_start_matches('+');
    HIGH_RISK_PREFIXES
        .iter()
        .find(|(prefix, _)| digits.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::number;
    use phonenumber::country::Id;

    fn parsed(text: &str) -> ParsedNumber {
        number::parse(text, Id::KR).unwrap()
    }

    #[test]
    fn caribbean_numbers_inside_plus_one_are_high_risk_but_the_us_is_not() {
        assert_eq!(
            range_of(&parsed("+1 876 927 1234"), "KR").map(|range| range.1),
            Some("Jamaica")
        );
        assert_eq!(
            range_of(&parsed("+1 809 221 1234"), "KR").map(|range| range.0),
            Some("1809")
        );
        assert_eq!(range_of(&parsed("+1 650 253 0000"), "KR"), None);
        assert_eq!(range_of(&parsed("010-1234-5678"), "KR"), None);
    }

    #[test]
    fn an_installation_calls_its_own_country_even_if_listed() {
        assert_eq!(range_of(&parsed("+1 876 927 1234"), "JM"), None);
        assert!(range_of(&parsed("+1 876 927 1234"), "US").is_some());
    }

    #[test]
    fn the_prefixes_are_digits_and_unique() {
        for (index, (prefix, _)) in HIGH_RISK_PREFIXES.iter().enumerate() {
            assert!(prefix.chars().all(|c| c.is_ascii_digit()), "{prefix}");
            assert!(
                HIGH_RISK_PREFIXES[index + 1..]
                    .iter()
                    .all(|(other, _)| other != prefix),
                "{prefix} twice"
            );
        }
    }
}
