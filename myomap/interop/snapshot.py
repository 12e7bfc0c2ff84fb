"""The database in a form any engine can load: Django's serializer over every model.

The dump is taken from a consistent snapshot while the application keeps running: on SQLite
the online backup API copies the database into a private file first and the dump reads that
copy; on PostgreSQL the dump runs in one repeatable-read, read-only transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import Deserializer as JsonDeserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JsonSerializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.db.utils import load_backend

from myomap.notes.selectors import chain_rows

EXCLUDED_APPS = ("contenttypes", "sessions")
"""Rebuilt by ``migrate`` (content types) or not worth keeping (login sessions)."""
EXCLUDED_MODELS = ("auth.permission",)
SNAPSHOT_ALIAS = "backup_snapshot"


def _kept(model: type[Model]) -> bool:
    meta = model._meta
    return (
        meta.managed
        and not meta.proxy
        and meta.app_label not in EXCLUDED_APPS
        and meta.label_lower not in EXCLUDED_MODELS
    )


def kept_models(*, with_links: bool = False) -> list[type[Model]]:
    """The models a backup carries; ``with_links`` adds the many-to-many link tables."""
    return [m for m in apps.get_models(include_auto_created=with_links) if _kept(m)]


def row_counts(using: str, *, links: bool = False) -> dict[str, int]:
    """Rows per model (or, with ``links``, per many-to-many link table) in ``using``."""
    tables = set(connections[using].introspection.table_names())
    models = [m for m in kept_models(with_links=links) if bool(m._meta.auto_created) == links]
    return {
        m._meta.label_lower: m._base_manager.using(using).count()
        for m in models
        if m._meta.db_table in tables
    }


def applied_migrations(using: str) -> dict[str, list[str]]:
    """Every applied migration per app, sorted."""
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def chain_heads(using: str) -> dict[str, dict[str, Any]]:
    """Per client with signed notes: how many entries the chain has, the number of its last
    entry and that entry's keyed hash (the head of the chain)."""
    from myomap.notes.verification import chained_client_ids

    heads: dict[str, dict[str, Any]] = {}
    for patient_id in chained_client_ids(using):
        rows = chain_rows(patient_id, using=using)
        heads[str(patient_id)] = {
            "entries": len(rows),
            "seq": rows[-1].entry.seq if rows else 0,
            "head": rows[-1].entry.stored_hash if rows else "",
        }
    return heads


def chain_problems(using: str, *, keyed: bool = True) -> list[str]:
    """Every signed entry whose hash, link or recorded head no longer matches, as readable
    lines (``keyed=False`` for data archived before the chain had a key)."""
    from myomap.notes.chain import recorded_heads
    from myomap.notes.verification import chained_client_ids, client_chain_problems

    heads = recorded_heads(using)
    found: list[str] = []
    for patient_id in chained_client_ids(using):
        _, problems = client_chain_problems(patient_id, using=using, heads=heads, keyed=keyed)
        found += [f"client {patient_id}: {p.label}: {p.message}" for p in problems]
    return found


def engine(using: str) -> str:
    """``sqlite`` or ``postgresql`` (the vendor name Django gives the engine)."""
    return str(connections[using].vendor)


@contextmanager
def extra_database(alias: str, settings_dict: dict[str, Any]) -> Iterator[str]:
    """A connection under ``alias`` to another database, for the length of the block."""
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


@contextmanager
def consistent_source(workdir: Path, using: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """A database alias holding one consistent state of ``using`` for the length of the block."""
    connection = connections[using]
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        copy = workdir / "snapshot.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        settings = dict(connection.settings_dict)
        settings.update({"NAME": str(copy), "OPTIONS": {}, "CONN_MAX_AGE": 0})
        try:
            with extra_database(SNAPSHOT_ALIAS, settings) as alias:
                yield alias
        finally:
            copy.unlink(missing_ok=True)
        return
    if connection.in_atomic_block:
        # Already inside one transaction (a caller's): what it sees is one state.
        yield using
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield using


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (signed-note hashes cover them)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


REBUILT = ("auth.permission", "contenttypes.contenttype")
"""Rows ``migrate`` recreates with other ids: referred to by natural key."""


class _Serializer(JsonSerializer):
    """Primary keys everywhere, except natural keys for the rows ``migrate`` recreates."""

    def _natural(self, field: Any) -> bool:
        return str(field.remote_field.model._meta.label_lower) in REBUILT

    def handle_fk_field(self, obj: Model, field: Any) -> None:
        self.use_natural_foreign_keys = self._natural(field)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: Model, field: Any) -> None:
        self.use_natural_foreign_keys = self._natural(field)
        super().handle_m2m_field(obj, field)


def _rows(using: str) -> Iterator[Model]:
    """Rows model by model, each model after the models whose natural keys it refers to."""
    by_app: dict[Any, list[type[Model]]] = {}
    for model in kept_models():
        by_app.setdefault(model._meta.app_config, []).append(model)
    for model in serializers.sort_dependencies(by_app.items(), allow_cycles=True):
        yield from model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000)


def dump(path: Path, using: str) -> None:
    """Every kept row of ``using`` as Django JSON, times to the microsecond."""
    with path.open("w", encoding="utf-8") as out:
        _Serializer().serialize(_rows(using), stream=out, cls=ExactEncoder)


class _Loader(JsonDeserializer):
    """Django's JSON deserializer, building rows with the models of a given schema state."""

    registry: Any = apps

    def _get_model_from_node(self, model_identifier: str) -> Any:
        try:
            return self.registry.get_model(model_identifier)
        except (LookupError, TypeError) as exc:
            raise DeserializationError(f"Invalid model identifier: {model_identifier}") from exc


def _insert_raw(rows: list[Any], using: str) -> None:
    """Insert ``rows`` (one model, primary keys set) as they are, in as few statements as the
    database takes, then empty the list. Raw, as Django's own loader saves: no field fills in
    a value of its own (a creation time stays the archived one) and no signal fires."""
    if not rows:
        return
    model = type(rows[0])
    fields = [f for f in model._meta.local_concrete_fields]
    size = connections[using].ops.bulk_batch_size(fields, rows) or len(rows)
    manager = model._base_manager.using(using)
    for start in range(0, len(rows), size):
        manager._insert(rows[start : start + size], fields=fields, using=using, raw=True)
    rows.clear()


def load(path: Path, using: str, targets: list[tuple[str, str]] | None = None) -> None:
    """Load a dump into ``using`` (call inside a transaction): constraints checked at the end,
    primary-key sequences reset. ``targets``: the migration state the dump was written at, so
    an older archive's rows are built with the models of its own schema.
    """
    connection = connections[using]
    loader = _Loader(path.read_text("utf-8"), using=using, handle_forward_references=True)
    if targets is not None:
        loader.registry = MigrationLoader(connection).project_state(targets).apps
    models: set[Any] = set()
    deferred = []
    rows: list[Any] = []
    with connection.constraint_checks_disabled():
        for found in loader:
            model = type(found.object)
            models.add(model)
            if found.m2m_data or found.deferred_fields or model._meta.parents:
                _insert_raw(rows, using)
                found.save(using=using)
                if found.deferred_fields:
                    deferred.append(found)
                continue
            if rows and type(rows[0]) is not model:
                _insert_raw(rows, using)
            rows.append(found.object)
        _insert_raw(rows, using)
        for found in deferred:
            found.save_deferred_fields(using=using)
    connection.check_constraints(table_names=[m._meta.db_table for m in models])
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# --------------------------------------------------------------------------- migrations


def migration_nodes(using: str) -> set[tuple[str, str]]:
    """Every migration this version of Myomap knows."""
    return set(MigrationLoader(connections[using], ignore_no_migrations=True).graph.nodes)


def replaced_migrations(using: str) -> set[tuple[str, str]]:
    """Migrations a squashed migration of the graph stands for. Django records them as applied
    beside the squashed one, so a database (and its archive) lists names the graph does not."""
    graph = MigrationLoader(connections[using], ignore_no_migrations=True).graph
    return {tuple(r) for m in graph.nodes.values() for r in (m.replaces or [])}


def in_graph(archived: dict[str, list[str]], using: str) -> dict[str, list[str]]:
    """The archived migrations as the graph names them (replaced ones left out)."""
    replaced = replaced_migrations(using)
    return {app: [n for n in names if (app, n) not in replaced] for app, names in archived.items()}


def unknown_migrations(archived: dict[str, list[str]], using: str) -> list[str]:
    """Archived migrations this version does not have: the archive is from a newer Myomap."""
    known = migration_nodes(using) | replaced_migrations(using)
    return [
        f"{app}.{name}"
        for app, names in archived.items()
        for name in names
        if (app, name) not in known
    ]


def archive_targets(archived: dict[str, list[str]], using: str) -> list[tuple[str, str]]:
    """The last archived migration of each app: the schema the archive's data fits."""
    graph = MigrationLoader(connections[using], ignore_no_migrations=True).graph
    targets: list[tuple[str, str]] = []
    for app, names in archived.items():
        nodes = {(app, n) for n in names}
        ancestors: set[tuple[str, str]] = set()
        for node in nodes:
            ancestors |= set(graph.forwards_plan(node)) - {node}
        targets += sorted(nodes - ancestors)
    return targets


def migrate_to(targets: list[tuple[str, str]] | None, using: str) -> None:
    """Bring ``using`` to ``targets`` (None: the latest), then rebuild content types."""
    if targets is None:
        call_command("migrate", database=using, interactive=False, verbosity=0)
        return
    connection = connections[using]
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    from django.core.management.sql import emit_post_migrate_signal

    emit_post_migrate_signal(verbosity=0, interactive=False, db=using)
