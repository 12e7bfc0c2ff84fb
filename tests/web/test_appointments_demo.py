"""The appointments demo: hours, rooms, types and a week around today, on Today and the day."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from myomap.appointments.models import Appointment, AppointmentType, Room, Status, WorkingHours
from myomap.clinics.models import User
from myomap.demo import DEMO_SLUG, demo_load

pytestmark = pytest.mark.django_db


def test_the_demo_clinic_has_a_week_of_appointments_and_a_full_today():  # type: ignore[no-untyped-def]
    demo_load()
    sam = User.objects.get(username="sam")
    clinic = sam.clinic
    assert clinic.slug == DEMO_SLUG
    assert Room.objects.filter(clinic=clinic).count() == 2
    assert WorkingHours.objects.filter(therapist=sam).count() == 5
    minutes = dict(AppointmentType.objects.filter(clinic=clinic).values_list("name", "minutes"))
    assert minutes == {
        "Initial assessment": 90,
        "Treatment": 60,
        "Maintenance": 60,
        "Reassessment": 30,
    }
    rows = Appointment.objects.filter(clinic=clinic)
    assert rows.count() >= 40
    assert rows.filter(status=Status.COMPLETED).exists()
    assert rows.filter(status=Status.LATE_CANCELLATION).exists()
    client = Client()
    client.force_login(sam)
    today = client.get(reverse("appointments:today")).content.decode()
    assert today.count("Start session") + today.count("Continue session") >= 4
    client.force_login(User.objects.get(username="jo"))
    day = client.get(reverse("appointments:day")).content.decode()
    assert "Sam Rivera" in day and "Alex Chen" in day
