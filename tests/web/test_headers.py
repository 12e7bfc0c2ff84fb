"""Every page carries a Content-Security-Policy without inline allowances; patient data is
never cached; the API docs work offline from installed files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from myomap.common.headers import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"", re.IGNORECASE)


def _assert_strict(response) -> str:  # type: ignore[no-untyped-def]
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert 'style="' not in html
    assert not INLINE_HANDLER.search(html)
    assert not INLINE_SCRIPT.search(html)
    return html


def test_pages_have_the_policy_no_inline_code_and_no_cache(client, therapist_client, patient):  # type: ignore[no-untyped-def]
    _assert_strict(client.get(reverse("login")))
    for url in (
        reverse("patients:list"),
        reverse("chart:client", args=[patient.pk]),
        reverse("outcomes:dashboard"),
    ):
        _assert_strict(therapist_client.get(url))
    created = therapist_client.post(reverse("intake:link_create", args=[patient.pk]))
    assert "data-select-on-click" in _assert_strict(created)


def test_api_answers_are_never_cached(therapist_client, patient):  # type: ignore[no-untyped-def]
    response = therapist_client.get(f"/api/v1/clients/{patient.pk}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_the_api_docs_load_swagger_from_installed_static_files(client):  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert not INLINE_SCRIPT.search(html)
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_width_classes_cover_every_percent():  # type: ignore[no-untyped-def]
    from django.contrib.staticfiles import finders

    from myomap.bodymap.templatetags.bodymap import INTENSITY_COLOURS
    from myomap.common.templatetags.myomap_filters import width_class

    css = Path(finders.find("myomap/myomap.css")).read_text(encoding="utf-8")
    assert all(f".pct-{n} {{ width: {n}%; }}" in css for n in range(101))
    assert (width_class(-5), width_class("42.4"), width_class(180), width_class("")) == (
        "pct-0",
        "pct-42",
        "pct-100",
        "pct-0",
    )
    for intensity, colour in enumerate(INTENSITY_COLOURS):
        assert f'.region[data-intensity="{intensity}"] {{ fill: {colour}; }}' in css


def test_the_deploy_check_is_clean_behind_https(tmp_path: Path) -> None:
    """`manage.py check --deploy` with MYOMAP_HTTPS=1, as an operator runs it: no warning."""
    repo = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MYOMAP_", "DJANGO_"))}
    env |= {"MYOMAP_HTTPS": "1", "MYOMAP_VAR_DIR": str(tmp_path / "var"), "PYTHONPATH": str(repo)}
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
