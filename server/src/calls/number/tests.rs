use super::*;

fn kr(input: &str) -> Result<ParsedNumber, NumberError> {
    parse(input, Id::KR)
}

/// Every format of the call window (Fig. 3), typed as people type them.
#[test]
fn understands_the_call_window_formats() {
    let cases: &[(&str, &str, Option<&str>, NumberKind, &str)] = &[
        (
            "0255201115",
            "+82255201115",
            None,
            NumberKind::FixedLine,
            "KR",
        ),
        (
            "02-3456-1234",
            "+82234561234",
            None,
            NumberKind::FixedLine,
            "KR",
        ),
        (
            "010-1234-5678",
            "+821012345678",
            None,
            NumberKind::Mobile,
            "KR",
        ),
        (
            "025561234;235",
            "+8225561234",
            Some("235"),
            NumberKind::FixedLine,
            "KR",
        ),
        (
            "+82 2 3456 1234",
            "+82234561234",
            None,
            NumberKind::FixedLine,
            "KR",
        ),
        (
            "001 1 650 253 0000",
            "+16502530000",
            None,
            NumberKind::FixedLineOrMobile,
            "US",
        ),
        (
            "002-81-3-3224-5000",
            "+81332245000",
            None,
            NumberKind::FixedLine,
            "JP",
        ),
        (
            "+44 20 7946 0958",
            "+442079460958",
            None,
            NumberKind::FixedLine,
            "GB",
        ),
    ];
    for (input, e164, extension, kind, region) in cases {
        let parsed = kr(input).unwrap_or_else(|error| panic!("{input}: {error}"));
        assert_eq!(parsed.e164, *e164, "{input}");
        assert_eq!(parsed.extension.as_deref(), *extension, "{input}");
        assert_eq!(parsed.kind, *kind, "{input}");
        assert_eq!(parsed.region.as_deref(), Some(*region), "{input}");
    }
}

#[test]
fn premium_and_toll_free_numbers_are_recognised() {
    assert_eq!(
        kr("060-700-1234").map(|n| n.kind),
        Ok(NumberKind::PremiumRate)
    );
    assert_eq!(kr("080-123-4567").map(|n| n.kind), Ok(NumberKind::TollFree));
}

#[test]
fn refuses_with_a_reason() {
    assert_eq!(kr(""), Err(NumberError::Empty));
    assert_eq!(kr("call me maybe"), Err(NumberError::InvalidCharacters));
    assert_eq!(kr("++82 2 3456 1234"), Err(NumberError::InvalidCharacters));
    assert_eq!(kr("025561234;"), Err(NumberError::BadExtension));
    assert_eq!(kr("025561234;12a"), Err(NumberError::BadExtension));
    assert_eq!(kr(&"1".repeat(41)), Err(NumberError::TooLong));
    assert!(matches!(
        kr("012"),
        Err(NumberError::Invalid(_) | NumberError::NotANumber)
    ));
}

proptest::proptest! {
    /// Outside input never panics the parser; whatever it accepts is a well-formed E.164.
    #[test]
    fn any_input_is_answered_without_panicking(input in "\\PC{0,45}") {
        if let Ok(parsed) = kr(&input) {
            proptest::prop_assert!(parsed.e164.starts_with('+'));
            proptest::prop_assert!(parsed.e164[1..].bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn digit_strings_are_answered_without_panicking(input in "[0-9+;*# -]{0,40}") {
        let _ = kr(&input);
    }
}

/// An independent libphonenumber's verdict on every number of `reference.tsv`
/// (`scripts/number-reference.py`): valid or not, and for a valid one its E.164, kind and
/// region and how it is written for people. The `phonenumber` crate's own parser disagreed
/// on 76 of them: `02-1234-56789` as a Seoul landline, `+86 131…` without its `1`, Italian
/// numbers refused…
#[test]
fn agrees_with_an_independent_libphonenumber_on_every_reference_number() {
    let mut disagreements = Vec::new();
    let mut checked = 0;
    for line in include_str!("reference.tsv").lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let [home, typed, verdict, e164, kind, region, international] = fields[..] else {
            panic!("a reference line has seven fields: {line:?}");
        };
        let home: Id = home.parse().expect("a region id");
        let ours = match parse(typed, home) {
            Ok(parsed) => format!(
                "valid\t{}\t{}\t{}\t{}",
                parsed.e164,
                serde_json::to_value(parsed.kind).unwrap().as_str().unwrap(),
                parsed.region.unwrap_or_default(),
                parsed.international
            ),
            Err(_) => "invalid\t\t\t\t".to_owned(),
        };
        let theirs = format!("{verdict}\t{e164}\t{kind}\t{region}\t{international}");
        if ours != theirs {
            disagreements.push(format!(
                "{home:?} {typed:?}: ours {ours:?}, reference {theirs:?}"
            ));
        }
        checked += 1;
    }
    assert!(checked > 2_000, "the reference holds {checked} numbers");
    assert!(
        disagreements.is_empty(),
        "{} of {checked} numbers disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// Numbers that do not exist are refused, with the region named (issue 10).
#[test]
fn numbers_longer_than_their_plan_allows_are_refused() {
    for typed in [
        "02-1234-56789",
        "080-1234-56789",
        "010-1234-56789",
        "02-12345-67890",
    ] {
        assert_eq!(kr(typed), Err(NumberError::Invalid("KR".into())), "{typed}");
    }
}

/// Extensions as people write them, digits of other scripts, and every kind of separator.
#[test]
fn understands_numbers_as_people_type_them() {
    let seoul = "+8225561234";
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("025561234;235", seoul, Some("235")),
        ("02-556-1234;ext=235", seoul, Some("235")),
        ("02-556-1234 ext 235", seoul, Some("235")),
        ("02-556-1234 Ext. 235", seoul, Some("235")),
        ("02-556-1234 extension 235", seoul, Some("235")),
        ("02-556-1234 x235", seoul, Some("235")),
        ("02-556-1234 X 235", seoul, Some("235")),
        ("02-556-1234 #235", seoul, Some("235")),
        ("02-556-1234 내선 235", seoul, Some("235")),
        ("02-556-1234 内線 235", seoul, Some("235")),
        ("02-556-1234 分机 235", seoul, Some("235")),
        ("02-556-1234;p235w#", seoul, Some(",235,#")),
        ("025561234;1,2*3#", seoul, Some("1,2*3#")),
        ("０２−５５６−１２３４", seoul, None),
        ("０２ー５５６ー１２３４", seoul, None),
        ("\u{a0}02\u{a0}556\u{2009}1234\u{3000}", seoul, None),
        ("02\u{2010}556\u{2013}1234", seoul, None),
        ("02\u{2014}556\u{2212}1234", seoul, None),
        ("(02) 556.1234", seoul, None),
        ("＋82 2 556 1234", seoul, None),
        ("٠٢٥٥٦١٢٣٤", seoul, None),
        ("۰۲۵۵۶۱۲۳۴", seoul, None),
        ("०२५५६१२३४", seoul, None),
        ("+82 (0)2 556 1234", seoul, None),
    ];
    for (typed, e164, extension) in cases {
        let parsed = kr(typed).unwrap_or_else(|error| panic!("{typed:?}: {error}"));
        assert_eq!(parsed.e164, *e164, "{typed:?}");
        assert_eq!(parsed.extension.as_deref(), *extension, "{typed:?}");
    }
}

#[test]
fn refuses_what_is_not_a_number_or_an_extension() {
    assert_eq!(kr("1-800-FLOWERS"), Err(NumberError::InvalidCharacters));
    assert_eq!(kr("02-556-1234 ext"), Err(NumberError::BadExtension));
    assert_eq!(kr("02-556-1234 ext abc"), Err(NumberError::BadExtension));
    assert_eq!(kr("02-556-1234;,,,"), Err(NumberError::BadExtension));
    assert_eq!(
        kr("02-556-1234;123456789012345678901"),
        Err(NumberError::BadExtension)
    );
    assert_eq!(kr("+82+2 556 1234"), Err(NumberError::InvalidCharacters));
    // Bounded before it is looked at: 5 KB of digits, or of four-byte characters.
    assert_eq!(kr(&"1".repeat(5_000)), Err(NumberError::TooLong));
    assert_eq!(kr(&"𝟎".repeat(41)), Err(NumberError::TooLong));
}
