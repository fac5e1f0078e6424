//! How a typed phone number was understood, or why it cannot be called, in the page's language
//! (BRIEF R7a, Fig. 3; issue 10): `+82 2-556-1234, extension 235 — Seoul landline`,
//! `+1 212-555-0100 — United States`. Region names are CLDR's (`regions.tsv`,
//! `scripts/region-names.py`); Korean landlines are named by their area code.

use crate::model::{Lang, NumberKind as Kind};

/// Why a typed number cannot be called (`calls::number::NumberError`), one stable code each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Empty,
    TooLong,
    InvalidCharacters,
    BadExtension,
    NotANumber,
    DoesNotExist,
    /// A real number this card is not called back on: another country, or a premium,
    /// shared-cost or high-risk range.
    NotForThisCard,
}

impl Problem {
    pub const ALL: [Problem; 7] = [
        Problem::Empty,
        Problem::TooLong,
        Problem::InvalidCharacters,
        Problem::BadExtension,
        Problem::NotANumber,
        Problem::DoesNotExist,
        Problem::NotForThisCard,
    ];

    /// The stable code of the API's refusal.
    pub fn code(self) -> &'static str {
        match self {
            Problem::Empty => "number_empty",
            Problem::TooLong => "number_too_long",
            Problem::InvalidCharacters => "number_invalid_characters",
            Problem::BadExtension => "number_bad_extension",
            Problem::NotANumber => "number_not_a_number",
            Problem::DoesNotExist => "number_does_not_exist",
            Problem::NotForThisCard => "number_not_allowed",
        }
    }
}

/// A number as understood, for [`describe`].
#[derive(Debug, Clone, Copy)]
pub struct Understood<'a> {
    /// `+82 2-556-1234`
    pub international: &'a str,
    pub extension: Option<&'a str>,
    pub kind: Kind,
    /// ISO 3166 region (`KR`); `None` for non-geographic numbers (`+800`).
    pub region: Option<&'a str>,
    /// The national significant number (`25561234`), whose first digits name a Korean area.
    pub national: &'a str,
}

pub struct NumberText {
    pub fixed_line: &'static str,
    pub mobile: &'static str,
    pub toll_free: &'static str,
    pub premium_rate: &'static str,
    pub shared_cost: &'static str,
    pub voip: &'static str,
    pub personal_number: &'static str,
    pub pager: &'static str,
    pub uan: &'static str,
    pub voicemail: &'static str,
    /// Has an `{extension}` placeholder.
    pub extension: &'static str,
    /// Has `{place}` and `{kind}` placeholders: "Seoul landline", "ソウルの固定電話".
    pub place_kind: &'static str,
    pub empty: &'static str,
    pub too_long: &'static str,
    pub invalid_characters: &'static str,
    pub bad_extension: &'static str,
    pub not_a_number: &'static str,
    /// Has a `{place}` placeholder: the region or `+code` the number was read in.
    pub does_not_exist: &'static str,
    pub not_for_this_card: &'static str,
}

impl NumberText {
    fn kind(&self, kind: Kind) -> Option<&'static str> {
        Some(match kind {
            Kind::FixedLine => self.fixed_line,
            Kind::Mobile => self.mobile,
            // Nobody can tell which (the US, Canada…): the country says enough.
            Kind::FixedLineOrMobile => return None,
            Kind::TollFree => self.toll_free,
            Kind::PremiumRate => self.premium_rate,
            Kind::SharedCost => self.shared_cost,
            Kind::Voip => self.voip,
            Kind::PersonalNumber => self.personal_number,
            Kind::Pager => self.pager,
            Kind::Uan => self.uan,
            Kind::Voicemail => self.voicemail,
        })
    }

    /// Why the number cannot be called; `place` is the region (`KR`) or `+code` it was read in.
    pub fn problem(&self, lang: Lang, problem: Problem, place: &str) -> String {
        match problem {
            Problem::Empty => self.empty.into(),
            Problem::TooLong => self.too_long.into(),
            Problem::InvalidCharacters => self.invalid_characters.into(),
            Problem::BadExtension => self.bad_extension.into(),
            Problem::NotANumber => self.not_a_number.into(),
            Problem::DoesNotExist => self
                .does_not_exist
                .replace("{place}", region_name(lang, place).unwrap_or(place)),
            Problem::NotForThisCard => self.not_for_this_card.into(),
        }
    }
}

pub fn number_text(lang: Lang) -> &'static NumberText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

/// `+82 2-556-1234, extension 235 — Seoul landline` in `lang`. `home` is the installation's
/// region: its own numbers need no country name.
pub fn describe(lang: Lang, number: &Understood<'_>, home: &str) -> String {
    let text = number_text(lang);
    let kind = text.kind(number.kind);
    let place = match number.region {
        Some("KR") if number.kind == Kind::FixedLine => korean_area(lang, number.national),
        Some(region) if region == home => None,
        Some(region) => region_name(lang, region),
        None => None,
    };
    let what = match (place, kind) {
        (Some(place), Some(kind)) => text
            .place_kind
            .replace("{place}", place)
            .replace("{kind}", kind),
        (Some(place), None) => place.to_owned(),
        (None, Some(kind)) => kind.to_owned(),
        (None, None) => String::new(),
    };
    let mut described = number.international.to_owned();
    if let Some(extension) = number.extension {
        described.push_str(", ");
        described.push_str(&text.extension.replace("{extension}", extension));
    }
    if !what.is_empty() {
        described.push_str(" — ");
        described.push_str(&what);
    }
    described
}

/// The region's name in `lang` (CLDR); `None` for a region the table does not have.
pub fn region_name(lang: Lang, region: &str) -> Option<&'static str> {
    let column = Lang::ALL.iter().position(|l| *l == lang)? + 1;
    include_str!("regions.tsv")
        .lines()
        .skip(1)
        .find(|line| line.split('\t').next() == Some(region))
        .and_then(|line| line.split('\t').nth(column))
}

/// Korean landline areas by the digits after the trunk prefix 0 (the national number's start).
const KOREAN_AREAS: [(&str, [&str; 4]); 17] = [
    ("2", ["서울", "Seoul", "ソウル", "首尔"]),
    ("31", ["경기", "Gyeonggi", "京畿道", "京畿道"]),
    ("32", ["인천", "Incheon", "仁川", "仁川"]),
    ("33", ["강원", "Gangwon", "江原道", "江原道"]),
    ("41", ["충남", "South Chungcheong", "忠清南道", "忠清南道"]),
    ("42", ["대전", "Daejeon", "大田", "大田"]),
    ("43", ["충북", "North Chungcheong", "忠清北道", "忠清北道"]),
    ("44", ["세종", "Sejong", "世宗", "世宗"]),
    ("51", ["부산", "Busan", "釜山", "釜山"]),
    ("52", ["울산", "Ulsan", "蔚山", "蔚山"]),
    ("53", ["대구", "Daegu", "大邱", "大邱"]),
    ("54", ["경북", "North Gyeongsang", "慶尚北道", "庆尚北道"]),
    ("55", ["경남", "South Gyeongsang", "慶尚南道", "庆尚南道"]),
    ("61", ["전남", "South Jeolla", "全羅南道", "全罗南道"]),
    ("62", ["광주", "Gwangju", "光州", "光州"]),
    ("63", ["전북", "North Jeolla", "全羅北道", "全罗北道"]),
    ("64", ["제주", "Jeju", "済州", "济州"]),
];

fn korean_area(lang: Lang, national: &str) -> Option<&'static str> {
    let column = Lang::ALL.iter().position(|l| *l == lang)?;
    KOREAN_AREAS
        .iter()
        .find(|(prefix, _)| national.starts_with(prefix))
        .map(|(_, names)| names[column])
}

static KO: NumberText = NumberText {
    fixed_line: "유선전화",
    mobile: "휴대전화",
    toll_free: "수신자 부담 전화",
    premium_rate: "유료 정보 서비스",
    shared_cost: "요금 분담 전화",
    voip: "인터넷 전화",
    personal_number: "개인 번호",
    pager: "무선 호출",
    uan: "대표번호",
    voicemail: "음성사서함",
    extension: "내선 {extension}",
    place_kind: "{place} {kind}",
    empty: "전화번호를 입력해 주세요.",
    too_long: "전화번호가 너무 깁니다 (최대 40자).",
    invalid_characters: "숫자, 공백, + - ( )와 내선 앞의 ; 또는 ext만 쓸 수 있습니다.",
    bad_extension: "내선 번호는 1~20개의 키(0-9, *, #, 쉼표는 잠시 멈춤)여야 합니다.",
    not_a_number: "전화할 수 있는 번호가 아닙니다.",
    does_not_exist: "{place}에 없는 번호입니다. 지역번호를 확인해 주세요.",
    not_for_this_card: "이 명함은 이 번호로 다시 걸어 드릴 수 없습니다 (국가 또는 번호 종류).",
};

static EN: NumberText = NumberText {
    fixed_line: "landline",
    mobile: "mobile",
    toll_free: "toll-free",
    premium_rate: "premium rate",
    shared_cost: "shared cost",
    voip: "internet phone",
    personal_number: "personal number",
    pager: "pager",
    uan: "company number",
    voicemail: "voicemail",
    extension: "extension {extension}",
    place_kind: "{place} {kind}",
    empty: "Enter a phone number.",
    too_long: "A phone number has at most 40 characters.",
    invalid_characters: "Use digits, spaces, + - ( ) and, before an extension, ; or ext.",
    bad_extension: "An extension has 1 to 20 keys (0-9, * and #, and a comma for a pause).",
    not_a_number: "This is not a phone number we can call.",
    does_not_exist: "This number does not exist in {place}; check the area code.",
    not_for_this_card: "This card cannot call this number back (its country or kind of number).",
};

static JA: NumberText = NumberText {
    fixed_line: "固定電話",
    mobile: "携帯電話",
    toll_free: "フリーダイヤル",
    premium_rate: "有料情報サービス",
    shared_cost: "ナビダイヤル",
    voip: "IP電話",
    personal_number: "パーソナル番号",
    pager: "ポケベル",
    uan: "代表番号",
    voicemail: "留守番電話",
    extension: "内線 {extension}",
    place_kind: "{place}の{kind}",
    empty: "電話番号を入力してください。",
    too_long: "電話番号は40文字までです。",
    invalid_characters: "数字、空白、+ - ( ) と、内線の前の ; または ext が使えます。",
    bad_extension: "内線は1〜20個のキー（0-9、*、#、カンマで一時停止）です。",
    not_a_number: "発信できる電話番号ではありません。",
    does_not_exist: "{place}にこの番号はありません。市外局番をご確認ください。",
    not_for_this_card: "この名刺からはこの番号にかけ直せません（国または番号の種類）。",
};

static ZH: NumberText = NumberText {
    fixed_line: "固定电话",
    mobile: "手机",
    toll_free: "免费电话",
    premium_rate: "付费信息服务",
    shared_cost: "分摊费用电话",
    voip: "网络电话",
    personal_number: "个人号码",
    pager: "寻呼机",
    uan: "企业总机",
    voicemail: "语音信箱",
    extension: "分机 {extension}",
    place_kind: "{place}{kind}",
    empty: "请输入电话号码。",
    too_long: "电话号码最多40个字符。",
    invalid_characters: "请使用数字、空格、+ - ( )，分机号前用 ; 或 ext。",
    bad_extension: "分机号为1到20个按键（0-9、* 和 #，逗号表示暂停）。",
    not_a_number: "这不是可以拨打的电话号码。",
    does_not_exist: "{place}没有这个号码，请检查区号。",
    not_for_this_card: "此名片无法回拨这个号码（国家或号码类型）。",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn seoul(extension: Option<&'static str>) -> Understood<'static> {
        Understood {
            international: "+82 2-556-1234",
            extension,
            kind: Kind::FixedLine,
            region: Some("KR"),
            national: "25561234",
        }
    }

    #[test]
    fn describes_the_issues_examples_in_every_language() {
        assert_eq!(
            describe(Lang::En, &seoul(Some("235")), "KR"),
            "+82 2-556-1234, extension 235 — Seoul landline"
        );
        assert_eq!(
            describe(Lang::Ko, &seoul(Some("235")), "KR"),
            "+82 2-556-1234, 내선 235 — 서울 유선전화"
        );
        assert_eq!(
            describe(Lang::Ja, &seoul(None), "KR"),
            "+82 2-556-1234 — ソウルの固定電話"
        );
        assert_eq!(
            describe(Lang::Zh, &seoul(None), "KR"),
            "+82 2-556-1234 — 首尔固定电话"
        );
        let new_york = Understood {
            international: "+1 212-555-0100",
            extension: None,
            kind: Kind::FixedLineOrMobile,
            region: Some("US"),
            national: "2125550100",
        };
        assert_eq!(
            describe(Lang::En, &new_york, "KR"),
            "+1 212-555-0100 — United States"
        );
        assert_eq!(
            describe(Lang::Ko, &new_york, "KR"),
            "+1 212-555-0100 — 미국"
        );
        let home_mobile = Understood {
            international: "+82 10-1234-5678",
            kind: Kind::Mobile,
            national: "1012345678",
            ..seoul(None)
        };
        assert_eq!(
            describe(Lang::En, &home_mobile, "KR"),
            "+82 10-1234-5678 — mobile"
        );
        assert_eq!(
            describe(Lang::En, &home_mobile, "JP"),
            "+82 10-1234-5678 — South Korea mobile"
        );
    }

    #[test]
    fn every_region_has_a_name_in_every_language() {
        let regions = include_str!("regions.tsv").lines().skip(1);
        let mut count = 0;
        for line in regions {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 5, "{line:?}");
            for lang in Lang::ALL {
                let name = region_name(lang, fields[0]).unwrap();
                assert!(
                    !name.is_empty() && name != fields[0],
                    "{line:?} in {lang:?}"
                );
            }
            count += 1;
        }
        assert!(count >= 240, "{count} regions");
    }

    #[test]
    fn every_problem_reads_differently_in_every_language() {
        for problem in Problem::ALL {
            let texts: Vec<String> = Lang::ALL
                .iter()
                .map(|lang| number_text(*lang).problem(*lang, problem, "KR"))
                .collect();
            for (i, text) in texts.iter().enumerate() {
                assert!(
                    !text.is_empty() && !text.contains('{'),
                    "{problem:?}: {text}"
                );
                assert!(!texts[..i].contains(text), "{problem:?} repeats {text}");
            }
        }
        assert_eq!(
            number_text(Lang::Ko).problem(Lang::Ko, Problem::DoesNotExist, "KR"),
            "대한민국에 없는 번호입니다. 지역번호를 확인해 주세요."
        );
    }
}
