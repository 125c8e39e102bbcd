"""Conversation feedback: how the user reacts to a proposal ("too pricey", "she already has that")."""

from __future__ import annotations

import re

from tutorial_helpers.extraction.matching import compile_phrases
from tutorial_helpers.extraction.vocabulary import FEEDBACK_PHRASES

_LABEL_OF = {p: label for label, phrases in FEEDBACK_PHRASES.items() for p in phrases}
_FEEDBACK_RE = compile_phrases(_LABEL_OF)
_KEY = {re.sub(r"[\s-]+", " ", k): v for k, v in _LABEL_OF.items()}
#: single words that only count as feedback when they stand alone ("Perfect!", not "the perfect gift")
_ALONE = frozenset({"perfect", "deal", "confirm", "alternatives", "alternative", "expensive", "pricey", "costly"})
_NEGATION = re.compile(r"(?:\bnot|n't|\bno|\bnever|\bhardly)\s+(?:\w+\s+){0,1}$")
_MORE_GUESTS = re.compile(r"\b\d+\s+(?:more|extra|additional)\s+(?:guests?|people|kids|children|friends|adults)\b")


def find_feedback(s: str) -> list[str]:
    """Feedback labels found in the (lower-cased, number-normalised) text ``s``, in order, without repeats."""
    out: list[str] = []
    for m in _FEEDBACK_RE.finditer(s):
        phrase = re.sub(r"[\s-]+", " ", m.group(1))
        label = _KEY.get(phrase)
        if label is None:
            continue
        before = s[max(0, m.start() - 20):m.start()]
        if _NEGATION.search(before) and label in ("too_expensive", "accept", "already_has"):
            continue
        if phrase in _ALONE:
            after = s[m.end():m.end() + 12]
            if phrase in ("expensive", "pricey", "costly"):
                if not re.search(r"\b(?:too|so|very|really|quite|bit|rather|pretty|kind of|kinda|that's|is|it's)\s+$",
                                 before):
                    continue
            elif not re.match(r"\s*(?:[.!,;]|$|thanks|thank|,|,?\s*(?:let's|book|go|we'll|i'll))", after):
                continue
        if label not in out:
            out.append(label)
    if _MORE_GUESTS.search(s) and "more_guests" not in out:
        out.append("more_guests")
    return out
