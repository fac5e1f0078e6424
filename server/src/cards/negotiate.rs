//! Which of a card's languages to show first: `?lang=` if the card has it, else the best match
//! for the browser's `Accept-Language` (RFC 9110 §12.5.4 quality values), else the card's default.

use app::model::Lang;

pub fn choose(
    available: &[Lang],
    query: Option<&str>,
    accept_language: Option<&str>,
    default: Lang,
) -> Lang {
    if let Some(lang) = query
        .and_then(Lang::from_tag)
        .filter(|lang| available.contains(lang))
    {
        return lang;
    }
    if let Some(lang) = accept_language.and_then(|header| best_accepted(available, header)) {
        return lang;
    }
    if available.contains(&default) {
        default
    } else {
        available.first().copied().unwrap_or(default)
    }
}

fn best_accepted(available: &[Lang], header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, u16)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let quality = parts
            .find_map(|param| param.trim().strip_prefix("q="))
            .map(parse_quality)
            .unwrap_or(1000);
        let Some(lang) = Lang::from_tag(tag).filter(|lang| available.contains(lang)) else {
            continue;
        };
        // Ties keep the earlier entry: the browser lists its favourites first.
        if quality > 0 && best.is_none_or(|(_, best_quality)| quality > best_quality) {
            best = Some((lang, quality));
        }
    }
    best.map(|(lang, _)| lang)
}

/// `0.8` → 800, in thousandths, so no floats; anything unreadable counts as 0 (not acceptable).
fn parse_quality(text: &str) -> u16 {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole: u16 = match whole {
        "0" => 0,
        "1" => 1,
        _ => return 0,
    };
    let digits: String = fraction.chars().take(3).collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return 0;
    }
    let fraction: u16 = format!("{digits:0<3}").parse().unwrap_or(0);
    (whole * 1000 + fraction).min(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Lang; 4] = Lang::ALL;

    #[test]
    fn query_wins_when_the_card_has_it() {
        assert_eq!(choose(&ALL, Some("en"), Some("ja"), Lang::Ko), Lang::En);
        assert_eq!(choose(&[Lang::Ko], Some("en"), None, Lang::Ko), Lang::Ko);
    }

    #[test]
    fn accept_language_quality_decides() {
        assert_eq!(
            choose(&ALL, None, Some("fr;q=1, ja;q=0.5, en;q=0.8"), Lang::Ko),
            Lang::En
        );
        assert_eq!(
            choose(&ALL, None, Some("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Ko),
            Lang::Zh
        );
        assert_eq!(choose(&ALL, None, Some("en;q=0"), Lang::Ko), Lang::Ko);
    }

    #[test]
    fn falls_back_to_default_then_first() {
        assert_eq!(choose(&ALL, None, Some("fr"), Lang::Ja), Lang::Ja);
        assert_eq!(
            choose(&[Lang::En, Lang::Zh], None, None, Lang::Ko),
            Lang::En
        );
    }

    #[test]
    fn odd_quality_values_do_not_panic() {
        assert_eq!(parse_quality("0.8"), 800);
        assert_eq!(parse_quality("1"), 1000);
        assert_eq!(parse_quality("2"), 0);
        assert_eq!(parse_quality("0.x"), 0);
        assert_eq!(parse_quality(""), 0);
    }
}
