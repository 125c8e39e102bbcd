"""The long-term profile: the user's active semantic facts and episodes folded into one
:class:`~tutorial_helpers.domain.UserProfile`, and merged into the next request.
"""

from __future__ import annotations

from tutorial_helpers.domain import ALLERGENS, DIET_TAGS, BirthdayRequest, UserProfile
from tutorial_helpers.memory.episodic import Episode
from tutorial_helpers.memory.store import MemoryStore

#: prefixes of the profile ``notes`` that :func:`merge_profile` reads back
NOTE_SLOTS: tuple[str, ...] = ("interest", "dislike", "age", "date")


class LongTermProfile:
    """Folds a user's memories into a :class:`~tutorial_helpers.domain.UserProfile`.

    Args:
        store: the memory store.
        user_id: whose profile.

    Only *active* facts count: a superseded "allergy: peanuts" is history, not the profile.
    """

    def __init__(self, store: MemoryStore, user_id: str) -> None:
        self.store = store
        self.user_id = user_id

    def build(self, max_notes: int = 12) -> UserProfile:
        """The profile as it stands now.

        * allergies and diets: every active, non-negated fact (in the vocabulary order);
        * city and name: the newest value;
        * past gifts: from ``past_gift`` facts and from episodes, oldest first;
        * notes: interests, dislikes, age and free-text notes, newest first.
        """
        records = self.store.list(self.user_id, kinds=["semantic", "episodic", "note"])
        allergies: set[str] = set()
        diets: set[str] = set()
        single: dict[str, str] = {}
        gifts: list[str] = []
        notes: list[str] = []
        for r in sorted(records, key=lambda r: (r.created_at, r.id)):
            if r.kind == "episodic":
                gifts.extend(Episode.from_record(r).gift_ids)
                continue
            if r.kind == "note":
                notes.append(r.text)
                continue
            slot, value, negated = r.slot, str(r.meta.get("value")), bool(r.meta.get("negated"))
            if negated or value == "*":
                continue
            if slot == "allergy" and value in ALLERGENS:
                allergies.add(value)
            elif slot == "diet" and value in DIET_TAGS:
                diets.add(value)
            elif slot in ("city", "name"):
                single[slot] = value
            elif slot == "past_gift":
                gifts.append(value)
            elif slot in NOTE_SLOTS:
                notes.append(f"{slot}: {value}")
        return UserProfile(
            user_id=self.user_id,
            name=single.get("name"),
            city=single.get("city"),
            allergies=[a for a in ALLERGENS if a in allergies],
            dietary=[d for d in DIET_TAGS if d in diets],
            past_gift_ids=list(dict.fromkeys(gifts)),
            notes=list(reversed(notes))[:max_notes],
        )

    def apply(self, request: BirthdayRequest) -> tuple[BirthdayRequest, set[str]]:
        """Merge the profile into ``request``; see :func:`merge_profile`."""
        return merge_profile(request, self.build())


def merge_profile(request: BirthdayRequest, profile: UserProfile) -> tuple[BirthdayRequest, set[str]]:
    """What memory adds to a new request.

    Safety facts are *added* (the union of the request's and the profile's allergies and diets);
    city, name and interests fill only what the request left empty (what the user says now wins);
    past gifts become ids to exclude.

    Args:
        request: the new request.
        profile: the user's profile.

    Returns:
        ``(merged_request, exclude_ids)``.
    """
    data = request.model_dump()
    data["today"] = request.today
    data["avoid_allergens"] = list(dict.fromkeys([*request.avoid_allergens, *profile.allergies]))
    data["dietary"] = list(dict.fromkeys([*request.dietary, *profile.dietary]))
    if not request.city and profile.city:
        data["city"] = profile.city
    if not request.recipient_name and profile.name:
        data["recipient_name"] = profile.name
    noted = {slot: [n.split(": ", 1)[1] for n in profile.notes if n.startswith(f"{slot}: ")] for slot in NOTE_SLOTS}
    if not request.interests and noted["interest"]:
        data["interests"] = noted["interest"]
    data["dislikes"] = list(dict.fromkeys([*request.dislikes, *noted["dislike"]]))
    return BirthdayRequest.model_validate(data), set(profile.past_gift_ids)
