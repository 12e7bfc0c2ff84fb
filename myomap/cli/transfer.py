"""A client's record out and in: ``myomap export fhir CLIENT_ID [--out FILE]``, ``myomap export
record CLIENT_ID --out FILE.zip`` and ``myomap import fhir FILE --clinic SLUG``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any


def _fail(message: str, command: str = "export") -> int:
    print(f"myomap {command}: {message}", file=sys.stderr)
    return 2


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    import django

    django.setup()


def export_fhir(args: argparse.Namespace) -> int:
    """Write the Bundle to ``--out`` (owner-only) or standard output; audited."""
    _django()
    from myomap.common.audit import Origin
    from myomap.interop.fhir_bundle import FhirInvalid
    from myomap.interop.services import client_fhir_export
    from myomap.patients.models import Patient

    try:
        client_id = int(args.client_id)
    except ValueError:
        return _fail(f"CLIENT_ID: {args.client_id!r} is not a client number")
    patient = Patient.objects.select_related("clinic").filter(pk=client_id).first()
    if patient is None:
        return _fail(f"CLIENT_ID: no client {client_id}")
    out = Path(args.out) if args.out else None
    if out is not None and not out.parent.is_dir():
        return _fail(f"--out: folder {str(out.parent)!r} does not exist")
    try:
        bundle = client_fhir_export(
            actor=None,
            patient=patient,
            origin=Origin(path="(command line)"),
            actor_label="command line",
        )
    except FhirInvalid as exc:
        print(f"myomap export: the record did not validate: {exc}", file=sys.stderr)
        return 1
    text = json.dumps(bundle, ensure_ascii=False, indent=1) + "\n"
    if out is None:
        sys.stdout.write(text)
        return 0
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"FHIR record of {patient.full_name} written: {out} ({len(bundle['entry'])} resources).")
    return 0


def export_record(args: argparse.Namespace) -> int:
    """Write the whole-record zip (PDF, FHIR Bundle, the rest as JSON, manifest) to ``--out``,
    owner-only; audited."""
    _django()
    from myomap.common.audit import Origin
    from myomap.interop.fhir_bundle import FhirInvalid
    from myomap.interop.services import client_record_export
    from myomap.patients.models import Patient

    try:
        client_id = int(args.client_id)
    except ValueError:
        return _fail(f"CLIENT_ID: {args.client_id!r} is not a client number")
    out = Path(args.out)
    if out.suffix.lower() != ".zip":
        return _fail(f"--out: {args.out!r} must end in .zip")
    if not out.parent.is_dir():
        return _fail(f"--out: folder {str(out.parent)!r} does not exist")
    patient = Patient.objects.select_related("clinic").filter(pk=client_id).first()
    if patient is None:
        return _fail(f"CLIENT_ID: no client {client_id}")
    try:
        made = client_record_export(
            actor=None,
            patient=patient,
            origin=Origin(path="(command line)"),
            actor_label="command line",
        )
    except FhirInvalid as exc:
        print(f"myomap export: the record did not validate: {exc}", file=sys.stderr)
        return 1
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(made.data)
    print(f"Whole record of {patient.full_name} written: {out} ({', '.join(made.names)}).")
    return 0


def import_fhir(args: argparse.Namespace) -> int:
    """Import one client's Bundle into the clinic ``--clinic``; all or nothing."""
    _django()
    from myomap.clinics.models import Clinic
    from myomap.common.audit import Origin
    from myomap.interop.fhir_bundle import FhirInvalid
    from myomap.interop.services import fhir_import

    clinic = Clinic.objects.filter(slug=args.clinic).first()
    if clinic is None:
        return _fail(f"--clinic: no clinic {args.clinic!r}", "import")
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        return _fail(f"FILE: {args.file}: {exc.strerror}", "import")
    try:
        result = fhir_import(
            clinic=clinic,
            data=data,
            actor=None,
            actor_label="command line",
            origin=Origin(path="(command line)"),
        )
    except FhirInvalid as exc:
        return _fail(f"{args.file}: {exc}. Nothing was imported.", "import")
    print(
        f"Imported {result.patient.full_name} (client {result.patient.pk}) from "
        f"{result.source_clinic}: {result.pain_maps} pain maps, {result.responses} "
        f"questionnaires, {result.documents} signed documents."
    )
    return 0


def register(subparsers: Any) -> None:
    """Add ``export fhir`` and ``export record`` (``import fhir`` sits beside ``import clients`` in
    :mod:`myomap.cli.imports`)."""
    p = subparsers.add_parser("export", help="export a client's record")
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    f = kinds.add_parser("fhir", help="a client's whole record as a FHIR R4 Bundle (JSON)")
    f.add_argument("client_id", metavar="CLIENT_ID", help="the client's number")
    f.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    f.set_defaults(handler=export_fhir)
    r = kinds.add_parser(
        "record", help="a client's whole record as a zip: PDF, FHIR Bundle, JSON, manifest"
    )
    r.add_argument("client_id", metavar="CLIENT_ID", help="the client's number")
    r.add_argument("--out", metavar="FILE.zip", required=True, help="the zip to write")
    r.set_defaults(handler=export_record)
