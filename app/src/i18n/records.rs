//! The words of the call records page in ko, en, ja, zh (issue 11). A record's end cause or
//! refusal is told in the call window's own sentences ([`super::CallText::refusal`]), so the
//! issuer reads the same reason the caller was given.

use crate::model::Lang;

pub struct RecordsText {
    pub title: &'static str,
    pub back: &'static str,
    pub number_contains: &'static str,
    pub from: &'static str,
    pub until: &'static str,
    pub search: &'static str,
    pub none: &'static str,
    /// Has `{first}`, `{last}` and `{total}` placeholders.
    pub shown: &'static str,
    pub newer: &'static str,
    pub older: &'static str,
    pub pages: &'static str,
    pub export: &'static str,
    pub when: &'static str,
    pub card: &'static str,
    pub caller: &'static str,
    pub callee: &'static str,
    pub legs: &'static str,
    pub billed: &'static str,
    /// Has a `{currency}` placeholder.
    pub cost: &'static str,
    pub outcome: &'static str,
    /// A call's outcome, by its stored code, in the order of [`OUTCOMES`].
    pub outcomes: [&'static str; 7],
    /// Has `{field}` and `{text}` placeholders.
    pub not_a_date: &'static str,
}

/// The stored outcome codes of a call (`CallOutcome::code`), in the order of
/// [`RecordsText::outcomes`]; a refusal is `refused:<reason>`.
pub const OUTCOMES: [&str; 7] = [
    "answered",
    "busy",
    "no_answer",
    "declined",
    "refused",
    "abandoned",
    "failed",
];

pub fn records_text(lang: Lang) -> &'static RecordsText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

impl RecordsText {
    pub fn shown(&self, first: u64, last: u64, total: u64) -> String {
        self.shown
            .replace("{first}", &first.to_string())
            .replace("{last}", &last.to_string())
            .replace("{total}", &total.to_string())
    }

    pub fn cost(&self, currency: &str) -> String {
        self.cost.replace("{currency}", currency)
    }

    /// The outcome word for a stored outcome (`refused:no_rate` is "refused"); an unknown code
    /// is shown as stored.
    pub fn outcome(&self, code: &str) -> String {
        let base = code.split(':').next().unwrap_or(code);
        OUTCOMES
            .iter()
            .position(|known| *known == base)
            .map(|index| self.outcomes[index].to_string())
            .unwrap_or_else(|| code.replace('_', " "))
    }

    pub fn not_a_date(&self, field: &str, text: &str) -> String {
        self.not_a_date
            .replace("{field}", field)
            .replace("{text}", text)
    }
}

static KO: RecordsText = RecordsText {
    title: "통화 기록",
    back: "내 명함으로 돌아가기",
    number_contains: "번호에 포함",
    from: "시작일",
    until: "종료일",
    search: "검색",
    none: "해당하는 통화가 없습니다.",
    shown: "통화 {total}건 중 {first}-{last}",
    newer: "최근",
    older: "이전",
    pages: "페이지",
    export: "이 통화를 CSV로 내보내기",
    when: "일시",
    card: "명함",
    caller: "건 사람",
    callee: "받은 번호",
    legs: "구간",
    billed: "과금 시간",
    cost: "요금 ({currency})",
    outcome: "결과",
    outcomes: [
        "통화함",
        "통화 중",
        "응답 없음",
        "거절됨",
        "허용 안 됨",
        "끊음",
        "실패",
    ],
    not_a_date: "{field}: `{text}`은(는) 2026-11-27 같은 날짜가 아닙니다.",
};

static EN: RecordsText = RecordsText {
    title: "Call records",
    back: "Back to your cards",
    number_contains: "Number contains",
    from: "From",
    until: "Until",
    search: "Search",
    none: "No calls match.",
    shown: "Calls {first} to {last} of {total}",
    newer: "Newer",
    older: "Older",
    pages: "Pages",
    export: "Export these calls as CSV",
    when: "When",
    card: "Card",
    caller: "Caller",
    callee: "Callee",
    legs: "Legs",
    billed: "Billed",
    cost: "Cost ({currency})",
    outcome: "Outcome",
    outcomes: [
        "answered",
        "busy",
        "no answer",
        "declined",
        "refused",
        "abandoned",
        "failed",
    ],
    not_a_date: "{field}: `{text}` is not a date like 2026-11-27.",
};

static JA: RecordsText = RecordsText {
    title: "通話記録",
    back: "あなたの名刺に戻る",
    number_contains: "番号に含む",
    from: "開始日",
    until: "終了日",
    search: "検索",
    none: "該当する通話はありません。",
    shown: "{total}件中{first}〜{last}件目の通話",
    newer: "新しい順",
    older: "以前",
    pages: "ページ",
    export: "これらの通話をCSVで書き出す",
    when: "日時",
    card: "名刺",
    caller: "発信者",
    callee: "着信先",
    legs: "区間",
    billed: "課金時間",
    cost: "料金({currency})",
    outcome: "結果",
    outcomes: [
        "通話済み",
        "話し中",
        "応答なし",
        "拒否",
        "受付不可",
        "切断",
        "失敗",
    ],
    not_a_date: "{field}: `{text}` は 2026-11-27 のような日付ではありません。",
};

static ZH: RecordsText = RecordsText {
    title: "通话记录",
    back: "返回我的名片",
    number_contains: "号码包含",
    from: "开始日期",
    until: "结束日期",
    search: "搜索",
    none: "没有符合的通话。",
    shown: "共 {total} 个通话，第 {first} 至 {last} 个",
    newer: "较新",
    older: "较早",
    pages: "页",
    export: "将这些通话导出为 CSV",
    when: "时间",
    card: "名片",
    caller: "来电方",
    callee: "被叫号码",
    legs: "通话段",
    billed: "计费时长",
    cost: "费用({currency})",
    outcome: "结果",
    outcomes: [
        "已接通",
        "占线",
        "无人接听",
        "已拒接",
        "未获准",
        "已放弃",
        "失败",
    ],
    not_a_date: "{field}: `{text}` 不是 2026-11-27 这样的日期。",
};
