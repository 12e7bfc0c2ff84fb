"""Charts are valid SVG that name their points and band, for screen readers and print."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from myomap.outcomes import charts
from myomap.outcomes.selectors import charts_for
from tests.web.test_outcomes_helpers import history, odi_for_percent

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [el.text or "" for el in root.iter() if el.tag in (f"{SVG}text", f"{SVG}title")]


def test_a_line_chart_has_its_points_its_band_and_a_title():
    svg = charts.line_chart(
        [charts.Series("ODI", (charts.Point(0, 44, "44.0"), charts.Point(3, 30, "30.0")))],
        title="ODI over sessions",
        desc="ODI 44.0 at session 0 & 30.0 at session 3 <better lower>",
        x_label="Treatment sessions completed",
        y_label="ODI (%)",
        y_min=0,
        y_max=100,
        band=charts.Band(34, 54, "Change smaller than the MCID"),
    )
    root = ET.fromstring(svg)  # valid XML, special characters escaped
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "ODI over sessions"
    assert "<better lower>" in root.find(f"{SVG}desc").text
    texts = _texts(svg)
    assert "44.0" in texts and "30.0" in texts and "Treatment sessions completed" in texts
    assert "Change smaller than the MCID" in texts
    band = root.find(f".//{SVG}rect[@class='band']")
    line = root.find(f".//{SVG}polyline[@class='series']")
    (x1, y1), (x2, y2) = (tuple(map(float, p.split(","))) for p in line.get("points").split())
    assert x1 < x2 and y1 < y2  # lower value sits lower on the chart
    top, bottom = float(band.get("y")), float(band.get("y")) + float(band.get("height"))
    assert top < y1 < bottom < y2  # 44 inside the band 34-54, 30 below it


def test_a_long_series_names_its_first_and_last_values_and_titles_every_marker():
    points = tuple(charts.Point(float(i), float(i % 7), f"v{i}") for i in range(1, 31))
    svg = charts.line_chart(
        [charts.Series("Pain before", points)],
        title="NPRS over sessions",
        desc="every value",
        x_label="Treatment sessions completed",
        y_label="NPRS",
        y_min=0,
        y_max=10,
    )
    texts = _texts(svg)
    assert "v1" in texts and "v30" in texts
    assert not [t for t in texts if t.startswith("v") and t not in ("v1", "v30")]
    root = ET.fromstring(svg)
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert all(f"Pain before: v{i}" in titles for i in range(1, 31))
    assert len([t for t in texts if t.isdigit()]) <= 12 + 6  # x ticks thinned, y ticks 0-10


def test_the_bands_key_gets_its_own_row_when_the_series_fill_the_first():
    def points(offset: float) -> tuple[charts.Point, ...]:
        return tuple(charts.Point(float(i), offset + i % 3) for i in range(6))

    band = charts.Band(3, 7, "Change smaller than the MCID (±2 from the baseline)")
    names = ("NPRS questionnaire", "Start of session", "End of session")
    svg = charts.line_chart(
        [charts.Series(n, points(i)) for i, n in enumerate(names)],
        title="NPRS over sessions",
        desc="d",
        x_label="Treatment sessions completed",
        y_label="NPRS",
        y_min=0,
        y_max=10,
        band=band,
    )
    root = ET.fromstring(svg)
    width = float(root.get("width"))
    key = next(t for t in root.iter(f"{SVG}text") if t.text == band.label)
    assert float(key.get("x")) + 6.2 * len(band.label) <= width  # the key is not cut off
    series_keys = [t for t in root.iter(f"{SVG}text") if t.text in names]
    assert all(float(t.get("y")) < float(key.get("y")) for t in series_keys)


def test_a_bar_chart_labels_each_group_and_value():
    svg = charts.bar_chart(
        [
            charts.BarGroup("Lifting my toddler", (2.0, 6.0)),
            charts.BarGroup("Sitting", (3.0, None)),
        ],
        ["First", "Latest"],
        title="PSFS per activity",
        desc="Lifting 2 then 6; sitting 3.",
        y_label="Ability (0–10)",
        y_min=0,
        y_max=10,
    )
    root = ET.fromstring(svg)
    assert len(root.findall(f".//{SVG}rect[@class='bar']")) == 3  # the missing value is not drawn
    texts = _texts(svg)
    assert {"2", "6", "3", "First", "Latest", "Sitting"} <= set(texts)


def test_a_radar_profile_draws_one_polygon_per_series():
    svg = charts.radar_chart(
        ["Wood", "Fire", "Earth", "Metal", "Water"],
        [("Then", [2, 8, 4, 5, 3]), ("Now", [4, 6, 5, 5, 5])],
        title="Five-element profile",
        desc="Then and now.",
        maximum=10,
    )
    root = ET.fromstring(svg)
    assert len(root.findall(f".//{SVG}polygon[@class='series']")) == 2
    assert {"Wood", "Water", "Then", "Now"} <= set(_texts(svg))
    with pytest.raises(ValueError, match="axes"):
        charts.radar_chart(["A", "B"], [], title="t", desc="d", maximum=1)


@pytest.mark.django_db
def test_the_client_charts_show_nprs_odi_with_the_mcid_band_and_psfs(therapist, patient):
    made = history(
        therapist,
        patient,
        [
            (0, "nprs", {"pain": 8}),
            (0, "odi", odi_for_percent(40)),
            (0, "psfs", {"activity_1": {"activity": "Sitting", "rating": 3}}),
            (4, "nprs", {"pain": 3}),
            (4, "odi", odi_for_percent(20)),
            (4, "psfs", {"activity_1": {"activity": "Sitting", "rating": 8}}),
        ],
        days_ago=30,
    )
    found = {c.title: c for c in charts_for(made)}
    assert list(found) == ["NPRS over sessions", "ODI over sessions", "PSFS per activity"]
    odi = ET.fromstring(str(found["ODI over sessions"].svg))
    assert {"40.0", "20.0"} <= set(_texts(str(found["ODI over sessions"].svg)))
    # Baseline 40 %: important = 10 points or 30 % (12) -> the smaller, 10: band 30 to 50.
    assert "from 30 to 50" in odi.find(f"{SVG}desc").text
    assert "Sitting" in _texts(str(found["PSFS per activity"].svg))
    assert (
        "after 4 sessions 8"
        in ET.fromstring(str(found["PSFS per activity"].svg)).find(f"{SVG}desc").text
    )
