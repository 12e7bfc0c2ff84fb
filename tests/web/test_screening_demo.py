"""The demo clinic's screenings: an emergency, precautions and a cleared referral."""

from __future__ import annotations

import pytest
from django.urls import reverse

from myomap.clinics.models import Clinic
from myomap.demo import DEMO_PASSWORD, demo_load
from myomap.patients.models import Patient
from myomap.screening.demo import load_demo
from myomap.screening.gate import treatment_gate
from myomap.screening.models import Screening
from myomap_core.screening import Decision


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    demo_load()
    clinic = Clinic.objects.get(slug="harbour-street")
    load_demo(clinic)
    return clinic


def test_frank_miller_is_an_emergency_and_blocked(demo, client):  # type: ignore[no-untyped-def]
    frank = Patient.objects.get(clinic=demo, last_name="Miller")
    gate = treatment_gate(frank)
    assert gate.decision == Decision.EMERGENCY and not gate.allowed
    assert "cauda_equina" in [f["rule_id"] for f in gate.screening.result["findings"]]
    client.login(username="sam", password=DEMO_PASSWORD)
    page = client.get(reverse("chart:client", args=[frank.pk])).content.decode()
    assert "Emergency: do not treat." in page


def test_precautions_and_a_cleared_referral(demo):  # type: ignore[no-untyped-def]
    kim = treatment_gate(Patient.objects.get(clinic=demo, last_name="Kim"))
    assert kim.decision == Decision.TREAT_WITH_PRECAUTIONS and kim.allowed
    assert "deep_pressure" in kim.precautions.techniques_not_allowed
    james = treatment_gate(Patient.objects.get(clinic=demo, last_name="O'Connor"))
    assert james.decision.requires_clearance and james.allowed
    assert james.clearance is not None and james.clearance.cleared_by == "Dr Helen Shaw"


def test_loading_twice_changes_nothing(demo):  # type: ignore[no-untyped-def]
    count = Screening.objects.count()
    load_demo(demo)
    assert Screening.objects.count() == count
