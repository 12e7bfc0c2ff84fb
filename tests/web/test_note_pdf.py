"""The note's PDF: what it says, who may print it, and a signed note rendered only once."""

from __future__ import annotations

import re
import stat

import pytest
from django.urls import reverse

from myomap.common.models import AuditEvent
from myomap.notes import printing
from myomap.notes.services import note_amend, note_draft, note_sign
from myomap.reports import pdf_cache
from tests.pdftext import pdf_text
from tests.web.scoped.notes import make_session

pytestmark = pytest.mark.django_db

SOURCE_KEY = re.compile(r"\[(?:seed\d+|ours)\]|\bseed\d{3}\b")


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def renders(monkeypatch):  # type: ignore[no-untyped-def]
    """Count real drawings of a note's PDF (each still draws): a draft's through
    ``render_pdf``, a signed note's through the cache's ``html_to_pdf``."""
    calls: list[str] = []
    real_render, real_draw = printing.render_pdf, pdf_cache.html_to_pdf

    def rendered(template_name, context, request=None):  # type: ignore[no-untyped-def]
        calls.append(template_name)
        return real_render(template_name, context, request)

    def drawn(html):  # type: ignore[no-untyped-def]
        calls.append(printing.TEMPLATE)
        return real_draw(html)

    monkeypatch.setattr(printing, "render_pdf", rendered)
    monkeypatch.setattr(pdf_cache, "html_to_pdf", drawn)
    return calls


@pytest.fixture
def signed(therapist, patient):  # type: ignore[no-untyped-def]
    session = make_session(therapist, patient)
    note = note_sign(actor=therapist, note=note_draft(actor=therapist, session=session))
    note_amend(
        actor=therapist,
        note=note,
        reason="Pressure recorded in the wrong unit",
        text={"plan": "Next: session 2 in one week. Review the upper trapezius."},
    )
    return note


def pdf_url(note) -> str:  # type: ignore[no-untyped-def]
    return reverse("notes:pdf", args=[note.patient_id, note.pk])


def api_url(note) -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/clients/{note.patient_id}/notes/{note.pk}/pdf"


def test_the_signed_note_pdf_states_the_record(therapist_client, signed, patient):  # type: ignore[no-untyped-def]
    page = therapist_client.get(reverse("notes:detail", args=[patient.pk, signed.pk]))
    assert pdf_url(signed) in page.content.decode()  # the note page links to its PDF
    response = therapist_client.get(pdf_url(signed))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = pdf_text(response.content)
    assert "Harbour Street NMT" in text  # the letterhead
    assert "Maria Lopez" in text and "Born 14 March 1980" in text
    assert f"Client number {patient.pk}" in text
    for label in ("Subjective", "Objective", "Assessment", "Plan"):
        assert label in text
    assert "R upper trapezius" in text and "IC 60 s ×1" in text
    assert "Signed by" in text and signed.signed_by.display_name in text
    assert signed.content_hash in text.replace(" ", "")
    amendment = signed.amendments.get()
    assert "Amendment 1" in text and "Pressure recorded in the wrong unit" in text
    assert "Next: session 2 in one week. Review the upper trapezius." in text
    assert amendment.content_hash in text.replace(" ", "")
    assert "Abbreviations" in text
    assert "TrP trigger point" in text and "IC ischemic compression" in text
    assert "PR positional release" not in text  # only the abbreviations the note uses
    assert "Draft — not signed" not in text
    assert not SOURCE_KEY.search(text)
    assert AuditEvent.objects.filter(
        patient=patient, action="export", summary="Printed the signed SOAP note of session 1"
    ).exists()


def test_a_draft_is_marked_not_signed(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    note = note_draft(actor=therapist, session=make_session(therapist, patient))
    text = pdf_text(therapist_client.get(pdf_url(note)).content)
    assert "Draft — not signed" in text
    assert "Signed by" not in text
    assert not any(printing.cache_dir().iterdir())  # a draft is never kept


def test_the_api_gives_the_same_pdf(therapist_client, signed):  # type: ignore[no-untyped-def]
    response = therapist_client.get(api_url(signed))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Pressure recorded in the wrong unit" in pdf_text(response.content)


@pytest.mark.parametrize("url", [pdf_url, api_url])
def test_another_clinic_gets_404_and_the_front_desk_403(  # type: ignore[no-untyped-def]
    client, signed, outsider, front_desk, url, renders
):
    client.force_login(outsider)
    assert client.get(url(signed)).status_code == 404
    client.force_login(front_desk)
    assert client.get(url(signed)).status_code == 403
    assert renders == []
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_signed_note_is_rendered_once_until_it_changes(  # type: ignore[no-untyped-def]
    therapist_client, therapist, signed, renders
):
    first = therapist_client.get(pdf_url(signed)).content
    kept = list(printing.cache_dir().iterdir())
    assert renders == ["notes/pdf.html"] and len(kept) == 1
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(printing.cache_dir().stat().st_mode) == 0o700
    assert therapist_client.get(api_url(signed)).content == first
    assert len(renders) == 1  # served from the kept file
    note_amend(actor=therapist, note=signed, reason="Add the home program", text={"plan": "Walk."})
    assert "Add the home program" in pdf_text(therapist_client.get(pdf_url(signed)).content)
    assert len(renders) == 2
    assert [p.name for p in printing.cache_dir().iterdir()] != [kept[0].name]  # replaced
    assert len(list(printing.cache_dir().iterdir())) == 1
