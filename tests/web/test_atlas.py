"""The trigger-point atlas outside any client, and the body map's search box."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from myomap_core.knowledge import load_knowledge_base


def _names(html: str, block: str) -> list[str]:
    """Link texts inside the first element of class ``block``."""
    part = html.split(f'class="{block}"', 1)[1].split("</ol>", 1)[0].split("</ul>", 1)[0]
    return re.findall(r">([^<>]+)</a>", part)


def test_index_lists_every_muscle_by_body_area(therapist_client, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(6):
        page = therapist_client.get(reverse("knowledge:atlas"))
    html = page.content.decode()
    assert page.status_code == 200
    for area in ("Head and jaw", "Neck", "Trunk and back", "Pelvis and hip", "Leg and foot"):
        assert area in html
    linked = re.findall(r'href="/knowledge/muscles/([a-z_]+)/"', html)
    assert sorted(linked) == sorted(m.id for m in load_knowledge_base().muscles)


def test_search_by_region_ranks_the_muscles_referring_there(therapist_client):  # type: ignore[no-untyped-def]
    page = therapist_client.get(reverse("knowledge:atlas"), {"q": "inside of the right ankle"})
    html = page.content.decode()
    assert "Muscles that refer pain to Right inner ankle" in html
    ranked = _names(html, "atlas-ranking")
    assert ranked[0] == "Abductor hallucis"
    assert "side=right" in html.split('class="atlas-ranking"')[1]


def test_search_by_name_finds_muscles_and_aliases(therapist_client):  # type: ignore[no-untyped-def]
    html = therapist_client.get(reverse("knowledge:atlas"), {"q": "glut"}).content.decode()
    assert _names(html, "atlas-list") == ["Gluteus maximus", "Gluteus medius", "Gluteus minimus"]
    html = therapist_client.get(reverse("knowledge:atlas"), {"q": "QL"}).content.decode()
    assert _names(html, "atlas-list") == ["Quadratus lumborum"]


def test_unknown_and_ambiguous_searches_offer_choices(therapist_client):  # type: ignore[no-untyped-def]
    atlas_url = reverse("knowledge:atlas")
    html = therapist_client.get(atlas_url, {"q": "skull landmark"}).content.decode()
    assert "No muscle or body region is called “skull landmark”" in html
    assert "Did you mean" in html and "chest" not in html.split("Did you mean")[1][:300].lower()
    html = therapist_client.get(
        reverse("knowledge:atlas"), {"q": "elbow, inside of the"}
    ).content.decode()
    assert "could mean more than one region" in html
    assert "Inner elbow" in html and "Front of the elbow" in html
    html = therapist_client.get(reverse("knowledge:atlas"), {"q": "x" * 500}).content.decode()
    assert "Search at most 120 characters" in html


def test_the_atlas_is_for_clinicians(client: Client, front_desk):  # type: ignore[no-untyped-def]
    assert client.get(reverse("knowledge:atlas")).status_code == 302
    client.force_login(front_desk)
    assert client.get(reverse("knowledge:atlas")).status_code == 403


def test_muscle_page_marks_each_trigger_point_on_the_chosen_side(therapist_client):  # type: ignore[no-untyped-def]
    html = therapist_client.get(
        reverse("knowledge:muscle", args=["gluteus_minimus"]), {"side": "right"}
    ).content.decode()
    marks = re.findall(r'class="tp-mark" d="([^"]+)"><title>Trigger point: ([^<]+)</title>', html)
    assert sorted(label for _, label in marks) == [
        "Anterior part, below the front of the crest",
        "Posterior part, above the piriformis",
    ]
    # Drawn on the client's right: on the back view, the right is the viewer's right half.
    back = html.split('aria-label="Back of the body"')[1]
    x = float(back.split('class="tp-mark" d="M')[1].split(" ")[0])
    assert x > 100


def test_the_whole_ranking_is_one_tap_away(therapist_client):  # type: ignore[no-untyped-def]
    html = therapist_client.post(
        reverse("knowledge:candidates"),
        {"i_lower_buttock_left": "6", "q_lower_buttock_left": "aching",
         "i_posterior_thigh_left": "4", "q_posterior_thigh_left": "tingling"},
    ).content.decode()  # fmt: skip
    featured, rest = html.split('class="candidate-rest"')
    assert featured.count("<details>") == 6
    assert "Show all" in rest
    assert "Piriformis" in html


def test_the_body_map_search_box_reads_any_wording(client: Client):  # type: ignore[no-untyped-def]
    url = reverse("knowledge:resolve_region")
    found = client.get(url, {"q": "inside of the right ankle"})
    assert found.status_code == 200
    assert found.json() == {"regions": ["medial_ankle_right"], "labels": ["Right inner ankle"]}
    assert client.get(url, {"q": "both heels"}).json()["regions"] == ["heel_left", "heel_right"]
    unknown = client.get(url, {"q": "blorp"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "q"
    ambiguous = client.get(url, {"q": "elbow, inside of the"}).json()
    assert set(ambiguous["suggestions"]) == {"Front of the elbow", "Inner elbow"}
    assert client.get(url, {"q": ""}).status_code == 422
    assert client.get(url, {"q": "a" * 121}).status_code == 422
    assert client.post(url, {"q": "heel"}).status_code == 405
