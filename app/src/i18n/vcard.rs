//! Why a vCard import was refused, in ko, en, ja, zh (issue 11): the dashboard's notice and the
//! API's field message. Placeholders (`{found}`, `{name}`, `{property}`, `{charset}`, `{mb}`,
//! `{max}`, `{links}`) are filled by the server's `VCardError::message`.

use crate::model::Lang;

pub struct VCardText {
    /// The dashboard's form was sent without a file.
    pub no_file: &'static str,
    pub not_a_vcard: &'static str,
    pub unterminated: &'static str,
    pub unsupported_version: &'static str,
    pub unknown_charset: &'static str,
    pub undecodable: &'static str,
    pub not_utf8: &'static str,
    pub bad_encoding: &'static str,
    pub no_name: &'static str,
    pub too_large: &'static str,
    pub too_many_lines: &'static str,
    pub too_many_urls: &'static str,
}

pub fn vcard_text(lang: Lang) -> &'static VCardText {
    match lang {
        Lang::Ko => &KO,
        Lang::En => &EN,
        Lang::Ja => &JA,
        Lang::Zh => &ZH,
    }
}

static KO: VCardText = VCardText {
    no_file: "가져올 .vcf 파일을 고르세요.",
    not_a_vcard: "vCard 파일이 아닙니다: BEGIN:VCARD 줄이 없습니다",
    unterminated: "vCard가 잘렸습니다: BEGIN:VCARD에 맞는 END:VCARD가 없습니다",
    unsupported_version: "vCard 버전 {found}은(는) 지원하지 않습니다. 연락처를 vCard 3.0이나 4.0으로 내보내세요",
    unknown_charset: "이 vCard의 글자는 지원하지 않는 문자 집합 \"{name}\"입니다. 연락처를 vCard 3.0이나 4.0(UTF-8)으로 내보내세요",
    undecodable: "이 vCard의 {property}은(는) vCard가 말하는 {charset} 글자가 아닙니다. 연락처를 vCard 3.0이나 4.0(UTF-8)으로 다시 내보내세요",
    not_utf8: "이 vCard의 {property}은(는) UTF-8 글자가 아니고, 어떤 문자 집합인지도 적혀 있지 않습니다. 연락처를 vCard 3.0이나 4.0(UTF-8)으로 다시 내보내세요",
    bad_encoding: "이 vCard의 {property}은(는) base64라고 되어 있지만 올바른 base64가 아닙니다",
    no_name: "이 vCard에는 이름(FN도 N도)이 없습니다. 연락처에 이름을 넣고 다시 해 보세요",
    too_large: "파일이 {mb}MB보다 큽니다. 사진 없이 연락처 하나만 내보내세요",
    too_many_lines: "이 vCard는 {max}줄이 넘습니다. 연락처 하나만 내보내고 다시 해 보세요",
    too_many_urls: "이 vCard에는 웹 주소(URL 줄)가 {max}개가 넘습니다. 명함에는 링크를 {links}개까지 둘 수 있습니다",
};

static EN: VCardText = VCardText {
    no_file: "Choose a .vcf file to import.",
    not_a_vcard: "this file is not a vCard: it has no BEGIN:VCARD line",
    unterminated: "this vCard is cut off: BEGIN:VCARD has no matching END:VCARD",
    unsupported_version: "vCard version {found} is not supported; export the contact as vCard 3.0 or 4.0",
    unknown_charset: "this vCard's text is in the character set \"{name}\", which is not supported; export the contact as vCard 3.0 or 4.0 (UTF-8)",
    undecodable: "this vCard's {property} is not valid {charset} text, as the vCard says it is; export the contact again as vCard 3.0 or 4.0 (UTF-8)",
    not_utf8: "this vCard's {property} is not UTF-8 text and the vCard does not say which character set it is in; export the contact again as vCard 3.0 or 4.0 (UTF-8)",
    bad_encoding: "this vCard's {property} is marked base64 but is not valid base64",
    no_name: "this vCard has no name (neither FN nor N); add a name to the contact and retry",
    too_large: "this file is larger than {mb} MB; export a single contact, without its photo",
    too_many_lines: "this vCard has more than {max} lines; export a single contact and retry",
    too_many_urls: "this vCard has more than {max} web addresses (URL lines); a card keeps at most {links} links",
};

static JA: VCardText = VCardText {
    no_file: "取り込む.vcfファイルを選んでください。",
    not_a_vcard: "このファイルはvCardではありません: BEGIN:VCARDの行がありません",
    unterminated: "このvCardは途中で切れています: BEGIN:VCARDに対応するEND:VCARDがありません",
    unsupported_version: "vCardのバージョン{found}には対応していません。連絡先をvCard 3.0か4.0で書き出してください",
    unknown_charset: "このvCardの文字は対応していない文字セット「{name}」です。連絡先をvCard 3.0か4.0(UTF-8)で書き出してください",
    undecodable: "このvCardの{property}は、vCardが示す{charset}の文字として正しくありません。連絡先をvCard 3.0か4.0(UTF-8)で書き出し直してください",
    not_utf8: "このvCardの{property}はUTF-8の文字ではなく、文字セットも示されていません。連絡先をvCard 3.0か4.0(UTF-8)で書き出し直してください",
    bad_encoding: "このvCardの{property}はbase64とされていますが、正しいbase64ではありません",
    no_name: "このvCardには名前(FNもNも)がありません。連絡先に名前を入れてもう一度お試しください",
    too_large: "ファイルが{mb}MBを超えています。写真なしで連絡先を1件だけ書き出してください",
    too_many_lines: "このvCardは{max}行を超えています。連絡先を1件だけ書き出してもう一度お試しください",
    too_many_urls: "このvCardにはウェブアドレス(URL行)が{max}個を超えてあります。名刺に置けるリンクは{links}個までです",
};

static ZH: VCardText = VCardText {
    no_file: "请选择要导入的 .vcf 文件。",
    not_a_vcard: "此文件不是 vCard: 没有 BEGIN:VCARD 行",
    unterminated: "此 vCard 不完整: BEGIN:VCARD 没有对应的 END:VCARD",
    unsupported_version: "不支持 vCard 版本 {found}；请将联系人导出为 vCard 3.0 或 4.0",
    unknown_charset: "此 vCard 的文字使用不受支持的字符集“{name}”；请将联系人导出为 vCard 3.0 或 4.0(UTF-8)",
    undecodable: "此 vCard 的 {property} 不是 vCard 所声明的有效 {charset} 文字；请将联系人重新导出为 vCard 3.0 或 4.0(UTF-8)",
    not_utf8: "此 vCard 的 {property} 不是 UTF-8 文字，且 vCard 未说明其字符集；请将联系人重新导出为 vCard 3.0 或 4.0(UTF-8)",
    bad_encoding: "此 vCard 的 {property} 标为 base64，但不是有效的 base64",
    no_name: "此 vCard 没有姓名(既无 FN 也无 N)；请为联系人添加姓名后重试",
    too_large: "此文件大于 {mb} MB；请只导出一个联系人，且不含照片",
    too_many_lines: "此 vCard 超过 {max} 行；请只导出一个联系人后重试",
    too_many_urls: "此 vCard 有超过 {max} 个网址(URL 行)；名片最多保留 {links} 个链接",
};
