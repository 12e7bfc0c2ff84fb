"""SOAP notes: drafted from the session, signed and locked, amended, and the hash chain."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from myomap.cli import main as cli_main
from myomap.common.models import AuditEvent
from myomap.notes.models import NoteAmendment, NoteLocked, SoapNote
from myomap.notes.services import NoteRefused, note_amend, note_draft, note_sign, note_update
from tests.web.scoped.notes import TRAPEZIUS, make_session

pytestmark = pytest.mark.django_db

QL_SKIPPED = {
    "muscle_id": "quadratus_lumborum",
    "side": "left",
    "technique": "positional_release",
    "hold_s": 90,
    "status": "skipped",
}


def note_page(client, patient, session):  # type: ignore[no-untyped-def]
    return client.get(reverse("notes:session_note", args=[patient.pk, session.pk]))


# --------------------------------------------------------------------------- drafting


def test_opening_the_note_drafts_it_from_the_session(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = make_session(therapist, patient, steps=(TRAPEZIUS, QL_SKIPPED))
    page = note_page(therapist_client, patient, session)
    assert page.status_code == 200
    note = SoapNote.objects.get(session=session)
    assert note.status == "draft"
    assert "Since the last visit, client reports: Neck easier since the last visit" in (
        note.subjective
    )
    assert "Pain before treatment 6/10 (NPRS), after 3/10." in note.subjective
    assert (
        "R upper trapezius, middle of the upper fibres (TrP2): IC 60 s ×1, thumb 3.6–5.4 kg, "
        "discomfort 4→7, released; twitch; EASE OFF: eased at 7/10" in note.objective
    )
    assert "Skipped: L quadratus lumborum." in note.objective
    assert "Pain fell from 6/10 to 3/10 during the session (3 points lower)." in note.assessment
    assert "Next: session 2." in note.plan
    assert "Carry over to the next session: left quadratus lumborum." in note.plan
    assert "no heavy lifting for 24 hours" in note.plan
    html = page.content.decode()
    assert "Sign note" in html and "Save draft" in html
    assert "EASE OFF" in html
    assert AuditEvent.objects.filter(
        patient=patient, summary__startswith="Drafted the SOAP note of session 1"
    ).exists()


def test_drafting_is_idempotent(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = make_session(therapist, patient)
    note_page(therapist_client, patient, session)
    note_page(therapist_client, patient, session)
    assert SoapNote.objects.filter(session=session).count() == 1
    assert note_draft(actor=therapist, session=session).pk == SoapNote.objects.get().pk


def test_the_intake_complaint_and_goals_are_in_the_subjective(therapist, patient):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from myomap.intake.models import Intake

    Intake.objects.create(
        patient=patient,
        clinic=patient.clinic,
        status="submitted",
        submitted_at=timezone.now(),
        answers={
            "complaint": {"main_complaint": "Stiff neck after long days at the screen"},
            "goals": {"goals": "Turn my head when reversing the car"},
        },
        created_by=therapist,
    )
    note = note_draft(actor=therapist, session=make_session(therapist, patient))
    assert "Presenting complaint (intake): Stiff neck after long days at the screen." in (
        note.subjective
    )
    assert "Goal: Turn my head when reversing the car." in note.subjective
    later = note_draft(actor=therapist, session=make_session(therapist, patient))
    assert "Stiff neck" not in later.subjective  # the intake's complaint: first visit only


# --------------------------------------------------------------------------- signing


def test_signing_shows_the_note_once_more_then_sign_and_lock_locks_it(
    therapist_client, therapist, patient, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    session = make_session(therapist, patient)
    note_page(therapist_client, patient, session)
    note = SoapNote.objects.get(session=session)
    url = reverse("notes:sign", args=[patient.pk, note.pk])
    with django_assert_max_num_queries(20):
        review = therapist_client.post(url)
    html = review.content.decode()
    assert review.status_code == 200
    assert "Sign and lock" in html and 'name="confirm" value="1"' in html
    assert "R upper trapezius" in html and "TrP trigger point" in html  # the note and legend
    note.refresh_from_db()
    assert note.status == "draft"  # nothing signed until confirmed
    response = therapist_client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == "signed"
    assert note.signed_by == therapist
    assert len(note.content_hash) == 64
    page = therapist_client.get(reverse("notes:detail", args=[patient.pk, note.pk])).content
    html = page.decode()
    assert "Signed by <strong>Therapist Tester</strong>" in html
    assert '<textarea id="id_subjective"' not in html  # no editor, only the amend form
    assert "Add amendment" in html
    assert AuditEvent.objects.filter(
        patient=patient, summary__contains="Signed the SOAP note of session 1"
    ).exists()


def test_signing_saves_the_text_in_the_editor_first(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = make_session(therapist, patient)
    note = note_draft(actor=therapist, session=session)
    data = {
        "subjective": "Client reports a calmer week.",
        "objective": note.objective,
        "assessment": note.assessment,
        "plan": "Continue as planned.",
    }
    review = therapist_client.post(reverse("notes:sign", args=[patient.pk, note.pk]), data)
    assert "Client reports a calmer week." in review.content.decode()
    note.refresh_from_db()
    assert note.status == "draft" and note.subjective == "Client reports a calmer week."
    therapist_client.post(reverse("notes:sign", args=[patient.pk, note.pk]), {"confirm": "1"})
    note.refresh_from_db()
    assert note.status == "signed"
    assert note.subjective == "Client reports a calmer week."
    assert note.plan == "Continue as planned."


def test_an_empty_note_cannot_be_signed(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = make_session(therapist, patient)
    note = note_draft(actor=therapist, session=session)
    blank = {"subjective": "", "objective": "  ", "assessment": "", "plan": ""}
    response = therapist_client.post(reverse("notes:sign", args=[patient.pk, note.pk]), blank)
    assert response.status_code == 400
    assert "An empty note cannot be signed" in response.content.decode()
    note.refresh_from_db()
    assert note.status == "draft"
    assert note.objective  # the blanking was rolled back with the refusal
    note_update(actor=therapist, note=note, text=blank)
    with pytest.raises(NoteRefused, match="empty note"):
        note_sign(actor=therapist, note=note)


def test_a_note_of_a_session_in_progress_waits_for_the_session(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    session = make_session(therapist, patient, finished=False)
    page = note_page(therapist_client, patient, session).content.decode()
    assert "is still in progress" in page
    note = SoapNote.objects.get(session=session)
    response = therapist_client.post(reverse("notes:sign", args=[patient.pk, note.pk]))
    assert response.status_code == 400
    assert "finish it before signing" in response.content.decode()
    confirmed = therapist_client.post(
        reverse("notes:sign", args=[patient.pk, note.pk]), {"confirm": "1"}
    )
    assert confirmed.status_code == 400
    note.refresh_from_db()
    assert note.status == "draft"


def test_a_draft_is_drafted_again_once_the_session_has_finished(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    session = make_session(therapist, patient, finished=False)
    note = note_draft(actor=therapist, session=session)
    assert "after " not in note.subjective
    session.status = "finished"
    session.pain_after = 2
    session.finished_at = session.started_at
    session.save()
    therapist_client.post(
        reverse("notes:detail", args=[patient.pk, note.pk]), {"action": "redraft"}
    )
    note.refresh_from_db()
    assert "after 2/10" in note.subjective


# --------------------------------------------------------------------------- locked


def test_editing_a_signed_note_is_refused_on_the_page_and_changes_nothing(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    note = note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )
    before = SoapNote.objects.filter(pk=note.pk).values().get()
    for url in (
        reverse("notes:detail", args=[patient.pk, note.pk]),
        reverse("notes:session_note", args=[patient.pk, note.session_id]),
        reverse("notes:sign", args=[patient.pk, note.pk]),
    ):
        response = therapist_client.post(url, {"subjective": "Rewritten after the fact."})
        assert response.status_code == 409, url
        assert f"Note {note.pk} (session 1) is signed and cannot be changed" in (
            response.content.decode()
        )
    assert SoapNote.objects.filter(pk=note.pk).values().get() == before


def test_editing_a_signed_note_is_refused_by_the_api_and_changes_nothing(
    client, therapist, patient
):  # type: ignore[no-untyped-def]
    client.force_login(therapist)
    note = note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )
    before = SoapNote.objects.filter(pk=note.pk).values().get()
    url = f"/api/v1/clients/{patient.pk}/notes/{note.pk}"
    response = client.put(url, {"objective": "Nothing was done."}, content_type="application/json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "note_signed"
    assert f"Note {note.pk}" in error["message"]
    again = client.post(url + "/signature", {}, content_type="application/json")
    assert again.status_code == 409
    assert SoapNote.objects.filter(pk=note.pk).values().get() == before


def test_the_model_refuses_to_save_or_delete_a_signed_note(therapist, patient):  # type: ignore[no-untyped-def]
    note = note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )
    note.plan = "Changed behind the services' back."
    with pytest.raises(NoteLocked):
        note.save()
    with pytest.raises(NoteLocked):
        note.delete()
    with pytest.raises(NoteLocked):
        note_update(actor=therapist, note=note, text={"plan": "Again."})
    assert SoapNote.objects.get(pk=note.pk).plan != "Changed behind the services' back."


# --------------------------------------------------------------------------- amendments


def test_an_amendment_is_shown_under_the_original_with_reason_and_author(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    note = note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )
    original = note.objective
    data = {
        "reason": "The second compression was on the left side, not the right",
        "subjective": note.subjective,
        "objective": original.replace("R upper trapezius", "L upper trapezius"),
        "assessment": note.assessment,
        "plan": note.plan,
    }
    response = therapist_client.post(reverse("notes:amend", args=[patient.pk, note.pk]), data)
    assert response.status_code == 302
    amendment = NoteAmendment.objects.get(note=note)
    assert amendment.objective.startswith("Session 1")
    assert amendment.subjective == ""  # unchanged sections are not repeated
    note.refresh_from_db()
    assert note.objective == original  # the signed text stays as it was
    html = therapist_client.get(response.url).content.decode()
    assert "The second compression was on the left side, not the right" in html
    assert "by <strong>Therapist Tester</strong>" in html
    assert "Objective now reads" in html
    assert html.index("R upper trapezius") < html.index("Objective now reads")
    assert 'data-note-status="amended"' in html
    assert AuditEvent.objects.filter(
        patient=patient, summary__contains="Amended the signed SOAP note of session 1"
    ).exists()


def test_an_amendment_needs_a_reason_and_a_change(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    note = note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )
    url = reverse("notes:amend", args=[patient.pk, note.pk])
    response = therapist_client.post(url, {"reason": "", "plan": "Add a stretch."})
    assert response.status_code == 400
    assert "An amendment needs a reason." in response.content.decode()
    response = therapist_client.post(url, {"reason": "Typo", "plan": note.plan})
    assert response.status_code == 400
    assert "changes nothing" in response.content.decode()
    assert not NoteAmendment.objects.exists()
    with pytest.raises(NoteRefused, match="still a draft"):
        note_amend(
            actor=therapist,
            note=note_draft(actor=therapist, session=make_session(therapist, patient)),
            reason="x",
            text={"plan": "y"},
        )


def test_the_api_reads_signs_and_amends(client, therapist, patient):  # type: ignore[no-untyped-def]
    client.force_login(therapist)
    note = note_draft(actor=therapist, session=make_session(therapist, patient))
    url = f"/api/v1/clients/{patient.pk}/notes/{note.pk}"
    put = client.put(url, {"plan": "Review in a week."}, content_type="application/json")
    assert put.status_code == 200
    assert put.json()["plan"] == "Review in a week."
    signed = client.post(url + "/signature", content_type="application/json")
    assert signed.status_code == 200
    assert signed.json()["status"] == "signed"
    amended = client.post(
        url + "/amendments",
        {"reason": "Wrong interval", "plan": "Review in two weeks."},
        content_type="application/json",
    )
    assert amended.status_code == 201
    body = client.get(url).json()
    assert body["status"] == "amended"
    assert body["plan"] == "Review in a week."
    assert body["current"]["plan"] == "Review in two weeks."
    assert body["amendments"][0]["reason"] == "Wrong interval"
    assert body["amendments"][0]["author"] == "Therapist Tester"


# --------------------------------------------------------------------------- the chain


def test_verify_notes_passes_then_finds_a_tampered_note(therapist, patient, capsys):  # type: ignore[no-untyped-def]
    first = note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )
    second = note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )
    note_amend(actor=therapist, note=first, reason="Side corrected", text={"plan": "Rest."})
    second.refresh_from_db()
    assert second.previous_hash == first.content_hash  # chained to the client's previous note
    assert cli_main(["verify-notes"]) == 0
    assert "All 3 signed entries of 1 client match their hashes." in capsys.readouterr().out

    SoapNote.objects.filter(pk=first.pk).update(objective="Nothing was done.")
    assert cli_main(["verify-notes"]) == 1
    out = capsys.readouterr().out
    assert f"note {first.pk} (session 1)" in out
    assert "Maria Lopez" in out
    assert "content" in out
    assert f"note {second.pk}" not in out  # its link still holds: only the changed note is named

    assert cli_main(["verify-notes", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert [(p["note_id"], p["differs"]) for p in report["problems"]] == [(first.pk, "content")]


def test_verify_notes_finds_a_broken_link(therapist, patient, capsys):  # type: ignore[no-untyped-def]
    first = note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )
    second = note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )
    SoapNote.objects.filter(pk=first.pk).update(content_hash="f" * 64)
    assert cli_main(["verify-notes", "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert {(p["note_id"], p["differs"]) for p in problems} == {
        (first.pk, "content"),
        (first.pk, "head"),  # no longer the entry 1 the audit log recorded
        (second.pk, "link"),
    }


def test_the_client_page_lists_recent_notes_with_their_status(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    signed = note_sign(
        actor=therapist, note=note_draft(actor=therapist, session=make_session(therapist, patient))
    )
    note_amend(actor=therapist, note=signed, reason="Typo", text={"plan": "Rest for a day."})
    note_draft(actor=therapist, session=make_session(therapist, patient))
    html = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    card = html.split('id="notes"')[1].split("</section>")[0]
    assert "1 unsigned" in card
    assert card.index("Session 2") < card.index("Session 1")  # newest first
    assert 'data-note-status="draft"' in card
    assert 'data-note-status="amended"' in card
    assert reverse("notes:detail", args=[patient.pk, signed.pk]) in card


def test_the_front_desk_cannot_open_a_note(client, front_desk, therapist, patient):  # type: ignore[no-untyped-def]
    note = note_draft(actor=therapist, session=make_session(therapist, patient))
    client.force_login(front_desk)
    assert client.get(reverse("notes:detail", args=[patient.pk, note.pk])).status_code == 403
    assert client.get(f"/api/v1/clients/{patient.pk}/notes/{note.pk}").status_code == 403
