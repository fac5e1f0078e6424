//! The words of the issuer's browser line on the dashboard ("internet phone", docs/CALLING.md).
//!
//! In ko, en, ja, zh, as the rest of the dashboard (issue 11). Microphone problems reuse the call
//! window's messages ([`super::CallText::refusal`]), so both ends explain them alike.

use crate::model::Lang;

pub struct LineText {
    /// The language of this table: the call window's messages it borrows are taken in it too.
    pub lang: Lang,
    pub heading: &'static str,
    pub needs_javascript: &'static str,
    /// The toggle's label; `aria-pressed` says whether it is on, so the label stays.
    pub take_calls: &'static str,
    pub off: &'static str,
    pub opening: &'static str,
    pub available: &'static str,
    /// Has a `{card_name}` placeholder.
    pub call_to: &'static str,
    /// A callback; has a `{number}` placeholder.
    pub callback_from: &'static str,
    pub accept: &'static str,
    pub decline: &'static str,
    pub connecting: &'static str,
    pub connected: &'static str,
    pub talk_time: &'static str,
    pub hang_up: &'static str,
    pub ended: &'static str,
    pub no_longer_ringing: &'static str,
    pub taken_elsewhere: &'static str,
    pub accept_failed: &'static str,
    pub line_lost: &'static str,
}

static KO: LineText = LineText {
    lang: Lang::Ko,
    heading: "이 브라우저로 받는 전화",
    needs_javascript: "명함으로 오는 전화는 JavaScript를 켜야 여기서 울립니다.",
    take_calls: "이 브라우저로 전화 받기",
    off: "켜 두면 이 페이지가 열려 있는 동안 명함으로 오는 전화를 여기서 받습니다.",
    opening: "회선을 여는 중…",
    available: "명함으로 오는 전화가 여기서 울립니다",
    call_to: "{card_name}(으)로 온 전화",
    callback_from: "{number}에서 다시 걸어 달라고 합니다. 받으면 저희가 대신 걸어 드립니다.",
    accept: "받기",
    decline: "거절",
    connecting: "연결 중…",
    connected: "연결됨",
    talk_time: "통화 시간",
    hang_up: "끊기",
    ended: "통화 종료",
    no_longer_ringing: "이 전화는 더 이상 울리지 않습니다",
    taken_elsewhere: "다른 탭에서 받았습니다",
    accept_failed: "전화를 연결하지 못했습니다.",
    line_lost: "회선이 닫혔습니다(로그아웃되었을 수 있습니다). 페이지를 새로 고친 뒤 다시 켜세요.",
};

static JA: LineText = LineText {
    lang: Lang::Ja,
    heading: "このブラウザで受ける電話",
    needs_javascript: "名刺への電話は、JavaScriptがオンのときだけここで鳴ります。",
    take_calls: "このブラウザで電話を受ける",
    off: "オンにすると、このページを開いている間、名刺への電話にここで出られます。",
    opening: "回線を開いています…",
    available: "名刺への電話がここで鳴ります",
    call_to: "{card_name}への電話",
    callback_from: "{number}から折り返しの依頼です。受けると、こちらから代わりにおかけします。",
    accept: "受ける",
    decline: "断る",
    connecting: "接続中…",
    connected: "通話中",
    talk_time: "通話時間",
    hang_up: "切る",
    ended: "通話終了",
    no_longer_ringing: "この電話はもう鳴っていません",
    taken_elsewhere: "別のタブで受けました",
    accept_failed: "電話をつなげませんでした。",
    line_lost: "回線が閉じました(ログアウトした可能性があります)。ページを再読み込みしてから、もう一度オンにしてください。",
};

static ZH: LineText = LineText {
    lang: Lang::Zh,
    heading: "在此浏览器中接听",
    needs_javascript: "只有开启 JavaScript，打给您名片的电话才会在这里响铃。",
    take_calls: "在此浏览器中接听电话",
    off: "开启后，只要此页面保持打开，就可以在这里接听打给您名片的电话。",
    opening: "正在开启线路…",
    available: "打给您名片的电话会在这里响铃",
    call_to: "打给{card_name}的电话",
    callback_from: "{number} 请求回电。接受后，我们替您拨打。",
    accept: "接受",
    decline: "拒绝",
    connecting: "正在连接…",
    connected: "已接通",
    talk_time: "通话时长",
    hang_up: "挂断",
    ended: "通话已结束",
    no_longer_ringing: "此来电已不再响铃",
    taken_elsewhere: "已在另一个标签页接听",
    accept_failed: "无法接通电话。",
    line_lost: "线路已关闭(您可能已退出登录)。请刷新页面，然后重新开启。",
};

static EN: LineText = LineText {
    lang: Lang::En,
    heading: "Calls in this browser",
    needs_javascript: "Calls to your cards ring here only with JavaScript on.",
    take_calls: "Take calls in this browser",
    off: "Switch this on to answer calls to your cards here while this page stays open.",
    opening: "Opening the line…",
    available: "Calls to your cards ring here",
    call_to: "Call to {card_name}",
    callback_from: "{number} asks to be called back. Accept, and we call them for you.",
    accept: "Accept",
    decline: "Decline",
    connecting: "Connecting…",
    connected: "Connected",
    talk_time: "Talk time",
    hang_up: "Hang up",
    ended: "Call ended",
    no_longer_ringing: "This call is no longer ringing",
    taken_elsewhere: "Taken in another tab",
    accept_failed: "The call could not be connected.",
    line_lost: "The line closed (you may have been signed out). Reload the page, then switch it on again.",
};

/// The dashboard line's words.
pub fn line_text(lang: Lang) -> &'static LineText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

impl LineText {
    pub fn call_to(&self, card_name: &str) -> String {
        self.call_to.replace("{card_name}", card_name)
    }

    pub fn callback_from(&self, number: &str) -> String {
        self.callback_from.replace("{number}", number)
    }
}
