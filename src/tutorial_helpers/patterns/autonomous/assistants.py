"""Three birthday assistants over a simulated year: reactive, naive proactive, context-aware.

All three plan with the same library pieces: the reference planner's :func:`candidate_pool` and
:func:`assemble_plan`, the guardrail, the calendar tools (under :func:`tools.today_as`, so "today" is
the simulated date, never the wall clock) and one model call per proposal that writes the message
to the household (the offline stand-in's *explainer*; with a key, a real model). They differ in
**when** they act and **what context** they use:

============  =======================================  ==============================================
assistant     when                                     what it knows
============  =======================================  ==============================================
reactive      when the household asks (``ask_lead``)   the request only: who, age, interests,
                                                       allergies, city, guests, per-event budget
naive         a fixed 7 days before                    the same request only
context       the latest safe day: longest lead time   memory (past gifts, known dislikes, standing
              of the plan (gift shipping, cake lead,   instructions, what it proposed and why it was
              venue notice) + approval + margin; not   rejected), the seasonal weather table, quiet
              before the household's horizon; never    days, shipping days, and the yearly budget
              on a Sunday or holiday                   (it paces the year)
============  =======================================  ==============================================

Nobody spends without approval: the only way money leaves the :class:`Ledger` is an approved
proposal. After a rejection every assistant tries again the next day (at most
:data:`MAX_TRIES` proposals per event); the reactive and naive ones only drop the rejected items, the
context-aware one learns from the words of the rejection (a dislike, "already has that", "too early",
"won't arrive in time", outdoor in the cold).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tutorial_helpers import prompts
from tutorial_helpers.domain import INTERESTS, BirthdayPlan, BirthdayRequest, CatalogItem
from tutorial_helpers.patterns.autonomous.household import (
    APPROVAL_LAG_DAYS,
    GIFT_KINDS,
    Household,
    Person,
    breaks_instruction,
    disliked_by,
    is_outdoor,
    is_quiet_day,
    outdoor_ok,
    ready_by,
)
from tutorial_helpers.patterns.autonomous.household_sim import judge

if TYPE_CHECKING:  # pragma: no cover
    from tutorial_helpers.catalog import Catalog

ASSISTANTS: tuple[str, ...] = ("reactive", "naive", "context")
MAX_TRIES = 3
NAIVE_LEAD_DAYS = 7
#: candidates per category handed to the planner's exhaustive search (plus the cheapest)
PLANNER_POOL = 4
#: days of slack the context-aware assistant keeps beyond the longest lead time
SAFETY_MARGIN_DAYS = 2



@dataclass
class Proposal:
    """One proposal sent to a household."""

    assistant: str
    household_id: str
    person: str
    event: dt.date
    day: dt.date
    plan: BirthdayPlan
    unsolicited: bool
    approved: bool = False
    valid: bool = False
    reason: str = ""
    repeated_gift: bool = False
    message: str = ""
    message_claims: int = 0  # checkable claims in the message (notebook 09's claim checker)
    message_supported: int = 0


@dataclass
class Ledger:
    """Money spent per household; :meth:`spend` is called only for an approved proposal."""

    spent: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    spent_without_approval: float = 0.0

    def spend(self, proposal: Proposal) -> None:
        if not proposal.approved:  # never happens by construction; counted so a test can prove it
            self.spent_without_approval += proposal.plan.total_cost
            return
        self.spent[proposal.household_id] += proposal.plan.total_cost


@dataclass
class Memory:
    """What the context-aware assistant remembers about a household (and learns from rejections)."""

    dislikes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    excluded: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # person -> item ids
    no_outdoor: bool = False
    horizon_days: int = 21
    extra_margin: int = 0
    cap_factor: dict[str, float] = field(default_factory=lambda: defaultdict(lambda: 1.0))


class Assistant:
    """Plans and proposes for one household over the year (subclasses decide when and with what)."""

    name = "base"
    uses_context = False

    def __init__(self, household: Household, catalog: Catalog, writer: Any = None) -> None:
        self.h = household
        self.catalog = catalog
        self.writer = writer
        self.memory = Memory()
        for person, ds in household.known_dislikes.items():
            self.memory.dislikes[person] |= set(ds)
        self.tries: dict[str, int] = defaultdict(int)
        self.done: set[str] = set()
        self.next_try: dict[str, dt.date] = {}
        self.spent = 0.0

    # -- planning ---------------------------------------------------------------------------
    def request_for(self, person: Person, day: dt.date, cap: float) -> BirthdayRequest:
        approve_on = day + dt.timedelta(days=APPROVAL_LAG_DAYS)
        return BirthdayRequest(
            recipient_name=person.name, recipient_age=person.age, interests=person.interests,
            dislikes=sorted(self.memory.dislikes[person.name]) if self.uses_context else [],
            avoid_allergens=person.allergies, city=self.h.city, date=person.party_date(), guests=person.guests,
            budget=round(cap, 2), categories=person.wants, today=min(approve_on, person.party_date()),
        )

    def allowed(self, item: CatalogItem, person: Person, day: dt.date) -> bool:
        if item.id in self.memory.excluded[person.name]:
            return False
        if not self.uses_context:
            return True
        approve_on = day + dt.timedelta(days=APPROVAL_LAG_DAYS)
        if item.id in {g.item_id for g in person.past_gifts}:
            return False
        if item.category in ("gift", "activity", "experience") and disliked_by(item, self.memory.dislikes[person.name]):
            return False
        if breaks_instruction(item, self.h.instructions):
            return False
        if item.category == "venue" and is_outdoor(item) and (self.memory.no_outdoor
                                                              or not outdoor_ok(self.h.city, person.party_date())):
            return False
        return ready_by(item, approve_on) <= person.party_date()

    def cap(self, person: Person) -> float:
        return self.h.per_event_budget[person.name]

    def plan_for(self, person: Person, day: dt.date) -> BirthdayPlan | None:
        from tutorial_helpers.planning.candidates import candidate_pool
        from tutorial_helpers.planning.guardrail import guard
        from tutorial_helpers.planning.reference import assemble_plan

        cap = self.cap(person)
        if cap <= 0:
            return None
        request = self.request_for(person, day, cap)
        pools = {}
        for c in person.wants:
            allowed = [i for i in candidate_pool(request, self.catalog, c, k=60) if self.allowed(i, person, day)]
            # the best few, the cheapest, and the cheapest that matches an interest (the guardrail wants one):
            # enough for the planner's exhaustive search, and fast over a year
            matching = [i for i in allowed if set(i.interests) & set(person.interests)]
            extra = [min(group, key=lambda i: i.price) for group in (allowed, matching) if group]
            pools[c] = list(allowed[:PLANNER_POOL])
            pools[c] += [i for i in extra if i.id not in {x.id for x in pools[c]}]
        plan = assemble_plan(request, pools, self.catalog, required=list(person.wants), optional=[])
        if not plan.feasible:
            return None
        plan = guard(plan, request, self.catalog)
        return plan if plan.feasible else None

    # -- timing -------------------------------------------------------------------------------
    def wants_to_act(self, person: Person, day: dt.date) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def unsolicited(self, person: Person, day: dt.date) -> bool:
        return True

    # -- one simulated day ----------------------------------------------------------------------
    def step(self, day: dt.date, ledger: Ledger) -> list[Proposal]:
        out: list[Proposal] = []
        for event, person in self.h.events():
            key = person.name
            if key in self.done or day > event or self.tries[key] >= MAX_TRIES:
                continue
            if key in self.next_try:
                if day < self.next_try[key]:
                    continue
            elif not self.wants_to_act(person, day):
                continue
            plan = self.plan_for(person, day)
            self.tries[key] += 1
            self.next_try[key] = day + dt.timedelta(days=1)
            if plan is None:
                continue
            message = self.write_message(plan, day)
            verdict = judge(plan, self.h, person, day, self.catalog)
            p = Proposal(self.name, self.h.household_id, person.name, event, day, plan, self.unsolicited(person, day),
                         verdict.approved, verdict.valid, verdict.reason,
                         repeated_gift=bool({g.item_id for g in person.past_gifts} & set(plan.item_ids())))
            if self.writer is not None:
                from tutorial_helpers.patterns.explanations import check_explanation

                report = check_explanation(message, plan, catalog=self.catalog)
                p.message, p.message_claims, p.message_supported = message, report.n, len(report.supported)
            out.append(p)
            if verdict.approved:
                ledger.spend(p)
                self.spent += plan.total_cost
                self.done.add(key)
            else:
                self.learn(person, p)
        return out

    def learn(self, person: Person, proposal: Proposal) -> None:
        """After a rejection: never propose the same items for this person again."""
        self.memory.excluded[person.name] |= set(proposal.plan.item_ids())

    def write_message(self, plan: BirthdayPlan, day: dt.date) -> str:
        if self.writer is None:
            return plan.explanation
        return self.writer(plan, day)


class Reactive(Assistant):
    """Waits to be asked: the household asks ``ask_lead_days`` before the celebration."""

    name = "reactive"

    def wants_to_act(self, person: Person, day: dt.date) -> bool:
        return (person.party_date() - day).days == self.h.ask_lead_days

    def unsolicited(self, person: Person, day: dt.date) -> bool:
        return False


class NaiveProactive(Assistant):
    """Proposes a fixed :data:`NAIVE_LEAD_DAYS` days before every celebration."""

    name = "naive"

    def wants_to_act(self, person: Person, day: dt.date) -> bool:
        return (person.party_date() - day).days == NAIVE_LEAD_DAYS


class ContextAware(Assistant):
    """Acts on the latest safe day, with memory, weather, shipping, quiet days and the yearly budget."""

    name = "context"
    uses_context = True

    def __init__(self, household: Household, catalog: Catalog, writer: Any = None) -> None:
        super().__init__(household, catalog, writer)
        self._plans: dict[tuple[Any, ...], BirthdayPlan | None] = {}
        self._floors: dict[str, float] = {}

    def cap(self, person: Person) -> float:
        """The per-event budget, lowered when the rest of the year needs the money (and after "too expensive")."""
        left = self.h.yearly_budget - self.spent
        reserve = sum(self._floor(p) for d, p in self.h.events() if p.name != person.name and p.name not in self.done
                      and d >= person.party_date())
        return max(0.0, min(self.h.per_event_budget[person.name] * self.memory.cap_factor[person.name], left - reserve))

    def _floor(self, person: Person) -> float:
        """What a later celebration needs at least: the cheapest valid plan on the day (the planner's own estimate) +
        25%."""
        if person.name not in self._floors:
            from tutorial_helpers.planning.reference import cheapest_valid_cost

            request = BirthdayRequest(recipient_age=person.age, avoid_allergens=person.allergies, city=self.h.city,
                                      guests=person.guests, categories=person.wants, date=person.party_date())
            costs = cheapest_valid_cost(request, self.catalog, list(person.wants))
            floor = sum(v for v in costs.values() if v is not None)
            self._floors[person.name] = min(self.h.per_event_budget[person.name], 1.25 * floor)
        return self._floors[person.name]

    def lead_days(self, person: Person, day: dt.date) -> int:
        """Days the plan needs before the celebration: its slowest item, plus approval and a margin."""
        from tutorial_helpers import tools

        with tools.today_as(day):
            until = tools.days_until(person.party_date().isoformat())["days"]
        if until > self.memory.horizon_days:
            return -1
        # the plan it would propose is worked out once per state of its memory, not every day
        key = (person.name, round(self.spent, 2), len(self.memory.excluded[person.name]),
               len(self.memory.dislikes[person.name]), self.memory.no_outdoor)
        if key not in self._plans:
            self._plans[key] = self.plan_for(person, day)
        plan = self._plans[key]
        if plan is None:
            return until  # nothing fits any more: act now, or never
        slowest = max((ready_by(it, day) - day).days for it in (self.catalog.get(p.id) for p in plan.items) if it)
        return slowest + APPROVAL_LAG_DAYS + SAFETY_MARGIN_DAYS + self.memory.extra_margin

    def wants_to_act(self, person: Person, day: dt.date) -> bool:
        until = (person.party_date() - day).days
        if until > self.memory.horizon_days or until < 1:
            return False
        need = self.lead_days(person, day)
        if need < 0:
            return False
        if until <= need:
            return True
        # the safe day is close and every day until then is a Sunday or holiday: speak now, not then
        quiet = all(is_quiet_day(day + dt.timedelta(days=k)) for k in range(1, until - need + 1))
        return quiet and not is_quiet_day(day)

    def learn(self, person: Person, proposal: Proposal) -> None:
        """Learn from the words of the rejection, not from hidden facts."""
        from tutorial_helpers.extraction.feedback import find_feedback

        super().learn(person, proposal)
        reason = proposal.reason.lower()
        labels = find_feedback(reason)
        for word in (*INTERESTS, *GIFT_KINDS):
            if re.search(rf"\b(?:doesn't|does not|don't|hates?) (?:like |love )?{re.escape(word)}(?:es|s)?\b", reason):
                self.memory.dislikes[person.name].add(word)
        if "too early" in reason:
            self.memory.horizon_days = max(7, min(self.memory.horizon_days, (proposal.event - proposal.day).days - 3))
            self.memory.excluded[person.name] -= set(proposal.plan.item_ids())  # the plan was fine, the timing was not
        if "in time" in reason:
            self.memory.extra_margin += 1
        if "outdoor" in reason:
            self.memory.no_outdoor = True
        if "too_expensive" in labels or "over what we can spend" in reason:
            self.memory.cap_factor[person.name] *= 0.85


def make_assistant(name: str, household: Household, catalog: Catalog, writer: Any = None) -> Assistant:
    cls = {"reactive": Reactive, "naive": NaiveProactive, "context": ContextAware}[name]
    return cls(household, catalog, writer)


# ---------------------------------------------------------------------------------------------
# The simulated year
# ---------------------------------------------------------------------------------------------


@dataclass
class YearResult:
    """Every proposal of one assistant over the year, and what they add up to."""

    assistant: str
    households: list[Household]
    proposals: list[Proposal]
    spent: dict[str, float]
    spent_without_approval: float
    calls_by_month: dict[int, int]
    cost_by_month: dict[int, float]

    def metrics(self) -> dict[str, Any]:
        """on-time rate, approval rate, interruptions per event, repeated gifts, budget kept, calls and cost."""
        events = [(h.household_id, p.name) for h in self.households for p in h.people]
        by_event: dict[tuple[str, str], list[Proposal]] = defaultdict(list)
        for p in self.proposals:
            by_event[(p.household_id, p.person)].append(p)
        n = len(events)
        on_time = sum(1 for e in events if any(p.valid for p in by_event[e]))
        done = sum(1 for e in events if any(p.approved for p in by_event[e]))
        kept = sum(1 for h in self.households if self.spent.get(h.household_id, 0.0) <= h.yearly_budget + 0.01)
        months = 12
        return {
            "assistant": self.assistant,
            "events": n,
            "proposals": len(self.proposals),
            "on_time_rate": round(on_time / n, 3) if n else 0.0,
            "approval_rate": (round(sum(p.approved for p in self.proposals) / len(self.proposals), 3)
                              if self.proposals else 0.0),
            "celebrated_rate": round(done / n, 3) if n else 0.0,
            "interruptions_per_event": round(sum(p.unsolicited for p in self.proposals) / n, 3) if n else 0.0,
            "repeated_gifts": sum(p.repeated_gift for p in self.proposals),
            "message_claim_precision": round(sum(p.message_supported for p in self.proposals) /
                                             max(1, sum(p.message_claims for p in self.proposals)), 3),
            "budget_kept_rate": round(kept / len(self.households), 3) if self.households else 1.0,
            "spent_without_approval": round(self.spent_without_approval, 2),
            "calls_per_month": round(sum(self.calls_by_month.values()) / months, 2),
            "cost_per_month_usd": round(sum(self.cost_by_month.values()) / months, 6),
        }


def message_writer(provider: Any = None, tier: str = "small", seed: int = 0) -> tuple[Any, Any]:
    """A function writing the proposal message with one model call, and the meter that counts the calls.

    Returns:
        ``(write, meter)``: ``write(plan, day) -> str`` and the :class:`UsageMeter` (records by call).
    """
    from tutorial_helpers.llm import UsageMeter, get_provider, openai_client

    prov = get_provider(provider)
    model = prov.model_for(tier)  # type: ignore[arg-type]
    meter = UsageMeter("autonomous")
    client = openai_client(prov, meter=meter)

    def write(plan: BirthdayPlan, day: dt.date) -> str:
        brief = "\n".join(f"- {p.category}: {p.id} {p.name} (${p.subtotal:,.2f})" for p in plan.items)
        r = plan.request
        user = (f"Birthday of {r.recipient_name}, turning {r.recipient_age}, on {r.date}, in {r.city}; loves "
                f"{', '.join(r.interests)}; avoid {', '.join(sorted(r.effective_allergens())) or 'nothing'}."
                f"\nPlan:\n{brief}")
        with meter.agent(day.isoformat()):
            resp = client.chat.completions.create(model=model, seed=seed, messages=[
                {"role": "system", "content": prompts.render(prompts.AUTONOMY_MESSAGE, today=day)},
                {"role": "user", "content": user}])
        return resp.choices[0].message.content or ""

    return write, meter


def simulate_year(
    assistant: str,
    households: list[Household],
    year: int = 2027,
    *,
    catalog: Catalog | None = None,
    use_model: bool = True,
    provider: Any = None,
    seed: int = 0,
) -> YearResult:
    """Run one assistant over every day of ``year`` for every household.

    Args:
        assistant: ``reactive``, ``naive`` or ``context``.
        households: from :func:`make_households`.
        year: the simulated year (its first day is the first "today").
        catalog: the catalog (default: the shipped one).
        use_model: write each proposal's message with one model call (counted per month).
        provider: the provider for those calls (default: settings; offline without a key).
        seed: for the model calls.
    """
    if catalog is None:
        from tutorial_helpers.catalog import load_catalog

        catalog = load_catalog()
    write, meter = message_writer(provider, seed=seed) if use_model else (None, None)
    ledger = Ledger()
    agents = [make_assistant(assistant, h, catalog, write) for h in households]
    proposals: list[Proposal] = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        for a in agents:
            proposals += a.step(day, ledger)
        day += dt.timedelta(days=1)
    calls: dict[int, int] = defaultdict(int)
    cost: dict[int, float] = defaultdict(float)
    if meter is not None:
        for rec in meter.records:
            month = dt.date.fromisoformat(rec.agent).month if rec.agent else 0
            calls[month] += 1
            cost[month] += rec.cost_usd
    return YearResult(assistant, households, proposals, dict(ledger.spent), ledger.spent_without_approval,
                      dict(calls), dict(cost))


def compare_assistants(households: list[Household], year: int = 2027, **kw: Any) -> list[YearResult]:
    """:func:`simulate_year` for each of :data:`ASSISTANTS`."""
    return [simulate_year(name, households, year, **kw) for name in ASSISTANTS]


def timeline_figure(results: list[YearResult], household_id: str) -> Any:
    """A timeline of one household's year: celebrations, and each assistant's proposals (approved or not)."""
    import matplotlib.pyplot as plt

    h = next(x for x in results[0].households if x.household_id == household_id)
    people = [p.name for p in h.people]
    fig, ax = plt.subplots(figsize=(11, 1.1 + 0.9 * len(people)))
    offsets = {r.assistant: (k - (len(results) - 1) / 2) * 0.22 for k, r in enumerate(results)}
    colors = {"reactive": "tab:blue", "naive": "tab:orange", "context": "tab:green"}
    for y, p in enumerate(h.people):
        ax.scatter([p.party_date()], [y], marker="*", s=260, color="gold", edgecolor="black", zorder=3,
                   label="celebration" if y == 0 else None)
    for r in results:
        for prop in (x for x in r.proposals if x.household_id == household_id):
            y = people.index(prop.person) + offsets[r.assistant]
            ax.scatter([prop.day], [y], marker="o" if prop.approved else "x", s=60,
                       color=colors.get(r.assistant, "gray"),
                       zorder=4)
    for r in results:
        ax.scatter([], [], marker="o", color=colors.get(r.assistant, "gray"),
                   label=f"{r.assistant} (o approved, x rejected)")
    ax.set_yticks(range(len(people)), [f"{p.name} ({p.age})" for p in h.people])
    ax.set_ylim(-0.7, len(people) - 0.3)
    ax.set_xlim(dt.date(results[0].proposals[0].day.year if results[0].proposals else 2027, 1, 1),
                dt.date(results[0].proposals[0].day.year if results[0].proposals else 2027, 12, 31))
    ax.set_title(f"Household {h.household_id} ({h.city}): a year of birthdays")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=4, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig
