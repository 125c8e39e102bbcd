"""A lower-cased working copy of the user's text that remembers where each character came from.

The extractor rewrites the text before reading it ("twenty-five" -> "25", "sweet sixteen" -> "16th
birthday") and blanks out what it has already used (a date, so that "Dec 12" is not read as 12
guests). :class:`Text` keeps, for every character of the working copy, the span of the original text
it stands for, so that evidence can always be quoted from what the user really wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: typographic characters folded to ASCII (same length, so offsets do not move)
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                       "\u2212": "-", "\u00a0": " ", "\u2011": "-"})


def fold(text: str) -> str:
    """Fold curly quotes, long dashes and non-breaking spaces to ASCII (length preserving)."""
    return text.translate(_FOLD)


@dataclass
class Text:
    """Working text ``s`` plus, per character, the ``[start, end)`` span of ``original`` it stands for."""

    s: str
    starts: list[int]
    ends: list[int]
    original: str

    @classmethod
    def of(cls, original: str) -> Text:
        """Start from ``original``: folded and lower-cased, one character per original character."""
        folded = fold(original)
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
        n = len(low)
        return cls(low, list(range(n)), list(range(1, n + 1)), folded)

    def span(self, i: int, j: int) -> str:
        """The original text behind working characters ``[i, j)``, stripped."""
        if j <= i or i >= len(self.s):
            return ""
        j = min(j, len(self.s))
        return self.original[self.starts[i]:self.ends[j - 1]].strip(" ,.;:")

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str | None]) -> Text:
        """Rewrite every match of ``pattern`` with ``repl(match)`` (``None`` keeps the match as it is)."""
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        changed = False
        for m in pattern.finditer(self.s):
            new = repl(m)
            if new is None:
                continue
            a, b = m.span()
            pieces.append(self.s[last:a])
            starts.extend(self.starts[last:a])
            ends.extend(self.ends[last:a])
            if b > a:
                o_start, o_end = self.starts[a], self.ends[b - 1]
            else:
                o_start = o_end = self.starts[a] if a < len(self.starts) else len(self.original)
            pieces.append(new)
            starts.extend([o_start] * len(new))
            ends.extend([o_end] * len(new))
            last = b
            changed = True
        if not changed:
            return self
        pieces.append(self.s[last:])
        starts.extend(self.starts[last:])
        ends.extend(self.ends[last:])
        return Text("".join(pieces), starts, ends, self.original)

    def mask(self, i: int, j: int) -> None:
        """Blank out working characters ``[i, j)`` (used once read); offsets do not move."""
        self.s = self.s[:i] + " " * (j - i) + self.s[j:]
