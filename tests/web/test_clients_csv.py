"""Reading a client list from CSV, and `myomap import clients`: every problem shown first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from myomap.cli import main as cli_main
from myomap.common.models import AuditEvent
from myomap.interop.clients_csv import CsvError, parse_date, read_clients_csv
from myomap.interop.services import ImportRefused, clients_import
from myomap.patients.models import Patient

FIXTURES = Path(__file__).parent / "fixtures" / "csv"


def _raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_jane_style_export_with_bom_quotes_and_problems(clinic, patient):  # type: ignore[no-untyped-def]
    preview = read_clients_csv(_raw("jane_style.csv"), clinic=clinic, filename="jane.csv")
    assert preview.encoding == "UTF-8 with BOM" and preview.delimiter == ","
    targets = {c.heading: c.target for c in preview.columns}
    assert targets["First Name"] == "first_name" and targets["Birth Date"] == "date_of_birth"
    assert targets["Mobile Phone"] == "phone" and targets["Postal Code"] == "address"
    assert preview.file_problems == []
    by_row = {r.number: r for r in preview.rows}
    assert len(by_row) == 7
    anna, tom, maria, sam, nameless, lee, anna_again = (by_row[i] for i in range(1, 8))
    # Quoted fields keep their commas and line breaks; address parts are joined by lines.
    assert anna.status == "ready"
    assert anna.data["address"] == "Unit 4, 12 Harbour Road\nVancouver\nBC\nV6B 1A1"
    assert anna.data["preferred_name"] == "Ania" and anna.data["sex"] == "female"
    assert tom.data["address"] == "12 Elm St\nBack door\nBurnaby\nBC\nV5H 2B2"
    assert tom.line == 3 and maria.line == 5  # Tom's record spans two lines of the file
    # Maria Lopez (14 March 1980) is already a client: flagged, never merged.
    assert maria.status == "duplicate" and "already registered" in maria.duplicate_of
    assert sam.status == "problem"
    assert [(p.field, p.value, p.message) for p in sam.problems] == [
        ("Date of birth", "1990-02-30", "no such date")
    ]
    assert sam.data["last_name"] == "O'Neil, Jr"
    assert [p.message for p in nameless.problems] == ["the first name is missing"]
    assert [(p.field, p.value) for p in lee.problems] == [("Email", "not-an-email")]
    assert "row 1 of this file" in anna_again.duplicate_of
    assert [r.number for r in preview.ready] == [1, 2]


def test_a_latin1_semicolon_export_with_spreadsheet_guards(clinic):  # type: ignore[no-untyped-def]
    preview = read_clients_csv(_raw("cliniko_style_latin1.csv"), clinic=clinic)
    assert preview.delimiter == ";" and "utf" not in preview.encoding.lower()
    assert preview.file_problems == []
    zoe, rene = preview.rows
    assert (zoe.data["first_name"], zoe.data["last_name"]) == ("Zoë", "Müller")
    assert zoe.data["date_of_birth"] == date(1961, 12, 25)
    # 25/12/1961 shows the file is day/month: 03/04/1972 is 3 April.
    assert rene.data["date_of_birth"] == date(1972, 4, 3)
    assert rene.data["address"] == "Rue de l'Église; 3\nLiège\n4000"
    assert zoe.data["occupation"] == "Lehrerin"
    assert zoe.data["emergency_contact"] == "Jörg Müller 0221 555"
    assert {c.heading: c.target for c in preview.columns}["Patient ID"] == ""


def test_ambiguous_dates_block_until_the_order_is_chosen(clinic):  # type: ignore[no-untyped-def]
    preview = read_clients_csv(_raw("ambiguous_dates.csv"), clinic=clinic)
    assert "can be read two ways" in preview.refusal(strict=False)  # type: ignore[operator]
    assert all(r.status == "problem" for r in preview.rows)
    us = read_clients_csv(_raw("ambiguous_dates.csv"), clinic=clinic, date_order="mdy")
    assert us.refusal(strict=False) is None
    helen, peter = us.rows
    assert (helen.data["first_name"], helen.data["last_name"]) == ("Helen", "Shaw")
    assert helen.data["date_of_birth"] == date(1972, 3, 4)
    assert (peter.data["first_name"], peter.data["last_name"]) == ("Peter", "Grant")


def test_unknown_headings_are_mapped_by_the_user(clinic):  # type: ignore[no-untyped-def]
    preview = read_clients_csv(_raw("unknown_headings.tsv"), clinic=clinic)
    assert preview.delimiter == "\t"
    assert any("name" in p for p in preview.file_problems)
    mapped = read_clients_csv(
        _raw("unknown_headings.tsv"),
        clinic=clinic,
        mapping={0: "first_name", 1: "last_name", 2: "date_of_birth"},
    )
    assert mapped.refusal(strict=True) is None
    assert mapped.rows[0].data == {
        "first_name": "Klara",
        "last_name": "Berg",
        "date_of_birth": date(1984, 9, 9),
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (_raw("broken_quotes.csv"), "line 2: the quoting is broken"),
        (b"PK\x03\x04rest of a workbook", "spreadsheet workbook"),
        (b"", "empty"),
        (b"\x00\x01\x02binary", "not a text file"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(clinic, raw, message):  # type: ignore[no-untyped-def]
    with pytest.raises(CsvError, match=message):
        read_clients_csv(raw, clinic=clinic)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("1980-03-14", None, date(1980, 3, 14)),
        ("1980-03-14T00:00:00Z", None, date(1980, 3, 14)),
        ("14/03/1980", None, date(1980, 3, 14)),
        ("03/14/1980", None, date(1980, 3, 14)),
        ("03/04/1980", "dmy", date(1980, 4, 3)),
        ("03/04/1980", "mdy", date(1980, 3, 4)),
        ("04.04.1980", None, date(1980, 4, 4)),
        ("14 March 1980", None, date(1980, 3, 14)),
        ("Mar 14, 1980", None, date(1980, 3, 14)),
        ("03/04/1980", None, "either way round"),
        ("14/03/80", None, "four digits"),
        ("31/02/1980", "dmy", "no such date"),
        ("yesterday", None, "not a date"),
        ("", None, "missing"),
    ],
)
def test_dates_of_birth(text, order, expected):  # type: ignore[no-untyped-def]
    parsed = parse_date(text, order)
    if isinstance(expected, date):
        assert parsed == expected
    else:
        assert isinstance(parsed, str) and expected in parsed


def test_the_import_writes_ready_rows_in_one_audited_transaction(owner, patient):  # type: ignore[no-untyped-def]
    before = Patient.objects.count()
    result = clients_import(actor=owner, raw=_raw("jane_style.csv"), filename="jane.csv")
    assert [p.full_name for p in result.created] == ["Anna Kowalski", "Tom Okafor"]
    assert Patient.objects.count() == before + 2
    anna = Patient.objects.get(last_name="Kowalski")
    assert anna.clinic == owner.clinic and anna.created_by == owner
    assert anna.phone_digits == "6045550101"
    assert Patient.objects.filter(first_name="Maria").count() == 1  # never merged, never doubled
    summary = AuditEvent.objects.get(summary__startswith="Imported")
    assert (
        summary.summary
        == "Imported 2 clients from jane.csv; 5 rows left out (duplicates or problems)"
    )
    assert AuditEvent.objects.filter(summary="Registered client Anna Kowalski").count() == 1


def test_strict_imports_nothing_when_a_row_has_a_problem(owner, patient):  # type: ignore[no-untyped-def]
    before = (Patient.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ImportRefused, match="strict: 5 of 7 rows"):
        clients_import(actor=owner, raw=_raw("jane_style.csv"), filename="j.csv", strict=True)
    assert (Patient.objects.count(), AuditEvent.objects.count()) == before


# --------------------------------------------------------------------------- the command line


def test_cli_dry_run_lists_every_problem_and_writes_nothing(owner, patient, capsys):  # type: ignore[no-untyped-def]
    before = Patient.objects.count()
    code = cli_main(["import", "clients", str(FIXTURES / "jane_style.csv"), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "row 4 (line 6) Date of birth '1990-02-30': no such date" in out
    assert "row 3 (line 5) Maria Lopez: duplicate of a client already registered" in out
    assert "row 6 (line 8) Email 'not-an-email'" in out
    assert "2 ready, 2 duplicates, 3 with problems." in out
    assert "Dry run: 2 clients would be imported" in out
    assert Patient.objects.count() == before


def test_cli_imports_into_the_named_clinic(owner, other_clinic, capsys):  # type: ignore[no-untyped-def]
    path = str(FIXTURES / "cliniko_style_latin1.csv")
    assert cli_main(["import", "clients", path]) == 2  # two clinics: which one?
    assert "--clinic SLUG is needed" in capsys.readouterr().err
    assert cli_main(["import", "clients", path, "--clinic", "nowhere"]) == 2
    assert cli_main(["import", "clients", path, "--clinic", "harbour", "--strict"]) == 0
    assert "Imported 2 clients into Harbour Street NMT." in capsys.readouterr().out
    assert set(Patient.objects.values_list("last_name", flat=True)) == {"Müller", "Faßbender"}
    assert AuditEvent.objects.get(summary__startswith="Imported").path == "(command line)"


def test_cli_bad_input_exits_2_and_names_it(owner, tmp_path, capsys):  # type: ignore[no-untyped-def]
    ambiguous = str(FIXTURES / "ambiguous_dates.csv")
    assert cli_main(["import", "clients", ambiguous]) == 2
    assert "--date-order dmy or --date-order mdy" in capsys.readouterr().err
    assert cli_main(["import", "clients", ambiguous, "--date-order", "dmy"]) == 0
    assert Patient.objects.get(last_name="Shaw").date_of_birth == date(1972, 4, 3)

    assert cli_main(["import", "clients", str(tmp_path / "missing.csv")]) == 2
    assert "No such file" in capsys.readouterr().err
    broken = str(FIXTURES / "broken_quotes.csv")
    assert cli_main(["import", "clients", broken]) == 2
    assert "line 2: the quoting is broken" in capsys.readouterr().err
    tsv = str(FIXTURES / "unknown_headings.tsv")
    assert cli_main(["import", "clients", tsv]) == 2
    assert "no column is read as the client's name" in capsys.readouterr().err
    assert cli_main(["import", "clients", tsv, "--map", "Vorname=given"]) == 2
    assert "'given' is not a field" in capsys.readouterr().err
    assert cli_main(["import", "clients", tsv, "--map", "Spitzname=first_name"]) == 2
    assert "no column is headed 'Spitzname'" in capsys.readouterr().err
    mapped = ["--map", "Vorname=first_name", "--map", "Nachname=last_name"]
    assert cli_main(["import", "clients", tsv, *mapped, "--map", "Geburtstag=date_of_birth"]) == 0
    assert Patient.objects.filter(first_name="Klara").exists()
    assert cli_main(["import", "clients", "--strict"]) == 2
    assert cli_main(["import"]) == 2
