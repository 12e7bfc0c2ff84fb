"""Background work for notes: the nightly check of every client's signed-note chain."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from myomap.common.schedule import schedule_nightly
from myomap.notes.services import note_chain_check_record
from myomap.notes.verification import notes_chain_report


@task()
def verify_note_chains() -> dict[str, Any]:
    """Check every signed note and amendment, record the result for each clinic's owner, and
    book the next night's run."""
    report = notes_chain_report()
    note_chain_check_record(report=report)
    schedule_nightly(verify_note_chains)
    return {"ok": report.ok, "entries": report.entries, "problems": len(report.problems)}
