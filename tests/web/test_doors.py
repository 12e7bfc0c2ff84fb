"""Every app's door (``access_*`` in ``myomap/<app>/access.py``), enumerated, not listed:
an outsider gets 404, the front desk 403 for clinical content, another client's id 404,
and the clinic's therapist the row, also locked inside a transaction."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

import myomap
from myomap.patients.services import patient_create
from tests.web.scoped import scoped_ids

NOT_CLINICAL = {
    "access_patient",
    "access_appointment",
    "access_waitlist_entry",
    "access_booking_request",
}
"""Doors the front desk may pass: the client's demographics, appointments, waitlist and
booking requests."""


def doors() -> list[tuple[str, Callable[..., Any]]]:
    """Every ``access_*`` function of every app's ``access`` module."""
    found = []
    for app in pkgutil.iter_modules(myomap.__path__):
        try:
            module = importlib.import_module(f"myomap.{app.name}.access")
        except ModuleNotFoundError:
            continue
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("access_") and func.__module__ == module.__name__:
                params = list(inspect.signature(func).parameters)
                if params[:2] == ["user", "patient_id"]:
                    found.append((f"{module.__name__}.{name}", func))
    return found


DOORS = doors()


def _args(func: Callable[..., Any], ids: dict[str, Any]) -> list[Any]:
    params = inspect.signature(func).parameters
    positional = [
        p for p in list(params)[1:] if params[p].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    ]
    missing = set(positional) - set(ids)
    assert not missing, f"{func.__name__} takes {missing}: make one in tests/web/scoped/"
    return [ids[p] for p in positional]


@pytest.fixture
def ids(therapist, patient):  # type: ignore[no-untyped-def]
    return {"patient_id": patient.pk, **scoped_ids(therapist, patient)}


def test_every_app_with_client_rows_has_its_door() -> None:
    names = {name.rsplit(".", 1)[1] for name, _ in DOORS}
    assert {
        "access_patient",
        "access_session",
        "access_plan",
        "access_plan_step",
        "access_note",
        "access_intake",
        "access_assessment",
        "access_photo",
        "access_finding",
    } <= names


ROW_KEY = {"access_sheet": "session_id"}
"""Doors that find their row by its parent's id (an aftercare sheet by its session's)."""


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "door"), DOORS, ids=[n for n, _ in DOORS])
def test_a_door_lets_the_clinic_in_and_keeps_everyone_else_out(  # type: ignore[no-untyped-def]
    name, door, therapist, front_desk, outsider, patient, ids
):
    args = _args(door, ids)
    row = door(therapist, *args)
    assert getattr(row, ROW_KEY.get(name.rsplit(".", 1)[1], "pk")) == args[-1]
    if "lock" in inspect.signature(door).parameters:
        with transaction.atomic():
            assert door(therapist, *args, lock=True).pk == row.pk

    with pytest.raises(Http404):
        door(outsider, *args)

    if door.__name__ in NOT_CLINICAL:
        assert door(front_desk, *args).pk == row.pk
    else:
        with pytest.raises(PermissionDenied):
            door(front_desk, *args)

    other = patient_create(
        actor=therapist,
        data={"first_name": "Other", "last_name": "Client", "date_of_birth": date(1975, 1, 2)},
    )
    if door.__name__ != "access_patient":
        with pytest.raises(Http404):
            door(therapist, other.pk, *args[1:])


@pytest.mark.django_db
def test_a_door_preloads_its_rows_so_reading_them_costs_nothing(  # type: ignore[no-untyped-def]
    therapist, patient, ids, django_assert_num_queries
):
    from myomap.notes.access import access_note
    from myomap.plans.access import access_plan_step
    from myomap.sessions.access import access_session

    session = access_session(therapist, patient.pk, ids["session_id"])
    step = access_plan_step(therapist, patient.pk, ids["plan_id"], ids["plan_step_id"])
    note = access_note(therapist, patient.pk, ids["note_id"])
    with django_assert_num_queries(0):
        assert session.patient == patient and session.clinic.pk == patient.clinic_id
        assert step.plan.patient == patient
        assert note.session.patient_id == patient.pk
