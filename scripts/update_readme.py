"""Rewrite the notebook table in README.md from notebooks/registry.toml (`python scripts/update_readme.py`).

tests/test_readme.py fails when the table is stale, so the registry is the one source of truth.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- notebooks:start -->", "<!-- notebooks:end -->"
PARTS = {"A": "Introduction", "B": "Alphabets (building blocks)", "C": "Industrial patterns", "D": "Hands-on with the frameworks",
         "E": "Challenges and future"}
REPO = "agentic-recsys-hands-on/agentic-recsys-hands-on"


def table() -> str:
    entries = sorted(tomllib.loads((ROOT / "notebooks" / "registry.toml").read_text())["notebook"], key=lambda e: e["file"])
    lines = ["| # | notebook | part | frameworks | keys | CI | Colab |", "|---|---|---|---|---|---|---|"]
    for e in entries:
        num = e["file"][:2]
        colab = f"[open](https://colab.research.google.com/github/{REPO}/blob/main/notebooks/{e['file']})"
        lines.append(
            f"| {num} | [{e['title']}](notebooks/{e['file']}) | {e['part']} {PARTS[e['part']]} | "
            f"{', '.join(e['frameworks'])} | {'optional' if not e['needs_keys'] else 'required'} | {e['ci']} | {colab} |"
        )
    return "\n".join(lines)


def render(readme: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main() -> int:
    path = ROOT / "README.md"
    new = render(path.read_text())
    if "--check" in sys.argv:
        return 0 if new == path.read_text() else 1
    path.write_text(new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
