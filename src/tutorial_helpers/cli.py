"""The command line of ARCHITECTURE.md [contracts] (``python -m tutorial_helpers ...`` or ``tutorial-helpers ...``).

Exit codes: 0 done; 2 bad input or configuration (one line on stderr, no traceback); 3 the request is
valid but no plan can satisfy it (the plan is still printed); 1 internal error.
Set ``TUTORIAL_DEBUG=1`` to see tracebacks of internal errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn

from tutorial_helpers.domain import InputError

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_INFEASIBLE = 0, 1, 2, 3
FRAMEWORK_CHOICES = ("reference", "native", "ag2", "langgraph", "crewai", "adk")
PROVIDER_CHOICES = ("offline", "openai", "gemini", "compatible", "local-tiny")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line (exit 2) instead of a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see `{self.prog} --help`)\n")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535)")
    return port


CATALOG_HELP = "a catalog file in the shipped format (JSON Lines, one item a line) used instead of the shipped one"


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tutorial-helpers", description="Agentic RecSys Hands-On: plan birthdays with agents, offline.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sp = sub.add_parser("plan", help="plan one birthday from free text")
    sp.add_argument("text", help='the request, e.g. "Plan a party for Maya, 8, in Austin on Dec 12, 12 kids, $400"')
    sp.add_argument("--framework", default="reference", choices=FRAMEWORK_CHOICES)
    sp.add_argument("--provider", choices=PROVIDER_CHOICES, default=None)
    sp.add_argument("--today", type=_date, default=None, help="reference date for relative dates (YYYY-MM-DD)")
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--json", action="store_true", help="print the plan JSON")
    sp.add_argument("--catalog", default=None, help=CATALOG_HELP)

    se = sub.add_parser("evaluate", help="run every scenario and check every plan")
    se.add_argument("--scenarios", default=None, help="JSON Lines scenario file (default: the shipped examples)")
    se.add_argument("--framework", default="reference", choices=(*FRAMEWORK_CHOICES, "all"))
    se.add_argument("--provider", choices=PROVIDER_CHOICES, default=None)
    se.add_argument("--seed", type=int, default=0)
    se.add_argument("--limit", type=int, default=None, help="only the first N scenarios")
    se.add_argument("--json", action="store_true", help="print the metrics JSON")
    se.add_argument("--out", default=None, help="write a report (metrics.json + PNG charts) into this folder")
    se.add_argument("--catalog", default=None, help=CATALOG_HELP)

    sd = sub.add_parser("demo", help="the instructor demo: MACRS talks with a simulated user, then the plan")
    sd.add_argument("--framework", default=None, choices=FRAMEWORK_CHOICES, help=argparse.SUPPRESS)  # kept, unused
    sd.add_argument("--provider", choices=PROVIDER_CHOICES, default=None)
    sd.add_argument("--today", type=_date, default=None)

    ss = sub.add_parser("simulate", help="conversations between a conversational recommender and the user simulator")
    ss.add_argument("--personas", default=None, help="persona file (JSON list; default: the shipped personas)")
    ss.add_argument("--domain", choices=("birthday", "movies"), default="birthday")
    ss.add_argument("--users", type=int, default=25, help="movies: how many MovieLens users")
    ss.add_argument("--recommender", default="macrs", help="macrs, macrs-no-reflection, single-agent, form-filler, "
                    "recommend-first, an ablation (macrs-no-info-reflection, ...) or all")
    ss.add_argument("--max-turns", type=int, default=6)
    ss.add_argument("--seed", type=int, default=0)
    ss.add_argument("--limit", type=int, default=None, help="only the first N personas")
    ss.add_argument("--simulator", choices=("rule", "llm"), default="rule",
                    help="who plays the user (llm: for real models)")
    ss.add_argument("--provider", choices=PROVIDER_CHOICES, default=None)
    ss.add_argument("--json", action="store_true", help="print the simulation JSON")
    ss.add_argument("--out", default=None, help="write a report (simulation.json + PNG chart) into this folder")
    ss.add_argument("--catalog", default=None, help=CATALOG_HELP)

    sl = sub.add_parser("serve-llm", help="the offline stand-in model as an OpenAI-compatible HTTP server")
    sl.add_argument("--host", default="127.0.0.1")
    sl.add_argument("--port", type=_port, default=8000)

    sm = sub.add_parser("serve-mcp", help="the MCP server (catalog, availability, budget, cart tools)")
    sm.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    sm.add_argument("--port", type=_port, default=8765)
    sm.add_argument("--host", default="127.0.0.1")
    sm.add_argument("--today", type=_date, default=None,
                    help="the tools' today (YYYY-MM-DD) for lead times and availability (default: the system date)")

    sc = sub.add_parser("catalog", help="catalog commands")
    csub = sc.add_subparsers(dest="catalog_command", required=True, parser_class=_Parser)
    cs = csub.add_parser("stats", help="counts per category, city, interest, age band, diet")
    cs.add_argument("--json", action="store_true")
    return p


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def _catalog_arg(args: argparse.Namespace) -> Any:
    """The catalog named by ``--catalog`` (read and checked once by :func:`main`), else ``None`` (the shipped one)."""
    if not getattr(args, "catalog", None):
        return None
    from tutorial_helpers.catalog import load_catalog

    return load_catalog()  # inside main's use_catalog_file block: the file's catalog


def _check_out(out: str | None) -> None:
    """``--out`` must be a folder (or not exist yet): checked before any work, so nothing is written half-way."""
    if out is not None and os.path.exists(out) and not os.path.isdir(out):
        raise InputError(f"--out {out} is a file: give a folder for the report.")


def cmd_plan(args: argparse.Namespace) -> int:
    from tutorial_helpers.display import plan_summary
    from tutorial_helpers.planners import plan_text

    plan = plan_text(args.text, args.framework, today=args.today, provider=args.provider, seed=args.seed,
                     catalog=_catalog_arg(args))
    if args.json:
        _print_json(plan.to_json_dict())
    else:
        sys.stdout.write(plan_summary(plan) + "\n")
    return EXIT_OK if plan.feasible else EXIT_INFEASIBLE


def cmd_evaluate(args: argparse.Namespace) -> int:
    from tutorial_helpers.evaluation import evaluate, load_scenarios
    from tutorial_helpers.evaluation.report import write_report
    from tutorial_helpers.planners import get_planner

    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit must be at least 1 (got {args.limit}).")
    _check_out(args.out)
    scenarios = load_scenarios(args.scenarios, limit=args.limit)
    catalog = _catalog_arg(args)
    frameworks = list(FRAMEWORK_CHOICES) if args.framework == "all" else [args.framework]
    for fw in frameworks:
        get_planner(fw)  # a framework whose extra is missing is a configuration error, before any scenario runs
    metrics, rows = [], []
    for fw in frameworks:
        def progress(done: int, total: int, res: Any, fw: str = fw) -> None:
            if not args.json:
                mark = "pass" if res.passed else "FAIL"
                sys.stderr.write(f"[{fw}] {done}/{total} {res.id}: {mark}\n")

        result = evaluate(fw, scenarios, provider=args.provider, seed=args.seed, progress=progress, catalog=catalog)
        metrics.append(result.metrics())
        rows += [{"framework": fw, "id": r.id, "passed": r.passed, "raw_passed": r.raw_passed, "fallback": r.fallback,
                  "repaired": r.repaired, "checks": r.checks, "raw_checks": r.raw_checks, "error": r.error}
                 for r in result.results]
    if args.out:
        paths = write_report(metrics, args.out, rows)
        if not args.json:
            sys.stdout.write("report: " + ", ".join(str(p) for p in paths) + "\n")
    if args.json:
        _print_json(metrics if args.framework == "all" else metrics[0])
    else:
        for m in metrics:
            sys.stdout.write(
                f"{m['framework']:>10}: pass_rate {m['pass_rate']:.2f} (raw {m['raw_pass_rate']:.2f}, fallbacks "
                f"{m['fallback_rate']:.2f}, repairs {m['repair_rate']:.2f})  grounded_rate {m['grounded_rate']:.2f}  "
                f"n={m['n']}  llm_calls/plan {m['mean_llm_calls']:.1f}  wall/plan {m['mean_wall_s']:.2f}s\n"
            )
            for f in m["failures"][:10]:
                sys.stdout.write(f"            {f['id']} {f['check']}: {f['detail']}\n")
    return EXIT_OK


def cmd_catalog_stats(args: argparse.Namespace) -> int:
    from tutorial_helpers.catalog import load_catalog

    stats = load_catalog().stats()
    if args.json:
        _print_json(stats)
        return EXIT_OK
    sys.stdout.write(f"{stats['total']} items\n")
    for key in ("by_category", "by_city", "by_age_band", "by_diet", "by_interest"):
        sys.stdout.write(f"\n{key.removeprefix('by_').replace('_', ' ')}:\n")
        for name, count in stats[key].items():
            sys.stdout.write(f"  {name:<16} {count}\n")
    return EXIT_OK


def _progress_bar(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, disable=not enabled or total < 8 or not sys.stderr.isatty(), file=sys.stderr, unit="conv",
                leave=False)


def cmd_simulate(args: argparse.Namespace) -> int:
    _check_out(args.out)
    if args.max_turns < 1 or args.max_turns > 50:
        raise InputError(f"--max-turns must be between 1 and 50 (got {args.max_turns}).")
    if args.domain == "movies":
        from tutorial_helpers.evaluation.simulation.movies import MOVIE_RECOMMENDERS, simulate_movies

        names = list(MOVIE_RECOMMENDERS) if args.recommender == "all" else [args.recommender]
        if args.users < 1:
            raise InputError(f"--users must be at least 1 (got {args.users}).")
        bar = _progress_bar(args.users * len(names), True)
        results = simulate_movies(args.users, names, seed=args.seed, max_turns=args.max_turns, provider=args.provider,
                                  progress=lambda *a: bar.update(1))
        bar.close()
    else:
        from tutorial_helpers.evaluation.simulation import load_personas, simulate
        from tutorial_helpers.patterns.conversational import RECOMMENDERS, make_recommender

        if args.limit is not None and args.limit < 1:
            raise InputError(f"--limit must be at least 1 (got {args.limit}).")
        personas = load_personas(args.personas, limit=args.limit)
        if not personas:
            raise InputError("The persona file holds no personas.")
        names = list(RECOMMENDERS) if args.recommender == "all" else [args.recommender]
        for n in names:
            make_recommender(n)  # unknown names are bad input, before any conversation runs
        import contextlib

        from tutorial_helpers.tools.state import use_catalog

        catalog = _catalog_arg(args)
        bar = _progress_bar(len(personas) * len(names), True)
        with use_catalog(catalog) if catalog is not None else contextlib.nullcontext():
            results = simulate(personas, names, provider=args.provider, seed=args.seed, max_turns=args.max_turns,
                               simulator=args.simulator, progress=lambda *a: bar.update(1))
        bar.close()
    payload = [r.to_json() for r in results]
    if args.out:
        from tutorial_helpers.evaluation.simulation.report import write_simulation_report

        paths = write_simulation_report(payload, args.out)
        if not args.json:
            sys.stdout.write("report: " + ", ".join(str(p) for p in paths) + "\n")
    if args.json:
        _print_json(payload if args.recommender == "all" else payload[0])
        return EXIT_OK
    for m in payload:
        extra = f"  recall@k {m['recall_at_k']:.2f}" if "recall_at_k" in m else ""
        sys.stdout.write(
            f"{m['recommender']:>28}: success {m['success_rate']:.0%}  turns {m['mean_turns']:.2f}  "
            f"calls {m['mean_llm_calls']:.1f}  accepted_invalid {m['accepted_invalid']}  "
            f"grounded {m['grounded_rate']:.2f}  "
            f"n={m['n']}{extra}\n")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from tutorial_helpers.demo import run_demo

    return run_demo(framework=args.framework, provider=args.provider, today=args.today)


def cmd_serve_llm(args: argparse.Namespace) -> int:
    from tutorial_helpers.llm.offline.server import run

    run(host=args.host, port=args.port)
    return EXIT_OK


def cmd_serve_mcp(args: argparse.Namespace) -> int:
    from tutorial_helpers.mcp.server import run

    run(transport=args.transport, host=args.host, port=args.port,
        today=args.today.isoformat() if args.today else None)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {
        "plan": cmd_plan, "evaluate": cmd_evaluate, "demo": cmd_demo, "simulate": cmd_simulate,
        "serve-llm": cmd_serve_llm, "serve-mcp": cmd_serve_mcp,
    }
    try:
        if args.command == "catalog":
            return cmd_catalog_stats(args)
        from tutorial_helpers.catalog.store import use_catalog_file

        with use_catalog_file(getattr(args, "catalog", None)):
            return handlers[args.command](args)
    except InputError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return EXIT_INTERNAL
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: one line, no traceback unless asked
        if os.environ.get("TUTORIAL_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(f"internal error: {type(exc).__name__}: {exc} (set TUTORIAL_DEBUG=1 for details)\n")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
