"""Region language: the phrase table, the knowledge base's own patterns by name, refer latency."""

from __future__ import annotations

import contextlib
import statistics
import time

TITLE = "Region language"
GOAL_MS = 1.0


def phrase_table() -> tuple[int, int]:
    """(phrases resolving to exactly their expected regions, phrases in the table)."""
    from myomap_core import atlas
    from tests.core.region_phrases import PHRASES

    good = 0
    for phrase, areas, side in PHRASES:
        expected = {
            r
            for a in areas
            for r in atlas.region_ids_for_area(a)
            if side == "both" or not r.endswith(("_left", "_right")) or r.endswith("_" + side)
        }
        with contextlib.suppress(ValueError):
            good += set(atlas.resolve_region(phrase)) == expected
    return good, len(PHRASES)


def own_patterns() -> tuple[int, int, int]:
    """(patterns, source muscle in top 3, source muscle first) when each trigger point's
    essential zones are queried by their names as words ("left outer hip"), not by ids."""
    from myomap_core import atlas
    from myomap_core.knowledge import load_knowledge_base
    from myomap_core.referral import PainInput, infer_sources

    kb = load_knowledge_base()
    total = top3 = first = 0
    for muscle in kb.muscles:
        for tp in muscle.trigger_points:
            words = []
            for zone in tp.essential:
                label = atlas.area(zone.area).label
                sided = atlas.area(zone.area).sided
                side = {"ipsilateral": "left", "contralateral": "right"}.get(str(zone.side), "")
                words.append(f"{label} {side}".strip() if sided else label)
            ids: list[str] = []
            for text in words:
                ids.extend(r for r in atlas.resolve_region(text) if r not in ids)
            ranked = [
                c.muscle_id for c in infer_sources([PainInput(r) for r in ids], kb=kb).candidates
            ]
            total += 1
            top3 += muscle.id in ranked[:3]
            first += bool(ranked) and ranked[0] == muscle.id
    return total, top3, first


def refer_latency_ms() -> tuple[float, float]:
    """Mean and p99 of resolving one phrase and ranking its sources (as ``refer --batch`` does)."""
    from myomap_core.referral_json import referral_query
    from tests.core.region_phrases import PHRASES

    referral_query([PHRASES[0][0]], None, None)
    times = []
    for _ in range(5):
        for phrase, _areas, _side in PHRASES:
            start = time.perf_counter()
            referral_query([phrase], None, None)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.mean(times), times[int(0.99 * len(times))]


def run() -> str:
    """Measure and return the Markdown section body."""
    good, phrases = phrase_table()
    total, top3, first = own_patterns()
    mean, p99 = refer_latency_ms()
    verdict = "met" if p99 < GOAL_MS else "**missed**"
    rows = [
        ("Phrase table resolved to exactly the expected regions", f"{good} / {phrases}", ""),
        (
            "Knowledge base's own patterns (essential zones by name): source muscle in top 3",
            f"{top3} / {total} ({100 * top3 / total:.0f} %)",
            "",
        ),
        ("... source muscle first", f"{first} / {total} ({100 * first / total:.0f} %)", ""),
        ("`refer` per phrase (resolve + rank), mean", f"{mean:.3f} ms", ""),
        ("`refer` per phrase, p99", f"{p99:.3f} ms", f"< {GOAL_MS:g} ms ({verdict})"),
    ]
    table = "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    return "| Measure | Result | Goal |\n|---|---|---|\n" + table + "\n"
