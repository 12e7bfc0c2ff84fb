"""Aftercare: the sheet from a session, its PDF, the private home program link and adherence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from myomap.aftercare.models import AftercareSheet, HomeProgramMark
from myomap.aftercare.services import (
    aftercare_for_session,
    home_link_create,
    home_link_revoke,
    home_mark_done,
)
from myomap.common.models import AuditEvent
from myomap.intake.models import Intake
from myomap.patients.selectors import patient_timeline
from myomap.sessions.models import TreatmentSession
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from tests.pdftext import pdf_text
from tests.web.scoped.aftercare import finished_session
from tests.web.scoped.screening import screen_client

pytestmark = pytest.mark.django_db
KB = load_knowledge_base()


def office_intake(patient) -> Intake:  # type: ignore[no-untyped-def]
    return Intake.objects.create(
        clinic=patient.clinic,
        patient=patient,
        status="submitted",
        submitted_at=timezone.now(),
        answers={
            "work": {
                "work_type": "sitting",
                "sitting_hours": 9,
                "workstation": "Laptop at the kitchen table, phone calls all day",
                "lifting": "light",
                "lifting_notes": "My toddler",
            }
        },
    )


def sheet_url(session: TreatmentSession) -> str:
    return reverse("aftercare:sheet", args=[session.patient_id, session.pk])


def test_sheet_is_made_from_the_session_and_the_intake(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    office_intake(patient)
    session = finished_session(therapist, patient)
    page = therapist_client.get(sheet_url(session))
    assert page.status_code == 200
    html = page.content.decode()
    assert "No heavy lifting for at least 24 hours" in html
    assert "Quadratus lumborum" in html and "(both sides)" in html
    assert "Gluteus medius" in html and "(left side)" in html
    assert KB.muscle("gluteus_medius").self_care.stretch[:40] in html
    assert "every 30-45 minutes" in html and "raise the screen" in html
    assert "Lift children from a squat" in html
    assert "eased off 1 time" in html
    sheet = AftercareSheet.objects.get(session=session)
    assert [c["muscle_id"] for c in sheet.content["self_care"]] == [
        "quadratus_lumborum",
        "gluteus_medius",
    ]
    # five proposed, the treated muscles' self-care first; the walk waits one tap away
    assert sheet.item_ids == [
        "stretch.quadratus_lumborum",
        "press.quadratus_lumborum",
        "stretch.gluteus_medius",
        "press.gluteus_medius",
        "breaks",
    ]
    assert [i["id"] for i in sheet.set_aside] == ["walk"]
    # Opening it again keeps the same snapshot; the audit log says it was made once.
    therapist_client.get(sheet_url(session))
    assert AftercareSheet.objects.filter(session=session).count() == 1
    made = AuditEvent.objects.filter(summary__startswith="Made the aftercare sheet of session")
    assert made.count() == 1
    assert "Quadratus lumborum, Gluteus medius" in made.get().summary


def test_pdf_has_the_24_hour_rule_and_the_self_care(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    response = therapist_client.get(reverse("aftercare:pdf", args=[patient.pk, session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "24 hours" in text
    assert "Drink plenty of water" in text
    assert "Quadratus lumborum" in text and "Gluteus medius" in text
    assert "Self-compression" in text and "5 out of 10" in text
    assert "When to get medical help" in text and "bladder" in text
    assert "Maria Lopez" in text


def test_anticoagulated_client_gets_no_self_compression(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    screen_client(therapist, patient, {"anticoagulant": "yes"})
    session = finished_session(
        therapist, patient, steps=(("quadratus_lumborum", "left", "positional_release", 0),)
    )
    sheet = aftercare_for_session(actor=therapist, session=session)
    assert all(c["self_compression"] is None for c in sheet.content["self_care"])
    assert not any(i["kind"] == "self_compression" for i in sheet.content["home_program"])
    text = pdf_text(
        therapist_client.get(reverse("aftercare:pdf", args=[patient.pk, session.pk])).content
    )
    assert "blood thinner" in text and "10 minutes" in text
    assert "Hold each tender spot" not in text


def test_unfinished_session_has_no_sheet_yet(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    session.status = "in_progress"
    session.save()
    page = therapist_client.get(sheet_url(session))
    assert "still in progress" in page.content.decode()
    assert not AftercareSheet.objects.exists()
    with pytest.raises(DomainError) as error:
        aftercare_for_session(actor=therapist, session=session)
    assert error.value.field == "session"


def test_private_link_marks_a_day_and_the_therapist_sees_adherence(client, therapist, patient):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    client.force_login(therapist)
    created = client.post(reverse("aftercare:link_create", args=[patient.pk, session.pk]))
    assert created.status_code == 200
    url = created.context["url"]
    assert "/h/" in url
    client.logout()
    path = url.split("testserver", 1)[1]
    phone = client.get(path)
    assert phone.status_code == 200
    html = phone.content.decode()
    assert "Done today" in html and "24 hours" in html
    today = patient.clinic.today().isoformat()
    done = client.post(path, {"item": "stretch.quadratus_lumborum", "mark": f"{today}|1"})
    assert done.status_code == 302
    assert done.url.endswith("#item-stretch.quadratus_lumborum")
    client.post(path, {"item": "walk", "mark": f"{today}|1"})
    mark = HomeProgramMark.objects.get(item_id="walk")
    assert mark.filled_by_client and mark.day == patient.clinic.today()
    assert "✓ Done today" in client.get(path).content.decode()
    # Undo takes it back.
    client.post(path, {"item": "walk", "mark": f"{today}|0"})
    assert not HomeProgramMark.objects.filter(item_id="walk").exists()
    # The therapist sees it on the sheet page, the client page and the API.
    client.force_login(therapist)
    sheet_page = client.get(sheet_url(session)).content.decode()
    assert "Done today" in sheet_page and "last opened" in sheet_page
    card = client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert "Aftercare and home care" in card and "Stretch: Quadratus lumborum" in card
    api = client.get(f"/api/v1/clients/{patient.pk}/sessions/{session.pk}/homecare/adherence")
    data = api.json()
    assert data["days_any_done"] == 1
    by_id = {i["id"]: i["days_done"] for i in data["items"]}
    assert by_id["stretch.quadratus_lumborum"] == 1 and by_id["walk"] == 0
    # Each tick is in the audit log; the timeline leaves them to the adherence panel.
    ticks = AuditEvent.objects.filter(patient=patient, object_type="HomeProgramMark")
    assert ticks.exists()
    timeline = {e.summary for e in patient_timeline(patient=patient)}
    assert not timeline & set(ticks.values_list("summary", flat=True))


def test_adherence_counts_the_last_seven_days(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    sheet = aftercare_for_session(actor=therapist, session=session)
    today = patient.clinic.today()
    AftercareSheet.objects.filter(pk=sheet.pk).update(
        created_at=timezone.now() - timedelta(days=20)
    )
    sheet.refresh_from_db()
    for back in (0, 1, 2, 4, 6, 9):
        home_mark_done(sheet=sheet, item_id="walk", day=today - timedelta(days=back))
    home_mark_done(sheet=sheet, item_id="stretch.gluteus_medius", day=today - timedelta(days=3))
    data = therapist_client.get(
        f"/api/v1/clients/{patient.pk}/sessions/{session.pk}/homecare/adherence"
    ).json()
    assert data["days_counted"] == 7
    assert data["days_any_done"] == 6
    assert data["summary"] == "Done on 6 of the last 7 days"
    card = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert "Done on 6 of the last 7 days" in card
    assert "Light walk: 5 of 7 days" in card


def test_future_days_days_before_the_sheet_and_unknown_items_are_refused(
    client, therapist, patient
):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    sheet = aftercare_for_session(actor=therapist, session=session)
    _link, token = home_link_create(actor=therapist, sheet=sheet)
    path = reverse("portal:home_program", args=[token])
    tomorrow = (patient.clinic.today() + timedelta(days=1)).isoformat()
    response = client.post(path, {"item": "walk", "mark": f"{tomorrow}|1"})
    assert response.status_code == 400
    assert "future" in response.content.decode()
    with pytest.raises(DomainError) as error:
        home_mark_done(sheet=sheet, item_id="walk", day=patient.clinic.today() - timedelta(days=1))
    assert error.value.field == "day"
    with pytest.raises(DomainError) as error:
        home_mark_done(sheet=sheet, item_id="press.piriformis", day=patient.clinic.today())
    assert error.value.field == "item_id"
    assert "walk" in error.value.suggestions
    assert client.post(path, {"item": "nope", "mark": "garbage"}).status_code == 400
    assert not HomeProgramMark.objects.exists()


def test_expired_and_revoked_links_look_like_not_found(client, therapist, patient):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    sheet = aftercare_for_session(actor=therapist, session=session)
    expired, expired_token = home_link_create(actor=therapist, sheet=sheet)
    expired.private.expires_at = timezone.now() - timedelta(minutes=1)
    expired.private.save()
    revoked, revoked_token = home_link_create(actor=therapist, sheet=sheet)
    home_link_revoke(actor=therapist, link=revoked)
    pages = [
        client.get(reverse("portal:home_program", args=[t]))
        for t in (expired_token, revoked_token, "no-such-token")
    ]
    assert [p.status_code for p in pages] == [404, 404, 404]
    mains = {p.content.decode().split('<main id="main"')[1] for p in pages}
    assert len(mains) == 1 and "does not open a home program" in mains.pop()
    today = patient.clinic.today().isoformat()
    posted = client.post(
        reverse("portal:home_program", args=[revoked_token]), {"item": "walk", "mark": f"{today}|1"}
    )
    assert posted.status_code == 404 and not HomeProgramMark.objects.exists()


def test_revoke_from_the_sheet_page(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    sheet = aftercare_for_session(actor=therapist, session=session)
    link, token = home_link_create(actor=therapist, sheet=sheet)
    url = reverse("aftercare:link_revoke", args=[patient.pk, session.pk, link.pk])
    assert therapist_client.get(url).status_code == 405
    assert therapist_client.post(url).status_code == 302
    therapist_client.logout()
    assert therapist_client.get(reverse("portal:home_program", args=[token])).status_code == 404


def test_front_desk_and_outsiders_cannot_see(client, front_desk, outsider, therapist, patient):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    aftercare_for_session(actor=therapist, session=session)
    urls = [sheet_url(session), reverse("aftercare:pdf", args=[patient.pk, session.pk])]
    api = f"/api/v1/clients/{patient.pk}/sessions/{session.pk}/aftercare"
    client.force_login(front_desk)
    assert [client.get(u).status_code for u in urls] == [403, 403]
    assert client.get(api).status_code == 403
    assert (
        "Aftercare and home care"
        not in client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    )
    client.force_login(outsider)
    assert [client.get(u).status_code for u in urls] == [404, 404]
    assert client.get(api).status_code == 404


def test_api_returns_the_sheet(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    session = finished_session(therapist, patient)
    data = therapist_client.get(
        f"/api/v1/clients/{patient.pk}/sessions/{session.pk}/aftercare"
    ).json()
    assert data["session_number"] == session.number
    assert {g["id"] for g in data["general"]} >= {"water", "walk", "no_heavy_lifting", "soreness"}
    assert any(s["id"] == "seed000" for s in data["sources"])
    assert [c["muscle_id"] for c in data["self_care"]] == ["quadratus_lumborum", "gluteus_medius"]
