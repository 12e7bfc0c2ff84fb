"""Headless Debian Chromium driven by Playwright against the live test server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own database calls are
# still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.web.conftest import (  # noqa: F401
    _plain_static,
    clinic,
    patient,
    screened,
    therapist,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _unavailable(reason: str) -> None:
    if os.environ.get("MYOMAP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MYOMAP_REQUIRE_BROWSER=1, but {reason}.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (install the Debian 'chromium' package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def artifacts() -> Path:
    """Where the journey leaves its screenshots (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _no_blocked_code(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every journey fails if the Content-Security-Policy blocked a script or a style."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    blocked: list[str] = []
    original = browser.new_context

    def new_context(*args: Any, **kwargs: Any) -> Any:
        context = original(*args, **kwargs)
        context.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        return context

    browser.new_context = new_context
    try:
        yield
    finally:
        browser.new_context = original
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"
