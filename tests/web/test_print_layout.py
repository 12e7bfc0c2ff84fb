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
