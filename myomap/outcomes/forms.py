"""Questionnaire forms built from the instruments' items, one screen per section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms

from myomap_core import outcomes as core

ACTIVITY_LIMIT = 120
RATING_VALUES = tuple(range(11))


@dataclass(frozen=True)
class Screen:
    """One section of one instrument: what a phone shows at once."""

    instrument: core.Instrument
    section: str
    items: tuple[core.Item, ...]
    number: int  # 1-based within the instrument

    @property
    def slug(self) -> str:
        return f"{self.instrument.id}-{self.number}"

    @property
    def title(self) -> str:
        return section_title(self.section)


def section_title(section: str) -> str:
    """A section id as a heading: ``pain_intensity`` -> ``Pain intensity``."""
    text = section.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def screens(spec: core.Instrument) -> list[Screen]:
    """The instrument's sections in the order of their first item."""
    order: dict[str, list[core.Item]] = {}
    for item in spec.items:
        order.setdefault(item.section, []).append(item)
    return [
        Screen(spec, section, tuple(items), number)
        for number, (section, items) in enumerate(order.items(), start=1)
    ]


def activity_answer(name: str, rating: int | None) -> dict[str, Any]:
    """A PSFS activity as the core reads it: the client's words and the 0-10 rating."""
    answer: dict[str, Any] = {"activity": name}
    if rating is not None:
        answer["rating"] = rating
    return answer


def activity_name(answer: object) -> str:
    if isinstance(answer, Mapping):
        return str(answer.get("activity") or "").strip()
    return ""


def activity_rating(answer: object) -> int | None:
    if isinstance(answer, Mapping) and answer.get("rating") is not None:
        return int(answer["rating"])
    return None


def _name_field(item: core.Item) -> forms.Field:
    return forms.CharField(
        label="The activity, in your words",
        required=False,
        max_length=ACTIVITY_LIMIT,
        widget=forms.TextInput(attrs={"maxlength": ACTIVITY_LIMIT, "autocomplete": "off"}),
    )


def _field(item: core.Item) -> forms.Field:
    if item.kind == "tick":
        return forms.BooleanField(label=item.text, required=False)
    if item.options:
        choices = [(str(o.value), o.text) for o in item.options]
    else:  # a 0-10 rating (NPRS, PSFS)
        choices = [(str(v), str(v)) for v in RATING_VALUES]
    return forms.TypedChoiceField(
        label=item.text,
        choices=choices,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )


class ItemsForm(forms.Form):
    """The items of one or more sections; every answer is optional here (the core decides)."""

    def __init__(self, *args: Any, items: tuple[core.Item, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            if item.kind == "activity":
                self.fields[f"{item.id}_name"] = _name_field(item)
            self.fields[item.id] = _field(item)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.items:
            if item.kind == "activity":
                named = (data.get(f"{item.id}_name") or "").strip()
                if data.get(item.id) is not None and not named:
                    self.add_error(f"{item.id}_name", "Name the activity you rated.")
        return data

    def answers(self) -> dict[str, Any]:
        """item id -> answer for what was given; skipped and unticked items are absent."""
        result: dict[str, Any] = {}
        for item in self.items:
            value = self.cleaned_data.get(item.id)
            if item.kind == "tick":
                if value:
                    result[item.id] = True
            elif item.kind == "activity":
                name = (self.cleaned_data.get(f"{item.id}_name") or "").strip()
                if name:
                    result[item.id] = activity_answer(name, value)
            elif value is not None:
                result[item.id] = value
        return result

    def rows(self, items: tuple[core.Item, ...] | None = None) -> list[dict[str, Any]]:
        """(item, bound field) pairs for the template, which draws each kind its own way."""
        return [
            {
                "item": item,
                "field": self[item.id],
                "name_field": self[f"{item.id}_name"] if item.kind == "activity" else None,
            }
            for item in (self.items if items is None else items)
        ]


def initial_from(answers: Mapping[str, Any], items: tuple[core.Item, ...]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for item in items:
        if item.id not in answers:
            continue
        value = answers[item.id]
        if item.kind == "activity":
            initial[f"{item.id}_name"] = activity_name(value)
            rating = activity_rating(value)
            if rating is not None:
                initial[item.id] = str(rating)
        else:
            initial[item.id] = value if item.kind == "tick" else str(value)
    return initial


class SessionNumberForm(forms.Form):
    session_number = forms.IntegerField(
        label="Treatment sessions completed so far",
        min_value=0,
        max_value=500,
        help_text="0 before the first treatment (the baseline).",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class LinkForm(forms.Form):
    instruments = forms.MultipleChoiceField(
        label="Questionnaires", widget=forms.CheckboxSelectMultiple, choices=()
    )
    session_number = forms.IntegerField(
        label="Treatment sessions completed so far",
        min_value=0,
        max_value=500,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    email = forms.EmailField(label="Email it to (optional)", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["instruments"]).choices = [
            (str(spec.id), spec.name) for spec in core.instruments()
        ]
