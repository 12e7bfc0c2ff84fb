"""Printed documents render offline, with the clinic's letterhead."""

from __future__ import annotations

import pytest
from django.template import engines

from myomap.reports.pdf import pdf_response, render_pdf
from tests.pdftext import pdf_pages, pdf_text


@pytest.fixture
def letter_template(settings, tmp_path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "letter.html").write_text(
        '{% extends "reports/print_base.html" %}'
        "{% block content %}<h1>Dear Dr Patel</h1><p>{{ body }}</p>{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder]}]
    engines._engines = {}  # the template engines are rebuilt with the new folder
    yield "letter.html"
    engines._engines = {}


def test_a_letter_has_the_clinic_letterhead_and_its_text(clinic, letter_template):  # type: ignore[no-untyped-def]
    clinic.address = "12 Harbour Street\nPortsmouth"
    pdf = render_pdf(letter_template, {"clinic": clinic, "body": "Please assess the lumbar spine."})
    text = pdf_text(pdf)
    assert "Harbour Street NMT" in text
    assert "Portsmouth" in text
    assert "Please assess the lumbar spine." in text
    assert "Page 1 of 1" in text
    assert pdf_pages(pdf) == 1


def test_a_document_may_not_reach_the_network(clinic, letter_template):  # type: ignore[no-untyped-def]
    body = '<img src="https://example.com/tracker.png">'
    pdf = render_pdf(letter_template, {"clinic": clinic, "body": body})
    assert "Dear Dr Patel" in pdf_text(pdf)  # rendered, with the remote image left out


def test_the_response_is_a_pdf_that_is_never_cached():  # type: ignore[no-untyped-def]
    response = pdf_response(b"%PDF-1.7 ...", "letter.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert 'filename="letter.pdf"' in response["Content-Disposition"]
