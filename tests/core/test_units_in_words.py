"""Counts of one read "1 hour", "1 minute", "1 second" wherever the core writes them."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings

from myomap_core.aftercare import AftercareInput, WorkPosture, aftercare, sheet_json
from tests.core.test_aftercare import inputs

ONE_PLURAL = re.compile(r"(?<![\d.,–-])\b1 (seconds|minutes|hours|days|weeks|sessions)\b")


def test_one_hour_of_sitting_is_one_hour() -> None:
    sheet = aftercare(
        AftercareInput(muscles=(), work=WorkPosture(work_type="sitting", sitting_hours=1))
    )
    text = json.dumps(sheet_json(sheet), ensure_ascii=False)
    assert "(1 hour a day)" in text


@settings(max_examples=100, deadline=None)
@given(inputs)
def test_an_aftercare_sheet_never_says_1_hours(data: AftercareInput) -> None:
    text = json.dumps(sheet_json(aftercare(data)), ensure_ascii=False)
    assert not ONE_PLURAL.search(text), ONE_PLURAL.search(text)
