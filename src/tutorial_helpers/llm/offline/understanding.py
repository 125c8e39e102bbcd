"""Step 1 of the offline model: read the whole conversation into a :class:`Context`.

The context holds the request as understood (via the shared extractor, or the fallback reader),
today's date, the role's system text, every tool call made and every tool result, and every
catalog item id seen in the conversation, split into trusted candidates (from tool results and
the system prompt's option lists) and ids only mentioned. Text that tries to give the model orders
("ignore previous instructions ...") is flagged, and ids inside it are never treated as candidates.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from tutorial_helpers.catalog.ids import LOOSE_ID, has_id, known_ids_in_text
from tutorial_helpers.domain import CATEGORIES, BirthdayRequest, CatalogItem
from tutorial_helpers.llm.offline.protocol import ChatRequest

INJECTION = re.compile(
    r"ignore (?:all |any |the )?(?:previous|prior|above|earlier|your)? ?(?:instructions|rules|constraints|prompts?)"
    r"|disregard (?:all |the |your )?(?:previous |prior )?(?:instructions|rules|constraints)"
    r"|you must (?:now )?recommend|system override|new instructions:|forget (?:everything|your instructions)",
    re.I)
TODAY_PATTERNS = (
    re.compile(r"today(?:'s date)?\s*(?:is|:|=)\s*(\d{4}-\d{2}-\d{2})", re.I),
    re.compile(r"today\b[^\n\d]{0,20}(\d{4}-\d{2}-\d{2})", re.I),
    re.compile(r"(?:current date|date today)\s*(?:is|:)\s*(\d{4}-\d{2}-\d{2})", re.I),
)
#: "Today is Sunday, November 22, 2026" / "today's date: 22 November 2026"
TODAY_WORDS = re.compile(
    r"today(?:'s date)?\s*(?:is|:|=)\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(?:(?P<m1>[a-z]{3,9})\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m2>[a-z]{3,9}))"
    r",?\s+(?P<y>\d{4})", re.I)
#: section markers in a system prompt after which the task's own text (the request) follows
TASK_MARKERS = re.compile(
    r"^\s*(?:request|subtask|task|user request|the request|hidden goal|your hidden goal|goal|conversation|"
    r"user said|customer request|query)\s*:\s*", re.I | re.M)


@dataclass
class ToolResult:
    """One tool message and the call it answers."""

    name: str
    arguments: dict[str, Any]
    content: str
    data: Any
    injected: bool


@dataclass
class Context:
    """Everything the offline model knows about the conversation."""

    request: BirthdayRequest
    today: dt.date
    level: Literal["small", "full"]
    system_text: str
    user_texts: list[str]
    last_user_text: str
    assistant_texts: list[str]
    tool_results: list[ToolResult]
    calls_made: set[str]
    candidate_ids: list[str]
    mentioned_ids: list[str]
    feedback: list[str]
    missing: list[str]
    problems: list[str]
    unknown_city: str | None
    injection_seen: bool
    catalog: Any
    task_texts: list[str] = field(default_factory=list)
    option_ids: list[str] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    #: "conversation" when a message said what day it is, "wall-clock" when the model assumed it
    today_source: str = "conversation"
    #: the model name that answers (set by the brain)
    model: str = ""

    def item(self, item_id: str) -> CatalogItem | None:
        """The catalog item with this id (or an item a tool returned that the catalog lacks), or ``None``."""
        if self.catalog is None:
            return None
        try:
            return self.catalog.get(item_id)
        except (KeyError, TypeError, AttributeError):
            return None

    def candidates(self, category: str | None = None) -> list[CatalogItem]:
        """Trusted candidate items (tool results, option lists), in order of appearance."""
        out = []
        for i in self.candidate_ids:
            item = self.item(i)
            if item is not None and (category is None or item.category == category):
                out.append(item)
        return out

    def searched_categories(self) -> set[str]:
        """Categories some tool result already returned items for."""
        return {it.category for it in self.candidates()}


#: keys under which tool results give an item's id, name and price
ID_KEYS: tuple[str, ...] = ("id", "item_id", "itemId", "product_id", "productId", "sku",
                            *(f"{c}_id" for c in CATEGORIES))
NAME_KEYS: tuple[str, ...] = ("name", "title", "item_name", "product_name", *(f"{c}_name" for c in CATEGORIES))
PRICE_KEYS: tuple[str, ...] = ("price", "unit_price", "price_usd", "cost")


class ToolAwareCatalog:
    """The catalog, plus the items tools returned that it lacks (a custom or fake tool's own items).

    ``get`` answers from the catalog first (its truth wins over a tool's claims about the same id),
    then from the tool items; everything else (``filter``, search, ...) is the catalog's own.
    """

    def __init__(self, catalog: Any, extra: dict[str, CatalogItem]) -> None:
        self._catalog = catalog
        self.extra = dict(extra)

    def get(self, item_id: str) -> CatalogItem | None:
        """The catalog's item with this id, else the tool's, else ``None``."""
        found = _lookup(self._catalog, item_id)
        return found if found is not None else self.extra.get(item_id)

    @property
    def base(self) -> Any:
        """The catalog itself, without the tool items."""
        return self._catalog

    def __getattr__(self, name: str) -> Any:
        return getattr(self._catalog, name)

    def __len__(self) -> int:
        return len(self._catalog)


def _lookup(catalog: Any, item_id: str) -> CatalogItem | None:
    if catalog is None:
        return None
    try:
        return catalog.get(item_id)
    except (KeyError, TypeError, AttributeError):
        return None


def get_catalog() -> Any:
    """The catalog the tools read (shared with :mod:`tutorial_helpers.tools`), or ``None`` if it is missing."""
    try:
        from tutorial_helpers.tools.state import get_catalog as tools_catalog

        return tools_catalog()
    except (ImportError, AttributeError, OSError, ValueError, FileNotFoundError):
        return None


def find_today(texts: list[str]) -> dt.date | None:
    """The date the texts give as today's ("Today is 2026-11-22"), or None when none says it.

    The offline model is a server: it cannot see the caller's clock, exactly like a real model. When
    no message says what day it is, :func:`read_conversation` assumes the machine's date and the
    reply says so (``today_source: "wall-clock"``).
    """
    for text in texts:
        for pat in TODAY_PATTERNS:
            m = pat.search(text or "")
            if m:
                try:
                    return dt.date.fromisoformat(m.group(1))
                except ValueError:
                    continue
        m = TODAY_WORDS.search(text or "")
        if m:
            month = (m["m1"] or m["m2"] or "")[:3].capitalize()
            try:
                return dt.datetime.strptime(f"{m['d1'] or m['d2']} {month} {m['y']}", "%d %b %Y").date()
            except ValueError:
                continue
    return None


def strip_today(text: str) -> str:
    """Drop statements of today's date ("Today is 2026-11-22.") from ``text``.

    Today's date is context, not the party date: the extractor reads every date it sees as the
    date of the event, so "Today is 2026-11-22. ... on 2026-11-28" must reach it without the first one.
    """
    if not text:
        return text
    for pat in (*TODAY_PATTERNS, TODAY_WORDS):
        text = pat.sub(" ", text)
    return text


LABEL = re.compile(r"^\s*[A-Za-z][\w ()/-]{1,40}:", re.M)


def task_sections(system_text: str) -> list[str]:
    """The parts of a system prompt that carry the task's own text (after "Request:", "Subtask:", ...).

    A section ends at the next labelled line ("Proposed plan:", "Options:", ...).
    """
    out = []
    for m in TASK_MARKERS.finditer(system_text):
        rest = system_text[m.end():]
        nxt = LABEL.search(rest)
        out.append(rest[: nxt.start()] if nxt else rest)
    return [s.strip() for s in out if s.strip()]


def embedded_objects(text: str) -> list[Any]:
    """Every JSON object or array embedded in ``text`` (e.g. "Known constraints: {...}")."""
    out = []
    decoder = json.JSONDecoder()
    i = 0
    while i < len(text):
        if text[i] in "{[":
            try:
                obj, end = decoder.raw_decode(text, i)
                out.append(obj)
                i = end
                continue
            except json.JSONDecodeError:
                pass
        i += 1
    return out


def request_from_objects(objects: list[Any]) -> dict[str, Any]:
    """Request fields found in embedded JSON objects (keys of :class:`BirthdayRequest`)."""
    fields: dict[str, Any] = {}
    keys = set(BirthdayRequest.model_fields) - {"today"}
    for obj in objects:
        if isinstance(obj, dict) and len(keys & set(obj)) >= 2:
            for k in keys & set(obj):
                if obj[k] not in (None, [], ""):
                    fields[k] = obj[k]
    return fields


def _ids_in_data(data: Any, catalog: Any, extra: dict[str, CatalogItem] | None = None,
                 hint: str | None = None) -> list[str]:
    """Item ids in a parsed tool result, in order.

    Ids the catalog has count as they are; an id the catalog lacks counts when its object also gives
    a name and a price (a custom tool's own item): it is added to ``extra`` as an item built from
    what the tool said, in category ``hint`` unless the object or the id says otherwise.
    """
    out: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            for k in ID_KEYS:
                v = x.get(k)
                if not isinstance(v, (str, int)) or isinstance(v, bool) or str(v) in out:
                    continue
                v = str(v)
                if has_id(catalog, v):
                    out.append(v)
                elif extra is not None:
                    item = extra.get(v) or tool_item(v, x, hint or _category_of_key(k))
                    if item is not None:
                        extra[v] = item
                        out.append(v)
                break
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(data)
    return out


def _category_of_key(key: str) -> str | None:
    head = key.split("_")[0]
    return head if head in CATEGORIES else None


def _first(d: dict[str, Any], keys: tuple[str, ...], types: tuple[type, ...]) -> Any:
    for k in keys:
        v = d.get(k)
        if isinstance(v, types) and not isinstance(v, bool) and v not in ("", None):
            return v
    return None


def _str_list(v: Any) -> list[str]:
    return [str(x).lower() for x in v if isinstance(x, str)] if isinstance(v, list) else []


def tool_item(item_id: str, d: dict[str, Any], hint: str | None) -> CatalogItem | None:
    """An item built from a tool result's object (id, name, price, ...), or ``None`` if it is not one.

    Its category is the object's own, else the id's prefix ("gift-x1"), else ``hint`` (the category
    the call searched), else "gift". Only what the tool said is kept: nothing is invented.
    """
    name = _first(d, NAME_KEYS, (str,))
    price = _first(d, PRICE_KEYS, (int, float, str))
    try:
        price = float(str(price).replace("$", "").replace(",", "")) if price is not None else None
    except ValueError:
        price = None
    if not name or price is None or price < 0:
        return None
    prefix = item_id.lower().split("-")[0]
    raw_cat = str(d.get("category") or "").lower()
    category = next((c for c in (raw_cat, prefix, hint or "") if c in CATEGORIES), "gift")
    pricing = d.get("pricing") if d.get("pricing") in ("flat", "per_guest", "per_unit") else "flat"
    try:
        rating = min(5.0, max(1.0, float(d.get("rating") or 3.0)))
    except (TypeError, ValueError):
        rating = 3.0
    fields: dict[str, Any] = {
        "id": item_id, "name": _strip_injection(str(name))[:120] or item_id, "category": category,
        "description": _strip_injection(str(d.get("description") or name))[:300], "price": round(price, 2),
        "pricing": pricing, "rating": rating, "review_count": 0,
        "interests": _str_list(d.get("interests")), "allergens": _str_list(d.get("allergens")),
        "diet_tags": _str_list(d.get("diet_tags")), "tags": [*_str_list(d.get("tags")), "tool-result"],
    }
    for key in ("age_min", "age_max", "capacity", "lead_time_days"):
        if isinstance(d.get(key), int) and not isinstance(d.get(key), bool):
            fields[key] = d[key]
    if isinstance(d.get("city"), str) and d["city"].strip():
        fields["city"] = d["city"].strip()
    try:
        return CatalogItem(**fields)
    except ValidationError:
        return None


def _call_category(name: str, args: dict[str, Any]) -> str | None:
    """The category a tool call was about: its ``category`` argument, else a category its name names."""
    cat = str(args.get("category") or "").lower()
    if cat in CATEGORIES:
        return cat
    low = (name or "").lower()
    return next((c for c in CATEGORIES if c in low), None)


def _extract(texts: list[str], today: dt.date, level: str) -> Any:
    """The shared extractor's reading; a text it cannot read at all gives an empty reading, not an error."""
    from tutorial_helpers.extraction import extract_conversation
    from tutorial_helpers.extraction.extract import Extraction

    try:
        return extract_conversation(texts, today, level=level)
    except (ValueError, TypeError, ValidationError) as exc:
        return Extraction(problems=[f"The text could not be read: {exc}"])


def valid_fields(extraction: Any, today: dt.date) -> dict[str, Any]:
    """The request fields an extraction holds that are valid on their own.

    ``Extraction.request`` is ``None`` as soon as one value is invalid (a date in the past); the
    other values in ``Extraction.fields`` are still what the person said, so they are kept.
    """
    if getattr(extraction, "request", None) is not None:
        return extraction.request.model_dump()
    keys = set(BirthdayRequest.model_fields) - {"today"}
    out: dict[str, Any] = {}
    for key, value in (getattr(extraction, "fields", None) or {}).items():
        if key not in keys:
            continue
        try:
            BirthdayRequest.model_validate({key: value, "today": today})
        except ValidationError:
            continue
        out[key] = value
    return out


def read_conversation(req: ChatRequest, level: Literal["small", "full"], role_hint: str | None = None) -> Context:
    """Read a chat request into a :class:`Context`.

    Four readings, one function each: the messages by role and today's date, the tool calls made and
    their results (:func:`read_tool_exchanges`), the item ids by where they came from
    (:func:`read_item_ids`) and the request (:func:`read_request_fields`).

    Args:
        req: the validated chat request.
        level: "small" or "full" understanding (the tier's level).
        role_hint: the detected role; for "user_simulator" the person's facts come from the system
            prompt's goal, not from the (assistant-written) user messages.
    """
    catalog = get_catalog()
    system_text = "\n".join(m.text() for m in req.messages if m.role in ("system", "developer"))
    user_texts = [m.text() for m in req.messages if m.role == "user"]
    assistant_texts = [m.text() for m in req.messages if m.role == "assistant" and m.text()]
    stated = find_today([system_text, *user_texts, *assistant_texts] + [m.text() for m in req.messages
                                                                        if m.role == "tool"])
    # nothing said what day it is: assume the machine's date, and say so in the reply's metadata
    today = stated if stated is not None else dt.date.today()
    tasks = task_sections(system_text)
    calls_made, results = read_tool_exchanges(req)
    ids = read_item_ids(results, system_text, user_texts, assistant_texts, catalog, role_hint)
    catalog = ToolAwareCatalog(catalog, ids.tool_items) if ids.tool_items and catalog is not None else catalog
    if role_hint == "user_simulator":
        person_texts = tasks or [system_text]
    else:
        person_texts = [_strip_listings(_strip_injection(t), catalog) for t in user_texts] + tasks
    extraction, request = read_request_fields([strip_today(t) for t in person_texts], system_text, user_texts,
                                              today, level)
    missing = [f for f in ("recipient_age", "city", "date", "guests", "budget") if getattr(request, f) is None]
    return Context(
        request=request, today=today, level=level, system_text=system_text, user_texts=user_texts,
        last_user_text=user_texts[-1] if user_texts else "", assistant_texts=assistant_texts, tool_results=results,
        calls_made=calls_made, candidate_ids=ids.candidates, mentioned_ids=ids.mentioned,
        feedback=list(extraction.feedback), missing=missing, problems=list(extraction.problems),
        unknown_city=extraction.unknown_city, injection_seen=ids.injection_seen, catalog=catalog,
        task_texts=tasks, option_ids=ids.options, message_ids=ids.in_messages,
        today_source="conversation" if stated is not None else "wall-clock",
    )


def read_tool_exchanges(req: ChatRequest) -> tuple[set[str], list[ToolResult]]:
    """The tool calls the conversation made (as canonical keys) and the tool results it holds."""
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    calls_made: set[str] = set()
    for m in req.messages:
        for c in (m.tool_calls or []) if m.role == "assistant" else []:
            args = c.function.arguments
            try:
                parsed = json.loads(args) if isinstance(args, str) and args.strip() else (args or {})
            except json.JSONDecodeError:
                parsed = {}
            if not isinstance(parsed, dict):
                parsed = {}
            calls[c.id] = (c.function.name, parsed)
            calls_made.add(call_key(c.function.name, parsed))
    results: list[ToolResult] = []
    for m in req.messages:
        if m.role in ("tool", "function"):
            name, args = calls.get(m.tool_call_id or "", (m.name or "", {}))
            content = m.text()
            try:
                data = json.loads(content)
            except (json.JSONDecodeError, TypeError):
                data = None
            results.append(ToolResult(name, args, content, data, bool(INJECTION.search(content))))
    return calls_made, results


@dataclass
class ItemIds:
    """The catalog ids a conversation holds, by where they came from."""

    candidates: list[str] = field(default_factory=list)  # from tool results and option lists
    mentioned: list[str] = field(default_factory=list)  # anywhere in the user's and assistant's words
    options: list[str] = field(default_factory=list)  # handed over as options (system prompt, or task text)
    in_messages: list[str] = field(default_factory=list)  # in the messages, injected sentences left out
    tool_items: dict[str, CatalogItem] = field(default_factory=dict)  # a custom tool's own items
    injection_seen: bool = False


def _add(out: list[str], ids: list[str]) -> None:
    out += [i for i in ids if i not in out]


def read_item_ids(results: list[ToolResult], system_text: str, user_texts: list[str], assistant_texts: list[str],
                  catalog: Any, role_hint: str | None) -> ItemIds:
    """Item ids: candidates come from tool results and option lists, never from injected text."""
    ids = ItemIds()
    for r in results:
        ids.injection_seen |= r.injected
        found = (_ids_in_data(r.data, catalog, ids.tool_items, _call_category(r.name, r.arguments))
                 if r.data is not None else [])
        _add(found, known_ids_in_text(_strip_injection(r.content), catalog))
        _add(ids.candidates, found)
    sys_ids = known_ids_in_text(_strip_injection(system_text), catalog)
    _add(ids.candidates, sys_ids)
    for text in user_texts + assistant_texts:
        ids.injection_seen |= bool(INJECTION.search(text))
        _add(ids.mentioned, known_ids_in_text(text, catalog))
    ids.options = list(sys_ids)
    if role_hint == "selector" and not ids.options:
        # a selector chooses among the options it is handed, wherever the orchestrator put them: some
        # frameworks pass earlier agents' shortlists in the task (user) message, not the system prompt
        for text in user_texts:
            _add(ids.options, known_ids_in_text(_strip_injection(text), catalog))
        _add(ids.candidates, ids.options)
    # ids in the messages that the catalog has (a shortlist the user pasted, items offered before)
    for text in user_texts + assistant_texts:
        _add(ids.in_messages, known_ids_in_text(_strip_injection(text), catalog))
    return ids


def read_request_fields(person_texts: list[str], system_text: str, user_texts: list[str], today: dt.date,
                        level: str) -> tuple[Any, BirthdayRequest]:
    """The extractor over the person's words, plus request JSON embedded anywhere (which wins)."""
    extraction = _extract([t for t in person_texts if t and t.strip()], today, level)
    base = valid_fields(extraction, today)
    embedded = request_from_objects([o for t in [system_text, *user_texts] for o in embedded_objects(t)])
    # structured request data given in the messages is explicit: it wins over what the reader inferred
    merged = {**{k: v for k, v in base.items() if v not in (None, [], "")}, **embedded}
    merged.pop("today", None)
    try:
        request = BirthdayRequest.model_validate({**merged, "today": today})
    except ValidationError:
        try:
            request = BirthdayRequest.model_validate({**base, "today": today}) if base else BirthdayRequest(today=today)
        except ValidationError:
            request = BirthdayRequest(today=today)
    return extraction, request


def _strip_injection(text: str) -> str:
    """Drop the sentences of ``text`` that try to give the model orders."""
    if not text or not INJECTION.search(text):
        return text
    parts = re.split(r"(?<=[.!?\n])\s+", text)
    return " ".join(p for p in parts if not INJECTION.search(p))


def _strip_listings(text: str, catalog: Any) -> str:
    """Drop the lines of ``text`` that list catalog items (shortlists or plans passed along by other agents).

    Item names ("Vegan Dinosaur Cake") are the catalog's words, not the person's: read as the
    request they would add interests or diets nobody asked for.
    """
    if not text or not LOOSE_ID.search(text):
        return text
    return "\n".join(line for line in text.splitlines() if not known_ids_in_text(line, catalog))


def call_key(name: str, args: dict[str, Any]) -> str:
    """A canonical key of one tool call, to never repeat the same call with the same arguments."""
    return name + ":" + json.dumps(args, sort_keys=True, default=str)
