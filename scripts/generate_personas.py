"""Write the shipped persona file (src/tutorial_helpers/data/personas.json), deterministically.

Usage: python scripts/generate_personas.py [--n 36] [--seed 0]
Held-out personas for evaluations come from the same generator with another seed and prefix
(``generate_personas(20, seed=7, prefix="heldout")``); they are never shipped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tutorial_helpers.evaluation.simulation.personas import generate_personas, personas_json

OUT = Path(__file__).resolve().parents[1] / "src" / "tutorial_helpers" / "data" / "personas.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=36)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    personas = generate_personas(args.n, seed=args.seed, prefix="p")
    OUT.write_text(personas_json(personas), encoding="utf-8")
    print(f"wrote {len(personas)} personas to {OUT}")


if __name__ == "__main__":
    main()
