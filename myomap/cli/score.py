"""The ``myomap score`` command: score a questionnaire, or judge a change from baseline.

``myomap score odi --answers "3,2,-,1,2,1,2,2,2,1" [--json]``;
``myomap score change odi --baseline 40 --now 28 [--json]``. Pure core only: no Django.
Invalid answers exit with code 2, naming the item and the allowed values.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from myomap_core.errors import DomainError
from myomap_core.outcomes import InstrumentId, instrument, parse_cli_answers, score
from myomap_core.progress import change

ANSWER_HELP = {
    InstrumentId.ODI: "10 comma-separated values 0-5 in section order, - for a skipped section",
    InstrumentId.RMDQ: 'the numbers of the ticked statements, comma-separated ("" for none)',
    InstrumentId.STARTBACK: "9 comma-separated answers: Q1-Q8 as 1 (agree) or 0 (disagree), "
    "Q9 as 0-4 (Not at all, Slightly, Moderately, Very much, Extremely)",
    InstrumentId.PSFS: "1 to 5 comma-separated activity ratings 0-10",
    InstrumentId.NPRS: "one whole number 0-10",
}
CHANGE_INSTRUMENTS = (InstrumentId.NPRS, InstrumentId.ODI, InstrumentId.RMDQ, InstrumentId.PSFS)


ANSWER_LIST = re.compile(r"^[\d\s,+-]*,[\d\s,+-]*$")


class _AnswersParser(argparse.ArgumentParser):
    """Reads an answer list that starts with ``-`` (a skipped ODI section) as a value."""

    def _parse_optional(self, arg_string: str) -> Any:
        if ANSWER_LIST.match(arg_string):
            return None
        return super()._parse_optional(arg_string)


def register(subparsers: Any) -> None:
    """Add ``score`` and its instrument subcommands to the ``myomap`` parser."""
    parser = subparsers.add_parser(
        "score",
        help="score an outcome questionnaire or judge a change from baseline",
        description='Example: myomap score odi --answers "3,2,-,1,2,1,2,2,2,1" --json',
    )
    commands = parser.add_subparsers(
        title="instruments", metavar="INSTRUMENT", parser_class=_AnswersParser
    )
    for instrument_id, text in ANSWER_HELP.items():
        one = commands.add_parser(
            instrument_id.value, help=instrument(instrument_id).name, description=text
        )
        one.add_argument("--answers", required=True, metavar="ANSWERS", help=text)
        one.add_argument("--json", action="store_true", help="print JSON")
        one.set_defaults(handler=_score, instrument=instrument_id)
    moved = commands.add_parser(
        "change",
        help="the change from baseline and whether it is clinically important",
        description="Example: myomap score change nprs --baseline 7 --now 4",
    )
    moved.add_argument(
        "instrument", choices=[i.value for i in CHANGE_INSTRUMENTS], metavar="INSTRUMENT"
    )
    moved.add_argument("--baseline", required=True, type=_number, help="the first score")
    moved.add_argument("--now", required=True, type=_number, help="the latest score")
    moved.add_argument(
        "--activity", action="store_true", help="PSFS: judge one activity, not the mean"
    )
    moved.add_argument("--json", action="store_true", help="print JSON")
    moved.set_defaults(handler=_change)
    parser.set_defaults(handler=lambda _args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None


def _fail(error: DomainError) -> int:
    print(f"myomap: error: {error}", file=sys.stderr)
    return 2


def _score(args: argparse.Namespace) -> int:
    try:
        result = score(args.instrument, parse_cli_answers(args.instrument, args.answers))
    except DomainError as error:
        return _fail(error)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return 0
    line = f"{instrument(result.instrument).short_name}: {result.display}"
    if result.instrument == InstrumentId.ODI:
        line += " %"
    if result.band_label:
        line += f" ({result.band_label})"
    if result.instrument == InstrumentId.STARTBACK:
        line += f"; distress subscale {int(result.subscores['distress'])}"
    if result.skipped and result.instrument == InstrumentId.ODI:
        line += f"; skipped: {', '.join(result.skipped)}"
    print(line)
    return 0


def _change(args: argparse.Namespace) -> int:
    try:
        result = change(args.instrument, args.baseline, args.now, activity=args.activity)
    except DomainError as error:
        return _fail(error)
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        print(result.explanation)
    return 0
