"""The owner's audit-log search runs on indexed columns: clients and staff are found by name,
their events through the client and actor indexes, and pages are not counted."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from myomap.clinics.selectors import audit_list_for_clinic
from myomap.clinics.views import AUDIT_PAGE
from myomap.common.audit import audit_record
from myomap.common.models import AuditAction
from myomap.patients.services import patient_archive, patient_create

pytestmark = pytest.mark.django_db


def _rows(page: str) -> str:
    return page[page.index("<tbody>") : page.index("</tbody>")]


def test_a_clients_name_finds_their_events_archived_too(client, owner, therapist, patient):  # type: ignore[no-untyped-def]
    other = patient_create(
        actor=therapist,
        data={"first_name": "Tom", "last_name": "Reed", "date_of_birth": date(1970, 5, 1)},
    )
    patient_archive(actor=owner, patient=patient)
    client.force_login(owner)
    rows = _rows(client.get(reverse("audit_log"), {"q": "maria lop"}).content.decode())
    assert "Registered client Maria Lopez" in rows and "Archived" in rows
    assert "Tom Reed" not in rows
    rows = _rows(client.get(reverse("audit_log"), {"q": "reed"}).content.decode())
    assert "Registered client Tom Reed" in rows and "Maria Lopez" not in rows
    assert other.full_name == "Tom Reed"


def test_a_staff_members_name_finds_what_they_did(client, owner, therapist, patient):  # type: ignore[no-untyped-def]
    patient_archive(actor=owner, patient=patient)
    client.force_login(owner)
    theirs = _rows(client.get(reverse("audit_log"), {"actor": "therap"}).content.decode())
    assert "Registered client Maria Lopez" in theirs and "Archived" not in theirs
    mine = _rows(client.get(reverse("audit_log"), {"actor": "Owner Tester"}).content.decode())
    assert "Archived" in mine and "Registered client" not in mine
    none = _rows(client.get(reverse("audit_log"), {"actor": "nobody"}).content.decode())
    assert "No events match." in none


def test_pages_go_older_and_newer_without_counting(client, owner, clinic):  # type: ignore[no-untyped-def]
    for i in range(AUDIT_PAGE + 3):
        audit_record(
            action=AuditAction.VIEW,
            clinic=clinic,
            actor=owner,
            obj=owner,
            summary=f"Looked at item {i:03d}",
        )
    client.force_login(owner)
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(reverse("audit_log"), {"action": "view"}).content.decode()
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert _rows(first).count("<tr>") == AUDIT_PAGE and "Older →" in first
    assert "Looked at item 052" in first and "Looked at item 002" not in first
    second = client.get(reverse("audit_log"), {"action": "view", "page": "2"}).content.decode()
    assert "Looked at item 002" in second and "Older →" not in second and "← Newer" in second
    for bad in ("0", "-3", "x", "99999999999999999999"):
        assert client.get(reverse("audit_log"), {"page": bad}).status_code == 200


@pytest.mark.parametrize(
    "filters",
    [{"q": "Lopez"}, {"actor": "therapist"}, {"action": "create"}],
    ids=["client", "staff", "action"],
)
def test_each_search_uses_an_index_of_the_audit_table(clinic, therapist, patient, filters):  # type: ignore[no-untyped-def]
    events = audit_list_for_clinic(clinic=clinic, **filters)[:AUDIT_PAGE]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = events.explain()
        assert "Seq Scan on common_auditevent" not in plan, plan
    else:
        plan = events.explain()
        lines = [line for line in plan.splitlines() if "common_auditevent" in line]
        assert lines and all("INDEX" in line for line in lines), plan


def test_the_chain_heads_are_read_through_their_own_index(db):  # type: ignore[no-untyped-def]
    from myomap.common.models import AuditEvent
    from myomap.notes.chain import HEAD_OBJECT

    index = next(i for i in AuditEvent._meta.indexes if i.name == "audit_chain_heads")
    assert index.condition is not None and ("object_type", HEAD_OBJECT) in index.condition.children
    heads = AuditEvent.objects.filter(object_type=HEAD_OBJECT).order_by("id")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    assert "audit_chain_heads" in heads.explain()
