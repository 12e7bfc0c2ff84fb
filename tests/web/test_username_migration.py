"""The migration that normalises existing usernames, and refuses to merge accounts."""

from __future__ import annotations

import pytest

from tests.migrating import latest, migrate_to

BEFORE = [("clinics", "0002_login_failure_address_index")]
AFTER = [("clinics", "0003_normalise_usernames")]


@pytest.mark.django_db(transaction=True)
def test_existing_usernames_are_normalised():  # type: ignore[no-untyped-def]
    apps = migrate_to(BEFORE)
    User = apps.get_model("clinics", "User")
    LoginFailure = apps.get_model("clinics", "LoginFailure")
    User.objects.create(username="Sam ", password="!")
    User.objects.create(username="ｒｉｖｅｒ", password="!")
    User.objects.create(username="alex", password="!")
    LoginFailure.objects.create(username="SAM")
    try:
        apps = migrate_to(AFTER)
        names = set(apps.get_model("clinics", "User").objects.values_list("username", flat=True))
        assert names == {"sam", "river", "alex"}
        failures = apps.get_model("clinics", "LoginFailure").objects.values_list(
            "username", flat=True
        )
        assert list(failures) == ["sam"]
    finally:
        migrate_to(latest())


@pytest.mark.django_db(transaction=True)
def test_two_accounts_that_would_become_one_stop_the_migration():  # type: ignore[no-untyped-def]
    apps = migrate_to(BEFORE)
    User = apps.get_model("clinics", "User")
    User.objects.create(username="Sam", password="!")
    User.objects.create(username="sam", password="!")
    try:
        with pytest.raises(RuntimeError, match=r"'sam': 'Sam' \(id \d+\), 'sam' \(id \d+\)"):
            migrate_to(AFTER)
        names = set(User.objects.values_list("username", flat=True))
        assert names == {"Sam", "sam"}  # nothing changed
        User.objects.filter(username="Sam").update(username="sam.elder")
        apps = migrate_to(AFTER)
        assert set(
            apps.get_model("clinics", "User").objects.values_list("username", flat=True)
        ) == {"sam.elder", "sam"}
    finally:
        migrate_to(latest())
