"""The demo assessments: realistic, shown on the pages, loaded once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from myomap.assessments.demo import load_demo
from myomap.assessments.models import Assessment, PosturePhoto
from myomap.assessments.selectors import element_profile, posture_analysis, previous_assessment
from myomap.clinics.models import Clinic, User
from myomap.demo import DEMO_SLUG, demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_clinic_gets_assessments_once(client: Client) -> None:
    demo_load()
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    load_demo(clinic)
    count = Assessment.objects.filter(clinic=clinic).count()
    assert count == 4  # Maria twice, James, and David (from the plans demo)
    assert load_demo(clinic) is False
    assert Assessment.objects.filter(clinic=clinic).count() == count

    latest = Assessment.objects.filter(patient__first_name="Maria").order_by("-visit_date").first()
    assert latest is not None
    earlier = previous_assessment(latest)
    assert earlier is not None and (latest.visit_date - earlier.visit_date).days == 42
    assert PosturePhoto.objects.filter(assessment=earlier).count() == 2
    before = {str(r.element): r.rating for r in element_profile(earlier).ratings}
    after = {str(r.element): r.rating for r in element_profile(latest).ratings}
    assert before["trigger_points"] > after["trigger_points"]

    client.force_login(User.objects.get(username="sam"))
    page = client.get(reverse("chart:client", args=[latest.patient_id])).content.decode()
    assert 'class="bar-prev"' in page  # the card compares with the first visit
    detail = client.get(
        reverse("assessments:detail", args=[latest.patient_id, earlier.pk])
    ).content.decode()
    photo = PosturePhoto.objects.filter(assessment=earlier, view="side").get()
    cva = next(m for m in posture_analysis(photo).measures if m.id == "craniovertebral_angle")
    assert cva.measurable and cva.direction == "forward"  # the first visit's forward head
    assert f"Craniovertebral angle: <strong>{cva.value}°</strong> forward</li>" in detail
    image = client.get(
        reverse("assessments:photo_image", args=[latest.patient_id, earlier.pk, photo.pk])
    )
    assert image.status_code == 200
