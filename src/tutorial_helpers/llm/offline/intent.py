"""What a tool is for and whether the user asked for it: the offline model's reading of unknown tools.

A learner's tool (``get_weather``, ``send_invitations``, ``find_party_supplies``) is read from its
name, description and parameter names, never from a list of known tool names:

* :func:`tool_category` -- the catalog category a tool is about, from its name first ("find_cakes"),
  then synonyms in its name ("party_supplies" -> decoration), then its description when that names
  exactly one category.
* :func:`relevance` -- how much a tool's words overlap what the user asked (with a few everyday
  synonyms: "rain" -> weather, "invite" -> invitation, "how many" -> count). Domain words that every
  birthday request contains ("party", "guests") count little, so a tool is not called just because
  the request mentions a party.

Everything here is lexical and deterministic; the model's metadata says when it relied on it.
"""

from __future__ import annotations

import re

from tutorial_helpers.domain import CATEGORIES

#: words that point to a catalog category when they appear in a tool's name or description
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "decoration": ("decoration", "decor", "decorate", "supply", "supplies", "balloon", "banner", "streamer",
                   "tableware", "partyware", "prop", "garland", "confetti", "centerpiece"),
    "cake": ("cake", "bakery", "baker", "dessert", "cupcake", "pastry"),
    "venue": ("venue", "hall", "rental", "ballroom", "room"),
    "gift": ("gift", "present", "toy"),
    "food": ("food", "catering", "caterer", "snack", "pizza", "menu", "meal", "buffet"),
    "activity": ("activity", "activities", "entertainer", "entertainment", "workshop", "magician", "clown", "game"),
    "experience": ("experience", "ticket", "outing", "excursion"),
}
#: everyday words a user writes for what a tool's name says (user word -> tool word)
USER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "weather": ("rain", "rainy", "sunny", "sun", "forecast", "temperature", "cold", "hot", "outdoor", "outdoors",
                "outside", "umbrella", "storm", "snow", "wind", "windy"),
    "invitation": ("invite", "invites", "invited", "inviting", "rsvp", "evite", "invitations"),
    "count": ("how many", "number of", "total", "headcount", "tally", "add up"),
    "convert": ("in euros", "in pounds", "exchange", "conversion", "currency"),
    "currency": ("euro", "euros", "pound", "pounds", "yen", "exchange rate"),
    "remind": ("reminder", "remember to", "don't forget", "notify"),
    "schedule": ("timeline", "agenda", "itinerary", "what time", "run of show"),
    "playlist": ("songs", "music list", "tunes"),
    "distance": ("how far", "drive", "travel time", "miles", "km"),
    "shopping": ("shopping list", "buy list", "grocery", "groceries"),
    "email": ("e-mail", "mail"),
    "message": ("text", "note"),
    "book": ("reserve", "reservation"),
}
#: words too common in tool names to say anything about what the user wants
STOP = frozenset({
    "get", "set", "find", "make", "do", "run", "the", "a", "an", "for", "of", "to", "on", "in", "by", "and", "or",
    "with", "from", "at", "it", "is", "be", "this", "that", "tool", "function", "return", "returns", "given",
    "use", "using", "call", "check", "verify", "fetch", "show", "lookup", "look", "search", "query", "retrieve", "list",
    "data", "info", "information", "value", "values", "object", "string", "number",
    "integer", "optional", "required", "default", "one", "each", "all", "any", "new", "as", "its", "their", "your",
    "you", "we", "our", "my", "me", "i", "what", "which", "who", "will", "can", "should", "please", "help",
})
#: words every birthday request carries: they count little towards a tool's relevance
DOMAIN = frozenset({
    "party", "birthday", "guest", "people", "kid", "child", "children", "budget", "date", "city", "plan", "item",
    "catalog", "celebration", "event", "name", "age", "year", "old", "usd", "dollar",
})


def stem(word: str) -> str:
    """A crude English stem: plural and verb endings removed ("invitations" -> "invitation")."""
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            if suffix == "es" and not re.search(r"(?:ss|sh|ch|x|z)es$", word):
                continue
            return word[: -len(suffix)] + repl
    return word


def words(text: str) -> list[str]:
    """Lower-case words of ``text``, camelCase and snake_case split, stemmed."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text or "")
    return [stem(w) for w in re.split(r"[^a-z0-9]+", text.lower()) if w]


def user_terms(text: str) -> set[str]:
    """The stemmed words of what the user wrote, plus the tool words its everyday phrases stand for."""
    low = (text or "").lower()
    out = set(words(low))
    for tool_word, phrases in USER_SYNONYMS.items():
        for p in phrases:
            if (" " in p and p in low) or (" " not in p and stem(p) in out):
                out.add(stem(tool_word))
                break
    return out


def tool_category(name: str, description: str = "") -> str | None:
    """The catalog category a tool is specialised for, or ``None`` for a general or non-catalog tool."""
    low = (name or "").lower()
    for c in CATEGORIES:
        if c in low:
            return c
    name_words = set(words(name))
    for cat, ws in CATEGORY_WORDS.items():
        if name_words & {stem(w) for w in ws}:
            return cat
    desc_words = set(words(description))
    named = [cat for cat, ws in CATEGORY_WORDS.items() if desc_words & {stem(w) for w in (cat, *ws)}]
    return named[0] if len(named) == 1 else None


def relevance(name: str, description: str, params: list[str], text: str) -> float:
    """How strongly ``text`` (what the user asked) calls for this tool.

    A word of the tool's name that the user used weighs 3, a word of its description or a
    parameter name 1, a domain word ("party", "guests") 0.25. Stop words never count.
    """
    said = user_terms(text)
    name_w = {w for w in words(name) if w not in STOP}
    other_w = {w for w in words(description) + [x for p in params for x in words(p)] if w not in STOP} - name_w
    score = 0.0
    for w in name_w:
        if any(same_word(w, u) for u in said):
            score += 0.25 if w in DOMAIN else 3.0
    for w in other_w:
        if any(same_word(w, u) for u in said):
            score += 0.25 if w in DOMAIN else 1.0
    return score


def same_word(a: str, b: str) -> bool:
    """Equal, or sharing a long prefix ("remind" / "reminder", "invite" / "invitation", "decorate" / "decoration")."""
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= 5 and n >= 0.75 * min(len(a), len(b))


def mentions_tool(name: str, text: str) -> bool:
    """Whether ``text`` names the tool itself ("call get_weather first")."""
    return bool(name) and re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text or "") is not None
