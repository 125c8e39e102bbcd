"""Step 2 of the offline model: choose tool calls and fill their arguments.

Each offered tool gets a profile from its name, description and parameter names; lexical overlap
with a few "needs" (ask, search, availability, budget, final answer) says what it is good for, and
:func:`~.intent.tool_category` which catalog category it is about ("find_party_supplies" ->
decoration). The model then works down, in this order:

0. tools the user asked for by what they do: a tool of no known kind (a learner's ``get_weather``,
   ``send_invitations``, ``count_guests``) is called once when its words match the latest user
   message (:func:`~.intent.relevance`) or a message names it; the response metadata records it
   as a guess (``offline.guesses``);
1. request details still missing (an asking/extracting tool);
2. candidates for each needed category without tool results yet (search tools, several at once when
   parallel calls are allowed); a search tool about one category is used for that category only;
3. availability and budget checks of the chosen items;
4. a final/submit tool (a tool whose words say "final answer", or a schema-like CamelCase tool).

It never repeats a call with the same arguments. A single tool it cannot classify is never taken
as the final answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from tutorial_helpers.domain import AGED_CATEGORIES, CATEGORIES, FOOD_CATEGORIES, LOCAL_CATEGORIES, PlanItem
from tutorial_helpers.llm.offline import grounding as g
from tutorial_helpers.llm.offline import intent
from tutorial_helpers.llm.offline.schema_fill import _MISSING, SchemaFiller, fill_schema
from tutorial_helpers.llm.offline.understanding import Context, call_key

NEEDS: dict[str, set[str]] = {
    "ask": {"ask", "clarify", "clarification", "question", "extract", "parse", "understand", "missing", "elicit"},
    "search": {"search", "find", "retrieve", "recommend", "lookup", "candidates", "catalog", "query", "browse",
               "products", "items", "options", "suggest"},
    "availability": {"availability", "available", "open", "opening", "book", "booking", "calendar", "verify"},
    "budget": {"budget", "cost", "estimate", "total", "afford", "spend"},
    "final": {"final", "submit", "answer", "respond", "response", "output", "finish", "deliver", "structured",
              "report", "plan", "selection", "save", "result"},
}
MAX_TOOL_TURNS = 8
#: words that make a search tool a catalog search (stemmed)
CATALOG_WORDS = frozenset({"catalog", "product", "item", "gift", "idea", "option", "candidate", "party", "shop",
                           "store", "buy", "purchase", "recommend", "recommendation", "suggestion", "present",
                           "merchandise", "inventory", "offer", *CATEGORIES})


@dataclass
class ToolProfile:
    """What one offered tool looks like to the model."""

    name: str
    description: str
    parameters: dict[str, Any]
    words: set[str]
    name_words: set[str]

    def kind_scores(self) -> dict[str, float]:
        out = {}
        for kind, words in NEEDS.items():
            out[kind] = 3.0 * len(words & self.name_words) + len(words & self.words)
        return out

    def kind(self) -> str | None:
        scores = self.kind_scores()
        best = max(scores.items(), key=lambda kv: (kv[1], -list(NEEDS).index(kv[0])))
        if best[1] < 1:
            return None
        if best[0] == "final" and self.destructive():
            return None  # "clear_cart: start a plan over" undoes work: never the way to deliver an answer
        if best[0] == "search" and not self.catalog_like():
            return None  # "lookup_allergy_info(ingredient)" looks things up, but not in the catalog
        return best[0]

    def destructive(self) -> bool:
        """Whether the tool's name says it undoes or deletes something (clear, delete, remove, cancel, reset)."""
        return bool(self.name_words & {"clear", "delete", "remove", "cancel", "reset", "empty", "drop", "undo", "wipe"})

    def catalog_like(self) -> bool:
        """Whether the tool searches things one can put in a plan (products, ideas, a category, a query)."""
        stems = {intent.stem(w) for w in self.words}
        if stems & CATALOG_WORDS or intent.tool_category(self.name, self.description) is not None:
            return True
        return any(_norm(k) in ("query", "q", "keywords", "searchquery", "category", "itemtype") for k in self.props)

    @property
    def props(self) -> dict[str, Any]:
        return self.parameters.get("properties") or {}

    def category(self) -> str | None:
        """The category a tool is specialised for ("find_cakes", "find_party_supplies" -> decoration), if any."""
        for c in CATEGORIES:
            if re.search(c, self.name.lower()):
                return c
        if self.kind() != "search" or self.takes_category():
            return None  # a search with a category parameter serves every category
        return intent.tool_category(self.name, self.description)

    def takes_category(self) -> bool:
        """Whether a parameter chooses the category (``category``, ``kind``, or an enum of categories)."""
        for name, schema in self.props.items():
            if _norm(name) in ("category", "categories", "type", "kind", "itemtype", "producttype"):
                return True
            if isinstance(schema, dict) and set(map(str, schema.get("enum") or [])) & set(CATEGORIES):
                return True
        return False

    def relevance(self, text: str) -> float:
        """How much ``text`` (what the user asked) calls for this tool (see :func:`~.intent.relevance`)."""
        return intent.relevance(self.name, self.description, list(self.props), text)

    def schema_like(self) -> bool:
        """Whether the tool looks like an answer schema (a CamelCase class name such as ``GiftChoice``)."""
        return bool(re.fullmatch(r"[A-Z][A-Za-z0-9]*", self.name)) and any(ch.islower() for ch in self.name)


def _words(text: str) -> set[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text or "")
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if len(w) > 1}


def profile(tool: dict[str, Any]) -> ToolProfile:
    fn = tool.get("function") or {}
    params = fn.get("parameters") or {}
    props = params.get("properties") or {}
    text = " ".join([fn.get("name", ""), fn.get("description", "") or ""] +
                    [f"{k} {(v or {}).get('description', '') if isinstance(v, dict) else ''}"
                     for k, v in props.items()])
    return ToolProfile(fn.get("name", ""), fn.get("description", "") or "", params, _words(text),
                       _words(fn.get("name", "")))


# ------------------------------------------------------------------------------------------------
# Arguments
# ------------------------------------------------------------------------------------------------

def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


#: request slot -> words that name it in a parameter's name or description (singular, lower case)
SLOT_WORDS: dict[str, set[str]] = {
    "itemname": {"item_name", "gift_name", "product_name", "title"},
    "interests": {"interest", "hobby", "theme", "topic", "passion", "like", "fan", "into"},
    "maxprice": {"price", "under", "max", "maximum", "cap", "ceiling", "upto", "cost", "spend", "afford", "cheaper"},
    "budget": {"budget"},
    "city": {"city", "location", "town", "where", "place", "area", "locality"},
    "date": {"date", "when", "day", "on"},
    "guests": {"guest", "people", "headcount", "party_size", "size", "attendee", "kid", "child", "person", "invitee",
               "player", "participant"},
    "age": {"age", "year", "old"},
    "avoidallergens": {"allergy", "allergie", "allergen", "avoid", "exclude", "free", "without"},
    "dietary": {"diet", "dietary", "vegan", "vegetarian", "halal", "kosher"},
    "itemid": {"item", "id", "product", "sku", "gift_id", "option", "choice", "selection"},
    "query": {"query", "q", "search", "keyword", "text", "term", "phrase", "look", "what"},
    "category": {"category", "type", "kind"},
    "recipientname": {"name", "recipient", "who", "child_name"},
}


def _stem(word: str) -> str:
    for suffix in ("ies", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _wordset(text: str) -> set[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text or "")
    words = [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w]
    out = {_stem(w) for w in words}
    out |= {f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)}  # "party_size", "gift_id"
    return out


def param_slot(name: str, description: str = "") -> str | None:
    """The request slot a tool parameter stands for, by word overlap and synonyms.

    The parameter's own name weighs three times its description: ``hobby`` -> ``interests``,
    ``price_limit`` -> ``maxprice``, ``town`` -> ``city``, ``party_size`` -> ``guests``.
    Returns ``None`` when nothing overlaps.
    """
    name_words, desc_words = _wordset(name), _wordset(description)
    lower_bound = bool(name_words & {"min", "minimum", "least", "from", "lowest"})
    best, best_score = None, 0.0
    for slot, words in SLOT_WORDS.items():
        score = 3.0 * len(words & name_words) + 0.5 * len(words & desc_words)
        if lower_bound and slot in ("maxprice", "budget"):
            continue  # "min_price" is not what the person may spend
        if score > best_score:
            best, best_score = slot, score
    return best if best_score >= 1.0 else None


def budget_share(ctx: Context, category: str | None) -> float | None:
    """The part of the budget one item of ``category`` may take (per guest for food).

    The shares of the needed categories are scaled to add up to the whole budget, so a request
    for a gift alone may spend all of it ("under $30" -> 30).
    """
    r = ctx.request
    if r.budget is None:
        return None
    cats = g.needed_categories(ctx)
    if category is None:
        if len(cats) != 1:
            return float(r.budget)
        category = cats[0]
    total = sum(g.BUDGET_SHARE.get(c, 0.3) for c in cats if c != category) + g.BUDGET_SHARE.get(category, 0.3)
    share = min(1.0, g.BUDGET_SHARE.get(category, 0.3) / total) * r.budget
    if category in FOOD_CATEGORIES:
        share /= g.guests(r)
    return round(share, 2)


def slot_value(name: str, ctx: Context, category: str | None = None, item_ids: list[str] | None = None,
               kind: str | None = None, description: str = "", many: bool = False) -> Any:
    """The value for a tool parameter called ``name`` (``_MISSING`` when nothing fits).

    Known names are read directly; any other name is mapped to a request slot by
    :func:`param_slot` (its words and description), e.g. ``hobby`` -> the interests.

    Args:
        name: the parameter's name.
        ctx: the understood conversation.
        category: the category this call is about (a search for cakes), if any.
        item_ids: the ids this call is about (availability or budget checks), if any.
        kind: the tool's kind ("search", "availability", "budget", "ask", "final").
        description: the parameter's description.
        many: whether the parameter takes a list (an array type).
    """
    v = _slot_value(name, ctx, category, item_ids, kind)
    if v is not _MISSING:
        return v
    slot = param_slot(name, description)
    if slot is None or slot == _norm(name):
        return _MISSING
    if slot == "interests":
        interests = list(ctx.request.interests)
        if not interests:
            return _MISSING
        return interests if many or _stem(_norm(name)) != _norm(name) else interests[0]
    if slot == "itemid":
        return _slot_value("itemids" if many else "itemid", ctx, category, item_ids, kind)
    if slot == "itemname":
        ids = item_ids or _collected_ids(ctx, category)
        item = ctx.item(ids[0]) if ids else None
        return item.name if item is not None else _MISSING
    if slot == "recipientname":
        return ctx.request.recipient_name or _MISSING
    return _slot_value(slot, ctx, category, item_ids, kind)


def _collected_ids(ctx: Context, category: str | None) -> list[str]:
    """Ids to act on when a call names none: trusted candidates, else ids in messages, else the grounded plan."""
    ids = [i.id for i in ctx.candidates(category)]
    if not ids:
        ids = [i for i in ctx.message_ids if (it := ctx.item(i)) is not None and category in (None, it.category)]
    if not ids:
        ids = [p.id for p in g.select_plan(ctx, [category] if category else None)]
    return ids


def _slot_value(name: str, ctx: Context, category: str | None = None, item_ids: list[str] | None = None,
                kind: str | None = None) -> Any:
    n = _norm(name)
    r = ctx.request
    if n in ("query", "q", "text", "keywords", "search", "searchquery", "searchterms", "terms", "description", "prompt",
             "message", "input", "userinput", "usermessage", "request"):
        if (kind == "ask"
                or n in ("message", "input", "userinput", "usermessage", "request", "text") and category is None):
            return ctx.last_user_text or " ".join(ctx.user_texts)
        words = list(r.interests[:2]) if category in (None, "gift", "activity", "experience", "decoration") else []
        if category in FOOD_CATEGORIES:
            words = list(r.dietary) + (["nut-free"] if {"peanuts", "tree nuts"} & set(r.avoid_allergens)
                                       and "nut-free" not in r.dietary else [])
        if category == "venue":
            words = ["party", "venue"] if not r.interests else [r.interests[0], "party"]
        return " ".join(words + [category or "birthday gift"]).strip()
    if n in ("category", "type", "itemtype", "kind"):
        return category if category else _MISSING
    if n in ("city", "location", "where"):
        return r.city if r.city and (category is None or category in LOCAL_CATEGORIES) else _MISSING
    if n in ("maxprice", "pricemax", "maxunitprice", "maxcost", "priceupto", "pricelimit", "under", "priceunder"):
        share = budget_share(ctx, category)
        return share if share is not None else _MISSING
    if n in ("age", "recipientage", "childage", "ageyears"):
        return (r.recipient_age if r.recipient_age is not None and (category is None or category in AGED_CATEGORIES)
                else _MISSING)
    if n in ("mincapacity", "capacity", "minguests"):
        return r.guests if r.guests and (category in (None, "venue")) else _MISSING
    if n in ("guests", "guestcount", "numguests", "numberofguests", "headcount", "people", "partysize"):
        return r.guests if r.guests else (g.DEFAULT_GUESTS if kind == "budget" else _MISSING)
    if n in ("date", "partydate", "eventdate", "day", "on"):
        return r.date.isoformat() if r.date and (category is None or category in LOCAL_CATEGORIES) else _MISSING
    if n in ("avoidallergens", "allergens", "allergies", "excludeallergens", "allergenfree"):
        allergens = sorted(r.effective_allergens())
        return allergens if allergens and (category is None or category in FOOD_CATEGORIES) else _MISSING
    if n in ("dietary", "diet", "diettags", "dietaryrestrictions", "dietaryneeds"):
        return list(r.dietary) if r.dietary and (category is None or category in FOOD_CATEGORIES) else _MISSING
    if n in ("interests", "hobbies", "likes", "interestsany"):
        return list(r.interests) if r.interests else _MISSING
    if n in ("itemid", "id", "productid", "sku", "item"):
        ids = item_ids or _collected_ids(ctx, category)
        return ids[0] if ids else _MISSING
    if n in ("itemids", "ids", "productids", "items", "selecteditems", "selectedids"):
        ids = item_ids or _collected_ids(ctx, category)
        return list(ids) if ids else _MISSING
    if n in ("budget", "maxbudget", "budgetusd", "budgetlimit"):
        if kind == "search" and category is not None:  # a search's budget is what one item may cost
            share = budget_share(ctx, category)
            return share if share is not None else _MISSING
        return r.budget if r.budget is not None else _MISSING
    if n in ("totalbudget",):
        return r.budget if r.budget is not None else _MISSING
    if n in ("k", "limit", "topk", "n", "numresults", "maxresults", "count"):
        return 5
    if n in ("quantity", "qty"):
        return _MISSING
    if n in ("today",):
        return ctx.today.isoformat()
    return _MISSING


def _coerce(value: Any, schema: dict[str, Any], filler: SchemaFiller) -> Any:
    s = filler.resolve(schema)
    branches = [filler.resolve(b) for b in s.get("anyOf", []) + s.get("oneOf", [])]
    if branches:
        non_null = [b for b in branches if b.get("type") != "null"]
        s = non_null[0] if non_null else s
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if "enum" in s:
        for o in s["enum"]:
            if isinstance(o, str) and isinstance(value, str) and o.lower() == value.lower():
                return o
        return _MISSING
    try:
        if t == "integer":
            return int(value) if not isinstance(value, list) else _MISSING
        if t == "number":
            return float(value) if not isinstance(value, list) else _MISSING
        if t == "string":
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        if t == "array":
            seq = value if isinstance(value, list) else [value]
            item_schema = filler.resolve(s.get("items") or {})
            out = [_coerce(v, item_schema, filler) for v in seq]
            return [v for v in out if v is not _MISSING]
        if t == "boolean":
            return bool(value)
    except (TypeError, ValueError):
        return _MISSING
    return value


def fill_arguments(tool: ToolProfile, ctx: Context, category: str | None = None, item_ids: list[str] | None = None,
                   kind: str | None = None) -> dict[str, Any]:
    """Arguments for ``tool`` from the request: mapped by parameter name, typed by the schema.

    Optional parameters with no value are left out; required ones with no value get ``null`` when
    the schema allows it, else a schema-filled value.
    """
    filler = SchemaFiller(tool.parameters, ctx)
    required = set(tool.parameters.get("required") or [])
    out: dict[str, Any] = {}
    for name, schema in tool.props.items():
        schema = filler.resolve(schema if isinstance(schema, dict) else {})
        many = _is_array(schema, filler)
        action = _action_value(name, ctx, many) if kind is None else _MISSING
        if action is not _MISSING:
            v = action
        elif schema.get("type") == "boolean":  # a flag ("gluten_free") is not a request value
            v = _slot_value(name, ctx, category, item_ids, kind)
        else:
            v = slot_value(name, ctx, category, item_ids, kind, str(schema.get("description") or ""), many)
        if v is not _MISSING:
            v = _coerce(v, schema, filler)
        if v is _MISSING or v is None or v == []:
            if name not in required:
                continue
            v = _required_default(name, schema, ctx, category, filler)
        out[name] = v
    return out


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NAME_LIST = re.compile(
    r"(?i:\b(?:invite|inviting|invitations?\s+to|send\s+(?:it|them|the\s+\w+)\s+to|guests?\s+(?:are|list|will\s+be)"
    r"|guest\s+list\s+is|coming\s+are|friends)\s*:?\s+)"
    r"(?P<names>[A-Z][a-z]+(?:\s*,\s*(?:and\s+)?[A-Z][a-z]+)*(?:\s*,?\s+and\s+[A-Z][a-z]+)?)")
#: parameter words that hold a count of one kind of guest ("kids", "num_adults")
_GUEST_KINDS: dict[str, tuple[str, ...]] = {
    "kid": ("kids", "kid", "children", "child", "boys", "girls", "friends", "classmates"),
    "child": ("kids", "kid", "children", "child", "boys", "girls", "friends", "classmates"),
    "adult": ("adults", "adult", "parents", "parent", "grown-ups", "grownups", "moms", "dads", "grandparents"),
    "parent": ("parents", "parent", "adults", "adult", "grown-ups", "grownups", "moms", "dads"),
}


#: currency words a user may write -> ISO code
_CURRENCIES = {"euro": "EUR", "eur": "EUR", "pound": "GBP", "sterling": "GBP", "gbp": "GBP", "yen": "JPY",
               "canadian": "CAD", "cad": "CAD", "peso": "MXN", "franc": "CHF", "rupee": "INR", "dollar": "USD"}


def _user_words_text(ctx: Context) -> str:
    from tutorial_helpers.extraction.numbers import rewrite_number_words
    from tutorial_helpers.extraction.text import Text

    text = " ".join(ctx.user_texts + ctx.task_texts)
    try:
        return rewrite_number_words(Text.of(text.lower())).s
    except (ValueError, TypeError, AttributeError):
        return text.lower()


def event_sentence(ctx: Context) -> str:
    """One sentence about the party from what is known (for a tool's free-text "message" parameter)."""
    r = ctx.request
    who = f"{r.recipient_name}'s" if r.recipient_name else "a"
    age = (f" {r.recipient_age}"
           f"""{'th' if r.recipient_age % 100 in (11, 12, 13)
                else {1: 'st', 2: 'nd', 3: 'rd'}.get(r.recipient_age % 10, 'th')}"""
           if r.recipient_age is not None else "")
    when = f" on {r.date.strftime('%A, %B %d').replace(' 0', ' ')}" if r.date else ""
    where = f" in {r.city}" if r.city else ""
    return f"You're invited to {who}{age} birthday party{when}{where}!"


def _action_value(name: str, ctx: Context, many: bool) -> Any:
    """Values a non-catalog tool (invitations, counts, messages) needs, read from the conversation."""
    words = set(intent.words(name))
    texts = " ".join(ctx.user_texts + ctx.task_texts)
    if words & {"email", "mail", "address"}:
        emails = list(dict.fromkeys(_EMAIL.findall(texts)))
        return (emails if many else emails[0]) if emails else _MISSING
    if words & {"invitee", "recipient", "attendee", "name", "friend"} and many:
        names: list[str] = []
        for m in _NAME_LIST.finditer(texts):
            names += [n for n in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", m["names"]) if n and n not in names]
        return names or _MISSING
    if words & {"message", "body", "note", "invitation", "greeting", "content"} and not many:
        return event_sentence(ctx)
    if "currency" in words and not many:
        if words & {"to", "target", "into", "dest", "destination"}:
            low = " ".join(ctx.user_texts[-1:]).lower()
            return next((code for word, code in _CURRENCIES.items() if re.search(rf"\b{word}", low)), _MISSING)
        return ctx.request.currency or "USD"
    if words & {"amount", "sum", "total"} and not many and ctx.request.budget is not None:
        return ctx.request.budget
    kind = next((k for k, nouns in _GUEST_KINDS.items() if k in words or words & set(nouns)), None)
    if kind is not None:
        low = _user_words_text(ctx)
        nouns = "|".join(re.escape(w) for w in _GUEST_KINDS[kind])
        found = [int(m[1]) for m in re.finditer(rf"\b(\d{{1,4}})\s+(?:[a-z-]+\s+){{0,2}}?(?:{nouns})\b", low)]
        return found[0] if found else _MISSING
    return _MISSING


def _is_array(schema: dict[str, Any], filler: SchemaFiller) -> bool:
    types = [schema.get("type")] + [filler.resolve(b).get("type")
                                    for b in schema.get("anyOf", []) + schema.get("oneOf", [])]
    return "array" in types or any(isinstance(t, list) and "array" in t for t in types)


def _required_default(name: str, schema: dict[str, Any], ctx: Context, category: str | None,
                      filler: SchemaFiller) -> Any:
    """A value for a required parameter nothing in the request fills: short and sensible, never a sentence."""
    if "default" in schema:
        return schema["default"]
    if filler._nullable(schema):
        return None
    s = dict(schema)
    branches = [filler.resolve(b) for b in s.get("anyOf", []) + s.get("oneOf", [])]
    if branches:
        s = next((b for b in branches if b.get("type") != "null"), s)
    t = s.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t == "string" and "enum" not in s and "format" not in s:
        said = filler.specific_sentence(name)  # "question" -> the asker's question
        if said is not None:
            return said
        r = ctx.request
        words = (category or _first_category(ctx) or "gift").replace("_", " ")
        value = f"{r.interests[0]} {words}" if r.interests else words
        hi = s.get("maxLength")
        return value[: int(hi)] if hi else value
    return filler.value(s, name)


# ------------------------------------------------------------------------------------------------
# Choosing
# ------------------------------------------------------------------------------------------------

def _tool_turns(ctx: Context) -> int:
    return len({r.name + str(i) for i, r in enumerate(ctx.tool_results)})


def plan_actions(ctx: Context, tools: list[ToolProfile], parallel: bool) -> list[tuple[str, dict[str, Any]]]:
    """The useful calls still to make, in order of need (already-made calls removed)."""
    kinds = {t.name: t.kind() for t in tools}
    by_kind: dict[str, list[ToolProfile]] = {}
    for t in tools:
        k = kinds[t.name]
        if k:
            by_kind.setdefault(k, []).append(t)

    def fresh(name: str, args: dict[str, Any]) -> bool:
        return call_key(name, args) not in ctx.calls_made

    # 0. tools the user asked for by what they do (a learner's get_weather), each called once
    actions: list[tuple[str, dict[str, Any]]] = []
    for t in asked_tools(ctx, tools):
        actions.append((t.name, fill_arguments(t, ctx, kind=None)))
    if actions:
        return actions if parallel else actions[:1]
    # 1. request details still missing: an asking / extracting tool
    if ctx.missing and "ask" in by_kind and not ctx.tool_results and len(ctx.missing) >= 2:
        t = by_kind["ask"][0]
        args = fill_arguments(t, ctx, kind="ask")
        if fresh(t.name, args):
            return [(t.name, args)]
    # 2. candidates for each needed category without results
    if "search" in by_kind:
        searched = ctx.searched_categories()
        needed = g.needed_categories(ctx)
        for cat in needed:
            if cat in searched:
                continue
            specialised = [t for t in by_kind["search"] if t.category() == cat]
            general = [t for t in by_kind["search"] if t.category() is None]
            for t in specialised or general:
                args = fill_arguments(t, ctx, category=cat, kind="search")
                if fresh(t.name, args):
                    actions.append((t.name, args))
                    break
        # a search tool about a category nobody listed (find_party_supplies -> decoration) is used for
        # its own category when the user asks for it or when it is the only search tool offered
        alone = not any(t.category() in (None, *needed) for t in by_kind["search"])
        said = " ".join(ctx.user_texts[-1:] + ctx.task_texts)
        for t in by_kind["search"]:
            cat = t.category()
            if cat is None or cat in needed or cat in searched or any(a[0] == t.name for a in actions):
                continue
            if alone or t.relevance(said) >= RELEVANT or intent.mentions_tool(t.name, ctx.system_text + said):
                args = fill_arguments(t, ctx, category=cat, kind="search")
                if fresh(t.name, args) and not _called(ctx, t.name):
                    actions.append((t.name, args))
        if actions:
            return actions if parallel else actions[:1]
    # 3. verification of the chosen items
    chosen = g.select_plan(ctx) if ctx.tool_results else []
    if chosen and "availability" in by_kind and ctx.request.date:
        t = by_kind["availability"][0]
        for p in chosen:
            if p.category in ("venue", "activity", "experience"):
                args = fill_arguments(t, ctx, category=p.category, item_ids=[p.id], kind="availability")
                if fresh(t.name, args) and args:
                    actions.append((t.name, args))
        if actions:
            return actions if parallel else actions[:1]
    if chosen and "budget" in by_kind and ctx.request.budget is not None:
        t = by_kind["budget"][0]
        args = fill_arguments(t, ctx, item_ids=[p.id for p in chosen], kind="budget")
        if fresh(t.name, args):
            return [(t.name, args)]
    return []


#: the relevance from which a tool of no known kind is called (one word of its name, or three of its description)
RELEVANT = 3.0


def _called(ctx: Context, name: str) -> bool:
    return any(k.startswith(name + ":") for k in ctx.calls_made)


def asked_tools(ctx: Context, tools: list[ToolProfile]) -> list[ToolProfile]:
    """Tools of no known kind that the conversation asks for and that were not called yet.

    A tool qualifies when the latest user message (or the task in the system prompt) matches its
    name, description or parameters (:func:`~.intent.relevance` >= :data:`RELEVANT`), or when a
    message names it ("use get_weather"). Answer-schema tools (``GiftChoice``) never qualify.
    """
    said = " ".join(ctx.user_texts[-1:] + ctx.task_texts)
    named_in = ctx.system_text + "\n" + said
    out = []
    for t in tools:
        kind = t.kind()
        if kind not in (None, "availability") or t.schema_like() or _called(ctx, t.name):
            continue
        if kind == "availability":  # "book_magician": only for what its own words name, not "book"
            own = intent.relevance(t.name, "", [], said) - 3.0 * len(NEEDS["availability"] & t.name_words)
            if own >= RELEVANT:
                out.append(t)
            continue
        if t.relevance(said) >= RELEVANT or intent.mentions_tool(t.name, named_in):
            out.append(t)
    return out


def final_tool(tools: list[ToolProfile]) -> ToolProfile | None:
    """The tool that delivers the answer (a final/submit/structured-output tool), if one is offered.

    A tool whose words say so ("submit_plan", "final_answer"), else a single schema-like tool
    (``GiftChoice``, as frameworks name structured-output tools). A single tool that is neither
    (``get_weather``) is not an answer: it is called only when the conversation asks for it.
    """
    finals = [t for t in tools if t.kind() == "final"]
    if finals:
        return finals[0]
    others = [t for t in tools if t.kind() is None and t.schema_like()]
    return others[0] if len(others) == 1 else None


def choose_calls(ctx: Context, tools_json: list[dict[str, Any]], tool_choice: Any, parallel: bool,
                 role: str = "assistant", notes: list[str] | None = None) -> list[tuple[str, str]]:
    """The tool calls of this turn as ``(name, arguments JSON)``; empty means "answer in text".

    Args:
        ctx: the understood conversation.
        tools_json: the request's ``tools``.
        tool_choice: "auto", "none", "required", a named-function dict, or ``None`` (auto).
        parallel: whether several calls may be made in one turn.
        role: the detected role (fills a final tool's verdict or choice).
        notes: when given, receives one line per guess made (a tool called because its words
            matched the request, a tool's category read from its name or description).
    """
    calls = _choose_calls(ctx, tools_json, tool_choice, parallel, role)
    if notes is not None and calls:
        tools = {p.name: p for p in (profile(t) for t in tools_json)}
        asked = {t.name for t in asked_tools(ctx, list(tools.values()))}
        for name, _ in calls:
            t = tools.get(name)
            if t is None:
                continue
            if name in asked or t.kind() is None and not t.schema_like():
                notes.append(f"called {name}: a tool I do not know, chosen because its name, description or "
                             "parameters match the request")
            elif t.kind() == "search" and (cat := t.category()) and cat not in t.name.lower():
                notes.append(f"called {name} as a {cat} search: read from its name and description")
    return calls


def _choose_calls(ctx: Context, tools_json: list[dict[str, Any]], tool_choice: Any, parallel: bool,
                  role: str = "assistant") -> list[tuple[str, str]]:
    if tool_choice == "none" or not tools_json:
        return []
    tools = [profile(t) for t in tools_json]
    forced_name = (tool_choice.get("function") or {}).get("name") if isinstance(tool_choice, dict) else None
    if forced_name:
        t = next(t for t in tools if t.name == forced_name)
        if t.kind() in ("search", "availability", "budget", "ask"):
            acts = [a for a in plan_actions(ctx, [t], parallel) if a[0] == t.name]
            if acts:
                return [(n, json.dumps(a)) for n, a in acts[:1]]
            return [(t.name, json.dumps(fill_arguments(t, ctx, category=_first_category(ctx), kind=t.kind())))]
        if t.kind() is None and not t.schema_like():
            return [(t.name, json.dumps(fill_arguments(t, ctx, kind=None)))]
        return [(t.name, json.dumps(fill_schema(t.parameters, ctx, role)))]
    if _tool_turns(ctx) < MAX_TOOL_TURNS and role not in ("router", "chitchat", "summarizer", "user_simulator",
                                                          "critic", "explainer"):
        acts = plan_actions(ctx, tools, parallel)
        if acts:
            return [(n, json.dumps(a)) for n, a in acts]
    fin = final_tool(tools)
    if fin is not None and tool_choice != "required" and _called(ctx, fin.name):
        fin = None  # the answer was delivered once: answer in text rather than call it again
    if fin is not None and (tool_choice == "required" or fin.kind() == "final" and ctx.tool_results):
        return [(fin.name, json.dumps(fill_schema(fin.parameters, ctx, role)))]
    if tool_choice == "required":  # the tool that best matches what was said, else the first
        said = " ".join(ctx.user_texts[-1:] + ctx.task_texts)
        t = max(tools, key=lambda x: (x.relevance(said), -tools.index(x)))
        if t.kind() is None:
            return [(t.name, json.dumps(fill_arguments(t, ctx, kind=None)))]
        cat = t.category() if t.kind() == "search" else None
        return [(t.name, json.dumps(fill_arguments(t, ctx, category=cat or _first_category(ctx), kind=t.kind())))]
    return []


def _first_category(ctx: Context) -> str | None:
    cats = g.needed_categories(ctx)
    return cats[0] if cats else None


def plan_item_ids(items: list[PlanItem]) -> list[str]:
    return [p.id for p in items]
