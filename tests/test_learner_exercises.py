"""A learner's own tools and reworded prompts against the offline stand-in (issue 8, section 4).

Everything goes through the real HTTP server with the official openai SDK, as a notebook would.
The tools and role prompts below are written as a learner would write them in an exercise; none of
them appears in the library (the stand-in knows no tool or prompt by name). The tests assert what
the stand-in did (which tool, which arguments, what kind of answer, what it says it guessed), never
its exact text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from openai import OpenAI

from tutorial_helpers.domain import BirthdayRequest
from tutorial_helpers.llm.offline import OfflineServer, start_server

# what the stand-in understands and how it speaks, without its declared errors (tested on their own)
pytestmark = pytest.mark.usefixtures("perfect_stand_in")

TODAY = "2026-11-22"
PARTY = (f"Today is {TODAY}. We're throwing our son Leo's 9th birthday in Chicago on 2026-12-05 for 14 guests, "
         "and we can spend $450 in all. He is crazy about robots. No sesame please.")
REQUEST = BirthdayRequest(recipient_name="Leo", recipient_age=9, interests=["robotics"], avoid_allergens=["sesame"],
                          city="Chicago", date=dt.date(2026, 12, 5), guests=14, budget=450,
                          today=dt.date.fromisoformat(TODAY))
IDS = re.compile(r"\b(?:gift|cake|venue|activity|decoration|food|experience)-[a-z0-9-]+\b")

S = {"type": "string"}
N = {"type": "number"}
INT = {"type": "integer"}


def tool(name: str, description: str, props: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "description": description, "parameters": {
        "type": "object", "properties": props, "required": list(props) if required is None else required}}}


@pytest.fixture(scope="module")
def srv() -> OfflineServer:
    server = start_server(latency_scale=0)
    yield server
    server.stop()


@pytest.fixture()
def client(srv: OfflineServer) -> OpenAI:
    return OpenAI(base_url=srv.base_url, api_key="offline", max_retries=0)


def ask(client: OpenAI, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None,
        **kw: Any) -> tuple[Any, dict[str, Any]]:
    """One completion: the message and the stand-in's ``offline`` metadata."""
    extra = {"tools": tools} if tools else {}
    r = client.chat.completions.create(model="offline-large", messages=messages, **extra, **kw)
    return r.choices[0].message, (r.model_extra or {}).get("offline") or {}


def calls_of(msg: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(c.function.name, json.loads(c.function.arguments)) for c in (msg.tool_calls or [])]


# ------------------------------------------------------------------------------------------------
# Tools it has never seen
# ------------------------------------------------------------------------------------------------

WEATHER = tool("get_weather", "Weather forecast for a city on a given day.", {"city": S, "date": S})
INVITES = tool("send_invitations", "Email the party invitation to a list of addresses.",
               {"emails": {"type": "array", "items": S}, "date": S, "message": S})
SUPPLIES = tool("find_party_supplies", "Find themed party supplies within a budget.", {"theme": S, "max_budget": N})
COUNT = tool("count_guests", "Add up the children and the grown-ups coming.", {"kids": INT, "adults": INT})
CONVERT = tool("convert_currency", "Convert an amount of money between currencies.",
               {"amount": N, "from_currency": S, "to_currency": S})
REMIND = tool("set_reminder", "Create a reminder for the organiser on a date.", {"date": S, "note": S})
PLAYLIST = tool("make_playlist", "Build a music playlist for a themed party.", {"theme": S, "age": INT})
RSVP = tool("get_rsvp_status", "Who has answered the invitation so far.", {"event_date": S})
MAGICIAN = tool("book_magician", "Book a children's magician for a date in a city.", {"city": S, "date": S})
GAMES = tool("suggest_party_games", "Suggest games that fit the children's age and the number of players.",
             {"age": INT, "players": INT})
ALLERGY = tool("lookup_allergy_info", "Look up which common allergens an ingredient contains.", {"ingredient": S})
NOTE = tool("log_note", "Write a line to the organiser's notebook.", {"text": S})
BALLOONS = tool("order_balloons", "Order helium balloons delivered to the party.", {"color": S, "quantity": INT})


@pytest.mark.parametrize(("tools", "question", "expected", "args"), [
    ([WEATHER], "Could it rain that day? We hoped to be outdoors.", "get_weather",
     {"city": "Chicago", "date": "2026-12-05"}),
    ([INVITES], "Please email the invites to sam@example.com and rita@example.org.", "send_invitations",
     {"emails": ["sam@example.com", "rita@example.org"], "date": "2026-12-05"}),
    ([COUNT], "It'll be 10 kids and 4 parents. How many is that altogether?", "count_guests",
     {"kids": 10, "adults": 4}),
    ([CONVERT], "My sister pays half and wants to know what that budget is in euros.", "convert_currency",
     {"amount": 450.0, "from_currency": "USD", "to_currency": "EUR"}),
    ([REMIND], "Remind me to confirm the headcount before the party.", "set_reminder", {}),
    ([PLAYLIST], "Could you put together some songs for the party?", "make_playlist", {"theme": "robotics", "age": 9}),
    ([RSVP], "Has anybody RSVP'd yet?", "get_rsvp_status", {}),
    ([MAGICIAN], "Could you book a magician for the afternoon?", "book_magician",
     {"city": "Chicago", "date": "2026-12-05"}),
    ([BALLOONS], "And order some balloons, blue if possible.", "order_balloons", {}),
    ([ALLERGY], "Does marzipan have any allergens we should know about?", "lookup_allergy_info", {}),
])
def test_a_tool_it_has_never_seen_is_called_when_the_user_asks_for_it(
        client: OpenAI, tools: list[dict[str, Any]], question: str, expected: str, args: dict[str, Any]) -> None:
    search = tool("search_catalog", "Search the party catalog for gifts, cakes and venues.",
                  {"query": S, "category": S, "city": S, "max_price": N}, ["query"])
    msg, meta = ask(client, [{"role": "user", "content": PARTY + " " + question}], [search, *tools])
    calls = calls_of(msg)
    assert [n for n, _ in calls] == [expected], calls
    got = calls[0][1]
    params = tools[0]["function"]["parameters"]["properties"]
    assert set(got) == set(params)  # every parameter filled (all are required), none invented
    for key, value in args.items():
        assert got[key] == value, (key, got)
    assert any(expected in g for g in meta.get("guesses", [])), meta  # it says it guessed


def test_the_same_tools_stay_quiet_when_nobody_asks_for_them(client: OpenAI) -> None:
    learner = [WEATHER, INVITES, COUNT, CONVERT, REMIND, PLAYLIST, RSVP, MAGICIAN, BALLOONS, ALLERGY, NOTE]
    search = tool("search_catalog", "Search the party catalog for gifts, cakes and venues.",
                  {"query": S, "category": S, "city": S, "max_price": N}, ["query"])
    msg, _ = ask(client, [{"role": "user", "content": PARTY + " What would you suggest?"}], [search, *learner])
    assert {n for n, _ in calls_of(msg)} == {"search_catalog"}


def test_a_tool_result_is_reported_and_the_tool_is_not_called_again(client: OpenAI) -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": PARTY + " Is it going to be cold and rainy?"}]
    msg, _ = ask(client, messages, [WEATHER])
    (name, args), = calls_of(msg)
    assert name == "get_weather"
    messages.append(msg.model_dump(exclude_none=True))
    messages.append({"role": "tool", "tool_call_id": msg.tool_calls[0].id,
                     "content": json.dumps({"forecast": "sleet", "high_c": 2})})
    msg, _ = ask(client, messages, [WEATHER])
    assert not msg.tool_calls
    assert "sleet" in msg.content  # the answer uses what the tool said


def test_a_single_unclassifiable_tool_is_not_taken_as_the_final_answer(client: OpenAI) -> None:
    msg, meta = ask(client, [{"role": "user", "content": PARTY + " Please plan it."}], [NOTE])
    assert not msg.tool_calls and msg.content
    assert set(IDS.findall(msg.content))  # it planned in text instead of "answering" through log_note
    msg, _ = ask(client, [{"role": "user", "content": PARTY + " Please plan it."}], [NOTE], tool_choice="required")
    assert [n for n, _ in calls_of(msg)] == ["log_note"]  # only when the caller demands a tool call


def test_a_supplies_tool_is_a_decoration_search_not_a_gift_cake_or_venue_search(client: OpenAI) -> None:
    msg, meta = ask(client, [{"role": "user", "content": PARTY + " Can you plan the party?"}], [SUPPLIES])
    calls = calls_of(msg)
    assert [n for n, _ in calls] == ["find_party_supplies"]  # once, not once per gift, cake and venue
    args = calls[0][1]
    assert args["theme"] == "robotics"
    assert 0 < args["max_budget"] < REQUEST.budget  # a decoration's share of the budget, not all of it
    assert any("decoration" in g for g in meta["guesses"])
    # its results are decorations, not gifts
    messages = [{"role": "user", "content": PARTY + " Can you plan the party?"}, msg.model_dump(exclude_none=True),
                {"role": "tool", "tool_call_id": msg.tool_calls[0].id, "content": json.dumps(
                    [{"id": "robo-banner-1", "name": "Robot Party Banner", "price": 12.5}])}]
    msg, _ = ask(client, messages, [SUPPLIES])
    assert not msg.tool_calls


def test_a_games_tool_is_an_activity_search_with_the_age_and_the_players(client: OpenAI) -> None:
    msg, meta = ask(client, [{"role": "user", "content": PARTY + " What games could the kids play?"}], [GAMES])
    (name, args), = calls_of(msg)
    assert name == "suggest_party_games" and args == {"age": 9, "players": 14}


def test_the_learner_tool_of_notebook_03_works(client: OpenAI) -> None:
    count = tool("count_guests", "Count everyone coming: children plus adults.",
                 {"children": INT, "adults": INT})
    text = f"Today is {TODAY}. Party for Ana in Denver on 2026-12-12: eight kids plus three adults. How many people is that?"
    msg, _ = ask(client, [{"role": "user", "content": text}], [count])
    assert calls_of(msg) == [("count_guests", {"children": 8, "adults": 3})]


# ------------------------------------------------------------------------------------------------
# Roles it was never told about
# ------------------------------------------------------------------------------------------------

def _plan_text(valid: bool) -> str:
    from tutorial_helpers.planning.pipeline import plan_lines
    from tutorial_helpers.planning.reference import plan_request
    from tutorial_helpers.tools.state import get_catalog

    plan = plan_request(REQUEST)
    assert plan.feasible
    if not valid:  # swap the cake for one with sesame
        cat = get_catalog()
        bad = next(i for i in cat.filter(category="cake", city="Chicago") if "sesame" in i.allergens)
        from tutorial_helpers.domain import PlanItem

        plan.items = [PlanItem.from_item(bad, REQUEST.guests) if p.category == "cake" else p for p in plan.items]
        plan.recompute_total()
    return "Plan:\n" + plan_lines(plan)


def _is_a_plan(text: str) -> bool:
    return len(set(IDS.findall(text))) >= 2


@pytest.mark.parametrize("system", [
    "You are a quality checker. Read the plan and answer OK or list the issues.",
    "As the party's budget and safety auditor, respond PASS when the plan is sound and FAIL otherwise.",
    "You're the gatekeeper: reply YES if this plan can be shown to the parent, NO if it cannot.",
])
def test_a_checking_role_answers_with_its_own_verdict_words(client: OpenAI, system: str) -> None:
    good, _ = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": PARTY + "\n" + _plan_text(True)}])
    bad, _ = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": PARTY + "\n" + _plan_text(False)}])
    positive = good.content.strip()
    assert positive.upper() in ("OK", "PASS", "YES"), positive  # the word the prompt asked for, nothing else
    assert not bad.content.strip().upper().startswith(positive.upper())
    assert "sesame" in bad.content.lower()  # it names the issue
    assert not _is_a_plan(good.content)  # not a new plan


def test_a_concierge_asks_one_question(client: OpenAI) -> None:
    system = "You are the concierge at the front desk: find out, a single question per turn, whatever is still unknown."
    msg, meta = ask(client, [{"role": "system", "content": system},
                             {"role": "user", "content": "Hi! My daughter turns six soon, can you help?"}])
    assert msg.content.strip().endswith("?") and msg.content.count("?") == 1
    assert not IDS.findall(msg.content)


def test_a_handover_note_keeps_the_facts(client: OpenAI) -> None:
    system = "Boil this chat down to the key facts the next colleague needs. Nothing else."
    msg, meta = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": PARTY}])
    text = msg.content
    assert "Chicago" in text and "450" in text and "sesame" in text
    assert not _is_a_plan(text)


def test_picking_one_from_a_shortlist(client: OpenAI) -> None:
    from tutorial_helpers.tools.state import get_catalog

    cakes = [i for i in get_catalog().filter(category="cake", city="Chicago", avoid_allergens=["sesame"])][:4]
    system = "From the shortlist in the message, name the one cake that fits best, with its id."
    user = PARTY + "\nShortlist:\n" + "\n".join(f"- {c.id} {c.name}" for c in cakes)
    msg, meta = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": user}])
    named = set(IDS.findall(msg.content))
    assert named and named <= {c.id for c in cakes}


def test_telling_the_parent_why(client: OpenAI) -> None:
    system = "Tell the parent, in plain words, what makes these picks a good fit for the child."
    plan = _plan_text(True)
    msg, meta = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": PARTY + "\n" + plan}])
    assert not set(IDS.findall(msg.content)) - set(IDS.findall(plan))  # nothing new invented
    assert "robot" in msg.content.lower() or "9" in msg.content


def test_a_dispatcher_names_one_of_its_agents(client: OpenAI) -> None:
    system = ("You are a dispatcher. Hand each task to gift_agent, venue_agent or cake_agent. "
              "Reply with the agent name only.")
    msg, meta = ask(client, [{"role": "system", "content": system},
                             {"role": "user", "content": "Find a bakery that can do a nut-free cake for Saturday."}])
    assert msg.content.strip() == "cake_agent"


def test_playing_a_parent(client: OpenAI) -> None:
    system = ("Play a dad who wants help with his son's party. Facts only you know: the party is in Denver, "
              "20 guests, $300, his son Max turns 7. Answer the assistant the way he would.")
    msg, meta = ask(client, [{"role": "system", "content": system},
                             {"role": "user", "content": "Which city will the party be in?"}])
    assert "Denver" in msg.content and not IDS.findall(msg.content)


def test_brainstorming_gift_ideas_stays_grounded(client: OpenAI) -> None:
    from tutorial_helpers.tools.state import get_catalog

    system = "You are a gift-idea brainstormer. Offer a few ideas the kid would love."
    msg, meta = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": PARTY}])
    ids = set(IDS.findall(msg.content))
    assert ids and all(get_catalog().get(i) is not None for i in ids)


def test_turning_a_message_into_fields(client: OpenAI) -> None:
    system = "Turn the parent's message into JSON fields."
    msg, meta = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": PARTY}])
    assert "Chicago" in msg.content and "450" in msg.content


def test_a_greeter_makes_small_talk_without_selling(client: OpenAI) -> None:
    system = "Welcome the visitor and chat a little before getting down to business."
    msg, meta = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": PARTY}])
    assert msg.content and not IDS.findall(msg.content)


def test_a_role_it_cannot_play_says_so_and_what_it_understood(client: OpenAI) -> None:
    system = "You are a translator. Render the user's message in French."
    msg, meta = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": PARTY}])
    assert meta["role_source"] == "generic" and meta["guesses"]
    assert "cannot" in msg.content and "Chicago" in msg.content
    assert not _is_a_plan(msg.content)


def test_every_guess_is_in_the_metadata_and_keyword_roles_are_not_guesses(client: OpenAI) -> None:
    _, meta = ask(client, [{"role": "system", "content": "You are the critic. Reply APPROVED or list problems."},
                           {"role": "user", "content": PARTY + "\n" + _plan_text(True)}])
    assert {k: meta[k] for k in ("role", "role_source", "guesses")} == {"role": "critic", "role_source": "keywords",
                                                                        "guesses": []}
    _, meta = ask(client, [{"role": "system", "content": "You are a pirate poet. Write a limerick."},
                           {"role": "user", "content": PARTY}])
    assert meta["role_source"] == "generic" and meta["guesses"]


#: prompts written after the role detector was finished and never used to tune it: the detector's
#: recognition rate on them is measured, not assumed (a miss falls back to the generic assistant)
HELD_OUT = [
    ("Your job is to double-check the proposed celebration for anything unsafe or over budget; say FINE if "
     "nothing is wrong.", "critic"),
    ("You take notes: write down, briefly, what the family told us so far.", "summarizer"),
    ("Help the family narrow it down: of the cakes listed, which single one would you go with?", "selector"),
    ("You're in charge of asking the family for whatever we still don't know.", "asker"),
    ("Be the family's cheerful greeter; just chat, don't sell anything.", "chitchat"),
    ("Decide whether this request needs the big model or the cheap one. Answer big or cheap.", "router"),
]


def test_held_out_role_prompts_are_mostly_recognised_and_misses_say_so(client: OpenAI) -> None:
    hits = 0
    for system, expected in HELD_OUT:
        _, meta = ask(client, [{"role": "system", "content": system}, {"role": "user", "content": PARTY}])
        hits += meta["role"] == expected
        if meta["role_source"] in ("similarity", "format", "generic"):
            assert meta["guesses"], meta  # a guess is always declared
    assert hits / len(HELD_OUT) >= 2 / 3, hits


def test_a_final_tool_is_called_once_and_clearing_is_never_final(client: OpenAI) -> None:
    clear = tool("wipe_shortlist", "Empty the shortlist (start the plan over).", {})
    submit = tool("submit_plan", "Submit the final plan.", {"item_ids": {"type": "array", "items": S}})
    search = tool("search_catalog", "Search the party catalog for gifts, cakes and venues.",
                  {"query": S, "category": S, "city": S, "max_price": N}, ["query"])
    messages: list[dict[str, Any]] = [{"role": "user", "content": PARTY}]
    names: list[str] = []
    for _ in range(8):  # a learner's loop: run whatever the model asks until it answers in text
        msg, _ = ask(client, messages, [search, clear, submit])
        if not msg.tool_calls:
            break
        messages.append(msg.model_dump(exclude_none=True))
        for c in msg.tool_calls:
            names.append(c.function.name)
            args = json.loads(c.function.arguments)
            if c.function.name == "search_catalog":
                from tutorial_helpers.tools import search_catalog

                result: Any = search_catalog(**{k: v for k, v in args.items() if k in ("query", "category", "city", "max_price")})
            else:
                result = {"ok": True}
            messages.append({"role": "tool", "tool_call_id": c.id, "content": json.dumps(result, default=str)})
    assert not msg.tool_calls, names  # the loop ends
    assert "wipe_shortlist" not in names and names.count("submit_plan") == 1, names
