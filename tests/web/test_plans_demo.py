"""The demo plans: Maria, James (cleared by his physician) and David (blood thinners)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from myomap.clinics.models import Clinic, User
from myomap.demo import DEMO_SLUG, demo_load
from myomap.plans.demo import load_demo
from myomap.plans.models import Plan, PlanStatus, PlanStep
from myomap.screening.gate import treatment_gate

pytestmark = pytest.mark.django_db


def test_the_demo_clients_get_one_active_plan_each(client: Client) -> None:
    demo_load()
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    plans = {p.patient.last_name: p for p in Plan.objects.filter(clinic=clinic)}
    assert set(plans) == {"Lopez", "O'Connor", "Kim"}
    assert all(p.status == PlanStatus.ACTIVE for p in plans.values())
    assert load_demo(clinic) is False
    assert Plan.objects.filter(clinic=clinic).count() == 3

    # James was referred and cleared: the plan rests on the clearance.
    assert treatment_gate(plans["O'Connor"].patient).clearance is not None

    # David takes blood thinners: no compression or friction, light pressure only.
    david = PlanStep.objects.filter(plan=plans["Kim"])
    assert david.exists()
    assert not david.filter(technique__in=["ischemic_compression", "cross_fibre_friction"])
    assert all(s.pressure_max_kg is None or s.pressure_max_kg <= 2.0 for s in david)
    assert plans["Kim"].proposal["precautions_applied"]

    client.force_login(User.objects.get(username="sam"))
    kim = plans["Kim"]
    page = client.get(reverse("plans:detail", args=[kim.patient_id, kim.pk])).content.decode()
    assert "Pressure at most 2.0 kg (4.4 lb)" in page
    assert "Soleus" in page
    card = client.get(reverse("chart:client", args=[kim.patient_id])).content.decode()
    assert reverse("plans:detail", args=[kim.patient_id, kim.pk]) in card


def test_the_demo_proposals_are_lean(client: Client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    """One primary step per palpated point, no satellite the therapist did not ask for,
    steps only on the sides the findings are on; satellites are offered, one tap each."""
    from myomap.assessments.models import PalpationFinding
    from myomap.common.models import AuditEvent

    demo_load()
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    plans = list(Plan.objects.filter(clinic=clinic).select_related("assessment"))
    assert plans
    for plan in plans:
        rows = list(PlanStep.objects.filter(plan=plan).order_by("order"))
        palpated = {
            (f.muscle_id, f.trigger_point or None, f.side or None)
            for f in PalpationFinding.objects.filter(assessment=plan.assessment)
        }
        on_points = [
            r for r in rows if (r.muscle_id, r.trigger_point or None, r.side or None) in palpated
        ]
        # One primary step per palpated point: no point gets two pressing techniques.
        primary = [r for r in on_points if r.technique != "facilitated_stretch"]
        keys = [(r.muscle_id, r.trigger_point, r.side) for r in primary]
        assert len(keys) == len(set(keys)), plan.patient
        assert not [r for r in rows if r.technique == "cross_fibre_friction"]
        # No unasked-for satellites: every step names a finding, none is a satellite.
        assert not [r for r in rows if any(str(x).startswith("Satellite of") for x in r.reasons)]
        sides = {side for _, _, side in palpated}
        if None not in sides and len(sides) == 1:
            assert {r.side or None for r in rows} <= sides, plan.patient

    maria = next(p for p in plans if p.patient.last_name == "Lopez")
    client.force_login(User.objects.get(username="sam"))
    url = reverse("plans:detail", args=[maria.patient_id, maria.pk])
    with django_assert_max_num_queries(40):
        page = client.get(url).content.decode()
    offered = maria.proposal.get("suggestions") or []
    api = client.get(f"/api/v1/clients/{maria.patient_id}/plans/{maria.pk}").json()
    assert api["suggestions"] == offered
    if offered:
        assert "Suggested: add with one tap" in page
        first = offered[0]["step"]
        before = PlanStep.objects.filter(plan=maria).count()
        response = client.post(
            reverse("plans:step_add", args=[maria.patient_id, maria.pk]),
            {
                "muscle_id": first["muscle_id"],
                "trigger_point": first["trigger_point"] or "",
                "side": first["side"] or "",
                "technique": first["technique"],
                "reason": offered[0]["reason"],
            },
        )
        assert response.status_code == 302
        added = PlanStep.objects.filter(plan=maria).order_by("order").last()
        assert PlanStep.objects.filter(plan=maria).count() == before + 1
        assert added is not None and added.muscle_id == first["muscle_id"]
        assert added.reasons == [offered[0]["reason"]]
        assert AuditEvent.objects.filter(object_type="Plan", object_id=str(maria.pk)).exists()


@pytest.mark.parametrize(("minutes", "status"), [("30", 302), ("45", 302), ("50", 400), ("x", 400)])
def test_session_lengths_30_to_90_and_others_refused(
    client: Client, minutes: str, status: int
) -> None:
    demo_load()
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    plan = Plan.objects.get(clinic=clinic, patient__last_name="Lopez")
    client.force_login(User.objects.get(username="sam"))
    count = Plan.objects.filter(patient=plan.patient).count()
    response = client.post(
        reverse("plans:propose", args=[plan.patient_id]), {"session_minutes": minutes}
    )
    assert response.status_code == status
    if status == 400:
        assert "session_minutes" in response.content.decode()
        assert minutes in response.content.decode()
        assert Plan.objects.filter(patient=plan.patient).count() == count
    else:
        newest = Plan.objects.filter(patient=plan.patient).latest("id")
        assert newest.session_minutes == int(minutes)
