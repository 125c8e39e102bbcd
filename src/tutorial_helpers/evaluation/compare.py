"""Side-by-side comparison of planners: one harness, the same scenarios, the same checks.

Used by notebook 14 and by ``evaluate --framework all``.
"""

from __future__ import annotations

import importlib
import io
import tokenize
from pathlib import Path
from typing import Any

from tutorial_helpers.evaluation.harness import evaluate
from tutorial_helpers.evaluation.scenarios import Scenario
from tutorial_helpers.planners import FRAMEWORKS


def lines_of_code(framework: str) -> int:
    """Non-blank, non-comment, non-docstring lines of a framework's own code.

    A team is a package (``frameworks/ag2_team/``): every module in it counts. Shared code (tools,
    prompts, guardrail, ``planning.pipeline``) is not counted: it is the same for all.
    """
    module_name = {"reference": "tutorial_helpers.planning.reference"}.get(framework,
                                                                           FRAMEWORKS[framework].split(":")[0])
    module = importlib.import_module(module_name)
    path = Path(module.__file__)
    files = sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]
    return sum(_count(f.read_text(encoding="utf-8")) for f in files)


def _count(source: str) -> int:
    lines: set[int] = set()
    prev = tokenize.INDENT
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING and prev in (tokenize.INDENT, tokenize.NEWLINE, tokenize.DEDENT):
            prev = tok.type
            continue  # a docstring or bare string statement
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                            tokenize.ENDMARKER):
            lines.update(range(tok.start[0], tok.end[0] + 1))
        prev = tok.type
    return len(lines)


def compare(frameworks: list[str], scenarios: list[Scenario], *, provider: str | None = None,
            seed: int = 0) -> list[dict[str, Any]]:
    """Evaluate each framework on ``scenarios``; metrics dicts with ``lines_of_code`` added."""
    out = []
    for fw in frameworks:
        metrics = evaluate(fw, scenarios, provider=provider, seed=seed).metrics()
        metrics["lines_of_code"] = lines_of_code(fw)
        out.append(metrics)
    return out
