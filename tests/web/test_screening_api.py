"""``POST /api/v1/screening`` and ``GET /api/v1/screening/questions``."""

from __future__ import annotations

from typing import Any

from myomap_core import screening


def _post(client: Any, body: object, raw: str | None = None) -> Any:
    import json

    return client.post(
        "/api/v1/screening",
        raw if raw is not None else json.dumps(body),
        content_type="application/json",
    )


def test_red_flag_gives_emergency_with_findings_and_precautions(therapist_client):  # type: ignore[no-untyped-def]
    response = _post(
        therapist_client,
        {
            "age": 52,
            "sex": "female",
            "answers": {
                "saddle_numbness": True,
                "anticoagulant": True,
                "surgery_recent": True,
                "surgery_weeks_ago": 3,
                "surgery_site": "left knee",
            },
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "emergency"
    assert body["requires_clearance"] is True
    assert "emergency" in body["instruction"].lower()
    ids = [f["rule_id"] for f in body["findings"]]
    assert ids[0] == "cauda_equina"
    assert {"bleeding_risk", "recent_surgery"} <= set(ids)
    first = body["findings"][0]
    assert first["triggered_by"] == [
        {
            "question": "saddle_numbness",
            "text": screening.question("saddle_numbness").text,
            "answer": True,
        }
    ]
    assert first["source_label"] and first["why"] and first["ask_physician"]
    precautions = body["precautions"]
    assert precautions["max_pressure_kg"] == 2.0
    assert "ischemic_compression" in precautions["techniques_not_allowed"]
    assert "anterior_knee_left" in precautions["regions_to_avoid"]
    assert "anterior_knee_right" not in precautions["regions_to_avoid"]


def test_missing_answers_are_listed_as_unknown_not_treated_as_no(therapist_client):  # type: ignore[no-untyped-def]
    response = _post(therapist_client, {"age": 40, "answers": {"fever": False}})
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "treat"
    assert body["complete"] is False
    assert "saddle_numbness" in body["unknown"]
    assert "fever" not in body["unknown"]
    assert "cauda_equina" in [f["rule_id"] for f in body["possible"]]


def test_every_bad_entry_is_named_with_suggestions(therapist_client):  # type: ignore[no-untyped-def]
    response = _post(
        therapist_client,
        {
            "age": 200,
            "answers": {"sadle_numbness": True, "fever": "yes", "surgery_weeks_ago": -1},
        },
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    fields = [p["field"] for p in error["problems"]]
    assert fields == [
        "age",
        "answers.sadle_numbness",
        "answers.fever",
        "answers.surgery_weeks_ago",
    ]
    assert error["field"] == "age"
    assert "saddle_numbness" in error["problems"][1]["message"]
    assert "out of range" in error["problems"][3]["message"]


def test_contradictory_answers_are_refused_naming_each_question(therapist_client):  # type: ignore[no-untyped-def]
    response = _post(
        therapist_client,
        {
            "age": 30,
            "sex": "male",
            "answers": {
                "pregnant": True,
                "back_pain_over_3_months": True,
                "back_pain_start_age": 45,
            },
        },
    )
    assert response.status_code == 422
    problems = response.json()["error"]["problems"]
    assert [p["field"] for p in problems] == ["answers.pregnant", "answers.back_pain_start_age"]
    assert "male" in problems[0]["message"] and "30" in problems[1]["message"]


def test_a_new_warning_family_is_screened_through_the_api(therapist_client):  # type: ignore[no-untyped-def]
    response = _post(
        therapist_client,
        {"age": 40, "sex": "female", "answers": {"dizziness": True, "nausea_new": True}},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "emergency"
    assert "cervical_arterial_combination" in [f["rule_id"] for f in body["findings"]]
    assert "anterior_neck" in body["precautions"]["regions_to_avoid"]


def test_a_body_that_is_not_a_json_object_is_refused(therapist_client):  # type: ignore[no-untyped-def]
    assert _post(therapist_client, None, raw="{not json").status_code == 400
    response = _post(therapist_client, [1, 2])
    assert response.status_code == 400
    assert "JSON object" in response.json()["error"]["message"]


def test_questions_are_listed_in_form_order(therapist_client):  # type: ignore[no-untyped-def]
    response = therapist_client.get("/api/v1/screening/questions")
    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows] == [q.id for q in screening.questions()]
    assert {"id", "text", "type", "pathology", "source", "group", "follow_up_of"} <= set(rows[0])


def test_screening_needs_a_login(client):  # type: ignore[no-untyped-def]
    response = _post(client, {"answers": {}})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
