//! What people type, made plain before any parsing: digits of every script (full-width `０１０`,
//! Arabic-Indic, Devanagari…) become ASCII, the separators people put between digits (spaces of
//! every width, dashes of every kind, dots, slashes, brackets) go, and an extension is found
//! however it is marked (`;235`, `;ext=235`, `ext. 235`, `x235`, `#235`, `내선 235`,
//! `内線 235`, `分机 235`). Pure and linear in the input, which the caller has bounded.
//! Markers compare ASCII letters without case and nothing else, so byte offsets stay exact.

use super::NumberError;

/// The longest extension we dial, in keys and pauses.
pub(super) const MAX_EXTENSION: usize = 20;

/// A typed number split into what to parse and what to dial after the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Typed {
    /// ASCII digits, with `+` first when the caller typed one.
    pub number: String,
    /// Keys to send once answered: `0-9`, `*`, `#`, and `,` for a pause.
    pub extension: Option<String>,
}

/// Words and signs that start an extension, longest first so that `extension` is not read as
/// `ext` followed by `ension`. Compared with the input lower-cased.
pub(crate) const EXTENSION_MARKERS: &[&str] = &[
    ";ext=",
    ";",
    "extension",
    "extn.",
    "extn",
    "ext.",
    "ext",
    "x.",
    "x",
    "#",
    "내선",
    "内線",
    "内线",
    "分機",
    "分机",
    "轉",
    "转",
];

pub(super) fn split(input: &str) -> Result<Typed, NumberError> {
    let mut number = String::new();
    let mut rest = None;
    for (at, c) in input.char_indices() {
        if let Some(digit) = ascii_digit(c) {
            number.push(digit);
        } else if is_plus(c) {
            if !number.is_empty() {
                return Err(NumberError::InvalidCharacters);
            }
            number.push('+');
        } else if is_separator(c) {
            continue;
        } else {
            rest = Some(&input[at..]);
            break;
        }
    }
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        return Err(NumberError::InvalidCharacters);
    }
    let extension = match rest {
        None => None,
        Some(rest) => Some(extension(rest)?),
    };
    Ok(Typed { number, extension })
}

/// The keys after an extension marker; `rest` starts where the number's digits stopped.
fn extension(rest: &str) -> Result<String, NumberError> {
    let marker = EXTENSION_MARKERS
        .iter()
        .find(|marker| {
            rest.get(..marker.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(marker))
        })
        .ok_or(NumberError::InvalidCharacters)?;
    let keys = rest[marker.len()..].trim_start_matches([':', ' ', '\u{a0}', '\u{3000}', '=']);
    let mut dialled = String::new();
    for c in keys.chars() {
        match c {
            _ if ascii_digit(c).is_some() => dialled.extend(ascii_digit(c)),
            '*' | '＊' => dialled.push('*'),
            '#' | '＃' => dialled.push('#'),
            // Dial-string pauses: `,` and `p` wait two seconds; `w` ("wait for a tone") has
            // nobody to wait for in a callback, so it pauses too.
            ',' | '，' | 'p' | 'P' | 'w' | 'W' => dialled.push(','),
            _ if is_separator(c) => {}
            _ => return Err(NumberError::BadExtension),
        }
    }
    let keys = dialled.chars().filter(|c| *c != ',').count();
    if keys == 0 || dialled.len() > MAX_EXTENSION {
        return Err(NumberError::BadExtension);
    }
    Ok(dialled)
}

fn is_plus(c: char) -> bool {
    matches!(c, '+' | '＋')
}

/// Marks people put between digits, as libphonenumber reads them (its `VALID_PUNCTUATION`).
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '.'
                | '/'
                | '('
                | ')'
                | '['
                | ']'
                | '~'
                | '\u{ad}'       // soft hyphen
                | '\u{200b}'     // zero-width space
                | '\u{2060}'     // word joiner
                | '\u{2010}'..='\u{2015}' // hyphens and dashes
                | '\u{2212}'     // minus sign
                | '\u{2053}'     // swung dash
                | '\u{223c}'     // tilde operator
                | '\u{30fc}'     // katakana prolonged sound mark, typed as a dash in Japan
                | '\u{ff08}' | '\u{ff09}' // full-width brackets
                | '\u{ff0d}'..='\u{ff0f}' // full-width hyphen, full stop, slash
                | '\u{ff3b}' | '\u{ff3d}'
                | '\u{ff5e}'
                | '・' | '･'
        )
}

/// The first code point of each run of ten decimal digits (Unicode category Nd) in the scripts
/// people type phone numbers in.
const DIGIT_ZEROES: &[u32] = &[
    0x0030, // ASCII
    0x0660, // Arabic-Indic
    0x06F0, // Extended Arabic-Indic (Persian, Urdu)
    0x07C0, // NKo
    0x0966, // Devanagari
    0x09E6, // Bengali
    0x0A66, // Gurmukhi
    0x0AE6, // Gujarati
    0x0B66, // Oriya
    0x0BE6, // Tamil
    0x0C66, // Telugu
    0x0CE6, // Kannada
    0x0D66, // Malayalam
    0x0DE6, // Sinhala
    0x0E50, // Thai
    0x0ED0, // Lao
    0x0F20, // Tibetan
    0x1040, // Myanmar
    0x1090, // Myanmar Shan
    0x17E0, // Khmer
    0x1810, // Mongolian
    0x1946, // Limbu
    0x19D0, // New Tai Lue
    0x1B50, // Balinese
    0xA8D0, // Saurashtra
    0xA900, // Kayah Li
    0xA9D0, // Javanese
    0xAA50, // Cham
    0xABF0, // Meetei Mayek
    0xFF10, // full-width
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, // mathematical bold, double-struck, sans…
];

/// `c` as an ASCII digit, whatever script it is written in.
fn ascii_digit(c: char) -> Option<char> {
    let code = u32::from(c);
    DIGIT_ZEROES
        .iter()
        .find(|zero| (**zero..**zero + 10).contains(&code))
        .and_then(|zero| char::from_digit(code - zero, 10))
}
