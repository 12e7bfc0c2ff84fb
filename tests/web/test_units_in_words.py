"""Counts of one read "1 minute" in what the web pages say."""

from __future__ import annotations

from myomap.clinics.views import locked_message


def test_a_one_minute_lockout_says_1_minute(settings):  # type: ignore[no-untyped-def]
    settings.LOGIN_LOCKOUT_MINUTES = 1
    assert "paused for 1 minute;" in locked_message()
