"""Forms of the plan page: propose, add a step, change a step. They only read the values;
the planning core decides what is safe (see ``services``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from myomap.plans.models import TECHNIQUE_CHOICES
from myomap_core import planning
from myomap_core.knowledge.records import Contact, Muscle
from myomap_core.pressure import KGF_PER_LBF

SIDES = [("", "Both / midline"), ("left", "Left"), ("right", "Right")]
CONTACTS = [("", "—")] + [(c.value, c.value.replace("_", " ").capitalize()) for c in Contact]
UNITS = [("kg", "kg"), ("lb", "lb")]


def _int(label: str, low: int, high: int, **kw: Any) -> forms.IntegerField:
    # The browser's limits are wider than the safe ranges on purpose: the server explains.
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1}),
        **kw,
    )


def _pressure(label: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": 0.1}),
    )


class ProposeForm(forms.Form):
    session_minutes = forms.TypedChoiceField(
        label="Session length",
        coerce=int,
        choices=[(m, f"{m} minutes") for m in planning.SESSION_LENGTHS],
        initial=planning.DEFAULT_SESSION_MINUTES,
        required=False,
        # Django takes any empty value; the stub allows only a string.
        empty_value=planning.DEFAULT_SESSION_MINUTES,  # type: ignore[arg-type]
    )


class ParametersForm(forms.Form):
    """The technique's parameters. Pressure may be typed in kg or lb; it is kept in kg."""

    pressure_unit = forms.ChoiceField(
        label="Unit", choices=UNITS, initial="kg", required=False, widget=forms.RadioSelect
    )
    pressure_min_kg = _pressure("Pressure from")
    pressure_max_kg = _pressure("to")
    contact = forms.ChoiceField(label="Contact", choices=CONTACTS, required=False)
    hold_s = _int("Hold (s)", planning.HOLD_MIN_S, planning.HOLD_MAX_S)
    repetitions = _int("Repetitions", 1, 10)
    duration_s = _int("Friction (s)", 5, 600)
    contract_s = _int("Contraction (s)", 3, 15)
    body_position = forms.CharField(
        label="Position", required=False, max_length=1000, widget=forms.TextInput()
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("pressure_unit") == "lb":
            for f in ("pressure_min_kg", "pressure_max_kg"):
                if data.get(f) is not None:
                    data[f] = round(data[f] * KGF_PER_LBF, 2)
        return data

    def values(self) -> dict[str, Any]:
        """What the therapist filled in (empty fields are left to the knowledge base)."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k != "pressure_unit" and v not in (None, "")
        }


class StepAddForm(ParametersForm):
    muscle_id = forms.CharField(widget=forms.HiddenInput, max_length=60)
    trigger_point = forms.ChoiceField(label="Trigger point", required=False, choices=[])
    side = forms.ChoiceField(label="Side", choices=SIDES, required=False)
    technique = forms.ChoiceField(
        label="Technique", choices=TECHNIQUE_CHOICES, initial="ischemic_compression"
    )
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"placeholder": "e.g. tender on the left today"}),
    )

    field_order = ["muscle_id", "trigger_point", "side", "technique", "reason"]

    def __init__(self, *args: Any, muscle: Muscle | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.muscle = muscle
        points = muscle.trigger_points if muscle is not None else ()
        cast(forms.ChoiceField, self.fields["trigger_point"]).choices = [("", "Whole muscle")] + [
            (p.id, p.label) for p in points
        ]
        if muscle is not None:
            self.fields["muscle_id"].initial = muscle.id

    def values(self) -> dict[str, Any]:
        data = super().values()
        data.setdefault("side", "")
        data.setdefault("trigger_point", "")
        return data


class StepEditForm(ParametersForm):
    """Change one step: side and parameters (the technique too). Pressures are shown and
    typed in the clinic's unit; a hidden field says which, so the value is converted from
    the unit it was typed in even if the setting changes meanwhile."""

    pressure_unit = forms.ChoiceField(
        choices=UNITS, initial="kg", required=False, widget=forms.HiddenInput
    )
    side = forms.ChoiceField(label="Side", choices=SIDES, required=False)
    technique = forms.ChoiceField(label="Technique", choices=TECHNIQUE_CHOICES)

    field_order = ["side", "technique"]

    def __init__(self, *args: Any, unit: str = "kg", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = (self.data.get("pressure_unit") if self.is_bound else unit) or "kg"
        unit = unit if unit in dict(UNITS) else "kg"
        self.unit = unit
        self.fields["pressure_unit"].initial = unit
        self.fields["pressure_min_kg"].label = f"Pressure from ({unit})"
        self.fields["pressure_max_kg"].label = f"to ({unit})"

    @property
    def technique_shown(self) -> str:
        """The technique whose parameters the form shows: the one chosen, else the step's."""
        chosen = self.data.get("technique") if self.is_bound else None
        return str(chosen or self.initial.get("technique") or "")

    def values(self) -> dict[str, Any]:
        data = {
            k: v for k, v in self.cleaned_data.items() if k not in ("pressure_unit", "technique")
        }
        data["technique"] = self.cleaned_data["technique"]
        for f in ("contact", "body_position"):
            data[f] = data.get(f) or ""
        return data

    @classmethod
    def initial_for(cls, step: Any, unit: str = "kg") -> dict[str, Any]:
        """The step's values as the form shows them, pressures in ``unit``."""
        shown = {
            f: getattr(step, f)
            for f in ("pressure_min_kg", "pressure_max_kg")
            if getattr(step, f) is not None
        }
        if unit == "lb":
            shown = {f: round(v / KGF_PER_LBF, 1) for f, v in shown.items()}
        return {
            "pressure_unit": unit,
            **cls._initial_rest(step),
            **shown,
        }

    @staticmethod
    def _initial_rest(step: Any) -> dict[str, Any]:
        return {
            "side": step.side,
            "technique": step.technique,
            **{
                f: getattr(step, f)
                for f in (
                    "pressure_min_kg",
                    "pressure_max_kg",
                    "contact",
                    "hold_s",
                    "repetitions",
                    "duration_s",
                    "contract_s",
                    "body_position",
                )
            },
        }
