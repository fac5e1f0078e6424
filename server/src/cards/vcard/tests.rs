use super::export::*;
use super::import::*;
use super::*;
use app::model::{
    CardContent, CardInput, CardLink, CardView, Contacts, Lang, LocalizedContent, Theme,
};
use proptest::prelude::*;

fn content(name: &str, title: &str, company: &str, department: &str) -> CardContent {
    CardContent {
        name: name.into(),
        title: title.into(),
        company: company.into(),
        department: department.into(),
        ..CardContent::default()
    }
}

/// The sample card of the patent, with an English version beside the Korean one.
fn patent_card() -> CardView {
    let korean = CardContent {
        address: "서울특별시 강남구 역삼2동 123-45".into(),
        ..content("홍길동", "과장", "(주)에이비씨디", "영업부")
    };
    let english = CardContent {
        address: "123-45 Yeoksam 2-dong, Gangnam-gu, Seoul".into(),
        note: "Call me;\nany time, \\ any day".into(),
        ..content("Hong Gildong", "Manager", "ABCD Co., Ltd.", "Sales; Korea")
    };
    CardView {
        slug: "hong".into(),
        url: "https://callcard.example/c/hong".into(),
        published: true,
        default_lang: Lang::Ko,
        contents: vec![
            LocalizedContent {
                lang: Lang::Ko,
                content: korean,
            },
            LocalizedContent {
                lang: Lang::En,
                content: english,
            },
        ],
        contacts: Contacts {
            office_phone: "02-3456-1234".into(),
            mobile: "010-1234-5678".into(),
            fax: "02-3456-1235".into(),
            email: "kildong@abcd.co.kr".into(),
            homepage: "http://abcd.co.kr".into(),
        },
        links: vec![CardLink {
            label: "Blog".into(),
            url: "https://blog.abcd.co.kr/hong".into(),
        }],
        theme: Theme::default(),
        photo_url: None,
        logo_url: None,
        video: None,
        updated_at: "2026-11-26T23:28:00+09:00".into(),
    }
}

/// What import should give back for a card: its texts, contacts and links.
fn expected_input(card: &CardView) -> CardInput {
    CardInput {
        slug: None,
        ..card.to_input()
    }
}

/// The document cut at each CRLF, as bytes, so a cut inside a character would show.
fn physical_lines(document: &str) -> Vec<&[u8]> {
    let mut rest = document
        .as_bytes()
        .strip_suffix(b"\r\n")
        .expect("the document ends in CRLF");
    let mut lines = Vec::new();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        lines.push(&rest[..end]);
        rest = &rest[end + 2..];
    }
    lines.push(rest);
    assert!(
        lines
            .iter()
            .all(|l| !l.contains(&b'\n') && !l.contains(&b'\r'))
    );
    lines
}

/// The document's logical lines, unfolded as vCard 4.0 and 3.0 are.
fn unfold(document: &str) -> Vec<String> {
    let physical: Vec<&[u8]> = document
        .split('\n')
        .map(|l| l.trim_end_matches('\r').as_bytes())
        .collect();
    super::lines::unfold(&physical, super::lines::Folding::DropWhitespace)
        .into_iter()
        .map(|line| String::from_utf8(line).expect("export writes UTF-8"))
        .collect()
}

/// Whether the unfolded document has exactly this content line.
fn has_line(document: &str, line: &str) -> bool {
    unfold(document).iter().any(|l| l == line)
}

#[test]
fn folded_lines_never_exceed_75_octets_nor_split_utf8() {
    let mut card = patent_card();
    card.contents[0].content.note = "홍길동의 명함입니다. 한국어로 쓴 아주 긴 메모. ".repeat(20);
    let photo = Photo {
        bytes: &[0xAB; 300],
        media_type: "image/jpeg",
    };
    let document = export(&card, VCardVersion::V4, Some(photo), None);
    for line in physical_lines(&document) {
        assert!(line.len() <= MAX_LINE_OCTETS, "{} octets", line.len());
        assert!(std::str::from_utf8(line).is_ok(), "a line cuts a character");
    }
    let note = unfold(&document)
        .into_iter()
        .find(|l| l.starts_with("NOTE;") && l.contains("LANGUAGE=ko"))
        .unwrap();
    let value = note.split_once(':').unwrap().1;
    assert_eq!(unescape(value), card.contents[0].content.note);
}

#[test]
fn escaping_round_trips() {
    let text = "a,b;c\\d\nsecond line: 홍길동 \\n literal";
    let escaped = escape_text(text);
    assert_eq!(
        escaped,
        "a\\,b\\;c\\\\d\\nsecond line: 홍길동 \\\\n literal"
    );
    assert_eq!(unescape(&escaped), text);
    assert_eq!(escape_text("one\r\ntwo\rthree"), "one\\ntwo\\nthree");
}

#[test]
fn export_then_import_round_trips_the_patent_card_in_all_languages() {
    let card = patent_card();
    let document = export(&card, VCardVersion::V4, None, None);
    assert_eq!(import(&document).unwrap(), expected_input(&card));
}

#[test]
fn v4_frames_the_card_with_begin_version_and_end() {
    let document = export(&patent_card(), VCardVersion::V4, None, None);
    let lines: Vec<&str> = document.split("\r\n").collect();
    assert_eq!(
        &lines[..3],
        ["BEGIN:VCARD", "VERSION:4.0", "PRODID:-//callcard//EN"]
    );
    assert_eq!(lines[lines.len() - 2..], ["END:VCARD", ""]);
}

#[test]
fn v4_marks_each_language_and_prefers_the_default() {
    let document = export(&patent_card(), VCardVersion::V4, None, None);
    for line in [
        "FN;ALTID=1;LANGUAGE=ko;PREF=1:홍길동",
        "FN;ALTID=1;LANGUAGE=en:Hong Gildong",
        "N;ALTID=1;LANGUAGE=ko:홍;길동;;;",
        // 홍길동 says Hong is the family name of "Hong Gildong".
        "N;ALTID=1;LANGUAGE=en:Hong;Gildong;;;",
        "ORG;ALTID=1;LANGUAGE=en:ABCD Co.\\, Ltd.;Sales\\; Korea",
        "ADR;TYPE=work;ALTID=1;LANGUAGE=ko;PREF=1:;;서울특별시 강남구 역삼2동 123-45;;;;",
    ] {
        assert!(has_line(&document, line), "missing {line}");
    }
    // Only English has a note: one instance, no ALTID needed.
    assert!(document.contains("\r\nNOTE;LANGUAGE=en:"));
    assert!(document.find("LANGUAGE=ko").unwrap() < document.find("LANGUAGE=en").unwrap());
}

#[test]
fn v4_writes_contacts_revision_uid_and_the_card_url() {
    let mut card = patent_card();
    card.contacts.mobile = "+82 10-1234-5678".into();
    let document = export(&card, VCardVersion::V4, None, None);
    for line in [
        "UID:urn:callcard:hong",
        "REV:20261126T142800Z",
        "TEL;TYPE=work,voice;VALUE=text:02-3456-1234",
        "TEL;TYPE=cell;VALUE=uri:tel:+82-10-1234-5678",
        "TEL;TYPE=work,fax;VALUE=text:02-3456-1235",
        "EMAIL;TYPE=work:kildong@abcd.co.kr",
        "URL;TYPE=work:http://abcd.co.kr",
        "SOURCE:https://callcard.example/c/hong/vcard",
        "URL;TYPE=x-callcard:https://callcard.example/c/hong",
        "item1.URL:https://blog.abcd.co.kr/hong",
        "item1.X-ABLabel:Blog",
    ] {
        assert!(has_line(&document, line), "missing {line}");
    }
}

#[test]
fn v3_holds_the_default_language_only() {
    let document = export(&patent_card(), VCardVersion::V3, None, None);
    assert!(document.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"));
    assert!(has_line(&document, "FN;CHARSET=UTF-8:홍길동"));
    assert!(has_line(&document, "TEL;TYPE=WORK,VOICE:02-3456-1234"));
    assert!(has_line(
        &document,
        "URL;TYPE=X-CALLCARD:https://callcard.example/c/hong"
    ));
    assert!(!document.contains("Hong Gildong"));
    assert!(!document.contains("LANGUAGE="));
    assert!(!document.contains("SOURCE"));
    let input = import(&document).unwrap();
    assert_eq!(input.default_lang, Lang::Ko);
    assert_eq!(input.contents.len(), 1);
    assert_eq!(input.contents[0].content, patent_card().contents[0].content);
}

#[test]
fn photo_and_logo_are_embedded_in_each_version_s_form() {
    let jpeg = Photo {
        bytes: b"\xFF\xD8\xFF",
        media_type: "image/jpeg",
    };
    let png = Photo {
        bytes: b"\x89PNG",
        media_type: "image/png",
    };
    let v4 = export(&patent_card(), VCardVersion::V4, Some(jpeg), Some(png));
    assert!(v4.contains("\r\nPHOTO:data:image/jpeg;base64,/9j/\r\n"));
    assert!(v4.contains("\r\nLOGO:data:image/png;base64,iVBORw==\r\n"));
    let v3 = export(&patent_card(), VCardVersion::V3, Some(jpeg), Some(png));
    assert!(v3.contains("\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/\r\n"));
    assert!(v3.contains("\r\nLOGO;ENCODING=b;TYPE=PNG:iVBORw==\r\n"));
}

#[test]
fn names_split_into_family_and_given() {
    let none = NameHints::default();
    assert_eq!(split_name("홍길동", Lang::Ko, none), ("홍", "길동"));
    assert_eq!(split_name("남궁민수", Lang::Ko, none), ("남궁", "민수"));
    assert_eq!(split_name("王小明", Lang::Zh, none), ("王", "小明"));
    assert_eq!(split_name("田中太郎", Lang::Ja, none), ("田中太郎", ""));
    assert_eq!(split_name("田中 太郎", Lang::Ja, none), ("田中", "太郎"));
    assert_eq!(
        split_name("Mary Ann Smith", Lang::En, none),
        ("Smith", "Mary Ann")
    );
    assert_eq!(split_name("Madonna", Lang::En, none), ("Madonna", ""));
}

#[test]
fn a_romanised_korean_name_keeps_its_family_name_in_either_order() {
    let hong = NameHints {
        korean: true,
        hangul_family: Some("홍"),
    };
    assert_eq!(
        split_name("Hong Gildong", Lang::En, hong),
        ("Hong", "Gildong")
    );
    assert_eq!(
        split_name("Gildong Hong", Lang::En, hong),
        ("Hong", "Gildong")
    );
    assert_eq!(
        split_name("HONG Gil-dong", Lang::En, hong),
        ("HONG", "Gil-dong")
    );
    // A Korean card without its Hangul name: the common surnames are known.
    let korean = NameHints {
        korean: true,
        hangul_family: None,
    };
    assert_eq!(
        split_name("Kim Minjun", Lang::En, korean),
        ("Kim", "Minjun")
    );
    assert_eq!(
        split_name("Minjun Kim", Lang::En, korean),
        ("Kim", "Minjun")
    );
    // Both words could be surnames: the Western order stands.
    assert_eq!(split_name("Lee Park", Lang::En, korean), ("Park", "Lee"));
    // Not a Korean card: "Song Lee" is a Western name.
    assert_eq!(
        split_name("Song Smith", Lang::En, NameHints::default()),
        ("Smith", "Song")
    );
}

#[test]
fn line_breaks_in_urls_cannot_inject_properties() {
    let mut card = patent_card();
    card.contacts.homepage = "http://abcd.co.kr\r\nFN:Mallory".into();
    let document = export(&card, VCardVersion::V4, None, None);
    assert!(!document.contains("\r\nFN:Mallory"));
}

const IOS_CARD: &str = "BEGIN:VCARD\n\
    VERSION:3.0\n\
    PRODID:-//Apple Inc.//iPhone OS 17.4//EN\n\
    N:Appleseed;John;;;\n\
    FN:John Appleseed\n\
    ORG:Apple Inc.;\n\
    TITLE:Engineer\n\
    item1.EMAIL;type=INTERNET;type=pref:john@example.com\n\
    item2.TEL;type=CELL;type=VOICE;type=pref:+1 (408) 555-0100\n\
    TEL;type=HOME;type=VOICE:(408) 555-0111\n\
    TEL;type=WORK;type=VOICE:(408) 555-0199\n\
    TEL;type=WORK;type=FAX:(408) 555-0198\n\
    ADR;type=HOME:;;2 Home Road;Cupertino;CA;95014;United States\n\
    item3.ADR;type=WORK;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United States\n\
    item3.X-ABADR:us\n\
    item4.URL;type=pref:http\\://www.apple.com\n\
    item4.X-ABLabel:_$!<HomePage>!$_\n\
    item5.URL:https\\://github.com/john\n\
    item5.X-ABLabel:GitHub\n\
    item6.URL:https://example.org/john\n\
    item6.X-ABLabel:_$!<Other>!$_\n\
    NOTE:Met at WWDC\\, booth 12\\;\\n follow up\n\
    \t next week\n\
    PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJ\n \
    CQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/\n\
    END:VCARD\n";

#[test]
fn import_reads_an_ios_style_3_0_card() {
    let input = import(IOS_CARD).unwrap();
    assert_eq!(input.default_lang, Lang::En);
    assert_eq!(input.contents.len(), 1);
    let content = &input.contents[0].content;
    assert_eq!(content.name, "John Appleseed");
    assert_eq!(content.company, "Apple Inc.");
    assert_eq!(content.department, "");
    assert_eq!(content.title, "Engineer");
    assert_eq!(
        content.address,
        "1 Infinite Loop, Cupertino, CA, 95014, United States"
    );
    assert_eq!(content.note, "Met at WWDC, booth 12;\n follow up next week");
    assert_eq!(
        input.contacts,
        Contacts {
            office_phone: "(408) 555-0199".into(),
            mobile: "+1 (408) 555-0100".into(),
            fax: "(408) 555-0198".into(),
            email: "john@example.com".into(),
            homepage: "http://www.apple.com".into(),
        }
    );
    assert_eq!(
        input.links,
        [
            CardLink {
                label: "GitHub".into(),
                url: "https://github.com/john".into()
            },
            CardLink {
                label: "example.org".into(),
                url: "https://example.org/john".into()
            },
        ]
    );
}

#[test]
fn import_reads_every_form_of_type_and_quoted_parameters() {
    let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Kim\r\n\
        TEL;TYPE=\"work,fax\":+82-2-1\r\n\
        TEL;type=WORK;type=CELL;VALUE=uri:tel:+82-10-1\r\n\
        TEL;WORK;VOICE:02-1\r\n\
        ADR;LABEL=\"1 Main St^nSeoul; Korea: ^'HQ^'\";TYPE=work:;;1 Main St;Seoul;;;Korea\r\n\
        END:VCARD\r\n";
    let input = import(text).unwrap();
    assert_eq!(input.contacts.fax, "+82-2-1");
    assert_eq!(input.contacts.mobile, "+82-10-1");
    assert_eq!(input.contacts.office_phone, "02-1");
    assert_eq!(
        input.contents[0].content.address,
        "1 Main St\nSeoul; Korea: \"HQ\""
    );
}

#[test]
fn import_guesses_the_default_language_from_the_name_script() {
    let guess = |name: &str| {
        let text = format!("BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nEND:VCARD\n");
        import(&text).unwrap().default_lang
    };
    assert_eq!(guess("홍길동"), Lang::Ko);
    assert_eq!(guess("やまだ 太郎"), Lang::Ja);
    assert_eq!(guess("王小明"), Lang::Zh);
    assert_eq!(guess("Jane Doe"), Lang::En);
    assert_eq!(guess("李 Lee"), Lang::En);
}

#[test]
fn import_puts_unknown_languages_in_the_default_one() {
    let text = "BEGIN:VCARD\nVERSION:4.0\n\
        FN;LANGUAGE=fr:Jean Dupont\nTITLE;LANGUAGE=ko:과장\nTITLE;LANGUAGE=fr:Directeur\n\
        END:VCARD\n";
    let input = import(text).unwrap();
    assert_eq!(input.default_lang, Lang::En);
    let langs: Vec<Lang> = input.contents.iter().map(|c| c.lang).collect();
    assert_eq!(langs, [Lang::Ko, Lang::En]);
    assert_eq!(input.contents[1].content.title, "Directeur");
    assert_eq!(input.contents[0].content.title, "과장");
}

#[test]
fn import_builds_the_name_from_n_when_fn_is_missing() {
    let korean = import("BEGIN:VCARD\nVERSION:3.0\nN:홍;길동;;;\nEND:VCARD\n").unwrap();
    assert_eq!(korean.default_lang, Lang::Ko);
    assert_eq!(korean.contents[0].content.name, "홍길동");
    let latin = import("BEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane;Q.;Dr.;PhD\nEND:VCARD\n").unwrap();
    assert_eq!(latin.contents[0].content.name, "Dr. Jane Q. Doe PhD");
}

#[test]
fn import_reads_only_the_first_vcard() {
    let text = "junk before\nBEGIN:VCARD\nVERSION:4.0\nFN:First\nEND:VCARD\n\
        BEGIN:VCARD\nVERSION:4.0\nFN:Second\nEND:VCARD\n";
    assert_eq!(import(text).unwrap().contents[0].content.name, "First");
}

#[test]
fn import_refuses_text_without_begin_vcard() {
    assert_eq!(import("FN:Jane Doe\n"), Err(VCardError::NotAVCard));
    assert_eq!(import(""), Err(VCardError::NotAVCard));
}

#[test]
fn import_refuses_a_vcard_without_end() {
    let text = "BEGIN:VCARD\nVERSION:4.0\nFN:Jane Doe\n";
    assert_eq!(import(text), Err(VCardError::Unterminated));
}

#[test]
fn import_refuses_a_version_it_does_not_know() {
    let text = "BEGIN:VCARD\nVERSION:5.0\nFN:Jane Doe\nEND:VCARD\n";
    let error = import(text).unwrap_err();
    assert_eq!(
        error,
        VCardError::UnsupportedVersion {
            found: "5.0".into()
        }
    );
    assert!(error.to_string().contains("3.0 or 4.0"));
}

#[test]
fn import_refuses_a_vcard_without_a_name() {
    let text = "BEGIN:VCARD\nVERSION:4.0\nFN:\nEMAIL:a@b.c\nEND:VCARD\n";
    assert_eq!(import(text), Err(VCardError::NoName));
}

#[test]
fn import_refuses_more_than_a_mebibyte() {
    let text = format!(
        "BEGIN:VCARD\nVERSION:4.0\nFN:Jane\nNOTE:{}\nEND:VCARD\n",
        "x".repeat(MAX_IMPORT_BYTES)
    );
    assert_eq!(
        import(&text),
        Err(VCardError::TooLarge {
            max_bytes: MAX_IMPORT_BYTES
        })
    );
}

/// Text a person might type: any printable character, line breaks, and the characters
/// vCard escapes.
fn typed_text() -> impl Strategy<Value = String> {
    let character = prop_oneof![
        any::<char>().prop_filter("printable", |c| !c.is_control()),
        Just('\n'),
        Just(','),
        Just(';'),
        Just('\\'),
        Just(' '),
        Just('홍'),
    ];
    proptest::collection::vec(character, 0..60).prop_map(|chars| chars.into_iter().collect())
}

/// Empty, or text with something visible in it (blank fields are not exported).
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        ("[a-z가-힣]", typed_text()).prop_map(|(a, b)| a + &b)
    ]
}

proptest! {
    #[test]
    fn typed_text_round_trips_through_export_and_import(
        name in ("[a-zA-Z홍]", typed_text()).prop_map(|(a, b)| a + &b),
        title in field(),
        company in field(),
        department in field(),
        note in field(),
        version in prop_oneof![Just(VCardVersion::V4), Just(VCardVersion::V3)],
    ) {
        let mut card = patent_card();
        card.contents.truncate(1);
        card.contents[0].content = CardContent {
            note,
            ..content(&name, &title, &company, &department)
        };
        card.contents[0].content.address = String::new();
        let document = export(&card, version, None, None);
        let input = import(&document).unwrap();
        if version == VCardVersion::V4 {
            // 3.0 has no LANGUAGE: there the default comes from the name's script.
            prop_assert_eq!(input.default_lang, Lang::Ko);
        }
        prop_assert_eq!(&input.contents[0].content, &card.contents[0].content);
    }

    #[test]
    fn import_never_panics_on_arbitrary_lines(
        lines in proptest::collection::vec(
            prop_oneof![
                "[A-Za-z0-9.;:=,\"\\\\^ \t-]{0,40}",
                "(item1\\.)?(FN|N|ORG|ADR|TEL|URL|X-ABLabel)(;[A-Z]+=\"?[a-z,:;^]*\"?)*:.{0,20}",
                any::<String>(),
            ],
            0..20,
        )
    ) {
        let text = format!("BEGIN:VCARD\r\n{}\r\nEND:VCARD\r\n", lines.join("\r\n"));
        let _ = import(&text);
    }
}

#[test]
fn import_of_2_1_keeps_backslashes_and_commas_as_the_text_has_them() {
    let vcf = "BEGIN:VCARD\r\n\
        VERSION:2.1\r\n\
        N:Smith;John\r\n\
        FN:Smith, John\r\n\
        ORG:Acme\\; Sons;R&D, Seoul\r\n\
        NOTE:Files in C:\\new\\notes, see \\n\r\n\
        END:VCARD\r\n";
    let input = import(vcf).unwrap();
    let content = &input.contents[0].content;
    assert_eq!(content.name, "Smith, John");
    assert_eq!(content.company, "Acme; Sons");
    assert_eq!(content.department, "R&D, Seoul");
    assert_eq!(content.note, "Files in C:\\new\\notes, see \\n");
    // The same lines in 3.0 mean what 3.0 escaping says.
    let three = vcf.replace("VERSION:2.1", "VERSION:3.0");
    let input = import(three).unwrap();
    assert_eq!(
        input.contents[0].content.note,
        "Files in C:\new\notes, see \n"
    );
}

#[test]
fn escaping_a_2_1_value_as_3_0_is_undone_by_the_3_0_reader() {
    for text in [
        "plain",
        "a\\b",
        "a\\;b",
        "x,y",
        "\\",
        "end\\",
        "\\\\;",
        "세 \\n 개",
    ] {
        let unescaped = unescape(&escaped_as_v3(text));
        assert_eq!(unescaped, text.replace("\\;", ";"), "{text}");
    }
}

#[test]
fn the_first_languages_reading_is_the_phonetic_name_and_comes_back() {
    let mut card = patent_card();
    card.default_lang = Lang::Ja;
    card.contents.push(LocalizedContent {
        lang: Lang::Ja,
        content: CardContent {
            reading: "ホン・ギルドン".into(),
            ..content("洪吉童", "課長", "ABCD株式会社", "営業部")
        },
    });
    for version in [VCardVersion::V4, VCardVersion::V3] {
        let document = export(&card, version, None, None);
        let lines = unfold(&document);
        let phonetic: Vec<&String> = lines
            .iter()
            .filter(|l| l.starts_with("X-PHONETIC"))
            .collect();
        let param = match version {
            VCardVersion::V4 => ";LANGUAGE=ja",
            VCardVersion::V3 => ";CHARSET=UTF-8",
        };
        assert_eq!(
            phonetic,
            [
                &format!("X-PHONETIC-LAST-NAME{param}:ホン"),
                &format!("X-PHONETIC-FIRST-NAME{param}:ギルドン"),
            ],
            "{version:?}"
        );
        let imported = import(document.as_bytes()).unwrap();
        let named = imported
            .contents
            .iter()
            .find(|c| c.content.name == "洪吉童")
            .expect("the name in kanji");
        assert_eq!(named.content.reading, "ホン ギルドン", "{version:?}");
        let others = imported
            .contents
            .iter()
            .filter(|c| c.content.name != "洪吉童");
        assert!(others.into_iter().all(|c| c.content.reading.is_empty()));
    }
    // Other languages' readings stay on the card: contact apps keep one phonetic name.
    card.default_lang = Lang::Ko;
    assert!(!export(&card, VCardVersion::V4, None, None).contains("X-PHONETIC"));
}

#[test]
fn a_reading_splits_where_each_language_puts_its_family_name() {
    assert_eq!(split_reading("Hóng Jítóng", Lang::Zh), ("Hóng", "Jítóng"));
    assert_eq!(
        split_reading("やまだ　たろう", Lang::Ja),
        ("やまだ", "たろう")
    );
    assert_eq!(
        split_reading("Ada King Lovelace", Lang::En),
        ("Lovelace", "Ada King")
    );
    assert_eq!(
        split_reading("やまだたろう", Lang::Ja),
        ("やまだたろう", "")
    );
    assert_eq!(split_reading("  ", Lang::Ko), ("", ""));
}
