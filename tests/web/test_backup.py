"""Backup and restore of the whole clinic: the restore drill and every refusal."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import stat
import tarfile
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connections

from myomap.cli import main
from myomap.clinics.models import Clinic
from myomap.common.models import AuditEvent
from myomap.demo import demo_load
from myomap.interop import crypto, snapshot
from myomap.interop.archive import DATABASE, KEYS, MANIFEST
from myomap.interop.crypto import ArchiveError, EncryptingWriter, WrongPassphrase
from myomap.interop.selectors import backup_files, backup_status, retained
from myomap.interop.services import (
    RestoreRefused,
    backup_create,
    backup_nightly,
    backup_restore,
    backup_verify,
)
from myomap.notes.models import SoapNote

PASSPHRASE = "harbour street backup phrase"
PG_SERVER = "postgres://myomap:myomap@127.0.0.1:54329/postgres"


def _files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _tables(using: str) -> dict[str, list[dict[str, Any]]]:
    """Every kept table's rows in primary-key order; many-to-many links without their own id
    (the serializer keeps the link, not the link row's number)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in snapshot.kept_models(with_links=True):
        manager = model._base_manager.using(using)
        if model._meta.auto_created:
            fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
            tables[model._meta.label_lower] = sorted(
                manager.values(*fields), key=lambda row: tuple(row.values())
            )
        else:
            tables[model._meta.label_lower] = list(manager.order_by("pk").values())
    return tables


@pytest.fixture
def demo(db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    demo_load()
    return Clinic.objects.get(slug="harbour-street")


@pytest.fixture
def fresh_sqlite(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A new, empty SQLite database file of the test's own."""
    base = dict(connections["default"].settings_dict)
    base.update(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "fresh.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE"},
            "CONN_MAX_AGE": 0,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
        }
    )
    with snapshot.extra_database("fresh_sqlite", base) as alias:
        yield alias


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database on the local server, dropped afterwards."""
    name = f"myomap_restore_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:  # pragma: no cover - CI always has the server
        pytest.skip(f"no PostgreSQL server on 127.0.0.1:54329 ({exc})")
    admin.execute(f'CREATE DATABASE "{name}"')
    base = dict(connections["default"].settings_dict)
    base.update(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": "myomap",
            "PASSWORD": "myomap",
            "HOST": "127.0.0.1",
            "PORT": "54329",
            "OPTIONS": {},
            "CONN_MAX_AGE": 0,
        }
    )
    try:
        with snapshot.extra_database("fresh_postgres", base) as alias:
            yield alias
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _drill(demo: Clinic, tmp_path: Path, target: str) -> None:
    from django.conf import settings
    from django.contrib.auth.models import Permission

    jo = demo.users.get(username="jo")
    jo.user_permissions.add(Permission.objects.get(codename="view_user"))
    expected_tables = _tables("default")
    expected_files = _files(Path(settings.MEDIA_ROOT))
    assert expected_files, "the demo clinic has posture photos"
    assert SoapNote.objects.filter(status="signed").exists()

    result = backup_create(passphrase=PASSPHRASE, to=tmp_path)
    restored_files = tmp_path / "restored-private"
    done = backup_restore(
        archive=result.path, passphrase=PASSPHRASE, using=target, files_root=restored_files
    )

    got = _tables(target)
    restore_row = got["common.auditevent"].pop()
    assert restore_row["summary"].startswith(f"Restored from backup {result.path.name}")
    assert got == expected_tables
    assert _files(restored_files) == expected_files
    assert done.files == len(expected_files)
    assert snapshot.chain_heads(target) == snapshot.chain_heads("default")
    assert snapshot.chain_heads(target)  # the demo's signed notes form a chain
    assert snapshot.chain_problems(target) == []
    assert snapshot.applied_migrations(target) == snapshot.applied_migrations("default")


def test_restore_drill_into_a_fresh_sqlite_database(demo, tmp_path, fresh_sqlite):  # type: ignore[no-untyped-def]
    _drill(demo, tmp_path, fresh_sqlite)


def test_restore_drill_into_a_fresh_postgresql_database(demo, tmp_path, fresh_postgres):  # type: ignore[no-untyped-def]
    _drill(demo, tmp_path, fresh_postgres)


def test_archive_and_folder_are_owner_only_and_manifest_complete(demo, settings):  # type: ignore[no-untyped-def]
    result = backup_create(passphrase=PASSPHRASE)
    assert result.path.parent == settings.VAR_DIR / "backups"
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(result.path.parent.stat().st_mode) == 0o700
    manifest = backup_verify(archive=result.path, passphrase=PASSPHRASE)
    assert manifest["counts"]["patients.patient"] == 12
    assert (
        manifest["migrations"]["screening"] == snapshot.applied_migrations("default")["screening"]
    )
    assert "0003_clearance_attested" in manifest["migrations"]["screening"]
    assert DATABASE in manifest["members"]
    assert any(name.startswith("files/") for name in manifest["members"])
    assert all(len(digest) == 64 for digest in manifest["members"].values())
    assert manifest["note_chains"] == snapshot.chain_heads("default")
    assert PASSPHRASE.encode() not in result.path.read_bytes()
    assert b"Harbour" not in result.path.read_bytes()
    assert AuditEvent.objects.filter(summary__startswith="Backup written").count() == 1


# --------------------------------------------------------------------------- refusals


def _refused(archive: Path, target: str, message: str, passphrase: str = PASSPHRASE) -> None:
    with pytest.raises(ArchiveError, match=message):
        backup_restore(archive=archive, passphrase=passphrase, using=target)
    assert not any(snapshot.row_counts(target).values()), "nothing may be written"


def test_wrong_passphrase_is_refused_before_anything(demo, tmp_path, fresh_sqlite):  # type: ignore[no-untyped-def]
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    with pytest.raises(WrongPassphrase):
        backup_verify(archive=archive, passphrase="not the phrase")
    _refused(archive, fresh_sqlite, "wrong passphrase", passphrase="not the phrase")
    assert connections[fresh_sqlite].introspection.table_names() == []


def test_tampered_archive_is_refused(demo, tmp_path, fresh_sqlite):  # type: ignore[no-untyped-def]
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    _refused(archive, fresh_sqlite, "damaged or changed|cut short")


def test_truncated_archive_is_refused_even_between_chunks(
    demo, tmp_path, fresh_sqlite, monkeypatch
):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(crypto, "CHUNK", 4096)
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    whole = archive.read_bytes()
    with archive.open("rb") as f:
        raw, _ = crypto.read_header(f)
    start = len(crypto.MAGIC) + 4 + len(raw)
    assert len(whole) > start + 3 * (4096 + crypto.TAG), "several chunks"
    archive.write_bytes(whole[: start + 2 * (4096 + crypto.TAG)])  # exactly two whole chunks
    _refused(archive, fresh_sqlite, "cut short")
    archive.write_bytes(whole[:-100])
    _refused(archive, fresh_sqlite, "cut short")
    archive.write_bytes(whole[:10])
    _refused(archive, fresh_sqlite, "not a Myomap backup")


def _repack(archive: Path, edit: Callable[[dict[str, bytes]], None]) -> Path:
    """Decrypt, let ``edit`` change the members, re-encrypt with the same passphrase."""
    plain = io.BytesIO()
    with archive.open("rb") as f:
        crypto.decrypt_to(f, PASSPHRASE, plain)
    members: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(plain.getvalue()), mode="r:gz") as tar:
        for m in tar:
            handle = tar.extractfile(m)
            assert handle is not None
            members[m.name] = handle.read()
    edit(members)
    out = archive.with_name("edited" + archive.name)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as gz, tarfile.open(fileobj=gz, mode="w|") as tar:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    with out.open("wb") as raw:
        writer = EncryptingWriter(raw, PASSPHRASE)
        writer.write(buffer.getvalue())
        writer.close()
    return out


def _as_older(
    archive: Path,
    *,
    rows: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    applied: Callable[[str, str], bool],
) -> Path:
    """``archive`` as an older Myomap wrote it: its rows through ``rows``, only the migrations
    ``applied(app, name)`` keeps, and the manifest's counts and digest to match."""

    def edit(members: dict[str, bytes]) -> None:
        data = rows(json.loads(members[DATABASE]))
        members[DATABASE] = json.dumps(data).encode()
        manifest = json.loads(members[MANIFEST])
        present = {row["model"] for row in data}
        manifest["counts"] = {m: n for m, n in manifest["counts"].items() if m in present or not n}
        manifest["migrations"] = {
            app: [name for name in names if applied(app, name)]
            for app, names in manifest["migrations"].items()
        }
        manifest["members"][DATABASE] = hashlib.sha256(members[DATABASE]).hexdigest()
        members[MANIFEST] = json.dumps(manifest).encode()

    return _repack(archive, edit)


def _manifest_edit(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, bytes]], None]:
    def edit(members: dict[str, bytes]) -> None:
        manifest = json.loads(members[MANIFEST])
        change(manifest)
        members[MANIFEST] = json.dumps(manifest).encode()

    return edit


def test_member_that_does_not_match_its_checksum_is_refused(demo, tmp_path, fresh_sqlite):  # type: ignore[no-untyped-def]
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path

    def edit(members: dict[str, bytes]) -> None:
        members[DATABASE] = members[DATABASE].replace(b"Harbour", b"Harb0ur", 1)

    _refused(_repack(archive, edit), fresh_sqlite, f"{DATABASE} does not match its SHA-256")


def test_archive_of_a_newer_myomap_is_refused(demo, tmp_path, fresh_sqlite):  # type: ignore[no-untyped-def]
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    newer = _repack(
        archive,
        _manifest_edit(lambda m: m["migrations"]["screening"].append("0099_from_the_future")),
    )
    _refused(newer, fresh_sqlite, "newer Myomap.*screening.0099_from_the_future")
    layout = _repack(archive, _manifest_edit(lambda m: m.update(archive_format=9)))
    _refused(layout, fresh_sqlite, "newer Myomap")


def test_archive_of_an_older_myomap_is_migrated_forward(demo, tmp_path, fresh_sqlite):  # type: ignore[no-untyped-def]
    """An archive written before clearances had ``attested`` loads, then gains the column."""
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    assert demo  # the demo has clearances

    def without_attested(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in rows:
            if row["model"] == "screening.clearance":
                row["fields"].pop("attested")
        return rows

    # The archive of a Myomap whose screening schema ended at 0002.
    older = _as_older(
        archive,
        rows=without_attested,
        applied=lambda app, name: app != "screening" or name[:4] <= "0002",
    )
    done = backup_restore(
        archive=older, passphrase=PASSPHRASE, using=fresh_sqlite, files_root=tmp_path / "f"
    )
    assert ("screening", "0002_trigger_answers_checkin") in done.migrated_from
    applied = snapshot.applied_migrations(fresh_sqlite)
    assert "0003_clearance_attested" in applied["screening"]
    from myomap.screening.models import Clearance

    archived = Clearance.objects.count()
    assert Clearance.objects.using(fresh_sqlite).count() == archived
    assert not Clearance.objects.using(fresh_sqlite).filter(attested=True).exists()


def test_an_older_archives_clients_are_marked_from_their_screenings(demo, tmp_path, fresh_sqlite):  # type: ignore[no-untyped-def]
    """An archive from before clients recorded their first screening gains the marks on the way
    forward, so the dashboard's never-screened list reads as before."""
    from myomap.patients.models import Patient

    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    marked = dict(Patient.objects.values_list("pk", "first_screened_at"))
    assert any(marked.values()), "the demo has screened clients"

    def unmarked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for row in rows:
            if row["model"] == "patients.patient":
                row["fields"].pop("first_screened_at")
        return rows

    # The archive of a Myomap whose clients' schema ended before the mark (0004).
    before = {"patients": "0003", "screening": "0004"}
    older = _as_older(
        archive, rows=unmarked, applied=lambda app, name: name[:4] <= before.get(app, "9999")
    )
    done = backup_restore(
        archive=older,
        passphrase=PASSPHRASE,
        using=fresh_sqlite,
        files_root=tmp_path / "f",
    )
    assert ("patients", "0003_search_keys_backfill") in done.migrated_from
    restored = Patient.objects.using(fresh_sqlite).values_list("pk", "first_screened_at")
    assert dict(restored) == marked


OLD_LINKS = {"intake.intakelink", "aftercare.homeprogramlink"}
"""The demo's kinds of link, which held their own token and expiry before the shared table."""
SHARED_BEFORE = ("clinic", "patient", "token_hash", "created_by", "created_at", "expires_at",
                 "revoked_at", "last_opened_at")  # fmt: skip


@pytest.mark.parametrize("fresh", ["fresh_sqlite", "fresh_postgres"])
def test_an_older_archives_links_move_to_the_shared_table(demo, tmp_path, request, fresh):  # type: ignore[no-untyped-def]
    """An archive whose links still had their own columns gains one shared row per link, with
    the same token hash, state and detail id."""
    from myomap.aftercare.models import HomeProgramLink

    target = request.getfixturevalue(fresh)
    from myomap.intake.models import IntakeLink

    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    before = {
        (type(d).__name__, d.pk): (d.private.token_hash, d.private.state)
        for d in [*IntakeLink.objects.all(), *HomeProgramLink.objects.all()]
    }
    assert {kind for kind, _ in before} == {"IntakeLink", "HomeProgramLink"}

    def links_of_old(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        shared = {r["pk"]: r["fields"] for r in rows if r["model"] == "common.privatelink"}
        older = []
        for row in rows:
            if row["model"] == "common.privatelink":
                continue
            if row["model"] in OLD_LINKS:
                link = shared[row["fields"].pop("private")]
                row["fields"] |= {name: link[name] for name in SHARED_BEFORE}
                if row["model"] == "intake.intakelink":
                    row["fields"]["sent_to"] = link["sent_to"]
            older.append(row)
        return older

    older = _as_older(
        archive,
        rows=links_of_old,
        applied=lambda app, name: not name.endswith(("_private_link", "_private_links")),
    )
    done = backup_restore(
        archive=older,
        passphrase=PASSPHRASE,
        using=target,
        files_root=tmp_path / "f",
    )
    assert ("intake", "0002_finer_foot_and_forearm_regions") in done.migrated_from
    restored = {
        (type(d).__name__, d.pk): (d.private.token_hash, d.private.state)
        for d in [
            *IntakeLink.objects.using(target).select_related("private__patient"),
            *HomeProgramLink.objects.using(target).select_related("private__patient"),
        ]
    }
    assert restored == before


def test_non_empty_database_needs_force_and_gets_a_safety_backup(demo, tmp_path, fresh_sqlite):  # type: ignore[no-untyped-def]
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    backup_restore(archive=archive, passphrase=PASSPHRASE, using=fresh_sqlite, files_root=tmp_path)
    clients = snapshot.row_counts(fresh_sqlite)["patients.patient"]
    with pytest.raises(RestoreRefused, match=r"not empty.*--force"):
        backup_restore(archive=archive, passphrase=PASSPHRASE, using=fresh_sqlite)
    safety_dir = tmp_path / "safety"
    safety_dir.mkdir()
    done = backup_restore(
        archive=archive,
        passphrase=PASSPHRASE,
        using=fresh_sqlite,
        force=True,
        files_root=tmp_path / "again",
        safety_dir=safety_dir,
    )
    assert done.safety_backup is not None and done.safety_backup.parent == safety_dir
    safety = backup_verify(archive=done.safety_backup, passphrase=PASSPHRASE)
    assert safety["counts"]["patients.patient"] == clients
    assert snapshot.row_counts(fresh_sqlite)["patients.patient"] == clients


# --------------------------------------------------------------------------- keys


OTHER_NOTE_KEY, OTHER_TOKEN_KEY = "n" * 50, "t" * 50


def _other_machine(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """This process as a fresh machine: its own var/ with keys of its own."""
    var = tmp_path / "other-machine"
    var.mkdir()
    (var / "note_key").write_text(OTHER_NOTE_KEY)
    (var / "token_key").write_text(OTHER_TOKEN_KEY)
    settings.VAR_DIR = var
    settings.NOTE_CHAIN_KEY = OTHER_NOTE_KEY.encode()
    settings.API_TOKEN_KEY = OTHER_TOKEN_KEY.encode()
    return var


def test_restore_on_another_machine_installs_the_archives_keys(  # type: ignore[no-untyped-def]
    demo, settings, tmp_path, fresh_sqlite, monkeypatch
):
    """Signed notes verify and API tokens still work after a restore onto a machine whose own
    keys differ: the archive carries the keys and the restore puts them in var/."""
    monkeypatch.delenv("MYOMAP_NOTE_KEY", raising=False)
    monkeypatch.delenv("MYOMAP_TOKEN_KEY", raising=False)
    from myomap.apitokens.models import ApiToken
    from myomap.apitokens.services import token_create, token_digest

    jo = demo.users.get(username="jo")
    _row, token = token_create(actor=jo, name="reports", scope="read", days=30)
    note_key, token_key = bytes(settings.NOTE_CHAIN_KEY), bytes(settings.API_TOKEN_KEY)
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    var = _other_machine(settings, tmp_path)

    done = backup_restore(
        archive=archive, passphrase=PASSPHRASE, using=fresh_sqlite, files_root=tmp_path / "f"
    )

    assert done.keys_installed == ["signed-note", "API token and recovery code"]
    assert (var / "note_key").read_bytes() == note_key
    assert (var / "token_key").read_bytes() == token_key
    assert stat.S_IMODE((var / "note_key").stat().st_mode) == 0o600
    assert note_key == settings.NOTE_CHAIN_KEY and token_key == settings.API_TOKEN_KEY
    assert snapshot.chain_problems(fresh_sqlite) == []
    assert ApiToken.objects.using(fresh_sqlite).filter(digest=token_digest(token)).exists()
    assert not list(var.glob("*.part"))


def test_a_key_the_environment_fixes_to_another_value_is_refused_first(  # type: ignore[no-untyped-def]
    demo, settings, tmp_path, fresh_sqlite, monkeypatch
):
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    var = _other_machine(settings, tmp_path)
    monkeypatch.setenv("MYOMAP_NOTE_KEY", OTHER_NOTE_KEY)
    _refused(archive, fresh_sqlite, "sets MYOMAP_NOTE_KEY: unset it")
    assert (var / "note_key").read_text() == OTHER_NOTE_KEY
    assert OTHER_NOTE_KEY.encode() == settings.NOTE_CHAIN_KEY


def test_a_failed_restore_leaves_this_machines_keys(  # type: ignore[no-untyped-def]
    demo, settings, tmp_path, fresh_sqlite, monkeypatch
):
    monkeypatch.delenv("MYOMAP_NOTE_KEY", raising=False)
    monkeypatch.delenv("MYOMAP_TOKEN_KEY", raising=False)
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path
    var = _other_machine(settings, tmp_path)

    def fail(manifest: dict[str, Any], using: str) -> None:
        raise ArchiveError("after loading, something differs")

    monkeypatch.setattr("myomap.interop.services._check_loaded", fail)
    _refused(archive, fresh_sqlite, "something differs")
    assert (var / "note_key").read_text() == OTHER_NOTE_KEY
    assert (var / "token_key").read_text() == OTHER_TOKEN_KEY
    assert OTHER_NOTE_KEY.encode() == settings.NOTE_CHAIN_KEY


def test_an_archive_written_before_keys_travelled_restores_on_its_own_machine(  # type: ignore[no-untyped-def]
    demo, tmp_path, fresh_sqlite
):
    archive = backup_create(passphrase=PASSPHRASE, to=tmp_path).path

    def edit(members: dict[str, bytes]) -> None:
        del members[KEYS]
        manifest = json.loads(members[MANIFEST])
        del manifest["members"][KEYS]
        manifest["archive_format"] = 1
        members[MANIFEST] = json.dumps(manifest).encode()

    done = backup_restore(
        archive=_repack(archive, edit),
        passphrase=PASSPHRASE,
        using=fresh_sqlite,
        files_root=tmp_path / "f",
    )
    assert done.keys_installed == []
    assert snapshot.chain_problems(fresh_sqlite) == []


# --------------------------------------------------------------------------- command line


def test_command_line_backup_verify_and_refused_restore(demo, tmp_path, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("MYOMAP_BACKUP_PASSPHRASE", raising=False)
    monkeypatch.delenv("MYOMAP_BACKUP_PASSPHRASE_FILE", raising=False)
    phrase = tmp_path / "phrase"
    phrase.write_text(PASSPHRASE + "\n")
    assert main(["backup", "--to", str(tmp_path)]) == 2
    assert "a passphrase is needed" in capsys.readouterr().err
    assert main(["backup", "--to", str(tmp_path), "--passphrase-file", str(phrase)]) == 0
    archive = next(tmp_path.glob("*.myomap-backup"))
    assert "Backup written" in capsys.readouterr().out
    assert main(["backup", "--verify", str(archive), "--passphrase-file", str(phrase)]) == 0
    assert "12 clients" in capsys.readouterr().out
    wrong = tmp_path / "wrong"
    wrong.write_text("something else")
    assert main(["backup", "--verify", str(archive), "--passphrase-file", str(wrong)]) == 2
    assert "wrong passphrase" in capsys.readouterr().err
    before = snapshot.row_counts("default")
    assert main(["restore", str(archive), "--passphrase-file", str(phrase)]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "Nothing was changed" in err
    assert snapshot.row_counts("default") == before


# --------------------------------------------------------------------------- nightly


def _fake(folder: Path, when: datetime) -> Path:
    path = folder / f"myomap-{when:%Y%m%d-%H%M%S}.myomap-backup"
    path.write_bytes(b"old")
    return path


def test_retention_keeps_seven_days_and_four_weeks(tmp_path):  # type: ignore[no-untyped-def]
    now = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # a Friday
    for day in range(40):
        for hour in (1, 13):
            _fake(tmp_path, now - timedelta(days=day, hours=hour))
    keep = retained(backup_files(tmp_path), now=now)
    kept = sorted(b.written_at for b in backup_files(tmp_path) if b.path in keep)
    days = {k.date() for k in kept}
    # The newest of each of the last 7 days ...
    for day in range(7):
        assert (now - timedelta(days=day)).date() in days or day == 0
    # ... and of each of the last 4 ISO weeks; nothing older than 4 weeks.
    assert len({k.isocalendar()[:2] for k in kept}) == 4
    assert min(kept) > now - timedelta(weeks=4)
    assert len(kept) <= 7 + 4
    for day_kept in days:
        same_day = [k for k in kept if k.date() == day_kept]
        assert len(same_day) == 1


def test_nightly_backup_prunes_and_status_warns_when_stale(demo, tmp_path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "nightly"
    folder.mkdir()
    now = datetime.now(UTC)
    status = backup_status(now=now, folder=folder)
    assert status.overdue and "No backup" in status.message
    ancient = _fake(folder, now - timedelta(days=90))
    assert backup_status(now=now, folder=folder).overdue  # a file that is no archive
    result = backup_nightly(passphrase=PASSPHRASE, now=now, folder=folder)
    assert result.path.exists() and not ancient.exists()
    assert not backup_status(now=now, folder=folder).overdue
    later = backup_status(now=now + timedelta(days=2, hours=1), folder=folder)
    assert later.overdue and "2 days old" in later.message


# --------------------------------------------------------------------------- the owner's warning


def test_owner_dashboard_warns_until_a_backup_is_made(
    client, owner, therapist, settings, tmp_path, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    from django.urls import reverse

    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    client.force_login(owner)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("outcomes:dashboard"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Back up this clinic." in text and "No backup of this clinic has been made yet" in text
    client.force_login(therapist)
    assert "data-backup-warning" not in client.get(reverse("outcomes:dashboard")).content.decode()
    backup_create(passphrase=PASSPHRASE)
    client.force_login(owner)
    assert "data-backup-warning" not in client.get(reverse("outcomes:dashboard")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_backup_while_the_application_runs_reads_one_consistent_snapshot(
    settings, tmp_path, fresh_sqlite
):  # type: ignore[no-untyped-def]
    """Outside a transaction (as from the command line) the dump reads a snapshot copy."""
    from myomap.patients.models import Patient

    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    clinic = Clinic.objects.create(name="Snapshot Clinic", slug="snap", timezone="UTC")
    Patient.objects.create(
        clinic=clinic, first_name="Ada", last_name="Byron", date_of_birth="1980-12-10"
    )
    assert not connections["default"].in_atomic_block
    result = backup_create(passphrase=PASSPHRASE, to=tmp_path)
    assert result.manifest["engine"] == connections["default"].vendor
    assert result.manifest["counts"]["patients.patient"] == 1
    backup_restore(
        archive=result.path, passphrase=PASSPHRASE, using=fresh_sqlite, files_root=tmp_path / "f"
    )
    restored = Patient.objects.using(fresh_sqlite).get()
    assert (restored.first_name, restored.clinic_id) == ("Ada", clinic.pk)
