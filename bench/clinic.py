"""A synthetic clinic for benchmarks, reproducible from a seed, on SQLite or PostgreSQL.

``python -m bench clinic --clients 5000 --sessions-per-client 20 [--seed N]
[--database-url URL]`` (or ``build_clinic(...)`` from another benchmark, which returns the
database URL). The shape comes from the services: the demo clinic is loaded through them
(intake, health checks, assessment with photos and findings, plan, treatment sessions with
their taps, signed notes with an amendment, outcome questionnaires, aftercare), twelve clients
walked the whole way. Every further client copies one of those clients' records row for row
(chosen by the seeded random generator), with a new name, birth date and contact, and with
the template's finished sessions repeated until the client has ``--sessions-per-client``
(appointments are not copied: they would double-book the template's times); the
copies' signed-note chains are then recomputed, so ``myomap verify-notes`` passes on the whole
clinic. The generation runs in a process of its own (the database is chosen at start-up).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 20261204
_FIRST = (
    "Maria Tom Anna Lee Sam Priya Olu Grace Jonas Aisha Ben Chen Ewa Farid Hana Ivan Jude Kemi "
    "Lars Mina Noor Otto Pia Quinn Rosa Sven Tara Umar Vera Wen Yusuf Zoe"
)
_LAST = (
    "Lopez Okafor Kowalski Chan Shaw Patel Adeyemi Müller Berg Rahman Hughes Novak Silva Dubois "
    "Jensen Tanaka Murphy Rossi Kaur Nguyen Haddad Fischer Moreau Ibrahim Walsh Costa Lindqvist"
)
FIRST = _FIRST.split(" ")
NOT_COPIED = {"appointments"}
"""Apps whose rows a copy leaves out. A copy's appointments would sit at its template's very
times with the same therapist: double bookings the calendar refuses (PostgreSQL's exclusion
constraint too). Calendars at scale have their own benchmark (bench/calendar.py)."""
LAST = _LAST.split(" ")


def build_clinic(
    *,
    clients: int = 5000,
    sessions_per_client: int = 20,
    seed: int = DEFAULT_SEED,
    database_url: str | None = None,
    var_dir: Path | None = None,
) -> str:
    """Generate the clinic into a fresh database and return its URL.

    Without ``database_url`` a new SQLite file ``myomap.sqlite3`` in ``var_dir`` (required
    then) is used; a PostgreSQL database must exist and be empty.
    """
    if database_url is None:
        if var_dir is None:
            raise ValueError("give database_url or var_dir")
        database_url = f"sqlite:///{var_dir / 'myomap.sqlite3'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "myomap.settings"}
    env["DATABASE_URL"] = database_url
    if var_dir is not None:
        env["MYOMAP_VAR_DIR"] = str(var_dir)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.clinic",
            "--clients",
            str(clients),
            "--sessions-per-client",
            str(sessions_per_client),
            "--seed",
            str(seed),
        ],
        check=True,
        cwd=ROOT,
        env=env,
    )
    return database_url


# --------------------------------------------------------------------------- in the process


def _fk_fields(model: Any) -> list[Any]:
    return [
        f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


def _ordered_models() -> list[Any]:
    """Client-record models, parents before children."""
    from django.core.serializers import sort_dependencies

    from myomap.interop.snapshot import kept_models

    shared = {"clinics", "auth", "contenttypes", "sessions", "admin", "django_tasks_database"}
    found = [m for m in kept_models() if m._meta.app_label not in shared | NOT_COPIED]
    by_app: dict[Any, list[Any]] = {}
    for m in found:
        by_app.setdefault(m._meta.app_config, []).append(m)
    ordered = sort_dependencies([(app, models) for app, models in by_app.items()])
    # Dependencies through foreign keys decide the order; sort_dependencies only follows
    # natural keys, so order again by the foreign-key graph.
    result: list[Any] = []
    pending = list(ordered)
    while pending:
        for m in pending:
            parents = {f.related_model for f in _fk_fields(m)} - {m}
            if all(p in result or p not in pending for p in parents):
                result.append(m)
                pending.remove(m)
                break
        else:
            raise RuntimeError(f"foreign-key cycle among {pending}")
    return result


class Template:
    """One service-made client's rows, and which rows belong to which finished session."""

    def __init__(self, patient: Any, models: list[Any]) -> None:
        from myomap.notes.chain import HEAD_OBJECT
        from myomap.patients.models import Patient
        from myomap.sessions.models import TreatmentSession

        self.rows: list[tuple[Any, list[Any]]] = []
        owned: dict[Any, set[Any]] = {Patient: {patient.pk}}
        self.session_of: dict[tuple[Any, Any], int] = {}
        dropped: dict[Any, set[Any]] = {}
        for model in models:
            if model is Patient:
                self.rows.append((Patient, [patient]))
                continue
            fks = [f for f in _fk_fields(model) if owned.get(f.related_model)]
            if not fks:
                continue
            from django.db.models import Q

            match = Q()
            for f in fks:
                match |= Q(**{f"{f.attname}__in": owned[f.related_model]})
            objs = list(model._base_manager.filter(match).order_by("pk"))
            kept = []
            for obj in objs:
                session = None
                bad = False
                for f in _fk_fields(model):
                    value = getattr(obj, f.attname)
                    if value is None:
                        continue
                    if value in dropped.get(f.related_model, set()):
                        bad = True
                    if f.related_model is TreatmentSession:
                        session = value
                    elif (f.related_model, value) in self.session_of:
                        session = self.session_of[(f.related_model, value)]
                if model is TreatmentSession:
                    session = obj.pk
                    bad = bad or obj.status == "in_progress"
                # A copy's chain gets heads of its own when it is re-chained.
                bad = bad or getattr(obj, "object_type", None) == HEAD_OBJECT
                if bad:
                    dropped.setdefault(model, set()).add(obj.pk)
                    continue
                if session is not None:
                    self.session_of[(model, obj.pk)] = session
                kept.append(obj)
            owned[model] = {o.pk for o in kept}
            self.rows.append((model, kept))
        sessions = dict(self.rows).get(TreatmentSession, [])
        self.sessions = sorted((s.pk for s in sessions), key=lambda pk: pk)


def _unique_fields(model: Any) -> list[Any]:
    """Unique values of their own (private-link token hashes), not one-to-one links."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.unique and not f.primary_key and not f.is_relation
    ]


def _copy_row(model: Any, pk: Any, rng: Any) -> Any:
    """A copy of ``model``'s row ``pk`` (already a copy) with fresh unique values; its id."""
    row = model._base_manager.get(pk=pk)
    row.pk = None
    for f in _unique_fields(model):
        setattr(row, f.attname, f"{rng.getrandbits(256):064x}")
    row.save(force_insert=True)
    return row.pk


def _clone(template: Template, person: dict[str, Any], sessions_per_client: int, rng: Any) -> int:
    """Copy ``template`` as a new client with ``person``'s details; returns the patient id."""
    from myomap.patients.models import Patient, PatientSearchKey, digits_only
    from myomap.patients.search_keys import search_key_rows
    from myomap.sessions.models import TreatmentSession

    copies: dict[int, list[int]] = {pk: [] for pk in template.sessions}
    if template.sessions:
        for j in range(sessions_per_client):
            copies[template.sessions[j % len(template.sessions)]].append(j)
    from myomap.common.models import PrivateLink

    remap: dict[Any, dict[tuple[Any, int], Any]] = {}
    claimed: dict[Any, set[Any]] = {}
    patient: Any = None
    for model, objs in template.rows:
        if model is PatientSearchKey:
            # The copy's own keys, from its own name and contact, as the services write them.
            model._base_manager.bulk_create(search_key_rows([patient], model), batch_size=500)
            continue
        new_objs: list[Any] = []
        keys: list[tuple[Any, int]] = []
        uniques = _unique_fields(model)
        for obj in objs:
            session = template.session_of.get((model, obj.pk))
            indices = copies.get(session, []) if session is not None else [0]
            for j in indices:
                copy = model.__new__(model)
                copy.__dict__ = {**obj.__dict__, "_state": type(obj._state)()}
                copy.pk = None
                for f in _fk_fields(model):
                    value = getattr(obj, f.attname)
                    if f.related_model._meta.app_label in NOT_COPIED:
                        setattr(copy, f.attname, None)  # e.g. a session's appointment
                        continue
                    table = remap.get(f.related_model)
                    if value is None or table is None:
                        continue
                    target = table.get((value, j), table.get((value, 0), value))
                    if f.related_model is PrivateLink:
                        # A link's shared row is copied once with the client, its detail (a
                        # home program link) once per copy of its session: one row each.
                        if target in claimed.setdefault(f.related_model, set()):
                            target = _copy_row(f.related_model, target, rng)
                        claimed[f.related_model].add(target)
                    setattr(copy, f.attname, target)
                for f in uniques:
                    setattr(copy, f.attname, f"{rng.getrandbits(256):064x}")
                if model is Patient:
                    for name, value in person.items():
                        setattr(copy, name, value)
                    copy.phone_digits = digits_only(person["phone"])
                    copy.first_screened_at = None  # marked from the copies' own screenings
                if model is TreatmentSession:
                    copy.number = j + 1
                new_objs.append(copy)
                keys.append((obj.pk, j))
        created = model._base_manager.bulk_create(new_objs, batch_size=500)
        remap[model] = {key: c.pk for key, c in zip(keys, created, strict=True)}
        if model is Patient:
            patient = created[0]
    return int(patient.pk)


def _rechain(patient_ids: list[int]) -> None:
    """Number and hash the copies' signed notes and amendments as signing would have."""
    from myomap.notes.chain import keyed_hash, record_chain_head
    from myomap.notes.models import NoteAmendment, NoteStatus, SoapNote
    from myomap.notes.selectors import amendment_content, note_content
    from myomap_core import soap

    notes = list(
        SoapNote.objects.filter(patient_id__in=patient_ids, status=NoteStatus.SIGNED)
        .select_related("session", "patient__clinic")
        .order_by("patient_id", "session__number")
    )
    amendments: dict[int, list[Any]] = {}
    for a in NoteAmendment.objects.filter(note__patient_id__in=patient_ids).order_by("pk"):
        amendments.setdefault(a.note_id, []).append(a)
    changed_notes, changed_amendments = [], []
    previous: dict[int, tuple[int, str]] = {}
    for note in notes:
        position, last = previous.get(note.patient_id, (0, soap.GENESIS))
        position += 1
        note.chain_position, note.previous_hash = position, last
        note.content_hash = keyed_hash(note_content(note), last)
        last = note.content_hash
        changed_notes.append(note)
        for a in amendments.get(note.pk, []):
            position += 1
            a.chain_position, a.previous_hash = position, last
            a.content_hash = keyed_hash(amendment_content(a), last)
            last = a.content_hash
            changed_amendments.append(a)
        previous[note.patient_id] = (position, last)
    fields = ["chain_position", "previous_hash", "content_hash"]
    SoapNote.objects.bulk_update(changed_notes, fields, batch_size=500)
    NoteAmendment.objects.bulk_update(changed_amendments, fields, batch_size=500)
    patients = {n.patient_id: n.patient for n in notes}
    for patient_id, (position, last) in previous.items():
        patient = patients[patient_id]
        record_chain_head(
            clinic=patient.clinic, patient=patient, seq=position, digest=last, actor=None
        )


def generate(*, clients: int, sessions_per_client: int, seed: int) -> dict[str, Any]:
    """In a process whose settings name the target database: fill it."""
    import random
    from datetime import date, timedelta

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from myomap.demo import DEMO_SLUG, demo_load
    from myomap.outcomes.standing import standings_rebuild
    from myomap.patients.models import Patient
    from myomap.screening.first_screened import first_screened_fill

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Patient.objects.exists():
        raise SystemExit("bench clinic: the database is not empty; give a fresh one")
    demo_load()
    services_s = time.perf_counter() - started
    models = _ordered_models()
    sample = Patient.objects.filter(clinic__slug=DEMO_SLUG).order_by("pk")
    templates = [Template(p, models) for p in sample]
    templates = [t for t in templates if t.sessions] or templates
    rng = random.Random(seed)
    made = sample.count()
    batch: list[int] = []
    while made < clients:
        with transaction.atomic():
            for _ in range(min(100, clients - made)):
                made += 1
                person = {
                    "first_name": rng.choice(FIRST),
                    "last_name": rng.choice(LAST),
                    "preferred_name": "",
                    "date_of_birth": date(1940, 1, 1) + timedelta(days=rng.randrange(29_000)),
                    "phone": f"0117 496 {rng.randrange(10_000):04d}",
                    "email": f"client{made}@example.org",
                }
                batch.append(_clone(rng.choice(templates), person, sessions_per_client, rng))
            _rechain(batch)
            batch = []
        if made % 500 == 0:
            print(f"bench clinic: {made} clients", file=sys.stderr, flush=True)
    # The copies carry their template's standing; work each out from its own responses.
    standings_rebuild()
    first_screened_fill()  # the copies' screenings were inserted in bulk
    _settle()
    return {"clients": made, "services_s": services_s, "total_s": time.perf_counter() - started}


def _settle() -> None:
    """On PostgreSQL, vacuum and analyse what the bulk copies wrote, as autovacuum does on a
    clinic that grew to this size over years, then write the dirty pages out (``CHECKPOINT``).
    Otherwise autovacuum workers and the checkpointer would work through these tables while
    pages are being measured, and the measurements would time them too. ``CHECKPOINT`` needs
    a superuser or a member of ``pg_checkpoint`` (PostgreSQL 15+); without it the clinic is
    only vacuumed, and this says so. SQLite is left as the application leaves it (no
    statistics)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute(MAY_CHECKPOINT)
        if cursor.fetchone()[0]:
            cursor.execute("CHECKPOINT")
        else:
            print(
                "bench clinic: this role may not CHECKPOINT (grant it pg_checkpoint): the "
                "copies' pages may still be written out while pages are measured",
                file=sys.stderr,
            )


MAY_CHECKPOINT = """
    SELECT me.rolsuper OR EXISTS (
        SELECT 1 FROM pg_roles AS role
        WHERE role.rolname = 'pg_checkpoint' AND pg_has_role(me.oid, role.oid, 'USAGE')
    )
    FROM pg_roles AS me WHERE me.rolname = current_user
"""
"""Whether this role may ``CHECKPOINT``: a superuser, or a member of ``pg_checkpoint``."""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench clinic")
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--sessions-per-client", type=int, default=20)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--database-url", help="a fresh database (default: DATABASE_URL)")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.sessions_per_client < 1:
        print(
            "bench clinic: --clients and --sessions-per-client must be 1 or more",
            file=sys.stderr,
        )
        return 2
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    done = generate(
        clients=args.clients, sessions_per_client=args.sessions_per_client, seed=args.seed
    )
    print(
        f"bench clinic: {done['clients']} clients in {done['total_s']:.0f} s "
        f"(the service-made sample {done['services_s']:.0f} s) into "
        f"{os.environ.get('DATABASE_URL', 'var/myomap.sqlite3')}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
