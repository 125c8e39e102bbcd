"""One copy of each shared fact: the text -> request front door and the catalog id readers."""

from __future__ import annotations

import datetime as dt

import pytest

from tutorial_helpers.catalog import load_catalog
from tutorial_helpers.catalog.ids import ids_in_data, ids_in_text, known_ids_in_text
from tutorial_helpers.domain import InputError
from tutorial_helpers.extraction import parse_request, read_request
from tutorial_helpers.planners import parse_text

TODAY = dt.date(2026, 11, 22)
TEXTS = [
    "My son's 10th in Chicago next Saturday, a dozen kids, 400 bucks",
    "Party for my mom who is allergic to tree nuts",
    "A birthday in Miami on December 12 for 20 guests",
    "Maya turns 8 in Austin on Dec 5, 12 kids, $400, no nuts",
]
BAD = ["", "   ", "hello there", "asdf qwer zxcv", "Plan it on 2026-11-01 in Austin for 10 kids, $300",
       "Budget -50 for a party in Boston for 8 kids next Saturday"]


@pytest.mark.parametrize("text", TEXTS)
def test_every_entry_point_reads_a_text_the_same_way(text: str) -> None:
    ex = read_request(text, TODAY)
    request, unknown_city = parse_text(text, TODAY)
    assert request == ex.request == parse_request(text, TODAY)
    assert unknown_city == ex.unknown_city


@pytest.mark.parametrize("text", BAD)
def test_bad_text_is_refused_the_same_way_everywhere(text: str) -> None:
    messages = []
    for reader in (lambda: read_request(text, TODAY), lambda: parse_text(text, TODAY),
                   lambda: parse_request(text, TODAY)):
        with pytest.raises(InputError) as err:
            reader()
        messages.append(str(err.value))
    assert len(set(messages)) == 1 and "\n" not in messages[0] and messages[0]


def test_id_readers_find_ids_in_text_json_and_nested_results() -> None:
    assert ids_in_text("take gift-0193, then cake-aus-0012 and gift-0193 again") == ["gift-0193", "cake-aus-0012"]
    assert ids_in_data('[{"id": "gift-0193"}, {"items": [{"id": "venue-chi-0004"}]}]') == ["gift-0193",
                                                                                          "venue-chi-0004"]
    assert ids_in_data("not json: gift-0007 and banana-0001") == ["gift-0007"]
    catalog = load_catalog()
    real = catalog.items[0].id
    assert known_ids_in_text(f"I pick {real.upper()}-extra and gift-9999", catalog) == [real]
