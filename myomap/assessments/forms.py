"""Forms of the assessment page. Each works as a plain HTML form without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms

from myomap.assessments.images import MAX_BYTES
from myomap.assessments.models import View
from myomap.assessments.services import PPT_UNITS, ExamEntry, landmarks_for
from myomap_core.elements import Element
from myomap_core.errors import DomainError
from myomap_core.examination import ExamTest, check_result, exam_tests

CATEGORIES = {
    "range_of_motion": "Range of motion",
    "strength": "Muscle strength (0–5)",
    "muscle_length": "Muscle length",
    "neural_tension": "Neural tension",
    "special": "Other special tests",
}
POS_NEG = [("", "–"), ("positive", "Positive"), ("negative", "Negative")]


class PhotoForm(forms.Form):
    view = forms.ChoiceField(choices=View.choices, label="View")
    image = forms.FileField(
        label="Photo (JPEG, PNG or HEIC, up to 15 MB)",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/heic,image/heif,.heic,.heif"}
        ),
    )

    def clean_image(self) -> Any:
        image = self.cleaned_data["image"]
        if image.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The photo is {image.size / 1024 / 1024:.1f} MB; the limit is 15 MB."
            )
        return image


class LandmarkForm(forms.Form):
    """x/y of each landmark of the view, and the optional scale marker: the keyboard and
    no-JavaScript way to place points, and what the editor's script fills in."""

    def __init__(self, *args: Any, photo: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.photo = photo
        self.landmarks = landmarks_for(photo.view)
        for lm in self.landmarks:
            for axis, _size in (("x", photo.width), ("y", photo.height)):
                self.fields[f"{axis}_{lm.value}"] = forms.FloatField(
                    required=False,
                    label=f"{lm.label} {axis}",
                    widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
                )
        for name in ("scale_x1", "scale_y1", "scale_x2", "scale_y2"):
            self.fields[name] = forms.FloatField(
                required=False, widget=forms.NumberInput(attrs={"step": "0.1"})
            )
        self.fields["scale_mm"] = forms.FloatField(
            required=False, min_value=1, max_value=5000, label="Real length of the marker (mm)"
        )

    @classmethod
    def initial_for(cls, photo: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for key, (x, y) in photo.landmarks.items():
            initial[f"x_{key}"], initial[f"y_{key}"] = x, y
        if len(photo.scale_points) == 2:
            (x1, y1), (x2, y2) = photo.scale_points
            initial.update(scale_x1=x1, scale_y1=y1, scale_x2=x2, scale_y2=y2)
        initial["scale_mm"] = photo.scale_length_mm
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        points: dict[str, list[float]] = {}
        for lm in self.landmarks:
            x, y = data.get(f"x_{lm.value}"), data.get(f"y_{lm.value}")
            if (x is None) != (y is None):
                self.add_error(f"x_{lm.value}", f"Give both x and y for {lm.label}, or neither.")
            elif x is not None and y is not None:
                points[lm.value] = [x, y]
        scale = [data.get(n) for n in ("scale_x1", "scale_y1", "scale_x2", "scale_y2")]
        if any(v is not None for v in scale) and not all(v is not None for v in scale):
            self.add_error("scale_x1", "The scale marker needs both of its points.")
            scale = [None] * 4
        data["points"] = points
        data["scale_points"] = (
            [[scale[0], scale[1]], [scale[2], scale[3]]]
            if all(v is not None for v in scale)
            else []
        )
        if data["scale_points"] and data.get("scale_mm") is None:
            self.add_error("scale_mm", "Give the real length of the scale marker in mm.")
        return data


def _number(test: ExamTest, name: str, label: str) -> forms.Field:
    attrs: dict[str, Any] = {"inputmode": "decimal", "step": "1"}
    if test.minimum is not None:
        attrs["min"] = f"{test.minimum:g}"
    if test.maximum is not None:
        attrs["max"] = f"{test.maximum:g}"
    if test.result_type == "grade_0_5":
        return forms.IntegerField(
            required=False, label=label, widget=forms.NumberInput(attrs=attrs)
        )
    return forms.FloatField(required=False, label=label, widget=forms.NumberInput(attrs=attrs))


def _sides(test: ExamTest) -> tuple[str, ...]:
    return ("left", "right") if test.sided else ("",)


def field_name(test_id: str, side: str, part: str) -> str:
    return f"{test_id}__{side or 'n'}__{part}"


class ExamForm(forms.Form):
    """The tests of one category, each side a row of fields."""

    def __init__(self, *args: Any, category: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        self.tests = [t for t in exam_tests() if t.category == category]
        self.rows: list[dict[str, Any]] = []
        for test in self.tests:
            for side in _sides(test):
                label = test.label + (f", {side}" if side else "")
                row: dict[str, Any] = {"test": test, "side": side, "label": label}
                if test.result_type in ("degrees", "grade_0_5", "degrees_and_positive"):
                    name = field_name(test.id, side, "value")
                    unit = "°" if test.result_type != "grade_0_5" else "grade"
                    self.fields[name] = _number(test, name, f"{label} ({unit})")
                    row["value"] = name
                if test.result_type in ("positive_negative", "degrees_and_positive"):
                    name = field_name(test.id, side, "positive")
                    self.fields[name] = forms.ChoiceField(
                        required=False, choices=POS_NEG, label=f"{label}: result"
                    )
                    row["positive"] = name
                if category == "range_of_motion":
                    pname = field_name(test.id, side, "painful")
                    wname = field_name(test.id, side, "where")
                    self.fields[pname] = forms.BooleanField(required=False, label="Painful")
                    self.fields[wname] = forms.CharField(
                        required=False, max_length=200, label="Where it hurts"
                    )
                    row["painful"], row["where"] = pname, wname
                self.rows.append(row)

    @property
    def grouped(self) -> list[dict[str, Any]]:
        """One entry per test with its sides' rows (left and right, or a single one)."""
        groups: dict[str, dict[str, Any]] = {}
        for row in self.rows:
            entry = groups.setdefault(row["test"].id, {"test": row["test"], "cells": []})
            entry["cells"].append(row)
        return list(groups.values())

    @property
    def filled(self) -> int:
        """How many tests of the group have a stored or typed result."""
        count = 0
        for row in self.rows:
            names = [row[k] for k in ("value", "positive", "painful") if row.get(k)]
            if any(self[n].value() not in (None, "", False) for n in names):
                count += 1
        return count

    @classmethod
    def initial_for(cls, results: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for r in results:
            if r.value is not None:
                v = r.value
                initial[field_name(r.test_id, r.side, "value")] = int(v) if v == int(v) else v
            if r.positive is not None:
                initial[field_name(r.test_id, r.side, "positive")] = (
                    "positive" if r.positive else "negative"
                )
            initial[field_name(r.test_id, r.side, "painful")] = r.painful
            initial[field_name(r.test_id, r.side, "where")] = r.pain_where
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        entries = []
        for row in self.rows:
            test, side = row["test"], row["side"]
            value = data.get(row["value"]) if "value" in row else None
            raw = data.get(row["positive"]) if "positive" in row else ""
            positive = {"positive": True, "negative": False}.get(raw or "")
            entry = ExamEntry(
                test_id=test.id,
                side=side,
                value=float(value) if value is not None else None,
                positive=positive,
                painful=bool(data.get(row.get("painful", ""), False)),
                pain_where=data.get(row.get("where", ""), "") or "",
            )
            if not entry.empty:
                try:
                    check_result(test.id, entry.value, entry.positive)
                except DomainError as exc:
                    self.add_error(row.get("value") or row.get("positive"), exc.message)
                    continue
            entries.append(entry)
        data["entries"] = entries
        return data


class PptForm(forms.Form):
    ppt = forms.FloatField(
        required=False,
        min_value=0.01,
        max_value=2500,
        label="Pressure pain threshold",
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    ppt_unit = forms.ChoiceField(choices=list(PPT_UNITS.items()), label="Unit")
    probe_cm2 = forms.FloatField(min_value=0.1, max_value=10, initial=1.0, label="Probe area (cm²)")


class OverrideForm(forms.Form):
    element = forms.ChoiceField(choices=[(e.value, e.label) for e in Element])
    rating = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(4)], coerce=int, label="Your rating (0–3)"
    )
    reason = forms.CharField(
        max_length=500,
        label="Why",
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. SLR negative, paraesthesia from a known neuropathy"}
        ),
        error_messages={"required": "Say why you rate this element differently."},
    )
