"""``myomap screen``: the safety-screening questions, and screening a client's answers.

Pure core only: nothing here imports Django.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Iterable
from typing import Any

from myomap_core import screening
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.screening import Finding, ScreeningInputError, ScreeningResult
from myomap_core.screening_logic import Answer

WIDTH = 96


def register(subparsers: Any) -> None:
    """Add ``screen`` to the ``myomap`` parser."""
    screen = subparsers.add_parser(
        "screen",
        help="safety screening: list the questions, or screen a client's answers",
        description=(
            'FILE.json holds {"age": 52, "sex": "female", "answers": {"<question id>": '
            'true | false | number | "text"}} (- reads standard input). Missing answers are '
            "unknown, never no. Bad entries give exit code 2."
        ),
    )
    screen.add_argument("file", nargs="?", metavar="FILE.json", help="answers to screen")
    screen.add_argument("--questions", action="store_true", help="list every question")
    screen.add_argument(
        "--rules", action="store_true", help="print the rule table (Markdown, as in the docs)"
    )
    screen.add_argument("--json", action="store_true", help="print JSON")
    screen.set_defaults(handler=_screen)


def _fail(message: str) -> int:
    print(f"myomap: error: {message}", file=sys.stderr)
    return 2


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False))


def _screen(args: argparse.Namespace) -> int:
    if sum((bool(args.questions), bool(args.file), bool(args.rules))) > 1:
        return _fail("give only one of --questions, --rules or FILE.json")
    if args.rules:
        print(rules_markdown())
        return 0
    if args.questions:
        return _questions(as_json=args.json)
    if not args.file:
        return _fail("give FILE.json to screen (- reads standard input), or --questions")
    try:
        if args.file == "-":
            text = sys.stdin.read()
        else:
            with open(args.file, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as error:
        return _fail(f"cannot read {args.file!r}: {error.strerror}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return _fail(f"{args.file}: invalid JSON ({error.msg}, line {error.lineno})")
    if not isinstance(data, dict):
        return _fail(f"{args.file}: must be a JSON object with age, sex and answers")
    try:
        result = screening.screen(screening.parse_input(data))
    except ScreeningInputError as error:
        count = len(error.problems)
        noun = "bad entry" if count == 1 else "bad entries"
        print(f"myomap: error: {args.file}: {count} {noun}", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem.field}: {problem.message}", file=sys.stderr)
        return 2
    except DomainError as error:
        return _fail(str(error))
    if args.json:
        _print_json(screening.result_json(result))
    else:
        print(result_text(result))
    return 0


# --------------------------------------------------------------------------- questions


def _questions(*, as_json: bool) -> int:
    items = screening.questions()
    if as_json:
        _print_json([screening.question_json(q) for q in items])
        return 0
    group = None
    for q in items:
        if q.group != group:
            group = q.group
            print(("\n" if q is not items[0] else "") + group)
        kind = q.type.value
        if q.unit:
            kind += f", {q.minimum:g}-{q.maximum:g} {q.unit}"
        indent = "    " if q.follow_up_of else "  "
        extra = f" (if yes to {q.follow_up_of})" if q.follow_up_of else ""
        if q.applies_to_sex:
            extra += f" ({q.applies_to_sex} only)"
        print(f"{indent}{q.id} [{kind}; {q.pathology}; {q.source}]{extra}")
        print(
            textwrap.fill(
                q.text, WIDTH, initial_indent=indent + "  ", subsequent_indent=indent + "  "
            )
        )
    return 0


# --------------------------------------------------------------------------- rules


def rules_markdown() -> str:
    """Every rule as a Markdown table, most urgent level first (docs/screening.md)."""
    kb = load_knowledge_base()
    rows = [
        "| Rule | Kind | Fires when | Decision | Tier | Source | Precautions |",
        "|---|---|---|---|---|---|---|",
    ]
    ranked = sorted(
        enumerate(screening.rules()), key=lambda item: (-item[1].decision.urgency, item[0])
    )
    for _, rule in ranked:
        p = rule.precautions
        parts = [f"no {t.replace('_', ' ')}" for t in p.techniques_not_allowed]
        if p.max_pressure_kg is not None:
            parts.append(f"max {p.max_pressure_kg:g} kg")
        if p.regions_to_avoid:
            parts.append("avoid " + ", ".join(p.regions_to_avoid))
        if p.site_questions:
            parts.append("avoid the site in " + ", ".join(p.site_questions))
        if p.positioning:
            parts.append("positioning")
        if p.clearance:
            parts.append("clearance")
        source = kb.sources[rule.source].label if rule.source in kb.sources else rule.source
        rows.append(
            f"| `{rule.id}`: {rule.title} | {rule.kind.value.replace('_', ' ')} "
            f"| `{rule.logic.text}` | {rule.decision.value} "
            f"| {'[ours]' if rule.tier_ours else 'source'} | {source} "
            f"| {'; '.join(parts) or '-'} |"
        )
    return "\n".join(rows)


# --------------------------------------------------------------------------- result


def _wrap(label: str, text: str, indent: int = 4) -> str:
    pad = " " * indent
    return textwrap.fill(
        text, WIDTH, initial_indent=f"{pad}{label:<12}", subsequent_indent=pad + " " * 12
    )


def _answer(value: Answer) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _pairs(pairs: Iterable[tuple[str, Answer]]) -> str:
    return "; ".join(f"{name} = {_answer(value)}" for name, value in pairs)


def _finding_lines(number: int, f: Finding) -> list[str]:
    kb = load_knowledge_base()
    source = kb.sources[f.source].label if f.source in kb.sources else f.source
    tier = " [ours]" if f.tier_ours else ""
    lines = [f"  {number}. [{f.decision.label}{tier}] {f.title} ({f.kind.replace('_', ' ')})"]
    if f.triggered_by:
        lines.append(_wrap("Because", _pairs(f.triggered_by)))
    if f.details:
        lines.append(_wrap("Details", _pairs(f.details)))
    lines += [
        _wrap("Action", f.action),
        _wrap("Why", f.why),
        _wrap("Ask doctor", f.ask_physician),
        _wrap("Source", f"{source} ({f.source})"),
    ]
    return lines


def result_text(result: ScreeningResult) -> str:
    """The screening result as a therapist reads it on the terminal."""
    d = result.decision
    lines = [
        f"Decision: {d.label} ({d.value})",
        textwrap.fill(d.instruction, WIDTH, initial_indent="  ", subsequent_indent="  "),
    ]
    if result.findings:
        lines += ["", "Findings (most urgent first)"]
        for number, finding in enumerate(result.findings, start=1):
            lines += _finding_lines(number, finding)
    else:
        lines += ["", "No rule fired on the answers given."]
    p = result.precautions
    if not p.is_empty:
        lines += ["", "Precautions"]
        if p.techniques_not_allowed:
            labels = [screening.TECHNIQUES[t] for t in p.techniques_not_allowed]
            lines.append(_wrap("Not allowed", ", ".join(labels), 2))
        if p.max_pressure_kg is not None:
            lines.append(_wrap("Max press.", f"{p.max_pressure_kg:g} kg", 2))
        if p.regions_to_avoid:
            lines.append(_wrap("Avoid", ", ".join(p.regions_to_avoid), 2))
        if p.sites_to_avoid:
            lines.append(_wrap("Avoid sites", "; ".join(p.sites_to_avoid), 2))
        for text in p.positioning:
            lines.append(_wrap("Position", text, 2))
        for text in p.notes:
            lines.append(_wrap("Note", text, 2))
        lines.append(_wrap("Clearance", "needed" if p.needs_clearance else "not needed", 2))
    if result.unknown or result.age_needed:
        count = len(result.unknown) + (1 if result.age_needed else 0)
        lines += ["", f"Unanswered ({count}; unknown, not no; ask these):"]
        if result.age_needed:
            lines.append("  age: the client's age in years")
        for qid in result.unknown:
            lines.append(
                textwrap.fill(
                    f"{qid}: {screening.question(qid).text}",
                    WIDTH,
                    initial_indent="  ",
                    subsequent_indent="    ",
                )
            )
    if result.possible:
        lines += ["", "Could also apply, depending on the unanswered questions:"]
        rules = {rule.id: rule for rule in screening.rules()}
        unknown = set(result.unknown)
        for f in result.possible:
            rule = rules[f.rule_id]
            ask = [q for q in rule.questions if q in unknown]
            if result.age_needed and "age" in rule.logic.names:
                ask.insert(0, "age")
            lines.append(f"  [{f.decision.label}] {f.title} ({f.rule_id})")
            if ask:
                lines.append(_wrap("Ask", ", ".join(ask)))
    return "\n".join(lines)
