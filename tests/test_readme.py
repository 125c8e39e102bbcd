"""README.md stays true: the two commands first, the notebook table generated from the registry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_two_commands_first():
    text = (ROOT / "README.md").read_text()
    first_code = text.split("```", 2)[1]
    assert "make demo" in first_code and "make test" in first_code


def test_notebook_table_is_current():
    r = subprocess.run([sys.executable, "scripts/update_readme.py", "--check"], cwd=ROOT)
    assert r.returncode == 0, "README notebook table is stale: run `python scripts/update_readme.py`"


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
