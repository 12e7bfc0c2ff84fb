"""Printed letters look finished: the sign-off never sits alone on a page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from myomap.clinics.models import Clinic
from myomap.demo import DEMO_PASSWORD, demo_load
from myomap.screening.models import Screening

pytestmark = pytest.mark.django_db


def page_texts(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]


def test_each_referral_letter_signs_off_with_its_letter(client):  # type: ignore[no-untyped-def]
    demo_load()
    clinic = Clinic.objects.get(slug="harbour-street")
    client.login(username="sam", password=DEMO_PASSWORD)
    letters = 0
    for screening in Screening.objects.filter(patient__clinic=clinic):
        response = client.get(
            reverse("screening:letter", args=[screening.patient_id, screening.pk])
        )
        if response.status_code != 200:
            continue
        letters += 1
        pages = page_texts(response.content)
        signed = next(i for i, text in enumerate(pages) if "With thanks," in text)
        before = pages[signed].split("With thanks,")[0]
        if signed > 0:  # on a later page, the sign-off keeps some of the letter with it
            assert len(before.strip()) > 60, (screening.patient, pages[signed][:200])
        assert "Sam Rivera" in pages[signed].split("With thanks,")[1]
    assert letters >= 3


def test_every_page_of_a_report_carries_the_clinics_footer(client):  # type: ignore[no-untyped-def]
    """The running footer is on each page, not only on the last one."""
    from django.db.models import Count

    from myomap.patients.models import Patient

    demo_load()
    client.login(username="sam", password=DEMO_PASSWORD)
    maria = (
        Patient.objects.filter(clinic__slug="harbour-street")
        .annotate(n=Count("treatment_sessions"))
        .order_by("-n")
        .first()
    )
    assert maria is not None
    response = client.get(reverse("outcomes:report", args=[maria.pk]))
    assert response.status_code == 200
    pages = page_texts(response.content)
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert "Harbour Street Neuromuscular Therapy · confidential clinical information" in text, (
            number
        )
        assert f"Page {number} of {len(pages)}" in text
