"""A chart's value labels never overlap each other or a marker, however crowded the data."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from myomap.outcomes.chart_labels import label_box, marker_box, place
from myomap.outcomes.charts import Point, Series, line_chart

VALUE_LABEL = re.compile(
    r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)"[^>]*font-weight="bold"[^>]*>([^<]+)<'
)
POINT = st.tuples(st.floats(40, 500), st.floats(20, 200), st.sampled_from(["3", "4.5", "10"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(POINT, max_size=24))
def test_placed_labels_meet_no_label_and_no_marker(points: list[tuple[float, float, str]]) -> None:
    spots = place(points, top=18, bottom=214)
    boxes = [s.box for s in spots if s is not None]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.meets(b)
    for box in boxes:
        assert not any(box.meets(marker_box(x, y)) for x, y, _ in points)
        assert box.y0 >= 14 and box.y1 <= 214


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 10), min_size=6, max_size=6), min_size=1, max_size=3))
def test_a_crowded_line_chart_draws_no_label_over_another(values: list[list[int]]) -> None:
    series = [
        Series(f"Series {n}", tuple(Point(x, y) for x, y in enumerate(ys)))
        for n, ys in enumerate(values)
    ]
    svg = str(
        line_chart(
            series, title="NPRS", desc="", x_label="Session", y_label="NPRS", y_min=0, y_max=10
        )
    )
    labels = [
        label_box(float(x), float(y), text, anchor)
        for x, y, anchor, text in VALUE_LABEL.findall(svg)
    ]
    assert labels  # the values are written on the chart
    for a, b in itertools.combinations(labels, 2):
        assert not a.meets(b)


def test_equal_values_of_two_series_are_both_readable() -> None:
    svg = str(
        line_chart(
            [
                Series("Start", (Point(0, 7), Point(1, 5))),
                Series("End", (Point(0, 7), Point(1, 4))),
            ],
            title="NPRS",
            desc="",
            x_label="Session",
            y_label="NPRS",
            y_min=0,
            y_max=10,
        )
    )
    assert sorted(t for *_, t in VALUE_LABEL.findall(svg)) == ["4", "5", "7", "7"]
