"""The task worker's nightly check of signed notes, run for real through `myomap worker --once`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from myomap.cli import main as cli_main
from myomap.common.models import AuditEvent
from myomap.common.schedule import next_nightly_run
from myomap.notes.models import NoteChainCheck, SoapNote
from myomap.notes.services import note_draft, note_sign
from myomap.notes.tasks import verify_note_chains
from tests.web.conftest import _user
from tests.web.scoped.notes import make_session

# The worker closes and reopens database connections between tasks, as in production: the
# tests commit for real instead of running inside one rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def _signed(therapist, patient):  # type: ignore[no-untyped-def]
    return note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )


def test_the_worker_books_the_nightly_check_once(therapist):  # type: ignore[no-untyped-def]
    assert cli_main(["worker", "--once"]) == 0
    assert cli_main(["worker", "--once"]) == 0  # a restart books nothing twice
    booked = DBTaskResult.objects.filter(task_path=verify_note_chains.module_path)
    assert booked.count() == 1
    run = booked.get()
    assert run.status == "READY"
    assert run.run_after > timezone.now()
    assert not NoteChainCheck.objects.exists()  # not due yet: nothing ran


def test_next_nightly_run_is_tonight_or_tomorrow(settings):  # type: ignore[no-untyped-def]
    settings.NIGHTLY_AT = "02:30"
    before = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    after = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
    assert next_nightly_run(before) == datetime(2026, 3, 1, 2, 30, tzinfo=UTC)
    assert next_nightly_run(after) == datetime(2026, 3, 2, 2, 30, tzinfo=UTC)


def test_the_nightly_check_records_a_clean_chain_for_the_owner(  # type: ignore[no-untyped-def]
    client, owner, therapist, patient
):
    _signed(therapist, patient)
    _signed(therapist, patient)
    assert cli_main(["worker", "--once", "--nightly-now"]) == 0

    check = NoteChainCheck.objects.get(clinic=owner.clinic)
    assert (check.ok, check.clients, check.entries, check.problems) == (True, 1, 2, [])
    audit = AuditEvent.objects.get(action="verify", clinic=owner.clinic)
    assert audit.actor is None
    assert "all 2 signed entries of 1 clients match" in audit.summary
    done = DBTaskResult.objects.filter(task_path=verify_note_chains.module_path)
    assert done.filter(status="SUCCESSFUL").count() == 1
    assert done.filter(status="READY", run_after__gt=timezone.now()).count() == 1  # tomorrow's

    client.force_login(owner)
    page = client.get(reverse("audit_log")).content.decode()
    assert 'data-chain-check="ok"' in page
    assert "all 2 signed entries match" in page


def test_a_tampered_note_warns_its_own_clinic_owner_only(  # type: ignore[no-untyped-def]
    client, owner, therapist, patient, other_clinic, django_assert_max_num_queries
):
    first = _signed(therapist, patient)
    _signed(therapist, patient)
    other_owner = _user(other_clinic, "riverowner", "owner")
    SoapNote.objects.filter(pk=first.pk).update(objective="Nothing was done.")

    assert cli_main(["worker", "--once", "--nightly-now"]) == 0

    check = NoteChainCheck.objects.get(clinic=owner.clinic)
    assert check.ok is False
    assert [(p["note_id"], p["differs"]) for p in check.problems] == [(first.pk, "content")]
    audit = AuditEvent.objects.get(action="verify", clinic=owner.clinic)
    assert "FAILED" in audit.summary and "Maria Lopez" in audit.summary

    client.force_login(owner)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("audit_log")).content.decode()
    assert 'data-chain-check="failed"' in page
    assert "Signed notes may have been changed." in page
    assert "Maria Lopez" in page and "content differs" in page

    client.force_login(other_owner)
    theirs = client.get(reverse("audit_log")).content.decode()
    assert 'data-chain-check="ok"' in theirs
    assert "Maria Lopez" not in theirs
    assert "FAILED" not in AuditEvent.objects.get(action="verify", clinic=other_clinic).summary


def test_a_bad_worker_option_exits_2(db):  # type: ignore[no-untyped-def]
    assert cli_main(["serve", "--workers", "0"]) == 2
    assert cli_main(["worker", "--interval", "soon"]) == 2
