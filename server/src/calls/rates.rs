//! Rating (BRIEF R11, patent ¶50): each leg of a call is priced by its class — internet (a
//! browser leg), landline, mobile, international — and, within the class, by the longest
//! matching number prefix. Time is billed in increments (an initial one, then subsequent ones,
//! e.g. 60/60, 30/6, 1/1), plus an optional connect fee. Pure: no clock, no database.

use super::number::{NumberKind, ParsedNumber};
use crate::ledger::money::{Currency, Money};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LegClass {
    Internet,
    Landline,
    Mobile,
    International,
}

impl LegClass {
    pub const ALL: [LegClass; 4] = [
        LegClass::Internet,
        LegClass::Landline,
        LegClass::Mobile,
        LegClass::International,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LegClass::Internet => "internet",
            LegClass::Landline => "landline",
            LegClass::Mobile => "mobile",
            LegClass::International => "international",
        }
    }

    pub fn from_code(code: &str) -> Option<LegClass> {
        LegClass::ALL.into_iter().find(|class| class.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Rate {
    pub class: LegClass,
    /// E.164 digits without `+` (`82`, `8210`, `1`); empty matches every number of the class.
    pub prefix: String,
    /// Minor units per minute.
    pub per_minute: i64,
    pub initial_increment_secs: u32,
    pub subsequent_increment_secs: u32,
    /// Minor units charged once the leg is answered.
    pub connect_fee: i64,
}

/// Why a destination may not be called at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DestinationRefusal {
    #[error("premium-rate numbers cannot be called")]
    PremiumRate,
    #[error("shared-cost numbers cannot be called")]
    SharedCost,
    #[error(
        "numbers in {name} (+{prefix}) cannot be called from here: a range known for toll fraud"
    )]
    HighRisk {
        prefix: &'static str,
        name: &'static str,
    },
}

/// The class of a phone leg to `number`, for an installation in `home` (its region decides
/// what is domestic, and which high-risk ranges apply: `high_risk.rs`).
pub fn classify(
    number: &ParsedNumber,
    home: phonenumber::country::Id,
) -> Result<LegClass, DestinationRefusal> {
    let home_code = phonenumber::metadata::DATABASE
        .by_id(home.as_ref())
        .map_or(0, |metadata| metadata.country_code());
    if let Some(&(prefix, name)) = super::high_risk::range_of(number, home.as_ref()) {
        return Err(DestinationRefusal::HighRisk { prefix, name });
    }
    match number.kind {
        NumberKind::PremiumRate => Err(DestinationRefusal::PremiumRate),
        NumberKind::SharedCost => Err(DestinationRefusal::SharedCost),
        _ if number.country_code != home_code => Ok(LegClass::International),
        NumberKind::Mobile => Ok(LegClass::Mobile),
        _ => Ok(LegClass::Landline),
    }
}

/// Seconds billed for a leg that lasted `duration`: nothing for an unanswered leg, else the
/// initial increment, then whole subsequent increments.
pub fn billed_seconds(rate: &Rate, duration: u32) -> u32 {
    if duration == 0 {
        return 0;
    }
    let initial = rate.initial_increment_secs.max(1);
    if duration <= initial {
        return initial;
    }
    let step = rate.subsequent_increment_secs.max(1);
    initial + (duration - initial).div_ceil(step) * step
}

/// What a leg of `duration` seconds costs: the connect fee (if answered) plus the billed time,
/// rounded up to a whole minor unit.
pub fn cost(rate: &Rate, duration: u32) -> Money {
    let billed = i64::from(billed_seconds(rate, duration));
    if billed == 0 {
        return Money::ZERO;
    }
    let time = (rate.per_minute * billed + 59) / 60;
    Money(rate.connect_fee + time)
}

#[derive(Debug, Default, Clone)]
pub struct RateTable {
    rates: Vec<Rate>,
}

impl RateTable {
    pub fn new(rates: Vec<Rate>) -> RateTable {
        RateTable { rates }
    }

    pub fn rates(&self) -> &[Rate] {
        &self.rates
    }

    /// The rate of the class whose prefix is the longest match for `e164` (`+` optional).
    pub fn find(&self, class: LegClass, e164: &str) -> Option<&Rate> {
        let digits = e164.trim_start_matches('+');
        self.rates
            .iter()
            .filter(|rate| rate.class == class && digits.starts_with(&rate.prefix))
            .max_by_key(|rate| rate.prefix.len())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

/// The header every rate CSV starts with.
pub const CSV_HEADER: &str =
    "class,prefix,per_minute,initial_increment,subsequent_increment,connect_fee";

/// Reads a rate CSV (amounts in the currency, e.g. `120` KRW or `0.05` USD). All or nothing:
/// the first bad line is reported with its number.
pub fn parse_csv(text: &str, currency: &Currency) -> Result<Vec<Rate>, CsvError> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty());
    let error = |line: usize, message: String| CsvError {
        line: line + 1,
        message,
    };
    match lines.next() {
        Some((_, header)) if header.trim().replace(' ', "") == CSV_HEADER => {}
        Some((index, _)) => {
            return Err(error(
                index,
                format!("the first line must be `{CSV_HEADER}`"),
            ));
        }
        None => return Err(error(0, "the file is empty".into())),
    }
    let mut rates: Vec<Rate> = Vec::new();
    for (index, line) in lines {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [class, prefix, per_minute, initial, subsequent, connect_fee] = fields[..] else {
            return Err(error(
                index,
                format!("expected 6 fields, found {}", fields.len()),
            ));
        };
        let class = LegClass::from_code(class).ok_or_else(|| {
            error(
                index,
                format!("class `{class}` is not internet, landline, mobile or international"),
            )
        })?;
        let prefix = prefix.trim_start_matches('+');
        if !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 15 {
            return Err(error(
                index,
                format!("prefix `{prefix}` must be up to 15 digits"),
            ));
        }
        if class == LegClass::International && prefix.is_empty() {
            return Err(error(
                index,
                "an international rate needs a country prefix".into(),
            ));
        }
        let amount = |text: &str, what: &str| {
            currency
                .parse(text)
                .map(|money| money.0)
                .map_err(|e| error(index, format!("{what}: {e}")))
        };
        let increment = |text: &str, what: &str| match text.parse::<u32>() {
            Ok(seconds) if (1..=3600).contains(&seconds) => Ok(seconds),
            _ => Err(error(index, format!("{what} must be 1 to 3600 seconds"))),
        };
        let rate = Rate {
            class,
            prefix: prefix.to_string(),
            per_minute: amount(per_minute, "per_minute")?,
            initial_increment_secs: increment(initial, "initial_increment")?,
            subsequent_increment_secs: increment(subsequent, "subsequent_increment")?,
            connect_fee: amount(connect_fee, "connect_fee")?,
        };
        if rates
            .iter()
            .any(|other| other.class == rate.class && other.prefix == rate.prefix)
        {
            return Err(error(
                index,
                format!(
                    "a {} rate for prefix `{}` is already listed",
                    class.code(),
                    rate.prefix
                ),
            ));
        }
        rates.push(rate);
    }
    Ok(rates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonenumber::country::Id;

    fn rate(per_minute: i64, initial: u32, subsequent: u32, connect_fee: i64) -> Rate {
        Rate {
            class: LegClass::Landline,
            prefix: String::new(),
            per_minute,
            initial_increment_secs: initial,
            subsequent_increment_secs: subsequent,
            connect_fee,
        }
    }

    #[test]
    fn increments_round_up_as_configured() {
        let table = [(60, 60), (30, 6), (1, 1)];
        let expected = [
            // duration → billed for 60/60, 30/6, 1/1
            (0, [0, 0, 0]),
            (1, [60, 30, 1]),
            (30, [60, 30, 30]),
            (31, [60, 36, 31]),
            (61, [120, 66, 61]),
            (125, [180, 126, 125]),
        ];
        for (duration, billed) in expected {
            for ((initial, subsequent), want) in table.iter().zip(billed) {
                assert_eq!(
                    billed_seconds(&rate(60, *initial, *subsequent, 0), duration),
                    want,
                    "{duration}s at {initial}/{subsequent}"
                );
            }
        }
    }

    #[test]
    fn cost_adds_the_connect_fee_and_rounds_up_to_a_minor_unit() {
        assert_eq!(cost(&rate(120, 60, 60, 0), 61), Money(240));
        assert_eq!(cost(&rate(100, 1, 1, 0), 1), Money(2), "100/60 rounds up");
        assert_eq!(cost(&rate(100, 1, 1, 50), 60), Money(150));
        assert_eq!(
            cost(&rate(100, 1, 1, 50), 0),
            Money::ZERO,
            "unanswered: no connect fee"
        );
    }

    #[test]
    fn the_longest_prefix_of_the_class_wins() {
        let international = |prefix: &str, per_minute| Rate {
            class: LegClass::International,
            prefix: prefix.into(),
            ..rate(per_minute, 1, 1, 0)
        };
        let table = RateTable::new(vec![
            international("1", 100),
            international("1650", 80),
            international("81", 300),
            rate(50, 1, 1, 0),
        ]);
        assert_eq!(
            table
                .find(LegClass::International, "+16502530000")
                .unwrap()
                .per_minute,
            80
        );
        assert_eq!(
            table
                .find(LegClass::International, "+12125550000")
                .unwrap()
                .per_minute,
            100
        );
        assert!(
            table
                .find(LegClass::International, "+442079460958")
                .is_none()
        );
        assert_eq!(
            table
                .find(LegClass::Landline, "+82234561234")
                .unwrap()
                .per_minute,
            50
        );
        assert!(table.find(LegClass::Mobile, "+821012345678").is_none());
    }

    #[test]
    fn premium_and_shared_cost_are_refused_and_abroad_is_international() {
        let number = |kind, country_code| ParsedNumber {
            e164: String::new(),
            international: String::new(),
            extension: None,
            kind,
            region: None,
            country_code,
        };
        assert_eq!(
            classify(&number(NumberKind::Mobile, 82), Id::KR),
            Ok(LegClass::Mobile)
        );
        assert_eq!(
            classify(&number(NumberKind::FixedLine, 82), Id::KR),
            Ok(LegClass::Landline)
        );
        assert_eq!(
            classify(&number(NumberKind::Mobile, 1), Id::KR),
            Ok(LegClass::International)
        );
        assert_eq!(
            classify(&number(NumberKind::PremiumRate, 82), Id::KR),
            Err(DestinationRefusal::PremiumRate)
        );
        assert_eq!(
            classify(&number(NumberKind::SharedCost, 82), Id::KR),
            Err(DestinationRefusal::SharedCost)
        );
    }

    #[test]
    fn a_caribbean_number_is_refused_not_priced_as_plus_one() {
        let jamaica = super::super::number::parse("+1 876 927 1234", Id::KR).unwrap();
        assert_eq!(
            classify(&jamaica, Id::KR),
            Err(DestinationRefusal::HighRisk {
                prefix: "1876",
                name: "Jamaica"
            })
        );
        let california = super::super::number::parse("+1 650 253 0000", Id::KR).unwrap();
        assert_eq!(classify(&california, Id::KR), Ok(LegClass::International));
    }

    #[test]
    fn csv_reads_amounts_in_the_currency_and_names_the_bad_line() {
        let krw = Currency::new("KRW").unwrap();
        let text = format!(
            "{CSV_HEADER}\ninternet,,0,1,1,0\nlandline,82,39,60,60,0\nmobile,8210,108,30,6,10\ninternational,+1,200,60,60,0\n"
        );
        let rates = parse_csv(&text, &krw).unwrap();
        assert_eq!(rates.len(), 4);
        assert_eq!(rates[3].prefix, "1");
        assert_eq!(rates[2].subsequent_increment_secs, 6);
        for (bad, line) in [
            (format!("{CSV_HEADER}\nsatellite,1,1,1,1,0"), 2),
            (format!("{CSV_HEADER}\nlandline,82,1.5,60,60,0"), 2),
            (format!("{CSV_HEADER}\nlandline,82,1,0,60,0"), 2),
            (format!("{CSV_HEADER}\nlandline,82,1,60,60"), 2),
            (
                format!("{CSV_HEADER}\nlandline,82,1,60,60,0\nlandline,82,2,60,60,0"),
                3,
            ),
            (format!("{CSV_HEADER}\ninternational,,1,60,60,0"), 2),
            ("class,prefix\n".to_string(), 1),
        ] {
            assert_eq!(parse_csv(&bad, &krw).unwrap_err().line, line, "{bad}");
        }
    }

    proptest::proptest! {
        /// An operator's file never panics the importer, and every rate it accepts is sane.
        #[test]
        fn any_csv_is_answered_without_panicking(body in "[a-z0-9,.+ \\n-]{0,200}") {
            let text = format!("{CSV_HEADER}\n{body}");
            if let Ok(rates) = parse_csv(&text, &Currency::new("KRW").unwrap()) {
                for rate in rates {
                    proptest::prop_assert!(rate.initial_increment_secs >= 1 && rate.subsequent_increment_secs >= 1);
                    proptest::prop_assert!(rate.per_minute >= 0 && rate.connect_fee >= 0);
                }
            }
        }

        /// Cost never decreases with duration, and never undercuts the billed time's price.
        #[test]
        fn cost_grows_with_duration(per_minute in 0i64..10_000, initial in 1u32..120, subsequent in 1u32..120, duration in 0u32..7200) {
            let rate = rate(per_minute, initial, subsequent, 0);
            proptest::prop_assert!(cost(&rate, duration).0 <= cost(&rate, duration + 1).0);
            proptest::prop_assert!(i64::from(billed_seconds(&rate, duration)) * per_minute <= cost(&rate, duration).0 * 60);
        }
    }
}
