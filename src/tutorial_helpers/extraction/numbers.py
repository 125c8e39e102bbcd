"""Numbers written in words, ordinals and money amounts.

``"twenty-five"`` -> ``25``, ``"a dozen"`` -> ``12``, ``"four hundred"`` -> ``400``,
``"eightieth"`` -> ``"80th"``, ``"$1,200"`` / ``"1.2k"`` -> ``1200.0``. Only the ``full`` level
rewrites words into digits; the ``small`` level reads digits only.
"""

from __future__ import annotations

import re

from tutorial_helpers.extraction.text import Text

UNITS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES: dict[str, int] = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
ORDINAL_UNITS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
}
ORDINAL_TENS: dict[str, int] = {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}
MONTH_WORDS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
               "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
#: nouns after which a lone "one" is a count ("one week", "one guest"); elsewhere "one" is a pronoun
_ONE_NOUNS = r"(?:years?|weeks?|days?|months?|guests?|persons?|people|kids?|child|friends?|adults?|dollars?)"

#: words after which a lone "one" is an age ("turns one", "she'll be one")
_ONE_AGE_BEFORE = re.compile(r"\b(?:turns|turning|turned|be|aged|age|is)\s+$")
_WORD = "|".join(sorted([*UNITS, *TENS, *SCALES, "dozen"], key=len, reverse=True))
_NUMBER_WORDS = re.compile(
    rf"\b(?:(?:a|an|half\s+a)\s+(?=(?:dozen|hundred|thousand)\b)|\d+(?:\.\d+)?\s+(?=(?:dozen|hundred|thousand|million|billion)\b))?"
    rf"(?:{_WORD})(?:(?:(?:(?<=hundred)|(?<=thousand)|(?<=million)|(?<=billion))\s+and\s+|\s+|-)(?:{_WORD}))*\b"
)
_ORDINAL_WORDS = re.compile(
    rf"\b(?:(?P<tens>{'|'.join(TENS)})[\s-])?(?P<unit>{'|'.join(ORDINAL_UNITS)})\b"
    rf"|\b(?P<round>{'|'.join(ORDINAL_TENS)})\b"
)
_BIRTHDAY_WORD = re.compile(r"\s*(?:birthday|bday|b-day|birth\s*day)")
_MONTH_BEFORE = re.compile(rf"(?:{MONTH_WORDS})\.?\s*$")
_OF_MONTH_AFTER = re.compile(rf"\s+of\s+(?:{MONTH_WORDS})\b")


def words_value(phrase: str) -> int | float | None:
    """Value of a number phrase such as ``"twenty five"``, ``"a dozen"``, ``"2 dozen"``, ``"four hundred"``."""
    tokens = re.findall(r"[a-z]+|\d+(?:\.\d+)?", phrase.lower())
    total: float = 0
    current: float = 0
    seen = False
    for tok in tokens:
        if tok in ("a", "an", "and"):
            continue
        if tok == "half":
            current = 0.5
            continue
        if tok[0].isdigit():
            current += float(tok)
        elif tok in UNITS:
            current += UNITS[tok]
        elif tok in TENS:
            current += TENS[tok]
        elif tok == "dozen":
            current = (current or 1) * 12
        elif tok == "hundred":
            current = (current or 1) * 100
        elif tok in SCALES:
            total += (current or 1) * SCALES[tok]
            current = 0
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + current
    return int(value) if value == int(value) else value


def _fmt(value: int | float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def rewrite_number_words(text: Text) -> Text:
    """Rewrite numbers written in words as digits ("twenty-five people" -> "25 people")."""

    def repl(m: re.Match[str]) -> str | None:
        phrase = m.group(0)
        if phrase.strip() == "one":
            after = text.s[m.end():m.end() + 12]
            before = text.s[max(0, m.start() - 12):m.start()]
            if not (re.match(rf"\s+{_ONE_NOUNS}\b", after) or _ONE_AGE_BEFORE.search(before)):
                return None
        value = words_value(phrase)
        return None if value is None else _fmt(value)

    return text.sub(_NUMBER_WORDS, repl)


def rewrite_ordinal_words(text: Text) -> Text:
    """Rewrite ordinal words as digits ("eightieth" -> "80th", "December fifth" -> "December 5th").

    "first" and "second" are only read as numbers next to "birthday" or a month ("first birthday",
    "December first"), since they usually mean something else ("first, ...", "a second option").
    """

    def repl(m: re.Match[str]) -> str | None:
        if m.group("round"):
            return f"{ORDINAL_TENS[m.group('round')]}th"
        unit = m.group("unit")
        value = ORDINAL_UNITS[unit] + (TENS[m.group("tens")] if m.group("tens") else 0)
        if unit in ("first", "second") and not m.group("tens"):
            before = text.s[max(0, m.start() - 12):m.start()]
            after = text.s[m.end():m.end() + 16]
            if not (_BIRTHDAY_WORD.match(after) or _MONTH_BEFORE.search(before) or _OF_MONTH_AFTER.match(after)):
                return None
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(value % 10 if value % 100 not in (11, 12, 13) else 0, "th")
        return f"{value}{suffix}"

    return text.sub(_ORDINAL_WORDS, repl)


def parse_amount(number: str, scale: str | None = None) -> float | None:
    """Parse a written amount: ``"1,200"`` -> 1200.0, ``("1.2", "k")`` -> 1200.0, ``"10^9"`` -> 1e9."""
    raw = number.replace(",", "").replace(" ", "")
    try:
        if "^" in raw:
            base, _, exp = raw.partition("^")
            value = float(base) ** min(float(exp), 30.0)
        else:
            value = float(raw)
    except ValueError:
        return None
    if scale:
        s = scale.strip().lower()
        if s in ("k", "grand", "thousand"):
            value *= 1_000
        elif s in ("m", "million", "mil"):
            value *= 1_000_000
        elif s == "billion":
            value *= 1_000_000_000
    return value
