"""The home program the therapist curates: the editor page, the API and the client's ticks."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from myomap.aftercare.models import AftercareSheet, HomeProgramMark
from myomap.aftercare.services import aftercare_for_session, home_link_create
from myomap.common.models import AuditEvent
from tests.web.scoped.aftercare import finished_session
from tests.web.scoped.screening import screen_client
from tests.web.test_query_ceilings import WRITES

pytestmark = pytest.mark.django_db

PROPOSED = [
    "stretch.quadratus_lumborum",
    "press.quadratus_lumborum",
    "stretch.gluteus_medius",
    "press.gluteus_medius",
    "walk",
]


@pytest.fixture
def sheet(therapist, patient) -> AftercareSheet:  # type: ignore[no-untyped-def]
    return aftercare_for_session(actor=therapist, session=finished_session(therapist, patient))


def page_url(sheet: AftercareSheet) -> str:
    return reverse("aftercare:program", args=[sheet.patient_id, sheet.session_id])


def api_url(sheet: AftercareSheet, item_id: str = "") -> str:
    base = f"/api/v1/clients/{sheet.patient_id}/sessions/{sheet.session_id}/homecare/program"
    return f"{base}/{item_id}" if item_id else base


def ids(sheet: AftercareSheet) -> list[str]:
    sheet.refresh_from_db()
    return sheet.item_ids


def client_page(client, sheet: AftercareSheet, therapist) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    _link, token = home_link_create(actor=therapist, sheet=sheet)
    path = reverse("portal:home_program", args=[token])
    return path, client.get(path).content.decode()


def test_the_editor_lists_the_proposed_items_with_their_safe_ranges(  # type: ignore[no-untyped-def]
    therapist_client, sheet, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = therapist_client.get(page_url(sheet))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Stretch: Quadratus lumborum") < html.index("Light walk")
    assert "safe: 30–60" in html and "safe: 1–3" in html
    assert html.count('value="up"') == 5 and html.count('value="remove"') == 5
    assert ids(sheet) == PROPOSED


def test_remove_add_reword_and_reorder_through_the_page_reach_the_client_at_once(  # type: ignore[no-untyped-def]
    therapist_client, client, therapist, sheet
):
    url = page_url(sheet)
    removed = therapist_client.post(url, {"action": "remove", "item": "walk"})
    assert removed.status_code == 302 and removed["Location"].endswith("#program")
    assert ids(sheet) == PROPOSED[:4]
    assert [i["id"] for i in sheet.set_aside] == ["walk"]
    added = therapist_client.post(
        url, {"action": "add", "kind": "stretch", "muscle_id": "piriformis"}
    )
    assert added.status_code == 302
    assert ids(sheet)[-1] == "stretch.piriformis"
    changed = therapist_client.post(
        url,
        {
            "action": "change",
            "item": "stretch.piriformis",
            "title": "Seat stretch",
            "what": "Sit, cross your ankle over your knee and lean forward a little.",
            "times": "2",
            "per": "day",
            "duration_s": "45",
            "repetitions": "3",
        },
    )
    assert changed.status_code == 302 and changed["Location"].endswith("#item-stretch.piriformis")
    for _ in range(5):  # moving past the top changes nothing more
        therapist_client.post(url, {"action": "up", "item": "stretch.piriformis"})
    assert ids(sheet)[0] == "stretch.piriformis"
    therapist_client.post(url, {"action": "down", "item": "press.gluteus_medius"})
    assert ids(sheet)[-1] == "press.gluteus_medius"
    item = sheet.items[0]
    assert (item["times"], item["per"], item["duration_s"], item["repetitions"]) == (
        2,
        "day",
        45,
        3,
    )
    assert item["how_often"] == "Twice a day" and item["how_long"] == "Hold 45 seconds, 3 times"
    _path, html = client_page(client, sheet, therapist)
    assert "Seat stretch" in html and "lean forward a little" in html and "Light walk" not in html
    assert html.index("Seat stretch") < html.index("Stretch: Quadratus lumborum")
    summaries = list(
        AuditEvent.objects.filter(summary__startswith="Home program of session").values_list(
            "summary", flat=True
        )
    )
    assert any("removed Light walk" in s for s in summaries)
    assert any("added Stretch: Piriformis" in s for s in summaries)
    assert any("Seat stretch renamed; reworded; twice a day" in s for s in summaries)


def test_a_dose_outside_the_safe_range_is_refused_beside_each_field(  # type: ignore[no-untyped-def]
    therapist_client, sheet
):
    before = sheet.content
    response = therapist_client.post(
        page_url(sheet),
        {
            "action": "change",
            "item": "stretch.gluteus_medius",
            "title": "Stretch",
            "what": "Gently.",
            "times": "3",
            "per": "day",
            "duration_s": "120",
            "repetitions": "2",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "3 is outside the safe range for stretch, a day (1 to 2)" in html
    assert "120 is outside the safe range for stretch seconds (30 to 60)" in html
    field = html.index('id="n-stretch.gluteus_medius"')
    beside = html.index("3 is outside the safe range", field)  # after the summary at the top
    assert beside < html.index('id="p-stretch.gluteus_medius"')
    assert 'value="120"' in html  # what was typed stays in the form
    sheet.refresh_from_db()
    assert sheet.content == before


def test_bad_page_input_names_the_field(therapist_client, sheet):  # type: ignore[no-untyped-def]
    url = page_url(sheet)
    before = sheet.content
    unknown = therapist_client.post(
        url, {"action": "add", "kind": "stretch", "muscle_id": "quadratus"}
    )
    assert unknown.status_code == 400 and "Unknown muscle" in unknown.content.decode()
    twice = therapist_client.post(
        url, {"action": "add", "kind": "stretch", "muscle_id": "gluteus_medius"}
    )
    assert "Is already in the home program" in twice.content.decode()
    garbled = therapist_client.post(
        url, {"action": "change", "item": "walk", "times": "two", "title": "Walk", "what": "x"}
    )
    assert garbled.status_code == 400 and "Must be a whole number" in garbled.content.decode()
    bracket = therapist_client.post(
        url,
        {"action": "change", "item": "walk", "times": "1", "duration_s": "600"}
        | {"title": "Walk [seed000]", "what": "Walk."},
    )
    assert "Square brackets are not allowed" in bracket.content.decode()
    sheet.refresh_from_db()
    assert sheet.content == before


def test_self_compression_is_added_only_where_the_screening_allows_it(  # type: ignore[no-untyped-def]
    therapist_client, therapist, patient
):
    screen_client(therapist, patient, {"anticoagulant": "yes"})
    session = finished_session(
        therapist, patient, steps=(("quadratus_lumborum", "left", "positional_release", 0),)
    )
    sheet = aftercare_for_session(actor=therapist, session=session)
    response = therapist_client.post(
        api_url(sheet), {"kind": "self_compression", "muscle_id": "piriformis"}, "application/json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "kind"
    assert "blood thinner" in response.json()["error"]["message"]
    assert not any(i.startswith("press.") for i in ids(sheet))


def test_the_api_makes_the_same_edits(therapist_client, sheet):  # type: ignore[no-untyped-def]
    listed = therapist_client.get(api_url(sheet)).json()
    assert [i["id"] for i in listed["items"]] == PROPOSED
    assert (
        listed["items"][1]["starts_on"]
        == (timezone.localdate(sheet.created_at) + timedelta(days=1)).isoformat()
    )
    added = therapist_client.post(
        api_url(sheet), {"kind": "stretch", "muscle_id": "piriformis"}, "application/json"
    )
    assert added.status_code == 201 and added.json()["items"][-1]["id"] == "stretch.piriformis"
    refused = therapist_client.patch(
        api_url(sheet, "stretch.piriformis"),
        {"times": 3, "repetitions": 9},
        "application/json",
    )
    assert refused.status_code == 422
    problems = refused.json()["error"]["problems"]
    assert [p["field"] for p in problems] == ["times", "repetitions"]
    assert "safe range" in problems[1]["message"]
    changed = therapist_client.patch(
        api_url(sheet, "stretch.piriformis"),
        {"what": "Lean forward gently.", "times": 2, "move": "up"},
        "application/json",
    )
    assert changed.status_code == 200
    assert [i["id"] for i in changed.json()["items"]][-2:] == ["stretch.piriformis", "walk"]
    sheet.refresh_from_db()
    moved = sheet.items[-2]
    assert moved["what"] == "Lean forward gently." and moved["how_often"] == "Twice a day"
    gone = therapist_client.delete(api_url(sheet, "walk"))
    assert gone.status_code == 200 and [i["id"] for i in gone.json()["set_aside"]] == ["walk"]
    missing = therapist_client.delete(api_url(sheet, "walk"))
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "item_id"
    bad_move = therapist_client.patch(
        api_url(sheet, "stretch.piriformis"), {"move": "left"}, "application/json"
    )
    assert bad_move.status_code == 422 and bad_move.json()["error"]["field"] == "move"
    assert ids(sheet)[-1] == "stretch.piriformis"


def test_twice_a_day_ticks_twice_and_an_item_starting_tomorrow_not_today(  # type: ignore[no-untyped-def]
    therapist_client, client, therapist, sheet
):
    therapist_client.patch(
        api_url(sheet, "stretch.gluteus_medius"), {"times": 2}, "application/json"
    )
    path, html = client_page(client, sheet, therapist)
    assert "Starts " in html  # self-compression starts the day after the session
    today = sheet.clinic.today().isoformat()
    for _ in range(2):
        ok = client.post(path, {"item": "stretch.gluteus_medius", "mark": f"{today}|1"})
        assert ok.status_code == 302
    third = client.post(path, {"item": "stretch.gluteus_medius", "mark": f"{today}|1"})
    assert third.status_code == 400 and "Already done twice that day" in third.content.decode()
    assert HomeProgramMark.objects.get(item_id="stretch.gluteus_medius").count == 2
    html = client.get(path).content.decode()
    assert "Done today (2 of 2)" in html
    early = client.post(path, {"item": "press.gluteus_medius", "mark": f"{today}|1"})
    assert early.status_code == 400 and "earlier days cannot be ticked" in early.content.decode()
    assert not HomeProgramMark.objects.filter(item_id="press.gluteus_medius").exists()
    client.post(path, {"item": "stretch.gluteus_medius", "mark": f"{today}|0"})
    assert HomeProgramMark.objects.get(item_id="stretch.gluteus_medius").count == 1


def test_the_clients_today_is_the_clinics_day_not_the_servers(  # type: ignore[no-untyped-def]
    client, therapist, sheet
):
    """At 13:00 UTC it is already the next day in Auckland: the client ticks that day."""
    clinic = sheet.clinic
    clinic.timezone = "Pacific/Auckland"
    clinic.save()
    moment = timezone.now().replace(hour=13, minute=0, second=0, microsecond=0)
    AftercareSheet.objects.filter(pk=sheet.pk).update(created_at=moment - timedelta(hours=2))
    sheet.refresh_from_db()
    auckland_day = moment.astimezone(clinic.zone).date()
    assert auckland_day == moment.date() + timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        path, html = client_page(client, sheet, therapist)
        assert f"Today, {auckland_day:%A %-d %B}" in html
        ticked = client.post(path, {"item": "walk", "mark": f"{auckland_day}|1"})
    assert ticked.status_code == 302
    assert HomeProgramMark.objects.get(item_id="walk").day == auckland_day
    assert timezone.get_current_timezone_name() == "UTC"  # no request leaves its zone behind


def test_front_desk_cannot_edit_and_another_clinic_gets_404(  # type: ignore[no-untyped-def]
    client, front_desk, outsider, sheet
):
    before = sheet.content
    client.force_login(front_desk)
    assert client.post(page_url(sheet), {"action": "remove", "item": "walk"}).status_code == 403
    client.force_login(outsider)
    assert client.delete(api_url(sheet, "walk")).status_code == 404
    assert client.get(page_url(sheet)).status_code == 404
    sheet.refresh_from_db()
    assert sheet.content == before


def test_each_edit_stays_under_its_query_ceiling(  # type: ignore[no-untyped-def]
    therapist_client, sheet, django_assert_max_num_queries
):
    edits = {
        "api:homecare_item_add": lambda: therapist_client.post(
            api_url(sheet), {"kind": "stretch", "muscle_id": "piriformis"}, "application/json"
        ),
        "api:homecare_item_change": lambda: therapist_client.patch(
            api_url(sheet, "walk"), {"what": "Walk slowly."}, "application/json"
        ),
        "api:homecare_item_remove": lambda: therapist_client.delete(api_url(sheet, "walk")),
    }
    for name, edit in edits.items():
        with django_assert_max_num_queries(WRITES[name]):  # type: ignore[arg-type]
            assert edit().status_code in (200, 201), name
    with django_assert_max_num_queries(WRITES["api:homecare_item_change"]):  # type: ignore[arg-type]
        posted = therapist_client.post(
            page_url(sheet), {"action": "down", "item": "press.gluteus_medius"}
        )
    assert posted.status_code == 302
    assert ids(sheet) == [*PROPOSED[:3], "stretch.piriformis", "press.gluteus_medius"]
