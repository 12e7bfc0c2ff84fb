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
    card = client.get(reverse("patients:detail", args=[kim.patient_id])).content.decode()
    assert reverse("plans:detail", args=[kim.patient_id, kim.pk]) in card
