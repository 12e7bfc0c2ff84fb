"""Reading a practice system's client list (CSV) into rows of client details, with every
row's problems named before anything is written.

The standard ``csv`` module parses (quoted fields with commas and line breaks included);
``charset-normalizer`` tells the encoding of a file that is not UTF-8. Column headings are
compared in a normal form (lower case, letters and digits only), so ``First Name``,
``first_name`` and ``FIRST NAME`` are one heading. The rules a client's details must meet
(names, date of birth range, email) are the patients app's, through ``patient_check``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from charset_normalizer import from_bytes

from myomap.clinics.models import Clinic
from myomap.patients.models import Sex
from myomap.patients.selectors import duplicate_key, patient_duplicate_keys
from myomap.patients.services import patient_check

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
DELIMITERS = ",;\t|"
DateOrder = Literal["dmy", "mdy"]
DATE_ORDERS: dict[str, str] = {"dmy": "day/month/year", "mdy": "month/day/year"}

FIELDS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name (first and last)",
    "preferred_name": "Preferred name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "phone": "Phone",
    "email": "Email",
    "address": "Address",
    "occupation": "Occupation",
    "emergency_contact": "Emergency contact",
    "physician_name": "Physician",
    "physician_contact": "Physician's contact",
}
"""What a column can be read as; ``""`` leaves a column out."""

COMBINED = frozenset({"address", "phone", "emergency_contact", "physician_contact"})
"""Fields that several columns may fill: their values are joined (address lines) or the
first one given is used (phones)."""

HEADINGS: dict[str, tuple[str, ...]] = {
    "first_name": ("firstname", "first", "givenname", "givennames", "forename", "fname"),
    "last_name": ("lastname", "surname", "familyname", "last", "lname"),
    "full_name": ("name", "fullname", "patientname", "clientname", "patient", "client"),
    "preferred_name": ("preferredname", "preferredfirstname", "nickname", "knownas"),
    "date_of_birth": ("dateofbirth", "dob", "birthdate", "birthday", "dateofbirthddmmyyyy"),
    "sex": ("sex", "gender", "genderidentity", "sexatbirth"),
    "phone": (
        "phone",
        "phonenumber",
        "mobile",
        "mobilephone",
        "mobilenumber",
        "cell",
        "cellphone",
        "homephone",
        "workphone",
        "telephone",
        "tel",
        "primaryphone",
    ),
    "email": ("email", "emailaddress"),
    "address": (
        "address",
        "address1",
        "address2",
        "address3",
        "addressline1",
        "addressline2",
        "addressline3",
        "streetaddress",
        "street",
        "city",
        "town",
        "suburb",
        "state",
        "province",
        "region",
        "postcode",
        "postalcode",
        "zip",
        "zipcode",
        "country",
    ),
    "occupation": ("occupation", "job", "profession"),
    "emergency_contact": (
        "emergencycontact",
        "emergencycontactname",
        "emergencycontactphone",
        "emergencycontactrelationship",
    ),
    "physician_name": (
        "physician",
        "physicianname",
        "doctor",
        "doctorname",
        "familydoctor",
        "familyphysician",
        "gp",
        "gpname",
        "referringdoctor",
        "referringphysician",
    ),
    "physician_contact": ("physiciancontact", "physicianphone", "doctorphone", "gpphone"),
}
"""Headings recognised without the user mapping them, in their normal form: the patient
fields of Cliniko's API reference (``first_name``, ``date_of_birth``, ``address_1`` ...; its
CSV export writes headings in title case) and the common headings of client lists. No column
list of Jane's or ClinicSense's export was found published; any heading not here is mapped by
the user in the preview (docs/data.md)."""

RECOGNISED: dict[str, str] = {h: target for target, hs in HEADINGS.items() for h in hs}

SEXES: dict[str, str] = {
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "woman": Sex.FEMALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "man": Sex.MALE,
    "x": Sex.OTHER,
    "other": Sex.OTHER,
    "nonbinary": Sex.OTHER,
    "intersex": Sex.OTHER,
    "": Sex.UNKNOWN,
    "u": Sex.UNKNOWN,
    "n": Sex.UNKNOWN,
    "unknown": Sex.UNKNOWN,
    "notstated": Sex.UNKNOWN,
    "prefernottosay": Sex.UNKNOWN,
}


class CsvError(ValueError):
    """The file as a whole cannot be read; nothing is imported."""


def heading_key(text: str) -> str:
    """A heading's normal form: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


WESTERN = ("cp1252", "latin_1", "iso8859_15")
"""Preferred when ``charset-normalizer`` finds several encodings equally likely: Windows'
Western European code page is what spreadsheets save "CSV" in across English-, French-,
German- and Spanish-speaking practices."""

ENCODINGS: dict[str, str] = {
    "": "Detect",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252 / Latin-1 (Western Europe, Americas)",
    "cp1250": "Windows-1250 (Central Europe)",
    "mac_roman": "Mac Roman",
}
"""The encodings a user may choose when the detected one shows wrong letters."""


def decode(raw: bytes, encoding: str = "") -> tuple[str, str]:
    """The file's text and the name of its encoding: ``encoding`` if given, else a byte-order
    mark, then UTF-8, then what ``charset-normalizer`` finds (Western European on a tie)."""
    if encoding:
        try:
            return raw.decode(encoding).lstrip("\ufeff"), encoding
        except UnicodeDecodeError as exc:
            raise CsvError(f"byte {exc.start} of the file is not {encoding}") from None
        except LookupError:
            raise CsvError(f"unknown encoding {encoding!r}") from None
    if raw.startswith(b"PK\x03\x04"):
        raise CsvError("this is a spreadsheet workbook, not CSV: save it as CSV and upload that")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding), encoding.upper() + " with BOM"
            except UnicodeDecodeError as exc:
                raise CsvError(f"the file says {encoding} but byte {exc.start} is not") from None
    if b"\x00" in raw:
        raise CsvError("this is not a text file: export the client list as CSV")
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    found = from_bytes(raw)
    best = found.best()
    if best is None:
        raise CsvError("the file's character encoding could not be told: save it as UTF-8 CSV")
    tied = {m.encoding: m for m in found if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    for western in WESTERN:
        if western in tied:
            return str(tied[western]), western
    return str(best), best.encoding


def _delimiter(text: str) -> str:
    """The separator of the heading line: the most frequent of , ; tab |."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _cell(value: str) -> str:
    """A cell without surrounding spaces or a spreadsheet's ``="..."`` text guard."""
    value = value.strip()
    guarded = re.fullmatch(r'="(.*)"', value, flags=re.DOTALL)
    return guarded.group(1).strip() if guarded else value


@dataclass(frozen=True)
class Column:
    index: int
    heading: str
    target: str
    recognised: bool
    samples: tuple[str, ...]

    @property
    def target_label(self) -> str:
        return FIELDS.get(self.target, "(left out)")


@dataclass(frozen=True)
class Problem:
    field: str
    value: str
    message: str


@dataclass
class Row:
    number: int
    line: int
    data: dict[str, object]
    problems: list[Problem] = field(default_factory=list)
    duplicate_of: str = ""

    @property
    def status(self) -> str:
        if self.problems:
            return "problem"
        return "duplicate" if self.duplicate_of else "ready"

    @property
    def name(self) -> str:
        return f"{self.data.get('first_name', '')} {self.data.get('last_name', '')}".strip()


@dataclass
class Preview:
    filename: str
    encoding: str
    delimiter: str
    columns: list[Column]
    rows: list[Row]
    file_problems: list[str]
    date_order: DateOrder | None

    @property
    def ready(self) -> list[Row]:
        return [r for r in self.rows if r.status == "ready"]

    @property
    def duplicates(self) -> list[Row]:
        return [r for r in self.rows if r.status == "duplicate"]

    @property
    def with_problems(self) -> list[Row]:
        return [r for r in self.rows if r.status == "problem"]

    @property
    def skipped(self) -> list[Row]:
        return [r for r in self.rows if r.status != "ready"]

    @property
    def date_order_label(self) -> str:
        return DATE_ORDERS.get(self.date_order or "", "")

    @property
    def delimiter_label(self) -> str:
        return {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}[self.delimiter]

    def refusal(self, *, strict: bool) -> str | None:
        """Why nothing may be imported, or None."""
        if self.file_problems:
            return self.file_problems[0]
        if not self.rows:
            return "the file has no rows under its heading line"
        if strict and self.skipped:
            return (
                f"strict: {len(self.skipped)} of {len(self.rows)} rows have a problem or are "
                "duplicates, so no row is imported"
            )
        if not self.ready:
            return "no row can be imported: every row has a problem or is a duplicate"
        return None


def _read(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Records with the line each starts on; ``csv`` handles quotes, commas and line breaks."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
            if len(records) > MAX_ROWS + 1:
                raise CsvError(f"more than {MAX_ROWS:,} rows: split the file")
    except csv.Error as exc:
        raise CsvError(f"line {start}: the quoting is broken ({exc})") from None
    return records


def _auto_targets(headings: list[str]) -> list[tuple[str, bool]]:
    taken: set[str] = set()
    targets: list[tuple[str, bool]] = []
    keys = [heading_key(h) for h in headings]
    has_split_name = any(RECOGNISED.get(k) in ("first_name", "last_name") for k in keys)
    for key in keys:
        target = RECOGNISED.get(key, "")
        if target == "full_name" and has_split_name:
            target = ""
        if target and target not in COMBINED and target in taken:
            target = ""
        taken.add(target)
        targets.append((target, bool(target)))
    return targets


def _check_mapping(columns: list[Column]) -> list[str]:
    problems = []
    by_target: dict[str, list[str]] = {}
    for c in columns:
        if c.target:
            by_target.setdefault(c.target, []).append(c.heading)
    for target, headings in by_target.items():
        if target not in COMBINED and len(headings) > 1:
            problems.append(
                f"columns {', '.join(repr(h) for h in headings)} are all read as "
                f"{FIELDS[target]}: leave all but one out"
            )
    names = set(by_target) & {"first_name", "last_name", "full_name"}
    if "full_name" in names and len(names) > 1:
        problems.append("read the name either as a full name or as first and last names, not both")
    elif not ({"first_name", "last_name"} <= names or "full_name" in names):
        problems.append(
            "no column is read as the client's name: choose the first and last name columns "
            "(or one full-name column)"
        )
    if "date_of_birth" not in by_target:
        problems.append("no column is read as the date of birth: choose it below")
    return problems


_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})")
_NAMED_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")


def _strip_time(text: str) -> str:
    text = text.strip()
    text = re.sub(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$", "", text)
    return text.strip()


def date_evidence(text: str) -> DateOrder | None:
    """Which order a numeric date must be in (a part above 12 tells), or None."""
    found = _NUMERIC.fullmatch(_strip_time(text))
    if not found:
        return None
    first, second = int(found.group(1)), int(found.group(2))
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    return None


def parse_date(text: str, order: DateOrder | None) -> date | str:
    """The date, or why it is not one. ``order`` reads numeric day/month dates."""
    value = _strip_time(text)
    if not value:
        return "the date of birth is missing"
    try:
        iso = _ISO.fullmatch(value)
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        numeric = _NUMERIC.fullmatch(value)
        if numeric:
            a, b, year = numeric.groups()
            if len(year) != 4:
                return "write the year in full (four digits)"
            if a == b:
                return date(int(year), int(a), int(b))
            order = order or date_evidence(value)
            if order is None:
                return "the day and month could be either way round: choose the date order"
            day, month = (a, b) if order == "dmy" else (b, a)
            return date(int(year), int(month), int(day))
    except ValueError:
        return "no such date"
    cleaned = re.sub(r"[,\s]+", " ", value)
    for fmt in _NAMED_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return "not a date (write it as YYYY-MM-DD, DD/MM/YYYY or 4 March 1980)"


def _file_date_order(values: list[str]) -> tuple[DateOrder | None, bool, bool]:
    """(order the dates show, whether some dates need an order, whether they disagree)."""
    seen = {date_evidence(v) for v in values} - {None}
    needs = any(
        (m := _NUMERIC.fullmatch(_strip_time(v))) and m.group(1) != m.group(2) for v in values
    )
    if len(seen) > 1:
        return None, needs, True
    return (seen.pop() if seen else None), needs, False


def _split_full_name(value: str) -> tuple[str, str]:
    """``Last, First`` or ``First Middle Last``."""
    if "," in value:
        last, first = (p.strip() for p in value.split(",", 1))
        return first, last
    parts = value.split()
    if len(parts) < 2:
        return value, ""
    return " ".join(parts[:-1]), parts[-1]


def _row_data(
    cells: list[str], columns: list[Column], order: DateOrder | None
) -> tuple[dict[str, object], list[Problem]]:
    data: dict[str, object] = {}
    problems: list[Problem] = []
    joined: dict[str, list[str]] = {}
    for column in columns:
        value = _cell(cells[column.index]) if column.index < len(cells) else ""
        if not column.target or not value:
            continue
        joined.setdefault(column.target, []).append(value)
    for target, values in joined.items():
        if target == "address":
            data["address"] = "\n".join(values)
        elif target == "phone":
            data["phone"] = values[0]
        elif target in COMBINED:
            data[target] = ", ".join(values)
        else:
            data[target] = values[0]
    full = data.pop("full_name", None)
    if isinstance(full, str):
        data["first_name"], data["last_name"] = _split_full_name(full)
    for name, label in (("first_name", "First name"), ("last_name", "Last name")):
        if not data.get(name):
            problems.append(Problem(label, "", f"the {label.lower()} is missing"))
    born = str(joined.get("date_of_birth", [""])[0])
    parsed = parse_date(born, order)
    if isinstance(parsed, str):
        problems.append(Problem("Date of birth", born, parsed))
        data.pop("date_of_birth", None)
    else:
        data["date_of_birth"] = parsed
    if "sex" in data:
        given = str(data["sex"])
        sex = SEXES.get(heading_key(given))
        if sex is None:
            problems.append(
                Problem("Sex", given, "not recognised (female, male, other or prefer not to say)")
            )
            data.pop("sex")
        else:
            data["sex"] = sex
    return data, problems


def read_clients_csv(
    raw: bytes | str,
    *,
    clinic: Clinic,
    filename: str = "clients.csv",
    mapping: Mapping[int, str] | None = None,
    date_order: DateOrder | None = None,
    encoding: str = "",
) -> Preview:
    """Read ``raw`` (the file's bytes, or its text once decoded) into a preview: the columns
    and how each is read (``mapping`` by column number overrides the recognised headings),
    each row's details and problems, duplicates of the clinic's clients and of earlier rows.
    Raises ``CsvError`` when the file as a whole cannot be read."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise CsvError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it")
        text, encoding = decode(raw, encoding)
    else:
        text, encoding = raw, "UTF-8"
    text = text.lstrip("\ufeff")
    delimiter = _delimiter(text)
    records = [(line, r) for line, r in _read(text, delimiter) if any(c.strip() for c in r)]
    if not records:
        raise CsvError("the file is empty")
    (_, headings), body = records[0], records[1:]
    headings = [_cell(h) or f"Column {i + 1}" for i, h in enumerate(headings)]
    auto = _auto_targets(headings)
    columns = []
    for i, heading in enumerate(headings):
        target, recognised = auto[i]
        if mapping is not None and i in mapping:
            target = mapping[i] if mapping[i] in FIELDS else ""
            recognised = False
        samples = tuple(v for v in (_cell(r[i]) for _, r in body[:50] if i < len(r)) if v)[:3]
        columns.append(Column(i, heading, target, recognised, samples))
    file_problems = _check_mapping(columns)
    born_columns = [c.index for c in columns if c.target == "date_of_birth"]
    values = [r[born_columns[0]] for _, r in body if born_columns and born_columns[0] < len(r)]
    shown, needs, disagree = _file_date_order(values)
    if disagree and date_order is None:
        file_problems.append(
            "the dates of birth are written in both day/month and month/day order: "
            "choose the order, and the rows in the other order are shown as problems"
        )
    elif needs and date_order is None and shown is None:
        file_problems.append(
            "dates like 03/04/1980 can be read two ways and no date in the file tells which: "
            "choose the date order (day/month/year or month/day/year)"
        )
    order = date_order or shown
    existing = patient_duplicate_keys(clinic=clinic)
    seen: dict[tuple[str, str, date], int] = {}
    rows: list[Row] = []
    for number, (line, cells) in enumerate(body, start=1):
        data, problems = _row_data(cells, columns, order)
        if len(cells) > len(headings) and any(c.strip() for c in cells[len(headings) :]):
            problems.append(
                Problem(
                    "Row",
                    str(len(cells)),
                    f"the row has {len(cells)} fields but the heading line has {len(headings)} "
                    "(an unquoted comma or semicolon?)",
                )
            )
        if not problems:
            for name, messages in patient_check(clinic=clinic, data=data).items():
                label = FIELDS.get(name, name.replace("_", " ").capitalize())
                for message in messages:
                    problems.append(Problem(label, str(data.get(name, "")), message))
        row = Row(number, line, data, problems)
        born = data.get("date_of_birth")
        if not problems and isinstance(born, date):
            key = duplicate_key(str(data["first_name"]), str(data["last_name"]), born)
            if key in existing:
                row.duplicate_of = "a client already registered with this name and date of birth"
            elif key in seen:
                row.duplicate_of = f"row {seen[key]} of this file (same name and date of birth)"
            else:
                seen[key] = number
        rows.append(row)
    return Preview(
        filename=filename,
        encoding=encoding,
        delimiter=delimiter,
        columns=columns,
        rows=rows,
        file_problems=file_problems,
        date_order=order,
    )
