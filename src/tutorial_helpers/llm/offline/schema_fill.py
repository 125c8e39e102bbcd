"""Fill any JSON schema from what the offline model knows (``response_format`` and output tools).

The filler walks the schema (objects, arrays, enums, ``$ref``/``$defs``, ``anyOf`` with null,
``required``, ``additionalProperties: false``, string formats) and fills each field by its name:
request fields (recipient_name, age, city, date, guests, budget, interests, allergens, ...) from the
understood request, arrays of items or ids with a grounded selection (one catalog item per needed
category), verdict fields with the critic's findings, and unknown free text with a short sentence.
The result always validates against the schema.
"""

from __future__ import annotations

import re
from typing import Any

from tutorial_helpers.domain import CATEGORIES, CatalogItem, PlanItem
from tutorial_helpers.llm.offline import grounding as g
from tutorial_helpers.llm.offline.understanding import Context

ITEM_LIST_NAMES = re.compile(r"item|choice|selection|pick|recommend|product|candidate|option|plan|line|result|sku|"
                             + "|".join(CATEGORIES), re.I)
ITEM_KEYS = {"id", "itemid", "productid", "sku"}
_CATS = "|".join(CATEGORIES)
#: a field about one chosen item, by its normalised name: "item_id", "gift_id", "product_name", "cake_price"
ITEM_FIELD = re.compile(
    rf"(?P<pre>(?:selected|chosen|recommended|best|top|picked|final)?(?:item|product|{_CATS}|pick|choice|selection)?)"
    r"(?P<what>id|sku|name|title|price|unitprice)")
_MISSING = object()


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


class SchemaFiller:
    """Fills one schema for one conversation; ``fill()`` returns the JSON value."""

    def __init__(self, schema: dict[str, Any], ctx: Context, role: str = "assistant") -> None:
        self.root = schema
        self.ctx = ctx
        self.role = role
        self._plan: list[PlanItem] | None = None
        self._stack: list[PlanItem] = []
        self._depth = 0

    # -- what we know -------------------------------------------------------------------------------
    def plan(self) -> list[PlanItem]:
        if self._plan is None:
            self._plan = g.select_plan(self.ctx)
        return self._plan

    def choice(self, category: str | None = None) -> PlanItem | None:
        """The one item a single-item field names: a plan item a tool returned, else one named in the
        messages, else the plan's first (of ``category`` when given). Always a grounded item."""
        plan = [p for p in self.plan() if category in (None, p.category)]
        if not plan and category is not None:
            plan = g.select_plan(self.ctx, [category])
        for trusted in (self.ctx.candidate_ids, self.ctx.message_ids):
            for p in plan:
                if p.id in trusted:
                    return p
        return plan[0] if plan else None

    def _item_field(self, n: str) -> Any:
        """The value of a field about one chosen item ("gift_id", "product_name"), ``_MISSING`` if not one."""
        m = ITEM_FIELD.fullmatch(n)
        if m is None or not m["pre"] and (not self._stack or m["what"] not in ("id", "sku")):
            return _MISSING
        cat = next((c for c in CATEGORIES if c in m["pre"]), None)
        p = self._stack[-1] if self._stack and cat in (None, self._stack[-1].category) else self.choice(cat)
        if p is None:
            return _MISSING
        return {"id": p.id, "sku": p.id, "name": p.name, "title": p.name, "price": p.unit_price,
                "unitprice": p.unit_price}[m["what"]]

    def critic(self) -> list[str]:
        from tutorial_helpers.llm.offline.roles import critic_problems

        return critic_problems(self.ctx) if g.plan_items_in_text(self.ctx) else []

    def known(self, name: str) -> Any:
        """The value known for a field called ``name`` (``_MISSING`` when nothing fits)."""
        n = _norm(name)
        r = self.ctx.request
        item_value = self._item_field(n)
        if item_value is not _MISSING:
            return item_value
        if self._stack:
            p = self._stack[-1]
            item = self.ctx.item(p.id)
            table: dict[str, Any] = {
                "id": p.id, "itemid": p.id, "productid": p.id, "sku": p.id, "name": p.name, "itemname": p.name,
                "title": p.name, "productname": p.name, "category": p.category, "type": p.category,
                "price": p.unit_price, "unitprice": p.unit_price, "pricing": p.pricing, "quantity": p.quantity,
                "qty": p.quantity, "subtotal": p.subtotal, "cost": p.subtotal, "totalprice": p.subtotal,
                "lineprice": p.subtotal, "why": p.why, "reason": p.why, "rationale": p.why, "explanation": p.why,
                "justification": p.why, "description": item.description if item else p.why,
                "city": item.city if item else None, "rating": item.rating if item else None,
            }
            if n in table:
                return table[n]
        total = round(sum(p.subtotal for p in self.plan()), 2) if self._wants_plan_total(n) else None
        table = {
            "recipientname": r.recipient_name, "name": r.recipient_name, "childname": r.recipient_name,
            "person": r.recipient_name, "recipient": r.recipient_name, "birthdayperson": r.recipient_name,
            "age": r.recipient_age, "recipientage": r.recipient_age, "city": r.city, "location": r.city,
            "date": r.date.isoformat() if r.date else None, "partydate": r.date.isoformat() if r.date else None,
            "eventdate": r.date.isoformat() if r.date else None, "guests": r.guests, "guestcount": r.guests,
            "numguests": r.guests, "numberofguests": r.guests, "headcount": r.guests, "mincapacity": r.guests,
            "budget": r.budget, "maxbudget": r.budget, "budgetusd": r.budget, "totalbudget": r.budget,
            "interests": r.interests, "hobbies": r.interests, "likes": r.interests, "dislikes": r.dislikes,
            "avoidallergens": r.avoid_allergens, "allergens": r.avoid_allergens, "allergies": r.avoid_allergens,
            "dietary": r.dietary, "diet": r.dietary, "diettags": r.dietary, "dietaryrestrictions": r.dietary,
            "categories": g.needed_categories(self.ctx), "currency": r.currency,
            "restrictedcategories": r.categories, "requestedcategories": r.categories,
            "today": self.ctx.today.isoformat(), "totalcost": total, "total": total, "estimatedtotal": total,
            "totalprice": total, "estimatedcost": total,
        }
        if n in table:
            return table[n]
        return _MISSING

    @staticmethod
    def _wants_plan_total(n: str) -> bool:
        return n in ("totalcost", "total", "estimatedtotal", "totalprice", "estimatedcost")

    def sentence(self, name: str) -> str:
        """Free text for a field called ``name``: the role's own text when the name says what it is."""
        text = self.specific_sentence(name)
        if text is not None:
            return text
        words = re.sub(r"[_\-]+", " ", name).strip()
        return f"{words.capitalize()} chosen to fit the request." if words else "Chosen to fit the request."

    def specific_sentence(self, name: str) -> str | None:
        """The text for a field whose name says what it holds (verdict, question, summary, ...), else ``None``."""
        n = _norm(name)
        if self.role == "router" or n in ("route", "tier", "model", "choice", "decision"):
            from tutorial_helpers.llm.offline.roles import write_router

            if self.role == "router":
                return write_router(self.ctx)
        if n in ("verdict", "decision", "status", "feedback", "critique", "review"):
            problems = self.critic()
            return "APPROVED" if not problems else "; ".join(problems)
        if n in ("question", "nextquestion", "clarifyingquestion", "followup"):
            from tutorial_helpers.llm.offline.roles import write_asker

            return write_asker(self.ctx)
        if n in ("summary",):
            from tutorial_helpers.llm.offline.roles import write_summarizer

            return write_summarizer(self.ctx)
        if n in ("explanation", "reasoning", "rationale", "why", "reason", "justification", "notes"):
            items = self.plan()
            if items:
                return " ".join(p.why for p in items)[:600]
            return "Chosen to fit the request's constraints."
        if n in ("message", "answer", "response", "reply", "content", "text", "output", "result"):
            from tutorial_helpers.llm.offline.roles import write

            return write(self.role, self.ctx)
        if n in ("framework",):
            return "offline"
        if n in ("provider",):
            return "offline"
        if n in ("model",):
            return self.ctx.model or "offline-large"
        if n in ("time",):
            return "14:00"
        if n in ("what",):
            return "Party starts"
        return None

    # -- the walk -------------------------------------------------------------------------------------
    def resolve(self, schema: Any) -> dict[str, Any]:
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema and seen < 20:
            ref = schema["$ref"]
            target: Any = self.root
            for part in ref.lstrip("#/").split("/"):
                if part:
                    target = (target.get(part.replace("~1", "/").replace("~0", "~"), {})
                              if isinstance(target, dict) else {})
            merged = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            schema, seen = merged, seen + 1
        return schema if isinstance(schema, dict) else {}

    def fill(self) -> Any:
        return self.value(self.root, "", required=True)

    def value(self, schema: Any, name: str, required: bool = True) -> Any:
        schema = self.resolve(schema)
        self._depth += 1
        try:
            if self._depth > 12:
                return self._minimal(schema)
            return self._value(schema, name, required)
        finally:
            self._depth -= 1

    def _value(self, schema: dict[str, Any], name: str, required: bool) -> Any:
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return self.enum(schema["enum"], name)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                branches = [self.resolve(b) for b in schema[key]]
                nullable = any(b.get("type") == "null" for b in branches)
                non_null = [b for b in branches if b.get("type") != "null"]
                k = self.known(name)
                if nullable and (k is _MISSING or k is None or k == []) and not self._always_fill(name, non_null):
                    return None
                return self.value(self._pick_branch(non_null, k), name, required)
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                merged.update(self.resolve(part))
            return self.value(merged, name, required)
        typ = schema.get("type")
        if isinstance(typ, list):
            non_null = [t for t in typ if t != "null"]
            k = self.known(name)
            if ("null" in typ and (k is _MISSING or k is None or k == [])
                    and not self._always_fill(name, [{"type": t} for t in non_null])):
                return None
            typ = non_null[0] if non_null else "null"
        if typ is None:
            typ = "object" if "properties" in schema else ("array" if "items" in schema else "string")
        return getattr(self, f"_{typ}", self._string)(schema, name)

    def _always_fill(self, name: str, branches: list[dict[str, Any]]) -> bool:
        """Arrays of items and objects are worth filling even when no request field is called ``name``."""
        for b in branches:
            t = b.get("type")
            if t == "array" and self._array_kind(b, name) in ("items", "ids"):
                return True
            if t == "object" or "properties" in b:
                return True
        return False

    def _pick_branch(self, branches: list[dict[str, Any]], known: Any) -> dict[str, Any]:
        kinds = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}
        want = kinds.get(type(known))
        for b in branches:
            if want and b.get("type") == want:
                return b
            if want == "integer" and b.get("type") == "number":
                return b
        return branches[0] if branches else {"type": "null"}

    def enum(self, options: list[Any], name: str) -> Any:
        k = self.known(name)
        if self._stack and _norm(name) in ("category", "type"):
            k = self._stack[-1].category
        wanted = [k] if not isinstance(k, list) else k
        for w in wanted:
            for o in options:
                if isinstance(o, str) and isinstance(w, str) and o.lower() == w.lower():
                    return o
                if o == w and w is not _MISSING:
                    return o
        if self.role == "router":
            from tutorial_helpers.llm.offline.roles import difficulty

            level = difficulty(self.ctx)
            for o in options:
                if isinstance(o, str) and level in o.lower():
                    return o
        from tutorial_helpers.llm.offline.roles import choose_enum

        picked = choose_enum(self.ctx, options)
        if picked is not None:
            return picked
        if any(isinstance(o, str) and o.upper() in ("APPROVED", "APPROVE") for o in options):
            ok = not self.critic()
            for o in options:
                if isinstance(o, str) and (o.upper().startswith("APPROV") == ok):
                    return o
        return options[0] if options else None

    def _object(self, schema: dict[str, Any], name: str) -> dict[str, Any]:
        props: dict[str, Any] = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        out: dict[str, Any] = {}
        chosen = self._object_item(props)
        if chosen is not None:
            self._stack.append(chosen)
        try:
            for prop, sub in props.items():
                v = self.value(sub, prop, prop in required)
                if v is None and prop not in required and not self._nullable(sub):
                    continue
                out[prop] = v
        finally:
            if chosen is not None:
                self._stack.pop()
        if not props and isinstance(schema.get("additionalProperties"), dict):
            return {}
        return out

    def _object_item(self, props: dict[str, Any]) -> PlanItem | None:
        """For an object about one item (one id field, like ``{item_id, name, price, reason}``), that item."""
        if self._stack:
            return None
        id_props = [p for p in props if (m := ITEM_FIELD.fullmatch(_norm(p))) and m["what"] in ("id", "sku")]
        if len(id_props) != 1 or self.resolve(props[id_props[0]]).get("type") not in ("string", None):
            return None
        pre = ITEM_FIELD.fullmatch(_norm(id_props[0]))["pre"]  # type: ignore[index]
        cat = next((c for c in CATEGORIES if c in pre), None)
        return self.choice(cat)

    def _nullable(self, schema: Any) -> bool:
        s = self.resolve(schema)
        t = s.get("type")
        if t == "null" or (isinstance(t, list) and "null" in t):
            return True
        return any(self.resolve(b).get("type") == "null" for b in s.get("anyOf", []) + s.get("oneOf", []))

    def _array_kind(self, schema: dict[str, Any], name: str) -> str:
        items = self.resolve(schema.get("items") or {})
        n = _norm(name)
        props = {_norm(p) for p in (items.get("properties") or {})}
        if props & ITEM_KEYS or any((m := ITEM_FIELD.fullmatch(p)) and m["what"] in ("id", "sku") for p in props):
            return "items"
        if items.get("type") == "string" and ("ids" in n or n.endswith("id") or "items" in n or "sku" in n) \
                and ITEM_LIST_NAMES.search(name or ""):
            return "ids"
        if items.get("type") == "string" and n in ("itemids", "ids", "selectedids", "productids", "recommendedids"):
            return "ids"
        return "other"

    def _array(self, schema: dict[str, Any], name: str) -> list[Any]:
        kind = self._array_kind(schema, name)
        items_schema = schema.get("items") or {}
        lo = int(schema.get("minItems", 0) or 0)
        hi = schema.get("maxItems")
        out: list[Any]
        if kind == "items":
            out = []
            for p in self.plan():
                self._stack.append(p)
                try:
                    out.append(self.value(items_schema, "item"))
                finally:
                    self._stack.pop()
        elif kind == "ids":
            cat = next((c for c in CATEGORIES if c in _norm(name)), None)
            chosen = [p for p in self.plan() if cat in (None, p.category)]
            if not chosen and cat is not None:
                chosen = g.select_plan(self.ctx, [cat])
            out = [p.id for p in chosen]
        else:
            n = _norm(name)
            k = self.known(name)
            resolved = self.resolve(items_schema)
            if isinstance(k, list):
                out = [self._coerce(x, resolved) for x in k]
                out = [x for x in out if x is not _MISSING]
            elif n in ("problems", "issues", "violations", "errors"):
                out = [self._coerce(p, resolved) for p in self.critic()]
                out = [x for x in out if x is not _MISSING]
            elif n in ("questions",):
                from tutorial_helpers.llm.offline.roles import write_asker

                out = [write_asker(self.ctx)] if resolved.get("type") == "string" else []
            elif n == "schedule" and self.plan():
                out = [self.value(items_schema, "entry")]
            else:
                out = []
        while len(out) < lo:
            out.append(self.value(items_schema, _singular(name)))
        if hi is not None:
            out = out[: int(hi)]
        if schema.get("uniqueItems"):
            uniq: list[Any] = []
            for x in out:
                if x not in uniq:
                    uniq.append(x)
            out = uniq
        return out

    def _coerce(self, x: Any, schema: dict[str, Any]) -> Any:
        if "enum" in schema:
            for o in schema["enum"]:
                if isinstance(o, str) and isinstance(x, str) and o.lower() == x.lower():
                    return o
            return _MISSING
        t = schema.get("type")
        if t == "string":
            return str(x)
        if t in ("integer", "number"):
            try:
                return int(x) if t == "integer" else float(x)
            except (TypeError, ValueError):
                return _MISSING
        if t == "object" or "properties" in schema:
            return self.value(schema, "entry")
        return x

    def _string(self, schema: dict[str, Any], name: str) -> str:
        k = self.known(name)
        fmt = schema.get("format")
        if fmt == "date":
            if isinstance(k, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", k):
                return k
            r = self.ctx.request
            return (r.date or self.ctx.today).isoformat()
        if fmt == "date-time":
            return (self.ctx.request.date or self.ctx.today).isoformat() + "T14:00:00Z"
        if k is not _MISSING and k is not None and not isinstance(k, (list, dict)):
            text = k if isinstance(k, str) else (f"{k:g}" if isinstance(k, float) else str(k))
        else:
            text = self.sentence(name)
        lo, hi = schema.get("minLength"), schema.get("maxLength")
        if hi is not None:
            text = text[: int(hi)]
        if lo is not None and len(text) < int(lo):
            text = text + "." * (int(lo) - len(text))
        pattern = schema.get("pattern")
        if pattern and not re.search(pattern, text):
            text = _from_pattern(pattern, text)
        return text

    def _number(self, schema: dict[str, Any], name: str) -> float:
        k = self.known(name)
        value = float(k) if isinstance(k, (int, float)) and not isinstance(k, bool) else 0.0
        return float(self._bound(value, schema))

    def _integer(self, schema: dict[str, Any], name: str) -> int:
        k = self.known(name)
        value = int(k) if isinstance(k, (int, float)) and not isinstance(k, bool) else 0
        if value == 0 and _norm(name) in ("k", "limit", "topk", "n", "count"):
            value = 3
        return int(self._bound(value, schema))

    @staticmethod
    def _bound(value: float, schema: dict[str, Any]) -> float:
        if "minimum" in schema and value < schema["minimum"]:
            value = schema["minimum"]
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            value = schema["exclusiveMinimum"] + 1
        if "maximum" in schema and value > schema["maximum"]:
            value = schema["maximum"]
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            value = schema["exclusiveMaximum"] - 1
        return value

    def _boolean(self, schema: dict[str, Any], name: str) -> bool:
        n = _norm(name)
        if n in ("approved", "ok", "valid", "isvalid", "passes", "passed", "accept", "accepted"):
            return not self.critic()
        if n in ("feasible", "isfeasible", "possible", "satisfied", "done", "complete"):
            return bool(self.plan()) and not self.ctx.problems
        if n in ("needsclarification", "needsmoreinfo", "missinginfo", "askuser"):
            return bool(self.ctx.missing)
        return False

    def _null(self, schema: dict[str, Any], name: str) -> None:
        return None

    def _minimal(self, schema: dict[str, Any]) -> Any:
        t = schema.get("type")
        return {"object": {}, "array": [], "string": "", "integer": 0, "number": 0.0, "boolean": False}.get(
            t if isinstance(t, str) else "null")


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def _from_pattern(pattern: str, fallback: str) -> str:
    if "\\d{4}-\\d{2}-\\d{2}" in pattern:
        return "2026-01-01"
    return fallback


def fill_schema(schema: dict[str, Any], ctx: Context, role: str = "assistant") -> Any:
    """Return a JSON value for ``schema`` filled from the conversation (see the module docstring).

    Args:
        schema: a JSON schema (as in ``response_format.json_schema.schema`` or tool ``parameters``).
        ctx: the understood conversation.
        role: the detected role (routers fill their choice, critics their verdict).
    """
    return SchemaFiller(schema, ctx, role).fill()


def item_fields(item: CatalogItem) -> dict[str, Any]:
    """A compact, grounded view of an item for free-form JSON answers."""
    return {"id": item.id, "name": item.name, "category": item.category, "price": item.price, "pricing": item.pricing}
