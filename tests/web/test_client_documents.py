"""Client documents carry nothing internal and read in plain words.

Every page and PDF a client takes home is extracted to text: no source key ("[seed000]",
"tss3"), no "[ours]", no "A choice made by the Myomap project". The reading age is measured
with textstat (decision 0015): Flesch-Kincaid grade 7 or below, a reading age of about 12.
"""

from __future__ import annotations

import html
import re

import pytest
import textstat
from django.test import Client
from django.urls import reverse

from myomap.aftercare.services import aftercare_for_session, home_link_create
from myomap_core.knowledge import load_knowledge_base
from tests.pdftext import pdf_text
from tests.web.scoped.aftercare import finished_session

pytestmark = pytest.mark.django_db

GRADE_MAX = 7.0
"""Flesch-Kincaid grade for a reading age of about 12 (US grade 7)."""

INTERNAL = ("[ours]", "A choice made by the Myomap project", "ours_")


def visible_text(page: str) -> str:
    """The words a reader sees on a page: the main content, tags and scripts removed."""
    main = page.split("<main", 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style|form)\b.*?</\1>", " ", main, flags=re.S)
    main = re.sub(r"<[^>]+>", " ", main)
    return re.sub(r"\s+", " ", html.unescape(main))


def assert_nothing_internal(text: str, what: str) -> None:
    for tag in INTERNAL:
        assert tag not in text, f"{what} shows {tag!r}"
    keys = set(load_knowledge_base().sources)
    bracketed = set(re.findall(r"\[([A-Za-z][\w.-]*)\]", text))
    assert not bracketed, f"{what} shows source keys {sorted(bracketed)}"
    words = set(re.findall(r"[A-Za-z][\w-]*", text))
    shown = sorted(k for k in keys if k in words and not k.isalpha())
    assert not shown, f"{what} shows source keys {shown}"


def prose(text: str) -> str:
    """Sentences only: headings and table cells without a full stop are left out, so the
    grade measures the sentences the client reads."""
    sentences = re.findall(r"[A-Z][^.!?]*[.!?]", text)
    return " ".join(sentences)


def test_no_client_document_shows_a_source_key_and_each_reads_at_about_age_12(
    client: Client,
    therapist,
    patient,  # type: ignore[no-untyped-def]
) -> None:
    session = finished_session(therapist, patient)
    sheet = aftercare_for_session(actor=therapist, session=session)
    _link, token = home_link_create(actor=therapist, sheet=sheet)

    client.force_login(therapist)
    pdf = client.get(reverse("aftercare:pdf", args=[patient.pk, session.pk]))
    assert pdf.status_code == 200
    client.logout()
    home = client.get(reverse("portal:home_program", args=[token]))
    assert home.status_code == 200

    documents = {
        "the aftercare PDF": pdf_text(pdf.content),
        "the home program page": visible_text(home.content.decode()),
    }
    for what, text in documents.items():
        assert len(text) > 200, what
        assert_nothing_internal(text, what)
        grade = textstat.flesch_kincaid_grade(prose(text))
        assert grade <= GRADE_MAX, f"{what}: grade {grade} above {GRADE_MAX}"


def test_the_clinician_sheet_may_still_show_its_sources(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    page = therapist_client.get(reverse("aftercare:sheet", args=[patient.pk, session.pk]))
    assert page.status_code == 200
    assert "Sources" in page.content.decode()
