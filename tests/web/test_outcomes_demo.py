"""The demo clinic shows every outcome story the dashboard knows."""

from __future__ import annotations

import pytest

from myomap.clinics.models import Clinic
from myomap.demo import demo_load
from myomap.outcomes.demo import load_demo
from myomap.outcomes.models import OutcomeResponse
from myomap.outcomes.selectors import dashboard


@pytest.mark.django_db
def test_the_demo_histories_fill_each_dashboard_group_once():
    demo_load()  # loads the outcome histories too
    clinic = Clinic.objects.get(slug="harbour-street")
    count = OutcomeResponse.objects.count()
    assert load_demo(clinic) is False and OutcomeResponse.objects.count() == count
    board = dashboard(clinic=clinic)
    assert [r.patient.full_name for r in board["maintenance"].rows] == ["Maria Lopez"]
    assert [r.patient.full_name for r in board["not_on_track"].rows] == ["Hannah Schmidt"]
    assert [r.patient.full_name for r in board["worsening"].rows] == ["James O'Connor"]
    assert board["due"].rows[0].patient.full_name == "Sofia Rossi"  # measured, 38 days ago
    assert board["not_on_track"].rows[0].standing.flag == "review_plan_or_refer"
    assert board["worsening"].rows[0].standing.flag == "alert"
