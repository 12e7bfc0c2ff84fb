"""Forgeries of the signed-note chain by someone who can write the database but has not the
chain key: each is found by `myomap verify-notes` (exit 1, naming it) and the nightly check."""

from __future__ import annotations

import importlib
import json
from datetime import date
from typing import Any

import pytest
from django.apps import apps as django_apps

from myomap.cli import main as cli_main
from myomap.common.models import AuditEvent
from myomap.interop import snapshot
from myomap.notes.chain import HEAD_OBJECT, recorded_heads
from myomap.notes.migrations import __name__ as migrations_package
from myomap.notes.models import NoteAmendment, SoapNote
from myomap.notes.selectors import chain_rows, note_content
from myomap.notes.services import note_amend, note_draft, note_sign
from myomap.notes.verification import notes_chain_report
from myomap.patients.services import patient_create
from myomap_core import soap
from tests.web.scoped.notes import make_session

pytestmark = pytest.mark.django_db


def _signed(therapist, patient) -> SoapNote:  # type: ignore[no-untyped-def]
    return note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )


def _chain(therapist, patient) -> tuple[SoapNote, SoapNote, NoteAmendment]:  # type: ignore[no-untyped-def]
    first = _signed(therapist, patient)
    second = _signed(therapist, patient)
    amendment = note_amend(actor=therapist, note=second, reason="Side", text={"plan": "Rest."})
    return first, second, amendment


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, Any]]]:
    code = cli_main(["verify-notes", "--json"])
    return code, json.loads(capsys.readouterr().out)["problems"]


def test_signing_and_amending_record_each_head_in_the_audit_log(therapist, patient, capsys):  # type: ignore[no-untyped-def]
    first, second, amendment = _chain(therapist, patient)
    heads = recorded_heads()[patient.pk]
    assert heads == [
        soap.ChainHead(1, first.content_hash),
        soap.ChainHead(2, second.content_hash),
        soap.ChainHead(3, amendment.content_hash),
    ]
    rows = AuditEvent.objects.filter(object_type=HEAD_OBJECT, patient=patient)
    assert {r.actor for r in rows} == {therapist}
    assert f"entry 3, hash {amendment.content_hash}" in rows.order_by("-id").first().summary  # type: ignore[union-attr]
    assert _verify(capsys) == (0, [])
    # The backup manifest carries the same keyed head, with its number.
    assert snapshot.chain_heads("default")[str(patient.pk)] == {
        "entries": 3,
        "seq": 3,
        "head": amendment.content_hash,
    }


def test_an_edit_with_the_hashes_recomputed_without_the_key_is_found(therapist, patient, capsys):  # type: ignore[no-untyped-def]
    first, second, _ = _chain(therapist, patient)
    SoapNote.objects.filter(pk=first.pk).update(objective="Nothing was done.")
    # The forger recomputes every hash after the edit, as the unkeyed chain allowed.
    previous = soap.GENESIS
    for row in chain_rows(patient.pk):
        digest = soap.unkeyed_hash(row.entry.content, previous)
        model = SoapNote if row.entry.entry_id.startswith("note") else NoteAmendment
        pk = int(row.entry.entry_id.split()[1])
        model.objects.filter(pk=pk).update(previous_hash=previous, content_hash=digest)
        previous = digest
    code, problems = _verify(capsys)
    assert code == 1
    assert ("content" in {p["differs"] for p in problems}) and problems[0]["note_id"] == first.pk
    assert {p["entry"] for p in problems if p["differs"] == "content"} == {
        f"note {first.pk}",
        f"note {second.pk}",
        f"amendment {second.amendments.get().pk}",
    }
    assert cli_main(["verify-notes"]) == 1
    out = capsys.readouterr().out
    assert "Maria Lopez" in out and "content changed since it was signed" in out


def test_deleting_the_last_entry_is_found(therapist, patient, capsys):  # type: ignore[no-untyped-def]
    _, _, amendment = _chain(therapist, patient)
    NoteAmendment.objects.filter(pk=amendment.pk).delete()
    code, problems = _verify(capsys)
    assert code == 1
    assert [(p["note_id"], p["differs"], p["entry"]) for p in problems] == [
        (None, "missing", "chain")
    ]
    assert "recorded entry 3" in problems[0]["message"]
    assert "ends at entry 2" in problems[0]["message"]
    assert problems[0]["client"] == "Maria Lopez"


def test_un_signing_the_last_note_is_found(therapist, patient, capsys):  # type: ignore[no-untyped-def]
    _signed(therapist, patient)
    last = _signed(therapist, patient)
    SoapNote.objects.filter(pk=last.pk).update(status="draft")
    code, problems = _verify(capsys)
    assert code == 1
    assert [(p["differs"], p["what"]) for p in problems] == [("missing", "entry 2")]
    assert cli_main(["verify-notes"]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH Maria Lopez" in out and "deleted or un-signed" in out


def test_deleting_a_whole_chain_is_found(therapist, patient, capsys):  # type: ignore[no-untyped-def]
    _chain(therapist, patient)
    NoteAmendment.objects.filter(note__patient=patient).delete()
    SoapNote.objects.filter(patient=patient).update(status="draft")
    code, problems = _verify(capsys)
    assert code == 1
    assert [(p["client_id"], p["differs"]) for p in problems] == [(patient.pk, "missing")]
    assert "has no signed entries" in problems[0]["message"]


def test_replacing_the_last_entry_with_a_re_signed_one_is_found(therapist, patient, capsys):  # type: ignore[no-untyped-def]
    """Un-sign the last note, then sign another: the new entry takes the old number."""
    _signed(therapist, patient)
    last = _signed(therapist, patient)
    SoapNote.objects.filter(pk=last.pk).update(status="draft")
    newer = _signed(therapist, patient)
    code, problems = _verify(capsys)
    assert code == 1
    assert [(p["note_id"], p["differs"]) for p in problems] == [(newer.pk, "head")]


def test_the_nightly_check_uses_the_same_verification(therapist, patient):  # type: ignore[no-untyped-def]
    _, _, amendment = _chain(therapist, patient)
    NoteAmendment.objects.filter(pk=amendment.pk).delete()
    report = notes_chain_report()
    assert [p.differs for p in report.problems] == ["missing"]


def _migration() -> Any:
    return importlib.import_module(f"{migrations_package}.0003_keyed_chain")


def _unkey(patient_id: int) -> None:
    """Rewrite a chain as it was stored before the chain had a key."""
    previous = soap.GENESIS
    for row in chain_rows(patient_id):
        digest = soap.unkeyed_hash(row.entry.content, previous)
        model = SoapNote if row.entry.entry_id.startswith("note") else NoteAmendment
        model.objects.filter(pk=int(row.entry.entry_id.split()[1])).update(
            previous_hash=previous, content_hash=digest
        )
        previous = digest


@pytest.fixture
def other_patient(therapist):  # type: ignore[no-untyped-def]
    return patient_create(
        actor=therapist,
        data={
            "first_name": "Tom",
            "last_name": "Reed",
            "date_of_birth": date(1975, 6, 2),
            "sex": "male",
        },
    )


def test_the_migration_re_keys_chains_signed_without_a_key(  # type: ignore[no-untyped-def]
    therapist, patient, other_patient, capsys, settings
):
    first, _, _ = _chain(therapist, patient)
    broken = _signed(therapist, other_patient)
    _unkey(patient.pk)
    _unkey(other_patient.pk)
    SoapNote.objects.filter(pk=broken.pk).update(objective="Changed before the upgrade.")
    heads_before = AuditEvent.objects.filter(object_type=HEAD_OBJECT).count()

    _migration().rekey(django_apps, None)

    first.refresh_from_db()
    assert first.content_hash == soap.content_hash(
        note_content(first), soap.GENESIS, settings.NOTE_CHAIN_KEY
    )
    assert AuditEvent.objects.filter(object_type=HEAD_OBJECT).count() == heads_before + 1
    code, problems = _verify(capsys)
    assert code == 1  # the chain already broken before the upgrade is not laundered
    assert {p["client_id"] for p in problems} == {other_patient.pk}
    assert "content" in {p["differs"] for p in problems}
