//! The words of a card's usage page (issue 11, BRIEF R13) in ko, en, ja, zh.

use crate::model::Lang;

pub struct UsageText {
    /// Has a `{name}` placeholder: the card's name, which stays the issuer's.
    pub title: &'static str,
    pub back: &'static str,
    /// Has a `{days}` placeholder.
    pub last_days: &'static str,
    /// Has a `{zone}` placeholder: an IANA zone name.
    pub days_start: &'static str,
    pub views: &'static str,
    pub calls: &'static str,
    pub answered: &'static str,
    pub talk_minutes: &'static str,
    pub spend: &'static str,
    /// Has a `{total}` placeholder.
    pub total: &'static str,
    /// Has a `{max}` placeholder: the tallest bar's value.
    pub highest: &'static str,
    pub by_day: &'static str,
    pub date: &'static str,
    pub nothing_yet: &'static str,
    pub views_note: &'static str,
}

pub fn usage_text(lang: Lang) -> &'static UsageText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

impl UsageText {
    pub fn last_days(&self, days: u32) -> String {
        self.last_days.replace("{days}", &days.to_string())
    }

    pub fn total(&self, total: &str) -> String {
        self.total.replace("{total}", total)
    }

    pub fn highest(&self, max: &str) -> String {
        self.highest.replace("{max}", max)
    }
}

static KO: UsageText = UsageText {
    title: "{name} 명함 이용 현황",
    back: "내 명함으로 돌아가기",
    last_days: "최근 {days}일",
    days_start: "하루는 {zone} 기준 자정에 시작합니다.",
    views: "조회",
    calls: "통화 요청",
    answered: "연결된 통화",
    talk_minutes: "통화 시간(분)",
    spend: "사용 금액",
    total: "합계 {total}",
    highest: "가장 높은 날 {max}",
    by_day: "날짜별 숫자",
    date: "날짜",
    nothing_yet: "이 기간에는 아직 조회도 통화도 없습니다.",
    views_note: "조회 수는 명함을 만든 본인의 조회를 빼고, 웹사이트에 넣은 명함의 조회를 포함합니다. 몇십 초마다 저장됩니다.",
};

static EN: UsageText = UsageText {
    title: "Usage of {name}",
    back: "Back to my cards",
    last_days: "Last {days} days",
    days_start: "Days start at midnight, {zone} time.",
    views: "Views",
    calls: "Calls asked for",
    answered: "Calls answered",
    talk_minutes: "Talk time (minutes)",
    spend: "Spent",
    total: "Total {total}",
    highest: "Highest day {max}",
    by_day: "The numbers by day",
    date: "Date",
    nothing_yet: "No views or calls in this period yet.",
    views_note: "Views leave out your own and include the card embedded on websites. They are stored every few tens of seconds.",
};

static JA: UsageText = UsageText {
    title: "{name}の名刺の利用状況",
    back: "名刺一覧に戻る",
    last_days: "過去{days}日間",
    days_start: "1日は{zone}時間の午前0時に始まります。",
    views: "閲覧",
    calls: "通話の依頼",
    answered: "つながった通話",
    talk_minutes: "通話時間(分)",
    spend: "利用金額",
    total: "合計 {total}",
    highest: "最も多い日 {max}",
    by_day: "日ごとの数字",
    date: "日付",
    nothing_yet: "この期間にはまだ閲覧も通話もありません。",
    views_note: "閲覧数にはご自身の閲覧を含まず、サイトに埋め込んだ名刺の閲覧を含みます。数十秒ごとに保存されます。",
};

static ZH: UsageText = UsageText {
    title: "{name} 名片的使用情况",
    back: "返回我的名片",
    last_days: "最近 {days} 天",
    days_start: "每天从 {zone} 时间的午夜开始。",
    views: "浏览",
    calls: "通话请求",
    answered: "已接通的通话",
    talk_minutes: "通话时长(分钟)",
    spend: "花费",
    total: "合计 {total}",
    highest: "最高的一天 {max}",
    by_day: "按日期的数字",
    date: "日期",
    nothing_yet: "这段时间还没有浏览或通话。",
    views_note: "浏览次数不含您自己的浏览,包含嵌入网站的名片的浏览。每几十秒保存一次。",
};
