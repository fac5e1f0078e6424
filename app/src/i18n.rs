//! The pages' own words in each card language (BRIEF R2: ko, en, ja, zh): the card page's
//! [`CardText`] and the call window's [`CallText`]; how a typed phone number was understood
//! ([`number`]); and the issuer's pages in the language they choose (issue 11): the front page
//! and "not found" ([`SiteText`]), sign-up and log-in ([`AuthText`]), the dashboard and
//! statement ([`DashboardText`]) and its browser line ([`LineText`]), the call records
//! ([`RecordsText`]), the phone numbers ([`PhoneNumbersText`]), the card designer
//! ([`EditorText`]) and why it refused a save ([`CardFormText`]), the Embed panel
//! ([`EmbedText`], issue 12) and a card's usage charts ([`UsageText`]); and money, dates and
//! times as each language writes them ([`format`]).
//!
//! A table of static strings per language, so a missing translation is a compile error.

use crate::model::Lang;

mod auth;
mod call;
mod card_form;
mod dashboard;
mod editor;
mod embed;
pub mod format;
mod ledger_note;
mod line;
pub mod number;
mod phone_numbers;
mod records;
mod site;
mod usage;
mod vcard;
mod video;

pub use auth::{AuthText, auth_text};
pub use call::{CallText, EndMessages, PAGE_CAUSES, SERVER_CAUSES, call_text, refusal_message};
pub use card_form::{CardFormText, card_form_text};
pub use dashboard::{DashboardText, KINDS, dashboard_text};
pub use editor::{EditorText, editor_text};
pub use embed::{EmbedText, embed_text};
pub use ledger_note::{SystemNote, ledger_note};
pub use line::{LineText, line_text};
pub use phone_numbers::{PhoneNumbersText, phone_numbers_text};
pub use records::{OUTCOMES, RecordsText, record_causes, records_text};
pub use site::{SiteText, own_name, site_text};
pub use usage::{UsageText, usage_text};
pub use vcard::{VCardText, vcard_text};
pub use video::{VideoText, video_text};

/// The language of the issuer's pages (sign-up, dashboard, …), chosen by the issuer or their
/// browser; a card's own pages speak the card's languages instead. The server provides it as
/// context for the page being rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UiLang(pub Lang);

pub struct CardText {
    pub languages: &'static str,
    pub office_phone: &'static str,
    pub mobile: &'static str,
    pub fax: &'static str,
    pub email: &'static str,
    pub homepage: &'static str,
    pub address: &'static str,
    pub links: &'static str,
    pub call: &'static str,
    pub call_for_free: &'static str,
    pub save_contact: &'static str,
    pub share_by_email: &'static str,
    /// The share button: the device's share sheet where there is one, else the link copied.
    pub share: &'static str,
    pub link_copied: &'static str,
    /// Followed by the card's address, when the browser would not copy it.
    pub copy_this_link: &'static str,
    pub qr_code: &'static str,
    pub qr_alt: &'static str,
    pub photo_alt: &'static str,
    /// The card video player's accessible name.
    pub video: &'static str,
    pub logo_alt: &'static str,
}

pub fn text(lang: Lang) -> &'static CardText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

static KO: CardText = CardText {
    languages: "언어",
    office_phone: "전화",
    mobile: "휴대폰",
    fax: "팩스",
    email: "이메일",
    homepage: "홈페이지",
    address: "주소",
    links: "링크",
    call: "무료 전화하기",
    call_for_free: "무료로 전화할 수 있는 명함",
    save_contact: "연락처 저장",
    share_by_email: "이메일로 공유",
    share: "공유하기",
    link_copied: "링크를 복사했습니다.",
    copy_this_link: "이 링크를 복사하세요: ",
    qr_code: "QR 코드",
    qr_alt: "이 명함의 QR 코드",
    photo_alt: "사진",
    video: "명함 동영상",
    logo_alt: "회사 로고",
};

static EN: CardText = CardText {
    languages: "Languages",
    office_phone: "Tel",
    mobile: "Mobile",
    fax: "Fax",
    email: "E-mail",
    homepage: "Homepage",
    address: "Address",
    links: "Links",
    call: "Call for free",
    call_for_free: "A business card you can call for free",
    save_contact: "Save contact",
    share_by_email: "Share by e-mail",
    share: "Share",
    link_copied: "Link copied.",
    copy_this_link: "Copy this link: ",
    qr_code: "QR code",
    qr_alt: "QR code of this card",
    photo_alt: "Photo",
    video: "Card video",
    logo_alt: "Company logo",
};

static JA: CardText = CardText {
    languages: "言語",
    office_phone: "電話",
    mobile: "携帯",
    fax: "FAX",
    email: "メール",
    homepage: "ホームページ",
    address: "住所",
    links: "リンク",
    call: "無料で電話する",
    call_for_free: "無料で電話できる名刺",
    save_contact: "連絡先を保存",
    share_by_email: "メールで共有",
    share: "共有",
    link_copied: "リンクをコピーしました。",
    copy_this_link: "このリンクをコピーしてください: ",
    qr_code: "QRコード",
    qr_alt: "この名刺のQRコード",
    photo_alt: "写真",
    video: "名刺の動画",
    logo_alt: "会社ロゴ",
};

static ZH: CardText = CardText {
    languages: "语言",
    office_phone: "电话",
    mobile: "手机",
    fax: "传真",
    email: "电子邮件",
    homepage: "主页",
    address: "地址",
    links: "链接",
    call: "免费通话",
    call_for_free: "可免费拨打的名片",
    save_contact: "保存联系人",
    share_by_email: "通过电子邮件分享",
    share: "分享",
    link_copied: "链接已复制。",
    copy_this_link: "请复制此链接：",
    qr_code: "二维码",
    qr_alt: "此名片的二维码",
    photo_alt: "照片",
    video: "名片视频",
    logo_alt: "公司标志",
};
