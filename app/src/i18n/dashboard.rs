//! The words of the issuer's dashboard and statement in ko, en, ja, zh (issue 11), including the
//! notices the server shows after a redirect. Placeholders such as `{slug}` are filled by the
//! methods below.

use crate::model::Lang;

pub struct DashboardText {
    pub title: &'static str,
    /// Has `{name}` and `{email}` placeholders.
    pub signed_in_as: &'static str,
    pub operator: &'static str,
    pub log_out: &'static str,
    pub no_cards: &'static str,
    pub new_card: &'static str,
    pub call_records: &'static str,
    pub phone_numbers: &'static str,
    pub published: &'static str,
    pub unpublished: &'static str,
    pub publish: &'static str,
    pub unpublish: &'static str,
    pub edit: &'static str,
    pub duplicate: &'static str,
    pub embed: &'static str,
    /// The link to a card's usage charts.
    pub usage: &'static str,
    pub delete: &'static str,
    /// Has a `{count}` placeholder.
    pub calls_left: &'static str,
    /// Talk time left; have `{secs}`, `{minutes}` and `{hours}` placeholders.
    pub talk_secs: &'static str,
    pub talk_minutes: &'static str,
    pub talk_hours: &'static str,
    pub import_heading: &'static str,
    pub vcard_file: &'static str,
    pub import: &'static str,
    pub guild: &'static str,
    pub available: &'static str,
    pub voucher_code: &'static str,
    pub redeem: &'static str,
    /// Has `{spent}` and `{cap}` placeholders.
    pub spent_today: &'static str,
    pub no_daily_limit: &'static str,
    pub daily_limit: &'static str,
    pub day_starts_in: &'static str,
    pub save_limit: &'static str,
    pub latest_entries: &'static str,
    pub no_entries: &'static str,
    pub when: &'static str,
    /// The dates of the entries are in this zone, named after it.
    pub time_zone: &'static str,
    pub what: &'static str,
    pub amount: &'static str,
    pub note: &'static str,
    pub older_entries: &'static str,
    pub statement_title: &'static str,
    pub download_csv: &'static str,
    pub back_to_dashboard: &'static str,
    pub entries_newest_first: &'static str,
    /// A ledger entry's kind, by its stored code (`EntryKind::code`), in the order of `KINDS`.
    pub kinds: [&'static str; 7],
    // Notices after a redirect.
    /// Has a `{slug}` placeholder.
    pub card_saved: &'static str,
    pub card_deleted: &'static str,
    /// Has a `{reason}` placeholder.
    pub import_refused: &'static str,
    pub voucher_redeemed: &'static str,
    pub voucher_unknown: &'static str,
    pub voucher_used: &'static str,
    pub voucher_expired: &'static str,
    pub cap_saved: &'static str,
    pub cap_lifted: &'static str,
    pub cap_bad_zone: &'static str,
    pub cap_bad_amount: &'static str,
}

/// The ledger's entry kinds, by code, in the order of [`DashboardText::kinds`].
pub const KINDS: [&str; 7] = [
    "signup_grant",
    "operator_credit",
    "voucher",
    "payment",
    "call_debit",
    "refund",
    "adjustment",
];

pub fn dashboard_text(lang: Lang) -> &'static DashboardText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

impl DashboardText {
    pub fn signed_in_as(&self, name: &str, email: &str) -> String {
        self.signed_in_as
            .replace("{name}", name)
            .replace("{email}", email)
    }

    pub fn calls_left(&self, count: u32) -> String {
        self.calls_left.replace("{count}", &count.to_string())
    }

    /// "about 1 h 23 min of talk" (patent ¶60: the call time still available).
    pub fn talk_time(&self, secs: u32) -> String {
        let minutes = secs / 60;
        match (minutes / 60, minutes % 60) {
            (0, 0) => self.talk_secs.replace("{secs}", &secs.to_string()),
            (0, minutes) => self.talk_minutes.replace("{minutes}", &minutes.to_string()),
            (hours, minutes) => self
                .talk_hours
                .replace("{hours}", &hours.to_string())
                .replace("{minutes}", &minutes.to_string()),
        }
    }

    pub fn spent_today(&self, spent: &str, cap: &str) -> String {
        self.spent_today
            .replace("{spent}", spent)
            .replace("{cap}", cap)
    }

    /// The words for a stored entry kind; an unknown code is shown as stored.
    pub fn kind(&self, code: &str) -> String {
        KINDS
            .iter()
            .position(|known| *known == code)
            .map(|index| self.kinds[index].to_string())
            .unwrap_or_else(|| code.replace('_', " "))
    }

    pub fn card_saved(&self, slug: &str) -> String {
        self.card_saved.replace("{slug}", slug)
    }

    pub fn import_refused(&self, reason: &str) -> String {
        self.import_refused.replace("{reason}", reason)
    }
}

static KO: DashboardText = DashboardText {
    title: "내 명함",
    signed_in_as: "{name}({email})(으)로 로그인함",
    operator: " · 운영자",
    log_out: "로그아웃",
    no_cards: "아직 명함이 없습니다.",
    new_card: "새 명함",
    call_records: "통화 기록",
    phone_numbers: "전화번호",
    published: "게시됨",
    unpublished: "게시 안 됨",
    publish: "게시",
    unpublish: "게시 취소",
    edit: "편집",
    duplicate: "복제",
    embed: "웹사이트에 넣기",
    usage: "이용 현황",
    delete: "삭제",
    calls_left: "남은 통화 {count}건",
    talk_secs: "통화 {secs}초",
    talk_minutes: "통화 약 {minutes}분",
    talk_hours: "통화 약 {hours}시간 {minutes}분",
    import_heading: "연락처 파일로 시작하기",
    vcard_file: "vCard 파일 (.vcf)",
    import: "새 명함으로 가져오기",
    guild: "길드",
    available: "통화에 쓸 수 있는 금액: ",
    voucher_code: "바우처 코드",
    redeem: "사용하기",
    spent_today: "오늘 쓴 금액: {cap} 중 {spent}.",
    no_daily_limit: "하루 한도 없음: 통화는 길드의 전액을 쓸 수 있습니다.",
    daily_limit: "하루 지출 한도 (최소 단위, 없으면 비워 두기)",
    day_starts_in: "하루가 자정에 시작되는 시간대",
    save_limit: "한도 저장",
    latest_entries: "최근 내역",
    no_entries: "아직 내역이 없습니다.",
    when: "날짜",
    time_zone: "시간대: ",
    what: "내용",
    amount: "금액",
    note: "메모",
    older_entries: "이전 내역",
    statement_title: "길드 거래 내역",
    download_csv: "전체 내역 내려받기 (CSV)",
    back_to_dashboard: "대시보드로 돌아가기",
    entries_newest_first: "내역, 최신순",
    kinds: [
        "가입 지원금",
        "운영자 충전",
        "바우처",
        "결제",
        "통화료",
        "환불",
        "조정",
    ],
    card_saved: "저장했습니다. 명함 주소는 /c/{slug} 입니다.",
    card_deleted: "명함을 삭제했습니다.",
    import_refused: "가져오기 거부: {reason}",
    voucher_redeemed: "바우처를 사용했습니다: 길드에 충전되었습니다.",
    voucher_unknown: "이 코드의 바우처가 없습니다. 확인하고 다시 해 보세요.",
    voucher_used: "이미 사용된 바우처입니다.",
    voucher_expired: "기한이 지난 바우처입니다.",
    cap_saved: "하루 지출 한도를 저장했습니다.",
    cap_lifted: "하루 지출 한도를 없앴습니다: 통화는 길드의 전액을 쓸 수 있습니다.",
    cap_bad_zone: "시간대가 아닙니다. Asia/Seoul, Europe/Paris 같은 이름을 쓰세요.",
    cap_bad_amount: "하루 한도는 0 이상의 정수로, 최소 단위로 적습니다.",
};

static EN: DashboardText = DashboardText {
    title: "Your cards",
    signed_in_as: "Signed in as {name} ({email})",
    operator: " · operator",
    log_out: "Log out",
    no_cards: "You have no cards yet.",
    new_card: "New card",
    call_records: "Call records",
    phone_numbers: "Phone numbers",
    published: "published",
    unpublished: "unpublished",
    publish: "Publish",
    unpublish: "Unpublish",
    edit: "Edit",
    duplicate: "Duplicate",
    embed: "Embed",
    usage: "Usage",
    delete: "Delete",
    calls_left: "{count} calls left",
    talk_secs: "{secs} s of talk",
    talk_minutes: "about {minutes} min of talk",
    talk_hours: "about {hours} h {minutes} min of talk",
    import_heading: "Start from a contact file",
    vcard_file: "vCard file (.vcf)",
    import: "Import into a new card",
    guild: "Guild",
    available: "Available for calls: ",
    voucher_code: "Voucher code",
    redeem: "Redeem",
    spent_today: "Spent today: {spent} of {cap}.",
    no_daily_limit: "No daily limit: calls may spend all the Guild has.",
    daily_limit: "Daily spending limit (minor units, empty for none)",
    day_starts_in: "The day starts at midnight in",
    save_limit: "Save limit",
    latest_entries: "Latest entries",
    no_entries: "No entries yet.",
    when: "When",
    time_zone: "Time zone: ",
    what: "What",
    amount: "Amount",
    note: "Note",
    older_entries: "Older entries",
    statement_title: "Guild statement",
    download_csv: "Download every entry (CSV)",
    back_to_dashboard: "Back to the dashboard",
    entries_newest_first: "Entries, newest first",
    kinds: [
        "sign-up grant",
        "operator credit",
        "voucher",
        "payment",
        "call",
        "refund",
        "adjustment",
    ],
    card_saved: "Saved. The card is at /c/{slug}.",
    card_deleted: "The card was deleted.",
    import_refused: "Import refused: {reason}",
    voucher_redeemed: "Voucher redeemed: your Guild was credited.",
    voucher_unknown: "No voucher has this code. Check it and try again.",
    voucher_used: "This voucher was already redeemed.",
    voucher_expired: "This voucher has expired.",
    cap_saved: "Daily spending limit saved.",
    cap_lifted: "Daily spending limit removed: calls may spend all the Guild has.",
    cap_bad_zone: "That is not a time zone. Use a name such as Asia/Seoul or Europe/Paris.",
    cap_bad_amount: "A daily limit is a whole amount of 0 or more, in minor units.",
};

static JA: DashboardText = DashboardText {
    title: "あなたの名刺",
    signed_in_as: "{name}({email})としてログイン中",
    operator: " · 運営者",
    log_out: "ログアウト",
    no_cards: "まだ名刺がありません。",
    new_card: "新しい名刺",
    call_records: "通話記録",
    phone_numbers: "電話番号",
    published: "公開中",
    unpublished: "非公開",
    publish: "公開する",
    unpublish: "非公開にする",
    edit: "編集",
    duplicate: "複製",
    embed: "サイトに埋め込む",
    usage: "利用状況",
    delete: "削除",
    calls_left: "残り{count}件の通話",
    talk_secs: "通話{secs}秒",
    talk_minutes: "通話約{minutes}分",
    talk_hours: "通話約{hours}時間{minutes}分",
    import_heading: "連絡先ファイルから始める",
    vcard_file: "vCardファイル(.vcf)",
    import: "新しい名刺に取り込む",
    guild: "ギルド",
    available: "通話に使える金額: ",
    voucher_code: "バウチャーコード",
    redeem: "使う",
    spent_today: "本日の利用額: {cap}のうち{spent}。",
    no_daily_limit: "1日の上限なし: 通話はギルドの全額を使えます。",
    daily_limit: "1日の利用上限(最小単位、なしは空欄)",
    day_starts_in: "1日が午前0時に始まるタイムゾーン",
    save_limit: "上限を保存",
    latest_entries: "最近の明細",
    no_entries: "まだ明細はありません。",
    when: "日付",
    time_zone: "タイムゾーン: ",
    what: "内容",
    amount: "金額",
    note: "メモ",
    older_entries: "以前の明細",
    statement_title: "ギルドの明細",
    download_csv: "すべての明細をダウンロード(CSV)",
    back_to_dashboard: "ダッシュボードに戻る",
    entries_newest_first: "明細(新しい順)",
    kinds: [
        "登録特典",
        "運営者によるチャージ",
        "バウチャー",
        "支払い",
        "通話料",
        "返金",
        "調整",
    ],
    card_saved: "保存しました。名刺のアドレスは /c/{slug} です。",
    card_deleted: "名刺を削除しました。",
    import_refused: "取り込みを拒否しました: {reason}",
    voucher_redeemed: "バウチャーを使いました。ギルドにチャージされました。",
    voucher_unknown: "このコードのバウチャーはありません。確認してもう一度お試しください。",
    voucher_used: "このバウチャーはすでに使われています。",
    voucher_expired: "このバウチャーは期限切れです。",
    cap_saved: "1日の利用上限を保存しました。",
    cap_lifted: "1日の利用上限をなくしました。通話はギルドの全額を使えます。",
    cap_bad_zone: "タイムゾーンではありません。Asia/Tokyo や Europe/Paris のような名前を使ってください。",
    cap_bad_amount: "1日の上限は0以上の整数で、最小単位で入力します。",
};

static ZH: DashboardText = DashboardText {
    title: "我的名片",
    signed_in_as: "已登录为 {name}({email})",
    operator: " · 运营者",
    log_out: "退出登录",
    no_cards: "您还没有名片。",
    new_card: "新建名片",
    call_records: "通话记录",
    phone_numbers: "电话号码",
    published: "已发布",
    unpublished: "未发布",
    publish: "发布",
    unpublish: "取消发布",
    edit: "编辑",
    duplicate: "复制",
    embed: "嵌入网站",
    usage: "使用情况",
    delete: "删除",
    calls_left: "剩余 {count} 次通话",
    talk_secs: "通话 {secs} 秒",
    talk_minutes: "约 {minutes} 分钟通话",
    talk_hours: "约 {hours} 小时 {minutes} 分钟通话",
    import_heading: "从联系人文件开始",
    vcard_file: "vCard 文件(.vcf)",
    import: "导入为新名片",
    guild: "公会账户",
    available: "可用于通话: ",
    voucher_code: "兑换码",
    redeem: "兑换",
    spent_today: "今日已用: {spent} / {cap}。",
    no_daily_limit: "无每日上限: 通话可使用公会账户的全部余额。",
    daily_limit: "每日消费上限(最小单位，留空为无)",
    day_starts_in: "一天从午夜开始的时区",
    save_limit: "保存上限",
    latest_entries: "最近明细",
    no_entries: "还没有明细。",
    when: "日期",
    time_zone: "时区：",
    what: "项目",
    amount: "金额",
    note: "备注",
    older_entries: "更早的明细",
    statement_title: "公会账户明细",
    download_csv: "下载全部明细(CSV)",
    back_to_dashboard: "返回控制台",
    entries_newest_first: "明细，最新在前",
    kinds: [
        "注册赠金",
        "运营者充值",
        "兑换码",
        "付款",
        "通话费",
        "退款",
        "调整",
    ],
    card_saved: "已保存。名片地址为 /c/{slug}。",
    card_deleted: "名片已删除。",
    import_refused: "导入被拒绝: {reason}",
    voucher_redeemed: "兑换成功: 已充值到您的公会账户。",
    voucher_unknown: "没有此代码的兑换码。请检查后重试。",
    voucher_used: "此兑换码已被使用。",
    voucher_expired: "此兑换码已过期。",
    cap_saved: "每日消费上限已保存。",
    cap_lifted: "已取消每日消费上限: 通话可使用公会账户的全部余额。",
    cap_bad_zone: "这不是时区。请使用 Asia/Shanghai 或 Europe/Paris 这样的名称。",
    cap_bad_amount: "每日上限是 0 或以上的整数，以最小单位填写。",
};
