//! libphonenumber's numbering plans, read the way libphonenumber reads them: which numbers
//! exist and of what kind, how a typed number loses its international and national prefixes,
//! and how it is written for people.
//!
//! The `phonenumber` crate (0.3.10) takes a number as matching a plan's pattern when the
//! pattern matches only its *start* (`Descriptor::is_match` checks where a match begins, not
//! where it ends), so `02-1234-56789` passed as a Seoul landline and `080-1234-56789` as
//! toll-free (issue 10); its national-prefix stripping checks the wrong remainder, so
//! `+86 131…` lost its `1`. We use only the crate's metadata and do here what libphonenumber
//! does (`parseHelper`, `maybeStripNationalPrefixAndCarrierCode`, `getNumberTypeHelper`,
//! `getRegionCodeForNumber`, `format(INTERNATIONAL)`): every pattern anchored as libphonenumber
//! anchors it (`matches` at both ends, `lookingAt` at the start), each region's compiled once
//! on first use.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use phonenumber::metadata::{DATABASE, Descriptor, Format, Metadata};
use regex::{Regex, RegexBuilder};

use super::NumberKind;

/// One plan's pattern, as libphonenumber's `isNumberMatchingDesc` uses it.
struct Pattern {
    whole: Regex,
    possible_lengths: Vec<u16>,
}

/// `source` (a metadata pattern) matched whole, or (`lookingAt`) from the start.
fn anchored(source: &str, whole: bool) -> Regex {
    let end = if whole { "$" } else { "" };
    // The metadata's patterns are laid out over lines, as the crate compiles them.
    RegexBuilder::new(&format!("^(?:{source}){end}"))
        .ignore_whitespace(true)
        .build()
        .expect("a pattern that compiled unanchored compiles anchored")
}

/// libphonenumber's `$1` replacements in the `regex` crate's spelling, `${1}`.
fn replacement(format: &str) -> String {
    let mut out = String::with_capacity(format.len() + 4);
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('$', Some(d)) if d.is_ascii_digit() => {
                out.push_str("${");
                out.push(*d);
                out.push('}');
                chars.next();
            }
            ('$', _) => out.push_str("$$"),
            _ => out.push(c),
        }
    }
    out
}

impl Pattern {
    fn new(descriptor: &Descriptor) -> Pattern {
        Pattern {
            whole: anchored(descriptor.national_number().as_str(), true),
            possible_lengths: descriptor.possible_length().to_vec(),
        }
    }

    fn matches(&self, national: &str) -> bool {
        let length_possible = self.possible_lengths.is_empty()
            || u16::try_from(national.len()).is_ok_and(|n| self.possible_lengths.contains(&n));
        length_possible && self.whole.is_match(national)
    }
}

/// One way of writing numbers (`$1-$2-$3` for numbers of a pattern and leading digits).
struct Layout {
    leading_digits: Option<Regex>,
    pattern: Regex,
    replacement: String,
}

impl Layout {
    fn new(format: &Format) -> Layout {
        Layout {
            leading_digits: format
                .leading_digits()
                .last()
                .map(|leading| anchored(leading.as_str(), false)),
            pattern: anchored(format.pattern().as_str(), true),
            replacement: replacement(format.format()),
        }
    }

    /// libphonenumber's `chooseFormattingPatternForNumber`.
    fn fits(&self, national: &str) -> bool {
        self.leading_digits
            .as_ref()
            .is_none_or(|leading| leading.is_match(national))
            && self.pattern.is_match(national)
    }
}

/// A region's plan: its patterns in the order libphonenumber tries them.
struct Plan {
    general: Pattern,
    /// The lengths of all its numbers, and of those dialled only locally (libphonenumber
    /// computes the general description's from the types' when it builds its metadata).
    possible_lengths: Vec<u16>,
    local_lengths: Vec<u16>,
    international_prefix: Option<Regex>,
    /// `lookingAt`, with the groups the transform rule refers to.
    national_prefix: Option<Regex>,
    national_prefix_transform: Option<String>,
    /// For `+82 2-556-1234`: the international layouts, else the national ones.
    international_layouts: Vec<Layout>,
    /// Premium rate first: a number in two sets is refused rather than called cheaply.
    special: Vec<(NumberKind, Pattern)>,
    fixed_line: Option<Pattern>,
    mobile: Option<Pattern>,
    /// Regions (the US, Canada…) whose landline and mobile numbers cannot be told apart.
    same_fixed_line_and_mobile: bool,
}

impl Plan {
    fn new(meta: &Metadata) -> Plan {
        let d = meta.descriptors();
        let special = [
            (NumberKind::PremiumRate, d.premium_rate()),
            (NumberKind::TollFree, d.toll_free()),
            (NumberKind::SharedCost, d.shared_cost()),
            (NumberKind::Voip, d.voip()),
            (NumberKind::PersonalNumber, d.personal_number()),
            (NumberKind::Pager, d.pager()),
            (NumberKind::Uan, d.uan()),
            (NumberKind::Voicemail, d.voicemail()),
        ]
        .into_iter()
        .filter_map(|(kind, descriptor)| descriptor.map(|d| (kind, Pattern::new(d))))
        .collect();
        let pattern_of =
            |d: Option<&Descriptor>| d.map(|d| d.national_number().as_str().to_owned());
        let types = [
            d.fixed_line(),
            d.mobile(),
            d.toll_free(),
            d.premium_rate(),
            d.shared_cost(),
            d.personal_number(),
            d.voip(),
            d.pager(),
            d.uan(),
            d.voicemail(),
        ];
        let union = |lengths: fn(&Descriptor) -> &[u16]| {
            let mut all: Vec<u16> = types
                .iter()
                .flatten()
                .flat_map(|d| lengths(d))
                .copied()
                .collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        let national_prefix = match (meta.national_prefix_for_parsing(), meta.national_prefix()) {
            (Some(parsing), _) => Some(anchored(parsing.as_str(), false)),
            (None, Some(prefix)) => Some(anchored(&regex::escape(prefix), false)),
            (None, None) => None,
        };
        let layouts = match meta.international_formats() {
            [] => meta.formats(),
            international => international,
        };
        Plan {
            general: Pattern::new(d.general()),
            possible_lengths: union(Descriptor::possible_length),
            local_lengths: union(Descriptor::possible_local_length),
            international_prefix: meta
                .international_prefix()
                .map(|idd| anchored(idd.as_str(), false)),
            national_prefix,
            national_prefix_transform: meta.national_prefix_transform_rule().map(replacement),
            international_layouts: layouts.iter().map(Layout::new).collect(),
            special,
            fixed_line: d.fixed_line().map(Pattern::new),
            mobile: d.mobile().map(Pattern::new),
            same_fixed_line_and_mobile: pattern_of(d.fixed_line()).is_some()
                && pattern_of(d.fixed_line()) == pattern_of(d.mobile()),
        }
    }

    /// libphonenumber's `maybeStripNationalPrefixAndCarrierCode`: `number` without its
    /// national (or carrier) prefix — unless the prefix was part of a number that existed
    /// only with it.
    fn strip_national_prefix(&self, number: &str) -> String {
        let Some(prefix) = &self.national_prefix else {
            return number.to_owned();
        };
        let Some(captures) = prefix.captures(number) else {
            return number.to_owned();
        };
        let viable = self.general.whole.is_match(number);
        let last_group = captures
            .get(captures.len() - 1)
            .filter(|_| captures.len() > 1);
        let stripped = match (&self.national_prefix_transform, last_group) {
            (Some(transform), Some(_)) => {
                prefix.replacen(number, 1, transform.as_str()).into_owned()
            }
            _ => number[captures.get(0).map_or(0, |m| m.end())..].to_owned(),
        };
        if viable && !self.general.whole.is_match(&stripped) {
            return number.to_owned();
        }
        stripped
    }

    /// libphonenumber's `testNumberLength` for any type.
    fn length(&self, number: &str) -> Length {
        let length = u16::try_from(number.len()).unwrap_or(u16::MAX);
        match (self.possible_lengths.first(), self.possible_lengths.last()) {
            _ if self.local_lengths.contains(&length) => Length::LocalOnly,
            (Some(&shortest), _) if length < shortest => Length::TooShort,
            (_, Some(&longest)) if length > longest => Length::TooLong,
            (Some(_), Some(_)) if self.possible_lengths.contains(&length) => Length::Possible,
            _ => Length::Invalid,
        }
    }

    /// The kind of `national` in this plan; `None` when it is no number of the plan.
    fn kind(&self, national: &str) -> Option<NumberKind> {
        if !self.general.matches(national) {
            return None;
        }
        if let Some((kind, _)) = self.special.iter().find(|(_, p)| p.matches(national)) {
            return Some(*kind);
        }
        let is = |pattern: &Option<Pattern>| pattern.as_ref().is_some_and(|p| p.matches(national));
        if is(&self.fixed_line) {
            return Some(if self.same_fixed_line_and_mobile || is(&self.mobile) {
                NumberKind::FixedLineOrMobile
            } else {
                NumberKind::FixedLine
            });
        }
        if !self.same_fixed_line_and_mobile && is(&self.mobile) {
            return Some(NumberKind::Mobile);
        }
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    Possible,
    LocalOnly,
    TooShort,
    TooLong,
    Invalid,
}

/// Every region's plan, compiled when a number of that region is first looked at. Keyed by
/// country code and region id: non-geographic codes (`+800`, `+882`…) all have the id `001`.
/// A region's metadata and, once compiled, its plan.
type PlanSlot = (&'static Metadata, OnceLock<Plan>);

static PLANS: LazyLock<HashMap<(u16, &'static str), PlanSlot>> = LazyLock::new(|| {
    // `Database::iter` leaves out the non-geographic plans; `by_code` has them.
    let non_geographic = (1..=999u16)
        .filter(|code| {
            DATABASE
                .region(code)
                .is_some_and(|r| r.as_slice() == ["001"])
        })
        .filter_map(|code| DATABASE.by_code(&code))
        .flatten();
    DATABASE
        .iter()
        .chain(non_geographic)
        .map(|meta| ((meta.country_code(), meta.id()), (meta, OnceLock::new())))
        .collect()
});

fn plan(code: u16, id: &'static str) -> Option<&'static Plan> {
    let (meta, plan) = PLANS.get(&(code, id))?;
    Some(plan.get_or_init(|| Plan::new(meta)))
}

/// The main region's plan for a country code (`+1`: the US), as libphonenumber picks it.
fn main_plan(code: u16) -> Option<&'static Plan> {
    let region = *DATABASE.region(&code)?.first()?;
    plan(code, region)
}

/// Why typed digits are no number at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Misread {
    /// No country has the code after `+` or the international prefix.
    UnknownCountryCode,
    /// Fewer than 2 or more than 17 digits left for the national number.
    WrongLength,
}

/// Shortest and longest national significant numbers libphonenumber parses.
const NATIONAL_LENGTHS: std::ops::RangeInclusive<usize> = 2..=17;
/// Country codes have one to three digits.
const MAX_COUNTRY_CODE: usize = 3;

/// libphonenumber's `parseHelper` for digits typed in `home` (ASCII digits, `+` first when
/// typed): the country code and the national significant number.
pub(super) fn read(typed: &str, home: phonenumber::country::Id) -> Result<(u16, String), Misread> {
    let home_meta = DATABASE
        .by_id(home.as_ref())
        .expect("the installation's region is in the metadata");
    let home_code = home_meta.country_code();
    let home_plan = plan(home_code, home_meta.id()).expect("every region has a plan");
    let international = match typed.strip_prefix('+') {
        Some(rest) => Some(rest),
        None => home_plan
            .international_prefix
            .as_ref()
            .and_then(|idd| idd.find(typed))
            .map(|idd| &typed[idd.end()..])
            // Country codes never start with 0: then the prefix was part of the number.
            .filter(|rest| !rest.starts_with('0')),
    };
    let (code, national, plan) = match international {
        Some(rest) => {
            if rest.len() <= *NATIONAL_LENGTHS.start() {
                return Err(Misread::WrongLength);
            }
            if rest.starts_with('0') {
                return Err(Misread::UnknownCountryCode);
            }
            let (code, national) = (1..=MAX_COUNTRY_CODE.min(rest.len()))
                .find_map(|len| {
                    let code: u16 = rest[..len].parse().ok()?;
                    DATABASE.region(&code).map(|_| (code, &rest[len..]))
                })
                .ok_or(Misread::UnknownCountryCode)?;
            let plan = main_plan(code).ok_or(Misread::UnknownCountryCode)?;
            (code, national.to_owned(), plan)
        }
        None => (
            home_code,
            home_country_code_dropped(typed, home_code, home_plan),
            home_plan,
        ),
    };
    let stripped = plan.strip_national_prefix(&national);
    let national = match plan.length(&stripped) {
        Length::TooShort | Length::LocalOnly => national,
        Length::Possible | Length::TooLong | Length::Invalid => stripped,
    };
    if !NATIONAL_LENGTHS.contains(&national.len()) {
        return Err(Misread::WrongLength);
    }
    Ok((code, national))
}

/// libphonenumber's `maybeExtractCountryCode` for a number without `+`: `822…` typed in Korea
/// is `+82 2…` when that reads as a number and the digits as typed do not.
fn home_country_code_dropped(typed: &str, home_code: u16, plan: &Plan) -> String {
    let code = home_code.to_string();
    if let Some(rest) = typed.strip_prefix(code.as_str()) {
        let rest_stripped = plan.strip_national_prefix(rest);
        let reads_better =
            !plan.general.whole.is_match(typed) && plan.general.whole.is_match(&rest_stripped);
        if reads_better || plan.length(typed) == Length::TooLong {
            return rest_stripped;
        }
    }
    typed.to_owned()
}

/// `+82 2-556-1234`: libphonenumber's `format(number, INTERNATIONAL)`.
pub(super) fn international(code: u16, national: &str) -> String {
    let layout = main_plan(code).and_then(|plan| {
        plan.international_layouts
            .iter()
            .find(|layout| layout.fits(national))
    });
    match layout {
        Some(layout) => format!(
            "+{code} {}",
            layout
                .pattern
                .replace(national, layout.replacement.as_str())
        ),
        None => format!("+{code} {national}"),
    }
}

/// What a number with country code `code` and national significant number `national` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Classified {
    pub kind: NumberKind,
    /// ISO 3166 region; `None` for non-geographic numbers (`+800`…).
    pub region: Option<String>,
}

/// `None` when the number exists in no region of its country code.
pub(super) fn classify(code: u16, national: &str) -> Option<Classified> {
    let regions = DATABASE.region(&code)?;
    let region = match regions.as_slice() {
        [only] => *only,
        several => several.iter().copied().find(|id| {
            let Some((meta, _)) = PLANS.get(&(code, *id)) else {
                return false;
            };
            match meta.leading_digits() {
                // `lookingAt`: a prefix match is what leading digits mean.
                Some(leading) => leading.find(national).is_some_and(|m| m.start() == 0),
                None => plan(code, id).is_some_and(|plan| plan.kind(national).is_some()),
            }
        })?,
    };
    let kind = plan(code, region)?.kind(national)?;
    Some(Classified {
        kind,
        region: (region != "001").then(|| region.to_owned()),
    })
}
