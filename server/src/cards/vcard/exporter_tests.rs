//! What phones and mail programs really export (issue 11): one file per exporter in `samples/`,
//! its bytes as that program writes them (vCard 2.1 with quoted-printable and legacy character
//! sets, 3.0 and 4.0). Each imports to the card its owner would expect, and that card passes the
//! card's own validation, so the designer can save what it was prefilled with.

use app::model::{CardContent, CardInput, CardLink, Contacts, Lang};

use super::*;
use crate::cards::validate::validate;

/// What a sample must give: the default language's texts and the contacts.
struct Expected {
    lang: Lang,
    content: CardContent,
    contacts: Contacts,
    links: Vec<CardLink>,
}

fn text(name: &str, company: &str, department: &str, title: &str) -> CardContent {
    CardContent {
        name: name.into(),
        company: company.into(),
        department: department.into(),
        title: title.into(),
        ..CardContent::default()
    }
}

fn phones(office_phone: &str, mobile: &str, email: &str, homepage: &str) -> Contacts {
    Contacts {
        office_phone: office_phone.into(),
        mobile: mobile.into(),
        email: email.into(),
        homepage: homepage.into(),
        ..Contacts::default()
    }
}

/// Imports `sample`, checks it against `expected` and the card's validation; returns the draft.
fn imports_as(sample: &[u8], expected: Expected) -> CardInput {
    let input = import(sample).unwrap_or_else(|error| panic!("refused: {error}"));
    assert_eq!(input.default_lang, expected.lang);
    let content = &input
        .contents
        .iter()
        .find(|c| c.lang == expected.lang)
        .expect("the default language's texts")
        .content;
    assert_eq!(content, &expected.content);
    assert_eq!(input.contacts, expected.contacts);
    assert_eq!(input.links, expected.links);
    if let Err(errors) = validate(&input, Lang::En) {
        panic!("the card's own validation refuses the import: {errors:?}");
    }
    input
}

#[test]
fn ios_3_0() {
    imports_as(
        include_bytes!("samples/ios.vcf"),
        Expected {
            lang: Lang::En,
            content: CardContent {
                address: "123-45 Yeoksam 2-dong, Gangnam-gu, Seoul, 06234, South Korea".into(),
                ..text("Gildong Hong", "ABCD Co., Ltd.", "Sales", "Manager")
            },
            // iOS writes a pause as `,`: the card keeps the extension after `;`.
            contacts: phones(
                "+82 2-3456-1234;235",
                "+82 10-1234-5678",
                "kildong@abcd.co.kr",
                "http://abcd.co.kr",
            ),
            links: vec![CardLink {
                label: "Blog".into(),
                url: "https://blog.abcd.co.kr/hong".into(),
            }],
        },
    );
}

#[test]
fn android_2_1_in_quoted_printable_utf8() {
    imports_as(
        include_bytes!("samples/android.vcf"),
        Expected {
            lang: Lang::Ko,
            content: CardContent {
                note: "홍길동의 명함입니다. 전화는 평일 오전 9시부터 오후 6시까지 받습니다. \
                       내선 235번으로 연결해 주세요."
                    .into(),
                ..text("홍길동", "(주)에이비씨디", "영업부", "과장")
            },
            // `p` is Android's pause.
            contacts: phones(
                "02-3456-1234;235",
                "010-1234-5678",
                "kildong@abcd.co.kr",
                "http://abcd.co.kr",
            ),
            links: vec![],
        },
    );
}

#[test]
fn samsung_2_1_with_a_soft_break_inside_a_character() {
    imports_as(
        include_bytes!("samples/samsung.vcf"),
        Expected {
            // A name in kanji alone could be Chinese: the katakana of the company tell.
            lang: Lang::Ja,
            content: CardContent {
                note: "山田太郎です。平日の午前九時から午後六時まで電話に出ます。".into(),
                // Only the given name's reading was exported.
                reading: "たろう".into(),
                ..text("山田 太郎", "株式会社サンプル", "", "部長")
            },
            contacts: phones("03-1234-5678;321", "090-1234-5678", "taro@example.jp", ""),
            links: vec![],
        },
    );
}

#[test]
fn outlook_2_1_in_the_korean_windows_code_page() {
    imports_as(
        include_bytes!("samples/outlook.vcf"),
        Expected {
            lang: Lang::Ko,
            content: CardContent {
                address: "역삼2동 123-45, 강남구, 서울특별시, 06234, 대한민국".into(),
                ..text("홍길동", "(주)에이비씨디", "영업부", "과장")
            },
            contacts: Contacts {
                fax: "02-3456-1235".into(),
                ..phones(
                    "02-3456-1234",
                    "010-1234-5678",
                    "kildong@abcd.co.kr",
                    "http://abcd.co.kr",
                )
            },
            links: vec![],
        },
    );
}

#[test]
fn gmail_3_0() {
    imports_as(
        include_bytes!("samples/gmail.vcf"),
        Expected {
            lang: Lang::Zh,
            content: text("王小明", "示例科技有限公司", "市场部", "经理"),
            contacts: phones(
                "+86 10 6552 9988;8001",
                "+86 138 0013 8000",
                "xm.wang@example.cn",
                "https://example.cn",
            ),
            links: vec![],
        },
    );
}

#[test]
fn thunderbird_4_0_with_a_tel_uri_extension() {
    imports_as(
        include_bytes!("samples/thunderbird.vcf"),
        Expected {
            lang: Lang::En,
            content: text("Jane Doe", "Example Inc.", "Research", "Engineer"),
            contacts: phones(
                "+1-555-010-2000;42",
                "+1 555 010 3000",
                "jane@example.com",
                "https://jane.example",
            ),
            links: vec![],
        },
    );
}

#[test]
fn kde_3_0_with_an_extension_in_japanese() {
    imports_as(
        include_bytes!("samples/kde.vcf"),
        Expected {
            lang: Lang::Ja,
            content: text("山田 太郎", "株式会社サンプル", "", "部長"),
            contacts: phones(
                "03-1234-5678;321",
                "090-1234-5678",
                "taro@example.jp",
                "https://taro.example.jp",
            ),
            links: vec![],
        },
    );
}

#[test]
fn evolution_3_0() {
    imports_as(
        include_bytes!("samples/evolution.vcf"),
        Expected {
            lang: Lang::En,
            content: CardContent {
                address: "Hauptstraße 1, Berlin, 10115, Deutschland".into(),
                ..text(
                    "Anna Müller",
                    "Beispiel GmbH",
                    "Vertrieb",
                    "Geschäftsführerin",
                )
            },
            contacts: phones(
                "+49 30 1234567;89",
                "+49 151 23456789",
                "anna.mueller@example.de",
                "https://www.example.de",
            ),
            links: vec![],
        },
    );
}

#[test]
fn a_japanese_phone_s_shift_jis_2_1_is_decoded() {
    // 表 and ソ end in the byte of a backslash in Shift_JIS: decoding comes before unescaping.
    imports_as(
        include_bytes!("samples/shift_jis.vcf"),
        Expected {
            lang: Lang::Ja,
            content: CardContent {
                note: "平日は表示どおり".into(),
                // `SOUND;X-IRMC-N:ﾔﾏﾀﾞ;ﾀﾛｳ`, in the usual full-width kana.
                reading: "ヤマダ タロウ".into(),
                ..text("山田太郎", "表計算株式会社", "ソフト開発部", "課長")
            },
            contacts: phones("0312345678;321", "09012345678", "taro@example.ne.jp", ""),
            links: vec![],
        },
    );
}

#[test]
fn a_fold_inside_a_character_is_joined_before_decoding() {
    let input = imports_as(
        include_bytes!("samples/folded_mid_character.vcf"),
        Expected {
            lang: Lang::Ko,
            content: CardContent {
                note: "한국어 메모 ".repeat(6),
                ..text("홍길동", "", "", "")
            },
            contacts: Contacts::default(),
            links: vec![],
        },
    );
    assert!(!input.contents[0].content.name.contains('\u{FFFD}'));
}

#[test]
fn text_that_is_not_utf8_and_names_no_charset_is_refused_not_garbled() {
    let mut sample = b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:".to_vec();
    sample.extend(encoding_rs::SHIFT_JIS.encode("山田;太郎").0.iter());
    sample.extend(b"\r\nEND:VCARD\r\n");
    let error = import(&sample).unwrap_err();
    assert_eq!(
        error,
        VCardError::NotUtf8 {
            property: "N".into()
        }
    );
    assert!(error.to_string().contains("character set"), "{error}");
}

#[test]
fn an_unknown_or_lying_charset_is_refused() {
    let unknown = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=X-KLINGON:Worf\r\nEND:VCARD\r\n";
    assert_eq!(
        import(unknown),
        Err(VCardError::UnknownCharset {
            name: "X-KLINGON".into()
        })
    );
    let mut lying = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=UTF-8:".to_vec();
    lying.extend(encoding_rs::EUC_KR.encode("홍길동").0.iter());
    lying.extend(b"\r\nEND:VCARD\r\n");
    assert_eq!(
        import(&lying),
        Err(VCardError::Undecodable {
            property: "FN".into(),
            charset: "UTF-8".into()
        })
    );
}

#[test]
fn a_utf16_file_with_its_byte_order_mark_is_read() {
    let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:홍길동\r\nEND:VCARD\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(import(&utf16).unwrap().contents[0].content.name, "홍길동");
}

#[test]
fn tel_values_become_what_the_card_keeps() {
    use super::import::card_phone;
    for (exported, kept) in [
        ("tel:+1-555-010-2000;ext=42", "+1-555-010-2000;42"),
        (
            "tel:+82-2-3456-1234;phone-context=+82;ext=235",
            "+82-2-3456-1234;235",
        ),
        ("TEL:+1-555-010-2000", "+1-555-010-2000"),
        ("02-3456-1234p235", "02-3456-1234;235"),
        ("02-3456-1234w235", "02-3456-1234;235"),
        ("02-3456-1234,,235", "02-3456-1234;235"),
        ("02-3456-1234;235p1", "02-3456-1234;235,1"),
        ("+49 30 1234567 ext. 89", "+49 30 1234567;89"),
        ("03-1234-5678 内線 321", "03-1234-5678;321"),
        ("*123#", "*123#"),
        ("02-3456-1234p", "02-3456-1234"),
    ] {
        let card = card_phone(exported);
        assert_eq!(card, kept, "{exported}");
        assert_eq!(crate::cards::validate::check_phone(&card), Ok(()), "{card}");
    }
}
