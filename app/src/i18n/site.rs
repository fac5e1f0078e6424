//! The words of the pages around the cards — the front page, "not found", the language switcher —
//! in ko, en, ja, zh (issue 11). Placeholders such as `{name}` are filled by the methods below.

use crate::model::Lang;

pub struct SiteText {
    /// The switcher's label, read by screen readers; its buttons show each language's own name.
    pub language: &'static str,
    /// Every page's description for link previews.
    pub tagline: &'static str,
    /// The front page's title.
    pub home_title: &'static str,
    pub home_lead: &'static str,
    pub home_lead_more: &'static str,
    /// Has a `{name}` placeholder.
    pub signed_in_as: &'static str,
    pub your_cards: &'static str,
    pub sign_up: &'static str,
    pub log_in: &'static str,
    pub sample_card: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub go_home: &'static str,
    /// A request body past the route's limit (the JSON API's 413).
    pub body_too_large: &'static str,
}

pub fn site_text(lang: Lang) -> &'static SiteText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

impl SiteText {
    pub fn signed_in_as(&self, name: &str) -> String {
        self.signed_in_as.replace("{name}", name)
    }
}

/// Each language's name in itself, for the switcher.
pub fn own_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Ko => "한국어",
        Lang::En => "English",
        Lang::Ja => "日本語",
        Lang::Zh => "中文",
    }
}

static KO: SiteText = SiteText {
    home_title: "무료로 전화하세요",
    language: "언어",
    tagline: "무료로 전화할 수 있는 온라인 명함.",
    home_lead: "누구나 아무것도 설치하지 않고 무료로 전화할 수 있는 온라인 명함입니다. ",
    home_lead_more: "명함을 디자인하고 링크나 QR 코드로 나누면, 통화료는 발행인이 냅니다.",
    signed_in_as: "{name}(으)로 로그인했습니다. ",
    your_cards: "내 명함",
    sign_up: "가입하기",
    log_in: "로그인",
    sample_card: "명함 예시 보기",
    not_found_title: "페이지를 찾을 수 없습니다",
    not_found_body: "이 주소에는 명함이나 페이지가 없습니다. 게시가 취소되었거나 삭제되었을 수 있습니다.",
    go_home: "첫 페이지로 가기",
    body_too_large: "보낸 내용이 너무 큽니다.",
};

static EN: SiteText = SiteText {
    home_title: "Call me for free",
    language: "Language",
    tagline: "Online business cards you can call for free.",
    home_lead: "Online business cards that anyone can call for free, with nothing to install. ",
    home_lead_more: "You design the card, share it by link or QR code, and pay for the calls.",
    signed_in_as: "Signed in as {name}. ",
    your_cards: "Your cards",
    sign_up: "Sign up",
    log_in: "Log in",
    sample_card: "See a sample card",
    not_found_title: "Page not found",
    not_found_body: "There is no card or page at this address. It may have been unpublished or deleted.",
    go_home: "Go to the home page",
    body_too_large: "The request is too large.",
};

static JA: SiteText = SiteText {
    home_title: "無料でお電話ください",
    language: "言語",
    tagline: "無料で電話できるオンライン名刺。",
    home_lead: "誰でも何もインストールせずに無料で電話できるオンライン名刺です。",
    home_lead_more: "名刺をデザインしてリンクやQRコードで共有し、通話料は発行者が支払います。",
    signed_in_as: "{name}としてログイン中です。",
    your_cards: "あなたの名刺",
    sign_up: "新規登録",
    log_in: "ログイン",
    sample_card: "名刺の見本を見る",
    not_found_title: "ページが見つかりません",
    not_found_body: "このアドレスには名刺もページもありません。公開が取り消されたか、削除された可能性があります。",
    go_home: "トップページへ",
    body_too_large: "送信された内容が大きすぎます。",
};

static ZH: SiteText = SiteText {
    home_title: "免费给我打电话",
    language: "语言",
    tagline: "可免费拨打的在线名片。",
    home_lead: "任何人无需安装任何东西即可免费拨打的在线名片。",
    home_lead_more: "您设计名片，通过链接或二维码分享，并支付通话费用。",
    signed_in_as: "已登录为{name}。",
    your_cards: "我的名片",
    sign_up: "注册",
    log_in: "登录",
    sample_card: "查看名片示例",
    not_found_title: "找不到页面",
    not_found_body: "此地址没有名片或页面。它可能已取消发布或已被删除。",
    go_home: "返回首页",
    body_too_large: "发送的内容太大。",
};
