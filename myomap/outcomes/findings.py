"""What the assessments found, over time: pressure pain thresholds per trigger point, the
five-element profile then and now, and the pain map then and now.

The ratings come from the assessments app's own profile (``element_profile``); nothing is
re-rated here. Pressure pain thresholds are read in kPa and shown in the therapist's unit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from myomap import bodymap
from myomap.assessments import selectors as assessment_selectors
from myomap.assessments.models import Assessment, PalpationFinding
from myomap.assessments.services import finding_label
from myomap.intake.models import PainMap
from myomap.outcomes import charts
from myomap.outcomes.selectors import Chart
from myomap.patients.models import Patient
from myomap_core import pressure
from myomap_core.elements import Element, compare

PPT_SERIES_LIMIT = 6
"""At most this many trigger points on the chart: the most recently measured."""

UNIT_LABELS = {
    "kg_cm2": "kg/cm²",
    "lb_cm2": "lb/cm²",
    "kpa": "kPa",
    "lb": "lb",
    "kg": "kg",
}

ELEMENT_LABELS = {
    Element.ISCHEMIA: "Ischemia",
    Element.TRIGGER_POINTS: "Trigger points",
    Element.NERVE_COMPRESSION: "Nerve compression",
    Element.POSTURAL_DISTORTION: "Postural distortion",
    Element.BIOMECHANICAL_DYSFUNCTION: "Biomechanical dysfunction",
}


@dataclass
class PainMapView:
    title: str
    pain_map: PainMap
    chart: tuple[bodymap.ChartView, ...]
    regions: list[dict[str, Any]]
    highest: dict[str, Any] | None

    @property
    def count(self) -> int:
        return len(self.regions)

    @property
    def summary(self) -> str:
        if not self.regions:
            return "No regions marked."
        text = f"{self.count} region{'s' if self.count != 1 else ''} marked"
        if self.highest is not None:
            text += f"; highest {self.highest['intensity']}/10 ({self.highest['label']})"
        return text + "."


@dataclass
class Findings:
    """Assessment findings over time, each with its reading in words."""

    assessments: int
    unit: str
    ppt: Chart | None = None
    ppt_lines: list[str] = field(default_factory=list)
    ppt_note: str = ""
    elements: Chart | None = None
    element_lines: list[str] = field(default_factory=list)
    elements_note: str = ""
    pain_maps: list[PainMapView] = field(default_factory=list)
    pain_lines: list[str] = field(default_factory=list)
    pain_note: str = ""

    @property
    def unit_label(self) -> str:
        return UNIT_LABELS.get(self.unit, self.unit)


def _visits(patient: Patient) -> list[Assessment]:
    """The client's assessments, oldest first."""
    return list(reversed(assessment_selectors.assessments_of(patient)))


def _in_unit(kpa: float, unit: str, probe_cm2: float) -> float:
    return pressure.to_unit(kpa, unit, probe_cm2)


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _date(assessment: Assessment) -> str:
    return f"{assessment.visit_date:%-d %b %Y}"


def _ppt(visits: list[Assessment], unit: str, result: Findings) -> None:
    if not visits:
        result.ppt_note = "No assessment recorded yet, so no pressure pain thresholds."
        return
    index = {a.pk: i for i, a in enumerate(visits)}
    found = [
        f
        for f in PalpationFinding.objects.filter(
            assessment__in=visits, ppt_kpa__isnull=False
        ).select_related("assessment")
    ]
    if not found:
        result.ppt_note = "No pressure pain threshold measured in any assessment yet."
        return
    by_point: dict[tuple[str, str, str], list[PalpationFinding]] = defaultdict(list)
    for f in found:
        by_point[(f.muscle_id, f.trigger_point, f.side)].append(f)
    for rows in by_point.values():
        rows.sort(key=lambda f: index[f.assessment_id])

    def recency(rows: list[PalpationFinding]) -> tuple[int, Any]:
        last = rows[-1]
        return index[last.assessment_id], last.updated_at

    chosen = sorted(by_point.values(), key=recency, reverse=True)[:PPT_SERIES_LIMIT]
    chosen.sort(key=lambda rows: finding_label(rows[-1]))
    label = UNIT_LABELS.get(unit, unit)
    series = []
    values: list[float] = []
    for rows in chosen:
        points = []
        for f in rows:
            value = _in_unit(f.ppt_kpa or 0.0, unit, f.probe_cm2)
            values.append(value)
            points.append(charts.Point(float(index[f.assessment_id] + 1), value, _fmt(value)))
        series.append(charts.Series(finding_label(rows[-1]), tuple(points)))
        result.ppt_lines.append(_ppt_line(rows, unit, visits, index))
    used = sorted({index[f.assessment_id] for rows in chosen for f in rows})
    ticks = [(float(i + 1), f"{visits[i].visit_date:%-d %b}") for i in used]
    top = max(values) * 1.2 if values else 1.0
    step = charts._nice_step(top)
    y_max = max(step, step * -(-top // step))
    real = _in_unit(pressure.REAL_CHANGE_KPA, unit, 1.0)
    real_text = f"{pressure.REAL_CHANGE_KG_CM2:g} kg/cm²"
    if unit != "kg_cm2":
        real_text += (
            f" ({_fmt(real)} {label}{' with a 1 cm² probe' if unit in ('kg', 'lb') else ''})"
        )
    told = "; ".join(
        f"{s.name}: " + ", ".join(f"{ticks_text(p.x, ticks)} {p.label}" for p in s.points)
        for s in series
    )
    svg = charts.line_chart(
        series,
        title="Pressure pain threshold per trigger point",
        desc=f"Pressure pain threshold in {label} at each assessment. {told}. Higher means "
        "the point tolerates more pressure before it hurts.",
        x_label="Assessment date",
        y_label=f"Threshold ({label})",
        y_min=0,
        y_max=float(y_max),
        x_ticks=ticks,
    )
    caption = (
        f"Pressure pain threshold in {label}, higher is better (less tender). A change of at "
        f"least {real_text} is beyond measurement error between raters (Chesterton 2007); "
        "smaller changes may be noise."
    )
    if len(found) > len({f.pk for rows in chosen for f in rows}):
        caption += f" The {PPT_SERIES_LIMIT} most recently measured points are shown."
    result.ppt = Chart("Pressure pain threshold per trigger point", svg, caption)
    if len(visits) < 2:
        result.ppt_note = (
            "Only one assessment so far: these are the starting values; a change can be "
            "judged after the next assessment."
        )


def ticks_text(x: float, ticks: list[tuple[float, str]]) -> str:
    return dict(ticks).get(x, "")


def _ppt_line(
    rows: list[PalpationFinding], unit: str, visits: list[Assessment], index: dict[int, int]
) -> str:
    label = UNIT_LABELS.get(unit, unit)
    name = finding_label(rows[-1])
    last = rows[-1]
    last_value = _in_unit(last.ppt_kpa or 0.0, unit, last.probe_cm2)
    if len(rows) == 1:
        return (
            f"{name}: {_fmt(last_value)} {label} on {_date(visits[index[last.assessment_id]])}, "
            "measured once."
        )
    first = rows[0]
    first_value = _in_unit(first.ppt_kpa or 0.0, unit, first.probe_cm2)
    diff = last_value - first_value
    real = pressure.ppt_change_is_real(first.ppt_kpa or 0.0, last.ppt_kpa or 0.0)
    if real:
        verdict = "a real rise (less tender)" if diff > 0 else "a real fall (more tender): reassess"
    else:
        verdict = "within measurement error"
    direction = "up" if diff > 0 else "down" if diff < 0 else "unchanged"
    amount = f" {_fmt(abs(diff))} {label}" if diff else ""
    return (
        f"{name}: {_fmt(first_value)} → {_fmt(last_value)} {label}, {direction}{amount}: {verdict}."
    )


def _elements(visits: list[Assessment], result: Findings) -> None:
    if not visits:
        result.elements_note = "No assessment recorded yet, so no five-element profile."
        return
    first, latest = visits[0], visits[-1]
    now = assessment_selectors.element_profile(latest)
    then = assessment_selectors.element_profile(first) if first is not latest else None
    names = [f"First ({_date(first)})", f"Latest ({_date(latest)})"] if then else [_date(latest)]
    groups = []
    for element in Element:
        current = now.rating(element)
        values: tuple[float | None, ...] = (float(current.rating),)
        if then is not None:
            values = (float(then.rating(element).rating), float(current.rating))
        groups.append(charts.BarGroup(ELEMENT_LABELS[element], values))
    told = "; ".join(
        f"{g.label}: "
        + ", ".join(
            f"{n} {charts.num(v)}" for n, v in zip(names, g.values, strict=False) if v is not None
        )
        for g in groups
    )
    svg = charts.bar_chart(
        groups,
        names,
        title="Five-element profile, then and now" if then else "Five-element profile",
        desc=f"Each element of pain rated 0 (not involved) to 3 (strongly involved). {told}.",
        y_label="Rating (0–3)",
        y_min=0,
        y_max=3,
    )
    result.elements = Chart(
        "Five-element profile, then and now" if then else "Five-element profile",
        svg,
        "Each element of pain rated 0 (not involved) to 3 (strongly involved) from what the "
        "assessment recorded; lower is better. Ratings set by hand are marked in the text.",
    )
    if then is None:
        result.elements_note = (
            f"Only one assessment so far ({_date(latest)}): the profile can be compared after "
            "the next assessment."
        )
        for r in now.ratings:
            result.element_lines.append(
                f"{ELEMENT_LABELS[r.element]}: {r.rating} of 3{_by_hand(r.overridden)}."
            )
        return
    for element, delta in compare(then, now):
        before, after = then.rating(element), now.rating(element)
        if delta < 0:
            verdict = "less involved"
        elif delta > 0:
            verdict = "more involved: look into it"
        else:
            verdict = "unchanged"
        result.element_lines.append(
            f"{ELEMENT_LABELS[element]}: {before.rating} → {after.rating} of 3, "
            f"{verdict}{_by_hand(after.overridden)}."
        )


def _by_hand(overridden: bool) -> str:
    return " (rated by hand)" if overridden else ""


def _pain_maps(patient: Patient, result: Findings) -> None:
    maps = list(
        PainMap.objects.filter(patient=patient, marks__isnull=False)
        .distinct()
        .order_by("recorded_at", "id")
        .prefetch_related("marks")
    )
    if not maps:
        result.pain_note = "No pain map recorded yet."
        return
    chosen = [maps[0]] + ([maps[-1]] if len(maps) > 1 else [])
    for number, pain_map in enumerate(chosen):
        marks = bodymap.marks_of(pain_map)
        regions = [
            {
                "label": bodymap.region_label(region),
                "intensity": intensity,
                "quality": quality,
            }
            for region, intensity, quality in sorted(marks, key=lambda m: (-m[1], m[0]))
        ]
        title = "Pain map" if len(chosen) == 1 else ("First pain map", "Latest pain map")[number]
        result.pain_maps.append(
            PainMapView(
                title,
                pain_map,
                bodymap.chart(marks),
                regions,
                regions[0] if regions else None,
            )
        )
    if len(chosen) == 1:
        result.pain_note = "Only one pain map so far: the comparison needs a later one."
        return
    then, now = result.pain_maps
    lines = [
        f"Regions marked: {then.count} then, {now.count} now"
        + (
            " (fewer)."
            if now.count < then.count
            else " (more)."
            if now.count > then.count
            else " (the same number)."
        )
    ]
    high_then = then.highest["intensity"] if then.highest else 0
    high_now = now.highest["intensity"] if now.highest else 0
    lines.append(
        f"Highest intensity: {high_then}/10 then, {high_now}/10 now"
        + (" (lower)." if high_now < high_then else " (higher)." if high_now > high_then else ".")
    )
    result.pain_lines = lines


def findings_of(patient: Patient, *, unit: str = "kg_cm2") -> Findings:
    """PPT per trigger point, the five-element profile and the pain map, then and now."""
    visits = _visits(patient)
    result = Findings(assessments=len(visits), unit=unit if unit in UNIT_LABELS else "kg_cm2")
    _ppt(visits, result.unit, result)
    _elements(visits, result)
    _pain_maps(patient, result)
    return result
