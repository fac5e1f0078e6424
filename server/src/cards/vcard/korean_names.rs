//! Which word of a romanised Korean name is the family name.
//!
//! Koreans write their names in Latin letters either family first, as in Korean ("Hong
//! Gildong"), or given name first for Western readers ("Gildong Hong"); `N` must put each part
//! in its place whichever order the card uses. The family name is recognised by its
//! romanisations: the Revised Romanization of its Hangul (`홍` → `hong`) and the spellings
//! people really use for the common surnames (`이` → Lee, Yi, Rhee…), which the standard
//! romanisation alone would miss.

/// Korean surnames of two syllables; in a four-syllable name they take the first two.
pub(super) const COMPOUND_SURNAMES: [&str; 7] =
    ["남궁", "황보", "제갈", "선우", "독고", "사공", "서문"];

/// The spellings in use beside the Revised Romanization, for the most common surnames
/// (together about nine Koreans in ten), lower case.
const SPELLINGS: &[(&str, &[&str])] = &[
    ("김", &["kim", "gim"]),
    ("이", &["lee", "yi", "rhee", "rhie", "ri", "i", "yee"]),
    ("박", &["park", "pak", "bak", "bark"]),
    ("최", &["choi", "choe", "chey"]),
    ("정", &["jung", "jeong", "chung", "joung", "cheong"]),
    ("강", &["kang", "gang"]),
    ("조", &["cho", "jo", "joe"]),
    ("윤", &["yoon", "yun"]),
    ("장", &["jang", "chang"]),
    ("임", &["lim", "im", "rim", "yim"]),
    ("한", &["han"]),
    ("오", &["oh", "o"]),
    ("서", &["seo", "suh", "so"]),
    ("신", &["shin", "sin"]),
    ("권", &["kwon", "gwon"]),
    ("황", &["hwang"]),
    ("안", &["ahn", "an"]),
    ("송", &["song"]),
    ("류", &["ryu", "yoo", "yu", "you", "ryoo"]),
    ("유", &["yoo", "yu", "you"]),
    ("전", &["jeon", "jun", "chun", "chon"]),
    ("홍", &["hong"]),
    ("고", &["ko", "go", "koh"]),
    ("문", &["moon", "mun"]),
    ("양", &["yang"]),
    ("손", &["son", "sohn"]),
    ("배", &["bae", "pae"]),
    ("백", &["baek", "paik", "baik", "paek"]),
    ("허", &["heo", "hur", "huh"]),
    ("남", &["nam"]),
    ("심", &["shim", "sim"]),
    ("노", &["noh", "no", "roh"]),
    ("하", &["ha"]),
    ("곽", &["kwak", "gwak"]),
    ("성", &["sung", "seong"]),
    ("차", &["cha"]),
    ("주", &["joo", "ju", "choo", "chu"]),
    ("우", &["woo", "u"]),
    ("구", &["koo", "ku", "gu"]),
    ("민", &["min"]),
    ("진", &["jin", "chin"]),
    ("나", &["na", "ra"]),
    ("지", &["ji", "chi"]),
    ("엄", &["eom", "um", "uhm"]),
    ("채", &["chae"]),
    ("원", &["won"]),
    ("천", &["cheon", "chun"]),
    ("방", &["bang"]),
    ("공", &["kong", "gong"]),
    ("현", &["hyun", "hyeon"]),
    ("함", &["ham"]),
    ("변", &["byun", "byeon", "pyun"]),
    ("염", &["yeom", "yum"]),
    ("여", &["yeo", "yuh"]),
    ("추", &["choo", "chu"]),
    ("도", &["do", "doh"]),
    ("석", &["seok", "suk"]),
    ("선", &["sun", "seon"]),
    ("설", &["seol", "sul"]),
    ("길", &["gil", "kil"]),
    ("연", &["yeon", "yun"]),
    ("위", &["wi", "wee"]),
    ("표", &["pyo"]),
    ("명", &["myung", "myeong"]),
    ("기", &["ki", "gi"]),
    ("반", &["ban", "bahn"]),
    ("왕", &["wang"]),
    ("금", &["keum", "geum"]),
    ("육", &["yuk", "yook"]),
    ("남궁", &["namgung", "namkoong", "namkung"]),
    ("황보", &["hwangbo"]),
    ("제갈", &["jegal"]),
    ("선우", &["sunwoo", "seonu", "sunwu"]),
    ("독고", &["dokgo"]),
    ("사공", &["sagong"]),
    ("서문", &["seomun"]),
];

/// Whether `word` spells a Korean family name: `family` (in Hangul) when the card gives it,
/// else any of the common ones. Case, hyphens and apostrophes do not count.
pub(super) fn spells_family_name(word: &str, family: Option<&str>) -> bool {
    let word: String = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if word.is_empty() {
        return false;
    }
    match family {
        Some(family) => {
            revised_romanization(family).is_some_and(|r| r == word)
                || SPELLINGS
                    .iter()
                    .any(|(hangul, spellings)| *hangul == family && spellings.contains(&&*word))
        }
        None => SPELLINGS
            .iter()
            .any(|(_, spellings)| spellings.contains(&&*word)),
    }
}

/// The family name of a name in Hangul: the first syllable, or two for a compound surname in
/// a four-syllable name (`남궁민수`); `None` when the name is not Hangul.
pub(super) fn hangul_family_name(name: &str) -> Option<&str> {
    let name = name.trim();
    let first = name.chars().next().filter(|&c| is_syllable(c))?;
    let unspaced = !name.contains(char::is_whitespace);
    if unspaced
        && name.chars().count() == 4
        && let Some(compound) = COMPOUND_SURNAMES.into_iter().find(|s| name.starts_with(s))
    {
        return Some(&name[..compound.len()]);
    }
    match name.split_once(char::is_whitespace) {
        Some((family, _)) => Some(family),
        None => Some(&name[..first.len_utf8()]),
    }
}

fn is_syllable(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// The Revised Romanization of Korean (2000) of a surname's syllables, lower case, as the
/// syllables are read one by one (no sound changes across them: surnames are short).
pub(super) fn revised_romanization(hangul: &str) -> Option<String> {
    const INITIALS: [&str; 19] = [
        "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t",
        "p", "h",
    ];
    const VOWELS: [&str; 21] = [
        "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo",
        "we", "wi", "yu", "eu", "ui", "i",
    ];
    const FINALS: [&str; 28] = [
        "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p",
        "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
    ];
    let mut out = String::new();
    for c in hangul.chars() {
        if !is_syllable(c) {
            return None;
        }
        let index = c as usize - 0xAC00;
        out.push_str(INITIALS[index / (21 * 28)]);
        out.push_str(VOWELS[index % (21 * 28) / 28]);
        out.push_str(FINALS[index % 28]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revised_romanization_spells_syllables_as_the_standard_does() {
        assert_eq!(revised_romanization("홍").as_deref(), Some("hong"));
        assert_eq!(revised_romanization("김").as_deref(), Some("gim"));
        assert_eq!(revised_romanization("곽").as_deref(), Some("gwak"));
        assert_eq!(revised_romanization("황보").as_deref(), Some("hwangbo"));
        assert_eq!(revised_romanization("Kim"), None);
    }

    #[test]
    fn a_family_name_is_known_by_every_spelling_in_use() {
        assert!(spells_family_name("Hong", Some("홍")));
        assert!(spells_family_name("Lee", Some("이")));
        assert!(spells_family_name("RHEE", Some("이")));
        assert!(!spells_family_name("Gildong", Some("홍")));
        assert!(
            !spells_family_name("Kim", Some("이")),
            "the card's own family name only"
        );
        assert!(spells_family_name("Kim", None));
        assert!(!spells_family_name("Smith", None));
        // Not in the list of spellings: the standard romanisation still finds it.
        assert!(spells_family_name("Maeng", Some("맹")));
    }

    #[test]
    fn the_family_name_of_a_hangul_name() {
        assert_eq!(hangul_family_name("홍길동"), Some("홍"));
        assert_eq!(hangul_family_name("남궁민수"), Some("남궁"));
        assert_eq!(hangul_family_name("선우 재덕"), Some("선우"));
        assert_eq!(hangul_family_name("Hong Gildong"), None);
    }
}
