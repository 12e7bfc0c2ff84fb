"""``myomap verify-notes``: check every client's chain of signed notes."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any


def verify_notes(args: argparse.Namespace) -> int:
    """Recompute every signed note's and amendment's hash; exit 1 when any does not match."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    import django

    django.setup()
    from django.utils import timezone

    from myomap.notes.models import NoteAmendment, SoapNote
    from myomap.notes.selectors import chain_rows
    from myomap.patients.models import Patient
    from myomap_core.soap import verify_chain

    patient_ids = sorted(
        set(SoapNote.objects.filter(status="signed").values_list("patient_id", flat=True))
        | set(NoteAmendment.objects.values_list("note__patient_id", flat=True))
    )
    clients = Patient.objects.filter(pk__in=patient_ids).select_related("clinic")
    names = {p.pk: (p.full_name, p.clinic.name) for p in clients}
    found: list[dict[str, Any]] = []
    entries = 0
    for patient_id in patient_ids:
        rows = chain_rows(patient_id)
        by_id = {row.entry.entry_id: row for row in rows}
        entries += len(rows)
        for problem in verify_chain([row.entry for row in rows]):
            row = by_id[problem.entry_id]
            name, clinic = names.get(patient_id, (f"client {patient_id}", ""))
            when = timezone.localtime(row.when) if row.when else None
            found.append(
                {
                    "client_id": patient_id,
                    "client": name,
                    "clinic": clinic,
                    "note_id": row.note.pk,
                    "entry": problem.entry_id,
                    "what": problem.label,
                    "date": when.strftime("%Y-%m-%d %H:%M") if when else None,
                    "differs": str(problem.kind),
                    "message": problem.message,
                }
            )
    if args.json:
        print(
            json.dumps(
                {
                    "ok": not found,
                    "clients": len(patient_ids),
                    "entries": entries,
                    "problems": found,
                },
                indent=2,
            )
        )
    elif found:
        for p in found:
            print(
                f"MISMATCH {p['client']} (client {p['client_id']}), {p['what']}, "
                f"signed {p['date']}: {p['differs']} — {p['message']}"
            )
        print(f"{len(found)} problem{'s' if len(found) != 1 else ''} in {entries} signed entries.")
    else:
        print(
            f"All {entries} signed entries of {len(patient_ids)} "
            f"client{'s' if len(patient_ids) != 1 else ''} match their hashes."
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
