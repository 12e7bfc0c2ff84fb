"""Audit rows are append-only in the database itself: triggers refuse UPDATE and DELETE.

The application never changes or deletes an audit row; the triggers make sure nothing else
using the application's database connection does either (a bug, an ORM bulk call, a shell
session), on SQLite and on PostgreSQL. Someone with the database owner's rights can still drop
the triggers: that is outside what a trigger can prevent, and is what backups and the
signed-note chain's anchors are for.
"""

from __future__ import annotations

from typing import Any

TABLE = "common_auditevent"
MESSAGE = "audit rows are append-only: UPDATE and DELETE are refused"

_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
_SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]
_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END;
    $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()""",
]
_POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
]


def _statements(vendor: str, install: bool) -> list[str]:
    if vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    if vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_REMOVE
    raise NotImplementedError(f"no append-only audit triggers for the {vendor} database")


def audit_guard_install(connection: Any) -> None:
    """Create the triggers (idempotent)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=True):
            cursor.execute(sql)


def audit_guard_remove(connection: Any) -> None:
    """Drop the triggers: only for reversing the migration and for emptying a test database."""
    with connection.cursor() as cursor:
        for sql in _statements(connection.vendor, install=False):
            cursor.execute(sql)
