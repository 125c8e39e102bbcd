"""Recording a notebook's key figures so CI can assert them (ARCHITECTURE.md [notebooks]).

In a notebook::

    from tutorial_helpers.testing import record
    record("pass_rate_single_agent", 0.92)

Each call stores the value in the executed notebook's output (mime type
``application/x-tutorial-record+json``) and, when ``TUTORIAL_RECORD_PATH`` is set (the tests set it),
appends it to that JSON file. :func:`read_records` reads them back from either place.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

MIME = "application/x-tutorial-record+json"
_RECORDS: dict[str, Any] = {}


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    return json.loads(json.dumps(value, default=str))


def record(name: str, value: Any) -> Any:
    """Record ``value`` under ``name`` for the notebook tests; returns ``value`` unchanged."""
    val = _jsonable(value)
    _RECORDS[name] = val
    path = os.environ.get("TUTORIAL_RECORD_PATH")
    if path:
        p = Path(path)
        data = json.loads(p.read_text()) if p.exists() and p.stat().st_size else {}
        data[name] = val
        p.write_text(json.dumps(data, indent=1))
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display({MIME: {name: val}, "text/plain": f"recorded {name} = {val!r}"}, raw=True)
    except ImportError:
        pass
    return value


def recorded() -> dict[str, Any]:
    """Values recorded in this process."""
    return dict(_RECORDS)


def read_records(notebook_path: str | Path) -> dict[str, Any]:
    """Read the values recorded in an executed notebook file."""
    nb = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if MIME in data:
                out.update(data[MIME])
    return out
