"""Writing backups and restoring them; importing a client list; exporting and importing a
client's record as FHIR. The only place that writes for this app."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.intake.models import PainMap, PainMapSource, PainMark
from myomap.interop import keys, snapshot
from myomap.interop.archive import SUFFIX, OpenedArchive, opened, private_dir, write_archive
from myomap.interop.clients_csv import DateOrder, Preview, read_clients_csv
from myomap.interop.crypto import ArchiveError
from myomap.interop.fhir_bundle import FhirInvalid, build_bundle
from myomap.interop.fhir_read import BundleIn, PainMapIn, ResponseIn, parse_bundle
from myomap.interop.fhir_selectors import client_record
from myomap.interop.models import ImportedDocument, ImportedKind
from myomap.interop.record_export import RecordZip, record_zip
from myomap.interop.record_selectors import whole_record
from myomap.interop.selectors import PREFIX, STAMP, backup_files, backups_dir, retained
from myomap.outcomes.models import OutcomeResponse
from myomap.outcomes.services import score_answers
from myomap.outcomes.standing import standing_refresh
from myomap.patients.models import Patient
from myomap.patients.services import patient_create, patient_search_keys_rewrite
from myomap_core.errors import DomainError
from myomap_core.outcomes import instrument as outcome_instrument
from myomap_core.pain import PainMark as CorePainMark
from myomap_core.pain import PainQuality

if TYPE_CHECKING:
    from myomap.clinics.models import Clinic


class RestoreRefused(ArchiveError):
    """The target database is not empty and ``force`` was not given."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    manifest: dict[str, Any]


@dataclass(frozen=True)
class RestoreResult:
    counts: dict[str, int]
    files: int
    note_chains: int
    migrated_from: list[tuple[str, str]]
    safety_backup: Path | None
    keys_installed: list[str]
    """The purposes of the keys taken from the archive (this machine had others)."""


def _version() -> str:
    try:
        return version("myomap")
    except PackageNotFoundError:
        return "unknown"


def backup_target(to: Path | None, *, now: datetime) -> Path:
    """Where a backup goes: ``to`` itself, a new file in folder ``to``, or ``var/backups``."""
    name = f"{PREFIX}{now.astimezone(UTC).strftime(STAMP)}{SUFFIX}"
    if to is None:
        return backups_dir(create=True) / name
    if to.is_dir():
        return to / name
    return to


def backup_create(
    *,
    passphrase: str,
    to: Path | None = None,
    using: str = DEFAULT_DB_ALIAS,
    now: datetime | None = None,
    origin: Origin | None = None,
) -> BackupResult:
    """Write one encrypted archive of the whole installation and record it in the audit log."""
    now = now or timezone.now()
    target = backup_target(to, now=now)
    if target.exists():
        raise ArchiveError(f"{target} already exists: choose another name")
    if not target.parent.is_dir():
        raise ArchiveError(f"folder {target.parent} does not exist")
    with private_dir(target.parent) as tmp:
        dump = Path(tmp) / "database.json"
        with snapshot.consistent_source(Path(tmp), using) as source:
            snapshot.dump(dump, source)
            manifest = {
                "format": "myomap-backup",
                "myomap_version": _version(),
                "created_at": now.isoformat(),
                "engine": snapshot.engine(source),
                "migrations": snapshot.applied_migrations(source),
                "counts": snapshot.row_counts(source),
                "link_counts": snapshot.row_counts(source, links=True),
                "note_chains": snapshot.chain_heads(source),
            }
        manifest = write_archive(
            target,
            passphrase=passphrase,
            database=dump,
            files_root=Path(settings.MEDIA_ROOT),
            manifest=manifest,
            keys=keys.current(),
        )
    with transaction.atomic(using=using):
        audit_record(
            action=AuditAction.EXPORT,
            clinic=None,
            actor=None,
            actor_label="backup",
            summary=f"Backup written: {target.name} ({len(manifest['members']) - 1} files)",
            origin=origin or Origin(),
            using=using,
        )
    return BackupResult(target, target.stat().st_size, manifest)


def backup_verify(
    *, archive: Path, passphrase: str, using: str = DEFAULT_DB_ALIAS
) -> dict[str, Any]:
    """Every check a restore makes before touching anything; returns the manifest."""
    with opened(archive, passphrase) as found:
        _check_version(found, using)
        return found.manifest


def _check_version(found: OpenedArchive, using: str) -> None:
    unknown = snapshot.unknown_migrations(found.manifest["migrations"], using)
    if unknown:
        raise ArchiveError(
            f"the archive was written by a newer Myomap (its database has migration "
            f"{unknown[0]}, which this version does not know): upgrade Myomap, then restore"
        )


def _empty(using: str) -> None:
    """Empty database ``using`` for ``restore --force``, audit rows included: the safety backup
    written just before holds them. The append-only triggers step aside for this one flush
    and are put back whatever happens."""
    from django.core.management import call_command

    from myomap.common.audit_guard import audit_guard_install, audit_guard_remove

    connection = connections[using]
    audit_guard_remove(connection)
    try:
        call_command("flush", database=using, interactive=False, verbosity=0)
    finally:
        audit_guard_install(connection)


def _is_empty(using: str) -> bool:
    return not any(snapshot.row_counts(using).values())


def backup_restore(
    *,
    archive: Path,
    passphrase: str,
    force: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    files_root: Path | None = None,
    safety_dir: Path | None = None,
    origin: Origin | None = None,
) -> RestoreResult:
    """Restore ``archive`` into database ``using`` and the private files folder.

    Every check runs before anything changes. A non-empty database is refused unless
    ``force``; then a safety backup (same passphrase, this machine's keys) is written first
    and the database emptied. The data is loaded at the archive's schema in one transaction,
    its counts and signed-note chains are checked under the archive's keys, then the schema
    is migrated forward and the archive's keys replace this machine's in ``var/``.
    """
    files_root = files_root or Path(settings.MEDIA_ROOT)
    with opened(archive, passphrase) as found:
        _check_version(found, using)
        manifest = found.manifest
        archived_keys = found.keys
        other_keys = keys.differing(archived_keys)
        keys.check_installable(other_keys)
        safety: Path | None = None
        if not _is_empty(using):
            if not force:
                raise RestoreRefused(
                    "the database is not empty: restore onto a fresh database, or give --force "
                    "to replace it (a safety backup of it is written first)"
                )
            safety = backup_create(
                passphrase=passphrase, to=safety_dir, using=using, origin=origin
            ).path
            _empty(using)
        archived = snapshot.in_graph(manifest["migrations"], using)
        targets = snapshot.archive_targets(archived, using)
        latest = snapshot.migration_nodes(using)
        older = {(a, n) for a, names in archived.items() for n in names} != latest
        snapshot.migrate_to(targets if older else None, using)
        try:
            with transaction.atomic(using=using), keys.in_effect(archived_keys, other_keys):
                snapshot.load(found.database, using, targets if older else None)
                _check_loaded(manifest, using)
        finally:
            if older:
                snapshot.migrate_to(None, using)
        keys.install(archived_keys, other_keys)
        copied = _copy_files(found, files_root)
        with transaction.atomic(using=using):
            audit_record(
                action=AuditAction.RESTORE,
                clinic=None,
                actor=None,
                actor_label="restore",
                summary=(
                    f"Restored from backup {archive.name} written {manifest['created_at']}"
                    + (f"; safety backup {safety.name}" if safety else "")
                ),
                origin=origin or Origin(),
                using=using,
            )
        return RestoreResult(
            counts=manifest["counts"],
            files=copied,
            note_chains=len(manifest["note_chains"]),
            migrated_from=sorted(targets) if older else [],
            safety_backup=safety,
            keys_installed=[k.purpose for k in other_keys],
        )


KEYED_CHAIN_MIGRATION = "0003_keyed_chain"
"""From this notes migration on, an archive's signed-note hashes are keyed."""


def _check_loaded(manifest: dict[str, Any], using: str) -> None:
    """Inside the load's transaction: the rows and the signed-note chains are as archived."""
    counts = snapshot.row_counts(using)
    for label, n in sorted(manifest["counts"].items()):
        if counts.get(label, 0) != n:
            raise ArchiveError(f"after loading, {label} has {counts.get(label, 0)} rows, not {n}")
    links = snapshot.row_counts(using, links=True)
    for label, n in sorted(manifest.get("link_counts", {}).items()):
        if links.get(label, 0) != n:
            raise ArchiveError(f"after loading, {label} has {links.get(label, 0)} links, not {n}")
    heads = snapshot.chain_heads(using)
    archived = manifest["note_chains"]
    # Archives written before chains had numbered heads record only "entries" and "head".
    loaded = {c: {k: heads.get(c, {}).get(k) for k in fields} for c, fields in archived.items()}
    if set(heads) != set(archived) or loaded != archived:
        raise ArchiveError("after loading, the signed-note chains differ from the manifest")
    keyed = KEYED_CHAIN_MIGRATION in manifest["migrations"].get("notes", [])
    problems = snapshot.chain_problems(using, keyed=keyed)
    if problems:
        raise ArchiveError(
            f"after loading, a signed note does not verify: {problems[0]}. An archive written "
            "before backups carried their keys needs the signed-note key of the machine that "
            "wrote it: copy its var/note_key (and var/token_key) here, or set MYOMAP_NOTE_KEY "
            "(and MYOMAP_TOKEN_KEY) to them, then restore again"
        )


def _copy_files(found: OpenedArchive, files_root: Path) -> int:
    if not found.files.exists():
        return 0
    copied = 0
    for path in sorted(p for p in found.files.rglob("*") if p.is_file()):
        target = files_root / path.relative_to(found.files)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        shutil.copyfile(path, part)
        part.replace(target)
        copied += 1
    return copied


def backup_nightly(
    *, passphrase: str, now: datetime | None = None, folder: Path | None = None
) -> BackupResult:
    """The scheduled backup: a new archive in ``var/backups``, then the retention rule.

    Keeps the newest archive of each of the last 7 days and of each of the last 4 ISO weeks;
    older archives are removed (they are copies, not the clinical record).
    """
    now = now or timezone.now()
    folder = folder or backups_dir(create=True)
    result = backup_create(passphrase=passphrase, to=folder, now=now)
    existing = backup_files(folder)
    keep = retained(existing, now=now)
    for found in existing:
        if found.path not in keep:
            found.path.unlink(missing_ok=True)
    return result


class ImportRefused(ValueError):
    """Nothing was imported: the file, its mapping or (with ``strict``) a row has a problem."""


@dataclass(frozen=True)
class ImportResult:
    preview: Preview
    created: list[Patient]


def clients_import(
    *,
    actor: User,
    raw: bytes | str,
    filename: str,
    mapping: Mapping[int, str] | None = None,
    date_order: DateOrder | None = None,
    encoding: str = "",
    strict: bool = False,
    origin: Origin | None = None,
) -> ImportResult:
    """Register every ready row of a client list as a new client of ``actor``'s clinic, in one
    transaction, through ``patient_create`` (its rules, its audit row), plus one audit row for
    the import. Duplicates and rows with problems are left out (with ``strict``: nothing is
    imported). The preview is rebuilt inside the transaction, so a client registered since it
    was shown is still caught as a duplicate."""
    assert actor.clinic is not None
    with transaction.atomic():
        preview = read_clients_csv(
            raw,
            clinic=actor.clinic,
            filename=filename,
            mapping=mapping,
            date_order=date_order,
            encoding=encoding,
        )
        refusal = preview.refusal(strict=strict)
        if refusal:
            raise ImportRefused(refusal)
        created = [
            patient_create(actor=actor, data=row.data, origin=origin) for row in preview.ready
        ]
        skipped = len(preview.skipped)
        audit_record(
            action=AuditAction.CREATE,
            clinic=actor.clinic,
            actor=actor,
            summary=(
                f"Imported {len(created)} clients from {filename}"
                + (f"; {skipped} rows left out (duplicates or problems)" if skipped else "")
            ),
            origin=origin,
        )
    return ImportResult(preview, created)


def client_fhir_export(
    *, actor: User | None, patient: Patient, origin: Origin | None = None, actor_label: str = ""
) -> dict[str, Any]:
    """``patient``'s record as a validated FHIR R4 Bundle, with the export in the audit log.

    ``actor=None`` with an ``actor_label`` is the command line. Raises ``FhirInvalid`` (and
    writes nothing) if a resource does not validate.
    """
    bundle = build_bundle(client_record(patient))
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT,
            clinic=patient.clinic,
            actor=actor,
            actor_label=actor_label,
            patient=patient,
            obj=patient,
            summary=(
                f"Exported the record of {patient.full_name} as FHIR "
                f"({len(bundle['entry'])} resources)"
            ),
            origin=origin or Origin(),
        )
    return bundle


def client_record_export(
    *, actor: User | None, patient: Patient, origin: Origin | None = None, actor_label: str = ""
) -> RecordZip:
    """``patient``'s whole record as a zip (PDF, validated FHIR Bundle, the rest as JSON and a
    manifest), with one audit row naming what went out.

    Everything is read and rendered before the audit row's short transaction. Raises
    ``FhirInvalid`` (and writes nothing) if a resource does not validate.
    """
    made = record_zip(whole_record(patient))
    files = ", ".join(f"{f['name']} ({f['bytes']} bytes)" for f in made.manifest["files"])
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT,
            clinic=patient.clinic,
            actor=actor,
            actor_label=actor_label,
            patient=patient,
            obj=patient,
            summary=f"Exported the whole record of {patient.full_name} as a zip: {files}"[:500],
            origin=origin or Origin(),
        )
    return made


@dataclass(frozen=True)
class FhirImportResult:
    patient: Patient
    source_clinic: str
    pain_maps: int
    responses: int
    documents: int


def fhir_import(
    *,
    clinic: Clinic,
    data: bytes,
    actor: User | None,
    actor_label: str = "",
    origin: Origin | None = None,
) -> FhirImportResult:
    """Bring a client's record from another practice's FHIR Bundle into ``clinic``.

    All or nothing, in one transaction: the client, the pain maps, the questionnaires (scored
    again by the clinical core) and the signed notes as read-only documents of the sending
    clinic. Raises ``FhirInvalid`` naming the resource and field; nothing is written then.
    """
    read = parse_bundle(data)
    with transaction.atomic():
        patient = _import_patient(clinic, read, actor)
        for pain_map in read.pain_maps:
            _import_pain_map(patient, pain_map)
        for response in read.responses:
            _import_response(patient, response, actor)
        standing_refresh(patient)
        _import_documents(patient, read, actor)
        audit_record(
            action=AuditAction.CREATE,
            clinic=clinic,
            actor=actor,
            actor_label=actor_label,
            patient=patient,
            obj=patient,
            summary=(
                f"Imported the record of {patient.full_name} from {read.source_clinic} "
                f"(FHIR): {len(read.pain_maps)} pain maps, {len(read.responses)} "
                f"questionnaires, {len(read.documents)} signed documents"
            ),
            origin=origin or Origin(),
        )
    return FhirImportResult(
        patient, read.source_clinic, len(read.pain_maps), len(read.responses), len(read.documents)
    )


def _import_patient(clinic: Clinic, read: BundleIn, actor: User | None) -> Patient:
    data = read.patient
    twin = Patient.objects.filter(
        clinic=clinic,
        first_name__iexact=data["first_name"],
        last_name__iexact=data["last_name"],
        date_of_birth=data["date_of_birth"],
    ).first()
    if twin is not None:
        raise FhirInvalid(
            "Patient",
            "name",
            f"{twin.full_name}, born {twin.date_of_birth:%d %b %Y}, is already client "
            f"{twin.pk} of this clinic: nothing was merged or imported",
        )
    patient = Patient(clinic=clinic, created_by=actor, **data)
    try:
        # The command line imports with no account: the audit row names it instead.
        patient.full_clean(exclude=["created_by"] if actor is None else None)
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise FhirInvalid("Patient", name, " ".join(messages).rstrip(".")) from None
    patient.save()
    patient_search_keys_rewrite(patient=patient)
    return patient


def _import_pain_map(patient: Patient, read: PainMapIn) -> None:
    try:
        marks = [CorePainMark(m.region_id, m.intensity, PainQuality(m.quality)) for m in read.marks]
    except (DomainError, ValueError) as exc:
        raise FhirInvalid("Observation (pain map)", "bodySite/valueInteger", str(exc)) from None
    source = read.source if read.source in PainMapSource.values else PainMapSource.THERAPIST
    pain_map = PainMap.objects.create(
        clinic=patient.clinic,
        patient=patient,
        source=source,
        recorded_at=read.recorded_at,
        note=read.note[:500],
    )
    PainMark.objects.bulk_create(
        PainMark(pain_map=pain_map, region_id=m.region_id, intensity=m.intensity, quality=m.quality)
        for m in marks
    )


def _import_response(patient: Patient, read: ResponseIn, actor: User | None) -> None:
    try:
        spec = outcome_instrument(read.instrument)
        result = score_answers(spec.id, read.answers)
    except DomainError as exc:
        raise FhirInvalid(read.where, f"item {exc.field or ''}".strip(), str(exc)) from None
    response = OutcomeResponse(
        clinic=patient.clinic,
        patient=patient,
        instrument=str(spec.id),
        answers=read.answers,
        score_value=result.value,
        score_display=result.display,
        band=result.band or "",
        band_label=result.band_label or "",
        subscores={k: float(v) for k, v in result.subscores.items()},
        answered=result.answered,
        skipped=list(result.skipped),
        session_number=read.session_number,
        taken_at=read.taken_at,
        created_by=actor,
    )
    try:
        response.full_clean()
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise FhirInvalid(read.where, name, " ".join(messages).rstrip(".")) from None
    response.save()


def _import_documents(patient: Patient, read: BundleIn, actor: User | None) -> None:
    stored: dict[str, ImportedDocument] = {}
    for doc in sorted(read.documents, key=lambda d: d.amends is not None):
        amends = stored.get(doc.amends) if doc.amends else None
        if doc.amends and amends is None:
            raise FhirInvalid(doc.key, "relatesTo", "amends a document that is not a note")
        stored[doc.key] = ImportedDocument.objects.create(
            clinic=patient.clinic,
            patient=patient,
            kind=ImportedKind.AMENDMENT if amends else ImportedKind.SOAP_NOTE,
            title=doc.title[:200],
            text=doc.text,
            description=doc.description[:600],
            authored_at=doc.authored_at,
            author_name=doc.author_name[:200],
            amends=amends,
            source_clinic=doc.source_clinic[:200],
            source_identifier=doc.source_identifier[:300],
            source_bundle=read.bundle_label[:300],
            imported_by=actor,
        )
