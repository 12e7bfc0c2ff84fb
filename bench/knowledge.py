"""Knowledge-base load time and referral query latency."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time

TITLE = "Knowledge base and referral inference"
LOAD_RUNS = 7
QUERIES = 10_000
SEED = 20260114
GOAL_LOAD_MS = 300.0
GOAL_P99_MS = 1.0

_LOAD_SCRIPT = """
import time
start = time.perf_counter()
from myomap_core.knowledge import load_knowledge_base
kb = load_knowledge_base()
print((time.perf_counter() - start) * 1000, len(kb.muscles))
"""


def cold_load_ms() -> tuple[float, int]:
    """Median import-and-load time in a fresh interpreter, and the muscle count."""
    times = []
    muscles = 0
    for _ in range(LOAD_RUNS):
        out = subprocess.run(
            [sys.executable, "-c", _LOAD_SCRIPT], capture_output=True, text=True, check=True
        ).stdout.split()
        times.append(float(out[0]))
        muscles = int(out[1])
    return statistics.median(times), muscles


def query_latencies_ms() -> tuple[float, list[float]]:
    """First query (builds the index) and the latency of each random query after it."""
    from myomap_core.knowledge import load_knowledge_base
    from myomap_core.referral import PainInput, infer_sources

    kb = load_knowledge_base()
    regions = sorted({r for ids in kb.areas.values() for r in ids})
    rng = random.Random(SEED)
    maps = [
        [PainInput(r, rng.choice((None, rng.randint(1, 10)))) for r in rng.sample(regions, k)]
        for k in (rng.randint(1, 8) for _ in range(QUERIES))
    ]
    start = time.perf_counter()
    infer_sources([PainInput(regions[0])], top=10, kb=kb)
    first = (time.perf_counter() - start) * 1000
    latencies = []
    for pain in maps:
        start = time.perf_counter()
        infer_sources(pain, top=10, kb=kb)
        latencies.append((time.perf_counter() - start) * 1000)
    return first, latencies


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run() -> str:
    """Measure and return the Markdown section body."""
    load, muscles = cold_load_ms()
    first, latencies = query_latencies_ms()
    p50 = _percentile(latencies, 0.50)
    p99 = _percentile(latencies, 0.99)

    def verdict(value: float, goal: float) -> str:
        return "met" if value < goal else "**missed**"

    rows = [
        (
            f"Cold load (import + parse + cross-check, fresh process, median of {LOAD_RUNS})",
            f"{load:.0f} ms",
            f"< {GOAL_LOAD_MS:.0f} ms ({verdict(load, GOAL_LOAD_MS)})",
        ),
        ("First query (builds the referral index)", f"{first:.1f} ms", ""),
        (
            f"Query latency p50 ({QUERIES:,} random pain maps of 1-8 regions, top 10, seed {SEED})",
            f"{p50:.3f} ms",
            "",
        ),
        (
            "Query latency p99",
            f"{p99:.3f} ms",
            f"< {GOAL_P99_MS:g} ms ({verdict(p99, GOAL_P99_MS)})",
        ),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    return (
        f"Knowledge base: {muscles} muscles.\n\n| Measure | Result | Goal |\n|---|---|---|\n"
        + table
        + "\n"
    )
