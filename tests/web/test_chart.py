"""The client page opens with a summary, a section index and a paged, filterable timeline."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from myomap.chart.page import TIMELINE_PAGE
from myomap.common.audit import audit_record
from myomap.common.models import AuditAction
from myomap.intake.services import intake_section_save, intake_start
from tests.web.scoped.notes import make_session
from tests.web.scoped.sessions import make_plan, screen_clear


def _page(client: Client, patient, query: str = "") -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("chart:client", args=[patient.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def _summary(html: str) -> str:
    return html.split('id="summary"')[1].split("</section>")[0]


def _timeline(html: str) -> str:
    return html.split("<h2>Timeline</h2>")[1].split("</section>")[0]


def test_a_new_client_is_on_hold_with_the_next_steps_named(therapist_client, patient):  # type: ignore[no-untyped-def]
    summary = _summary(_page(therapist_client, patient))
    assert "Not recorded yet: no intake answers." in summary
    assert "Treatment on hold" in summary and "not been screened" in summary
    assert "0 sessions done, no active plan" in summary
    assert "Next appointment" in summary
    assert "Start intake" in summary
    assert reverse("screening:now", args=[patient.pk]) in summary


def test_the_summary_shows_complaint_goals_safety_and_the_course(  # type: ignore[no-untyped-def]
    therapist_client, therapist, patient
):
    intake = intake_start(actor=therapist, patient=patient)
    intake_section_save(
        intake=intake,
        slug="complaint",
        data={"main_complaint": "Low back pain when lifting the children"},
        actor=therapist,
    )
    intake_section_save(
        intake=intake,
        slug="goals",
        data={"goals": "Pick up my daughter without pain"},
        actor=therapist,
    )
    screen_clear(therapist, patient)
    plan = make_plan(therapist, patient)
    plan.status = "active"
    plan.save(update_fields=["status"])
    make_session(therapist, patient)
    make_session(therapist, patient)

    summary = _summary(_page(therapist_client, patient))
    assert "Low back pain when lifting the children" in summary
    assert "Pick up my daughter without pain" in summary
    assert "Treatment allowed" in summary
    assert f"2 of {plan.initial_sessions} planned sessions done" in summary
    assert "Start a session" in summary and 'href="#sessions-card"' in summary


def test_the_section_index_reaches_every_card_without_javascript(therapist_client, patient):  # type: ignore[no-untyped-def]
    html = _page(therapist_client, patient)
    index = html.split('class="section-index"')[1].split("</nav>")[0]
    for anchor in ("summary", "timeline", "plan-card", "sessions-card", "notes", "contact"):
        assert f'href="#{anchor}"' in index
        assert f'id="{anchor}"' in html


def test_the_front_desk_gets_no_summary_and_only_administrative_filters(  # type: ignore[no-untyped-def]
    client, front_desk, patient
):
    client.force_login(front_desk)
    html = _page(client, patient)
    assert 'id="summary"' not in html
    filters = _timeline(html).split("</nav>")[0]
    assert "?kind=client" in filters and "?kind=plan" not in filters


def _audit_many(patient, therapist, count: int, obj_type: str = "Patient") -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        audit_record(
            action=AuditAction.UPDATE,
            clinic=patient.clinic,
            actor=therapist,
            patient=patient,
            obj=patient,
            summary=f"Edited contact details, change {n}",
        )


def test_the_timeline_is_paged_newest_first(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    _audit_many(patient, therapist, TIMELINE_PAGE + 5)
    first = _timeline(_page(therapist_client, patient))
    assert f"change {TIMELINE_PAGE + 4}<" in first.replace("\n", "<")
    assert "change 0\n" not in first and "Page 1 of 2" in first
    second = _timeline(_page(therapist_client, patient, "?page=2"))
    assert "Edited contact details, change 0" in second and "Page 2 of 2" in second


def test_the_timeline_filters_by_kind(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    intake_start(actor=therapist, patient=patient)
    _audit_many(patient, therapist, 2)
    only_intake = _timeline(_page(therapist_client, patient, "?kind=intake"))
    assert "Edited contact details" not in only_intake
    assert "intake" in only_intake.split("</nav>")[1].lower()
    everything = _timeline(_page(therapist_client, patient, "?kind=nonsense"))
    assert "Edited contact details" in everything


def test_an_intakes_section_saves_are_one_entry(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    intake = intake_start(actor=therapist, patient=patient)
    for slug, data in (
        ("complaint", {"main_complaint": "Neck pain"}),
        ("goals", {"goals": "Sleep through"}),
        ("complaint", {"main_complaint": "Neck and shoulder pain"}),
    ):
        intake_section_save(intake=intake, slug=slug, data=data, actor=therapist)
    timeline = _timeline(_page(therapist_client, patient, "?kind=intake"))
    entries = timeline.split('<ol class="timeline">')[1].split("</ol>")[0].count("<time ")
    assert entries == 1
    assert "more edits that day" in timeline


@pytest.mark.parametrize("query", ["?page=999", "?page=abc", "?kind=unknown&page=-3"])
def test_odd_timeline_parameters_still_show_the_page(therapist_client, patient, query):  # type: ignore[no-untyped-def]
    assert "<h2>Timeline</h2>" in _page(therapist_client, patient, query)
