"""Checking every client's chain of signed notes: one report for the command line, the
nightly task and a restore from backup.

Each chain is checked with the chain key (``myomap.notes.chain``) against the heads the
audit log recorded when its entries were signed, so an edit with the hashes recomputed, a
chain cut short, a last note un-signed and a chain deleted whole are each named."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from myomap.notes.chain import chain_key, recorded_heads
from myomap.notes.models import NoteAmendment, NoteStatus, SoapNote
from myomap.notes.selectors import ChainRow, chain_rows
from myomap.patients.models import Patient
from myomap_core import soap


@dataclass(frozen=True)
class ChainProblem:
    """One signed entry whose content or link no longer matches its stored hash, or a part
    of the chain recorded in the audit log that is missing (``note_id`` is then ``None``)."""

    clinic_id: int | None
    client_id: int
    client: str
    clinic: str
    note_id: int | None
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


def chained_client_ids(using: str = "default") -> list[int]:
    """Every client with signed entries, or with chain heads recorded in the audit log."""
    return sorted(
        set(
            SoapNote.objects.using(using)
            .filter(status=NoteStatus.SIGNED)
            .values_list("patient_id", flat=True)
        )
        | set(NoteAmendment.objects.using(using).values_list("note__patient_id", flat=True))
        | set(recorded_heads(using))
    )


def client_chain_problems(
    patient_id: int,
    *,
    using: str = "default",
    heads: dict[int, list[soap.ChainHead]] | None = None,
    keyed: bool = True,
) -> tuple[list[ChainRow], tuple[soap.ChainProblem, ...]]:
    """One client's chain and its problems. ``keyed=False`` checks the unkeyed hashes of data
    archived before the chain had a key."""
    rows = chain_rows(patient_id, using=using)
    heads = recorded_heads(using) if heads is None else heads
    key = chain_key() if keyed else None
    entries = [row.entry for row in rows]
    return rows, soap.verify_chain(entries, key=key, heads=heads.get(patient_id, ()))


def notes_chain_report(using: str = "default") -> ChainReport:
    """Check every client's chain of every clinic, with the key and the recorded heads."""
    patient_ids = chained_client_ids(using)
    heads = recorded_heads(using)
    clients = Patient.objects.using(using).filter(pk__in=patient_ids).select_related("clinic")
    known = {p.pk: p for p in clients}
    problems: list[ChainProblem] = []
    clients_by_clinic: dict[int, int] = {}
    entries_by_clinic: dict[int, int] = {}
    entries = 0
    for patient_id in patient_ids:
        rows, found = client_chain_problems(patient_id, using=using, heads=heads)
        by_id = {row.entry.entry_id: row for row in rows}
        entries += len(rows)
        patient = known.get(patient_id)
        clinic_id = patient.clinic_id if patient is not None else None
        if clinic_id is not None:
            clients_by_clinic[clinic_id] = clients_by_clinic.get(clinic_id, 0) + 1
            entries_by_clinic[clinic_id] = entries_by_clinic.get(clinic_id, 0) + len(rows)
        for problem in found:
            row = by_id.get(problem.entry_id)
            when = timezone.localtime(row.when) if row is not None and row.when else None
            problems.append(
                ChainProblem(
                    clinic_id=clinic_id,
                    client_id=patient_id,
                    client=patient.full_name if patient is not None else f"client {patient_id}",
                    clinic=patient.clinic.name if patient is not None else "",
                    note_id=row.note.pk if row is not None else None,
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
