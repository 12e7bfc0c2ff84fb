"""The audit log cannot be rewritten quietly: the database refuses to change or delete a row."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from myomap.common.models import AuditEvent

pytestmark = pytest.mark.django_db


def _refused(action) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseError) as refused, transaction.atomic():
        action()
    return str(refused.value)


def test_audit_rows_cannot_be_changed_or_deleted(therapist_client, patient):  # type: ignore[no-untyped-def]
    therapist_client.get(f"/clients/{patient.pk}/")
    row = AuditEvent.objects.filter(patient=patient).latest("id")
    count = AuditEvent.objects.count()

    assert "append-only" in _refused(
        lambda: AuditEvent.objects.filter(pk=row.pk).update(summary="Nothing happened")
    )
    assert "append-only" in _refused(lambda: AuditEvent.objects.filter(pk=row.pk).delete())
    assert "append-only" in _refused(lambda: AuditEvent.objects.all().delete())
    row.summary = "Rewritten"
    assert "append-only" in _refused(lambda: row.save())

    def raw_update() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE common_auditevent SET ip_address = NULL")

    assert "append-only" in _refused(raw_update)
    row.refresh_from_db()
    assert row.summary != "Rewritten"
    assert AuditEvent.objects.count() == count
    # Appending still works.
    therapist_client.get(f"/clients/{patient.pk}/")
    assert AuditEvent.objects.count() == count + 1


@pytest.mark.django_db(transaction=True)  # rows committed, as in production
def test_the_table_cannot_be_emptied_on_postgresql(therapist_client, patient):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's; SQLite empties a table with DELETE (tested above)")
    therapist_client.get(f"/clients/{patient.pk}/")

    def truncate() -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE common_auditevent CASCADE")

    assert "append-only" in _refused(truncate)
    assert AuditEvent.objects.exists()
