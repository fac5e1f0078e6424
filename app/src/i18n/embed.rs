//! The words of the dashboard's Embed panel (issue 12) in ko, en, ja, zh, including the
//! server's refusals of an allowlist (`{0}` is what the issuer should write instead, or the
//! part refused; `{line}` the line).

use crate::model::Lang;

pub struct EmbedText {
    /// Has a `{name}` placeholder.
    pub title: &'static str,
    pub back: &'static str,
    pub unpublished: &'static str,
    pub sites_heading: &'static str,
    pub sites_help: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub snippets_heading: &'static str,
    pub script_label: &'static str,
    pub frame_label: &'static str,
    /// Has an `{allow}` placeholder: the iframe attribute, shown as code.
    pub frame_microphone: &'static str,
    pub oembed_label: &'static str,
    pub preview_heading: &'static str,
    /// Has `{line}` and `{message}` placeholders.
    pub on_line: &'static str,
    // The server's refusals of an origin.
    pub not_web: &'static str,
    pub wildcard: &'static str,
    pub has_path: &'static str,
    pub upper_case: &'static str,
    pub has_user: &'static str,
    pub bad_host: &'static str,
    pub bad_port: &'static str,
    pub too_long: &'static str,
    /// Has a `{max}` placeholder.
    pub too_many: &'static str,
}

pub fn embed_text(lang: Lang) -> &'static EmbedText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

impl EmbedText {
    pub fn on_line(&self, line: usize, message: &str) -> String {
        self.on_line
            .replace("{line}", &line.to_string())
            .replace("{message}", message)
    }
}

static KO: EmbedText = EmbedText {
    title: "{name} 명함을 내 웹사이트에 넣기",
    back: "내 명함으로 돌아가기",
    unpublished: "이 명함은 아직 공개되지 않았습니다: 공개하기 전에는 나에게만 보입니다.",
    sites_heading: "이 명함을 보여 줄 수 있는 사이트",
    sites_help: "한 줄에 주소 하나씩, 예: https://shop.example. 여기 적은 사이트만 이 명함을 프레임에 넣을 수 있습니다. 하나도 없으면 callcard에서만 보입니다.",
    save: "저장",
    saved: "저장했습니다.",
    snippets_heading: "아래 중 하나를 내 페이지에 붙여 넣으세요",
    script_label: "스크립트 한 줄 (높이를 내용에 맞춥니다)",
    frame_label: "프레임 (HTML만)",
    frame_microphone: "브라우저 통화에는 프레임에 {allow}이 필요합니다. 전화 받기(콜백)는 없어도 됩니다.",
    oembed_label: "oEmbed를 아는 사이트(워드프레스 등)에는 명함 주소만 붙여 넣으면 됩니다",
    preview_heading: "미리 보기",
    on_line: "{line}번째 줄: {message}",
    not_web: "https:// (또는 http://)로 시작하는 주소를 쓰세요. 예: https://shop.example",
    wildcard: "사이트마다 이름을 쓰세요: 와일드카드(*)는 어느 사이트나 명함을 보여 주게 합니다.",
    has_path: "경로, 쿼리, 끝의 슬래시 없이 사이트만 쓰세요: {0}",
    upper_case: "주소를 소문자로 쓰세요: {0}",
    has_user: "사이트 주소에 사용자 이름이나 비밀번호를 넣지 마세요.",
    bad_host: "`{0}`은(는) 호스트 이름이 아닙니다.",
    bad_port: "`{0}`은(는) 포트가 아닙니다 (1~65535).",
    too_long: "주소가 너무 깁니다.",
    too_many: "명함 하나에 사이트는 {max}개까지입니다.",
};

static EN: EmbedText = EmbedText {
    title: "Put {name} on your website",
    back: "Back to my cards",
    unpublished: "This card is not published yet: until it is, only you see it.",
    sites_heading: "Sites that may show this card",
    sites_help: "One address per line, like https://shop.example. Only these sites can show the card in a frame; with none, it shows on callcard only.",
    save: "Save",
    saved: "Saved.",
    snippets_heading: "Paste one of these into your page",
    script_label: "One line of script (keeps the height right)",
    frame_label: "A frame (HTML only)",
    frame_microphone: "Calls from the browser need {allow} on the frame; call-backs work without it.",
    oembed_label: "Sites that speak oEmbed (WordPress and others) need only the card's address",
    preview_heading: "Preview",
    on_line: "Line {line}: {message}",
    not_web: "Use an address starting with https:// (or http://), like https://shop.example.",
    wildcard: "Name each site: a wildcard (*) would let any site show the card.",
    has_path: "Write the site only, without a path, query or trailing slash: {0}",
    upper_case: "Write the address in lower case: {0}",
    has_user: "A user name or password has no place in a site's address.",
    bad_host: "`{0}` is not a host name.",
    bad_port: "`{0}` is not a port (1 to 65535).",
    too_long: "This address is too long.",
    too_many: "At most {max} sites may show one card.",
};

static JA: EmbedText = EmbedText {
    title: "{name} の名刺を自分のサイトに埋め込む",
    back: "名刺一覧に戻る",
    unpublished: "この名刺はまだ公開されていません。公開するまではあなたにだけ表示されます。",
    sites_heading: "この名刺を表示できるサイト",
    sites_help: "1行に1つのアドレス(例: https://shop.example)。ここに書いたサイトだけが名刺をフレームで表示できます。1つもなければ callcard でのみ表示されます。",
    save: "保存",
    saved: "保存しました。",
    snippets_heading: "次のどれかをページに貼り付けてください",
    script_label: "スクリプト1行(高さを内容に合わせます)",
    frame_label: "フレーム(HTMLのみ)",
    frame_microphone: "ブラウザ通話にはフレームの {allow} が必要です。折り返し電話はなくても使えます。",
    oembed_label: "oEmbed に対応したサイト(WordPress など)には名刺のアドレスだけで足ります",
    preview_heading: "プレビュー",
    on_line: "{line}行目: {message}",
    not_web: "https://(または http://)で始まるアドレスを書いてください。例: https://shop.example",
    wildcard: "サイトを1つずつ書いてください。ワイルドカード(*)ではどのサイトでも名刺を表示できてしまいます。",
    has_path: "パス、クエリ、末尾のスラッシュを付けずにサイトだけを書いてください: {0}",
    upper_case: "アドレスは小文字で書いてください: {0}",
    has_user: "サイトのアドレスにユーザー名やパスワードは入れないでください。",
    bad_host: "`{0}` はホスト名ではありません。",
    bad_port: "`{0}` はポートではありません(1〜65535)。",
    too_long: "アドレスが長すぎます。",
    too_many: "1枚の名刺を表示できるサイトは {max} 個までです。",
};

static ZH: EmbedText = EmbedText {
    title: "把 {name} 的名片放到你的网站上",
    back: "返回我的名片",
    unpublished: "这张名片尚未发布:发布之前只有你能看到。",
    sites_heading: "可以显示这张名片的网站",
    sites_help: "每行一个地址,例如 https://shop.example。只有这些网站能在框架中显示名片;一个都没有时,名片只在 callcard 上显示。",
    save: "保存",
    saved: "已保存。",
    snippets_heading: "把下面任意一段粘贴到你的网页中",
    script_label: "一行脚本(高度随内容调整)",
    frame_label: "框架(仅 HTML)",
    frame_microphone: "浏览器通话需要框架带有 {allow};回拨不需要。",
    oembed_label: "支持 oEmbed 的网站(如 WordPress)只需名片的地址",
    preview_heading: "预览",
    on_line: "第 {line} 行:{message}",
    not_web: "请使用以 https://(或 http://)开头的地址,例如 https://shop.example。",
    wildcard: "请逐个写出网站:通配符(*)会让任何网站都能显示名片。",
    has_path: "只写网站,不要路径、查询或末尾的斜杠:{0}",
    upper_case: "请用小写字母书写地址:{0}",
    has_user: "网站地址中不应包含用户名或密码。",
    bad_host: "`{0}` 不是主机名。",
    bad_port: "`{0}` 不是端口(1 到 65535)。",
    too_long: "地址太长。",
    too_many: "一张名片最多可由 {max} 个网站显示。",
};
