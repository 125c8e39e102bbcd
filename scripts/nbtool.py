"""Notebook authoring helpers: build a notebook from cells and strip outputs (`python scripts/nbtool.py strip`).

Notebooks are committed without outputs; `strip` clears outputs and execution counts of every
notebook under notebooks/ (run it before committing a notebook you executed in JupyterLab).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
REPO = "agentic-recsys-hands-on/agentic-recsys-hands-on"


def badge(file: str) -> str:
    return (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/{REPO}/blob/main/notebooks/{file}) "
        f"· [README](../README.md) · [all notebooks](../README.md#notebooks)"
    )


SETUP = '''# Setup: installs the library only when running in Colab (locally, `make lab` already did)
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "tutorial-helpers[frameworks] @ git+https://github.com/''' + REPO + '''"], check=True)'''

PROVIDER = '''# Which model answers? Offline stand-in unless a key or base URL is configured (keys are never printed)
from tutorial_helpers.llm import describe_provider

print(describe_provider())'''


def make(file: str, cells: list[tuple[str, str] | tuple[str, str, list[str]]]) -> Path:
    """Write notebooks/<file> from ``(kind, source[, tags])`` cells, kind "md" or "code"."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for cell in cells:
        kind, src = cell[0], cell[1].strip("\n")
        tags = cell[2] if len(cell) > 2 else []
        c = nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
        if tags:
            c.metadata["tags"] = list(tags)
        nb.cells.append(c)
    for i, c in enumerate(nb.cells):
        c["id"] = f"c{i:03d}"
    path = ROOT / "notebooks" / file
    nbformat.write(nb, path)
    return path


def strip(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    changed = False
    for c in nb.cells:
        if c.cell_type == "code" and (c.outputs or c.execution_count is not None):
            c.outputs, c.execution_count, changed = [], None, True
    if changed:
        nbformat.write(nb, path)
    return changed


if __name__ == "__main__":
    if sys.argv[1:2] == ["strip"]:
        for p in sorted((ROOT / "notebooks").glob("*.ipynb")):
            if strip(p):
                print(f"stripped {p.name}")
