"""Notebook authoring helpers: build a notebook from cells, strip outputs, refresh the Colab cells.

- `python scripts/nbtool.py strip`: clear outputs and execution counts of every notebook under
  notebooks/ (notebooks are committed without outputs).
- `python scripts/nbtool.py colab`: rewrite the badge cell (first markdown cell with the Colab badge)
  and the setup cell (first code cell starting with "# Setup") of every notebook in
  notebooks/registry.toml from the templates below; idempotent, no other cell is touched. Run it after
  adding a notebook or changing its `frameworks`. `--check` only reports stale cells (exit 1).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "site" / "config.toml").read_text())
REPO: str = CONFIG["repo"]  # the repository address lives in site/config.toml, nowhere else
BRANCH: str = CONFIG["branch"]
GITHUB = f"https://github.com/{REPO}"
#: registry `frameworks` -> the pyproject extra that installs it ("openai" is in the base package)
EXTRA_OF = {"ag2": "ag2", "langgraph": "langgraph", "crewai": "crewai", "adk": "adk"}


def registry() -> list[dict]:
    """The entries of notebooks/registry.toml, in file order."""
    return sorted(tomllib.loads((ROOT / "notebooks" / "registry.toml").read_text())["notebook"], key=lambda e: e["file"])


def extras_for(entry: dict) -> list[str]:
    """The pyproject extras a notebook needs: from its registry ``frameworks``, plus its ``extras`` list."""
    return sorted({EXTRA_OF[f] for f in entry.get("frameworks", []) if f in EXTRA_OF} | set(entry.get("extras", [])))


def badge(file: str) -> str:
    """The first cell of every notebook: Colab badge and absolute links (they work from Colab too)."""
    return (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/notebooks/{file}) "
        f"· [README]({GITHUB}#readme) · [all notebooks]({GITHUB}#notebooks)"
    )


SETUP_TEMPLATE = """# Setup, in Colab only (locally `make lab` already installed everything): clone the tutorial and install
# what this notebook needs, pinned to the tested versions in requirements/requirements.lock
import sys

if "google.colab" in sys.modules:
    import importlib.metadata as md
    import os
    import subprocess

    SRC, EXTRAS = "{clone_dir}", "{extras}"
    if not os.path.isdir(SRC):
        subprocess.run(["git", "clone", "-q", "--depth", "1", "-b", "{branch}", "{github}", SRC], check=True)
    before = {{d.metadata["Name"].lower(): d.version for d in md.distributions()}}
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-c", f"{{SRC}}/requirements/requirements.lock",
                          f"{{SRC}}[{{EXTRAS}}]" if EXTRAS else SRC], capture_output=True, text=True)
    if pip.returncode:
        print(pip.stdout[-4000:], pip.stderr[-4000:], sep="\\n")
        raise RuntimeError("pip install failed: its output is printed above")
    after = {{d.metadata["Name"].lower(): d.version for d in md.distributions()}}
    replaced = [f"{{n}} {{v}} -> {{after.get(n)}}" for n, v in before.items()
                if after.get(n) != v and n.replace("-", "_") in sys.modules]
    if replaced:
        print("Replaced packages this session had already imported:", ", ".join(replaced))
        print("Restart the session (Runtime > Restart session), then run the notebook again from the top.")
    os.chdir(f"{{SRC}}/notebooks")"""


def setup_cell(entry: dict) -> str:
    """The setup cell of one notebook: installs only its extras, constrained by the lock."""
    return SETUP_TEMPLATE.format(clone_dir=CONFIG["clone_dir"], extras=",".join(extras_for(entry)),
                                 branch=BRANCH, github=GITHUB)


SETUP = setup_cell({"frameworks": []})  # notebooks built with make() start from this; `colab` fixes the extras

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


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def colab_cells(nb: dict) -> tuple[int | None, int | None]:
    """Indexes of the badge cell and the setup cell of a notebook (None when absent)."""
    badge_i = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"
                    and "colab.research.google.com" in _source(c)), None)
    setup_i = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
                    and _source(c).lstrip().startswith("# Setup")), None)
    return badge_i, setup_i


def refresh_colab(entry: dict, check: bool = False) -> list[str]:
    """Bring one notebook's badge and setup cells up to date; returns what changed (or would)."""
    path = ROOT / "notebooks" / entry["file"]
    nb = nbformat.read(path, as_version=4)
    badge_i, setup_i = colab_cells(nb)
    changes = []
    if badge_i is None:
        changes.append("badge cell missing: inserted")
        if not check:
            cell = nbformat.v4.new_markdown_cell(badge(entry["file"]))
            cell["id"] = "colab-badge"
            nb.cells.insert(0, cell)
    elif _source(nb.cells[badge_i]) != badge(entry["file"]):
        changes.append("badge cell")
        nb.cells[badge_i].source = badge(entry["file"])
    _, setup_i = colab_cells(nb)
    want = setup_cell(entry)
    if setup_i is None:
        changes.append("setup cell missing")  # the notebook contract puts it after title and goals: add by hand
    elif _source(nb.cells[setup_i]) != want:
        changes.append("setup cell")
        nb.cells[setup_i].source = want
    if changes and not check:
        nbformat.write(nb, path)
    return changes


if __name__ == "__main__":
    if sys.argv[1:2] == ["strip"]:
        for p in sorted((ROOT / "notebooks").glob("*.ipynb")):
            if strip(p):
                print(f"stripped {p.name}")
    elif sys.argv[1:2] == ["colab"]:
        check = "--check" in sys.argv
        stale = 0
        for e in registry():
            changed = refresh_colab(e, check=check)
            stale += bool(changed)
            if changed:
                print(f"{e['file']}: {'stale' if check else 'updated'}: {', '.join(changed)}")
        sys.exit(1 if check and stale else 0)
    else:
        print(__doc__)
        sys.exit(2)
