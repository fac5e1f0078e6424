//! Wire types: what the server hands to the pages and what the JSON API sends and receives.
//!
//! They live here, in `app`, so the browser bundle and the server share one definition (STYLE §1).
//! Plain data only: validation rules live in the server's card service.

use serde::{Deserialize, Serialize};

pub mod calling;
pub mod designer;

/// The kind of line a phone number reaches (libphonenumber's types), which decides its rate
/// class, whether it may be called, and how the page names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    FixedLine,
    Mobile,
    /// Numbers of plans where landlines and mobiles cannot be told apart (the US, Canada…).
    FixedLineOrMobile,
    TollFree,
    PremiumRate,
    SharedCost,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
}

/// The languages a card can be written in (BRIEF R2, patent ¶48).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ko,
    En,
    Ja,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::Ko, Lang::En, Lang::Ja, Lang::Zh];

    /// The BCP 47 tag, as used in `lang=` attributes, `?lang=` links and vCard `LANGUAGE=`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ko => "ko",
            Lang::En => "en",
            Lang::Ja => "ja",
            Lang::Zh => "zh",
        }
    }

    /// The language's own name, shown on its switch icon.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ko => "한국어",
            Lang::En => "English",
            Lang::Ja => "日本語",
            Lang::Zh => "中文",
        }
    }

    /// Exactly one of the codes [`Lang::code`] writes (`ko`, `en`, `ja`, `zh`): for values this
    /// project stored itself, where anything else is an error, not a language to guess.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// Accepts `ko`, `EN`, `zh-Hant`, `ja-JP`…: the primary subtag decides.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|lang| lang.code() == primary)
    }
}

/// One language's text of a card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CardContent {
    pub name: String,
    /// How the name is read, in this language's own way (kana for a kanji name, pinyin for
    /// a Chinese one, hangul for a name in hanja): shown with the name, and kept in the vCard's
    /// phonetic name so contact apps sort and say it right.
    #[serde(default)]
    pub reading: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub note: String,
}

impl CardContent {
    /// The name as it is said: its reading where there is one (kana for a name in kanji).
    pub fn spoken_name(&self) -> &str {
        match self.reading.trim() {
            "" => &self.name,
            reading => reading,
        }
    }
}

/// An extra link on a card (a portfolio, a social profile…).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CardLink {
    pub label: String,
    pub url: String,
}

/// The layout templates a card can take (issue 11: six that differ in layout, not only in
/// colour). Each is a class on the card, `template-{code}`, drawn by the stylesheet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Template {
    /// Centred, a serif name under a coloured edge.
    #[default]
    Classic,
    /// Photo beside the name, left-aligned, a coloured side edge.
    Modern,
    /// No colour but the name's, a hairline frame.
    Minimal,
    /// The name on a band of the main colour, the photo overlapping its edge.
    Banner,
    /// A column of the main colour with photo, name and title beside the contacts (stacked on
    /// a phone).
    Sidebar,
    /// The whole card in the main colour.
    Bold,
}

impl Template {
    pub const ALL: [Template; 6] = [
        Template::Classic,
        Template::Modern,
        Template::Minimal,
        Template::Banner,
        Template::Sidebar,
        Template::Bold,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Template::Classic => "classic",
            Template::Modern => "modern",
            Template::Minimal => "minimal",
            Template::Banner => "banner",
            Template::Sidebar => "sidebar",
            Template::Bold => "bold",
        }
    }

    pub fn from_code(code: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// The type of a card (R2's "fonts"). Each stack names only fonts already on people's devices
/// (nothing is downloaded), per card language, so Hangul, kana and Han keep their own glyph
/// forms whatever is chosen. `Template` leaves it to the template (classic: a serif name).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CardFont {
    #[default]
    Template,
    Sans,
    Serif,
    Rounded,
}

impl CardFont {
    pub const ALL: [CardFont; 4] = [
        CardFont::Template,
        CardFont::Sans,
        CardFont::Serif,
        CardFont::Rounded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CardFont::Template => "template",
            CardFont::Sans => "sans",
            CardFont::Serif => "serif",
            CardFont::Rounded => "rounded",
        }
    }

    pub fn from_code(code: &str) -> Option<CardFont> {
        CardFont::ALL.into_iter().find(|font| font.code() == code)
    }

    /// The card's class for it (`font-serif`), none for the template's own.
    pub fn class(self) -> Option<String> {
        (self != CardFont::Template).then(|| format!("font-{}", self.code()))
    }
}

/// Colours are `#rrggbb`; the server validates them before they reach a `style` attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Theme {
    pub template: Template,
    pub primary_color: String,
    pub accent_color: String,
    #[serde(default)]
    pub font: CardFont,
    /// Which part of the photo its round frame shows.
    #[serde(default)]
    pub photo_frame: ImageFrame,
    /// Which part of the logo its box shows.
    #[serde(default)]
    pub logo_frame: ImageFrame,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            template: Template::Classic,
            primary_color: "#1f3a5f".into(),
            accent_color: "#b45309".into(),
            font: CardFont::Template,
            photo_frame: ImageFrame::default(),
            logo_frame: ImageFrame::default(),
        }
    }
}

/// How an image sits in its frame on the card (BRIEF R2's "crop/position"): the point of the
/// picture kept in view, in percent of its width and height, and how far it is enlarged around
/// that point. The stored image stays whole, so the issuer can frame it again at any time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImageFrame {
    /// 0 (left edge) … 100 (right edge).
    pub x: u16,
    /// 0 (top) … 100 (bottom).
    pub y: u16,
    /// Percent: 100 (the whole picture fills the frame) … 400.
    pub zoom: u16,
}

impl ImageFrame {
    pub const MAX_POSITION: u16 = 100;
    pub const MIN_ZOOM: u16 = 100;
    pub const MAX_ZOOM: u16 = 400;

    pub fn is_valid(&self) -> bool {
        self.x <= Self::MAX_POSITION
            && self.y <= Self::MAX_POSITION
            && (Self::MIN_ZOOM..=Self::MAX_ZOOM).contains(&self.zoom)
    }

    /// The image's `style`: its focal point kept in view and enlarged around. `None` for the
    /// default (the middle, unzoomed), so most cards carry no style at all. Only a valid frame
    /// is ever written (`validate` refuses others; the preview draws them as the default).
    pub fn style(&self) -> Option<String> {
        if *self == ImageFrame::default() || !self.is_valid() {
            return None;
        }
        let (x, y) = (self.x, self.y);
        let mut style = format!("object-position:{x}% {y}%");
        if self.zoom != Self::MIN_ZOOM {
            // Written from whole numbers: formatting a float would add its code to the card's
            // bundle.
            let (whole, hundredths) = (self.zoom / 100, self.zoom % 100);
            let scale = match hundredths {
                0 => whole.to_string(),
                tenths if tenths % 10 == 0 => format!("{whole}.{}", tenths / 10),
                hundredths => format!("{whole}.{hundredths:02}"),
            };
            style.push_str(&format!(
                ";transform:scale({scale});transform-origin:{x}% {y}%"
            ));
        }
        Some(style)
    }
}

impl Default for ImageFrame {
    fn default() -> Self {
        ImageFrame {
            x: 50,
            y: 50,
            zoom: 100,
        }
    }
}

/// The WCAG 2 relative luminance of `#rrggbb` (0 black … 1 white).
pub fn relative_luminance(colour: &str) -> f64 {
    let channel = |index: usize| {
        let value = colour
            .get(1 + index * 2..3 + index * 2)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .unwrap_or(0) as f64
            / 255.0;
        if value <= 0.04045 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
}

/// The WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 (same) to 21 (black on white).
pub fn contrast_ratio(one: &str, other: &str) -> f64 {
    let (a, b) = (relative_luminance(one), relative_luminance(other));
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

/// WCAG 2.1 AA for normal text (success criterion 1.4.3).
pub const AA_TEXT_CONTRAST: f64 = 4.5;

/// Black or white, whichever reads better on `background` (`#rrggbb`): the WCAG relative
/// luminance decides, so an issuer's colour choice never leaves unreadable button text. Pure
/// black, not a softer near-black: with #111 a mid colour (luminance about 0.18-0.19) reached
/// only 4.1-4.4:1 either way, below AA; with black the worst case is 4.58:1.
pub fn readable_text_on(background: &str) -> &'static str {
    // Contrast with white is 1.05 / (L + 0.05), with black (L + 0.05) / 0.05; equal at L ≈ 0.179.
    if relative_luminance(background) > 0.179 {
        "#000000"
    } else {
        "#ffffff"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_said_from_its_reading_where_there_is_one() {
        let kanji = CardContent {
            name: "山田太郎".into(),
            reading: " やまだ たろう ".into(),
            ..CardContent::default()
        };
        assert_eq!(kanji.spoken_name(), "やまだ たろう");
        let plain = CardContent {
            name: "Ada".into(),
            reading: "  ".into(),
            ..CardContent::default()
        };
        assert_eq!(plain.spoken_name(), "Ada");
    }

    #[test]
    fn a_frame_keeps_its_point_in_view_and_enlarges_around_it() {
        assert_eq!(
            ImageFrame::default().style(),
            None,
            "the middle, whole: no style"
        );
        let top_left = ImageFrame {
            x: 0,
            y: 0,
            zoom: 100,
        };
        assert_eq!(top_left.style().as_deref(), Some("object-position:0% 0%"));
        let face = ImageFrame {
            x: 30,
            y: 25,
            zoom: 250,
        };
        assert_eq!(
            face.style().as_deref(),
            Some("object-position:30% 25%;transform:scale(2.5);transform-origin:30% 25%")
        );
        for (zoom, scale) in [(200, "2"), (105, "1.05"), (399, "3.99"), (400, "4")] {
            let style = ImageFrame {
                zoom,
                ..ImageFrame::default()
            }
            .style()
            .unwrap();
            assert!(
                style.contains(&format!("scale({scale});")),
                "{zoom}: {style}"
            );
        }
        for refused in [
            ImageFrame {
                x: 101,
                ..ImageFrame::default()
            },
            ImageFrame {
                y: 500,
                ..ImageFrame::default()
            },
            ImageFrame {
                zoom: 99,
                ..ImageFrame::default()
            },
            ImageFrame {
                zoom: 401,
                ..ImageFrame::default()
            },
        ] {
            assert!(!refused.is_valid(), "{refused:?}");
            assert_eq!(refused.style(), None, "never written: {refused:?}");
        }
    }

    #[test]
    fn text_colour_contrasts_with_the_background() {
        assert_eq!(readable_text_on("#1f3a5f"), "#ffffff");
        assert_eq!(readable_text_on("#b45309"), "#ffffff");
        assert_eq!(readable_text_on("#ffd54f"), "#000000");
        assert_eq!(readable_text_on("#ffffff"), "#000000");
    }

    #[test]
    fn contrast_ratios_are_wcags() {
        assert!((contrast_ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast_ratio("#ffffff", "#ffffff") - 1.0).abs() < 1e-9);
        // #767676 on white is the well-known lightest grey that passes AA (4.54:1).
        let grey = contrast_ratio("#767676", "#ffffff");
        assert!(grey > AA_TEXT_CONTRAST && grey < 4.6, "{grey}");
        assert!(contrast_ratio("#777777", "#ffffff") < AA_TEXT_CONTRAST);
        assert_eq!(
            contrast_ratio("#1f3a5f", "#ffffff"),
            contrast_ratio("#ffffff", "#1f3a5f")
        );
    }

    #[test]
    fn the_readable_text_colour_always_passes_aa() {
        // Every grey, and a sweep of colours through the switch point.
        let colours = (0..=255u32)
            .map(|v| format!("#{v:02x}{v:02x}{v:02x}"))
            .chain((0..=255u32).map(|v| format!("#{v:02x}{:02x}{:02x}", 255 - v, v / 2)));
        for colour in colours {
            let text = readable_text_on(&colour);
            assert!(
                contrast_ratio(&colour, text) >= AA_TEXT_CONTRAST,
                "{text} on {colour}: {:.2}",
                contrast_ratio(&colour, text)
            );
        }
    }

    #[test]
    fn language_tags_match_by_primary_subtag() {
        assert_eq!(Lang::from_tag("zh-Hant"), Some(Lang::Zh));
        assert_eq!(Lang::from_tag("EN_us"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
    }
}

/// How a card's phone numbers and addresses are reached, shared by every language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contacts {
    #[serde(default)]
    pub office_phone: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub fax: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub homepage: String,
}

/// What an issuer submits to create or change a card (JSON API body and the editor form's fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CardInput {
    /// Wanted public slug; generated when absent. Fixed once the card exists.
    #[serde(default)]
    pub slug: Option<String>,
    pub default_lang: Lang,
    /// At least one language, and `default_lang` among them.
    pub contents: Vec<LocalizedContent>,
    #[serde(default)]
    pub contacts: Contacts,
    #[serde(default)]
    pub links: Vec<CardLink>,
    #[serde(default)]
    pub theme: Theme,
    #[serde(default = "default_true")]
    pub published: bool,
    /// Who may call, when, and where the calls ring. Private: never part of the public card.
    /// Absent in an update: the card's settings stay as they are (defaults for a new card).
    #[serde(default)]
    pub call: Option<CallSettings>,
}

/// Days of the week, for availability hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }
}

/// A card's call settings (BRIEF R2): the call count, the per-call limit, availability hours in
/// the issuer's time zone, the caller countries that may be dialled, and the issuer's destinations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallSettings {
    /// Calls the card may still receive (the patent's "expected number of calls").
    pub call_quota: u32,
    /// Longest call, in minutes (1-240).
    pub max_call_minutes: u32,
    /// IANA time zone of the hours below, e.g. `Asia/Seoul`.
    pub time_zone: String,
    /// `HH:MM`, inclusive.
    pub available_from: String,
    /// `HH:MM` (or `24:00`), exclusive; earlier than `available_from` means overnight.
    pub available_until: String,
    pub available_days: Vec<Weekday>,
    /// ISO 3166 regions of callback numbers that may be dialled, e.g. `["KR"]`.
    pub allowed_regions: Vec<String>,
    /// Where calls ring: the issuer's landline and mobile (either may be empty) and whether the
    /// issuer's browser ("internet phone") rings too.
    pub landline: String,
    pub mobile: String,
    pub internet_phone: bool,
    /// The most this card's calls may spend in a day (from midnight in `time_zone`), on top of
    /// the Guild's own cap; `None`: no cap of its own.
    #[serde(default)]
    pub daily_cap: Option<i64>,
}

impl Default for CallSettings {
    fn default() -> Self {
        CallSettings {
            call_quota: 100,
            max_call_minutes: 10,
            time_zone: "Asia/Seoul".into(),
            available_from: "09:00".into(),
            available_until: "18:00".into(),
            available_days: Weekday::ALL[..5].to_vec(),
            allowed_regions: vec!["KR".into()],
            landline: String::new(),
            mobile: String::new(),
            internet_phone: true,
            daily_cap: None,
        }
    }
}

fn default_true() -> bool {
    true
}

impl Default for CardInput {
    fn default() -> Self {
        CardInput {
            slug: None,
            default_lang: Lang::Ko,
            contents: Vec::new(),
            contacts: Contacts::default(),
            links: Vec::new(),
            theme: Theme::default(),
            published: true,
            call: None,
        }
    }
}

impl CardInput {
    /// What was typed for `lang` (all empty when nothing was).
    pub fn content(&self, lang: Lang) -> CardContent {
        self.contents
            .iter()
            .find(|c| c.lang == lang)
            .map(|c| c.content.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LocalizedContent {
    pub lang: Lang,
    #[serde(flatten)]
    pub content: CardContent,
}

/// A card's short video (BRIEF R2), as its page plays it: never on its own, never with sound
/// before the caller asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CardVideo {
    /// Site-relative URL of the file.
    pub url: String,
    /// `video/mp4` or `video/webm`.
    pub media_type: String,
    /// Site-relative URL of the still shown before it plays, if one was given.
    pub poster_url: Option<String>,
    /// The picture's size as shown, which the page keeps room for.
    pub width: u32,
    pub height: u32,
    pub duration_ms: u64,
}

impl CardVideo {
    /// The length as a player shows it: `0:42`, `1:05`.
    pub fn length(&self) -> String {
        let secs = self.duration_ms.div_ceil(1000);
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// What a stored card shows besides its words: the images and the video, as the designer keeps
/// them while the form is edited.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMedia {
    pub photo_url: Option<String>,
    pub logo_url: Option<String>,
    pub video: Option<CardVideo>,
}

/// A card as it is shown: the public page, the API and the vCard all start from this.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CardView {
    pub slug: String,
    /// Absolute URL of the public page, e.g. `https://callcard.example/c/hong`.
    pub url: String,
    pub published: bool,
    pub default_lang: Lang,
    /// Ordered as `Lang::ALL`, only the languages the card has.
    pub contents: Vec<LocalizedContent>,
    pub contacts: Contacts,
    pub links: Vec<CardLink>,
    pub theme: Theme,
    /// Site-relative URLs of the uploaded images, if any.
    pub photo_url: Option<String>,
    pub logo_url: Option<String>,
    /// The card's short video, if it has one.
    #[serde(default)]
    pub video: Option<CardVideo>,
    /// RFC 3339 time of the last edit (vCard `REV`).
    pub updated_at: String,
}

impl CardView {
    pub fn stored_media(&self) -> StoredMedia {
        StoredMedia {
            photo_url: self.photo_url.clone(),
            logo_url: self.logo_url.clone(),
            video: self.video.clone(),
        }
    }

    /// The content in `lang`, else in the card's default language, else the first one it has.
    pub fn content(&self, lang: Lang) -> &CardContent {
        self.contents
            .iter()
            .find(|c| c.lang == lang)
            .or_else(|| self.contents.iter().find(|c| c.lang == self.default_lang))
            .or_else(|| self.contents.first())
            .map(|c| &c.content)
            .unwrap_or(&EMPTY_CONTENT)
    }

    pub fn languages(&self) -> Vec<Lang> {
        self.contents.iter().map(|c| c.lang).collect()
    }

    /// Which of the card's languages to show first for a wanted one.
    pub fn resolve_lang(&self, wanted: Option<Lang>) -> Lang {
        match wanted {
            Some(lang) if self.contents.iter().any(|c| c.lang == lang) => lang,
            _ if self.contents.iter().any(|c| c.lang == self.default_lang) => self.default_lang,
            _ => self
                .contents
                .first()
                .map(|c| c.lang)
                .unwrap_or(self.default_lang),
        }
    }

    /// Turn the view back into what the editor form edits.
    pub fn to_input(&self) -> CardInput {
        CardInput {
            slug: Some(self.slug.clone()),
            default_lang: self.default_lang,
            contents: self.contents.clone(),
            contacts: self.contacts.clone(),
            links: self.links.clone(),
            theme: self.theme.clone(),
            published: self.published,
            call: None,
        }
    }
}

static EMPTY_CONTENT: CardContent = CardContent {
    name: String::new(),
    reading: String::new(),
    title: String::new(),
    company: String::new(),
    department: String::new(),
    address: String::new(),
    note: String::new(),
};

/// The signed-in issuer, as pages and `/api/me` see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccountView {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Issuer,
    Operator,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Issuer => "issuer",
            Role::Operator => "operator",
        }
    }
}

/// A refused field: which one (the form's field name) and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A card in the issuer's dashboard list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CardSummary {
    pub slug: String,
    pub name: String,
    pub published: bool,
    pub updated_at: String,
    /// Calls the card may still receive; `None` before its call settings are saved.
    pub calls_left: Option<u32>,
    /// Talk time the Guild's available money buys on this card's route now (patent ¶60);
    /// `None` when the card cannot be called or a leg has no rate.
    pub talk_secs_left: Option<u32>,
}

/// The sign-up and log-in forms, as typed (never the password) and with what was refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthForm {
    pub email: String,
    pub display_name: String,
    pub errors: Vec<FieldError>,
}

/// The confirmation form: the link's token (hidden) and what was refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmForm {
    pub token: String,
    pub errors: Vec<FieldError>,
}

/// The card designer: a new card (`slug` None) or an existing one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorForm {
    pub existing_slug: Option<String>,
    pub input: CardInput,
    pub media: StoredMedia,
    pub errors: Vec<FieldError>,
    /// The language tab open, whose text the preview shows.
    pub editing_lang: Lang,
    /// The card as callers would see it now (`None` until it has a name in some language).
    pub preview: Option<CardView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dashboard {
    pub account: AccountView,
    /// Its entries' times are in `time_zone`.
    pub guild: GuildView,
    /// The Guild's zone (an IANA name), which the page names.
    pub time_zone: String,
    pub cards: Vec<CardSummary>,
    pub notice: Option<String>,
}

/// Which page to render, with everything it shows. The server builds it; the browser reads the
/// same value back from the page before hydrating, so both render the same tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "page", rename_all = "snake_case")]
pub enum Page {
    Home {
        account: Option<AccountView>,
        demo_slug: Option<String>,
    },
    /// The card page; `embedded`: the compact card of `/embed/{slug}`, made for an iframe.
    Card {
        card: CardView,
        lang: Lang,
        embedded: bool,
    },
    /// The call window; `callback` is `None` where callbacks are off (no phone line);
    /// `embedded`: opened from an embed, inside its iframe.
    Call {
        card: CardView,
        lang: Lang,
        callback: Option<calling::CallbackForm>,
        embedded: bool,
    },
    /// A callback followed without JavaScript.
    CallbackStatus {
        status: calling::CallbackStatusView,
    },
    SignUp {
        form: AuthForm,
    },
    LogIn {
        form: AuthForm,
    },
    /// After a sign-up: the same page whether or not the address had an account.
    SignUpSent {
        email: String,
    },
    /// The page a confirmation link opens: the password confirms the address.
    Confirm {
        form: ConfirmForm,
    },
    Dashboard {
        dashboard: Dashboard,
    },
    Editor {
        form: Box<EditorForm>,
    },
    CallRecords {
        records: CallRecordsView,
    },
    /// The Guild's statement, a page of entries at a time.
    Statement {
        /// Its entries' times are in `time_zone`.
        guild: GuildView,
        /// The Guild's zone (an IANA name), which the page names.
        time_zone: String,
    },
    /// The issuer's verified numbers and the form that verifies another.
    Numbers {
        numbers: NumbersView,
    },
    /// One verification call, followed while it runs.
    Verification {
        verification: VerificationView,
    },
    /// The dashboard's Embed panel for one card (issue 12).
    EmbedPanel {
        panel: EmbedPanelView,
    },
    /// A card's usage per day, drawn as charts.
    CardUsage {
        usage: CardUsageView,
    },
    NotFound,
}

/// A card's usage over the last `period` days (issue 11, BRIEF R13), one entry per day in
/// order, the days divided at midnight in `time_zone`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CardUsageView {
    pub slug: String,
    pub name: String,
    /// The IANA zone whose midnights divide the days: the card's hours', else the Guild's.
    pub time_zone: String,
    /// The number of days shown (7, 30 or 90).
    pub period: u32,
    /// The ISO 4217 code of `spend`.
    pub currency: String,
    pub days: Vec<UsageDay>,
    /// The period's spend in the server's money format, for API readers (pages write money
    /// in their language, `i18n::format::money`).
    pub spend_total_display: String,
}

/// One day of a card's usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UsageDay {
    /// `YYYY-MM-DD`, in the usage's zone.
    pub date: String,
    /// Views of the card's page and embed, not counting its issuer's.
    pub views: i64,
    /// Calls asked for on the day, answered or not.
    pub calls: i64,
    pub answered: i64,
    /// Billed talk time of the day's settled calls.
    pub talk_secs: i64,
    /// What the day's settled calls cost, in minor units of `currency`.
    pub spend: i64,
    /// `spend` in the server's money format, for API readers.
    pub spend_display: String,
}

/// What the Embed panel shows: the snippets to paste (made from `public_url` and `slug`), the
/// sites allowed to frame the card, and a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbedPanelView {
    pub slug: String,
    pub name: String,
    pub published: bool,
    /// The installation's public base URL, without a trailing slash.
    pub public_url: String,
    /// The allowlist as the form shows it: one origin per line; after a refusal, as typed.
    pub origins: String,
    /// The refusals of the last post, each naming its line.
    pub errors: Vec<String>,
    /// The last post was stored.
    pub saved: bool,
}

impl Page {
    /// The pages around the cards, in the language the issuer (or visitor) chose; a card's own
    /// pages speak the card's languages and have their own switch.
    pub fn is_issuers(&self) -> bool {
        !matches!(
            self,
            Page::Card { .. } | Page::Call { .. } | Page::CallbackStatus { .. }
        )
    }

    /// The browser bundle the page loads: the calling islands' code only where they are.
    pub fn bundle(&self) -> Bundle {
        match self {
            Page::Call { .. } | Page::Dashboard { .. } | Page::Editor { .. } => Bundle::App,
            _ => Bundle::Card,
        }
    }
}

/// The two browser bundles Trunk builds (issue 12): a reader of a card downloads only the card
/// island; the call window's WebRTC and the dashboard's line load with their pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bundle {
    /// `/pkg/card/card-bundle.js`: the card island (feature `card-island`), for the card page,
    /// the embed and the pages with no island at all.
    Card,
    /// `/pkg/app.js`: the call window's, the callback's and the dashboard line's islands
    /// (feature `call-islands`).
    App,
}

impl Bundle {
    pub const ALL: [Bundle; 2] = [Bundle::Card, Bundle::App];

    /// The file stem Trunk writes (`{name}.js`, `{name}_bg.wasm`).
    pub fn output_name(self) -> &'static str {
        match self {
            Bundle::Card => "card-bundle",
            Bundle::App => "app",
        }
    }

    /// The directory under the site root it is served from.
    pub fn pkg_dir(self) -> &'static str {
        match self {
            Bundle::Card => "pkg/card",
            Bundle::App => "pkg",
        }
    }
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The message for `field`, if it was refused.
pub fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// A Guild's daily spend cap (issue 10): the most its calls may spend in a day, from midnight in
/// `time_zone`, and what they spent today (held or charged) while a cap was set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DailySpendingView {
    /// Minor units; `None`: no cap.
    pub daily_cap: Option<i64>,
    /// `daily_cap` for the API's readers, e.g. `5,000 KRW`; pages format the minor units in
    /// their language instead (`i18n::format`).
    pub daily_cap_display: Option<String>,
    /// An IANA zone, e.g. `Asia/Seoul`.
    pub time_zone: String,
    /// What the day has spent so far; counted only while a cap is set.
    pub spent_today: Option<i64>,
    /// Like `daily_cap_display`: for the API.
    pub spent_today_display: Option<String>,
}

/// An issuer's Guild as they see it (BRIEF R13): amounts in minor units, plus display strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GuildView {
    pub currency: String,
    pub balance: i64,
    pub held: i64,
    pub credit_limit: i64,
    /// What calls may still spend: balance + credit limit − held.
    pub available: i64,
    /// `available`, formatted for the API's readers, e.g. `5,000 KRW`; pages format the minor
    /// units in their language instead (`i18n::format`).
    pub available_display: String,
    /// The daily spend cap and the day's spending; absent from views that carry entries only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spending: Option<DailySpendingView>,
    /// Newest first: the latest page, or the page older than the `before` asked for.
    pub entries: Vec<LedgerEntryView>,
    /// The `before` that pages on to older entries; `None` when these reach the first one.
    pub older: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LedgerEntryView {
    pub id: i64,
    /// `signup_grant`, `operator_credit`, `voucher`, `payment`, `call_debit`, `refund`, `adjustment`.
    pub kind: String,
    pub amount: i64,
    /// Like `available_display`: for the API.
    pub amount_display: String,
    pub balance_after: i64,
    pub note: String,
    /// RFC 3339: UTC (`Z`) from the API; in the zone a page names, on pages.
    pub created_at: String,
}

/// One call attempt as its issuer sees it (BRIEF R12): refused ones too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CallRecord {
    pub id: i64,
    pub card_slug: String,
    pub caller_number: String,
    pub callee_number: String,
    /// `internet`, `landline`, `mobile`, `international`, per leg: the caller's, then the
    /// issuer's; ringing the issuer's phone and browser at once, the phone's then the browser's.
    pub leg_classes: Vec<String>,
    /// Where the issuer accepted: `phone` or `browser`; absent while unanswered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_on: Option<String>,
    /// RFC 3339, as `created_at` of a ledger entry: UTC from the API, the page's zone on pages.
    pub authorized_at: String,
    pub answered_at: Option<String>,
    pub ended_at: Option<String>,
    pub billed_secs: Option<i32>,
    /// Minor units.
    pub cost: Option<i64>,
    /// `reserved` (running), or how it ended: `answered`, `no_answer`, `refused:<reason>`…
    pub outcome: String,
    pub hangup_cause: Option<String>,
}

/// A destination's verification call (issue 8): a card rings a phone number only once its
/// issuer typed back, on that phone, the code shown here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VerificationView {
    pub id: i64,
    /// International format, e.g. `+82 10-1234-5678`.
    pub number: String,
    /// `calling`, `ringing`, `waiting_for_code`, or how it ended: `verified`, `wrong_code`,
    /// `no_code`, `hung_up`, `no_answer`, `busy`, `declined`, `failed`.
    pub state: String,
    pub running: bool,
    pub verified: bool,
    /// The code to type on the phone, while the call runs.
    pub code: Option<String>,
    /// The state, for people.
    pub message: String,
}

/// The numbers page: what is verified, and the form as typed with what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NumbersView {
    /// International format.
    pub verified: Vec<String>,
    pub number: String,
    pub lang: String,
    pub error: Option<String>,
    /// False when the installation has no trunk: nothing can be verified.
    pub can_verify: bool,
}

/// One page of an issuer's call records and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordPage {
    pub total: u64,
    pub records: Vec<CallRecord>,
}

/// The call-records page: the search as typed, one page of results, where it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecordsView {
    /// Part of a number, as typed.
    pub number: String,
    /// `YYYY-MM-DD`, inclusive; empty for no bound.
    pub from: String,
    pub until: String,
    pub offset: u64,
    pub limit: u64,
    pub page: RecordPage,
    /// The currency's code, for the cost column.
    pub currency: String,
    /// The Guild's zone (an IANA name): the records' times are in it, and the dates searched.
    pub time_zone: String,
    /// Why the search was not understood, if it was not.
    pub error: Option<String>,
}
