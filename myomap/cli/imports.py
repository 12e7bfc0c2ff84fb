"""``myomap import clients FILE.csv`` (a practice system's client list, previewed or imported)
and ``myomap import fhir FILE --clinic SLUG`` (a client's record from another practice)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

EXIT_BAD_INPUT = 2


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    import django

    django.setup()


def _fail(message: str) -> int:
    print(f"myomap: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _mapping(pairs: list[str], headings: list[str], fields: dict[str, str]) -> dict[int, str]:
    """``--map 'Heading=field'`` (field ``-`` leaves the column out) by column number."""
    by_key = {h.casefold().strip(): i for i, h in enumerate(headings)}
    mapping: dict[int, str] = {}
    for pair in pairs:
        heading, _, target = pair.rpartition("=")
        index = by_key.get(heading.casefold().strip())
        if index is None:
            raise ValueError(
                f"--map {pair!r}: no column is headed {heading!r} "
                f"(the headings are {', '.join(repr(h) for h in headings)})"
            )
        target = target.strip()
        if target not in fields and target != "-":
            raise ValueError(
                f"--map {pair!r}: {target!r} is not a field; one of {', '.join(fields)} or - "
                "to leave the column out"
            )
        mapping[index] = "" if target == "-" else target
    return mapping


def import_clients(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return _fail(f"{path}: {exc.strerror}")
    _django()
    from myomap.clinics.models import Clinic, Role, User
    from myomap.common.audit import Origin
    from myomap.interop.clients_csv import FIELDS, CsvError, read_clients_csv
    from myomap.interop.services import ImportRefused, clients_import

    clinics = Clinic.objects.order_by("slug")
    if args.clinic:
        clinic = clinics.filter(slug=args.clinic).first()
        if clinic is None:
            slugs = ", ".join(c.slug for c in clinics) or "none yet"
            return _fail(f"--clinic {args.clinic}: no such clinic (clinics: {slugs})")
    elif clinics.count() == 1:
        clinic = clinics.get()
    else:
        slugs = ", ".join(c.slug for c in clinics) or "none yet"
        return _fail(f"--clinic SLUG is needed: which clinic are the clients for? ({slugs})")
    owner = (
        User.objects.filter(clinic=clinic, role=Role.OWNER, is_active=True).order_by("pk").first()
    )
    if owner is None:
        return _fail(f"clinic {clinic.slug} has no active owner to record the import under")
    try:
        preview = read_clients_csv(raw, clinic=clinic, filename=path.name)
        mapping = _mapping(args.map, [c.heading for c in preview.columns], FIELDS)
        if mapping:
            preview = read_clients_csv(
                raw, clinic=clinic, filename=path.name, mapping=mapping, date_order=args.date_order
            )
        elif args.date_order:
            preview = read_clients_csv(
                raw, clinic=clinic, filename=path.name, date_order=args.date_order
            )
    except (CsvError, ValueError) as exc:
        return _fail(f"{path}: {exc}. Nothing was imported.")
    _print_preview(preview)
    refusal = preview.refusal(strict=args.strict)
    if refusal:
        hint = " Map a column with --map 'Heading=field'." if preview.file_problems else ""
        if "date order" in refusal:
            hint = " Give --date-order dmy or --date-order mdy."
        return _fail(f"{path}: {refusal}.{hint} Nothing was imported.")
    if args.dry_run:
        print(f"Dry run: {len(preview.ready)} clients would be imported; nothing was written.")
        return 0
    try:
        result = clients_import(
            actor=owner,
            raw=raw,
            filename=path.name,
            mapping=mapping or None,
            date_order=args.date_order,
            strict=args.strict,
            origin=Origin(path="(command line)"),
        )
    except (CsvError, ImportRefused) as exc:
        return _fail(f"{path}: {exc}. Nothing was imported.")
    print(
        f"Imported {len(result.created)} clients into {clinic.name}"
        + (f"; {len(result.preview.skipped)} rows left out." if result.preview.skipped else ".")
    )
    return 0


def _print_preview(preview: Any) -> None:
    print(
        f"{preview.filename}: {len(preview.rows)} rows, {preview.encoding}, "
        f"{preview.delimiter_label}-separated."
    )
    for column in preview.columns:
        print(f"  column {column.heading!r}: {column.target_label}")
    for problem in preview.file_problems:
        print(f"  problem: {problem}")
    for row in preview.skipped:
        where = f"row {row.number} (line {row.line})"
        if row.duplicate_of:
            print(f"  {where} {row.name}: duplicate of {row.duplicate_of}; left out")
        for p in row.problems:
            value = f" {p.value!r}" if p.value else ""
            print(f"  {where} {p.field}{value}: {p.message}")
    print(
        f"  {len(preview.ready)} ready, {len(preview.duplicates)} duplicates, "
        f"{len(preview.with_problems)} with problems."
    )


def register(subparsers: Any) -> None:
    """Add ``import clients`` and ``import fhir``."""
    from myomap.cli.transfer import import_fhir

    p = subparsers.add_parser(
        "import", help="import a client list (CSV) or a client's record (FHIR)"
    )
    kinds = p.add_subparsers(title="what", metavar="WHAT")
    c = kinds.add_parser(
        "clients",
        help="clients from a CSV export (Jane, Cliniko, ClinicSense or a spreadsheet)",
    )
    c.add_argument("file", metavar="FILE.csv")
    c.add_argument("--dry-run", action="store_true", help="show the preview; write nothing")
    c.add_argument(
        "--strict",
        action="store_true",
        help="import nothing unless every row is ready (no duplicates, no problems)",
    )
    c.add_argument("--clinic", metavar="SLUG", help="the clinic (needed when there are several)")
    c.add_argument(
        "--date-order",
        choices=("dmy", "mdy"),
        help="read dates like 03/04/1980 as day/month (dmy) or month/day (mdy)",
    )
    c.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="'HEADING=FIELD'",
        help="read a column as a field (FIELD - leaves it out); repeat for several",
    )
    c.set_defaults(handler=import_clients)
    g = kinds.add_parser("fhir", help="a client's record from another clinic's FHIR R4 Bundle")
    g.add_argument("file", metavar="FILE", help="the Bundle (JSON), as `export fhir` writes it")
    g.add_argument("--clinic", metavar="SLUG", required=True, help="the receiving clinic")
    g.set_defaults(handler=import_fhir)
