"""Shared fixtures: two clinics and the personas who use them."""

from __future__ import annotations

from datetime import date

import pytest

from myomap.clinics.models import Clinic, Role, User
from myomap.clinics.services import user_create
from myomap.patients.models import Patient
from myomap.patients.services import patient_create

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _plain_static(settings):  # type: ignore[no-untyped-def]
    """Tests read static files from the apps, without a collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _own_var(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Backups and the backup passphrase go to a folder of the test's own, never to var/."""
    settings.VAR_DIR = tmp_path / "own-var"
    settings.VAR_DIR.mkdir(mode=0o700)


@pytest.fixture(autouse=True)
def _private_uploads(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploads go to a folder of the test's own, never to var/private."""
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": "/no-public-url/"},
        },
    }


@pytest.fixture
def clinic(db) -> Clinic:  # type: ignore[no-untyped-def]
    return Clinic.objects.create(
        name="Harbour Street NMT", slug="harbour", timezone="Europe/London"
    )


@pytest.fixture
def other_clinic(db) -> Clinic:  # type: ignore[no-untyped-def]
    return Clinic.objects.create(
        name="Riverside Bodywork", slug="riverside", timezone="Europe/Berlin"
    )


def _user(clinic: Clinic, username: str, role: Role) -> User:
    return user_create(
        clinic=clinic,
        username=username,
        password=PASSWORD,
        role=role,
        first_name=username.capitalize(),
        last_name="Tester",
    )


@pytest.fixture
def owner(clinic: Clinic) -> User:
    return _user(clinic, "owner", Role.OWNER)


@pytest.fixture
def therapist(clinic: Clinic) -> User:
    return _user(clinic, "therapist", Role.THERAPIST)


@pytest.fixture
def front_desk(clinic: Clinic) -> User:
    return _user(clinic, "desk", Role.FRONT_DESK)


@pytest.fixture
def outsider(other_clinic: Clinic) -> User:
    """A therapist of another clinic: must be refused everywhere in ours."""
    return _user(other_clinic, "outsider", Role.THERAPIST)


@pytest.fixture
def patient(therapist: User) -> Patient:
    return patient_create(
        actor=therapist,
        data={
            "first_name": "Maria",
            "last_name": "Lopez",
            "date_of_birth": date(1980, 3, 14),
            "sex": "female",
            "phone": "07700 900101",
            "email": "maria@example.org",
        },
    )


@pytest.fixture
def therapist_client(client, therapist):  # type: ignore[no-untyped-def]
    client.force_login(therapist)
    return client


@pytest.fixture
def screened(therapist: User, patient: Patient) -> Patient:
    """The client, with every health check asked and answered no: treatment allowed."""
    from tests.web.scoped.screening import screen_client

    screen_client(therapist, patient)
    return patient
