"""Paraphrases: different wordings of the same constraints must give the same structured request.

Each group says the same thing in 3-4 ways (order, synonyms, numbers in words, relative dates,
city nicknames). Today is fixed at 2026-11-22, a Sunday, so "this Saturday" is 2026-11-28.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tutorial_helpers.extraction import extract_request

# these tests check the stand-in's reader and protocol: its seeded error profile is switched off
pytestmark = pytest.mark.usefixtures("perfect_stand_in")

TODAY = dt.date(2026, 11, 22)

GROUPS: dict[str, list[str]] = {
    "maya_austin": [
        "Plan a birthday party for my daughter Maya, turning 8 on Saturday November 28 in Austin. She loves dinosaurs "
        "and painting. 12 kids are coming, one has a peanut allergy so nothing with nuts please. Budget is $400.",
        "Maya's 8th birthday this coming Saturday in ATX! A dozen kids, nut allergy in the group, she's obsessed with "
        "T-rexes and watercolors, we can spend up to four hundred dollars.",
        "austin, nov 28, twelve children, max $400. My daughter Maya turns eight; dinos and painting are her thing; "
        "nothing with nuts.",
        "Budget 400 dollars. Party of 12 in Austin, TX on 11/28 for Maya (8 years old) who loves dinosaurs and paint. "
        "Peanut and tree nut allergies.",
    ],
    "husband_seattle": [
        "My husband turns 45 on December 5th. We're in Seattle, about 20 friends, he's into hiking and photography. "
        "Keep it under $900 and he's gluten intolerant.",
        "Seattle, December 5th: my husband's 45th. Roughly twenty friends. He loves hikes and his camera. He's celiac. "
        "No more than $900.",
        "My husband is turning forty-five on 12/5 in the Emerald City - 20 guests, under 900 bucks, gluten-free food "
        "please, he is into trails and photos.",
        "My husband is turning 45! Party on the 5th of December in seattle for 20 people. Photography and hiking are "
        "his passions. He's gluten intolerant. $900 max.",
    ],
    "nephew_gift": [
        "Just a gift please: my nephew is 13 and obsessed with coding and robotics, budget 60 dollars.",
        "Only need a present for my 13-year-old nephew who loves programming and robots. 60 bucks.",
        "Looking for just a gift, max $60: nephew, 13, into Python and robotics.",
        "Gift ideas for my nephew turning thirteen - he's into coding and robots; sixty dollars tops.",
    ],
    "grandma_chicago": [
        "Grandma Rosa's 80th in Chicago on 2026-12-13, 30 guests, she loves gardening and music. Everything has to be "
        "vegan. We can spend up to $1,200.",
        "Chi-town, December 13: Grandma Rosa turns eighty! Thirty guests, fully plant-based menu, she adores her garden "
        "and singing. Up to $1.2k.",
        "We're celebrating my grandmother's 80th birthday in the Windy City on 12/13 with 30 people. Vegan food only. "
        "She loves plants and music. Budget: $1,200.",
    ],
    "twins_denver": [
        "Party for twins turning 6 in Denver this coming Saturday, 15 kids, they like soccer and animals. Egg allergy "
        "in the group. Around $500 total.",
        "Our twins turn 6 this Saturday in Denver. 15 children, one egg allergy, they love football and animals. About "
        "500 dollars total.",
        "Denver, 11/28, fifteen kids, twins aged 6 who like soccer and pets; no eggs; $500.",
        "The Mile High City, Saturday the 28th, twins turning six, 15 kids, soccer and zoo animals, egg-free food, "
        "five hundred bucks.",
    ],
    "friend_boston": [
        "Boston, Dec 12, my best friend's 30th. She's into yoga, coffee and reading. 10 people, dairy-free cake, "
        "max $350.",
        "My best friend turns 30 in Beantown on December 12th. Ten people, she loves pilates, lattes and novels. The "
        "cake has to be dairy-free. $350 max.",
        "Dairy-free cake, 10 guests, budget $350, Boston on 12/12 for my best friend's thirtieth; she's into yoga, "
        "espresso and books.",
    ],
    "teen_sf": [
        "San Francisco, Sunday December 6: a 16th birthday for a teen who loves video games and music, 25 guests, halal "
        "food only, $700.",
        "Sweet sixteen in SF on December 6 - 25 guests, halal food, $700; she loves gaming and singing.",
        "A 16-year-old who loves Minecraft and guitar; party in San Fran on 12/6, twenty-five people, only halal, "
        "700 dollars.",
    ],
    "baby_leo": [
        "A first birthday in Austin on December 19 for baby Leo, 8 guests, budget $250, no sesame.",
        "Baby Leo turns one on the 19th of December in Austin: 8 guests, $250, sesame allergy.",
        "Leo's 1st birthday, Austin, Dec 19, party of 8, budget of 250 dollars, nothing with sesame.",
    ],
    "cake_venue_denver": [
        "I want a cake and a venue for 40 people in Denver on December 12 and I only have $20.",
        "Only a cake and a venue please: forty people, Denver, December 12, and all I have is $20.",
        "Need a venue plus a cake for 40 guests in Denver on 12/12; budget 20 dollars.",
    ],
    "miami": [
        "Birthday in Miami on December 5 for 10 people, $500, she likes dance.",
        "She likes dancing. Birthday in Miami, Dec 5, ten people, $500.",
        "Dec 5th party in miami for 10 guests, she loves dance, budget $500",
    ],
    "wife_seattle": [
        "My wife's turning 35 in Seattle on 12/12. She loves wine and cooking. Small dinner, 6 of us, $600, no "
        "shellfish-type stuff but nothing else to avoid.",
        "Wife turning thirty-five, Seattle, December 12, six of us, $600; she loves vino and cooking.",
        "For my wife's 35th in Seattle on Dec 12: she's into wine and she's a great chef. Dinner for 6, 600 dollars.",
    ],
    "son_chicago": [
        "Chicago, Saturday Dec 5, my son's 10th: lego and space, 18 kids, vegetarian, $450.",
        "My son turns ten on Saturday, December 5 in Chicago: LEGO and outer space, 18 kids, vegetarian food, $450.",
        "Chicago, 12/5, son's 10th birthday, eighteen children, veggie menu, likes legos and astronauts, budget "
        "450 dollars.",
    ],
    "two_weeks_denver": [
        "My son turns 7 in two weeks; party in Denver, 20 kids, $300, he loves rockets and experiments.",
        "Two weeks from today, Denver: 7th birthday for my boy, twenty kids, three hundred dollars; astronomy and "
        "chemistry fan.",
        "Denver on 12/06, he'll be seven, 20 children, budget 300, likes space and science.",
    ],
    "mom_tomorrow": [
        "Surprise party tomorrow in Boston for my mom's 60th, 25 guests, $800, she loves travel and photography, "
        "vegetarian.",
        "Mom turns sixty on November 23 in Boston! 25 people, up to $800, veggie food, she's into traveling and "
        "taking pictures.",
        "Boston, 11/23: a 60th birthday for my mother; party of 25; budget $800; vegetarian; loves trips and her camera.",
    ],
}

CASES = [(group, i, text) for group, texts in GROUPS.items() for i, text in enumerate(texts)]


def structured(text: str) -> dict[str, object]:
    """The comparable part of an extraction (order-free lists)."""
    ex = extract_request(text, TODAY)
    assert ex.request is not None, ex.problems
    r = ex.request
    return {
        "recipient_age": r.recipient_age, "city": r.city, "unknown_city": ex.unknown_city, "date": r.date,
        "guests": r.guests, "budget": r.budget, "interests": set(r.interests),
        "avoid_allergens": set(r.avoid_allergens), "dietary": set(r.dietary), "categories": set(r.categories),
    }


def test_enough_paraphrases() -> None:
    assert len(CASES) >= 40
    assert all(3 <= len(texts) <= 5 for texts in GROUPS.values())


@pytest.mark.parametrize(("group", "index", "text"), [c for c in CASES if c[1] > 0],
                         ids=[f"{g}-{i}" for g, i, _ in CASES if i > 0])
def test_paraphrase_matches_first_wording(group: str, index: int, text: str) -> None:
    expected = structured(GROUPS[group][0])
    got = structured(text)
    diff = {k: (expected[k], got[k]) for k in expected if expected[k] != got[k]}
    assert not diff, f"{group}[{index}] differs: {diff}"


@pytest.mark.parametrize("group", list(GROUPS))
def test_first_wording_is_complete(group: str) -> None:
    """The reference wording of each group is fully understood (so equality is not equality of blanks)."""
    s = structured(GROUPS[group][0])
    assert s["budget"] is not None and s["interests"] | s["avoid_allergens"] | s["dietary"] | s["categories"]
    known = [k for k, v in s.items() if v not in (None, set())]
    assert len(known) >= 4, known
