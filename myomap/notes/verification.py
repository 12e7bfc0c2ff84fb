"""Checking every client's chain of signed notes: one report for the command line and the
nightly task."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from myomap.notes.models import NoteAmendment, NoteStatus, SoapNote
from myomap.notes.selectors import chain_rows
from myomap.patients.models import Patient
from myomap_core.soap import verify_chain


@dataclass(frozen=True)
class ChainProblem:
    """One signed entry whose content or link no longer matches its stored hash."""

    clinic_id: int | None
    client_id: int
    client: str
    clinic: str
    note_id: int
    entry: str
    what: str
    date: str | None
    differs: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "client": self.client,
            "clinic": self.clinic,
            "note_id": self.note_id,
            "entry": self.entry,
            "what": self.what,
            "date": self.date,
            "differs": self.differs,
            "message": self.message,
        }


@dataclass(frozen=True)
class ChainReport:
    """What a check of the signed-note chains found, overall and per clinic."""

    clients: int
    entries: int
    problems: tuple[ChainProblem, ...]
    clients_by_clinic: dict[int, int] = field(default_factory=dict)
    entries_by_clinic: dict[int, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def notes_chain_report() -> ChainReport:
    """Recompute every signed note's and amendment's hash, for every client of every clinic."""
    patient_ids = sorted(
        set(SoapNote.objects.filter(status=NoteStatus.SIGNED).values_list("patient_id", flat=True))
        | set(NoteAmendment.objects.values_list("note__patient_id", flat=True))
    )
    clients = Patient.objects.filter(pk__in=patient_ids).select_related("clinic")
    known = {p.pk: p for p in clients}
    problems: list[ChainProblem] = []
    clients_by_clinic: dict[int, int] = {}
    entries_by_clinic: dict[int, int] = {}
    entries = 0
    for patient_id in patient_ids:
        rows = chain_rows(patient_id)
        by_id = {row.entry.entry_id: row for row in rows}
        entries += len(rows)
        patient = known.get(patient_id)
        clinic_id = patient.clinic_id if patient is not None else None
        if clinic_id is not None:
            clients_by_clinic[clinic_id] = clients_by_clinic.get(clinic_id, 0) + 1
            entries_by_clinic[clinic_id] = entries_by_clinic.get(clinic_id, 0) + len(rows)
        for problem in verify_chain([row.entry for row in rows]):
            row = by_id[problem.entry_id]
            when = timezone.localtime(row.when) if row.when else None
            problems.append(
                ChainProblem(
                    clinic_id=clinic_id,
                    client_id=patient_id,
                    client=patient.full_name if patient is not None else f"client {patient_id}",
                    clinic=patient.clinic.name if patient is not None else "",
                    note_id=row.note.pk,
                    entry=problem.entry_id,
                    what=problem.label,
                    date=when.strftime("%Y-%m-%d %H:%M") if when else None,
                    differs=str(problem.kind),
                    message=problem.message,
                )
            )
    return ChainReport(
        clients=len(patient_ids),
        entries=entries,
        problems=tuple(problems),
        clients_by_clinic=clients_by_clinic,
        entries_by_clinic=entries_by_clinic,
    )
