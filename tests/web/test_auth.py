"""Logging in and out, lockout, password change, idle sessions, Argon2."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from myomap.common.models import AuditEvent
from tests.web.conftest import PASSWORD


def test_login_and_logout(client, therapist):  # type: ignore[no-untyped-def]
    response = client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("patients:list")).status_code == 200
    assert AuditEvent.objects.filter(actor=therapist, action="login").exists()
    client.post(reverse("logout"))
    assert client.get(reverse("patients:list")).status_code == 302


def test_passwords_are_hashed_with_argon2(therapist):  # type: ignore[no-untyped-def]
    assert therapist.password.startswith("argon2$")


def test_wrong_password_is_refused_with_a_message(client, therapist):  # type: ignore[no-untyped-def]
    response = client.post(reverse("login"), {"username": "therapist", "password": "nope"})
    assert response.status_code == 400
    assert b"correct username and password" in response.content


def test_five_failures_lock_the_account_even_with_the_right_password(client, therapist, settings):  # type: ignore[no-untyped-def]
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(reverse("login"), {"username": "therapist", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 429
    assert b"paused" in response.content
    assert client.get(reverse("patients:list")).status_code == 302
    assert AuditEvent.objects.filter(action="login_failed").count() == settings.LOGIN_MAX_FAILURES


def test_lockout_ends_after_the_window(client, therapist, settings):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    from myomap.clinics.models import LoginFailure

    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(reverse("login"), {"username": "therapist", "password": "wrong"})
    LoginFailure.objects.update(
        created_at=timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    )
    response = client.post(reverse("login"), {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 302


def test_password_change(client, therapist):  # type: ignore[no-untyped-def]
    client.force_login(therapist)
    bad = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert bad.status_code == 400
    assert b"too short" in bad.content
    new = "a-much-better-passphrase-42"
    good = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert good.status_code == 302
    therapist.refresh_from_db()
    assert therapist.check_password(new)
    assert client.get(reverse("patients:list")).status_code == 200  # still logged in


def test_a_session_idle_longer_than_the_limit_is_ended(client, therapist, settings):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(therapist)
    assert client.get(reverse("patients:list")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("patients:list")).status_code == 302


def test_activity_pushes_the_idle_end_back_once_a_minute(client, therapist, monkeypatch):  # type: ignore[no-untyped-def]
    """Page views within a minute write no session row; the first one after it moves the end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from myomap.clinics import idle_session

    now = [1_800_000_000]
    monkeypatch.setattr(idle_session.time, "time", lambda: now[0])
    client.force_login(therapist)
    client.get(reverse("patients:list"))
    first_end = Session.objects.get().expire_date

    now[0] += 30
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("patients:list")).status_code == 200
    assert not [q for q in queries if 'UPDATE "django_session"' in q["sql"]]
    assert Session.objects.get().expire_date == first_end

    now[0] += 31
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("patients:list")).status_code == 200
    assert [q for q in queries if 'UPDATE "django_session"' in q["sql"]]
    assert Session.objects.get().expire_date > first_end


def test_a_short_idle_limit_is_refreshed_often_enough(settings):  # type: ignore[no-untyped-def]
    from myomap.clinics.idle_session import refresh_every_s

    assert refresh_every_s() == 60
    settings.SESSION_COOKIE_AGE = 300
    assert refresh_every_s() == 10
    settings.SESSION_COOKIE_AGE = 10
    assert refresh_every_s() == 1


def test_a_visitor_without_a_session_gets_none(client, db):  # type: ignore[no-untyped-def]
    assert client.get(reverse("login")).status_code == 200
    assert not Session.objects.exists()


@pytest.mark.parametrize("target", ["/clients/", "/clinic/audit/"])
def test_login_returns_to_the_page_asked_for(client, owner, target):  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("login") + f"?next={target}",
        {"username": "owner", "password": PASSWORD, "next": target},
    )
    assert response.url == target


def test_login_ignores_an_offsite_next(client, therapist):  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("login"), {"username": "therapist", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert response.url == reverse("home")


def test_only_the_owner_reads_the_audit_log(client, owner, therapist, patient):  # type: ignore[no-untyped-def]
    client.force_login(therapist)
    assert client.get(reverse("audit_log")).status_code == 403
    client.force_login(owner)
    page = client.get(reverse("audit_log"), {"action": "create"})
    assert page.status_code == 200
    assert b"Registered client Maria Lopez" in page.content
    filtered = client.get(reverse("audit_log"), {"action": "archive"})
    assert b"Registered client Maria Lopez" not in filtered.content
    bad = client.get(reverse("audit_log"), {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert b"end date must not be before" in bad.content


def test_healthz_reports_the_database(client, db):  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):  # type: ignore[no-untyped-def]
    from django.db import connection

    def broken_cursor(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
