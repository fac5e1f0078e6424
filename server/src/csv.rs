//! CSV (RFC 4180) fields for the exports: call records and the Guild's statement.

/// Quotes a field holding a comma, quote or line break; and defuses spreadsheet formulas
/// (a leading `=`, `+`, `-`, `@`), since exports hold text typed by strangers (numbers,
/// notes). `+` followed by digits only is a phone number and stays as it is.
pub fn field(field: &str) -> String {
    let defused = match field.chars().next() {
        Some('=' | '-' | '@') => format!("'{field}"),
        Some('+') if !field[1..].chars().all(|c| c.is_ascii_digit()) => format!("'{field}"),
        _ => field.to_string(),
    };
    if defused.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}
