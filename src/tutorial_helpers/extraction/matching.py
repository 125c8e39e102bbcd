"""Small helpers to match lists of phrases and look at the words around a match."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD_RE = re.compile(r"[a-z0-9'&-]+")


def phrase_pattern(phrases: Iterable[str]) -> str:
    """A regex alternation of ``phrases`` (longest first), spaces and hyphens matching each other."""
    parts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        esc = re.escape(p)
        esc = esc.replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
        parts.append(esc)
    return "|".join(parts)


def compile_phrases(phrases: Iterable[str], *, flags: int = 0) -> re.Pattern[str]:
    """Compile ``phrases`` into one pattern with word boundaries; the phrase is group 1."""
    return re.compile(rf"(?<![\w&])({phrase_pattern(phrases)})(?![\w&])", flags)


def words_before(s: str, i: int, n: int = 1) -> list[str]:
    """The ``n`` words right before position ``i`` (nearest last), within the same clause."""
    head = s[max(0, i - 60):i]
    head = re.split(r"[.;!?\n]", head)[-1]
    return _WORD_RE.findall(head)[-n:]


def words_after(s: str, j: int, n: int = 1) -> list[str]:
    """The ``n`` words right after position ``j``, within the same clause."""
    tail = s[j:j + 60]
    tail = re.split(r"[.;!?\n]", tail)[0]
    return _WORD_RE.findall(tail)[:n]


def clause_bounds(s: str, i: int, j: int) -> tuple[int, int]:
    """Start and end of the clause (between sentence punctuation) around ``[i, j)``."""
    start = max(s.rfind(c, 0, i) for c in ".;!?\n") + 1
    ends = [k for k in (s.find(c, j) for c in ".;!?\n") if k != -1]
    return start, (min(ends) if ends else len(s))
