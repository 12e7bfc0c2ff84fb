"""Referral candidates beside the body map, the muscle page and the referral API."""

from __future__ import annotations

import json
from html import unescape

from django.urls import reverse

from myomap.intake.services import pain_map_record
from myomap_core.pain import pain_marks


def test_api_ranks_sources_for_free_text_regions(therapist_client):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        "/api/v1/referral",
        {
            "regions": ["SI joint", {"region": "upper buttock", "intensity": 7}],
            "side": "left",
            "top": 5,
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert {r["id"] for r in body["regions"]} == {"sacroiliac_left", "upper_buttock_left"}
    assert len(body["candidates"]) == 5
    first = body["candidates"][0]
    assert {
        "muscle_id",
        "name",
        "score",
        "matched",
        "trigger_points",
        "palpation",
        "check_next",
    } <= set(first)
    scores = [c["score"] for c in body["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert "gluteus_medius" in [c["muscle_id"] for c in body["candidates"]]


def test_api_names_the_unknown_region_and_close_ones(therapist_client):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        "/api/v1/referral", {"regions": ["sacrum", "elbo"]}, content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "regions[1]"
    assert "elbo" in error["message"] and "closest" in error["message"]


def test_api_refuses_out_of_range_intensity(therapist_client):  # type: ignore[no-untyped-def]
    response = therapist_client.post(
        "/api/v1/referral",
        {"regions": [{"region": "sacrum", "intensity": 11}]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "intensity" in response.json()["error"]["field"]


def test_live_candidates_follow_the_marked_regions(therapist_client):  # type: ignore[no-untyped-def]
    fragment = therapist_client.post(
        reverse("knowledge:candidates"),
        {
            "i_heel_right": "7",
            "q_heel_right": "stabbing",
            "i_arch_right": "5",
            "q_arch_right": "aching",
        },
    )
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "Likely sources of this pain" in html
    # both refer to the heel; a neck muscle refers to neither marked region
    assert "Soleus" in html and "Quadratus plantae" in html
    assert "Upper trapezius" not in html
    pattern = json.loads(unescape(html.split("data-pattern='")[1].split("'")[0]))
    assert set(pattern.values()) <= {"essential", "spillover"}
    empty = therapist_client.post(reverse("knowledge:candidates"), {})
    assert b"Mark painful regions" in empty.content


def test_front_desk_gets_no_clinical_reasoning(client, front_desk):  # type: ignore[no-untyped-def]
    client.force_login(front_desk)
    assert (
        client.post(
            reverse("knowledge:candidates"), {"i_sacrum": "5", "q_sacrum": "aching"}
        ).status_code
        == 403
    )


def test_client_page_explains_the_latest_pain_map(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    pain_map_record(
        actor=therapist,
        patient=patient,
        marks=pain_marks([("sacroiliac_left", 7, "aching"), ("upper_buttock_left", 5, "aching")]),
    )
    page = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert "Likely sources of this pain" in page
    assert "Gluteus medius" in page
    assert "Palpate:" in page


def test_muscle_page_draws_the_pattern_and_names_sources(therapist_client):  # type: ignore[no-untyped-def]
    page = therapist_client.get(
        reverse("knowledge:muscle", args=["quadratus_lumborum"]), {"side": "right"}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Quadratus lumborum" in html
    assert "pattern-essential" in html
    assert 'data-region="sacroiliac_right"' in html
    assert "Travell" in html
    assert "Extremities. Baltimore: Williams &amp; Wilkins; 1992. ch. 4." in html
    trunk = therapist_client.get(reverse("knowledge:muscle", args=["multifidus"])).content.decode()
    assert "Williams &amp; Wilkins; 1999. p. 917." in trunk
    assert (
        therapist_client.get(reverse("knowledge:muscle", args=["no_such_muscle"])).status_code
        == 404
    )
