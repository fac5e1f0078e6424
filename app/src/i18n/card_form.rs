//! Why the card editor refused a save, in ko, en, ja, zh (issue 11): the server's refusals of a
//! card's fields (`cards::validate`), of its call settings (`cards::call_settings`), of the form
//! itself (`cards::form`), of its images (`cards::media`) and of its public address. Placeholders
//! (`{max}`, `{code}`, `{lang}`, `{slug}`, `{region}`, `{place}`, `{prefix}`, `{number}`,
//! `{size}`, `{megapixels}`) are filled by the methods below.
//!
//! The English texts are the server's own words from before this table, kept exactly: the API's
//! clients and the tests read them.

use crate::model::Lang;

pub struct CardFormText {
    // The card's fields.
    pub name_missing: &'static str,
    /// Has a `{max}` placeholder.
    pub too_long: &'static str,
    /// Has a `{code}` placeholder (`U+0007`).
    pub control_character: &'static str,
    /// Has a `{code}` placeholder; for a field of a single line.
    pub control_character_single_line: &'static str,
    pub no_name: &'static str,
    /// Has a `{lang}` placeholder: the language's own name, as the editor lists it.
    pub default_lang_empty: &'static str,
    pub slug_length: &'static str,
    pub slug_characters: &'static str,
    pub slug_dashes: &'static str,
    /// Has a `{slug}` placeholder.
    pub slug_reserved: &'static str,
    pub slug_taken: &'static str,
    pub phone_characters: &'static str,
    pub url_missing: &'static str,
    pub url_not_http: &'static str,
    pub url_not_web: &'static str,
    pub url_characters: &'static str,
    /// Has a `{max}` placeholder.
    pub too_many_links: &'static str,
    pub colour: &'static str,
    // The form.
    pub pick_language: &'static str,
    pub pick_template: &'static str,
    pub pick_font: &'static str,
    pub whole_number: &'static str,
    /// Has `{min}` and `{max}` placeholders: an image frame's position or zoom.
    pub frame_range: &'static str,
    pub daily_cap_whole: &'static str,
    // The call settings.
    /// Has a `{max}` placeholder.
    pub call_quota: &'static str,
    /// Has a `{max}` placeholder.
    pub call_minutes: &'static str,
    /// Has a `{max}` placeholder.
    pub daily_cap_range: &'static str,
    pub time_zone: &'static str,
    pub time_from: &'static str,
    pub time_until: &'static str,
    pub same_times: &'static str,
    pub no_days: &'static str,
    /// Has a `{region}` placeholder: what was typed.
    pub bad_region: &'static str,
    pub no_region: &'static str,
    pub nowhere_to_ring: &'static str,
    pub premium_rate: &'static str,
    pub shared_cost: &'static str,
    /// Has `{place}` and `{prefix}` placeholders (`Jamaica`, `1876`).
    pub high_risk: &'static str,
    /// Has a `{prefix}` placeholder: a high-risk range of no single region (`870`).
    pub high_risk_unnamed: &'static str,
    /// Has a `{number}` placeholder.
    pub verify_first: &'static str,
    // The images.
    /// Has a `{size}` placeholder: the installation's upload limit.
    pub upload_too_large: &'static str,
    /// A text field longer than any card takes (the designer's preview reads none such).
    pub field_too_long: &'static str,
    /// Has a `{size}` placeholder (`5 MB`).
    pub image_too_large: &'static str,
    pub image_format: &'static str,
    pub image_corrupt: &'static str,
    /// Has a `{megapixels}` placeholder.
    pub image_too_many_pixels: &'static str,
}

pub fn card_form_text(lang: Lang) -> &'static CardFormText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

impl CardFormText {
    pub fn too_long(&self, max: usize) -> String {
        self.too_long.replace("{max}", &max.to_string())
    }

    /// A control character in a field; `multi_line` fields keep their line breaks and tabs.
    pub fn control_character(&self, character: char, multi_line: bool) -> String {
        let template = if multi_line {
            self.control_character
        } else {
            self.control_character_single_line
        };
        template.replace("{code}", &format!("U+{:04X}", u32::from(character)))
    }

    pub fn default_lang_empty(&self, lang: Lang) -> String {
        self.default_lang_empty
            .replace("{lang}", lang.native_name())
    }

    pub fn slug_reserved(&self, slug: &str) -> String {
        self.slug_reserved.replace("{slug}", slug)
    }

    pub fn too_many_links(&self, max: usize) -> String {
        self.too_many_links.replace("{max}", &max.to_string())
    }

    pub fn call_quota(&self, max: u32) -> String {
        self.call_quota.replace("{max}", &max.to_string())
    }

    pub fn call_minutes(&self, max: u32) -> String {
        self.call_minutes.replace("{max}", &max.to_string())
    }

    pub fn daily_cap_range(&self, max: i64) -> String {
        self.daily_cap_range.replace("{max}", &max.to_string())
    }

    pub fn bad_region(&self, region: &str) -> String {
        self.bad_region.replace("{region}", region)
    }

    /// A range known for toll fraud: `place` names it when it is one region's, else its
    /// `+prefix` alone does.
    pub fn high_risk(&self, place: Option<&str>, prefix: &str) -> String {
        match place {
            Some(place) => self
                .high_risk
                .replace("{place}", place)
                .replace("{prefix}", prefix),
            None => self.high_risk_unnamed.replace("{prefix}", prefix),
        }
    }

    pub fn verify_first(&self, number: &str) -> String {
        self.verify_first.replace("{number}", number)
    }

    pub fn image_too_large(&self, size: &str) -> String {
        self.image_too_large.replace("{size}", size)
    }

    pub fn frame_range(&self, min: u16, max: u16) -> String {
        self.frame_range
            .replace("{min}", &min.to_string())
            .replace("{max}", &max.to_string())
    }

    pub fn upload_too_large(&self, size: &str) -> String {
        self.upload_too_large.replace("{size}", size)
    }

    pub fn image_too_many_pixels(&self, megapixels: u64) -> String {
        self.image_too_many_pixels
            .replace("{megapixels}", &megapixels.to_string())
    }
}

static KO: CardFormText = CardFormText {
    name_missing: "이 언어의 이름을 입력하거나, 이 언어의 다른 칸을 비우세요.",
    too_long: "{max}자 이하로 입력하세요.",
    control_character: "보이지 않는 제어 문자({code})를 지우세요.",
    control_character_single_line: "보이지 않는 제어 문자({code})를 지우세요. 이 칸에는 한 줄만 쓸 수 있습니다.",
    no_name: "적어도 한 언어로 명함의 이름을 입력하세요.",
    default_lang_empty: "처음 보이는 언어({lang})에 아직 내용이 없습니다. 내용을 입력하거나 다른 언어를 고르세요.",
    slug_length: "3~40자로 입력하세요.",
    slug_characters: "영문 소문자(a-z), 숫자, 하이픈(-)만 쓸 수 있습니다.",
    slug_dashes: "하이픈(-)은 글자나 숫자 사이에 하나씩만 넣으세요.",
    slug_reserved: "“{slug}”은(는) 예약된 주소입니다. 다른 주소를 고르세요.",
    slug_taken: "이미 쓰이고 있는 명함 주소입니다. 다른 주소를 고르세요.",
    phone_characters: "숫자, 공백, + - ( )만 쓰고, 내선 번호는 ; 뒤에 적으세요. 예: 02-3456-1234;235",
    url_missing: "웹 주소를 입력하세요.",
    url_not_http: "http:// 또는 https:// 주소를 쓰세요.",
    url_not_web: "웹 주소가 아닙니다. 예: https://example.com",
    url_characters: "웹 주소에 쓸 수 없는 글자가 들어 있습니다.",
    too_many_links: "명함에는 링크를 {max}개까지 둘 수 있습니다.",
    colour: "#1f3a5f 같은 색상 값을 쓰세요.",
    pick_language: "제시된 언어 중 하나를 고르세요.",
    pick_template: "제시된 템플릿 중 하나를 고르세요.",
    pick_font: "목록에 있는 글꼴을 고르세요.",
    whole_number: "정수를 입력하세요.",
    frame_range: "{min}에서 {max} 사이의 정수를 입력하세요.",
    daily_cap_whole: "정수 금액을 쓰거나, 한도를 두지 않으려면 비워 두세요.",
    call_quota: "통화는 {max}건 이하로 정하세요.",
    call_minutes: "1~{max}분으로 정하세요.",
    daily_cap_range: "0부터 {max}까지의 정수 금액을 쓰거나 비워 두세요.",
    time_zone: "Asia/Seoul, Europe/Paris 같은 시간대를 쓰세요.",
    time_from: "09:00 같은 시각을 쓰세요.",
    time_until: "18:00(또는 24:00) 같은 시각을 쓰세요.",
    same_times: "끝 시각은 시작 시각과 달라야 합니다.",
    no_days: "요일을 하나 이상 고르세요.",
    bad_region: "`{region}`은(는) KR, JP, US 같은 지역 코드가 아닙니다.",
    no_region: "적어도 한 지역의 발신자를 허용하세요. 예: KR",
    nowhere_to_ring: "전화가 울릴 곳이 있어야 합니다. 유선전화나 휴대전화 번호를 적거나, 브라우저에서 받도록 하세요.",
    premium_rate: "유료 정보 서비스 번호로는 전화할 수 없습니다.",
    shared_cost: "요금 분담 번호로는 전화할 수 없습니다.",
    high_risk: "{place}(+{prefix}) 번호로는 여기서 전화할 수 없습니다. 요금 사기에 자주 쓰이는 번호대입니다.",
    high_risk_unnamed: "+{prefix}(으)로 시작하는 번호로는 여기서 전화할 수 없습니다. 요금 사기에 자주 쓰이는 번호대입니다.",
    verify_first: "명함이 {number} 번호로 울리게 하려면 먼저 번호를 확인하세요. 전화번호 페이지(/dashboard/numbers)에서 저희가 전화를 걸면, 화면에 보이는 코드를 누르세요.",
    upload_too_large: "올린 파일이 너무 큽니다. 이미지는 {size}까지 올릴 수 있습니다.",
    field_too_long: "명함에 넣을 수 있는 것보다 긴 항목이 있습니다.",
    image_too_large: "이미지가 {size}보다 큽니다. 더 작은 파일을 고르세요.",
    image_format: "JPEG, PNG 이미지만 올릴 수 있습니다.",
    image_corrupt: "이미지 파일이 손상되었거나 불완전합니다. 다시 내보낸 뒤 올려 보세요.",
    image_too_many_pixels: "이미지의 화소가 너무 많습니다({megapixels}메가픽셀 초과). 크기를 줄여 다시 올려 보세요.",
};

static EN: CardFormText = CardFormText {
    name_missing: "Enter the name for this language, or clear its other fields.",
    too_long: "Use at most {max} characters.",
    control_character: "Remove the invisible control character {code}.",
    control_character_single_line: "Remove the invisible control character {code} (this field is a single line).",
    no_name: "Give the card a name in at least one language.",
    default_lang_empty: "The language shown first ({lang}) has no text yet: fill it in or pick another.",
    slug_length: "Use 3 to 40 characters.",
    slug_characters: "Use only letters a-z, digits and dashes.",
    slug_dashes: "Dashes go between letters or digits, one at a time.",
    slug_reserved: "“{slug}” is reserved; pick another.",
    slug_taken: "This public address is already taken; pick another.",
    phone_characters: "Use digits, spaces and + - ( ) only, then ; and the extension, e.g. 02-3456-1234;235.",
    url_missing: "Enter a web address.",
    url_not_http: "Use an http:// or https:// address.",
    url_not_web: "This is not a web address, e.g. https://example.com.",
    url_characters: "This web address has characters it cannot have.",
    too_many_links: "A card has at most {max} links.",
    colour: "Use a colour like #1f3a5f.",
    pick_language: "Pick one of the offered languages.",
    pick_template: "Pick one of the offered templates.",
    pick_font: "Pick one of the offered types.",
    whole_number: "Use a whole number.",
    frame_range: "Use a whole number from {min} to {max}.",
    daily_cap_whole: "Use a whole amount, or leave it empty for no cap.",
    call_quota: "Use at most {max} calls.",
    call_minutes: "Use 1 to {max} minutes.",
    daily_cap_range: "Use a whole amount from 0 to {max}, or leave it empty.",
    time_zone: "Use a time zone like Asia/Seoul or Europe/Paris.",
    time_from: "Use a time like 09:00.",
    time_until: "Use a time like 18:00 (or 24:00).",
    same_times: "The end must differ from the start.",
    no_days: "Pick at least one day.",
    bad_region: "`{region}` is not a region code like KR, JP or US.",
    no_region: "Allow callers from at least one region, e.g. KR.",
    nowhere_to_ring: "Calls must ring somewhere: give a landline or mobile number, or answer in the browser.",
    premium_rate: "Premium-rate numbers cannot be called.",
    shared_cost: "Shared-cost numbers cannot be called.",
    high_risk: "Numbers in {place} (+{prefix}) cannot be called from here: a range known for toll fraud.",
    high_risk_unnamed: "Numbers starting +{prefix} cannot be called from here: a range known for toll fraud.",
    verify_first: "Verify {number} before a card rings it: under Phone numbers (/dashboard/numbers) we call it and you type the code we show.",
    upload_too_large: "The upload is too large: images may be up to {size}.",
    field_too_long: "A field is longer than any card takes.",
    image_too_large: "the image is larger than {size}; choose a smaller file",
    image_format: "only JPEG and PNG images are accepted",
    image_corrupt: "the image file is damaged or incomplete; export it again and retry",
    image_too_many_pixels: "the image has too many pixels (more than {megapixels} megapixels); scale it down and retry",
};

static JA: CardFormText = CardFormText {
    name_missing: "この言語の名前を入力するか、この言語のほかの欄を空にしてください。",
    too_long: "{max}文字以内で入力してください。",
    control_character: "目に見えない制御文字（{code}）を削除してください。",
    control_character_single_line: "目に見えない制御文字（{code}）を削除してください。この欄は1行だけです。",
    no_name: "少なくとも1つの言語で名刺の名前を入力してください。",
    default_lang_empty: "最初に表示する言語（{lang}）にはまだ内容がありません。入力するか、別の言語を選んでください。",
    slug_length: "3〜40文字で入力してください。",
    slug_characters: "使えるのは英小文字（a-z）、数字、ハイフン（-）だけです。",
    slug_dashes: "ハイフン（-）は文字や数字の間に1つずつ入れてください。",
    slug_reserved: "「{slug}」は予約済みです。別のアドレスを選んでください。",
    slug_taken: "この名刺のアドレスはすでに使われています。別のアドレスを選んでください。",
    phone_characters: "数字、空白、+ - ( ) だけを使い、内線は ; の後に書いてください。例: 02-3456-1234;235",
    url_missing: "ウェブアドレスを入力してください。",
    url_not_http: "http:// または https:// のアドレスを使ってください。",
    url_not_web: "ウェブアドレスではありません。例: https://example.com",
    url_characters: "ウェブアドレスに使えない文字が含まれています。",
    too_many_links: "名刺に置けるリンクは{max}個までです。",
    colour: "#1f3a5f のような色の値を使ってください。",
    pick_language: "表示されている言語から1つ選んでください。",
    pick_template: "表示されているテンプレートから1つ選んでください。",
    pick_font: "一覧にある書体を選んでください。",
    whole_number: "整数を入力してください。",
    frame_range: "{min}から{max}までの整数を入力してください。",
    daily_cap_whole: "整数の金額を入力するか、上限なしにする場合は空欄にしてください。",
    call_quota: "通話は{max}件以下にしてください。",
    call_minutes: "1〜{max}分にしてください。",
    daily_cap_range: "0から{max}までの整数の金額を入力するか、空欄にしてください。",
    time_zone: "Asia/Tokyo や Europe/Paris のようなタイムゾーンを使ってください。",
    time_from: "09:00 のような時刻を入力してください。",
    time_until: "18:00（または24:00）のような時刻を入力してください。",
    same_times: "終了時刻は開始時刻と違う時刻にしてください。",
    no_days: "曜日を1つ以上選んでください。",
    bad_region: "`{region}` は KR、JP、US のような地域コードではありません。",
    no_region: "少なくとも1つの地域からの発信を許可してください。例: KR",
    nowhere_to_ring: "電話を鳴らす先が必要です。固定電話か携帯電話の番号を入力するか、ブラウザで受けるようにしてください。",
    premium_rate: "有料情報サービスの番号には電話できません。",
    shared_cost: "料金分担の番号には電話できません。",
    high_risk: "{place}（+{prefix}）の番号にはここから電話できません。料金詐欺に使われることで知られる番号帯です。",
    high_risk_unnamed: "+{prefix} で始まる番号にはここから電話できません。料金詐欺に使われることで知られる番号帯です。",
    verify_first: "名刺が {number} を鳴らす前に、この番号を確認してください。電話番号のページ（/dashboard/numbers）でこちらから電話しますので、表示されるコードを入力してください。",
    upload_too_large: "アップロードが大きすぎます。画像は{size}までです。",
    field_too_long: "名刺に入れられる長さを超えた項目があります。",
    image_too_large: "画像が{size}を超えています。もっと小さいファイルを選んでください。",
    image_format: "使える画像は JPEG と PNG だけです。",
    image_corrupt: "画像ファイルが壊れているか、不完全です。書き出し直してもう一度お試しください。",
    image_too_many_pixels: "画像の画素数が多すぎます（{megapixels}メガピクセル超）。縮小してもう一度お試しください。",
};

static ZH: CardFormText = CardFormText {
    name_missing: "请填写此语言的姓名，或清空此语言的其他栏。",
    too_long: "最多 {max} 个字符。",
    control_character: "请删除不可见的控制字符（{code}）。",
    control_character_single_line: "请删除不可见的控制字符（{code}）。此栏只能填写一行。",
    no_name: "请至少用一种语言填写名片上的姓名。",
    default_lang_empty: "首先显示的语言（{lang}）还没有内容。请填写，或选择其他语言。",
    slug_length: "请使用 3 到 40 个字符。",
    slug_characters: "只能使用小写字母（a-z）、数字和连字符（-）。",
    slug_dashes: "连字符（-）只能放在字母或数字之间，且每次只能用一个。",
    slug_reserved: "“{slug}”是保留地址，请换一个。",
    slug_taken: "此名片地址已被占用，请换一个。",
    phone_characters: "只能使用数字、空格和 + - ( )，分机号写在 ; 之后，例如 02-3456-1234;235。",
    url_missing: "请输入网址。",
    url_not_http: "请使用 http:// 或 https:// 开头的地址。",
    url_not_web: "这不是网址。示例：https://example.com",
    url_characters: "网址中含有不能使用的字符。",
    too_many_links: "一张名片最多保留 {max} 个链接。",
    colour: "请使用 #1f3a5f 这样的颜色值。",
    pick_language: "请从提供的语言中选择一种。",
    pick_template: "请从提供的模板中选择一个。",
    pick_font: "请选择列表中的字体。",
    whole_number: "请输入整数。",
    frame_range: "请输入 {min} 到 {max} 之间的整数。",
    daily_cap_whole: "请填写整数金额；不设上限请留空。",
    call_quota: "通话次数最多 {max} 次。",
    call_minutes: "请设为 1 到 {max} 分钟。",
    daily_cap_range: "请填写 0 到 {max} 之间的整数金额，或留空。",
    time_zone: "请使用 Asia/Shanghai 或 Europe/Paris 这样的时区。",
    time_from: "请输入 09:00 这样的时间。",
    time_until: "请输入 18:00（或 24:00）这样的时间。",
    same_times: "结束时间必须与开始时间不同。",
    no_days: "请至少选择一天。",
    bad_region: "`{region}` 不是 KR、JP、US 这样的地区代码。",
    no_region: "请至少允许一个地区的来电者，例如 KR。",
    nowhere_to_ring: "来电必须有地方响铃：请填写座机或手机号码，或选择在浏览器中接听。",
    premium_rate: "无法拨打付费信息服务号码。",
    shared_cost: "无法拨打分摊费用号码。",
    high_risk: "无法从这里拨打{place}（+{prefix}）的号码：这是已知被用于话费欺诈的号段。",
    high_risk_unnamed: "无法从这里拨打以 +{prefix} 开头的号码：这是已知被用于话费欺诈的号段。",
    verify_first: "名片拨打 {number} 之前，请先验证该号码：在电话号码页面（/dashboard/numbers）我们会拨打它，请输入显示的验证码。",
    upload_too_large: "上传的文件太大：图片最大 {size}。",
    field_too_long: "有字段超出了名片允许的长度。",
    image_too_large: "图片大于 {size}，请选择更小的文件。",
    image_format: "只接受 JPEG 和 PNG 图片。",
    image_corrupt: "图片文件已损坏或不完整，请重新导出后重试。",
    image_too_many_pixels: "图片像素过多（超过 {megapixels} 百万像素），请缩小后重试。",
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text of a table; naming each field (no `..`) makes a new one a compile error here.
    fn every_text(text: &CardFormText) -> Vec<&'static str> {
        let CardFormText {
            name_missing,
            too_long,
            control_character,
            control_character_single_line,
            no_name,
            default_lang_empty,
            slug_length,
            slug_characters,
            slug_dashes,
            slug_reserved,
            slug_taken,
            phone_characters,
            url_missing,
            url_not_http,
            url_not_web,
            url_characters,
            too_many_links,
            colour,
            pick_language,
            pick_template,
            pick_font,
            whole_number,
            frame_range,
            daily_cap_whole,
            call_quota,
            call_minutes,
            daily_cap_range,
            time_zone,
            time_from,
            time_until,
            same_times,
            no_days,
            bad_region,
            no_region,
            nowhere_to_ring,
            premium_rate,
            shared_cost,
            high_risk,
            high_risk_unnamed,
            verify_first,
            upload_too_large,
            field_too_long,
            image_too_large,
            image_format,
            image_corrupt,
            image_too_many_pixels,
        } = *text;
        vec![
            name_missing,
            too_long,
            control_character,
            control_character_single_line,
            no_name,
            default_lang_empty,
            slug_length,
            slug_characters,
            slug_dashes,
            slug_reserved,
            slug_taken,
            phone_characters,
            url_missing,
            url_not_http,
            url_not_web,
            url_characters,
            too_many_links,
            colour,
            pick_language,
            pick_template,
            pick_font,
            whole_number,
            frame_range,
            daily_cap_whole,
            call_quota,
            call_minutes,
            daily_cap_range,
            time_zone,
            time_from,
            time_until,
            same_times,
            no_days,
            bad_region,
            no_region,
            nowhere_to_ring,
            premium_rate,
            shared_cost,
            high_risk,
            high_risk_unnamed,
            verify_first,
            upload_too_large,
            field_too_long,
            image_too_large,
            image_format,
            image_corrupt,
            image_too_many_pixels,
        ]
    }

    /// What may stay in Latin letters in any language: placeholders, examples of what to type
    /// (codes, time zones, addresses), file formats and units.
    const KEPT: &[&str] = &[
        "{max}",
        "{min}",
        "{code}",
        "{lang}",
        "{slug}",
        "{region}",
        "{place}",
        "{prefix}",
        "{number}",
        "{size}",
        "{megapixels}",
        "Asia/Seoul",
        "Asia/Tokyo",
        "Asia/Shanghai",
        "Europe/Paris",
        "https://example.com",
        "https://",
        "http://",
        "/dashboard/numbers",
        "#1f3a5f",
        "a-z",
        // Before `JP`, which it holds.
        "JPEG",
        "PNG",
        "MB",
        "KR",
        "JP",
        "US",
    ];

    fn latin_left(text: &str) -> String {
        KEPT.iter()
            .fold(text.to_owned(), |left, kept| left.replace(kept, ""))
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect()
    }

    #[test]
    fn every_text_is_translated_without_english_left() {
        let english = every_text(&EN);
        for lang in [Lang::Ko, Lang::Ja, Lang::Zh] {
            for (text, in_english) in every_text(card_form_text(lang)).into_iter().zip(&english) {
                assert_ne!(text, *in_english, "{lang:?}");
                assert_eq!(latin_left(text), "", "{lang:?}: {text}");
            }
        }
    }

    #[test]
    fn placeholders_are_the_same_in_every_language() {
        let placeholders = |text: &str| -> Vec<&str> {
            let mut found: Vec<&str> = KEPT[..10]
                .iter()
                .copied()
                .filter(|placeholder| text.contains(placeholder))
                .collect();
            found.sort_unstable();
            found
        };
        let english = every_text(&EN);
        for lang in [Lang::Ko, Lang::Ja, Lang::Zh] {
            for (text, in_english) in every_text(card_form_text(lang)).into_iter().zip(&english) {
                assert_eq!(placeholders(text), placeholders(in_english), "{text}");
            }
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let ko = card_form_text(Lang::Ko);
        assert_eq!(
            ko.control_character('\u{7}', false),
            "보이지 않는 제어 문자(U+0007)를 지우세요. 이 칸에는 한 줄만 쓸 수 있습니다."
        );
        assert_eq!(
            EN.control_character('\0', true),
            "Remove the invisible control character U+0000."
        );
        assert_eq!(
            EN.high_risk(Some("Jamaica"), "1876"),
            "Numbers in Jamaica (+1876) cannot be called from here: a range known for toll fraud."
        );
        assert_eq!(
            card_form_text(Lang::Ja).high_risk(None, "870"),
            "+870 で始まる番号にはここから電話できません。料金詐欺に使われることで知られる番号帯です。"
        );
        assert_eq!(
            card_form_text(Lang::Zh).default_lang_empty(Lang::Ko),
            "首先显示的语言（한국어）还没有内容。请填写，或选择其他语言。"
        );
    }
}
