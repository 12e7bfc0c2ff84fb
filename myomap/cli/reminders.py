"""``myomap reminders --due``: the appointment reminders the worker would send now."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from typing import Any


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date and time such as 2026-12-05T09:00+00:00, got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give the time with its offset (+00:00), got {text!r}")
    return moment


def reminders(args: argparse.Namespace) -> int:
    """List the pending reminders due by ``--at`` (now by default), soonest first."""
    if not args.due:
        print("myomap reminders: say what to list: --due", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    import django

    django.setup()
    from myomap.appointments.reminders import reminders_due
    from myomap.clinics.models import Clinic

    clinic = None
    if args.clinic:
        clinic = Clinic.objects.filter(slug=args.clinic).first()
        if clinic is None:
            print(f"myomap reminders: clinic: no clinic {args.clinic!r}", file=sys.stderr)
            return 2
    rows: list[dict[str, Any]] = [
        {
            "due_at": r.due_at.isoformat(),
            "clinic": r.clinic.slug,
            "appointment": r.appointment_id,
            "client": r.appointment.patient_id,
            "rule": r.rule,
            "attempts": r.attempts,
        }
        for r in reminders_due(now=args.at, clinic=clinic)
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        retry = f" (attempt {row['attempts'] + 1})" if row["attempts"] else ""
        print(
            f"{row['due_at']}  {row['clinic']}  appointment {row['appointment']} "
            f"(client {row['client']})  {row['rule']}{retry}"
        )
    print(f"{len(rows)} reminder{'s' if len(rows) != 1 else ''} due.")
    return 0


def register(subparsers: Any) -> None:
    """Add ``reminders``."""
    p = subparsers.add_parser("reminders", help="list the appointment reminders that are due")
    p.add_argument("--due", action="store_true", help="list what the worker would send now")
    p.add_argument("--at", type=_moment, help="due by this time instead of now (ISO, with offset)")
    p.add_argument("--clinic", help="only this clinic (its slug)")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(handler=reminders)
