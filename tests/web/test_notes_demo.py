"""The demo notes: Maria's finished sessions signed, one amended; skipped without sessions."""

from __future__ import annotations

import pytest

from myomap.notes.chain import chain_key
from myomap.notes.demo import load_demo
from myomap.notes.models import NoteAmendment, SoapNote
from myomap.notes.selectors import chain_rows
from myomap_core.soap import verify_chain
from tests.web.scoped.notes import make_session

pytestmark = pytest.mark.django_db


def test_without_finished_sessions_the_demo_adds_nothing(clinic, therapist, patient):  # type: ignore[no-untyped-def]
    make_session(therapist, patient, finished=False)
    assert load_demo(clinic) is False
    assert not SoapNote.objects.exists()


def test_maria_s_finished_sessions_get_signed_notes_one_amended(clinic, therapist, patient):  # type: ignore[no-untyped-def]
    for days in (14, 7):
        make_session(therapist, patient, days_ago=days)
    make_session(therapist, patient, finished=False)
    assert load_demo(clinic) is True
    notes = list(SoapNote.objects.order_by("session__number"))
    assert [n.session.number for n in notes] == [1, 2]
    assert all(n.status == "signed" for n in notes)
    amendment = NoteAmendment.objects.get()
    assert amendment.note == notes[0]
    assert "slight soreness in the low back" in amendment.subjective
    assert verify_chain([r.entry for r in chain_rows(patient.pk)], key=chain_key()) == ()
    assert load_demo(clinic) is False  # idempotent
    assert SoapNote.objects.count() == 2
