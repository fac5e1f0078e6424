//! The words of the call records page in ko, en, ja, zh (issue 11), with each end cause and
//! refusal named as the issuer reads a record: who hung up, which limit stopped the call.

use crate::model::Lang;

pub struct RecordsText {
    pub lang: Lang,
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
    /// The times of the records are in this zone, named after it.
    pub time_zone: &'static str,
    pub card: &'static str,
    pub caller: &'static str,
    pub callee: &'static str,
    /// Under the callee of a call the issuer took in their browser while their phone rang too.
    pub answered_in_browser: &'static str,
    /// A caller on the card page, or an issuer who takes calls in the dashboard, where the
    /// record names no number (stored as `browser`).
    pub browser: &'static str,
    pub legs: &'static str,
    pub billed: &'static str,
    /// The column's head: every amount under it carries its currency's sign.
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

/// A record's end cause (`hangup_cause`) or refusal reason (after `refused:`), in ko, en, ja,
/// zh (the order of `Lang::ALL`).
const CAUSES: [(&str, [&str; 4]); 24] = [
    (
        "caller_hung_up",
        [
            "건 사람이 끊음",
            "caller hung up",
            "発信者が切断",
            "来电方挂断",
        ],
    ),
    (
        "issuer_hung_up",
        [
            "발행인이 끊음",
            "issuer hung up",
            "発行者が切断",
            "发行人挂断",
        ],
    ),
    (
        "issuer_declined",
        [
            "발행인이 거절",
            "issuer declined",
            "発行者が拒否",
            "发行人拒接",
        ],
    ),
    (
        "issuer_did_not_answer",
        [
            "발행인 응답 없음",
            "issuer did not answer",
            "発行者が応答せず",
            "发行人未接听",
        ],
    ),
    (
        "issuer_busy",
        [
            "발행인 통화 중",
            "issuer busy",
            "発行者が話し中",
            "发行人占线",
        ],
    ),
    (
        "caller_busy",
        [
            "건 사람 통화 중",
            "caller busy",
            "発信者が話し中",
            "来电方占线",
        ],
    ),
    (
        "caller_did_not_answer",
        [
            "건 사람 응답 없음",
            "caller did not answer",
            "発信者が応答せず",
            "来电方未接听",
        ],
    ),
    (
        "trunk_error",
        [
            "전화 회선 오류",
            "trunk error",
            "電話回線のエラー",
            "中继线路错误",
        ],
    ),
    (
        "guild_exhausted",
        [
            "길드 잔액 소진",
            "Guild exhausted",
            "ギルドの残高切れ",
            "公会账户余额用尽",
        ],
    ),
    (
        "call_limit",
        [
            "통화 시간 한도",
            "call limit reached",
            "通話時間の上限",
            "达到通话时长上限",
        ],
    ),
    (
        "daily_cap",
        [
            "하루 한도 도달",
            "daily cap reached",
            "1日の上限に到達",
            "达到每日上限",
        ],
    ),
    (
        "metering_lapsed",
        [
            "과금 확인 끊김",
            "metering lapsed",
            "課金の確認が途切れた",
            "计费确认中断",
        ],
    ),
    (
        "media_failed",
        [
            "음성 연결 실패",
            "media failed",
            "音声の接続に失敗",
            "语音连接失败",
        ],
    ),
    (
        "session_expired",
        ["세션 만료", "session expired", "セッション切れ", "会话过期"],
    ),
    (
        "stale_reservation",
        [
            "정리 작업이 정산",
            "settled by the sweeper",
            "整理処理で精算",
            "由清理任务结算",
        ],
    ),
    (
        "process_restarted",
        [
            "서버 재시작",
            "server restarted",
            "サーバー再起動",
            "服务器重启",
        ],
    ),
    (
        "daily_cap_reached",
        [
            "하루 한도 도달",
            "daily cap reached",
            "1日の上限に到達",
            "达到每日上限",
        ],
    ),
    (
        "call_count_exhausted",
        [
            "남은 통화 없음",
            "no calls left",
            "残りの通話なし",
            "没有剩余通话",
        ],
    ),
    (
        "outside_hours",
        [
            "통화 시간 외",
            "outside hours",
            "受付時間外",
            "不在接听时间",
        ],
    ),
    (
        "destination_not_allowed",
        [
            "허용되지 않은 번호",
            "destination not allowed",
            "許可されていない番号",
            "号码不被允许",
        ],
    ),
    (
        "card_unavailable",
        [
            "명함을 쓸 수 없음",
            "card unavailable",
            "名刺が使えない",
            "名片不可用",
        ],
    ),
    (
        "no_trunk",
        [
            "전화 회선 없음",
            "no phone line",
            "電話回線なし",
            "没有电话线路",
        ],
    ),
    (
        "no_rate",
        ["요금 없음", "no rate", "料金設定なし", "没有费率"],
    ),
    (
        "authority_unavailable",
        [
            "승인 서버 응답 없음",
            "authority unavailable",
            "承認サーバーが応答せず",
            "授权服务不可用",
        ],
    ),
];

/// The causes and refusal reasons [`RecordsText::cause`] names.
pub fn record_causes() -> impl Iterator<Item = &'static str> {
    CAUSES.iter().map(|(code, _)| *code)
}

impl RecordsText {
    /// A cause or refusal reason in this table's language: `trunk_error:503` is "trunk error
    /// 503"; an unknown code is shown as stored.
    pub fn cause(&self, code: &str) -> String {
        let (name, detail) = code.split_once(':').unwrap_or((code, ""));
        let column = Lang::ALL
            .iter()
            .position(|lang| *lang == self.lang)
            .expect("every language is in ALL");
        match CAUSES.iter().find(|(known, _)| *known == name) {
            Some((_, words)) if detail.is_empty() => words[column].to_string(),
            Some((_, words)) => format!("{} {detail}", words[column]),
            None => code.replace('_', " "),
        }
    }

    pub fn shown(&self, first: u64, last: u64, total: u64) -> String {
        self.shown
            .replace("{first}", &first.to_string())
            .replace("{last}", &last.to_string())
            .replace("{total}", &total.to_string())
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
    lang: Lang::Ko,
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
    time_zone: "시간대: ",
    card: "명함",
    caller: "건 사람",
    callee: "받은 번호",
    answered_in_browser: "브라우저에서 받음",
    browser: "브라우저",
    legs: "구간",
    billed: "과금 시간",
    cost: "요금",
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
    lang: Lang::En,
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
    time_zone: "Time zone: ",
    card: "Card",
    caller: "Caller",
    callee: "Callee",
    answered_in_browser: "answered in the browser",
    browser: "browser",
    legs: "Legs",
    billed: "Billed",
    cost: "Cost",
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
    lang: Lang::Ja,
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
    time_zone: "タイムゾーン: ",
    card: "名刺",
    caller: "発信者",
    callee: "着信先",
    answered_in_browser: "ブラウザで応答",
    browser: "ブラウザ",
    legs: "区間",
    billed: "課金時間",
    cost: "料金",
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
    lang: Lang::Zh,
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
    time_zone: "时区：",
    card: "名片",
    caller: "来电方",
    callee: "被叫号码",
    answered_in_browser: "在浏览器中接听",
    browser: "浏览器",
    legs: "通话段",
    billed: "计费时长",
    cost: "费用",
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
