"""The shared request extractor: free text -> :class:`~tutorial_helpers.domain.BirthdayRequest`.

Used by the reference planner, the CLI and the offline stand-in model to "understand" a request::

    >>> import datetime as dt
    >>> from tutorial_helpers.extraction import extract_request
    >>> ex = extract_request("My son's 10th in Chicago next Saturday, a dozen kids, 400 bucks", dt.date(2026, 11, 22))
    >>> ex.request.recipient_age, ex.request.city, ex.request.guests, ex.request.budget
    (10, 'Chicago', 12, 400.0)

Modules: ``text`` (working copy with offsets), ``numbers`` (number words, amounts), ``dates`` (date
grammar), ``vocabulary`` (synonym tables), ``quantities`` (budget, age, guests), ``preferences``
(interests, dislikes, allergens, diets, categories), ``places`` (cities), ``people`` (recipient),
``feedback`` (conversation reactions) and ``extract`` (the public functions).
"""

from tutorial_helpers.extraction.extract import (
    ESSENTIAL_FIELDS,
    Extraction,
    extract_conversation,
    extract_request,
    parse_request,
    read_request,
)

__all__ = ["ESSENTIAL_FIELDS", "Extraction", "extract_conversation", "extract_request", "parse_request", "read_request"]
