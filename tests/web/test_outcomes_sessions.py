"""Outcomes know the treatment sessions: session numbers, pain before and after, the report."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from myomap.outcomes.selectors import progress_of
from myomap.outcomes.services import next_session_number, response_record
from myomap.sessions.models import SessionStep, StepStatus, TreatmentSession
from tests.pdftext import pdf_text


def _session(therapist, patient, number, before, after, *, finished=True, treated=()):
    session = TreatmentSession.objects.create(
        clinic=patient.clinic,
        patient=patient,
        number=number,
        status="finished" if finished else "in_progress",
        started_at=timezone.now() - timedelta(days=7 * (5 - number)),
        finished_at=timezone.now() if finished else None,
        pain_before=before,
        pain_after=after,
        therapist=therapist,
    )
    for order, (muscle, side) in enumerate(treated, start=1):
        SessionStep.objects.create(
            session=session,
            order=order,
            muscle_id=muscle,
            side=side,
            technique="ischemic_compression",
            status=StepStatus.DONE,
        )
    return session


def test_questionnaires_count_the_finished_sessions(therapist, patient):
    response_record(actor=therapist, patient=patient, instrument="nprs", answers={"pain": 7})
    assert next_session_number(patient) == 0  # the same visit, before any session is recorded
    _session(therapist, patient, 1, 7, 5)
    _session(therapist, patient, 2, 6, 4)
    _session(therapist, patient, 3, 5, None, finished=False)
    assert next_session_number(patient) == 2
    taken = response_record(
        actor=therapist, patient=patient, instrument="nprs", answers={"pain": 4}
    )
    assert taken.session_number == 2


def test_the_pain_chart_shows_each_session_start_and_end(therapist, patient):
    response_record(actor=therapist, patient=patient, instrument="nprs", answers={"pain": 7})
    _session(therapist, patient, 1, 7, 4)
    _session(therapist, patient, 2, 5, 3)
    chart = progress_of(patient).charts[0]
    assert chart.title == "NPRS over sessions"
    assert "Start of session" in chart.svg and "End of session" in chart.svg
    assert "session 1: 7 → 4, session 2: 5 → 3" in chart.svg


def test_session_pain_alone_still_draws_the_chart(therapist, patient):
    _session(therapist, patient, 1, 6, 3)
    charts = progress_of(patient).charts
    assert [c.title for c in charts] == ["NPRS over sessions"]
    assert "session 1: 6 → 3" in charts[0].svg


def test_the_report_lists_the_treatment_given(therapist_client, therapist, patient):
    url = reverse("outcomes:report", args=[patient.pk])
    text = " ".join(pdf_text(therapist_client.get(url).content).split())
    assert "No treatment sessions recorded yet." in text
    _session(
        therapist,
        patient,
        1,
        7,
        4,
        treated=[("quadratus_lumborum", "right"), ("gluteus_medius", "right")],
    )
    text = " ".join(pdf_text(therapist_client.get(url).content).split())
    assert "1 treatment session completed." in text
    assert "Quadratus lumborum (right), Gluteus medius (right)" in text
    assert "7 → 4" in text
