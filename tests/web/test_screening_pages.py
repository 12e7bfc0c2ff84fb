"""The client page's banner and card, the health checks in the intake, clearances with their
documents, and the referral letter."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from myomap.intake.services import intake_link_create, intake_start
from myomap.screening.forms import answered_no_but
from myomap.screening.models import Clearance, Screening, ScreeningTrigger
from myomap.screening.services import screening_answers_save
from myomap_core.screening import Decision, questions
from tests.pdftext import pdf_text
from tests.web.scoped.screening import (
    answers_with,
    emergency_answers,
    referral_answers,
    screen_client,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def screened(patient, therapist, answers):  # type: ignore[no-untyped-def]
    return screen_client(therapist, patient, answers)


def detail(client, patient) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("chart:client", args=[patient.pk]))
    assert response.status_code == 200
    return text(response)


def clearance_url(patient, screening) -> str:  # type: ignore[no-untyped-def]
    return reverse("screening:clearance_new", args=[patient.pk, screening.pk])


def test_an_emergency_shows_a_banner_saying_what_to_do_now(therapist_client, patient, therapist):  # type: ignore[no-untyped-def]
    screening = screened(patient, therapist, emergency_answers())
    page = detail(therapist_client, patient)
    assert 'class="screening-banner screening-banner-emergency" role="alert"' in page
    assert "Emergency: do not treat." in page
    assert Decision.EMERGENCY.instruction in page
    assert clearance_url(patient, screening) not in page, "an emergency is never cleared"
    assert "Screen again after the client has been seen" in page
    assert 'data-treatment="blocked"' in page and "Treatment: blocked" in page
    finding = screening.result["findings"][0]
    assert finding["title"] in page
    assert finding["action"] in page
    assert "Source:" in page


def test_a_referral_shows_a_lesser_banner(therapist_client, patient, therapist):  # type: ignore[no-untyped-def]
    screening = screened(patient, therapist, referral_answers())
    page = detail(therapist_client, patient)
    assert "screening-banner-referral" in page
    assert "screening-banner-emergency" not in page
    assert f"{Decision(screening.decision).label}: treatment on hold." in page


def test_the_card_shows_precautions(therapist_client, patient, therapist):  # type: ignore[no-untyped-def]
    screened(patient, therapist, answers_with(Decision.TREAT_WITH_PRECAUTIONS))
    page = detail(therapist_client, patient)
    assert "screening-banner" not in page
    assert "Treatment: allowed with precautions" in page
    assert "Precautions" in page
    assert "Not asked yet:" not in page


def test_unanswered_questions_hold_treatment_and_are_listed(therapist_client, patient, therapist):  # type: ignore[no-untyped-def]
    data = answered_no_but(answers_with(Decision.TREAT_WITH_PRECAUTIONS), "female")
    del data["saddle_numbness"]
    screening = screening_answers_save(actor=therapist, patient=patient, data=data)
    page = detail(therapist_client, patient)
    assert "Treatment on hold: health checks still to ask." in page
    assert "Not asked yet:" in page
    unknown = next(q for q in questions() if q.id in screening.result["unknown"])
    assert unknown.text.replace("'", "&#x27;") in page
    assert reverse("screening:now", args=[patient.pk]) in page


def test_without_a_screening_the_card_and_banner_hold_treatment(therapist_client, patient):  # type: ignore[no-untyped-def]
    page = detail(therapist_client, patient)
    assert "Treatment: on hold" in page and "not been screened" in page
    assert "Treatment on hold: not screened yet." in page
    assert reverse("screening:now", args=[patient.pk]) in page


def test_clearance_errors_name_the_field_and_store_nothing(therapist_client, patient, therapist):  # type: ignore[no-untyped-def]
    screening = screened(patient, therapist, referral_answers())
    response = therapist_client.post(clearance_url(patient, screening), {"note": ""})
    page = text(response)
    assert response.status_code == 400
    assert "Cleared by (the physician&#x27;s name)</a>: Enter the name of the physician" in page
    assert "Date of the clearance</a>: Enter the date the physician cleared treatment." in page
    assert "Write a short note of what the physician said." in page
    assert "or confirm that you spoke to the physician yourself" in page
    future = date.today() + timedelta(days=3)
    response = therapist_client.post(
        clearance_url(patient, screening),
        {"cleared_by": "Dr Khan", "cleared_on": future.isoformat(), "note": "Fine"},
    )
    assert "cannot be in the future" in text(response)
    assert not Clearance.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"just text", "is not a PDF, JPEG or PNG file"),
        ("fake.pdf", b"MZ\x90\x00 not really a pdf", "is not a PDF, JPEG or PNG file"),
        ("huge.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "the limit is 10 MB"),
    ],
)
def test_bad_documents_are_refused_and_nothing_is_stored(
    therapist_client, patient, therapist, settings, name, content, message
):  # type: ignore[no-untyped-def]
    screening = screened(patient, therapist, referral_answers())
    response = therapist_client.post(
        clearance_url(patient, screening),
        {
            "cleared_by": "Dr Khan",
            "cleared_on": date.today().isoformat(),
            "note": "Fine to treat",
            "document": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 400
    assert message in text(response)
    assert "Letter or form from the physician" in text(response)
    assert not Clearance.objects.exists()
    private = settings.MEDIA_ROOT
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))


def test_a_clearance_unblocks_and_its_document_is_served_to_the_clinic_only(
    client: Client, therapist_client, patient, therapist, front_desk, outsider
):  # type: ignore[no-untyped-def]
    screening = screened(patient, therapist, referral_answers())
    response = therapist_client.post(
        clearance_url(patient, screening),
        {
            "cleared_by": "Dr Amir Khan",
            "cleared_on": date.today().isoformat(),
            "note": "Seen in A&E; MRI clear.",
            "document": SimpleUploadedFile("scan.png", PNG),
        },
    )
    assert response.status_code == 302
    page = detail(therapist_client, patient)
    assert "screening-banner" not in page
    assert 'data-treatment="allowed"' in page
    assert "Cleared by <strong>Dr Amir Khan</strong>" in page
    assert "Seen in A&amp;E; MRI clear." in page
    clearance = Clearance.objects.get()
    assert clearance.document.name.startswith(f"clearances/{patient.clinic_id}/")
    assert "scan" not in clearance.document.name
    url = reverse("screening:clearance_document", args=[patient.pk, clearance.pk])
    assert url in page
    served = therapist_client.get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    client.force_login(front_desk)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_front_desk_sees_neither_findings_nor_letter(
    client: Client, patient, therapist, front_desk
):  # type: ignore[no-untyped-def]
    screening = screened(patient, therapist, emergency_answers())
    client.force_login(front_desk)
    page = detail(client, patient)
    assert screening.result["findings"][0]["title"] not in page
    assert "do not book or start treatment" in page
    letter = reverse("screening:letter", args=[patient.pk, screening.pk])
    assert client.get(letter).status_code == 403
    assert client.get(clearance_url(patient, screening)).status_code == 403


def test_the_referral_letter_names_findings_physician_clinic_and_the_ask(
    therapist_client, patient, therapist
):  # type: ignore[no-untyped-def]
    patient.physician_name = "Dr Helen Shaw"
    patient.physician_contact = "Clifton Medical Practice"
    patient.save()
    therapist.credentials = "LMT, CNMT"
    therapist.save()
    screening = screened(patient, therapist, {**emergency_answers(), **referral_answers()})
    response = therapist_client.get(reverse("screening:letter", args=[patient.pk, screening.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    letter = pdf_text(response.content)
    assert "To: Dr Helen Shaw" in letter and "Clifton Medical Practice" in letter
    assert "Harbour Street NMT" in letter
    assert "Maria Lopez" in letter
    assert "Therapist Tester, LMT, CNMT" in letter
    for finding in screening.result["findings"]:
        assert finding["title"] in letter
        assert finding["ask_physician"].split(".")[0] in letter
    assert "What we ask of you" in letter and "Why it matters" in letter
    assert "Physician's reply" in letter
    summaries = list(patient.audit_events.values_list("summary", flat=True))
    assert "Printed a referral letter to Dr Helen Shaw about the screening's findings" in summaries


def test_the_intake_asks_the_health_checks_with_follow_ups_marked(
    therapist_client, patient, therapist
):  # type: ignore[no-untyped-def]
    intake = intake_start(actor=therapist, patient=patient)
    page = text(
        therapist_client.get(reverse("intake:section", args=[patient.pk, intake.pk, "screening"]))
    )
    assert "<h1>Health checks</h1>" in page
    assert "screening/screening.js" in page
    for q in questions():
        if q.applies_to_sex in (None, "female"):
            assert f'name="{q.id}"' in page, q.id
    follow_up = next(q for q in questions() if q.follow_up_of)
    assert f'data-follow-up-of="{follow_up.follow_up_of}"' in page
    assert "Only if you answered yes" in page


def test_the_client_link_submits_and_is_screened(therapist_client, patient, therapist):  # type: ignore[no-untyped-def]
    link, token = intake_link_create(actor=therapist, patient=patient)
    visitor = Client()
    answers = emergency_answers()
    response = visitor.post(reverse("portal:section", args=[token, "screening"]), answers)
    assert response.status_code == 302
    stored = link.intake.__class__.objects.get(pk=link.intake.pk).answers["screening"]
    assert all(stored[k] == "yes" for k in answers)
    sections = {
        "complaint": {"main_complaint": "Back pain", "onset": "gradual"},
        "bodymap": {"no_pain": "1"},
        "goals": {"goals": "Walk again"},
        "consent": {"consent_agree": "on", "signature_name": "Maria Lopez"},
    }
    for slug, data in sections.items():
        visitor.post(reverse("portal:section", args=[token, slug]), data)
    first, *_, last = Screening.objects.filter(patient=patient).order_by("created_at", "id")
    assert first.trigger == ScreeningTrigger.ANSWERS, "screened as soon as the answers arrived"
    assert first.decision == Decision.EMERGENCY
    assert last.decision == Decision.EMERGENCY and last.trigger == ScreeningTrigger.INTAKE
    assert last.intake == link.intake and last.created_by is None
    page = detail(therapist_client, patient)
    assert "Emergency: do not treat." in page


def test_the_therapist_edits_answers_and_re_screens(therapist_client, patient, therapist):  # type: ignore[no-untyped-def]
    _, token = intake_link_create(actor=therapist, patient=patient)
    visitor = Client()
    for slug, data in {
        "complaint": {"main_complaint": "Back pain", "onset": "gradual"},
        "bodymap": {"no_pain": "1"},
        "goals": {"goals": "Walk again"},
        "consent": {"consent_agree": "on", "signature_name": "Maria Lopez"},
    }.items():
        visitor.post(reverse("portal:section", args=[token, slug]), data)
    assert Screening.objects.get().decision == Decision.TREAT
    url = reverse("screening:now", args=[patient.pk])
    page = detail(therapist_client, patient)
    assert url in page and "Treatment on hold: health checks still to ask." in page
    response = therapist_client.post(url, emergency_answers())
    assert response.status_code == 302
    latest = Screening.objects.first()
    assert latest.decision == Decision.EMERGENCY and latest.trigger == ScreeningTrigger.EDIT
    assert Screening.objects.count() == 2
    rescreen = therapist_client.post(reverse("screening:rescreen", args=[patient.pk]))
    assert rescreen.status_code == 302
    assert Screening.objects.count() == 3
    assert therapist_client.get(reverse("screening:rescreen", args=[patient.pk])).status_code == 405
    timeline = detail(therapist_client, patient)
    assert "Edited " in timeline and "health-check answer" in timeline
