"""Three ways to explain a plan, and the metrics that compare them (notebook 09).

* ``template`` — code fills a fixed sentence per item from catalog attributes: no model call, always
  faithful, but generic (it says nothing about what the user cares about unless a field happens to).
* ``single_call`` — one model call as an *explainer*; fluent and personal, but nothing checks it.
* ``carts`` — a CARTS-style team (Chen et al., 2025, "Collaborative Agents for Recommendation
  Textual Summarization"): a **generator** drafts, a **feedback agent** checks every claim against the
  catalog (:mod:`.claims`) and the coverage of what the user said they care about, and a **refiner**
  rewrites under a length budget, keeping sentences about the user's stated interests and constraints
  first. Generator and refiner are model calls; the feedback agent is code (a claim checker is a
  deterministic job) plus one model call that phrases the feedback for the refiner.

**Making the model worse.** The offline stand-in is a program: its explainer writes grounded
sentences. To show what an unfaithful model does, :func:`inject_hallucinations` adds false claims to a
model's draft at a seeded ``hallucination_rate`` (one per item sentence, with that probability): "this
cake is nut-free" for a cake with nuts, a capacity the venue does not have, an interest the item is
not tagged with, a wrong price. This knob lives here, in code we own, until
``tutorial_helpers.llm.offline.profile`` (``ErrorProfile``, ``error_profile(model, profile=None,
**rates)``, ``ErrorProfile.scaled(factor)``) lands on main; then :func:`model_errors` becomes a thin
wrapper over that context manager and the sweep passes ``ErrorProfile.scaled(factor)`` instead of a
rate. With a real model (a key set) the injected rate can be set to 0 and the model's own errors are
measured.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tutorial_helpers import clock, prompts
from tutorial_helpers.domain import FOOD_CATEGORIES, INTERESTS, BirthdayPlan, BirthdayRequest, CatalogItem, Usage
from tutorial_helpers.patterns.explanations.claims import (
    ClaimReport,
    check_explanation,
    repair_explanation,
    split_sentences,
)

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

STRATEGIES: tuple[str, ...] = ("template", "single_call", "carts")

# ---------------------------------------------------------------------------------------------
# What the user cares about, and how much of it an explanation covers
# ---------------------------------------------------------------------------------------------


def facets(request: BirthdayRequest, cares_about: list[str] | None = None) -> dict[str, tuple[str, ...]]:
    """What the user said they care about, each with the words that show it is covered.

    Interests ("dinosaurs"), allergens to avoid, diets, the budget, the guest count, plus anything in
    ``cares_about`` (free words such as "price" or "outdoors").
    """
    out: dict[str, tuple[str, ...]] = {}
    for i in request.interests:
        out[i] = (i, i.rstrip("s"))
    for a in sorted(request.effective_allergens()):
        stem = {"peanuts": "peanut", "tree nuts": "nut", "eggs": "egg"}.get(a, a)
        out[f"no {a}"] = (a, stem, f"{stem}-free", "allergen")
    for d in request.dietary:
        out[d] = (d,)
    if request.budget is not None:
        out["budget"] = ("budget", "$")
    if request.guests is not None:
        out["guests"] = (f"{request.guests}", "guests", "seats")
    for c in cares_about or []:
        out.setdefault(c, (c,))
    return out


def coverage(text: str, request: BirthdayRequest, cares_about: list[str] | None = None) -> float:
    """Share of the user's stated interests and constraints that ``text`` mentions (1.0 when none)."""
    fs = facets(request, cares_about)
    if not fs:
        return 1.0
    low = (text or "").lower()
    return sum(1 for words in fs.values() if any(w.lower() in low for w in words)) / len(fs)


def uncovered(text: str, request: BirthdayRequest, cares_about: list[str] | None = None) -> list[str]:
    low = (text or "").lower()
    return [name for name, words in facets(request, cares_about).items() if not any(w.lower() in low for w in words)]


# ---------------------------------------------------------------------------------------------
# The "worse model" knob
# ---------------------------------------------------------------------------------------------


def false_claim(item: CatalogItem, request: BirthdayRequest, rng: random.Random) -> str:
    """One false sentence about ``item`` (what an unfaithful model writes), chosen with ``rng``."""
    options: list[str] = []
    if item.category in FOOD_CATEGORIES:
        nuts = {"peanuts", "tree nuts"} & set(item.allergens)
        if nuts:
            options.append(f"This {item.category} is nut-free.")
        if "vegan" not in item.diet_tags:
            options.append(f"The {item.category} is vegan.")
        if "gluten" in item.allergens:
            options.append(f"The {item.category} is gluten-free.")
    if item.category == "venue" and item.capacity:
        options.append(f"The venue seats {item.capacity + 20 + rng.randrange(30)} guests.")
    if item.interests or item.category == "gift":
        other = [i for i in request.interests if i not in item.interests] or \
                [i for i in INTERESTS[:20] if i not in item.interests]
        if other:
            options.append(f"It matches the love of {rng.choice(other)}.")
    options.append(f"It costs only ${max(1.0, round(item.price * 0.6, 2)):,.2f}.")
    return rng.choice(options)


def inject_hallucinations(text: str, items: list[CatalogItem], request: BirthdayRequest, rate: float,
                          seed: int = 0) -> str:
    """Add a false claim after each sentence about an item, with probability ``rate`` (seeded).

    This is the stand-in's simulated error profile for explanations: the offline model itself writes
    only grounded sentences, so every unfaithful claim a strategy has to catch comes from here.
    """
    if rate <= 0:
        return text
    rng = random.Random(f"hallucinate:{seed}:{text[:80]}")
    out: list[str] = []
    for sentence in split_sentences(text):
        out.append(sentence)
        about = [i for i in items if i.name.lower() in sentence.lower()]
        if about and rng.random() < rate:
            out.append(false_claim(about[0], request, rng))
    return " ".join(out)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class Explanation:
    """One strategy's explanation of one plan, with its metrics."""

    strategy: str
    text: str
    report: ClaimReport
    coverage: float
    words: int
    calls: int
    usage: Usage
    steps: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.report.precision

    def row(self) -> dict[str, Any]:
        return {"strategy": self.strategy, "claims": self.report.n, "precision": round(self.precision, 3),
                "unfaithful": len(self.report.unfaithful), "coverage": round(self.coverage, 3), "words": self.words,
                "calls": self.calls, "cost_usd": self.usage.cost_usd}


def _items(plan: BirthdayPlan, catalog: Catalog) -> list[CatalogItem]:
    return [it for it in (catalog.get(p.id) for p in plan.items) if it is not None]


def _finish(strategy: str, text: str, plan: BirthdayPlan, catalog: Catalog, cares: list[str] | None,
            usage: Usage, steps: list[str]) -> Explanation:
    report = check_explanation(text, plan, catalog=catalog)
    return Explanation(strategy, text, report, coverage(text, plan.request, cares), len(text.split()),
                       usage.llm_calls, usage, steps)


def template_explanation(plan: BirthdayPlan, catalog: Catalog, cares_about: list[str] | None = None) -> str:
    """A fixed sentence per item, filled from catalog attributes only (no model)."""
    req = plan.request
    lines = []
    for it, line in zip(_items(plan, catalog), plan.items, strict=False):
        s = (f"{it.name} ({it.category}) costs ${line.subtotal:,.2f} and is rated {it.rating:.1f} "
             f"by {it.review_count} people")
        if it.category == "venue" and it.capacity:
            s += f"; it seats {it.capacity}"
        lines.append(s + ".")
    lines.append(f"The plan costs ${plan.total_cost:,.2f}"
                 + (f" of a ${req.budget:,.2f} budget." if req.budget else "."))
    return " ".join(lines)


def _plan_brief(plan: BirthdayPlan) -> str:
    return "Plan:\n" + "\n".join(f"- {p.category}: {p.id} {p.name} (${p.subtotal:,.2f})" for p in plan.items)


def explain(
    strategy: str,
    plan: BirthdayPlan,
    request_text: str,
    *,
    catalog: Catalog | None = None,
    cares_about: list[str] | None = None,
    hallucination_rate: float = 0.0,
    max_words: int = 90,
    rounds: int = 2,
    provider: Any = None,
    tier: str = "small",
    seed: int = 0,
) -> Explanation:
    """Explain ``plan`` with one strategy and measure the explanation.

    Args:
        strategy: ``template``, ``single_call`` or ``carts``.
        plan: a plan (its items must be catalog items).
        request_text: what the user wrote (the model reads it to personalise).
        catalog: the catalog (default: the shipped one).
        cares_about: extra things the user said they care about ("price", "outdoors").
        hallucination_rate: share of item sentences the (simulated) worse model follows with a false
            claim; see :func:`inject_hallucinations`.
        max_words: the refiner's length budget (``carts``).
        rounds: feedback/refine rounds at most (``carts``).
        provider: the provider (default: settings; offline without a key).
        tier: model tier for the calls.
        seed: for deterministic runs.

    Returns:
        An :class:`Explanation` with the claim report, coverage, length, calls and cost.
    """
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    if strategy not in STRATEGIES:
        from tutorial_helpers.domain import InputError

        raise InputError(f"Unknown explanation strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}.")
    items = _items(plan, catalog)
    cares = [*plan.request.interests, *sorted(plan.request.effective_allergens()), *plan.request.dietary,
             *(cares_about or [])]
    if strategy == "template":
        t0 = time.perf_counter()
        text = template_explanation(plan, catalog, cares_about)
        return _finish(strategy, text, plan, catalog, cares_about,
                       Usage(wall_s=round(time.perf_counter() - t0, 4)), ["template: filled"])

    from tutorial_helpers.llm import UsageMeter, get_provider, openai_client

    prov = get_provider(provider)
    model = prov.model_for(tier)  # type: ignore[arg-type]
    meter = UsageMeter(f"explain:{strategy}")
    client = openai_client(prov, meter=meter)
    today = plan.request.today or clock.today()
    steps: list[str] = []

    def chat(step: str, system: str, user: str) -> str:
        with meter.agent(step):
            resp = client.chat.completions.create(model=model, seed=seed, messages=[
                {"role": "system", "content": system}, {"role": "user", "content": user}])
        text = (resp.choices[0].message.content or "").strip()
        steps.append(f"{step}: {text[:160]}")
        return text

    care_text = ", ".join(cares) or "nothing in particular"
    user = f"{request_text}\n\n{_plan_brief(plan)}"
    draft = chat("generator", prompts.render(prompts.EXPLANATION_GENERATOR, today=today, cares=care_text), user)
    draft = inject_hallucinations(draft, items, plan.request, hallucination_rate, seed)
    if strategy == "single_call":
        return _finish(strategy, draft, plan, catalog, cares_about, meter.summary(), steps)

    text = draft
    for r in range(rounds):
        report = check_explanation(text, plan, catalog=catalog)
        missing = uncovered(text, plan.request, cares_about)
        too_long = len(text.split()) > max_words
        steps.append(f"feedback {r + 1}: {len(report.unfaithful)} unfaithful claim(s), uncovered: {missing or 'none'}, "
                     f"{len(text.split())} words")
        if not report.unfaithful and not missing and not too_long:
            break
        findings = "\n".join([f"- remove {c.text!r}: {c.evidence}" for c in report.unfaithful] +
                             [f"- mention {m}" for m in missing]
                             + ([f"- cut to {max_words} words"] if too_long else []))
        notes = chat("feedback", prompts.render(prompts.EXPLANATION_FEEDBACK, today=today, findings=findings), text)
        rewrite = chat("refiner", prompts.render(prompts.EXPLANATION_REFINER, today=today, cares=care_text,
                                                  max_words=max_words, notes=notes), user + "\n\nDraft:\n" + text)
        rewrite = inject_hallucinations(rewrite, items, plan.request, hallucination_rate, seed + 1000 * (r + 1))
        text = _refine(rewrite, plan, catalog, cares_about, max_words)
    return _finish(strategy, text, plan, catalog, cares_about, meter.summary(), steps)


def _refine(text: str, plan: BirthdayPlan, catalog: Catalog, cares_about: list[str] | None, max_words: int) -> str:
    """What the refiner is held to, in code: no unfaithful claim, the user's facets first, at most ``max_words``."""
    report = check_explanation(text, plan, catalog=catalog)
    if report.unfaithful:
        text, _ = repair_explanation(report)
        again = check_explanation(text, plan, catalog=catalog)
        bad = {c.sentence for c in again.unfaithful}
        text = " ".join(s for s in split_sentences(text) if s not in bad)
    words = [w for ws in facets(plan.request, cares_about).values() for w in ws]
    sentences = split_sentences(text)
    ranked = sorted(range(len(sentences)),
                    key=lambda i: (-sum(1 for w in words if w.lower() in sentences[i].lower()), i))
    keep: list[int] = []
    n = 0
    for i in ranked:
        k = len(sentences[i].split())
        if n + k <= max_words or not keep:
            keep.append(i)
            n += k
    out = " ".join(sentences[i] for i in sorted(keep))
    still = uncovered(out, plan.request, cares_about)
    if still and n < max_words:  # a short, checkable line for what is still missing
        extra = _coverage_line(plan, catalog, still)
        if extra and n + len(extra.split()) <= max_words + 15:
            out = f"{out} {extra}".strip()
    return out


def _coverage_line(plan: BirthdayPlan, catalog: Catalog, missing: list[str]) -> str:
    req = plan.request
    bits = []
    allergens = sorted(a for a in req.effective_allergens() if f"no {a}" in missing)
    if allergens:
        bits.append(f"nothing contains {', '.join(allergens)}")
    if "budget" in missing and req.budget is not None:
        bits.append(f"the total is ${plan.total_cost:,.2f} of a ${req.budget:,.2f} budget")
    if "guests" in missing and req.guests:
        bits.append(f"the venue seats all {req.guests} guests")
    diets = [d for d in req.dietary if d in missing]
    if diets:
        bits.append(f"all food is {', '.join(diets)}")
    return ("Checked: " + "; ".join(bits) + ".") if bits else ""


def planted_hallucination(plan: BirthdayPlan, catalog: Catalog) -> tuple[str, CatalogItem] | None:
    """The notebook's planted error: "this cake is nut-free" about a cake with nuts (swapped in if needed).

    Returns ``(sentence, cake)`` where ``cake`` is a catalog cake containing peanuts or tree nuts,
    or ``None`` when the catalog has none.
    """
    cake = next((i for i in catalog.filter(category="cake", city=plan.request.city)
                 if {"peanuts", "tree nuts"} & set(i.allergens)), None)
    if cake is None:
        cake = next((i for i in catalog.filter(category="cake") if {"peanuts", "tree nuts"} & set(i.allergens)), None)
    if cake is None:
        return None
    return f"{cake.name} is nut-free, so every guest can enjoy it.", cake


__all__ = ["STRATEGIES", "Explanation", "coverage", "explain", "facets", "false_claim", "inject_hallucinations",
           "planted_hallucination", "template_explanation", "uncovered"]
