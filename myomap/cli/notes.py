"""``myomap verify-notes``: check every client's chain of signed notes."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any


def verify_notes(args: argparse.Namespace) -> int:
    """Recompute every signed note's and amendment's keyed hash and compare each chain with the
    heads in the audit log; exit 1 naming each entry that does not match or is missing."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    import django

    django.setup()
    from myomap.notes.verification import notes_chain_report

    report = notes_chain_report()
    found = [p.as_dict() for p in report.problems]
    entries = report.entries
    clients = report.clients
    if args.json:
        print(
            json.dumps(
                {
                    "ok": not found,
                    "clients": clients,
                    "entries": entries,
                    "problems": found,
                },
                indent=2,
            )
        )
    elif found:
        for p in found:
            signed = f", signed {p['date']}" if p["date"] else ""
            print(
                f"MISMATCH {p['client']} (client {p['client_id']}), {p['what']}{signed}: "
                f"{p['differs']} — {p['message']}"
            )
        print(f"{len(found)} problem{'s' if len(found) != 1 else ''} in {entries} signed entries.")
    else:
        print(
            f"All {entries} signed entries of {clients} "
            f"client{'s' if clients != 1 else ''} match their hashes."
        )
    return 1 if found else 0


def register(subparsers: Any) -> None:
    """Add ``verify-notes``."""
    p = subparsers.add_parser(
        "verify-notes",
        help="check that no signed SOAP note or amendment was changed after signing",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=verify_notes)
