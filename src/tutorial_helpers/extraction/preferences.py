"""What the recipient likes and dislikes, what must be avoided, and what the user asked to plan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tutorial_helpers.domain import ALLERGENS, CATEGORIES, DIET_EXCLUDES, DIET_TAGS, INTERESTS
from tutorial_helpers.extraction.matching import (
    clause_bounds,
    compile_phrases,
    phrase_pattern,
    words_after,
    words_before,
)
from tutorial_helpers.extraction.text import Text
from tutorial_helpers.extraction.vocabulary import (
    ALLERGEN_SYNONYMS,
    CATEGORY_SYNONYMS,
    DIET_SYNONYMS,
    GENERIC_NUTS,
    INTEREST_SYNONYMS,
    INTEREST_VETO_AFTER,
    INTEREST_VETO_BEFORE,
    UNSUPPORTED_ALLERGENS,
    UNSUPPORTED_DIETS,
)


@dataclass
class Found:
    """Values found (in order, without duplicates) and, per value, the working-text span it came from."""

    values: list[str] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    excluded: list[str] = field(default_factory=list)  # e.g. interests named inside a dislike

    def add(self, value: str, span: tuple[int, int]) -> None:
        if value not in self.values:
            self.values.append(value)
            self.spans[value] = span

    def discard(self, value: str) -> None:
        if value in self.values:
            self.values.remove(value)
            self.spans.pop(value, None)


def _lookup(table: dict[str, tuple[str, ...]], canon: tuple[str, ...]) -> dict[str, str]:
    out = {c: c for c in canon}
    for key, words in table.items():
        for w in words:
            out.setdefault(w, key)
    return out


_INTEREST_OF = _lookup(INTEREST_SYNONYMS, INTERESTS)
_INTEREST_FULL = compile_phrases(_INTEREST_OF)
_INTEREST_SMALL = compile_phrases(INTERESTS)
_NORM_SPACE = re.compile(r"[\s-]+")


def _key(phrase: str) -> str:
    return _NORM_SPACE.sub(" ", phrase.lower()).strip()


_INTEREST_KEY = {_key(k): v for k, v in _INTEREST_OF.items()}

# ------------------------------------------------------------------------------------------------ dislikes

DISLIKE_CUES = re.compile(
    r"\b(?:hates?|hated|hating|dislikes?|disliked|detests?|loathes?|"
    r"(?:does\s*n[o']t|do\s*n[o']t|did\s*n[o']t|doesnt|dont)\s+(?:really\s+)?(?:like|love|enjoy|want|care\s+for)|"
    r"(?:is|are|'s|'re)?\s*n[o']t\s+(?:really\s+|very\s+|a\s+big\s+fan\s+of\s+|a\s+fan\s+of\s+|big\s+on\s+|keen\s+on\s+|"
    r"interested\s+in\s+|into\s+)|"
    r"(?:is|are)n't\s+(?:really\s+)?(?:into|a\s+fan\s+of|big\s+on|keen\s+on|interested\s+in)|"
    r"not\s+into|no\s+longer\s+into|can(?:'t|not|t)\s+stand|afraid\s+of|scared\s+of|terrified\s+of|frightened\s+of|"
    r"allergic\s+to\s+the\s+idea\s+of|please\s+no|no|without|skip\s+the|avoid)\s+"
    r"(?P<what>[a-z][a-z'&-]*(?:\s+[a-z][a-z'&-]*){0,3})"
)
_DISLIKE_STOP_END = re.compile(
    r"\s+\b(?:and|but|or|so|please|though|because|at|in|for|since|either|anymore|any\s+more|at\s+all|too|as|"
    r"this|that|which|who|when|while|if|then|we|she|he|they|i|it|is|are|was|on|with|to|from|by|plus|only|"
    r"whatsoever|thanks|thank|stuff|things|etc|really|very|much|either)\b.*$"
)
_DISLIKE_LEAD = re.compile(r"^(?:the|any|anything|a|an|too|much|loud\s+and|more|of|with|all|those|these|such)\s+")
_NOT_A_DISLIKE = frozenset({
    "more", "one", "idea", "problem", "problems", "allergies", "allergy", "restrictions", "restriction", "rush",
    "budget", "need", "worries", "worry", "preference", "preferences", "limit", "longer", "later", "dietary",
    "diet", "special", "issue", "issues", "clue", "way", "matter", "doubt", "else", "else to avoid", "other",
    "pressure", "plans", "plan", "kids", "guests", "dairy", "nuts", "nut", "eggs", "egg", "gluten", "meat",
    "need for", "big", "particular", "specific", "fuss", "earlier", "sooner", "than", "less", "cost", "money",
    "go", "go to", "point", "hurry", "surprise", "surprises", "alcohol", "spending", "further", "less than",
    "it", "him", "her", "them", "that", "this", "sense", "reason", "help", "thanks", "thank", "bother",
})


def find_dislikes(text: Text, level: str = "full") -> Found:
    """Things the recipient dislikes ("hates loud music", "not into sports", "no clowns")."""
    found = Found()
    if level == "small":
        for m in re.finditer(r"\b(?:hates|dislikes)\s+(?P<what>[a-z]+(?:\s+[a-z]+)?)", text.s):
            word = _trim_dislike(m["what"])
            if word:
                found.add(word, (m.start("what"), m.start("what") + len(m["what"])))
        return found
    for m in DISLIKE_CUES.finditer(text.s):
        raw = m["what"]
        cue = text.s[m.start():m.start("what")].strip()
        word = _trim_dislike(raw)
        if not word:
            continue
        if re.fullmatch(r"(?:no|without|avoid|skip the|please no)", cue) and _is_food_word(word):
            continue
        end = m.start("what") + len(raw)
        found.add(word, (m.start("what"), end))
    return found


def _trim_dislike(raw: str) -> str:
    word = _DISLIKE_STOP_END.sub("", " " + raw).strip()
    for _ in range(3):
        word = _DISLIKE_LEAD.sub("", word)
    word = re.sub(r"[-\s]+(?:type|like|related|ish)$", "", word).strip(" -'")
    if not word or word in _NOT_A_DISLIKE or word.split()[0] in _NOT_A_DISLIKE or len(word) < 3:
        return ""
    return word


_FOOD_WORDS = compile_phrases([
    *(w for ws in ALLERGEN_SYNONYMS.values() for w in ws), *GENERIC_NUTS, *UNSUPPORTED_ALLERGENS,
    *(w for ws in DIET_SYNONYMS.values() for w in ws), *UNSUPPORTED_DIETS, "meat", "pork", "beef", "alcohol", "sugar",
    "candy", "sweets", "booze", "wheat", "nuts",
])


def _is_food_word(word: str) -> bool:
    return bool(_FOOD_WORDS.search(word))


# ------------------------------------------------------------------------------------------------ interests


def find_interests(text: Text, dislikes: Found, level: str = "full") -> Found:
    """The recipient's interests, as catalog words ("T-rex" -> dinosaurs), minus what they dislike."""
    found = Found()
    blocked = list(dislikes.spans.values())
    regex = _INTEREST_FULL if level != "small" else _INTEREST_SMALL
    for m in regex.finditer(text.s):
        phrase = _key(m.group(1))
        interest = _INTEREST_KEY.get(phrase) if level != "small" else phrase
        if interest is None or interest not in INTERESTS:
            continue
        before = set(words_before(text.s, m.start(), 1))
        after = set(words_after(text.s, m.end(), 1))
        if (before & INTEREST_VETO_BEFORE.get(phrase, frozenset())
                or after & INTEREST_VETO_AFTER.get(phrase, frozenset())):
            continue
        if any(a <= m.start() < b for a, b in blocked):
            continue
        found.add(interest, m.span(1))
    disliked_interests = set()
    for a, b in blocked:
        for m in regex.finditer(text.s, a, b):
            phrase = _key(m.group(1))
            disliked_interests.add(_INTEREST_KEY.get(phrase, phrase))
    for interest in sorted(disliked_interests):
        found.discard(interest)
        found.excluded.append(interest)
    return found


# ------------------------------------------------------------------------------------------------ allergens and diets

_ALLERGEN_OF = _lookup(ALLERGEN_SYNONYMS, ALLERGENS)
_ALLERGEN_KEY = {_key(k): v for k, v in _ALLERGEN_OF.items()}
for _w in GENERIC_NUTS:
    _ALLERGEN_KEY[_w] = "nuts"
_ALLERGEN_WORDS = phrase_pattern([*_ALLERGEN_OF, *GENERIC_NUTS])
_ALLERGEN_WORDS_SMALL = phrase_pattern(ALLERGENS)
_LIST_OF = r"(?:(?:,|and|or|&|/|plus)\s*)"
_ALLERGY_AFTER = r"[\s-]*(?:allerg\w*|intoleran\w*|sensitiv\w*|free\b|-free\b|reactions?|anaphyla\w*)"
_AVOID_BEFORE = (
    r"(?:allergic\s+to|allergy\s+to|allergies\s+to|intolerant\s+to|intolerance\s+to|sensitive\s+to|no|nothing\s+with|"
    r"nothing\s+containing|without|avoid|avoiding|free\s+of|free\s+from|keep\s+away\s+from|stay\s+away\s+from|"
    r"can(?:'t|not|t)\s+(?:have|eat|do|tolerate)|does\s*n[o']t\s+eat|do\s*n[o']t\s+eat|doesnt\s+eat|not\s+eat|"
    r"zero|hold\s+the|must\s+not\s+contain|no\s+traces?\s+of|exclude|excluding|except)"
)
_NEGATED = re.compile(
    r"(?:\bnot|n't|\bno|\bnone|\bnever|\bwithout)\s+(?:\w+\s+){0,2}?(?:allerg|intoleran|sensitiv)\w*(?:\s+to)?\s*$"
)
_NO_ALLERGY_AFTER = re.compile(r"^[\s-]*(?:allerg\w*|intoleran\w*)")


_ALLERGEN_IN_LIST = re.compile(rf"(?<![\w-])({_ALLERGEN_WORDS})(?![\w])")
_DIET_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"(?<![\w-])(?P<list>(?:{_ALLERGEN_WORDS})(?:\s*{_LIST_OF}?\s*(?:{_ALLERGEN_WORDS}))*){_ALLERGY_AFTER}"),
    re.compile(rf"\b{_AVOID_BEFORE}\s+(?:(?:any|all|the|a|anything\s+with|foods?\s+with|more|traces\s+of|"
               rf"kind\s+of|type\s+of|of)\s+)*(?P<list>(?:{_ALLERGEN_WORDS})(?:[\s-]*(?:{_LIST_OF}|\s)\s*(?:(?:any|the|or)\s+)?"
               rf"(?:{_ALLERGEN_WORDS}))*)(?![\w])"),
    re.compile(r"\b(?P<list>celiac|coeliac)\b"),
)
_SMALL_ALLERGEN_RE = re.compile(rf"\b({_ALLERGEN_WORDS_SMALL})\b")
_SMALL_DIET_RE = re.compile(rf"\b({'|'.join(re.escape(d) for d in DIET_TAGS)})\b")
_DIET_OF = _lookup(DIET_SYNONYMS, DIET_TAGS)
_DIET_KEY = {_key(k): v for k, v in _DIET_OF.items()}
_DIET_RE = compile_phrases(_DIET_OF)
_UNSUPPORTED_ALLERGEN_RE = compile_phrases(UNSUPPORTED_ALLERGENS)
_UNSUPPORTED_DIET_RE = compile_phrases(UNSUPPORTED_DIETS)


@dataclass
class DietFindings:
    """Allergens to avoid, diet tags, and what was mentioned that the catalog does not track."""

    allergens: Found = field(default_factory=Found)
    diets: Found = field(default_factory=Found)
    unsupported_allergens: list[str] = field(default_factory=list)
    unsupported_diets: list[str] = field(default_factory=list)


def find_diet(text: Text, level: str = "full") -> DietFindings:
    """Allergens and diets ("peanut allergy", "nothing with nuts", "gluten intolerant", "vegan", "halal").

    Rules: a nut word alone means peanuts *and* tree nuts; "X-free" is both a diet tag (when the
    catalog has one) and an allergen to avoid; gluten intolerance also asks for gluten-free food;
    "not allergic to anything" gives nothing.
    """
    out = DietFindings()
    s = text.s
    if level == "small":
        for m in _SMALL_ALLERGEN_RE.finditer(s):
            if not _NEGATED.search(s[max(0, m.start() - 40):m.start()]) and not _no_x_allergy(s, m):
                out.allergens.add(m.group(1), m.span(1))
        for m in _SMALL_DIET_RE.finditer(s):
            if not _diet_negated(s, m.start()):
                _add_diet(out, m.group(1), m.span(1))
        return out
    patterns = _DIET_PATTERNS
    spans: list[tuple[int, int]] = []
    for regex in patterns:
        for m in regex.finditer(s):
            a = m.start("list")
            if any(x <= a < y for x, y in spans):
                continue
            if _NEGATED.search(s[max(0, m.start() - 40):m.start() + (len(m.group(0)) if regex is patterns[1] else 0)]):
                continue
            if regex is patterns[1] and s[m.start():m.start("list")].strip().startswith("no") and _no_x_allergy(s, m):
                continue  # "no nut allergy": nobody is allergic
            if regex is patterns[0] and re.search(r"(?:\bno|\bnot|\bwithout|\bzero|\bnever|n't\s+have)\s+(?:an?\s+)?$",
                                                  s[max(0, m.start() - 20):m.start()]):
                continue
            spans.append(m.span("list"))
            free = bool(re.match(r"[\s-]*free\b", s[m.end("list"):m.end("list") + 6]))
            for w in _ALLERGEN_IN_LIST.finditer(m["list"]):
                span = (a + w.start(1), a + w.end(1))
                _add_allergen(out, _ALLERGEN_KEY.get(_key(w.group(1)), ""), span, free=free)
    for m in _UNSUPPORTED_ALLERGEN_RE.finditer(s):
        ctx = s[max(0, m.start() - 30):m.end() + 25]
        if re.search(r"allerg|intoleran|\bno\b|without|avoid|free|nothing with|can't|cannot", ctx):
            if m.group(1) not in out.unsupported_allergens:
                out.unsupported_allergens.append(m.group(1))
    for m in _DIET_RE.finditer(s):
        if _diet_negated(s, m.start()):
            continue
        tag = _DIET_KEY.get(_key(m.group(1)))
        if tag == "vegetarian" and _key(m.group(1)) in ("veg", "veggie") and set(words_after(s, m.end(), 1)) & {
                "tray", "platter", "sticks", "burger", "burgers", "patch", "garden"}:
            continue
        if tag:
            _add_diet(out, tag, m.span(1))
    for m in _UNSUPPORTED_DIET_RE.finditer(s):
        if m.group(1) not in out.unsupported_diets and not _diet_negated(s, m.start()):
            out.unsupported_diets.append(m.group(1))
    return out


def _no_x_allergy(s: str, m: re.Match[str]) -> bool:
    """True for "no nut allergy" / "no peanut allergies" (nobody is allergic), not "no nuts"."""
    return bool(_NO_ALLERGY_AFTER.match(s[m.end():m.end() + 15]))


def _diet_negated(s: str, start: int) -> bool:
    before = s[max(0, start - 30):start]
    return bool(re.search(r"(?:\bnot|n't|\bno\s+need\s+(?:to\s+be|for)|\bnon)[\s-]+(?:\w+\s+){0,3}?$", before))


def _add_allergen(out: DietFindings, allergen: str, span: tuple[int, int], *, free: bool) -> None:
    if allergen == "nuts":
        out.allergens.add("peanuts", span)
        out.allergens.add("tree nuts", span)
        if free:
            out.diets.add("nut-free", span)
        return
    if allergen not in ALLERGENS:
        return
    out.allergens.add(allergen, span)
    if allergen == "gluten":
        out.diets.add("gluten-free", span)
    elif allergen == "dairy" and free:
        out.diets.add("dairy-free", span)
    elif allergen == "peanuts" and free:
        out.diets.add("nut-free", span)


def _add_diet(out: DietFindings, tag: str, span: tuple[int, int]) -> None:
    out.diets.add(tag, span)
    if tag in ("gluten-free", "dairy-free", "nut-free"):
        for allergen in sorted(DIET_EXCLUDES[tag]):
            out.allergens.add(allergen, span)


# ------------------------------------------------------------------------------------------------ categories

_CATEGORY_OF = _lookup(CATEGORY_SYNONYMS, CATEGORIES)
_CATEGORY_KEY = {_key(k): v for k, v in _CATEGORY_OF.items()}
_CAT_WORDS = phrase_pattern(_CATEGORY_OF)
_CAT_WORDS_SMALL = phrase_pattern(CATEGORIES)
_CUE = (
    r"\b(?:just|only|simply|solely|merely|want|wants|wanted|need|needs|needed|looking\s+for|look\s+for|find|find\s+me|"
        r"book|order|get|recommend|suggest|pick|choose|help\s+(?:me\s+)?(?:with|find|pick|choose|get|plan)|"
        r"ideas?\s+for|suggestions?\s+for)\b")
_STOP_BEFORE_CAT = re.compile(
    r"\b(?:party|celebration|everything|whole|full|birthday\s+party|bash|all\s+of\s+it|event)\b")


def _category_res(level: str) -> tuple[re.Pattern[str], ...]:
    words = _CAT_WORDS if level != "small" else _CAT_WORDS_SMALL
    noun = (r"(?:(?:a|an|the|some|one|nice|good|small|big|fun|cool|great|cheap|simple|little|birthday|party|"
            rf"[a-z]+-free)\s+){{0,3}}(?:{words})s?\b")
    return (
        re.compile(rf"\b({words})s?\b"),
        re.compile(rf"(?:{noun})(?:\s*(?:,|and|or|plus|&|as\s+well\s+as|\+)\s*(?:{noun}))*"),
        re.compile(rf"(?:,|\band\b|\bplus\b|&|\bas\s+well\s+as\b)\s+(?:also\s+)?"
                   rf"(?:(?:order|get|book|find|need|want|buy|pick|choose)\s+)?(?P<n>{noun})"),
        re.compile(_CUE if level != "small" else r"\b(?:just|only)\b"),
    )


_CATEGORY_RES = {level: _category_res(level) for level in ("small", "full")}


def find_categories(text: Text, level: str = "full") -> Found:
    """Categories the user restricts the plan to ("just a gift", "a cake and a venue"); empty = the usual party."""
    found = Found()
    s = text.s
    words_re, listed, more_re, cue_re = _CATEGORY_RES["small" if level == "small" else "full"]
    for cue in cue_re.finditer(s):
        start, end = clause_bounds(s, cue.start(), cue.end())
        rest = s[cue.end():end]
        lead = re.match(r"\s*(?:(?:i|we|to|really|need|needs|want|wants|a|help|with|me|us|for|please|get|book|"
                        r"order|find|plan|organi[sz]e|ideas?|suggestions?|the|going|have)\s+)*", rest)
        pos = cue.end() + (lead.end() if lead else 0)
        m = listed.match(s, pos)
        if not m:
            continue
        if _STOP_BEFORE_CAT.search(s[cue.end():m.start()]):
            continue
        if re.search(r"(?:\bno|\bnot|n't|\bwithout|\bnever)\s+(?:\w+\s+){0,2}$",
                     s[max(0, cue.start() - 25):cue.start()]):
            continue  # "we don't need a venue"
        pieces = [(m.start(), m.group(0))]
        for extra in more_re.finditer(s[m.end():end]):
            pieces.append((m.end() + extra.start("n"), extra.group("n")))
        for offset, piece in pieces:
            for w in words_re.finditer(piece):
                category = _CATEGORY_KEY.get(_key(w.group(1))) if level != "small" else w.group(1)
                if category in CATEGORIES:
                    found.add(category, (offset + w.start(1), offset + w.end(1)))
        if found.values:
            break
    if not found.values and level != "small":
        m = re.search(r"\b(gift|present)\s+(?:ideas?|suggestions?|recommendations?)\b", s)
        if m:
            found.add("gift", m.span(1))
    return found
