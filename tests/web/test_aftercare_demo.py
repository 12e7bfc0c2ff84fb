"""The aftercare demo: Maria Lopez's sheet, link and a week of home program days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from myomap.aftercare.demo import load_demo
from myomap.aftercare.models import AftercareSheet, HomeProgramLink
from myomap.aftercare.selectors import adherence
from tests.web.scoped.aftercare import finished_session

pytestmark = pytest.mark.django_db


def test_no_finished_session_is_skipped_quietly(clinic, therapist, patient):  # type: ignore[no-untyped-def]
    assert load_demo(clinic) is False
    assert not AftercareSheet.objects.exists()


def test_maria_gets_a_sheet_a_link_and_a_week_of_marks(clinic, therapist, patient):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    ten_days_ago = timezone.now() - timedelta(days=10)
    session.started_at, session.finished_at = ten_days_ago - timedelta(hours=1), ten_days_ago
    session.save()
    assert load_demo(clinic) is True
    sheet = AftercareSheet.objects.get(session=session)
    assert (
        HomeProgramLink.objects.filter(sheet=sheet, private__revoked_at__isnull=True).count() == 1
    )
    week = adherence(sheet)
    assert week.window == 7 and week.days_any == 5
    assert week.summary == "Done on 5 of the last 7 days"
    assert load_demo(clinic) is False
