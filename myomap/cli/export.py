"""``myomap export fhir CLIENT_ID [--out FILE]``: a client's record as a FHIR R4 Bundle."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any


def _fail(message: str) -> int:
    print(f"myomap export: {message}", file=sys.stderr)
    return 2


def export_fhir(args: argparse.Namespace) -> int:
    """Write the Bundle to ``--out`` (owner-only) or standard output; audited."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    import django

    django.setup()
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


def register(subparsers: Any) -> None:
    """Add ``export fhir``."""
    p = subparsers.add_parser("export", help="export a client's record")
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)
    f = kinds.add_parser("fhir", help="a client's whole record as a FHIR R4 Bundle (JSON)")
    f.add_argument("client_id", metavar="CLIENT_ID", help="the client's number")
    f.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    f.set_defaults(handler=export_fhir)
