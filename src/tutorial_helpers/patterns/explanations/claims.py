"""A claim checker for explanations: split the text into claims and verify each against the catalog.

An explanation is only as good as its claims. "This cake is nut-free" is either true of the catalog
item or it is not, whatever model wrote it. :func:`check_explanation` splits an explanation into
sentences, finds which plan item each sentence talks about (by name, by id, or by "the cake" /
"it"), pulls out the checkable claims and verifies each one against that item's catalog attributes
and the request:

==============  ====================================================================================
kind            checked against
==============  ====================================================================================
allergen        "free of peanuts", "nut-free", "no dairy": the item's ``allergens``
diet            "vegan", "gluten-free", "halal": the item's ``diet_tags`` (food) / ``allergens``
price           "$54.00": the item's unit price or subtotal, the plan total, the budget
capacity        "seats 16", "room for 30 guests": the venue's ``capacity``
opening         "open on Saturday": the item's ``open_days``
interest        "matches her love of dinosaurs": the item's ``interests`` *and* the request's
age             "suits age 8", "for ages 6-9": the item's age range
rating          "rated 4.5 by 120 people": ``rating`` and ``review_count``
city            "in Austin": the item's ``city`` (local items)
outside_plan    a catalog item named that the plan does not hold
==============  ====================================================================================

Each claim comes back ``supported``, ``contradicted`` (the catalog says otherwise, with the
evidence) or ``unsupported`` (nothing backs it: an interest the user never mentioned, a claim about
an item the sentence does not identify). Sentences with nothing checkable ("Have a lovely party!")
make no claim. :func:`repair_explanation` removes each unfaithful claim (the clause, or the sentence
when nothing else is left in it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tutorial_helpers.domain import (
    ALLERGENS,
    CATEGORIES,
    DIET_EXCLUDES,
    FOOD_CATEGORIES,
    INTERESTS,
    WEEKDAYS,
    BirthdayPlan,
    BirthdayRequest,
    CatalogItem,
)

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

Status = Literal["supported", "contradicted", "unsupported"]

_ALLERGEN_WORDS: dict[str, tuple[str, ...]] = {
    "peanuts": ("peanuts", "peanut"), "tree nuts": ("tree nuts", "tree nut"), "gluten": ("gluten", "wheat"),
    "dairy": ("dairy", "milk"), "eggs": ("eggs", "egg"), "soy": ("soy", "soya"), "sesame": ("sesame",),
}
_ALLERGEN_ALT = "|".join(sorted((re.escape(w) for ws in _ALLERGEN_WORDS.values() for w in ws), key=len, reverse=True))
_WORD_TO_ALLERGEN = {w: a for a, ws in _ALLERGEN_WORDS.items() for w in ws}
_DAY_NAMES = {d.lower(): d for d in WEEKDAYS} | {
    "monday": "Mon", "tuesday": "Tue", "wednesday": "Wed", "thursday": "Thu", "friday": "Fri",
    "saturday": "Sat", "sunday": "Sun", "saturdays": "Sat", "sundays": "Sun",
}
_INTEREST_ALT = "|".join(sorted((re.escape(i) for i in INTERESTS), key=len, reverse=True))

# --- claim patterns: each finds a span in a sentence and says what it asserts --------------------
_FREE_OF = re.compile(
    r"\b(?:free (?:of|from)|contains? no|has no|nothing "
    rf"contains|no|without)\s+((?:(?:{_ALLERGEN_ALT})(?:\s*,\s*|\s+(?:and|or|nor)\s+|,\s*(?:and|or)\s+)?)+)",
    re.I)
_X_FREE = re.compile(r"\b(nut|peanut|tree[- ]nut|gluten|dairy|egg|soy|sesame|allergen)[- ]free\b", re.I)
_DIET = re.compile(r"\b(vegan|vegetarian|halal)\b", re.I)
_PRICE = re.compile(r"\$\s?(\d[\d,]*(?:\.\d{1,2})?)")
_CAPACITY = re.compile(r"\b(?:seats?|seating|room for|holds?|fits?|for up to|up to)\s+(?:all\s+)?(\d{1,4})\b", re.I)
_OPEN = re.compile(r"\bopen (?:on |every )?(" + "|".join(sorted(_DAY_NAMES, key=len, reverse=True)) + r")\b", re.I)
_INTEREST = re.compile(
    r"\b(?:love|loves|loving|passion|fan|fans|into|enjoys?|interest in|interests? in|matches "
    r"(?:her|his|their|the)?\s*)"
    rf"\s*(?:of|for)?\s*((?:(?:{_INTEREST_ALT})(?:\s*,\s*|\s+(?:and|or)\s+)?)+)", re.I)
_AGE = re.compile(r"\b(?:suits? (?:an? )?age|for (?:an? )?(?:age|ages)|ages?)\s+(\d{1,3})(?:\s*[-–to]+\s*(\d{1,3}))?\b",
                  re.I)
_RATING = re.compile(r"\brated\s+(\d(?:\.\d)?)(?:\s+by\s+(\d[\d,]*)\s+people)?", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")
_CATEGORY_REF = re.compile(r"\b(?:the|this|that|our|a)\s+(" + "|".join(CATEGORIES) + r")s?\b", re.I)
_PRONOUN = re.compile(r"^\s*(?:it|it's|its|this|that|they)\b", re.I)
#: sentences that report a change ("Swapped X for Y") may name an item that left the plan
_CHANGE_NOTE = re.compile(r"\b(?:swapped|removed|replaced|instead of|rather than|dropped|adjusted)\b", re.I)
_ID = re.compile(r"\b(?:" + "|".join(CATEGORIES) + r")-(?:[a-z]{3}-)?\d{4}\b")


@dataclass
class Claim:
    """One checkable statement of an explanation.

    Attributes:
        text: the words that make the claim ("is nut-free").
        sentence: the sentence it came from.
        kind: allergen, diet, price, capacity, opening, interest, age, rating, city or outside_plan.
        status: supported, contradicted or unsupported.
        evidence: what the catalog or the request says (one sentence).
        item_id: the item the claim is about (``None`` for claims about the whole plan).
        span: (start, end) of ``text`` in ``sentence``.
    """

    text: str
    sentence: str
    kind: str
    status: Status
    evidence: str
    item_id: str | None = None
    span: tuple[int, int] = (0, 0)


@dataclass
class ClaimReport:
    """The claims of one explanation and what they add up to."""

    text: str
    claims: list[Claim] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.claims)

    @property
    def supported(self) -> list[Claim]:
        return [c for c in self.claims if c.status == "supported"]

    @property
    def unfaithful(self) -> list[Claim]:
        """Claims that are contradicted or unsupported."""
        return [c for c in self.claims if c.status != "supported"]

    @property
    def contradicted(self) -> list[Claim]:
        return [c for c in self.claims if c.status == "contradicted"]

    @property
    def precision(self) -> float:
        """Share of claims that are supported (1.0 when there is no claim: nothing false was said)."""
        return len(self.supported) / self.n if self.n else 1.0

    def table(self) -> list[dict[str, Any]]:
        """One row per claim (for a DataFrame)."""
        return [{"item": c.item_id or "(plan)", "kind": c.kind, "claim": c.text, "status": c.status,
                 "evidence": c.evidence} for c in self.claims]


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (on . ! ? followed by a capital)."""
    return [s.strip() for s in _SENTENCE.split(text or "") if s.strip()]


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.lower()).strip()


def _money(s: str) -> float:
    return float(s.replace(",", ""))


def _allergens_in(words: str) -> set[str]:
    return {_WORD_TO_ALLERGEN[w.lower()] for w in re.findall(_ALLERGEN_ALT, words, re.I)}


def _x_free_allergens(word: str) -> set[str]:
    w = word.lower().replace(" ", "-")
    if w in ("nut", "tree-nut"):
        return {"peanuts", "tree nuts"} if w == "nut" else {"tree nuts"}
    if w == "allergen":
        return set(ALLERGENS)
    return {_WORD_TO_ALLERGEN.get(w, w)}


class _Context:
    """What the checker knows: the plan's items, the request, the catalog."""

    def __init__(self, items: list[CatalogItem], request: BirthdayRequest | None, catalog: Any,
                 total: float | None) -> None:
        self.items = items
        self.request = request or BirthdayRequest()
        self.catalog = catalog
        self.total = total
        self.by_name = sorted(((_norm(i.name), i) for i in items), key=lambda t: -len(t[0]))
        self.ids = {i.id for i in items}

    def prices(self, item: CatalogItem | None) -> list[float]:
        guests = self.request.guests or 10
        out = [p for p in (self.total, self.request.budget) if p is not None]
        pool = [item] if item is not None else self.items
        for it in pool:
            from tutorial_helpers.domain import PlanItem

            out += [it.price, PlanItem.from_item(it, guests).subtotal]
        return out


def _items_named(sentence: str, ctx: _Context) -> list[CatalogItem]:
    low = _norm(sentence)
    found: list[CatalogItem] = []
    for name, item in ctx.by_name:
        if name in low and item not in found:
            found.append(item)
    for m in _ID.finditer(sentence):
        item = next((i for i in ctx.items if i.id == m.group(0)), None)
        if item is not None and item not in found:
            found.append(item)
    if not found:
        for m in _CATEGORY_REF.finditer(sentence):
            same = [i for i in ctx.items if i.category == m.group(1).lower()]
            if len(same) == 1 and same[0] not in found:
                found.append(same[0])
    return found


def _outside_plan(sentence: str, ctx: _Context) -> list[Claim]:
    """Catalog items (by id, or by an exact name) named in the sentence that the plan does not hold."""
    out: list[Claim] = []
    if ctx.catalog is None:
        return out
    for m in _ID.finditer(sentence):
        if m.group(0) not in ctx.ids:
            item = ctx.catalog.get(m.group(0))
            what = f"{item.name} ({item.id})" if item else m.group(0)
            out.append(Claim(m.group(0), sentence, "outside_plan", "contradicted" if item else "unsupported",
                             f"{what} is not in the plan.", m.group(0), m.span()))
    low = sentence.lower()
    if ctx.catalog is None or _CHANGE_NOTE.search(sentence):
        return out
    plan_names = [n for n, _ in ctx.by_name]
    for item in getattr(ctx.catalog, "items", []):
        name = item.name.lower()
        if len(name) >= 12 and item.id not in ctx.ids and name in low and not any(name in n for n in plan_names):
            at = low.index(name)
            out.append(Claim(sentence[at:at + len(name)], sentence, "outside_plan", "contradicted",
                             f"{item.name} ({item.id}) is not in the plan.", item.id, (at, at + len(name))))
    return out


def _item_claims(sentence: str, item: CatalogItem | None, ctx: _Context, plan_level: bool) -> list[Claim]:
    out: list[Claim] = []
    req = ctx.request
    targets = ctx.items if (plan_level or item is None) else [item]
    food = [i for i in targets if i.category in FOOD_CATEGORIES]
    iid = None if (plan_level or item is None) else item.id

    def add(m: re.Match[str], kind: str, status: Status, evidence: str) -> None:
        a, b = m.span()
        b = a + len(re.sub(r"(?:[\s,;]+|\s+(?:and|or|nor))+$", "", sentence[a:b]))
        out.append(Claim(original[a:b].strip(), original, kind, status, evidence, iid, (a, b)))

    # item names are not claims ("Vegan Gluten-Free Pistachio Cake" claims nothing by itself): mask them,
    # keeping every position so that spans still point into the original sentence
    original = sentence
    for name, _it in ctx.by_name:
        for mm in re.finditer(re.escape(name), sentence.lower()):
            sentence = sentence[:mm.start()] + "#" * (mm.end() - mm.start()) + sentence[mm.end():]

    # allergens: "free of peanuts and tree nuts", "no dairy", "nut-free"
    claimed_free: list[tuple[re.Match[str], set[str]]] = []
    for m in _FREE_OF.finditer(sentence):
        claimed_free.append((m, _allergens_in(m.group(1))))
    for m in _X_FREE.finditer(sentence):
        claimed_free.append((m, _x_free_allergens(m.group(1))))
    for m, allergens in claimed_free:
        pool = food if plan_level and food else targets
        if item is None and not plan_level:
            add(m, "allergen", "unsupported", "The sentence does not say which item it is about.")
            continue
        bad = [(i, sorted(set(i.allergens) & allergens)) for i in pool if set(i.allergens) & allergens]
        if bad:
            i, a = bad[0]
            add(m, "allergen", "contradicted",
                f"{i.name} contains {', '.join(a)} (catalog allergens: {', '.join(i.allergens)}).")
        else:
            names = ", ".join(i.name for i in pool) or "no item"
            add(m, "allergen", "supported", f"The catalog lists none of {', '.join(sorted(allergens))} for {names}.")
    # diets: "vegan", "halal"
    for m in _DIET.finditer(sentence):
        tag = m.group(1).lower()
        pool = food if (plan_level or item is None) else ([item] if item.category in FOOD_CATEGORIES else [])
        if not pool:
            continue
        missing = [i for i in pool if tag not in i.diet_tags]
        if missing:
            i = missing[0]
            clash = sorted(set(i.allergens) & DIET_EXCLUDES.get(tag, frozenset()))
            why = f"contains {', '.join(clash)}" if clash else f"is tagged {', '.join(i.diet_tags) or 'with no diet'}"
            add(m, "diet", "contradicted", f"{i.name} is not {tag}: the catalog says it {why}.")
        else:
            add(m, "diet", "supported", f"The catalog tags {', '.join(i.name for i in pool)} {tag}.")
    # prices
    for m in _PRICE.finditer(sentence):
        value = _money(m.group(1))
        if any(abs(value - p) < 0.011 for p in ctx.prices(None if plan_level else item)):
            add(m, "price", "supported",
                f"${value:,.2f} matches the catalog price, a subtotal, the total or the budget.")
        elif item is not None and not plan_level:
            add(m, "price", "contradicted",
                f"{item.name} costs ${item.price:,.2f} ({item.pricing}), not ${value:,.2f}.")
        else:
            add(m, "price", "unsupported", f"No price, subtotal, total or budget of the plan is ${value:,.2f}.")
    # capacity (venues)
    venues = [i for i in targets if i.category == "venue"]
    for m in _CAPACITY.finditer(sentence):
        n = int(m.group(1))
        if not venues:
            continue
        small = [v for v in venues if (v.capacity or 0) < n]
        if small:
            add(m, "capacity", "contradicted", f"{small[0].name} seats {small[0].capacity}, fewer than {n}.")
        else:
            add(m, "capacity", "supported", f"{venues[0].name} seats {venues[0].capacity}.")
    # opening days
    for m in _OPEN.finditer(sentence):
        day = _DAY_NAMES[m.group(1).lower()]
        pool = [i for i in targets if i.open_days is not None]
        if not pool:
            continue
        closed = [i for i in pool if day not in (i.open_days or [])]
        if closed:
            add(m, "opening", "contradicted",
                f"{closed[0].name} opens {', '.join(closed[0].open_days or [])}, not {day}.")
        else:
            add(m, "opening", "supported", f"{pool[0].name} is open on {day}.")
    # interests: "matches her love of dinosaurs and painting"
    for m in _INTEREST.finditer(sentence):
        said = [w.lower() for w in re.findall(_INTEREST_ALT, m.group(1), re.I)]
        pool = [i for i in targets if i.category not in FOOD_CATEGORIES and i.category != "venue"] or targets
        for interest in said:
            if interest not in req.interests:
                add(m, "interest", "unsupported",
                    f"The request never mentions {interest} (it says: {', '.join(req.interests) or 'no interests'}).")
            elif not any(interest in i.interests for i in pool):
                add(m, "interest", "contradicted", f"{pool[0].name if pool else 'No item'} is not tagged {interest} "
                    f"(its interests: {', '.join(pool[0].interests) if pool else '-'}).")
            else:
                add(m, "interest", "supported", f"Tagged {interest} in the catalog, and the request mentions it.")
    # age
    for m in _AGE.finditer(sentence):
        if item is None or item.age_min is None and item.age_max is None:
            continue
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        ok = item.fits_age(lo) and item.fits_age(hi)
        rng = f"{item.age_min}-{item.age_max if item.age_max is not None else '+'}"
        add(m, "age", "supported" if ok else "contradicted", f"{item.name} is for ages {rng}.")
    # rating
    for m in _RATING.finditer(sentence):
        if item is None:
            continue
        ok = abs(float(m.group(1)) - item.rating) < 0.051 and (m.group(2) is None
                                                               or int(m.group(2).replace(",", "")) == item.review_count)
        add(m, "rating", "supported" if ok else "contradicted",
            f"{item.name} is rated {item.rating:.1f} by {item.review_count} people.")
    return out


def check_explanation(
    text: str,
    items: list[CatalogItem] | BirthdayPlan,
    request: BirthdayRequest | None = None,
    catalog: Catalog | None = None,
    total: float | None = None,
) -> ClaimReport:
    """Split ``text`` into claims and verify each against the catalog and the request.

    Args:
        text: the explanation.
        items: the catalog items the explanation is about, or a plan (its items are looked up in
            ``catalog``; request and total come from the plan).
        request: the request (interests, budget, guests) that "matches her love of X" is checked against.
        catalog: the catalog (default: the shipped one); used to look up plan items and to spot
            items named that the plan does not hold.
        total: the plan's total cost (a price claim may quote it).

    Returns:
        A :class:`ClaimReport`; ``report.precision`` is the share of supported claims.
    """
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    if isinstance(items, BirthdayPlan):
        request = request or items.request
        total = items.total_cost if total is None else total
        items = [it for it in (catalog.get(p.id) for p in items.items) if it is not None]
    ctx = _Context(list(items), request, catalog, total)
    report = ClaimReport(text=text or "")
    previous: CatalogItem | None = None
    for sentence in split_sentences(text):
        named = _items_named(sentence, ctx)
        report.claims += _outside_plan(sentence, ctx)
        if len(named) > 1 or re.search(r"\b(?:checked|every|all|nothing|plan)\b", sentence, re.I) and not named:
            report.claims += _item_claims(sentence, None, ctx, plan_level=True)
            previous = None
            continue
        item = named[0] if named else (previous if _PRONOUN.match(sentence) else None)
        report.claims += _item_claims(sentence, item, ctx, plan_level=False)
        previous = item or previous
    return report


def repair_explanation(report: ClaimReport) -> tuple[str, list[str]]:
    """Remove every unfaithful claim from the explanation.

    The words of a contradicted or unsupported claim are cut from their sentence (with the joining
    comma or "and"); a sentence left with nothing to say is dropped.

    Returns:
        ``(text, removed)``: the repaired text and the removed claims, each with its evidence.
    """
    bad_by_sentence: dict[str, list[Claim]] = {}
    for c in report.unfaithful:
        bad_by_sentence.setdefault(c.sentence, []).append(c)
    removed = [f"{c.text!r}: {c.evidence}" for c in report.unfaithful]
    out: list[str] = []
    for sentence in split_sentences(report.text):
        bad = bad_by_sentence.get(sentence)
        if not bad:
            out.append(sentence)
            continue
        s = sentence
        for c in sorted(bad, key=lambda c: -c.span[0]):
            a, b = c.span
            # a claim that is one item of a list ("..., is nut-free, rated 4.5") goes with its clause;
            # one that carries the sentence ("It is nut-free, so ...") takes the sentence with it
            left = max(s.rfind(",", 0, a), s.rfind(";", 0, a))
            if left == -1:
                s = ""
                break
            right_c = [p for p in (s.find(",", b), s.find(";", b)) if p != -1]
            s = s[:left] + (s[min(right_c):] if right_c else s[len(s.rstrip(".!?")):])
        s = re.sub(r"\s+([,.;])", r"\1", s).strip(" ,;")
        words = re.sub(r"[^A-Za-z]+", " ", s).split()
        if len(words) >= 3 and s:
            out.append(s if s[-1] in ".!?" else s + ".")
    return " ".join(out), removed
