"""The data step of the migrations that moved each kind of private link into ``PrivateLink``.

Each app's migration adds the ``private`` column to its link table, calls ``move_to_private``
and then drops the columns the shared row now holds; going back, ``move_back_from_private``
fills the old columns again. The detail rows keep their ids, so the
audit log's references to them stay true. Frozen: migrations depend on it as written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SHARED = (
    "clinic_id",
    "patient_id",
    "token_hash",
    "created_by_id",
    "created_at",
    "expires_at",
    "revoked_at",
    "last_opened_at",
    "submitted_at",
    "sent_to",
)


def move_to_private(
    apps: Any,
    schema_editor: Any,
    *,
    label: str,
    purpose: str,
    submitted_at: Callable[[Any, str, Any], Any] | None = None,
) -> None:
    """One ``PrivateLink`` per row of ``label`` without one, with the row's shared values.

    ``submitted_at(apps, db, row)`` gives the completion time of kinds that did not store it on
    the link (an intake link is completed when its intake is). Constraints are checked at
    once on PostgreSQL, so the columns can be dropped in the same transaction.
    """
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    db = schema_editor.connection.alias
    links = apps.get_model("common", "PrivateLink").objects.using(db)
    detail = apps.get_model(label)
    rows = detail.objects.using(db)
    has = {f.attname for f in detail._meta.concrete_fields}
    for row in rows.filter(private__isnull=True).order_by("pk").iterator():
        values = {name: getattr(row, name) for name in SHARED if name in has}
        if submitted_at is not None:
            values["submitted_at"] = submitted_at(apps, db, row)
        link = links.create(purpose=purpose, **values)
        rows.filter(pk=row.pk).update(private=link)
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def move_back_from_private(apps: Any, schema_editor: Any, *, label: str) -> None:
    """Copy each row's shared values back from its ``PrivateLink`` into the old columns."""
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    db = schema_editor.connection.alias
    detail = apps.get_model(label)
    rows = detail.objects.using(db)
    has = {f.attname for f in detail._meta.concrete_fields}
    for row in rows.filter(private__isnull=False).select_related("private").iterator():
        link = row.private
        rows.filter(pk=row.pk).update(
            **{name: getattr(link, name) for name in SHARED if name in has}
        )
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
