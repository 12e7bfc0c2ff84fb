"""The demo clinic's sessions: Maria Lopez's six finished sessions from her plan, loaded once."""

from __future__ import annotations

from myomap.sessions.demo import load_demo
from myomap.sessions.models import TreatmentSession
from tests.web.scoped.sessions import make_plan


def test_without_a_plan_the_demo_adds_no_sessions(clinic, patient):  # type: ignore[no-untyped-def]
    assert load_demo(clinic) is False
    assert not TreatmentSession.objects.exists()


def test_maria_has_six_weekly_sessions_from_her_plan_once(clinic, therapist, screened):  # type: ignore[no-untyped-def]
    patient = screened
    make_plan(therapist, patient)
    assert load_demo(clinic) is True
    sessions = list(TreatmentSession.objects.filter(patient=patient).order_by("number"))
    assert [s.number for s in sessions] == [1, 2, 3, 4, 5, 6]
    assert all(s.is_finished for s in sessions)
    assert [(s.pain_before, s.pain_after) for s in sessions] == [
        (7, 5), (6, 4), (5, 4), (4, 3), (3, 2), (3, 2)
    ]  # fmt: skip
    starts = [s.started_at for s in sessions]
    assert starts == sorted(starts)
    first = sessions[0].steps.order_by("order")
    assert [s.status for s in first] == ["done", "done", "skipped"]
    assert first[0].ease_off_count == 1 and first[0].twitch
    assert load_demo(clinic) is False
    assert TreatmentSession.objects.filter(patient=patient).count() == 6
