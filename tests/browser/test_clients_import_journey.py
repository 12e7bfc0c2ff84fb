"""The front desk brings a practice's client list in from a CSV export: upload, read every
row's problem, fix the date order, import."""

from __future__ import annotations

from pathlib import Path

import pytest

from myomap.patients.models import Patient
from tests.browser.test_intake_journey import DESKTOP, Shots, log_in
from tests.web.conftest import _user

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "web" / "fixtures" / "csv"


def test_front_desk_imports_a_client_list(browser, live_server, clinic, patient, artifacts):  # type: ignore[no-untyped-def]
    _user(clinic, "desk", "front_desk")
    base = live_server.url
    shot = Shots(artifacts, "clients-import")
    context = browser.new_context(**DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, base, "desk")
    page.click("nav a:has-text('Clients')")
    page.click("a:has-text('Import from CSV')")
    shot(page, "upload")
    page.set_input_files("#id_file", str(FIXTURES / "jane_style.csv"))
    page.click("button:has-text('Preview')")
    page.wait_for_selector("[data-import-preview]")
    shot(page, "preview-with-problems")
    assert page.locator("[data-skipped-rows] tr[data-row]").count() == 5
    assert "no such date" in page.inner_text("[data-row='4']")
    page.click("button:has-text('Import 2 clients')")
    page.wait_for_url(f"{base}/clients/")
    shot(page, "imported")
    assert "Imported 2 clients from jane_style.csv" in page.inner_text("body")
    assert Patient.objects.filter(last_name__in=["Kowalski", "Okafor"]).count() == 2

    page.click("a:has-text('Import from CSV')")
    page.set_input_files("#id_file", str(FIXTURES / "ambiguous_dates.csv"))
    page.click("button:has-text('Preview')")
    assert page.locator("button:has-text('Import 0 clients')").is_disabled()
    shot(page, "ambiguous-dates")
    page.select_option("#date_order", "dmy")
    page.click("button:has-text('Update the preview')")
    page.click("button:has-text('Import 2 clients')")
    page.wait_for_url(f"{base}/clients/")
    assert str(Patient.objects.get(last_name="Shaw").date_of_birth) == "1972-04-03"
    context.close()
