"""Fixtures for every test tree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def _uses_db(request: pytest.FixtureRequest) -> bool:
    marked = request.node.get_closest_marker("django_db") is not None
    return marked or bool(_DB_FIXTURES & set(request.fixturenames))


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _append_only_audit(request: pytest.FixtureRequest) -> Iterator[None]:
    """Audit rows are append-only in every test (the triggers of common's migration 0003).

    Tests that commit for real end by emptying the database, audit rows included: for that
    the triggers step aside at their end, and every test puts them back at its start.
    """
    if not _uses_db(request):
        yield
        return
    from django.db import connection

    from myomap.common.audit_guard import audit_guard_install, audit_guard_remove

    blocker = request.getfixturevalue("django_db_blocker")
    request.getfixturevalue("django_db_setup")
    transactional = _transactional(request)
    if transactional:
        request.getfixturevalue("_django_db_helper")  # set up first, so it empties the db last
    with blocker.unblock():
        audit_guard_install(connection)
    yield
    if transactional:
        with blocker.unblock():
            audit_guard_remove(connection)
