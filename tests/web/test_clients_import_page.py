"""The client-list import page, as the owner and the front desk use it."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from myomap.common.models import AuditEvent
from myomap.patients.models import Patient

FIXTURES = Path(__file__).parent / "fixtures" / "csv"
URL = reverse("interop:clients_import")


def _upload(client, name: str, **extra):  # type: ignore[no-untyped-def]
    raw = (FIXTURES / name).read_bytes()
    return client.post(URL, {"file": SimpleUploadedFile(name, raw, "text/csv"), **extra})


def _token(page: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_preview_then_import_as_the_front_desk(  # type: ignore[no-untyped-def]
    client, front_desk, patient, django_assert_max_num_queries
):
    client.force_login(front_desk)
    page = client.get(reverse("patients:list")).content.decode()
    assert URL in page  # the client list links to the import
    assert client.get(URL).status_code == 200
    before = Patient.objects.count()
    with django_assert_max_num_queries(14):
        response = _upload(client, "jane_style.csv")
    assert response.status_code == 200
    page = response.content.decode()
    assert Patient.objects.count() == before  # the preview writes nothing
    assert "<strong>7</strong> rows" in page and "<strong>2</strong> ready" in page
    assert 'data-row="4" data-status="problem"' in page
    assert "“1990-02-30”: no such date" in page
    assert 'data-row="3" data-status="duplicate"' in page and "already registered" in page
    assert "“not-an-email”" in page and "the first name is missing" in page
    assert "Import 2 clients" in page
    # The upload waits owner-only in var/imports until it is imported.
    [staged] = (Path(settings.VAR_DIR) / "imports").iterdir()
    assert stat.S_IMODE(staged.stat().st_mode) == 0o600

    token = _token(page)
    with django_assert_max_num_queries(40):
        done = client.post(URL, {"token": token, "filename": "jane.csv", "step": "import"})
    assert done.status_code == 302 and done.url == reverse("patients:list")
    assert Patient.objects.count() == before + 2
    assert Patient.objects.get(last_name="Okafor").created_by == front_desk
    audit = AuditEvent.objects.get(summary__startswith="Imported 2 clients from jane.csv")
    assert audit.actor == front_desk
    listing = client.get(reverse("patients:list")).content.decode()
    assert "Imported 2 clients from jane.csv. 5 rows were left out" in listing
    assert not staged.exists()
    again = client.post(URL, {"token": token, "filename": "jane.csv", "step": "import"})
    assert again.status_code == 400 and "no longer available" in again.content.decode()


def test_strict_imports_nothing_and_says_why(client, owner, patient):  # type: ignore[no-untyped-def]
    client.force_login(owner)
    token = _token(_upload(client, "jane_style.csv").content.decode())
    before = Patient.objects.count()
    response = client.post(URL, {"token": token, "step": "import", "strict": "on"})
    assert response.status_code == 400
    assert "Nothing was imported: strict: 5 of 7 rows" in response.content.decode()
    assert Patient.objects.count() == before


def test_unknown_columns_are_mapped_in_the_preview(client, owner):  # type: ignore[no-untyped-def]
    client.force_login(owner)
    page = _upload(client, "unknown_headings.tsv").content.decode()
    assert "no column is read as the client&#x27;s name" in page
    assert re.search(r'name="step" value="import"\s+disabled', page)
    token = _token(page)
    mapped = {"col-0": "first_name", "col-1": "last_name", "col-2": "date_of_birth", "col-3": ""}
    page = client.post(URL, {"token": token, "step": "preview", **mapped}).content.decode()
    assert "<strong>1</strong> ready" in page and "data-file-problems" not in page
    done = client.post(URL, {"token": token, "step": "import", **mapped})
    assert done.status_code == 302
    assert Patient.objects.get(first_name="Klara").last_name == "Berg"


def test_the_date_order_and_encoding_are_chosen_in_the_preview(client, owner):  # type: ignore[no-untyped-def]
    client.force_login(owner)
    page = _upload(client, "ambiguous_dates.csv").content.decode()
    assert "can be read two ways" in page
    token = _token(page)
    done = client.post(URL, {"token": token, "step": "import", "date_order": "mdy"})
    assert done.status_code == 302
    assert str(Patient.objects.get(last_name="Shaw").date_of_birth) == "1972-03-04"
    latin = _token(_upload(client, "cliniko_style_latin1.csv").content.decode())
    page = client.post(URL, {"token": latin, "encoding": "cp1250"}).content.decode()
    assert "Ličge" in page  # the wrong encoding shows wrong letters in the examples
    page = client.post(URL, {"token": latin, "encoding": "cp1252"}).content.decode()
    assert "Liège" in page


def test_bad_files_and_wrong_roles_are_refused(  # type: ignore[no-untyped-def]
    client, owner, therapist, other_clinic
):
    client.force_login(therapist)
    assert client.get(URL).status_code == 403  # the therapist does not import client lists
    client.force_login(owner)
    response = _upload(client, "broken_quotes.csv")
    assert response.status_code == 400
    assert "line 2: the quoting is broken" in response.content.decode()
    workbook = SimpleUploadedFile("list.xlsx", b"PK\x03\x04...", "application/octet-stream")
    assert "spreadsheet workbook" in client.post(URL, {"file": workbook}).content.decode()
    assert client.post(URL, {"token": "../../etc/passwd"}).status_code == 400
    assert Patient.objects.count() == 0
    # Another user's upload is not found with its token.
    token = _token(_upload(client, "jane_style.csv").content.decode())
    from tests.web.conftest import _user

    desk = _user(owner.clinic, "desk2", "front_desk")
    client.force_login(desk)
    assert client.post(URL, {"token": token, "step": "import"}).status_code == 400
    assert Patient.objects.count() == 0
