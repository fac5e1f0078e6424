//! The call window's words (BRIEF R7b, R8-R11; docs/CALLING.md): the steps of a call, its
//! controls, and one message per way a call can end.
//!
//! End messages are keyed by the stable `cause` codes of the signalling contract
//! (`caller_hung_up`, `refused:outside_hours`, …) plus the page's own codes for what goes wrong
//! before the server is reached (`microphone_refused`, …). [`CallText::refusal`] maps a code to
//! its message and never fails: an unknown code gets a general message, so a cause added on the
//! server later still reads sensibly.

use crate::model::Lang;

pub struct CallText {
    /// Has a `{name}` placeholder.
    pub intro: &'static str,
    pub talk_from_browser: &'static str,
    pub needs_javascript: &'static str,
    pub by_phone: &'static str,
    pub back_to_card: &'static str,
    pub connecting: &'static str,
    pub calling: &'static str,
    pub ringing: &'static str,
    /// Has a `{name}` placeholder.
    pub waiting_for_issuer: &'static str,
    pub connected: &'static str,
    pub talk_time: &'static str,
    pub time_left: &'static str,
    /// Has a `{seconds}` placeholder.
    pub ends_in: &'static str,
    pub hang_up: &'static str,
    /// The mute button's label; `aria-pressed` says whether it is on, so the label stays.
    pub mute: &'static str,
    pub muted: &'static str,
    pub keypad: &'static str,
    pub star_key: &'static str,
    pub hash_key: &'static str,
    pub keys_sent: &'static str,
    pub ended: &'static str,
    pub call_again: &'static str,
    // Callbacks (issue 10): the "Call me back" form and the steps only a callback has.
    pub call_me_back: &'static str,
    /// Has a `{name}` placeholder.
    pub callback_intro: &'static str,
    pub your_number: &'static str,
    pub number_hint: &'static str,
    /// Before the number as the server understood it.
    pub we_will_call: &'static str,
    /// Has a `{name}` placeholder.
    pub calling_you: &'static str,
    pub your_phone_rings: &'static str,
    pub talk_on_your_phone: &'static str,
    pub cancel: &'static str,
    pub callback_again: &'static str,
    /// The status page of a callback no longer known (ended a while ago).
    pub callback_over: &'static str,
    /// The status page followed without JavaScript.
    pub page_refreshes: &'static str,
    pub ends: EndMessages,
}

/// Why a call ended or never started, one field per code so a missing translation is a compile
/// error.
pub struct EndMessages {
    // How a call that started ends (the server's `cause`).
    pub caller_hung_up: &'static str,
    pub issuer_hung_up: &'static str,
    pub issuer_declined: &'static str,
    pub issuer_did_not_answer: &'static str,
    pub issuer_busy: &'static str,
    /// A callback: the caller's own phone was busy or rejected the call.
    pub caller_busy: &'static str,
    /// A callback: the caller's own phone was not picked up.
    pub caller_did_not_answer: &'static str,
    pub trunk_error: &'static str,
    pub guild_exhausted: &'static str,
    pub call_limit: &'static str,
    /// The issuer's daily spend cap was reached.
    pub daily_cap: &'static str,
    pub metering_lapsed: &'static str,
    pub media_failed: &'static str,
    /// The phone network stopped keeping the call alive (SIP session timer, RFC 4028).
    pub session_expired: &'static str,
    // Refusals at authorization (`refused:<reason>`).
    pub refused_guild_exhausted: &'static str,
    pub refused_daily_cap_reached: &'static str,
    pub refused_call_count_exhausted: &'static str,
    pub refused_outside_hours: &'static str,
    pub refused_destination_not_allowed: &'static str,
    pub refused_card_unavailable: &'static str,
    pub refused_no_trunk: &'static str,
    pub refused_no_rate: &'static str,
    pub refused_authority_unavailable: &'static str,
    /// A `refused:` reason this page does not know yet.
    pub refused_other: &'static str,
    // The page's own: what stops a call before or outside the event stream.
    pub microphone_refused: &'static str,
    pub microphone_missing: &'static str,
    pub browser_unsupported: &'static str,
    pub card_not_found: &'static str,
    pub no_usable_audio: &'static str,
    pub calling_off: &'static str,
    /// 409 `line_busy`: calls alive at once from this address or to this card.
    pub line_busy: &'static str,
    /// 409 `callback_pending`: this number is being called back already.
    pub callback_pending: &'static str,
    /// 429, or 503 `busy`: too many call starts just now.
    pub too_many_calls: &'static str,
    pub start_failed: &'static str,
    pub connection_lost: &'static str,
    /// Any other code.
    pub other: &'static str,
}

/// The causes the server sends in an `ended` event (docs/CALLING.md).
pub const SERVER_CAUSES: [&str; 23] = [
    "caller_hung_up",
    "issuer_hung_up",
    "issuer_declined",
    "issuer_did_not_answer",
    "issuer_busy",
    "caller_busy",
    "caller_did_not_answer",
    "trunk_error",
    "guild_exhausted",
    "call_limit",
    "daily_cap",
    "metering_lapsed",
    "media_failed",
    "session_expired",
    "refused:guild_exhausted",
    "refused:daily_cap_reached",
    "refused:call_count_exhausted",
    "refused:outside_hours",
    "refused:destination_not_allowed",
    "refused:card_unavailable",
    "refused:no_trunk",
    "refused:no_rate",
    "refused:authority_unavailable",
];

/// The causes the page finds itself (never sent by the server).
pub const PAGE_CAUSES: [&str; 11] = [
    "microphone_refused",
    "microphone_missing",
    "browser_unsupported",
    "card_not_found",
    "no_usable_audio",
    "calling_off",
    "line_busy",
    "callback_pending",
    "too_many_calls",
    "start_failed",
    "connection_lost",
];

pub fn call_text(lang: Lang) -> &'static CallText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

/// The message for an end cause or refusal code in `lang`; a general one for unknown codes.
pub fn refusal_message(lang: Lang, code: &str) -> &'static str {
    call_text(lang).refusal(code)
}

impl CallText {
    /// The message for an end cause or refusal code; a general one for unknown codes.
    pub fn refusal(&self, code: &str) -> &'static str {
        let ends = &self.ends;
        match code {
            "caller_hung_up" => ends.caller_hung_up,
            "issuer_hung_up" => ends.issuer_hung_up,
            "issuer_declined" => ends.issuer_declined,
            "issuer_did_not_answer" => ends.issuer_did_not_answer,
            "issuer_busy" => ends.issuer_busy,
            "caller_busy" => ends.caller_busy,
            "caller_did_not_answer" => ends.caller_did_not_answer,
            // The server sends the SIP status along: `trunk_error:503`.
            "trunk_error" => ends.trunk_error,
            _ if code.starts_with("trunk_error:") => ends.trunk_error,
            "guild_exhausted" => ends.guild_exhausted,
            "call_limit" => ends.call_limit,
            "daily_cap" => ends.daily_cap,
            "metering_lapsed" => ends.metering_lapsed,
            "media_failed" => ends.media_failed,
            "session_expired" => ends.session_expired,
            "refused:guild_exhausted" => ends.refused_guild_exhausted,
            "refused:daily_cap_reached" => ends.refused_daily_cap_reached,
            "refused:call_count_exhausted" => ends.refused_call_count_exhausted,
            "refused:outside_hours" => ends.refused_outside_hours,
            "refused:destination_not_allowed" => ends.refused_destination_not_allowed,
            "refused:card_unavailable" => ends.refused_card_unavailable,
            "refused:no_trunk" => ends.refused_no_trunk,
            "refused:no_rate" => ends.refused_no_rate,
            "refused:authority_unavailable" => ends.refused_authority_unavailable,
            "microphone_refused" => ends.microphone_refused,
            "microphone_missing" => ends.microphone_missing,
            "browser_unsupported" => ends.browser_unsupported,
            "card_not_found" => ends.card_not_found,
            "no_usable_audio" => ends.no_usable_audio,
            "calling_off" => ends.calling_off,
            "line_busy" => ends.line_busy,
            "callback_pending" => ends.callback_pending,
            "too_many_calls" => ends.too_many_calls,
            "start_failed" => ends.start_failed,
            "connection_lost" => ends.connection_lost,
            _ if code.starts_with("refused:") => ends.refused_other,
            _ => ends.other,
        }
    }

    /// Whether `code` is one this table has its own message for.
    pub fn knows(&self, code: &str) -> bool {
        SERVER_CAUSES.contains(&code) || PAGE_CAUSES.contains(&code)
    }

    pub fn intro_for(&self, name: &str) -> String {
        self.intro.replace("{name}", name)
    }

    pub fn waiting_for(&self, name: &str) -> String {
        self.waiting_for_issuer.replace("{name}", name)
    }

    pub fn callback_intro_for(&self, name: &str) -> String {
        self.callback_intro.replace("{name}", name)
    }

    pub fn calling_you_for(&self, name: &str) -> String {
        self.calling_you.replace("{name}", name)
    }

    pub fn ends_in_seconds(&self, seconds: u32) -> String {
        self.ends_in.replace("{seconds}", &seconds.to_string())
    }
}

static KO: CallText = CallText {
    intro: "이 페이지에서 바로 {name}님과 무료로 통화하세요. 브라우저가 마이크 사용 권한을 요청합니다.",
    talk_from_browser: "브라우저로 통화하기",
    needs_javascript: "브라우저 통화에는 자바스크립트가 필요합니다. 아래 번호로 휴대폰에서 전화하실 수도 있습니다.",
    by_phone: "또는 전화로 거세요:",
    back_to_card: "명함으로 돌아가기",
    connecting: "연결 중…",
    calling: "전화 거는 중…",
    ringing: "신호가 가는 중…",
    waiting_for_issuer: "{name}님이 수락하기를 기다리는 중…",
    connected: "통화 중",
    talk_time: "통화 시간",
    time_left: "남은 시간",
    ends_in: "{seconds}초 후에 통화가 종료됩니다.",
    hang_up: "끊기",
    mute: "음소거",
    muted: "마이크가 꺼져 있습니다.",
    keypad: "키패드",
    star_key: "별표",
    hash_key: "우물 정",
    keys_sent: "보낸 번호",
    ended: "통화가 종료되었습니다.",
    call_again: "다시 걸기",
    call_me_back: "전화 요청하기",
    callback_intro: "번호를 남기시면 먼저 {name}님께 여쭙고, 수락하시면 이 번호로 전화를 드립니다. 통화료는 무료입니다.",
    your_number: "내 전화번호",
    number_hint: "지역번호를 포함해 입력하세요. 내선번호는 ‘내선’ 뒤에 적습니다.",
    we_will_call: "걸 번호:",
    calling_you: "{name}님이 수락했습니다. 지금 전화를 걸고 있습니다…",
    your_phone_rings: "전화가 울리고 있습니다. 받아 주세요.",
    talk_on_your_phone: "연결되었습니다. 전화로 통화하세요.",
    cancel: "취소",
    callback_again: "다시 요청하기",
    callback_over: "이 전화 요청은 끝났습니다.",
    page_refreshes: "이 페이지는 몇 초마다 저절로 새로 고쳐집니다.",
    ends: EndMessages {
        caller_hung_up: "통화를 끊었습니다.",
        issuer_hung_up: "상대방이 통화를 끊었습니다.",
        issuer_declined: "명함 주인이 통화를 거절했습니다.",
        issuer_did_not_answer: "명함 주인이 전화를 받지 않았습니다.",
        issuer_busy: "명함 주인이 다른 통화 중입니다. 잠시 후 다시 걸어 주세요.",
        caller_busy: "입력하신 번호가 통화 중이거나 전화를 거절했습니다.",
        caller_did_not_answer: "입력하신 번호로 걸었지만 받지 않았습니다.",
        trunk_error: "전화망에서 통화를 연결하지 못했습니다. 잠시 후 다시 시도해 주세요.",
        guild_exhausted: "이 명함의 통화 크레딧이 모두 소진되어 통화가 종료되었습니다.",
        call_limit: "이 명함이 허용하는 최대 통화 시간에 도달하여 통화가 종료되었습니다.",
        daily_cap: "이 명함의 오늘 통화 한도에 도달하여 통화가 종료되었습니다.",
        metering_lapsed: "통화 시간을 연장하지 못해 통화가 종료되었습니다.",
        media_failed: "음성 연결이 끊겨 통화가 종료되었습니다.",
        session_expired: "전화망이 통화를 더 이상 유지하지 않아 통화가 종료되었습니다.",
        refused_guild_exhausted: "이 명함은 지금 전화를 받을 수 없습니다. 통화 크레딧이 모두 소진되었습니다.",
        refused_daily_cap_reached: "이 명함은 오늘 통화 한도에 도달하여 지금 전화를 받을 수 없습니다. 내일 다시 걸어 주세요.",
        refused_call_count_exhausted: "이 명함은 더 이상 전화를 받을 수 없습니다. 허용된 통화 횟수를 모두 사용했습니다.",
        refused_outside_hours: "지금은 명함 주인의 통화 가능 시간이 아닙니다. 통화 가능 시간에 다시 걸어 주세요.",
        refused_destination_not_allowed: "이 명함의 전화번호로는 여기에서 전화를 걸 수 없습니다.",
        refused_card_unavailable: "이 명함은 지금 전화를 받지 않습니다.",
        refused_no_trunk: "이 사이트에는 아직 일반 전화 연결이 설정되어 있지 않습니다.",
        refused_no_rate: "이 명함의 번호로 거는 통화 요금이 정해져 있지 않아 전화를 걸 수 없습니다.",
        refused_authority_unavailable: "지금은 통화를 승인할 수 없습니다. 잠시 후 다시 시도해 주세요.",
        refused_other: "이 명함은 지금 전화를 받을 수 없습니다.",
        microphone_refused: "통화하려면 마이크가 필요하지만 사용이 거부되었습니다. 주소창 왼쪽의 아이콘(또는 브라우저의 사이트 설정)에서 이 사이트의 마이크를 허용한 뒤 ‘다시 걸기’를 눌러 주세요.",
        microphone_missing: "마이크를 찾을 수 없습니다. 마이크나 헤드셋을 연결한 뒤 ‘다시 걸기’를 눌러 주세요.",
        browser_unsupported: "이 브라우저에서는 전화를 걸 수 없습니다. 최신 Chrome, Edge, Firefox, Safari를 사용하시거나 명함의 번호로 전화해 주세요.",
        card_not_found: "없는 명함이거나 공개되지 않은 명함입니다.",
        no_usable_audio: "브라우저가 통화에 쓸 수 있는 음성 형식을 제공하지 않았습니다.",
        calling_off: "이 사이트에서는 브라우저 통화가 꺼져 있습니다.",
        line_busy: "지금은 통화 중입니다. 잠시 후 다시 걸어 주세요.",
        callback_pending: "이 번호로 거는 전화 요청이 이미 진행 중입니다.",
        too_many_calls: "지금은 통화 요청이 너무 많습니다. 1분 뒤 다시 시도해 주세요.",
        start_failed: "통화를 시작하지 못했습니다. 인터넷 연결을 확인한 뒤 다시 시도해 주세요.",
        connection_lost: "서버와의 연결이 끊겨 통화가 종료되었습니다.",
        other: "통화가 종료되었습니다.",
    },
};

static EN: CallText = CallText {
    intro: "Talk to {name} for free, right from this page. Your browser will ask to use your microphone.",
    talk_from_browser: "Talk from browser",
    needs_javascript: "Calling from the browser needs JavaScript. You can still call the numbers below from your phone.",
    by_phone: "Or call from your phone:",
    back_to_card: "Back to the card",
    connecting: "Connecting…",
    calling: "Calling…",
    ringing: "Ringing…",
    waiting_for_issuer: "Waiting for {name} to accept…",
    connected: "Connected",
    talk_time: "Talk time",
    time_left: "Time left",
    ends_in: "The call ends in {seconds} seconds.",
    hang_up: "Hang up",
    mute: "Mute",
    muted: "Your microphone is muted.",
    keypad: "Keypad",
    star_key: "Star",
    hash_key: "Hash",
    keys_sent: "Keys sent",
    ended: "Call ended.",
    call_again: "Call again",
    call_me_back: "Call me back",
    callback_intro: "Leave your number: {name} is asked first, and once they accept we call you on it. The call is free for you.",
    your_number: "Your phone number",
    number_hint: "Include the area code; add an extension after “ext.”.",
    we_will_call: "We will call:",
    calling_you: "{name} accepted. Calling your phone…",
    your_phone_rings: "Your phone is ringing: pick it up.",
    talk_on_your_phone: "Connected: talk on your phone.",
    cancel: "Cancel",
    callback_again: "Call me back again",
    callback_over: "This callback is over.",
    page_refreshes: "This page updates itself every few seconds.",
    ends: EndMessages {
        caller_hung_up: "You hung up.",
        issuer_hung_up: "The other side hung up.",
        issuer_declined: "The card's owner declined the call.",
        issuer_did_not_answer: "The card's owner did not answer.",
        issuer_busy: "The card's owner is on another call. Please try again later.",
        caller_busy: "Your phone was busy or turned the call down.",
        caller_did_not_answer: "We called your phone, but nobody picked up.",
        trunk_error: "The phone network could not connect the call. Please try again later.",
        guild_exhausted: "The call ended because this card's call credit ran out.",
        call_limit: "The call ended: it reached the longest call this card allows.",
        daily_cap: "The call ended: this card reached its spending limit for today.",
        metering_lapsed: "The call ended because its talk time could not be renewed.",
        media_failed: "The call ended because the audio connection was lost.",
        session_expired: "The call ended because the phone network stopped keeping it up.",
        refused_guild_exhausted: "This card cannot take calls right now: its call credit is used up.",
        refused_daily_cap_reached: "This card has reached its spending limit for today. Please call again tomorrow.",
        refused_call_count_exhausted: "This card cannot take more calls: its number of calls is used up.",
        refused_outside_hours: "It is outside the card owner's calling hours. Please call again during their hours.",
        refused_destination_not_allowed: "This card's phone number cannot be called from here.",
        refused_card_unavailable: "This card is not taking calls right now.",
        refused_no_trunk: "Calls to phone numbers are not set up on this site yet.",
        refused_no_rate: "Calls to this card's number have no price set, so they cannot be placed.",
        refused_authority_unavailable: "Calls cannot be approved right now. Please try again in a moment.",
        refused_other: "This card cannot take calls right now.",
        microphone_refused: "The call needs your microphone, but access was refused. Allow the microphone for this site (the icon at the left of the address bar, or your browser's site settings), then press “Call again”.",
        microphone_missing: "No microphone was found. Connect a microphone or headset, then press “Call again”.",
        browser_unsupported: "This browser cannot place calls. Please use a recent Chrome, Edge, Firefox or Safari, or call a number on the card.",
        card_not_found: "This card does not exist or is not published.",
        no_usable_audio: "Your browser offered no audio format the call can use.",
        calling_off: "Calling from the browser is switched off on this site.",
        line_busy: "The line is busy right now. Please try again in a moment.",
        callback_pending: "A callback to this number is already under way.",
        too_many_calls: "Too many calls are being started right now. Please try again in a minute.",
        start_failed: "The call could not be started. Please check your connection and try again.",
        connection_lost: "The connection to the server was lost, so the call has ended.",
        other: "The call has ended.",
    },
};

static JA: CallText = CallText {
    intro: "このページから{name}さんと無料で通話できます。ブラウザがマイクの使用許可を求めます。",
    talk_from_browser: "ブラウザで通話する",
    needs_javascript: "ブラウザでの通話にはJavaScriptが必要です。下の番号に電話でおかけいただくこともできます。",
    by_phone: "または電話でおかけください：",
    back_to_card: "名刺に戻る",
    connecting: "接続中…",
    calling: "発信中…",
    ringing: "呼び出し中…",
    waiting_for_issuer: "{name}さんの応答を待っています…",
    connected: "通話中",
    talk_time: "通話時間",
    time_left: "残り時間",
    ends_in: "あと{seconds}秒で通話が終了します。",
    hang_up: "通話を終了",
    mute: "ミュート",
    muted: "マイクはミュート中です。",
    keypad: "キーパッド",
    star_key: "アスタリスク",
    hash_key: "シャープ",
    keys_sent: "送信したキー",
    ended: "通話が終了しました。",
    call_again: "もう一度かける",
    call_me_back: "折り返し電話を依頼",
    callback_intro: "番号を入力すると、まず{name}さんに確認し、承諾されるとこの番号にお電話します。通話料は無料です。",
    your_number: "あなたの電話番号",
    number_hint: "市外局番から入力してください。内線は「内線」の後に書きます。",
    we_will_call: "発信先：",
    calling_you: "{name}さんが承諾しました。お電話をおかけしています…",
    your_phone_rings: "お使いの電話が鳴っています。お出になってください。",
    talk_on_your_phone: "接続しました。お電話でお話しください。",
    cancel: "キャンセル",
    callback_again: "もう一度依頼する",
    callback_over: "この折り返し電話は終了しました。",
    page_refreshes: "このページは数秒ごとに自動で更新されます。",
    ends: EndMessages {
        caller_hung_up: "通話を終了しました。",
        issuer_hung_up: "相手が通話を終了しました。",
        issuer_declined: "名刺の持ち主が通話をお断りしました。",
        issuer_did_not_answer: "名刺の持ち主が応答しませんでした。",
        issuer_busy: "名刺の持ち主は別の通話中です。しばらくしてからおかけ直しください。",
        caller_busy: "ご入力の番号は話し中か、着信が拒否されました。",
        caller_did_not_answer: "ご入力の番号にお電話しましたが、応答がありませんでした。",
        trunk_error: "電話網で通話をつなげませんでした。しばらくしてからお試しください。",
        guild_exhausted: "この名刺の通話クレジットがなくなったため、通話が終了しました。",
        call_limit: "この名刺で許可されている最長通話時間に達したため、通話が終了しました。",
        daily_cap: "この名刺の本日の通話上限に達したため、通話が終了しました。",
        metering_lapsed: "通話時間を延長できなかったため、通話が終了しました。",
        media_failed: "音声の接続が切れたため、通話が終了しました。",
        session_expired: "電話網が通話を維持しなくなったため、通話が終了しました。",
        refused_guild_exhausted: "この名刺は現在通話を受けられません。通話クレジットを使い切っています。",
        refused_daily_cap_reached: "この名刺は本日の通話上限に達しました。明日またおかけください。",
        refused_call_count_exhausted: "この名刺はこれ以上通話を受けられません。通話回数の上限に達しています。",
        refused_outside_hours: "現在は名刺の持ち主の通話受付時間外です。受付時間内におかけ直しください。",
        refused_destination_not_allowed: "この名刺の電話番号には、ここから発信できません。",
        refused_card_unavailable: "この名刺は現在通話を受け付けていません。",
        refused_no_trunk: "このサイトでは電話番号への発信がまだ設定されていません。",
        refused_no_rate: "この名刺の番号への通話料金が設定されていないため、発信できません。",
        refused_authority_unavailable: "現在通話を承認できません。しばらくしてからお試しください。",
        refused_other: "この名刺は現在通話を受けられません。",
        microphone_refused: "通話にはマイクが必要ですが、使用が拒否されました。アドレスバー左側のアイコン（またはブラウザのサイト設定）でこのサイトのマイクを許可してから、「もう一度かける」を押してください。",
        microphone_missing: "マイクが見つかりません。マイクかヘッドセットを接続してから、「もう一度かける」を押してください。",
        browser_unsupported: "このブラウザでは通話できません。最新のChrome、Edge、Firefox、Safariをお使いいただくか、名刺の番号にお電話ください。",
        card_not_found: "この名刺は存在しないか、公開されていません。",
        no_usable_audio: "ブラウザが通話に使える音声形式を提供しませんでした。",
        calling_off: "このサイトではブラウザからの通話が無効になっています。",
        line_busy: "ただいま通話中です。しばらくしてからおかけ直しください。",
        callback_pending: "この番号への折り返し電話はすでに進行中です。",
        too_many_calls: "ただいま通話の開始が集中しています。1分ほどしてからもう一度お試しください。",
        start_failed: "通話を開始できませんでした。接続を確認してもう一度お試しください。",
        connection_lost: "サーバーとの接続が切れたため、通話が終了しました。",
        other: "通話が終了しました。",
    },
};

static ZH: CallText = CallText {
    intro: "在此页面即可与{name}免费通话。浏览器会请求使用麦克风。",
    talk_from_browser: "用浏览器通话",
    needs_javascript: "浏览器通话需要 JavaScript。您也可以用手机拨打下面的号码。",
    by_phone: "或用电话拨打：",
    back_to_card: "返回名片",
    connecting: "正在连接…",
    calling: "正在呼叫…",
    ringing: "对方振铃中…",
    waiting_for_issuer: "正在等待{name}接受通话…",
    connected: "通话中",
    talk_time: "通话时长",
    time_left: "剩余时间",
    ends_in: "通话将在 {seconds} 秒后结束。",
    hang_up: "挂断",
    mute: "静音",
    muted: "您的麦克风已静音。",
    keypad: "拨号键盘",
    star_key: "星号",
    hash_key: "井号",
    keys_sent: "已发送的按键",
    ended: "通话已结束。",
    call_again: "再次呼叫",
    call_me_back: "请回电给我",
    callback_intro: "留下号码后，我们会先询问{name}，对方接受后即拨打此号码给您。通话免费。",
    your_number: "您的电话号码",
    number_hint: "请包括区号。分机号写在“分机”之后。",
    we_will_call: "将拨打：",
    calling_you: "{name}已接受，正在拨打您的电话…",
    your_phone_rings: "您的电话正在响铃，请接听。",
    talk_on_your_phone: "已接通，请用电话通话。",
    cancel: "取消",
    callback_again: "再次请求回电",
    callback_over: "此回电已结束。",
    page_refreshes: "此页面每隔几秒自动刷新。",
    ends: EndMessages {
        caller_hung_up: "您已挂断。",
        issuer_hung_up: "对方已挂断。",
        issuer_declined: "名片主人拒绝了通话。",
        issuer_did_not_answer: "名片主人未接听。",
        issuer_busy: "名片主人正在通话中，请稍后再拨。",
        caller_busy: "您输入的号码正忙或拒绝了来电。",
        caller_did_not_answer: "我们已拨打您输入的号码，但无人接听。",
        trunk_error: "电话网络无法接通此通话，请稍后再试。",
        guild_exhausted: "此名片的通话额度已用完，通话已结束。",
        call_limit: "通话已达到此名片允许的最长时长，已结束。",
        daily_cap: "此名片已达到今日通话消费上限，通话已结束。",
        metering_lapsed: "无法延长通话时间，通话已结束。",
        media_failed: "语音连接中断，通话已结束。",
        session_expired: "电话网络不再维持该通话，通话已结束。",
        refused_guild_exhausted: "此名片目前无法接听电话：通话额度已用完。",
        refused_daily_cap_reached: "此名片已达到今日通话消费上限，请明天再拨。",
        refused_call_count_exhausted: "此名片无法再接听电话：通话次数已用完。",
        refused_outside_hours: "现在不在名片主人的通话时间内，请在其通话时间内再拨。",
        refused_destination_not_allowed: "无法从此处拨打此名片的电话号码。",
        refused_card_unavailable: "此名片目前不接听电话。",
        refused_no_trunk: "本网站尚未设置拨打电话号码的线路。",
        refused_no_rate: "拨打此名片号码的资费尚未设定，因此无法拨打。",
        refused_authority_unavailable: "目前无法批准通话，请稍后再试。",
        refused_other: "此名片目前无法接听电话。",
        microphone_refused: "通话需要使用麦克风，但访问被拒绝。请在地址栏左侧的图标（或浏览器的网站设置）中允许此网站使用麦克风，然后点击“再次呼叫”。",
        microphone_missing: "未找到麦克风。请连接麦克风或耳机，然后点击“再次呼叫”。",
        browser_unsupported: "此浏览器无法拨打电话。请使用最新版 Chrome、Edge、Firefox 或 Safari，或拨打名片上的号码。",
        card_not_found: "此名片不存在或未公开。",
        no_usable_audio: "您的浏览器没有提供可用于通话的音频格式。",
        calling_off: "本网站已关闭浏览器通话功能。",
        line_busy: "线路正忙，请稍后再拨。",
        callback_pending: "对此号码的回电已在进行中。",
        too_many_calls: "当前发起的通话过多，请一分钟后重试。",
        start_failed: "无法开始通话。请检查网络连接后重试。",
        connection_lost: "与服务器的连接已中断，通话已结束。",
        other: "通话已结束。",
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The `cause` codes docs/CALLING.md lists, read from the contract itself so the table and
    /// the contract cannot drift apart unnoticed.
    fn contract_causes() -> Vec<String> {
        let contract = include_str!("../../../docs/CALLING.md");
        let start = contract
            .find("`cause` is one of")
            .expect("the contract lists the causes");
        let rest = &contract[start + "`cause` is one of".len()..];
        let end = rest.find("The page may also").expect("the list ends");
        rest[..end]
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn the_table_knows_every_cause_of_the_contract() {
        let causes = contract_causes();
        assert!(causes.len() >= 17, "parsed {causes:?}");
        for cause in &causes {
            assert!(
                SERVER_CAUSES.contains(&cause.as_str()),
                "{cause} is missing"
            );
        }
        assert_eq!(causes.len(), SERVER_CAUSES.len());
    }

    #[test]
    fn every_language_has_its_own_message_for_every_code() {
        for lang in Lang::ALL {
            let text = call_text(lang);
            for code in SERVER_CAUSES.iter().chain(PAGE_CAUSES.iter()) {
                let message = refusal_message(lang, code);
                assert!(!message.trim().is_empty(), "{lang:?} {code}");
                assert!(text.knows(code));
                assert_ne!(message, text.ends.other, "{lang:?} {code} falls back");
                assert_ne!(
                    message, text.ends.refused_other,
                    "{lang:?} {code} falls back"
                );
            }
        }
    }

    #[test]
    fn unknown_codes_get_a_general_message() {
        for lang in Lang::ALL {
            let text = call_text(lang);
            assert_eq!(text.refusal("refused:new_reason"), text.ends.refused_other);
            assert_eq!(text.refusal("something_new"), text.ends.other);
            assert_eq!(text.refusal(""), text.ends.other);
            assert!(!text.knows("something_new"));
        }
    }

    #[test]
    fn messages_differ_between_languages() {
        let english = call_text(Lang::En);
        for lang in [Lang::Ko, Lang::Ja, Lang::Zh] {
            let text = call_text(lang);
            for code in SERVER_CAUSES {
                assert_ne!(text.refusal(code), english.refusal(code), "{lang:?} {code}");
            }
        }
    }

    #[test]
    fn placeholders_are_filled_in_every_language() {
        for lang in Lang::ALL {
            let text = call_text(lang);
            let waiting = text.waiting_for("Ada");
            assert!(
                waiting.contains("Ada") && !waiting.contains('{'),
                "{waiting}"
            );
            let intro = text.intro_for("Ada");
            assert!(intro.contains("Ada") && !intro.contains('{'), "{intro}");
            let warning = text.ends_in_seconds(30);
            assert!(
                warning.contains("30") && !warning.contains('{'),
                "{warning}"
            );
        }
    }

    #[test]
    fn every_control_label_is_present() {
        for lang in Lang::ALL {
            let text = call_text(lang);
            for label in [
                text.talk_from_browser,
                text.needs_javascript,
                text.by_phone,
                text.back_to_card,
                text.connecting,
                text.calling,
                text.ringing,
                text.connected,
                text.talk_time,
                text.time_left,
                text.hang_up,
                text.mute,
                text.muted,
                text.keypad,
                text.star_key,
                text.hash_key,
                text.keys_sent,
                text.ended,
                text.call_again,
            ] {
                assert!(!label.trim().is_empty(), "{lang:?}");
            }
        }
    }
}
