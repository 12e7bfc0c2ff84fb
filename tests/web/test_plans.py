"""The treatment plan: proposed from the screening and the assessment, edited by the therapist
within the safe ranges, on the page (with and without HTMX) and through the API."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from myomap.assessments.services import (
    assessment_start,
    palpation_finding_add,
    palpation_tap,
)
from myomap.common.models import AuditEvent
from myomap.plans.models import Plan, PlanStatus, PlanStep
from myomap.plans.selectors import active_plan
from myomap_core.planning import PRESSURE_MAX_LB
from myomap_core.pressure import KGF_PER_LBF
from tests.web.scoped.screening import emergency_answers, screen_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("screened")]


def assess(therapist, patient):  # type: ignore[no-untyped-def]
    """Two active trigger points that reproduce the pain, one in the buttock (very tender:
    positional release), one in the back (compression)."""
    assessment = assessment_start(actor=therapist, patient=patient)
    for muscle, point, side, tenderness in (
        ("piriformis", "lateral", "right", 3),
        ("quadratus_lumborum", "superficial_lower", "left", 2),
    ):
        finding = palpation_finding_add(
            actor=therapist,
            assessment=assessment,
            muscle_id=muscle,
            trigger_point=point,
            side=side,
        )
        taps = ("active:1", "taut_band", "referral_reproduced", f"tenderness:{tenderness}")
        for tap in taps:
            palpation_tap(actor=therapist, finding=finding, tap=tap)
    return assessment


def screen(therapist, patient, answers):  # type: ignore[no-untyped-def]
    return screen_client(therapist, patient, answers)


def propose(client: Client, patient):  # type: ignore[no-untyped-def]
    return client.post(reverse("plans:propose", args=[patient.pk]))


def plan_url(plan: Plan, name: str = "plans:detail", step: PlanStep | None = None) -> str:
    args = [plan.patient_id, plan.pk] + ([step.pk] if step is not None else [])
    return reverse(name, args=args)


def api(client: Client, method: str, path: str, body: dict | None = None):  # type: ignore[no-untyped-def,type-arg]
    if method == "get":
        return client.get("/api/v1" + path)
    return getattr(client, method)(
        "/api/v1" + path, data=json.dumps(body or {}), content_type="application/json"
    )


def steps(plan: Plan) -> list[PlanStep]:
    return list(PlanStep.objects.filter(plan=plan).order_by("order"))


def edit_data(step: PlanStep, **changes: object) -> dict[str, object]:
    data = {
        "side": step.side,
        "technique": step.technique,
        "pressure_min_kg": step.pressure_min_kg if step.pressure_min_kg is not None else "",
        "pressure_max_kg": step.pressure_max_kg if step.pressure_max_kg is not None else "",
        "contact": step.contact,
        "hold_s": step.hold_s if step.hold_s is not None else "",
        "repetitions": step.repetitions,
        "duration_s": step.duration_s if step.duration_s is not None else "",
        "contract_s": step.contract_s if step.contract_s is not None else "",
        "body_position": step.body_position,
    }
    data.update(changes)
    return data


def compression(plan: Plan) -> PlanStep:
    return next(s for s in steps(plan) if s.technique == "ischemic_compression")


# --- Proposal ----------------------------------------------------------------------------


def test_a_plan_is_proposed_from_the_assessment_with_steps_and_coverage(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    response = propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    assert response.status_code == 302 and response.url == plan_url(plan)
    rows = steps(plan)
    assert [s.order for s in rows] == list(range(1, len(rows) + 1))
    treated = {(s.muscle_id, s.side) for s in rows}
    assert ("piriformis", "right") in treated and ("quadratus_lumborum", "left") in treated
    assert all(s.reasons for s in rows), "every step says why it is there"

    page = therapist_client.get(plan_url(plan)).content.decode()
    assert "Piriformis" in page and "Quadratus lumborum" in page
    assert "Course of care" in page and f"<strong>{plan.initial_sessions}</strong> sessions" in page
    coverage = page.split('id="coverage"')[1].split("</section>")[0]
    assert "Trigger points" in coverage and "Yes" in coverage
    assert "Not covered" not in coverage
    # Pressure is shown in kg and lb, with the contact.
    first = compression(plan)
    assert f"{first.pressure_max_kg / KGF_PER_LBF:.1f} lb" in page
    assert f"with the {first.contact}" in page

    audit = AuditEvent.objects.filter(patient=patient, object_type="Plan").latest("id")
    assert audit.summary.startswith("Proposed a treatment plan from the assessment of")
    assert f"{len(rows)} steps" in audit.summary


def test_a_new_proposal_replaces_the_active_plan(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    propose(therapist_client, patient)
    first = active_plan(patient)
    therapist_client.post(reverse("plans:propose", args=[patient.pk]), {"session_minutes": 90})
    second = active_plan(patient)
    assert first is not None and second is not None and first.pk != second.pk
    assert (first.session_minutes, second.session_minutes) == (60, 90)
    first.refresh_from_db()
    assert first.status == PlanStatus.ARCHIVED
    old_page = therapist_client.get(plan_url(first)).content.decode()
    assert "This plan has been replaced" in old_page
    assert "Change step" not in old_page
    # The replaced plan cannot be changed.
    step = steps(first)[0]
    before = step.repetitions
    response = therapist_client.post(
        plan_url(first, "plans:step_update", step), edit_data(step, repetitions=before + 1)
    )
    assert response.status_code == 400
    assert "replaced by a newer one" in response.content.decode()
    step.refresh_from_db()
    assert step.repetitions == before


def test_without_an_assessment_the_card_and_the_refusal_say_so(therapist_client, patient):  # type: ignore[no-untyped-def]
    card = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert "A plan is proposed from an assessment" in card
    response = propose(therapist_client, patient)
    assert Plan.objects.filter(patient=patient).count() == 0
    page = therapist_client.get(response.url).content.decode()
    assert "No assessment yet" in page
    answer = api(therapist_client, "post", f"/clients/{patient.pk}/plans")
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "assessment"


def test_a_client_waiting_for_clearance_gets_no_plan(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    screen(therapist, patient, emergency_answers())
    card = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    section = card.split('id="plan-card"')[1].split("</section>")[0]
    assert "Emergency" in section
    assert "Propose plan" not in section

    response = propose(therapist_client, patient)
    assert Plan.objects.filter(patient=patient).count() == 0
    assert response.url.startswith(reverse("screening:now", args=[patient.pk]))
    page = therapist_client.get(response.url).content.decode()
    assert "Not done: hands-on work is on hold" in page and "Emergency: do not treat" in page

    answer = api(therapist_client, "post", f"/clients/{patient.pk}/plans")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "treatment_on_hold"
    assert answer.json()["error"]["hold"] == "emergency"
    assert "Emergency" in answer.json()["error"]["message"]
    assert Plan.objects.filter(patient=patient).count() == 0


def test_blood_thinners_rule_out_compression_and_cap_the_pressure(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    screen(therapist, patient, {"anticoagulant": "yes"})
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    rows = steps(plan)
    assert rows, "a gentle plan is still proposed"
    assert all(s.technique not in ("ischemic_compression", "cross_fibre_friction") for s in rows)
    assert all(s.pressure_max_kg is None or s.pressure_max_kg <= 2.0 for s in rows)

    page = therapist_client.get(plan_url(plan)).content.decode()
    precautions = page.split('id="precautions"')[1].split("</section>")[0]
    assert "Pressure at most 2.0 kg (4.4 lb)" in precautions
    assert "ischaemic compression" in precautions

    # Adding a compression step is refused next to the technique, and nothing is stored.
    before = len(rows)
    response = therapist_client.post(
        plan_url(plan, "plans:step_add"),
        {"muscle_id": "gluteus_medius", "technique": "ischemic_compression", "side": "left"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    bound = html.split('class="plan-add-bound"')[1]
    technique = bound.split("plan-field-technique")[1].split("</div>")[0]
    assert "ruled out by the screening precautions" in technique
    assert PlanStep.objects.filter(plan=plan).count() == before
    answer = api(
        therapist_client,
        "post",
        f"/clients/{patient.pk}/plans/{plan.pk}/steps",
        {"muscle_id": "gluteus_medius", "technique": "ischemic_compression"},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "technique"
    assert PlanStep.objects.filter(plan=plan).count() == before


# --- Bad input: the safe ranges ----------------------------------------------------------


def test_a_hold_of_120_seconds_is_refused_naming_hold_s(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    step = compression(plan)
    hold = step.hold_s
    last_event = AuditEvent.objects.latest("id").pk

    response = therapist_client.post(
        plan_url(plan, "plans:step_update", step), edit_data(step, hold_s=120)
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = html.split(f'id="s{step.pk}-hold_s-error"')[1].split("</ul>")[0]
    assert "90" in field
    assert f'id="s{step.pk}-hold_s"' in html and 'aria-invalid="true"' in html
    step.refresh_from_db()
    assert step.hold_s == hold
    # With HTMX the refusal comes back in place, beside the field.
    response = therapist_client.post(
        plan_url(plan, "plans:step_update", step),
        edit_data(step, hold_s=120),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="plan-body">')
    assert f'id="s{step.pk}-hold_s-error"' in html
    assert '<details class="plan-edit" open>' in html

    answer = api(
        therapist_client,
        "patch",
        f"/clients/{patient.pk}/plans/{plan.pk}/steps/{step.pk}",
        {"hold_s": 120},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "hold_s"
    added = api(
        therapist_client,
        "post",
        f"/clients/{patient.pk}/plans/{plan.pk}/steps",
        {"muscle_id": "gluteus_medius", "technique": "ischemic_compression", "hold_s": 120},
    )
    assert added.status_code == 400 and added.json()["error"]["field"] == "hold_s"
    step.refresh_from_db()
    assert step.hold_s == hold
    assert PlanStep.objects.filter(plan=plan).count() == len(steps(plan))
    # Only the reads were logged: no change was recorded.
    assert not AuditEvent.objects.filter(pk__gt=last_event, action="update").exists()


def test_pressure_above_the_cap_is_refused(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    step = compression(plan)
    too_much = round(PRESSURE_MAX_LB * KGF_PER_LBF + 1, 1)
    response = therapist_client.post(
        plan_url(plan, "plans:step_update", step),
        edit_data(step, pressure_max_kg=too_much),
    )
    assert response.status_code == 400
    assert f'id="s{step.pk}-pressure_max_kg-error"' in response.content.decode()
    step.refresh_from_db()
    assert step.pressure_max_kg != too_much

    # A new step in pounds too: 14 lb is above the 12 lb ceiling; 8–10 lb is fine.
    count = PlanStep.objects.filter(plan=plan).count()
    add = {"muscle_id": "gluteus_medius", "technique": "ischemic_compression"}
    response = therapist_client.post(
        plan_url(plan, "plans:step_add"),
        {**add, "pressure_unit": "lb", "pressure_min_kg": 10, "pressure_max_kg": 14},
    )
    assert response.status_code == 400
    assert 'id="add-pressure_max_kg-error"' in response.content.decode()
    assert PlanStep.objects.filter(plan=plan).count() == count
    response = therapist_client.post(
        plan_url(plan, "plans:step_add"),
        {**add, "pressure_unit": "lb", "pressure_min_kg": 8, "pressure_max_kg": 10},
    )
    assert response.status_code == 302
    added = steps(plan)[-1]
    assert (added.pressure_min_kg, added.pressure_max_kg) == (
        round(8 * KGF_PER_LBF, 2),
        round(10 * KGF_PER_LBF, 2),
    )

    # A precaution's lower cap (osteoporosis: 3 kg) applies to a step being changed.
    screen(therapist, patient, {"osteoporosis": "yes", "osteoporosis_severe": "no"})
    answer = api(
        therapist_client,
        "patch",
        f"/clients/{patient.pk}/plans/{plan.pk}/steps/{step.pk}",
        {"pressure_min_kg": 3.0, "pressure_max_kg": 3.5},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == "pressure_max_kg"
    ok = api(
        therapist_client,
        "patch",
        f"/clients/{patient.pk}/plans/{plan.pk}/steps/{step.pk}",
        {"pressure_min_kg": 2.5, "pressure_max_kg": 3.0},
    )
    assert ok.status_code == 200, ok.json()
    step.refresh_from_db()
    assert (step.pressure_min_kg, step.pressure_max_kg) == (2.5, 3.0)


# --- Editing -----------------------------------------------------------------------------


def test_a_step_is_changed_and_the_change_is_logged(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    step = compression(plan)
    response = therapist_client.post(
        plan_url(plan, "plans:step_update", step), edit_data(step, hold_s=75, repetitions=2)
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.hold_s, step.repetitions) == (75, 2)
    audit = AuditEvent.objects.filter(patient=patient, object_type="PlanStep").latest("id")
    assert f"Changed treatment plan step {step.order}" in audit.summary
    assert "→ 75" in audit.summary


def test_steps_are_reordered(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    first, second = steps(plan)[:2]
    response = therapist_client.post(
        plan_url(plan, "plans:step_move", first), {"direction": "down"}
    )
    assert response.status_code == 302
    assert [s.pk for s in steps(plan)[:2]] == [second.pk, first.pk]

    # With HTMX the steps come back in place, in the new order.
    response = therapist_client.post(
        plan_url(plan, "plans:step_move", first), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="plan-body">')
    assert html.index(f'id="step-{first.pk}"') < html.index(f'id="step-{second.pk}"')

    last = steps(plan)[-1]
    answer = api(
        therapist_client,
        "patch",
        f"/clients/{patient.pk}/plans/{plan.pk}/steps/{last.pk}",
        {"order": 1},
    )
    assert answer.status_code == 200
    assert answer.json()["steps"][0]["id"] == last.pk
    assert [s["order"] for s in answer.json()["steps"]] == list(
        range(1, len(answer.json()["steps"]) + 1)
    )


def test_removing_the_only_step_for_an_element_warns_that_it_is_not_covered(
    therapist_client, therapist, patient
):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    count = len(steps(plan))
    victim = steps(plan)[0]
    response = therapist_client.post(plan_url(plan, "plans:step_remove", victim))
    assert response.status_code == 302
    remaining = steps(plan)
    assert len(remaining) == count - 1
    assert [s.order for s in remaining] == list(range(1, count))
    assert "Removed step 1 from the treatment plan" in (
        AuditEvent.objects.filter(patient=patient, object_type="Plan").latest("id").summary
    )
    # Remove everything left: the elements found are no longer addressed.
    for s in remaining:
        api(therapist_client, "delete", f"/clients/{patient.pk}/plans/{plan.pk}/steps/{s.pk}")
    assert PlanStep.objects.filter(plan=plan).count() == 0
    page = therapist_client.get(plan_url(plan)).content.decode()
    coverage = page.split('id="coverage"')[1].split("</section>")[0]
    assert "Not covered" in coverage
    assert "not addressed by any step" in coverage
    data = api(therapist_client, "get", f"/clients/{patient.pk}/plans/{plan.pk}").json()
    assert data["coverage"] and not any(c["covered"] for c in data["coverage"])
    assert data["total_minutes"] == 0


def test_a_step_is_added_from_the_muscle_search(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    count = len(steps(plan))
    before = api(therapist_client, "get", f"/clients/{patient.pk}/plans/{plan.pk}").json()

    found = therapist_client.get(plan_url(plan), {"q": "gluteus med"}).content.decode()
    assert "Add Gluteus medius" in found
    found = therapist_client.get(
        plan_url(plan), {"q": "gluteus med"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert found.lstrip().startswith('<div id="muscle-results"')

    response = therapist_client.post(
        plan_url(plan, "plans:step_add"),
        {
            "muscle_id": "gluteus_medius",
            "trigger_point": "tp1_posterior",
            "side": "left",
            "technique": "ischemic_compression",
            "reason": "Tender today",
        },
    )
    assert response.status_code == 302
    added = steps(plan)[-1]
    assert added.order == count + 1 and added.added_by_therapist
    assert (added.muscle_id, added.trigger_point, added.side) == (
        "gluteus_medius",
        "tp1_posterior",
        "left",
    )
    # Parameters left empty came from the knowledge base, within the safe ranges.
    assert added.hold_s is not None and 30 <= added.hold_s <= 90
    assert added.pressure_max_kg is not None
    assert added.pressure_max_kg <= PRESSURE_MAX_LB * KGF_PER_LBF
    assert added.reasons == ["Tender today"]
    after = api(therapist_client, "get", f"/clients/{patient.pk}/plans/{plan.pk}").json()
    assert after["total_minutes"] > before["total_minutes"]

    answer = api(
        therapist_client,
        "post",
        f"/clients/{patient.pk}/plans/{plan.pk}/steps",
        {"muscle_id": "piriformis", "side": "right", "technique": "positional_release", "order": 1},
    )
    assert answer.status_code == 201
    assert answer.json()["steps"][0]["id"] == answer.json()["step_id"]
    assert answer.json()["steps"][0]["technique"] == "positional_release"
    assert answer.json()["steps"][0]["body_position"]


# --- Who sees plans ----------------------------------------------------------------------


def test_front_desk_and_other_clinics_cannot_see_plans(
    client: Client, therapist_client, therapist, front_desk, outsider, patient
):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    client.force_login(front_desk)
    assert client.get(plan_url(plan)).status_code == 403
    assert client.post(reverse("plans:propose", args=[patient.pk])).status_code == 403
    assert api(client, "get", f"/clients/{patient.pk}/plans/{plan.pk}").status_code == 403
    card = client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    assert 'id="plan-card"' not in card
    client.force_login(outsider)
    assert client.get(plan_url(plan)).status_code == 404
    answer = api(client, "get", f"/clients/{patient.pk}/plans/{plan.pk}")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    step = steps(plan)[0]
    assert (
        api(client, "delete", f"/clients/{patient.pk}/plans/{plan.pk}/steps/{step.pk}").status_code
        == 404
    )
    assert PlanStep.objects.filter(pk=step.pk).exists()


def test_the_client_page_card_summarises_the_active_plan(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    card = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    section = card.split('id="plan-card"')[1].split("</section>")[0]
    assert "Propose plan" in section and reverse("plans:propose", args=[patient.pk]) in section
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    card = therapist_client.get(reverse("chart:client", args=[patient.pk])).content.decode()
    section = card.split('id="plan-card"')[1].split("</section>")[0]
    assert plan_url(plan) in section
    assert f"{len(steps(plan))} steps" in section
    assert "element" in section and "covered" in section
    assert "Propose a new plan" in section


def test_the_session_starts_from_the_plan_page(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    from myomap.sessions.models import SessionStep, TreatmentSession

    assess(therapist, patient)
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    page = therapist_client.get(plan_url(plan)).content.decode()
    start = reverse("sessions:start", args=[patient.pk])
    assert f'action="{start}"' in page
    assert f'name="plan" value="{plan.pk}"' in page
    therapist_client.post(start, {"plan": plan.pk})
    session = TreatmentSession.objects.get(patient=patient)
    assert session.plan_id == plan.pk
    copied = SessionStep.objects.filter(session=session).order_by("order")
    assert [(s.muscle_id, s.technique) for s in copied] == [
        (s.muscle_id, s.technique) for s in steps(plan)
    ]


def test_every_refused_field_is_shown_at_once_and_the_first_takes_the_focus(
    therapist_client, therapist, patient, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    assess(therapist, patient)
    propose(therapist_client, patient)
    plan = active_plan(patient)
    assert plan is not None
    step = compression(plan)
    before = (step.hold_s, step.pressure_max_kg, step.repetitions)
    with django_assert_max_num_queries(45):
        response = therapist_client.post(
            plan_url(plan, "plans:step_update", step),
            edit_data(step, hold_s=120, pressure_min_kg=5, pressure_max_kg=9, repetitions=20),
            HTTP_HX_REQUEST="true",
        )
    html = response.content.decode()
    for name in ("hold_s", "pressure_max_kg", "repetitions"):
        assert f'id="s{step.pk}-{name}-error"' in html, name
    focused = re.findall(r"<input[^>]*autofocus[^>]*>", html)
    assert len(focused) == 1 and f'id="s{step.pk}-pressure_max_kg"' in focused[0]
    # The edited step stays in view after the swap.
    assert f'hx-swap="outerHTML show:#step-{step.pk}:top"' in html
    step.refresh_from_db()
    assert (step.hold_s, step.pressure_max_kg, step.repetitions) == before


def test_pressure_in_lb_when_the_clinic_prefers_it(client, owner, therapist, patient):  # type: ignore[no-untyped-def]
    from myomap.plans.models import PlanSettings

    client.force_login(therapist)
    assess(therapist, patient)
    propose(client, patient)
    plan = active_plan(patient)
    assert plan is not None
    # Only the owner sets the clinic's unit.
    refused = client.post(reverse("plans:pressure_unit"), {"pressure_unit": "lb"})
    assert refused.status_code == 403
    client.force_login(owner)
    bad = client.post(reverse("plans:pressure_unit"), {"pressure_unit": "stone"})
    assert bad.status_code == 400 and "pressure_unit" in bad.content.decode()
    done = client.post(
        reverse("plans:pressure_unit"), {"pressure_unit": "lb", "next": plan_url(plan)}
    )
    assert done.status_code == 302 and done.url == plan_url(plan)
    assert PlanSettings.objects.get(clinic=patient.clinic).pressure_unit == "lb"
    assert AuditEvent.objects.filter(summary__startswith="Plan pressures are typed in lb").exists()

    client.force_login(therapist)
    step = compression(plan)
    page = client.get(plan_url(plan)).content.decode()
    assert "Pressure from (lb)" in page
    assert f"{step.pressure_max_kg / KGF_PER_LBF:.1f} lb</strong>" in page
    # 9 lb typed is stored as kilograms.
    response = client.post(
        plan_url(plan, "plans:step_update", step),
        edit_data(step, pressure_unit="lb", pressure_min_kg=6, pressure_max_kg=9),
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.pressure_max_kg == pytest.approx(9 * KGF_PER_LBF, abs=0.01)
    # 13 lb is above the safe 12 lb and refused, naming the field.
    response = client.post(
        plan_url(plan, "plans:step_update", step),
        edit_data(step, pressure_unit="lb", pressure_min_kg=6, pressure_max_kg=13),
    )
    assert response.status_code == 400
    assert f'id="s{step.pk}-pressure_max_kg-error"' in response.content.decode()
