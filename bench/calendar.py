"""The practice day at scale: Today, the day calendar, the week and the free-slot search.

The demo clinic in a fresh SQLite database (or the PostgreSQL database ``DATABASE_URL`` names,
which must exist and be empty), with two more therapists (five in all), then grown in two
steps: first to a tenth of the size (500 clients, 10,000 appointments), then to the full size
(``BENCH_CALENDAR_CLIENTS``, default 5,000 clients; ``BENCH_CALENDAR_APPOINTMENTS``, default
100,000 appointments, past and future, eight a working day per therapist, no overlaps). At
each size every page is requested 30 times after a warm-up, in one process through Django's
test client, with the framework floor (``/login/``) measured in the same run; the number of
queries of each page is counted. The free-slot search over eight weeks is timed 300 times at
the full size.
"""

from __future__ import annotations

import json
import os

from bench.demo_clinic import demo_clinic, measured

TITLE = "The practice day at scale"
CLIENTS = int(os.environ.get("BENCH_CALENDAR_CLIENTS", "5000"))
APPOINTMENTS = int(os.environ.get("BENCH_CALENDAR_APPOINTMENTS", "100000"))
RUNS = 30

MEASURE = """
import json, os, random, statistics, sys, time as clock
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from myomap.appointments.models import Appointment, AppointmentType, Status
from myomap.appointments.selectors import next_free_slots

from myomap.clinics.models import Role, User
from myomap.clinics.services import user_create
from myomap.outcomes.standing import standings_rebuild
from myomap.patients.models import Patient, PatientSearchKey
from myomap.patients.search_keys import search_keys_backfill

CLIENTS, APPOINTMENTS, RUNS = (int(a) for a in sys.argv[1:4])
random.seed(20261204)
sam = User.objects.get(username="sam")
clinic = sam.clinic
tz = ZoneInfo(clinic.timezone)
for name in ("robin", "kai"):
    if not User.objects.filter(username=name).exists():
        user_create(clinic=clinic, username=name, password="bench-password-2026",
                    role=Role.THERAPIST, first_name=name.title(), last_name="Bench")
therapists = list(User.objects.filter(clinic=clinic, role__in=(Role.THERAPIST, Role.OWNER)))
kind = AppointmentType.objects.get(clinic=clinic, name="Treatment")
today = timezone.now().astimezone(tz).date()
HOURS = [time(h) for h in (8, 9, 10, 11, 13, 14, 15, 16)]


def grow_clients(total):
    have = Patient.objects.filter(clinic=clinic).count()
    Patient.objects.bulk_create(
        [Patient(clinic=clinic, first_name=f"Client{n}", last_name=f"Bench{n % 977}",
                 date_of_birth=date(1950 + n % 50, 1 + n % 12, 1 + n % 28))
         for n in range(have, total)],
        batch_size=2000,
    )
    standings_rebuild(clinic=clinic)  # each client's standing, as registering gives it
    search_keys_backfill(Patient, PatientSearchKey)
    return list(Patient.objects.filter(clinic=clinic).values_list("pk", flat=True))


def working_days():
    # Eight weeks ahead, then back in time: enough days for every booking.
    day = today + timedelta(days=56)
    while True:
        if day.weekday() < 5:
            yield day
        day -= timedelta(days=1)


def grow_appointments(total, clients):
    # Fill whole days of each therapist that have no booking yet (the demo's own week is
    # kept as it is), until the clinic has ``total`` appointments.
    taken = {(t, s.astimezone(tz).date()) for t, s in
             Appointment.objects.filter(clinic=clinic).values_list("therapist_id", "starts_at")}
    missing = total - Appointment.objects.filter(clinic=clinic).count()
    rows = []
    days = working_days()
    while len(rows) < missing:
        day = next(days)
        for therapist in therapists:
            if (therapist.pk, day) in taken:
                continue
            for at in HOURS:
                start = datetime.combine(day, at, tzinfo=tz)
                status = (random.choice([Status.COMPLETED] * 8 + [Status.CANCELLED, Status.NO_SHOW])
                          if day < today else Status.BOOKED)
                rows.append(Appointment(
                    clinic=clinic, patient_id=random.choice(clients), therapist=therapist,
                    type=kind, starts_at=start, ends_at=start + timedelta(minutes=60),
                    status=status))
    Appointment.objects.bulk_create(rows[:missing], batch_size=5000)


desk = Client()
desk.force_login(User.objects.get(username="jo"))
therapist = Client()
therapist.force_login(sam)
visitor = Client()
PAGES = {
    "Floor: the login page": (visitor, "/login/"),
    "Today (a therapist)": (therapist, "/today/"),
    "The day calendar (front desk, 5 therapists)": (desk, "/calendar/"),
    "The week (one therapist)": (desk, f"/calendar/week/?therapist={sam.pk}"),
    "Next free slot search (page)": (desk, f"/calendar/free/?therapist={sam.pk}&type={kind.pk}"),
}


def measure():
    result = {}
    for name, (client, url) in PAGES.items():
        for _ in range(3):
            assert client.get(url).status_code == 200, (name, url)
        times = []
        for _ in range(RUNS):
            start = clock.perf_counter()
            client.get(url)
            times.append((clock.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        result[name] = {"p50": statistics.median(times), "p95": times[int(RUNS * 0.95) - 1],
                        "queries": len(queries)}
    return result


out = {}
clients = grow_clients(CLIENTS // 10)
grow_appointments(APPOINTMENTS // 10, clients)
out["small"] = {"clients": len(clients),
                "appointments": Appointment.objects.filter(clinic=clinic).count(),
                "pages": measure()}
clients = grow_clients(CLIENTS)
grow_appointments(APPOINTMENTS, clients)
out["large"] = {"clients": len(clients),
                "appointments": Appointment.objects.filter(clinic=clinic).count(),
                "pages": measure()}
times = []
for _ in range(300):
    start = clock.perf_counter()
    next_free_slots(therapist=sam, kind=kind, first_day=today, days=56, limit=100000)
    times.append((clock.perf_counter() - start) * 1000)
times.sort()
out["slots"] = {"p50": statistics.median(times), "p99": times[int(len(times) * 0.99) - 1]}
out["database"] = connection.vendor
print(json.dumps(out))
"""


def _row(name: str, small: dict[str, float], large: dict[str, float], floor: float) -> str:
    growth = large["p95"] / small["p95"] if small["p95"] else 0.0
    return (
        f"| {name} | {small['p50']:.1f} / {small['p95']:.1f} ms | {small['queries']:.0f} | "
        f"{large['p50']:.1f} / {large['p95']:.1f} ms | {large['queries']:.0f} | "
        f"{large['p95'] / floor:.1f}× | {growth:.2f}× |"
    )


def run() -> str:
    with demo_clinic(keep_database_url=True) as (_, env):
        out = json.loads(measured(MEASURE, env, str(CLIENTS), str(APPOINTMENTS), str(RUNS)))
    small, large = out["small"], out["large"]
    floor = large["pages"]["Floor: the login page"]["p95"]
    rows = [
        _row(name, small["pages"][name], large["pages"][name], floor) for name in large["pages"]
    ]
    slots = out["slots"]
    met = "met" if slots["p99"] < 20 else "not met"
    return (
        f"The demo clinic on {out['database']} with five therapists, grown to "
        f"{small['clients']:,} clients and {small['appointments']:,} appointments, then to "
        f"{large['clients']:,} clients and {large['appointments']:,} appointments (past ones "
        "completed, cancelled or missed; eight weeks ahead booked). Median and p95 of "
        f"{RUNS} requests after a warm-up, through Django's test client in one process; "
        "queries counted on one more request. Load average at the end: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} shared cores (these machines are "
        "noisy: compare the ratios, measured in one run).\n\n"
        "| Page | p50 / p95, a tenth the size | Queries | p50 / p95, full size | Queries | "
        "p95 ÷ floor | p95 full ÷ tenth |\n|---|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\nFree-slot search over eight weeks for one therapist at the full size "
        f"(every slot, 300 searches): p50 {slots['p50']:.2f} ms, p99 {slots['p99']:.2f} ms "
        f"(goal < 20 ms: {met}).\n"
    )
