//! vCard bytes → logical content lines with their values as text.
//!
//! Work is done on bytes until each value is decoded, because what phones and mail programs
//! export is not always UTF-8 text: vCard 2.1 (Android, Samsung, Outlook) marks values
//! `ENCODING=QUOTED-PRINTABLE` and `CHARSET=…` (Shift_JIS from Japanese phones, EUC-KR,
//! GB2312…), quoted-printable values continue on the next line after a soft break `=`, and some
//! writers fold lines at 75 octets in the middle of a UTF-8 sequence. So lines are unfolded as
//! bytes, a value's transfer encoding undone, and only then are its bytes decoded in the
//! character set the line names; a value that cannot be decoded is refused, never guessed.
//!
//! Only the properties import reads are decoded (`DECODED`): a photo's kilobytes of base64 are
//! split off and dropped, never copied into text.

use base64::Engine;
use encoding_rs::{Encoding, UTF_8};

use super::VCardError;
use super::import::ContentLine;

/// The properties whose values import uses; the values of all others are left empty.
const DECODED: &[&str] = &[
    "VERSION",
    "FN",
    "N",
    "ORG",
    "TITLE",
    "ADR",
    "NOTE",
    "TEL",
    "EMAIL",
    "URL",
    "SOURCE",
    "X-ABLABEL",
    "X-PHONETIC-LAST-NAME",
    "X-PHONETIC-FIRST-NAME",
    "SOUND",
];

/// The unfolded content lines between the first `BEGIN:VCARD` and its `END:VCARD`, at most
/// `max_lines` of them (more is `TooManyProperties`), each with its value decoded.
pub(super) fn content_lines(
    bytes: &[u8],
    max_lines: usize,
) -> Result<Vec<ContentLine>, VCardError> {
    let document = Document::read(bytes);
    let physical = physical_lines(&document.bytes);
    let is = |line: &[u8], marker: &str| line.trim_ascii().eq_ignore_ascii_case(marker.as_bytes());
    let begin = physical
        .iter()
        .position(|l| is(l, "BEGIN:VCARD"))
        .ok_or(VCardError::NotAVCard)?;
    let body = &physical[begin + 1..];
    let end = body
        .iter()
        .position(|l| is(l, "END:VCARD"))
        .ok_or(VCardError::Unterminated)?;
    let body = &body[..end];
    let logical = unfold(body, Folding::of(body));
    if logical.len() > max_lines {
        return Err(VCardError::TooManyProperties { max: max_lines });
    }
    logical
        .iter()
        .filter_map(|line| RawLine::split(line))
        .map(|raw| raw.decode(document.charsets))
        .collect()
}

/// The whole file: UTF-8 with or without a byte-order mark, or UTF-16 with one (Windows tools).
struct Document<'a> {
    bytes: std::borrow::Cow<'a, [u8]>,
    charsets: Charsets,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Charsets {
    /// Each line's `CHARSET` (UTF-8 when it names none) says how its value is encoded.
    PerLine,
    /// The file was UTF-16 and is already text: a line's `CHARSET` describes the original.
    AlreadyDecoded,
}

impl<'a> Document<'a> {
    fn read(bytes: &'a [u8]) -> Document<'a> {
        match Encoding::for_bom(bytes) {
            Some((encoding, bom)) if encoding != UTF_8 => {
                let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
                Document {
                    bytes: text.into_owned().into_bytes().into(),
                    charsets: Charsets::AlreadyDecoded,
                }
            }
            Some((_, bom)) => Document {
                bytes: bytes[bom..].into(),
                charsets: Charsets::PerLine,
            },
            None => Document {
                bytes: bytes.into(),
                charsets: Charsets::PerLine,
            },
        }
    }
}

/// Lines broken by CRLF, LF or CR.
fn physical_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\r' => {
                lines.push(&bytes[start..index]);
                if bytes.get(index + 1) == Some(&b'\n') {
                    index += 1;
                }
                start = index + 1;
            }
            b'\n' => {
                lines.push(&bytes[start..index]);
                start = index + 1;
            }
            _ => {}
        }
        index += 1;
    }
    lines.push(&bytes[start..]);
    lines
}

/// How a line that starts with a space or a tab continues the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Folding {
    /// vCard 3.0 and 4.0 (RFC 6350 §3.2): the line break and that one character are removed.
    DropWhitespace,
    /// vCard 2.1, like RFC 822 which it follows: lines are folded before a space, and only the
    /// line break is removed (`Hong` + ` Gildong` is `Hong Gildong`).
    KeepWhitespace,
}

impl Folding {
    /// From the `VERSION` line, which in every exporter is a line of its own (never folded).
    fn of(body: &[&[u8]]) -> Folding {
        let version_2_1 = body.iter().any(|line| {
            let line = line.trim_ascii();
            line.len() > 8
                && line[..8].eq_ignore_ascii_case(b"VERSION:")
                && line[8..].trim_ascii() == b"2.1"
        });
        if version_2_1 {
            Folding::KeepWhitespace
        } else {
            Folding::DropWhitespace
        }
    }
}

/// Physical lines → logical lines, as bytes so that a fold inside a UTF-8 (or Shift_JIS)
/// sequence joins it back whole. A quoted-printable value that ends in a soft line break (`=`)
/// continues on the next line, whatever that line starts with (vCard 2.1 exports).
pub(super) fn unfold(physical: &[&[u8]], folding: Folding) -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    // Whether the last logical line is quoted-printable: read once per line, from its header.
    let mut last_is_quoted_printable = None;
    for line in physical {
        let continues_fold = matches!(line.first(), Some(b' ' | b'\t'));
        let Some(previous) = lines.last_mut() else {
            lines.push(line.to_vec());
            continue;
        };
        let soft_break = previous.last() == Some(&b'=')
            && *last_is_quoted_printable.get_or_insert_with(|| is_quoted_printable(previous));
        if soft_break {
            previous.pop();
            previous.extend_from_slice(line);
        } else if continues_fold {
            let continuation = match folding {
                Folding::DropWhitespace => &line[1..],
                Folding::KeepWhitespace => line,
            };
            previous.extend_from_slice(continuation);
        } else {
            lines.push(line.to_vec());
            last_is_quoted_printable = None;
        }
    }
    lines
}

fn is_quoted_printable(line: &[u8]) -> bool {
    RawLine::split(line).is_some_and(|raw| raw.header().transfer() == Transfer::QuotedPrintable)
}

/// A logical line cut at the colon that ends its header (parameters may quote a colon).
struct RawLine<'a> {
    header: String,
    value: &'a [u8],
}

impl<'a> RawLine<'a> {
    fn split(line: &'a [u8]) -> Option<RawLine<'a>> {
        // Headers are ASCII in every version; in the character sets vCards use, no byte of a
        // multi-byte character is `"`, `;` or `:`, so the cut is safe before decoding.
        let mut quoted = false;
        let colon = line.iter().position(|&byte| match byte {
            b'"' => {
                quoted = !quoted;
                false
            }
            b':' => !quoted,
            _ => false,
        })?;
        Some(RawLine {
            header: String::from_utf8_lossy(&line[..colon]).into_owned(),
            value: &line[colon + 1..],
        })
    }

    /// The header parsed, with the value still to decode.
    fn header(&self) -> ContentLine {
        ContentLine::parse_header(&self.header)
    }

    fn decode(self, charsets: Charsets) -> Result<ContentLine, VCardError> {
        let mut line = self.header();
        if !DECODED.contains(&line.name.as_str()) {
            return Ok(line);
        }
        let bytes = match line.transfer() {
            Transfer::None => self.value.to_vec(),
            Transfer::QuotedPrintable => decode_quoted_printable(self.value),
            Transfer::Base64 => {
                let compact: Vec<u8> = self
                    .value
                    .iter()
                    .copied()
                    .filter(|b| !b.is_ascii_whitespace())
                    .collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .map_err(|_| VCardError::BadEncoding {
                        property: line.name.clone(),
                    })?
            }
        };
        let charset = line.param("CHARSET").next().map(str::to_string);
        line.value = match (charsets, charset) {
            (Charsets::PerLine, Some(label)) => {
                let encoding = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
                    VCardError::UnknownCharset {
                        name: printable(&label),
                    }
                })?;
                decode_strictly(encoding, &bytes).ok_or_else(|| VCardError::Undecodable {
                    property: line.name.clone(),
                    charset: encoding.name().to_string(),
                })?
            }
            _ => decode_strictly(UTF_8, &bytes).ok_or_else(|| VCardError::NotUtf8 {
                property: line.name.clone(),
            })?,
        };
        // Quoted-printable line breaks (`=0D=0A`) are CRLF; the card keeps `\n`.
        if line.value.contains('\r') {
            line.value = line.value.replace("\r\n", "\n").replace('\r', "\n");
        }
        Ok(line)
    }
}

/// Text in `encoding`, or `None` if any byte sequence is not valid in it.
fn decode_strictly(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
}

/// Echoed to a person: short and printable.
pub(super) fn printable(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(24)
        .collect()
}

/// How a value is carried on the line (vCard 2.1 `ENCODING`, 3.0 `ENCODING=b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Transfer {
    None,
    QuotedPrintable,
    Base64,
}

impl ContentLine {
    /// `ENCODING=QUOTED-PRINTABLE`, or 2.1's bare `QUOTED-PRINTABLE` (read as a `TYPE`).
    pub(super) fn transfer(&self) -> Transfer {
        let named = |value: &str| {
            self.param("ENCODING")
                .chain(self.param("TYPE"))
                .any(|v| v.trim().eq_ignore_ascii_case(value))
        };
        if named("QUOTED-PRINTABLE") {
            Transfer::QuotedPrintable
        } else if named("BASE64") || self.param("ENCODING").any(|v| v.eq_ignore_ascii_case("b")) {
            Transfer::Base64
        } else {
            Transfer::None
        }
    }
}

/// RFC 2045 §6.7: `=XX` is a byte; a soft break was removed while unfolding. A malformed
/// `=` is kept as it is, as the RFC recommends for a robust decoder.
pub(super) fn decode_quoted_printable(value: &[u8]) -> Vec<u8> {
    let hex = |byte: u8| (byte as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(value.len());
    let mut index = 0;
    while index < value.len() {
        let byte = value[index];
        let pair = (byte == b'=')
            .then(|| Some((hex(*value.get(index + 1)?)?, hex(*value.get(index + 2)?)?)))
            .flatten();
        match pair {
            Some((high, low)) => {
                out.push(high << 4 | low);
                index += 3;
            }
            None => {
                out.push(byte);
                index += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_decodes_bytes_and_keeps_malformed_escapes() {
        assert_eq!(decode_quoted_printable(b"=ED=99=8D"), "홍".as_bytes());
        assert_eq!(decode_quoted_printable(b"a=3Db=0D=0Ac"), b"a=b\r\nc");
        assert_eq!(decode_quoted_printable(b"100=% =G1="), b"100=% =G1=");
    }

    #[test]
    fn a_fold_inside_a_multi_byte_character_joins_it_back() {
        let name = "FN:홍길동".as_bytes();
        // Cut inside 길's three bytes.
        let (first, rest) = name.split_at(7);
        let continuation = [b" ".as_slice(), rest].concat();
        let lines = unfold(&[first, &continuation], Folding::DropWhitespace);
        assert_eq!(lines, vec![name.to_vec()]);
    }

    #[test]
    fn a_quoted_printable_soft_break_continues_the_value() {
        let lines = unfold(
            &[
                b"NOTE;ENCODING=QUOTED-PRINTABLE:=E3=81=82=",
                b"=E3=81=84",
                b"TITLE:x=",
                b"TEL:1",
            ],
            Folding::KeepWhitespace,
        );
        assert_eq!(
            lines,
            vec![
                b"NOTE;ENCODING=QUOTED-PRINTABLE:=E3=81=82=E3=81=84".to_vec(),
                // Not quoted-printable: `=` is text and the next line is a line of its own.
                b"TITLE:x=".to_vec(),
                b"TEL:1".to_vec(),
            ]
        );
    }

    #[test]
    fn version_2_1_keeps_the_space_a_fold_was_made_before() {
        let physical: [&[u8]; 3] = [b"VERSION:2.1", b"FN:Hong", b" Gildong"];
        assert_eq!(Folding::of(&physical), Folding::KeepWhitespace);
        assert_eq!(
            unfold(&physical, Folding::KeepWhitespace)[1],
            b"FN:Hong Gildong".to_vec()
        );
        let physical: [&[u8]; 2] = [b"VERSION:3.0", b"FN:Hong"];
        assert_eq!(Folding::of(&physical), Folding::DropWhitespace);
    }
}
