"""The ``myomap posture`` command: measures and findings from one photo's landmarks.

Pure core only: nothing here imports Django.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.posture import (
    CAVEAT,
    PostureAnalysis,
    analyse,
    analysis_json,
    parse_posture_input,
)

EXAMPLE = (
    '{"view": "back", "landmarks": {"iliac_crest_left": [412, 980], '
    '"iliac_crest_right": [620, 968]}, "scale_mm_per_px": 0.5}'
)


def register(subparsers: Any) -> None:
    """Add the command to the `myomap` parser."""
    posture = subparsers.add_parser(
        "posture",
        help="measure posture from photo landmarks (JSON)",
        description=(
            "Reads a JSON file with the photo view, landmark pixel coordinates (y down; "
            "left/right are the client's) and an optional scale, and prints each measure "
            "with its reference, the findings and the muscles they point to. "
            f"Example: {EXAMPLE}. FILE may be - for standard input."
        ),
    )
    posture.add_argument("file", metavar="FILE", help="landmarks JSON file, or - for stdin")
    posture.add_argument("--json", action="store_true", help="print JSON")
    posture.set_defaults(handler=_posture)


def _fail(message: str) -> int:
    print(f"myomap: error: {message}", file=sys.stderr)
    return 2


def _read(name: str) -> object:
    if name == "-":
        return json.load(sys.stdin)
    return json.loads(Path(name).read_text("utf-8"))


def _posture(args: argparse.Namespace) -> int:
    try:
        raw = _read(args.file)
    except OSError as error:
        return _fail(f"{args.file}: cannot read ({error.strerror or error})")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return _fail(f"{args.file}: not valid JSON ({error})")
    if not isinstance(raw, dict):
        return _fail(f"{args.file}: must be a JSON object with view and landmarks")
    try:
        result = analyse(parse_posture_input(raw))
    except DomainError as error:
        return _fail(str(error))
    if args.json:
        print(json.dumps(analysis_json(result), ensure_ascii=False))
        return 0
    print(_text(result))
    return 0


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, width=96, initial_indent=indent, subsequent_indent=indent)


def _text(a: PostureAnalysis) -> str:
    kb = load_knowledge_base()
    lines = [f"Posture, {a.view.value} view"]
    if a.facing:
        how = "inferred" if a.facing_inferred else "given"
        lines[0] += f" (client faces image {a.facing}, {how})"
    lines.append("")
    for m in a.measures:
        if not m.measurable:
            lines.append(f"{m.label}: not measurable; needs {', '.join(m.needs)}")
            continue
        direction = f", {m.direction}" if m.direction else ""
        lines.append(f"{m.label}: {m.value:g} {m.unit}{direction}".replace(" °", "°"))
        lines.append(_wrap(m.interpretation, "    "))
        lines.append(_wrap(f"Reference: {m.reference}", "    "))
    if a.warnings:
        lines += ["", "Warnings"]
        for w in a.warnings:
            lines.append(_wrap(f"[{w.code}] {w.message}", "  "))
    lines += ["", "Findings"]
    if not a.findings:
        lines.append("  none past their thresholds")
    for f in a.findings:
        lines.append(f"  {f.text}" + (" (marked)" if f.marked else ""))
        for h in f.hypotheses:
            name = kb.muscle(h.muscle_id).name + (f", {h.side}" if h.side else "")
            lines.append(_wrap(f"- {name}: {h.state}. {h.reason} [{h.source}]", "    "))
        for note in f.notes:
            lines.append(_wrap(f"Note: {note}", "    "))
    lines += ["", _wrap(CAVEAT, "")]
    return "\n".join(lines)
