//! The words of the card designer (`/dashboard/cards/new`, `/dashboard/cards/{slug}/edit`) in
//! ko, en, ja, zh (issue 11). Placeholders such as `{n}` are filled by the methods below; the
//! refusals of a save come from the server's own table (`card_form`).

use crate::model::{CardFont, Lang, Template, Weekday};

pub struct EditorText {
    pub page_title: &'static str,
    pub new_card: &'static str,
    pub edit_card: &'static str,
    pub needs_attention: &'static str,
    pub public_address: &'static str,
    pub move_address: &'static str,
    pub new_address: &'static str,
    pub shown_first: &'static str,
    pub published: &'static str,
    pub texts: &'static str,
    /// A language tab's state: has every field the first language has, lacks `{count}`, or is
    /// not on the card at all.
    pub complete: &'static str,
    pub missing: &'static str,
    pub not_on_card: &'static str,
    /// Has a `{lang}` placeholder (the other language's own name).
    pub copy_from: &'static str,
    pub copy_hint: &'static str,
    pub name: &'static str,
    pub reading: &'static str,
    pub title: &'static str,
    pub company: &'static str,
    pub department: &'static str,
    pub address: &'static str,
    pub note: &'static str,
    pub contact: &'static str,
    pub office_phone: &'static str,
    pub mobile: &'static str,
    pub fax: &'static str,
    pub email: &'static str,
    pub homepage: &'static str,
    pub links: &'static str,
    /// Have an `{n}` placeholder (the row's number, from 1).
    pub link_label: &'static str,
    pub link_url: &'static str,
    pub design: &'static str,
    pub template: &'static str,
    /// In the order of [`Template::ALL`].
    pub templates: [&'static str; 6],
    pub font: &'static str,
    /// In the order of [`CardFont::ALL`].
    pub fonts: [&'static str; 4],
    pub main_colour: &'static str,
    /// Has a `{ratio}` placeholder (e.g. `2.9`).
    pub contrast_warning: &'static str,
    pub accent_colour: &'static str,
    pub calls: &'static str,
    pub call_quota: &'static str,
    pub max_call_minutes: &'static str,
    pub daily_cap: &'static str,
    pub time_zone: &'static str,
    pub available_from: &'static str,
    pub available_until: &'static str,
    pub days: &'static str,
    /// In the order of [`Weekday::ALL`], Monday first.
    pub day_names: [&'static str; 7],
    pub allowed_regions: &'static str,
    pub ring_landline: &'static str,
    pub ring_mobile: &'static str,
    pub verified_only: &'static str,
    pub verify_a_number: &'static str,
    pub ring_browser: &'static str,
    /// The legend over the phone numbers and the browser: where a call rings.
    pub where_calls_ring: &'static str,
    /// How they ring: the mobile before the landline, the browser at the same time.
    pub how_calls_ring: &'static str,
    pub images: &'static str,
    pub photo: &'static str,
    pub logo: &'static str,
    pub current_photo: &'static str,
    pub current_logo: &'static str,
    /// Has a `{image}` placeholder: `photo` or `logo`'s own word.
    pub framing: &'static str,
    pub frame_x: &'static str,
    pub frame_y: &'static str,
    pub frame_zoom: &'static str,
    pub remove: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub preview: &'static str,
    pub preview_hint: &'static str,
    pub update_preview: &'static str,
    pub phone_width: &'static str,
    pub desktop_width: &'static str,
    pub preview_empty: &'static str,
    /// Has a `{lang}` placeholder: the language callers see instead.
    pub preview_falls_back: &'static str,
}

pub fn editor_text(lang: Lang) -> &'static EditorText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

impl EditorText {
    pub fn framing(&self, image: &str) -> String {
        self.framing.replace("{image}", image)
    }

    pub fn link_label(&self, row: usize) -> String {
        self.link_label.replace("{n}", &(row + 1).to_string())
    }

    pub fn link_url(&self, row: usize) -> String {
        self.link_url.replace("{n}", &(row + 1).to_string())
    }

    pub fn missing(&self, count: usize) -> String {
        self.missing.replace("{count}", &count.to_string())
    }

    /// "Copy from {lang}" around the language's own name: the words before and after it, so a
    /// page can mark the name as the language it is written in.
    pub fn copy_from(&self) -> (&'static str, &'static str) {
        around_lang(self.copy_from)
    }

    pub fn preview_falls_back(&self) -> (&'static str, &'static str) {
        around_lang(self.preview_falls_back)
    }

    /// The warning for a main colour that reads at `ratio`:1 on the card's white.
    pub fn contrast_warning(&self, ratio: f64) -> String {
        // Rounded down: 4.46 must not read as a passing "4.5".
        let shown = (ratio * 10.0).floor() / 10.0;
        self.contrast_warning
            .replace("{ratio}", &format!("{shown:.1}"))
    }

    pub fn font(&self, font: CardFont) -> &'static str {
        let index = CardFont::ALL
            .iter()
            .position(|known| *known == font)
            .expect("every font is in CardFont::ALL");
        self.fonts[index]
    }

    pub fn template(&self, template: Template) -> &'static str {
        let index = Template::ALL
            .iter()
            .position(|known| *known == template)
            .expect("every template is in Template::ALL");
        self.templates[index]
    }

    pub fn day(&self, day: Weekday) -> &'static str {
        let index = Weekday::ALL
            .iter()
            .position(|known| *known == day)
            .expect("every day is in Weekday::ALL");
        self.day_names[index]
    }
}

fn around_lang(template: &'static str) -> (&'static str, &'static str) {
    template
        .split_once("{lang}")
        .expect("the template has a {lang} placeholder")
}

static KO: EditorText = EditorText {
    page_title: "명함 디자이너",
    new_card: "새 명함",
    edit_card: "명함 편집",
    needs_attention: "확인이 필요한 항목이 있습니다. 아래 안내를 보세요.",
    public_address: "공개 주소: ",
    move_address: "/c/… 주소 옮기기 (이전 주소와 QR 코드도 계속 이 명함으로 연결됩니다)",
    new_address: "공개 주소 /c/… (선택: 영문 소문자, 숫자, 하이픈)",
    shown_first: "먼저 보여 줄 언어",
    published: "게시 (링크가 있는 누구나 볼 수 있음)",
    texts: "명함 문구",
    complete: "완성",
    missing: "{count}개 빠짐",
    not_on_card: "명함에 없음",
    copy_from: "{lang}에서 복사",
    copy_hint: "복사는 다른 언어의 내용으로 빈 칸만 채웁니다. 번역의 출발점으로 쓰세요.",
    name: "이름",
    reading: "이름 읽는 법 (한자 이름의 한글 등, 선택)",
    title: "직함",
    company: "회사",
    department: "부서",
    address: "주소",
    note: "메모",
    contact: "연락처",
    office_phone: "사무실 전화",
    mobile: "휴대폰",
    fax: "팩스",
    email: "이메일",
    homepage: "홈페이지",
    links: "링크",
    link_label: "링크 {n} 이름",
    link_url: "링크 {n} 주소",
    design: "디자인",
    template: "템플릿",
    templates: ["클래식", "모던", "미니멀", "배너", "사이드바", "볼드"],
    font: "글꼴",
    fonts: ["템플릿에 맞춤", "고딕", "명조", "둥근 고딕"],
    main_colour: "주 색상",
    contrast_warning: "주 색상과 명함의 흰 바탕의 대비가 {ratio}:1로, WCAG AA가 글자에 요구하는 4.5:1보다 낮습니다. 이름이 잘 보이지 않을 수 있으니 더 진한 색을 고르세요.",
    accent_colour: "강조 색상",
    calls: "통화 (비공개)",
    call_quota: "이 명함이 더 받을 수 있는 통화 수",
    max_call_minutes: "통화 한 번의 최대 길이 (분)",
    daily_cap: "이 명함의 통화가 하루에 쓸 수 있는 최대 금액 (비워 두면 명함 자체 한도 없음. 하루는 아래 시간대의 자정에 시작)",
    time_zone: "시간대 (예: Asia/Seoul)",
    available_from: "통화 가능 시작 시각",
    available_until: "통화 가능 종료 시각 (자정은 24:00)",
    days: "요일",
    day_names: [
        "월요일",
        "화요일",
        "수요일",
        "목요일",
        "금요일",
        "토요일",
        "일요일",
    ],
    allowed_regions: "전화를 걸 수 있는 지역 (지역 코드, 예: KR, JP)",
    ring_landline: "내 유선 전화로 연결",
    ring_mobile: "내 휴대폰으로 연결",
    verified_only: "명함은 인증한 번호로만 연결됩니다: ",
    verify_a_number: "번호 인증하기",
    ring_browser: "내 브라우저로 연결 (인터넷 전화)",
    where_calls_ring: "전화가 울리는 곳",
    how_calls_ring: "휴대폰이 있으면 휴대폰이, 없으면 유선 전화가 울립니다. 브라우저도 고르면 전화와 브라우저가 동시에 울리고, 먼저 받는 쪽으로 연결됩니다 (전화에서는 1을 눌러 받습니다).",
    images: "이미지 (JPEG 또는 PNG, 5MB까지)",
    photo: "사진",
    logo: "회사 로고",
    current_photo: "현재 사진",
    current_logo: "현재 로고",
    framing: "명함에 보일 부분: {image}",
    frame_x: "왼쪽 ↔ 오른쪽",
    frame_y: "위 ↕ 아래",
    frame_zoom: "확대",
    remove: " 삭제",
    save: "명함 저장",
    cancel: "취소",
    preview: "미리 보기",
    preview_hint: "전화하는 사람에게 보이는 모습입니다. 입력하는 대로 바뀝니다.",
    update_preview: "미리 보기 새로 고침",
    phone_width: "휴대폰",
    desktop_width: "데스크톱",
    preview_empty: "이름을 입력하면 여기에 명함이 나타납니다.",
    preview_falls_back: "이 언어로는 아직 쓰지 않았습니다. 전화하는 사람에게는 {lang}(으)로 보입니다.",
};

static EN: EditorText = EditorText {
    page_title: "Card designer",
    new_card: "New card",
    edit_card: "Edit card",
    needs_attention: "Some fields need attention: see the messages below.",
    public_address: "Public address: ",
    move_address: "Move it to /c/… (the old address and its QR codes keep leading here)",
    new_address: "Public address /c/… (optional: letters, digits, dashes)",
    shown_first: "Language shown first",
    published: "Published (anyone with the link can see it)",
    texts: "Card text",
    complete: "Complete",
    missing: "{count} missing",
    not_on_card: "Not on the card",
    copy_from: "Copy from {lang}",
    copy_hint: "Copying fills only the empty fields with another language's text, as a start for a translation.",
    name: "Name",
    reading: "How the name is read (optional)",
    title: "Title",
    company: "Company",
    department: "Department",
    address: "Address",
    note: "Note",
    contact: "Contact",
    office_phone: "Office phone",
    mobile: "Mobile",
    fax: "Fax",
    email: "E-mail",
    homepage: "Homepage",
    links: "Links",
    link_label: "Link {n} label",
    link_url: "Link {n} URL",
    design: "Design",
    template: "Template",
    templates: ["Classic", "Modern", "Minimal", "Banner", "Sidebar", "Bold"],
    font: "Type",
    fonts: ["As the template", "Sans-serif", "Serif", "Rounded"],
    main_colour: "Main colour",
    contrast_warning: "The main colour reads at {ratio}:1 on the card's white, below the 4.5:1 that WCAG AA asks of text: callers may not make out the name. Pick a darker colour.",
    accent_colour: "Accent colour",
    calls: "Calls (private)",
    call_quota: "Calls this card may still receive",
    max_call_minutes: "Longest call, in minutes",
    daily_cap: "Most this card's calls may spend in a day (empty: no cap of its own; the day starts at midnight in the time zone below)",
    time_zone: "Time zone (e.g. Asia/Seoul)",
    available_from: "Available from",
    available_until: "Available until (24:00 for midnight)",
    days: "Days",
    day_names: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    allowed_regions: "Callers from (region codes, e.g. KR, JP)",
    ring_landline: "Ring my landline",
    ring_mobile: "Ring my mobile",
    verified_only: "A card rings only numbers you have verified: ",
    verify_a_number: "verify a number",
    ring_browser: "Ring my browser (internet phone)",
    where_calls_ring: "Where calls ring",
    how_calls_ring: "Your mobile rings if you give one, else your landline. Choose your browser too and the phone and the browser ring at the same time: whichever accepts first takes the call (on the phone, press 1).",
    images: "Images (JPEG or PNG, up to 5 MB)",
    photo: "Photo",
    logo: "Company logo",
    current_photo: "Current photo",
    current_logo: "Current company logo",
    framing: "The part shown on the card: {image}",
    frame_x: "Left ↔ right",
    frame_y: "Top ↕ bottom",
    frame_zoom: "Zoom",
    remove: " Remove",
    save: "Save card",
    cancel: "Cancel",
    preview: "Preview",
    preview_hint: "The card as callers will see it; it follows what you type.",
    update_preview: "Update preview",
    phone_width: "Phone",
    desktop_width: "Desktop",
    preview_empty: "Type a name and the card appears here.",
    preview_falls_back: "Not written in this language yet: callers see it in {lang}.",
};

static JA: EditorText = EditorText {
    page_title: "名刺デザイナー",
    new_card: "新しい名刺",
    edit_card: "名刺を編集",
    needs_attention: "確認が必要な項目があります。下のメッセージをご覧ください。",
    public_address: "公開アドレス: ",
    move_address: "/c/… のアドレスを変更（以前のアドレスと QR コードも引き続きこの名刺につながります）",
    new_address: "公開アドレス /c/…（任意: 英小文字、数字、ハイフン）",
    shown_first: "最初に表示する言語",
    published: "公開する（リンクを知っている人なら誰でも見られます）",
    texts: "名刺の文言",
    complete: "完成",
    missing: "{count} 項目不足",
    not_on_card: "名刺にありません",
    copy_from: "{lang}からコピー",
    copy_hint: "コピーすると、空欄だけが別の言語の内容で埋まります。翻訳の下書きとしてお使いください。",
    name: "氏名",
    reading: "ふりがな（任意）",
    title: "役職",
    company: "会社",
    department: "部署",
    address: "住所",
    note: "メモ",
    contact: "連絡先",
    office_phone: "会社の電話",
    mobile: "携帯電話",
    fax: "ファクス",
    email: "メール",
    homepage: "ホームページ",
    links: "リンク",
    link_label: "リンク {n} の名前",
    link_url: "リンク {n} のアドレス",
    design: "デザイン",
    template: "テンプレート",
    templates: [
        "クラシック",
        "モダン",
        "ミニマル",
        "バナー",
        "サイドバー",
        "ボールド",
    ],
    font: "書体",
    fonts: ["テンプレートに合わせる", "ゴシック", "明朝", "丸ゴシック"],
    main_colour: "メインカラー",
    contrast_warning: "メインカラーと名刺の白地とのコントラストは {ratio}:1 で、WCAG AA が文字に求める 4.5:1 を下回っています。氏名が読みにくいかもしれません。もっと濃い色を選んでください。",
    accent_colour: "アクセントカラー",
    calls: "通話（非公開）",
    call_quota: "この名刺がこれから受けられる通話の数",
    max_call_minutes: "1 回の通話の上限（分）",
    daily_cap: "この名刺の通話が 1 日に使える上限額（空欄なら名刺ごとの上限なし。1 日は下の時間帯の午前 0 時に始まります）",
    time_zone: "時間帯（例: Asia/Tokyo）",
    available_from: "通話を受ける開始時刻",
    available_until: "通話を受ける終了時刻（午前 0 時は 24:00）",
    days: "曜日",
    day_names: [
        "月曜日",
        "火曜日",
        "水曜日",
        "木曜日",
        "金曜日",
        "土曜日",
        "日曜日",
    ],
    allowed_regions: "発信できる地域（地域コード、例: KR, JP）",
    ring_landline: "固定電話を鳴らす",
    ring_mobile: "携帯電話を鳴らす",
    verified_only: "名刺が鳴らすのは確認済みの番号だけです: ",
    verify_a_number: "番号を確認する",
    ring_browser: "ブラウザを鳴らす（インターネット電話）",
    where_calls_ring: "着信する場所",
    how_calls_ring: "携帯電話があれば携帯電話が、なければ固定電話が鳴ります。ブラウザも選ぶと電話とブラウザが同時に鳴り、先に応答した方につながります（電話では 1 を押して応答します）。",
    images: "画像（JPEG または PNG、5 MB まで）",
    photo: "写真",
    logo: "会社のロゴ",
    current_photo: "現在の写真",
    current_logo: "現在のロゴ",
    framing: "名刺に表示する部分：{image}",
    frame_x: "左 ↔ 右",
    frame_y: "上 ↕ 下",
    frame_zoom: "拡大",
    remove: " 削除",
    save: "名刺を保存",
    cancel: "キャンセル",
    preview: "プレビュー",
    preview_hint: "電話をかける人に見える名刺です。入力に合わせて変わります。",
    update_preview: "プレビューを更新",
    phone_width: "スマートフォン",
    desktop_width: "デスクトップ",
    preview_empty: "氏名を入力すると、ここに名刺が表示されます。",
    preview_falls_back: "この言語ではまだ書かれていません。電話をかける人には{lang}で表示されます。",
};

static ZH: EditorText = EditorText {
    page_title: "名片设计器",
    new_card: "新名片",
    edit_card: "编辑名片",
    needs_attention: "有些字段需要处理：请看下面的提示。",
    public_address: "公开地址：",
    move_address: "把地址改为 /c/…（旧地址和它的二维码仍会指向这里）",
    new_address: "公开地址 /c/…（可选：小写字母、数字、连字符）",
    shown_first: "首先显示的语言",
    published: "发布（任何拿到链接的人都能看到）",
    texts: "名片文字",
    complete: "已完成",
    missing: "缺少 {count} 项",
    not_on_card: "名片上没有",
    copy_from: "从{lang}复制",
    copy_hint: "复制只会用另一种语言的内容填入空白字段，作为翻译的起点。",
    name: "姓名",
    reading: "姓名拼音（可选）",
    title: "职务",
    company: "公司",
    department: "部门",
    address: "地址",
    note: "备注",
    contact: "联系方式",
    office_phone: "办公电话",
    mobile: "手机",
    fax: "传真",
    email: "电子邮件",
    homepage: "主页",
    links: "链接",
    link_label: "链接 {n} 名称",
    link_url: "链接 {n} 网址",
    design: "设计",
    template: "模板",
    templates: ["经典", "现代", "简约", "横幅", "侧栏", "醒目"],
    font: "字体",
    fonts: ["随模板", "黑体", "宋体", "圆体"],
    main_colour: "主色",
    contrast_warning: "主色与名片白色背景的对比度为 {ratio}:1，低于 WCAG AA 对文字要求的 4.5:1，来电者可能看不清姓名。请选择更深的颜色。",
    accent_colour: "强调色",
    calls: "通话（不公开）",
    call_quota: "这张名片还能接听的通话数",
    max_call_minutes: "单次通话最长时间（分钟）",
    daily_cap: "这张名片的通话每天最多可花费的金额（留空表示名片本身不设上限；一天从下面时区的午夜开始）",
    time_zone: "时区（例如 Asia/Shanghai）",
    available_from: "接听开始时间",
    available_until: "接听结束时间（午夜为 24:00）",
    days: "星期",
    day_names: [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ],
    allowed_regions: "允许来电的地区（地区代码，例如 KR, JP）",
    ring_landline: "呼叫我的座机",
    ring_mobile: "呼叫我的手机",
    verified_only: "名片只会呼叫你已验证的号码：",
    verify_a_number: "验证号码",
    ring_browser: "呼叫我的浏览器（网络电话）",
    where_calls_ring: "来电响铃的地方",
    how_calls_ring: "填写了手机就呼叫手机，否则呼叫座机。同时选择浏览器时，电话和浏览器一起响铃，先接听的一方接通（在电话上按 1 接听）。",
    images: "图片（JPEG 或 PNG，最大 5 MB）",
    photo: "照片",
    logo: "公司标志",
    current_photo: "当前照片",
    current_logo: "当前标志",
    framing: "名片上显示的部分：{image}",
    frame_x: "左 ↔ 右",
    frame_y: "上 ↕ 下",
    frame_zoom: "放大",
    remove: " 删除",
    save: "保存名片",
    cancel: "取消",
    preview: "预览",
    preview_hint: "来电者看到的名片，会随你的输入而变化。",
    update_preview: "更新预览",
    phone_width: "手机",
    desktop_width: "桌面",
    preview_empty: "输入姓名后，名片会显示在这里。",
    preview_falls_back: "还没有用这种语言填写：来电者会看到{lang}版本。",
};
