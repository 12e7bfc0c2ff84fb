"""Knowledge queries on the command line: ``regions``, ``muscle`` and ``refer``.

Pure core only: nothing here imports Django.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Iterable
from typing import IO, Any

from myomap_core import atlas
from myomap_core.errors import DomainError
from myomap_core.knowledge import KnowledgeBase, load_knowledge_base
from myomap_core.knowledge.records import Muscle
from myomap_core.referral import ReferralResult
from myomap_core.referral_json import (
    SIDE_CHOICES,
    jsonable,
    referral_query,
    result_json,
    side_word,
)

DEFAULT_TOP = 10


def register(subparsers: Any) -> None:
    """Add the knowledge subcommands to the ``myomap`` parser."""
    regions = subparsers.add_parser("regions", help="list the body regions of the atlas")
    regions.add_argument("--view", choices=("front", "back"), help="only one view")
    regions.add_argument("--json", action="store_true", help="print JSON")
    regions.set_defaults(handler=_regions)

    muscle = subparsers.add_parser("muscle", help="show everything known about one muscle")
    muscle.add_argument("name", metavar="NAME", help="muscle id, name or alias (e.g. QL)")
    muscle.add_argument("--json", action="store_true", help="print JSON")
    muscle.set_defaults(handler=_muscle)

    refer = subparsers.add_parser(
        "refer",
        help="rank the muscles that may refer pain to the given regions",
        description='Example: myomap refer "SI joint" buttock --side left',
    )
    refer.add_argument("regions", nargs="*", metavar="REGION", help="painful region names")
    refer.add_argument(
        "--side", choices=SIDE_CHOICES, help="side for region names given without one"
    )
    refer.add_argument("--top", type=_positive, default=DEFAULT_TOP, help="candidates to show")
    refer.add_argument(
        "--batch",
        metavar="FILE",
        help='JSON lines, one query per line ({"regions": [...], "side": null, "top": 5}); '
        "- reads standard input; answers one JSON line per query",
    )
    refer.add_argument("--json", action="store_true", help="print JSON")
    refer.set_defaults(handler=_refer)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _fail(error: DomainError | str) -> int:
    print(f"myomap: error: {error}", file=sys.stderr)
    return 2


def _print_json(data: Any, out: IO[str] | None = None) -> None:
    print(json.dumps(data, ensure_ascii=False), file=out or sys.stdout)


# --------------------------------------------------------------------------- regions


def _regions(args: argparse.Namespace) -> int:
    rows = [
        {
            "id": r.id,
            "label": r.label,
            "view": jsonable(r.view),
            "side": jsonable(r.side),
            "synonyms": list(r.synonyms),
        }
        for r in atlas.regions(args.view)
    ]
    if args.json:
        _print_json(rows)
        return 0
    width = max((len(row["id"]) for row in rows), default=0)
    for row in rows:
        extra = f"  ({', '.join(row['synonyms'])})" if row["synonyms"] else ""
        print(f"{row['id']:<{width}}  {row['view']:<5}  {row['side']:<7}  {row['label']}{extra}")
    return 0


# --------------------------------------------------------------------------- muscle


def muscle_json(kb: KnowledgeBase, muscle: Muscle) -> dict[str, Any]:
    """Every field of a muscle, with full citations for its sources."""
    data: dict[str, Any] = jsonable(muscle)
    data["sources"] = [
        {
            "ref": ref.ref,
            "chapter": ref.chapter,
            "pages": ref.pages,
            "label": kb.sources[ref.ref].label,
            "citation": kb.sources[ref.ref].citation,
        }
        for ref in muscle.sources
    ]
    return data


def _muscle(args: argparse.Namespace) -> int:
    try:
        kb = load_knowledge_base()
        muscle = kb.find_muscle(args.name)
    except DomainError as error:
        return _fail(error)
    if args.json:
        _print_json(muscle_json(kb, muscle))
        return 0
    print(_muscle_text(kb, muscle))
    return 0


def _wrap(label: str, text: str) -> str:
    return textwrap.fill(text, width=96, initial_indent=f"{label:<14}", subsequent_indent=" " * 14)


def _names(kb: KnowledgeBase, ids: Iterable[str]) -> str:
    return ", ".join(kb.muscle(i).name for i in ids) or "-"


def _muscle_text(kb: KnowledgeBase, m: Muscle) -> str:
    lines = [f"{m.name} ({m.id})"]
    if m.aliases:
        lines.append(_wrap("Also called", ", ".join(m.aliases)))
    lines += [
        _wrap("Group", m.group.value),
        _wrap("Origin", m.origin),
        _wrap("Insertion", m.insertion),
        _wrap("Action", m.action),
        _wrap("Innervation", m.innervation),
        "",
        "Palpation",
        _wrap("  Method", f"{m.palpation.method.value}, client {m.palpation.position.value}"),
        _wrap("  How", m.palpation.how),
        "",
        "Trigger points",
    ]
    for point in m.trigger_points:
        lines.append(f"  {point.id}: {point.label} [{point.area}; {point.source}]")
        lines.append(_wrap("    Location", point.location))
        for key, zones in (("    Essential", point.essential), ("    Spillover", point.spillover)):
            if zones:
                lines.append(_wrap(key, ", ".join(f"{z.area} ({z.side.value})" for z in zones)))
    t = m.techniques
    ic = t.ischemic_compression
    kg = ic.pressure_kg
    lines += [
        "",
        "Techniques",
        _wrap(
            "  Compression",
            f"{ic.pressure_lb[0]:g}-{ic.pressure_lb[1]:g} lb ({kg[0]:g}-{kg[1]:g} kg), "
            f"hold {ic.hold_s[0]}-{ic.hold_s[1]} s, {ic.contact.value}"
            + (f". {ic.notes}" if ic.notes else ""),
        ),
    ]
    if t.cross_fibre_friction:
        cf = t.cross_fibre_friction
        lines.append(
            _wrap(
                "  Friction",
                f"{cf.duration_s[0]}-{cf.duration_s[1]} s" + (f". {cf.notes}" if cf.notes else ""),
            )
        )
    if t.positional_release:
        pr = t.positional_release
        lines.append(_wrap("  Positional", f"{pr.position} Hold {pr.hold_s} s. {pr.notes}".strip()))
    if t.facilitated_stretch:
        fs = t.facilitated_stretch
        lines.append(
            _wrap(
                "  Stretch",
                f"{fs.position} Contract {fs.contract_s} s, {fs.repetitions} times. "
                f"{fs.notes}".strip(),
            )
        )
    lines += [
        "",
        "Self-care",
        _wrap("  Stretch", m.self_care.stretch),
        _wrap("  Compression", m.self_care.self_compression),
        "",
        _wrap("Perpetuating", "; ".join(m.perpetuating_factors) or "-"),
        _wrap("Synergists", _names(kb, m.synergists)),
        _wrap("Antagonists", _names(kb, m.antagonists)),
        _wrap("Satellites", _names(kb, m.satellites)),
        _wrap("Chains", ", ".join(kb.chains[c].label for c in m.chains) or "-"),
        _wrap("Conditions", ", ".join(kb.conditions[c].label for c in m.conditions) or "-"),
        _wrap("Mimics", ", ".join(kb.conditions[c].label for c in m.mimics) or "-"),
        "",
        "Sources",
    ]
    for ref in m.sources:
        place = f" {ref.place}." if ref.place else ""
        lines.append(
            textwrap.fill(
                f"{kb.sources[ref.ref].citation}{place}",
                width=96,
                initial_indent=f"  [{ref.ref}] ",
                subsequent_indent="    ",
            )
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- refer


def _refer(args: argparse.Namespace) -> int:
    if args.batch is not None:
        if args.regions:
            return _fail("give either REGION names or --batch, not both")
        return _refer_batch(args.batch)
    try:
        result = referral_query(args.regions, args.side, args.top)
    except DomainError as error:
        return _fail(error)
    if args.json:
        _print_json(result_json(result))
    else:
        print(_result_text(result))
    return 0


def _batch_query(line: str) -> dict[str, Any]:
    try:
        query = json.loads(line)
    except json.JSONDecodeError as error:
        raise DomainError(f"invalid JSON ({error.msg})", field="line", value=line) from None
    if not isinstance(query, dict):
        raise DomainError("must be a JSON object", field="line", value=line)
    unknown = sorted(set(query) - {"regions", "side", "top"})
    if unknown:
        raise DomainError(
            f"unknown key {unknown[0]!r}", field="line", suggestions=("regions", "side", "top")
        )
    regions = query.get("regions")
    if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
        raise DomainError("must be a list of region names", field="regions", value=regions)
    top = query.get("top", DEFAULT_TOP)
    if top is not None and (not isinstance(top, int) or isinstance(top, bool) or top < 1):
        raise DomainError("must be a positive whole number or null", field="top", value=top)
    side = query.get("side")
    if side is not None and not isinstance(side, str):
        raise DomainError("must be 'left', 'right' or null", field="side", value=side)
    return result_json(referral_query(regions, side, top))


def _refer_batch(path: str) -> int:
    try:
        if path == "-":
            lines = sys.stdin.read().splitlines()
        else:
            with open(path, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
    except OSError as error:
        return _fail(f"cannot read {path!r}: {error.strerror}")
    failed = False
    for number, line in enumerate(lines, start=1):
        try:
            _print_json(_batch_query(line))
        except DomainError as error:
            failed = True
            _print_json({"error": f"line {number}: {error}"})
    return 2 if failed else 0


def _result_text(result: ReferralResult) -> str:
    lines = ["Pain: " + "; ".join(r.label for r in result.regions), ""]
    if not result.candidates:
        lines.append("No muscle in the knowledge base refers pain to these regions.")
    for rank, c in enumerate(result.candidates, start=1):
        lines.append(f"{rank:>2}. {c.name} ({side_word(c)})  score {c.score:.2f}")
        for point in c.trigger_points:
            lines.append(
                _wrap(
                    "    Palpate",
                    f"{point.label} ({', '.join(point.region_ids)}): {point.location}",
                )
            )
        lines.append(
            _wrap(
                "    Method",
                f"{c.palpation.method.value}, client {c.palpation.position.value}: "
                f"{c.palpation.how}",
            )
        )
        if c.check_next:
            lines.append(
                _wrap(
                    "    Next",
                    ", ".join(
                        f"{n.name} ({n.relation.value}{' ' + n.via if n.via else ''})"
                        for n in c.check_next
                    ),
                )
            )
        for reason in c.reasons:
            lines.append(_wrap("    -", reason))
        lines.append("")
    return "\n".join(lines).rstrip()
