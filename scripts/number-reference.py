#!/usr/bin/env python3
"""What an independent libphonenumber makes of numbers as callers type them (issue 10).

Python's `phonenumbers` (a port of Google's libphonenumber, pinned to the metadata version of
the Rust `phonenumber` crate in Cargo.lock) judges a corpus of typed numbers: real examples of
every type in many regions, the same numbers one digit too long or too short, with a digit
changed, written with the installation's international prefixes, and digit strings a caller
might type in Korea. `server/src/calls/number/tests.rs` holds our parser to every verdict.

    scripts/number-reference.py            # rewrites server/src/calls/number/reference.tsv
    scripts/number-reference.py --check    # fails if the file is not what phonenumbers says
"""

import random
import sys
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberType as T

REFERENCE = Path(__file__).resolve().parent.parent / "server/src/calls/number/reference.tsv"
VERSION = "9.0.33"

KINDS = {
    T.FIXED_LINE: "fixed_line",
    T.MOBILE: "mobile",
    T.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    T.TOLL_FREE: "toll_free",
    T.PREMIUM_RATE: "premium_rate",
    T.SHARED_COST: "shared_cost",
    T.VOIP: "voip",
    T.PERSONAL_NUMBER: "personal_number",
    T.PAGER: "pager",
    T.UAN: "uan",
    T.VOICEMAIL: "voicemail",
    T.UNKNOWN: "unknown",
}

# The regions whose numbers callcard's first users call most, and a spread of numbering plans.
REGIONS = ["KR", "US", "JP", "CN", "TW", "HK", "GB", "DE", "FR", "IT", "ES", "NL", "AU",
           "IN", "BR", "MX", "CA", "SG", "VN", "TH", "PH", "ID", "MY", "RU", "AR", "ZA"]
# Where the typed number is read: Korea (the default installation) and two others.
HOMES = ["KR", "JP", "US"]
# The issue's own examples: numbers that do not exist, shown as real by the old parser.
NAMED = ["02-1234-56789", "080-1234-56789", "02-3456-1234", "010-1234-5678", "0255201115",
         "060-700-1234", "080-123-4567", "02-123-4567", "031-123-45678", "1588-1234",
         "+82 2 3456 1234", "001 1 650 253 0000", "002-81-3-3224-5000", "+44 20 7946 0958",
         "00700 1 212 555 0100", "070-1234-5678", "050-1234-5678", "+800 1234 5678"]


def typed_forms(region, national_number, rng):
    """How a caller might type one number: international, national, with a digit changed."""
    number = phonenumbers.parse("+%d%s" % (phonenumbers.country_code_for_region(region),
                                           national_number))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    forms = [e164, e164 + "1", e164 + "12", e164[:-1], e164[:-2]]
    changed = list(e164)
    position = rng.randrange(3, len(changed))
    changed[position] = str((int(changed[position]) + rng.randrange(1, 10)) % 10)
    forms.append("".join(changed))
    forms.append("+%d %s" % (number.country_code, national_number))
    forms.append("00%d %s" % (number.country_code, national_number))
    forms.append("001 %d %s" % (number.country_code, national_number))
    if region in HOMES:
        forms += [national, national.replace(" ", "") + "5", national[:-1]]
    return forms


def corpus():
    rng = random.Random(20261201)
    inputs = [(home, text) for home in HOMES for text in NAMED]
    for region in REGIONS:
        for kind in KINDS:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            national = phonenumbers.national_significant_number(example)
            for text in typed_forms(region, national, rng):
                inputs.append((rng.choice(HOMES), text))
    # Digit strings a caller in Korea might type: 0 + 6 to 11 digits.
    for _ in range(600):
        length = rng.randrange(7, 13)
        digits = "0" + "".join(rng.choice("0123456789") for _ in range(length - 1))
        inputs.append(("KR", digits))
    # The same numbers as people type them on phones: full-width digits and dashes, NBSP.
    full_width = str.maketrans("0123456789-+", "０１２３４５６７８９－＋")
    for home, text in list(inputs[:len(HOMES) * len(NAMED)]):
        inputs.append((home, text.translate(full_width)))
        inputs.append((home, text.replace(" ", "\u00a0").replace("-", "\u2010")))
    seen, unique = set(), []
    for item in inputs:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique


def verdict(home, text):
    try:
        number = phonenumbers.parse(text, home)
    except phonenumbers.NumberParseException:
        return "invalid\t\t\t\t"
    if not phonenumbers.is_valid_number(number):
        return "invalid\t\t\t\t"
    region = phonenumbers.region_code_for_number(number) or ""
    return "valid\t%s\t%s\t%s\t%s" % (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        KINDS[phonenumbers.number_type(number)],
        "" if region == "001" else region,
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
    )


def render():
    lines = ["# home\ttyped\tverdict\te164\tkind\tregion\tinternational (phonenumbers %s, %s)"
             % (VERSION, "scripts/number-reference.py")]
    for home, text in corpus():
        lines.append("%s\t%s\t%s" % (home, text, verdict(home, text)))
    return "\n".join(lines) + "\n"


def main():
    if phonenumbers.__version__ != VERSION:
        sys.exit("phonenumbers %s is installed; the reference is made with %s"
                 % (phonenumbers.__version__, VERSION))
    text = render()
    if sys.argv[1:] == ["--check"]:
        if REFERENCE.read_text(encoding="utf-8") != text:
            sys.exit("%s is not what phonenumbers %s says: run scripts/number-reference.py"
                     % (REFERENCE, VERSION))
        print("number reference: the %d verdicts are phonenumbers %s's"
              % (text.count("\n") - 1, VERSION))
    else:
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        REFERENCE.write_text(text, encoding="utf-8")
        print("wrote %s (%d numbers)" % (REFERENCE, text.count("\n") - 1))


if __name__ == "__main__":
    main()
