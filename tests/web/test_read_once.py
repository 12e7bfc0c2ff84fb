"""A derived read is worked out once per page view, and never shared beyond it."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from myomap.common import read_once
from myomap.common.read_once import ReadOnceMiddleware, once_per_page

pytestmark = pytest.mark.django_db


class Row:
    def __init__(self, pk: int | None) -> None:
        self.pk = pk


def _counting() -> tuple[list[int | None], object]:
    calls: list[int | None] = []

    @once_per_page
    def read(row: Row) -> str:
        calls.append(row.pk)
        return f"profile of {row.pk}"

    return calls, read


def _through_middleware(method: str, view: object) -> None:
    request = RequestFactory().generic(method, "/")
    ReadOnceMiddleware(lambda r: view(r))(request)  # type: ignore[operator]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_reading_request_computes_each_row_once(method: str) -> None:
    calls, read = _counting()

    def view(_request: object) -> object:
        # Two panels ask for the same row (two objects of one row) and one for another.
        assert read(Row(1)) == read(Row(1)) == "profile of 1"  # type: ignore[operator]
        assert read(Row(2)) == "profile of 2"  # type: ignore[operator]
        return None

    _through_middleware(method, view)
    assert calls == [1, 2]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_writing_request_computes_every_time(method: str) -> None:
    calls, read = _counting()

    def view(_request: object) -> object:
        read(Row(1))  # type: ignore[operator]
        read(Row(1))  # type: ignore[operator]
        return None

    _through_middleware(method, view)
    assert calls == [1, 1]


def test_nothing_is_shared_between_requests_or_outside_one() -> None:
    calls, read = _counting()
    _through_middleware("GET", lambda r: read(Row(1)))  # type: ignore[operator]
    _through_middleware("GET", lambda r: read(Row(1)))  # type: ignore[operator]
    read(Row(1))  # type: ignore[operator]
    read(Row(1))  # type: ignore[operator]
    assert calls == [1, 1, 1, 1]
    assert read_once._memo.get() is None


def test_an_unsaved_row_is_never_shared() -> None:
    calls, read = _counting()
    _through_middleware("GET", lambda r: (read(Row(None)), read(Row(None))))  # type: ignore[operator]
    assert calls == [None, None]


def test_the_client_page_works_each_profile_out_once(client: Client) -> None:
    """Maria's page asks for her latest assessment's profile from the assessment card, the
    plan's coverage and the progress findings; it is worked out once."""
    from myomap.assessments import selectors
    from myomap.clinics.models import User
    from myomap.demo import demo_load
    from myomap.plans.models import Plan

    demo_load()
    plan = Plan.objects.get(patient__last_name="Lopez")
    client.force_login(User.objects.get(username="sam"))
    seen: list[int] = []
    inner = selectors.assessment_facts

    def counting_facts(assessment: object) -> object:
        seen.append(assessment.pk)  # type: ignore[attr-defined]
        return inner(assessment)  # type: ignore[arg-type]

    selectors.assessment_facts = counting_facts  # type: ignore[assignment]
    try:
        response = client.get(f"/clients/{plan.patient_id}/")
    finally:
        selectors.assessment_facts = inner
    assert response.status_code == 200
    assert plan.assessment_id in seen
    assert len(seen) == len(set(seen)), seen


def test_the_client_page_reads_each_shared_row_once(client: Client) -> None:
    """The summary, the pain map and the cards all show Maria's active plan, her outcome
    responses, her pain map and her assessments' photos: each is read from the database once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from myomap.assessments.models import Assessment
    from myomap.clinics.models import User
    from myomap.demo import demo_load
    from myomap.patients.models import Patient

    demo_load()
    maria = Patient.objects.get(last_name="Lopez")
    client.force_login(User.objects.get(username="sam"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/clients/{maria.pk}/").status_code == 200
    sql = [q["sql"] for q in captured]

    def reads(table: str) -> int:
        return sum(1 for one in sql if f'FROM "{table}"' in one)

    assert reads("plans_plan") == 1
    assert reads("outcomes_outcomeresponse") == 1
    assert reads("intake_painmark") == 1  # one pain map, shown by the chart and assessments
    assert reads("assessments_posturephoto") == Assessment.objects.filter(patient=maria).count()
    assert reads("patients_patient") == 1
