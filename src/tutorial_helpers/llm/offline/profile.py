"""The offline tiers' declared error profiles: how often each simulated model makes each kind of mistake.

Both tiers of the stand-in read a conversation with the *same* reader (:mod:`.understanding`). What
makes ``offline-small`` worse than ``offline-large`` is not a weaker reader written into the code but a
declared, seeded :class:`ErrorProfile`: after the stand-in has understood the conversation and written
its answer, an error layer (:func:`apply_to_context`, :func:`apply_to_reply`) may drop or alter a
constraint it read, invent an item id the catalog lacks, slip in a total, break tool arguments, emit
malformed JSON for a structured call, refuse, or ask a question it did not need to ask. Every error
that fires is named in the response (``"offline_profile": {"errors": [...]}`` in the JSON body, which
OpenAI clients keep as an extra field) and counted in :func:`fired_counts`.

Deterministic: whether an error of kind ``k`` fires for a request is a pure function of the profile,
its ``seed``, the request's ``seed`` parameter, the model name and a stable hash of the request
content (:func:`draw`). The same request always gets the same outcome; different requests draw
independently. Misreadings are keyed on the person's words (system and user messages only), so a
model that misread "a dozen kids" keeps misreading it on every turn of the same tool loop, as a real
model that misread a sentence would. Scaling a profile (:meth:`ErrorProfile.scaled`) keeps the draws:
every error at 1x also fires at 2x, so a curve of pass rate against the scale factor is monotone up to
the guardrail's repairs.

Defaults (rates per call; "misread" rates per call that reads that constraint):

=====================  ============  ============  ======================================================
rate                   offline-large offline-small source
=====================  ============  ============  ======================================================
misread budget         0.02          0.08          assumed; TravelPlanner (Xie et al., ICML 2024): GPT-4
                                                   agents pass hard constraints (budget among them) in
                                                   only a few % of full multi-day plans
misread allergens      0.02          0.08          assumed (same source: agents "lose track of constraints")
misread dietary        0.02          0.08          assumed
misread date           0.03          0.10          assumed (relative dates: "this coming Saturday")
misread guests         0.02          0.08          assumed (counts in words: "a dozen kids")
misread city           0.01          0.04          assumed (an explicit name, rarely missed)
misread age            0.02          0.08          assumed
misread interests      0.03          0.10          assumed
invent_item_id         0.02          0.06          Vectara HHEM leaderboard (Nov 2023): 3.0% hallucinated
                                                   summaries for GPT-4, 5.6-9.4% for 7B models
arithmetic_error       0.02          0.08          assumed; GSM8K: GPT-4 92% (OpenAI 2023), GPT-3.5 57%
                                                   on multi-step word problems (a sum of prices is easier)
bad_tool_args          0.02          0.08          assumed; BFCL (Yan et al. 2024) and ToolBench (Qin et
                                                   al. 2023) report argument errors as the main failure
                                                   of tool calls, far more often for small open models
malformed_output       0.01          0.04          assumed (strict json_schema decoding makes it rare on
                                                   hosted APIs; common for small local models)
refuse                 0.005         0.02          assumed (over-refusal of benign requests)
over_ask               0.02          0.06          assumed (a clarifying question whose answer was given)
=====================  ============  ============  ======================================================

Change them per model, for the whole process (the in-process server reads them on every request)::

    from tutorial_helpers.llm.offline.profile import error_profile, get_error_profile
    with error_profile("offline-small", get_error_profile("offline-small").scaled(2.0)):
        ...                                   # twice as error-prone inside the block
    with error_profile("offline-large", arithmetic_error=0.5):
        ...                                   # one rate changed, the others kept
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.llm.offline.protocol import ChatRequest, Reply
    from tutorial_helpers.llm.offline.understanding import Context

ERROR_SCALE_ENV = "TUTORIAL_OFFLINE_ERROR_SCALE"
#: the constraint kinds a misreading can hit
MISREAD_KINDS: tuple[str, ...] = ("budget", "allergens", "dietary", "date", "guests", "city", "age", "interests")
#: every error kind, as named in the response metadata and in :func:`fired_counts`
ERROR_KINDS: tuple[str, ...] = (*(f"misread_{k}" for k in MISREAD_KINDS), "invent_item_id", "arithmetic_error",
                                "bad_tool_args", "malformed_output", "refuse", "over_ask")
REFUSAL = "I'm sorry, but I can't help with that request."
#: roles that play the evaluation's side (ARCHITECTURE.md, "Conversation and user simulation"),
#: never the model under test
EXEMPT_ROLES: frozenset[str] = frozenset({"user_simulator"})


def _rate() -> Any:
    return Field(default=0.0, ge=0.0, le=1.0)


class ErrorProfile(BaseModel):
    """How often one simulated model makes each kind of mistake (rates per call, between 0 and 1).

    Attributes:
        misread: per constraint kind (budget, allergens, dietary, date, guests, city, age, interests),
            the chance that a call which read that constraint drops or alters it.
        invent_item_id: the chance that an answer naming catalog items names one id the catalog lacks.
        arithmetic_error: the chance that a total the answer states is off.
        bad_tool_args: the chance that a tool-calling reply's arguments break the tool's schema.
        malformed_output: the chance that a structured (``response_format``) reply is not valid JSON.
        refuse: the chance that the model refuses a benign request.
        over_ask: the chance that a conversational reply asks a question whose answer it already has.
        seed: seeds every draw (change it to see another sample of the same rates).
    """

    model_config = ConfigDict(extra="forbid")

    misread: dict[str, float] = Field(default_factory=lambda: dict.fromkeys(MISREAD_KINDS, 0.0))
    invent_item_id: float = _rate()
    arithmetic_error: float = _rate()
    bad_tool_args: float = _rate()
    malformed_output: float = _rate()
    refuse: float = _rate()
    over_ask: float = _rate()
    seed: int = 0

    @field_validator("misread")
    @classmethod
    def _check_misread(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = set(v) - set(MISREAD_KINDS)
        if unknown:
            raise ValueError(f"unknown constraint kinds {sorted(unknown)}: use {', '.join(MISREAD_KINDS)}")
        for k, r in v.items():
            if not 0.0 <= float(r) <= 1.0:
                raise ValueError(f"misread[{k!r}] = {r} is not a rate between 0 and 1")
        return {k: float(v.get(k, 0.0)) for k in MISREAD_KINDS}

    def rate(self, kind: str) -> float:
        """The rate of one error kind (``"misread_budget"``, ``"refuse"``, ...)."""
        if kind.startswith("misread_"):
            return float(self.misread.get(kind[len("misread_"):], 0.0))
        return float(getattr(self, kind))

    def scaled(self, factor: float) -> ErrorProfile:
        """Every rate multiplied by ``factor`` (clipped to 1); ``scaled(0)`` never errs.

        >>> DEFAULT_PROFILES["offline-small"].scaled(2).misread["budget"]
        0.16
        """
        f = max(0.0, float(factor))

        def s(x: float) -> float:
            return round(min(1.0, x * f), 6)

        return ErrorProfile(misread={k: s(v) for k, v in self.misread.items()},
                            **{k: s(getattr(self, k)) for k in _SCALAR_KINDS}, seed=self.seed)

    def table(self) -> list[dict[str, Any]]:
        """One row per error kind: ``{"error": kind, "rate": r}`` (for a DataFrame)."""
        return [{"error": k, "rate": self.rate(k)} for k in ERROR_KINDS]


_SCALAR_KINDS: tuple[str, ...] = ("invent_item_id", "arithmetic_error", "bad_tool_args", "malformed_output",
                                  "refuse", "over_ask")

DEFAULT_PROFILES: dict[str, ErrorProfile] = {
    "offline-large": ErrorProfile(
        misread={"budget": 0.02, "allergens": 0.02, "dietary": 0.02, "date": 0.03, "guests": 0.02, "city": 0.01,
                 "age": 0.02, "interests": 0.03},
        invent_item_id=0.02, arithmetic_error=0.02, bad_tool_args=0.02, malformed_output=0.01, refuse=0.005,
        over_ask=0.02),
    "offline-small": ErrorProfile(
        misread={"budget": 0.08, "allergens": 0.08, "dietary": 0.08, "date": 0.10, "guests": 0.08, "city": 0.04,
                 "age": 0.08, "interests": 0.10},
        invent_item_id=0.06, arithmetic_error=0.08, bad_tool_args=0.08, malformed_output=0.04, refuse=0.02,
        over_ask=0.06),
}

_lock = threading.Lock()
_overrides: dict[str, ErrorProfile] = {}
_fired: Counter[tuple[str, str]] = Counter()


def _name(model: str) -> str:
    from tutorial_helpers.llm.offline.tiers import resolve_tier

    tier = resolve_tier(model)
    if tier is None:
        raise ValueError(f"Unknown offline model {model!r}: use one of {', '.join(DEFAULT_PROFILES)}.")
    return tier.name


def error_scale_from_env() -> float:
    """The factor in ``TUTORIAL_OFFLINE_ERROR_SCALE`` applied to the default profiles (1 when unset).

    For a stand-in in another process (``serve-llm``, a CLI run): ``0`` switches the errors off, ``2``
    doubles them. In this process, :func:`set_error_profile` and :func:`error_profile` take precedence.
    """
    raw = os.environ.get(ERROR_SCALE_ENV, "").strip()
    try:
        return max(0.0, float(raw)) if raw else 1.0
    except ValueError:
        return 1.0


def get_error_profile(model: str) -> ErrorProfile:
    """The error profile the stand-in uses now for ``model`` ("offline-small", "openai/offline-large", ...)."""
    name = _name(model)
    with _lock:
        chosen = _overrides.get(name)
    if chosen is not None:
        return chosen
    scale = error_scale_from_env()
    return DEFAULT_PROFILES[name] if scale == 1.0 else DEFAULT_PROFILES[name].scaled(scale)


def set_error_profile(model: str, profile: ErrorProfile | None) -> None:
    """Use ``profile`` for ``model`` from now on, in this whole process; ``None`` restores the default."""
    name = _name(model)
    with _lock:
        if profile is None:
            _overrides.pop(name, None)
        else:
            _overrides[name] = ErrorProfile.model_validate(profile.model_dump())


@contextlib.contextmanager
def error_profile(model: str, profile: ErrorProfile | None = None, **rates: Any) -> Iterator[ErrorProfile]:
    """Use another profile for ``model`` inside a ``with`` block; the previous one comes back on exit.

    Args:
        model: the offline model name.
        profile: the profile to use (default: the current one).
        **rates: fields to change on top of it (``refuse=0.5``, ``misread={"budget": 0.3}``: a partial
            ``misread`` keeps the other kinds' rates).

    Yields:
        The profile in force inside the block.
    """
    name = _name(model)
    with _lock:
        previous = _overrides.get(name)
    base = (profile or get_error_profile(name)).model_dump()
    if "misread" in rates:
        base["misread"] = {**base["misread"], **rates.pop("misread")}
    new = ErrorProfile.model_validate({**base, **rates})
    set_error_profile(name, new)
    try:
        yield new
    finally:
        set_error_profile(name, previous)


def fired_counts(model: str | None = None) -> dict[str, int]:
    """How many simulated errors of each kind fired in this process (for one model, or all)."""
    with _lock:
        out: Counter[str] = Counter()
        for (m, kind), n in _fired.items():
            if model is None or m == _name(model):
                out[kind] += n
    return dict(out)


def reset_fired_counts() -> None:
    """Start counting fired errors from zero."""
    with _lock:
        _fired.clear()


def _record(model: str, kinds: list[str]) -> None:
    with _lock:
        for k in kinds:
            _fired[(model, k)] += 1


# -- the draws -----------------------------------------------------------------------------------------
def content_hash(obj: Any) -> str:
    """A stable hash of JSON-able content (key order does not matter)."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def uniform(profile: ErrorProfile, request_seed: int, model: str, content: str, kind: str) -> float:
    """The uniform draw in [0, 1) of one error kind for one request: a pure function of its arguments."""
    h = hashlib.sha256(f"{profile.seed}|{request_seed}|{model}|{content}|{kind}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def draw(profile: ErrorProfile, request_seed: int, model: str, content: str, kind: str) -> bool:
    """Whether an error of ``kind`` fires: ``uniform(...) < profile.rate(kind)``."""
    r = profile.rate(kind)
    return r > 0 and uniform(profile, request_seed, model, content, kind) < r


class Draws:
    """The error draws of one request: which kinds fire, and the record of those that did."""

    def __init__(self, request: ChatRequest, model: str, role: str) -> None:
        self.model = model
        self.role = role
        self.profile = get_error_profile(model)
        self.seed = _int(getattr(request, "seed", None) or (request.model_extra or {}).get("seed"))
        msgs = [m.model_dump(exclude_none=True) for m in request.messages]
        self.words = content_hash([m for m in msgs if m.get("role") in ("system", "developer", "user")])
        self.full = content_hash({"messages": msgs, "tools": request.tools, "tool_choice": request.tool_choice,
                                  "response_format": request.response_format})
        self.fired: list[str] = []
        self.exempt = role in EXEMPT_ROLES

    def fires(self, kind: str) -> bool:
        """Whether ``kind`` fires for this request (misreadings keyed on the person's words)."""
        if self.exempt:
            return False
        content = self.words if kind.startswith("misread_") else self.full
        return draw(self.profile, self.seed, self.model, content, kind)

    def u(self, kind: str) -> float:
        """A second uniform number for ``kind`` (which variant of the error), deterministic as well."""
        return uniform(self.profile, self.seed, self.model, self.full + "#variant", kind)

    def fire(self, kind: str) -> None:
        self.fired.append(kind)

    def done(self) -> list[str]:
        """The kinds that fired; recorded in :func:`fired_counts`."""
        _record(self.model, self.fired)
        return list(self.fired)


def _int(v: Any) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0


# -- the error layer: on what the model understood -------------------------------------------------------
_FIELD_OF_KIND = {"budget": "budget", "allergens": "avoid_allergens", "dietary": "dietary", "date": "date",
                  "guests": "guests", "city": "city", "age": "recipient_age", "interests": "interests"}


def apply_to_context(ctx: Context, draws: Draws) -> None:
    """Drop or alter constraints the model read, as its profile says (changes ``ctx.request`` in place).

    Only constraints the conversation states can be misread. A misreading either drops the constraint
    or alters it: a budget read 25% higher, a guest count read 4 lower, the date a day later, an age off
    by 2, one of several allergens or diets forgotten.
    """
    import datetime as dt

    from tutorial_helpers.domain import BirthdayRequest

    req = ctx.request
    update: dict[str, Any] = {}
    for kind in MISREAD_KINDS:
        name = _FIELD_OF_KIND[kind]
        value = getattr(req, name, None)
        if value in (None, [], "") or not draws.fires(f"misread_{kind}"):
            continue
        alter = draws.u(f"misread_{kind}") < 0.5
        if kind == "budget":
            update[name] = round(value * 1.25, 2) if alter else None
        elif kind == "guests":
            update[name] = max(1, value - 4) if alter else None
        elif kind == "date":
            update[name] = value + dt.timedelta(days=1) if alter else None
        elif kind == "age":
            update[name] = value + 2 if alter and value + 2 <= 120 else None
        elif isinstance(value, list):
            update[name] = list(value[1:]) if alter and len(value) > 1 else []
        else:
            update[name] = None
        draws.fire(f"misread_{kind}")
    if not update:
        return
    try:
        ctx.request = BirthdayRequest.model_validate({**req.model_dump(), **update})
    except ValueError:  # an altered value that does not validate: the constraint is dropped instead
        dropped = {k: ([] if isinstance(getattr(req, k), list) else None) for k in update}
        ctx.request = BirthdayRequest.model_validate({**req.model_dump(), **dropped})
    ctx.missing = [f for f in ("recipient_age", "city", "date", "guests", "budget") if getattr(ctx.request, f) is None]


# -- the error layer: on the answer ------------------------------------------------------------------------
_ID = re.compile(r"\b(gift|cake|venue|activity|decoration|food|experience)-[a-z0-9]+(?:-[a-z0-9]+)*\b")
_TOTAL_KEY = re.compile(r"total", re.I)
_TOTAL_TEXT = re.compile(r"(total[^$\d\n]{0,30}\$\s?)(\d[\d,]*(?:\.\d+)?)", re.I)


def _invented(item_id: str, ctx: Context | None) -> str:
    for suffix in ("x", "x2", "x3", "zz"):
        cand = f"{item_id}{suffix}"
        if ctx is None or ctx.item(cand) is None:
            return cand
    return item_id + "-unknown"


def _slip(x: float) -> float:
    """An arithmetic slip: a tenth of the total forgotten (a line left out of the sum)."""
    return round(x * 0.9, 2)


def _walk_json(obj: Any, fn_id: Any, fn_total: Any, key: str = "") -> Any:
    if isinstance(obj, dict):
        return {k: _walk_json(v, fn_id, fn_total, k) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_walk_json(v, fn_id, fn_total, key) for v in obj]
    if isinstance(obj, str):
        return fn_id(obj)
    if isinstance(obj, (int, float)) and not isinstance(obj, bool) and _TOTAL_KEY.search(key or ""):
        return fn_total(obj)
    return obj


def apply_to_reply(reply: Reply, request: ChatRequest, ctx: Context | None, draws: Draws) -> Reply:
    """Apply the answer-side errors to ``reply`` (a new :class:`~.protocol.Reply`; ``reply`` is kept).

    Order: refuse (the whole answer), then for tool calls bad arguments; for text or JSON an invented id,
    an arithmetic slip in a stated total, an unnecessary question (plain text only), malformed JSON
    (structured replies only).
    """
    from tutorial_helpers.llm.offline.protocol import Reply

    rf = (request.response_format or {}).get("type")
    structured = rf in ("json_schema", "json_object")
    if draws.fires("refuse"):
        draws.fire("refuse")
        if rf == "json_schema":  # as OpenAI's structured outputs refuse: message.refusal, no content
            return Reply(content=REFUSAL, refusal=REFUSAL, finish_reason="stop")
        return Reply(content=REFUSAL, finish_reason="stop")
    if reply.tool_calls:
        if draws.fires("bad_tool_args"):
            draws.fire("bad_tool_args")
            calls = list(reply.tool_calls)
            name, _ = calls[0]
            calls[0] = (name, json.dumps({"unexpected_argument": True, "k": "many"}))
            return Reply(content=reply.content, tool_calls=calls, finish_reason=reply.finish_reason)
        return reply
    content = reply.content or ""
    invent = draws.fires("invent_item_id") and _ID.search(content) is not None
    slip = draws.fires("arithmetic_error")
    state = {"invented": False, "slipped": False}

    def fn_id(s: str) -> str:
        if not invent or state["invented"]:
            return s
        m = _ID.search(s)
        if not m:
            return s
        state["invented"] = True
        return s[: m.start()] + _invented(m.group(0), ctx) + s[m.end():]

    def fn_total(x: float) -> float:
        if not slip or state["slipped"]:
            return x
        state["slipped"] = True
        return _slip(float(x))

    parsed: Any = None
    if structured:
        try:
            parsed = json.loads(content)
        except json.JSONDecodeError:
            parsed = None
    if parsed is not None:
        new = _walk_json(parsed, fn_id, fn_total)
        content = json.dumps(new, ensure_ascii=False) if new != parsed else content
    else:
        content = fn_id(content)
        if slip:
            m = _TOTAL_TEXT.search(content)
            if m:
                amount = float(m.group(2).replace(",", ""))
                content = content[: m.start(2)] + f"{_slip(amount):,.2f}" + content[m.end(2):]
                state["slipped"] = True
    if state["invented"]:
        draws.fire("invent_item_id")
    if state["slipped"]:
        draws.fire("arithmetic_error")
    if not structured and content and draws.fires("over_ask"):
        draws.fire("over_ask")
        content = _needless_question(ctx)
    if structured and content and draws.fires("malformed_output"):
        draws.fire("malformed_output")
        content = content[: max(1, len(content) // 2)].rstrip("}] \n") + ', "'
    if content == (reply.content or ""):
        return reply
    return Reply(content=content, tool_calls=reply.tool_calls, finish_reason=reply.finish_reason)


def _needless_question(ctx: Context | None) -> str:
    """A clarifying question about something the conversation already says (or a generic one)."""
    r = getattr(ctx, "request", None)
    if r is not None and r.budget:
        return f"Before I go on: just to confirm, is your budget ${r.budget:,.0f}?"
    if r is not None and r.guests:
        return f"Before I go on: just to confirm, how many guests - {r.guests}?"
    if r is not None and r.city:
        return f"Before I go on: just to confirm, the party is in {r.city}?"
    return "Before I go on, could you tell me a little more about what you need?"
