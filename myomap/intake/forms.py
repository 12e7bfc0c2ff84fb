"""The intake, one form per section. The same forms serve the therapist and the client link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from myomap.screening.forms import health_checks_form

TEXT_LIMIT = 4000


def _text(
    label: str, *, required: bool = False, rows: int = 3, help_text: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": TEXT_LIMIT}),
    )


def _radio(
    label: str, choices: list[tuple[str, str]], *, required: bool = False
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, required=required, widget=forms.RadioSelect
    )


class ComplaintForm(forms.Form):
    main_complaint = forms.CharField(
        label="What brings you in? Describe your main pain or problem.",
        max_length=300,
        widget=forms.TextInput(attrs={"maxlength": 300}),
    )
    complaint_history = _text(
        "How has it developed? When did you first notice it, and what has happened since?",
        rows=4,
    )
    onset = _radio(
        "How did it start?",
        [
            ("single_event", "From one event (a fall, a lift, an accident)"),
            ("gradual", "It built up over time"),
            ("not_sure", "I'm not sure"),
        ],
        required=True,
    )
    onset_date = forms.DateField(
        label="When did it start? (an approximate date is fine)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    onset_event = _text("What happened?", help_text="Only if it started with one event.")
    pain_pattern = _radio(
        "Is the pain there all the time?",
        [("constant", "Constant"), ("intermittent", "Comes and goes")],
    )
    worse_with = _text("What makes it worse?", rows=2)
    better_with = _text("What makes it better?", rows=2)

    def clean_onset_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("onset_date")
        if value and value > date.today():
            raise forms.ValidationError("The start date cannot be in the future.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("onset") == "single_event" and not (data.get("onset_event") or "").strip():
            self.add_error("onset_event", "Tell us briefly what happened when it started.")
        return data


class ActivitiesForm(forms.Form):
    usual_activities = _text(
        "What does a usual week look like for you (work, home, exercise, hobbies)?", rows=4
    )
    unusual_activities = _text(
        "Did you do anything unusual in the last week or so (moving house, a long drive, "
        "new exercise, gardening, a long flight)?",
        rows=3,
    )


class HistoryForm(forms.Form):
    CONDITIONS = [
        ("diabetes", "Diabetes"),
        ("high_blood_pressure", "High blood pressure"),
        ("heart_condition", "Heart condition"),
        ("osteoporosis", "Osteoporosis or weak bones"),
        ("arthritis", "Arthritis"),
        ("cancer", "Cancer (now or in the past)"),
        ("clotting", "Blood clots or a bleeding disorder"),
        ("pregnant", "Pregnant"),
        ("epilepsy", "Epilepsy"),
        ("skin", "Skin condition"),
        ("other", "Something else"),
    ]
    old_injuries = _text("Old injuries (falls, sprains, fractures, accidents) and roughly when")
    surgeries = _text("Operations: what, when and where on the body")
    medical_conditions = forms.MultipleChoiceField(
        label="Do you have, or have you had, any of these?",
        choices=CONDITIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_conditions = _text("Anything else about your health we should know", rows=2)
    medications = _text(
        "Medicines you take (including blood thinners, painkillers, steroids)", rows=2
    )


class WorkPostureForm(forms.Form):
    work_type = _radio(
        "How do you spend most of your working day?",
        [
            ("sitting", "Mostly sitting"),
            ("standing", "Mostly standing"),
            ("mixed", "A mix of sitting and standing"),
            ("physical", "Physical work, moving and lifting"),
            ("not_working", "Not working at the moment"),
        ],
    )
    sitting_hours = forms.IntegerField(
        label="Hours sitting on a typical day (work, driving, screens)",
        required=False,
        min_value=0,
        max_value=24,
    )
    workstation = _text(
        "Describe your workstation: desk or counter, chair, screen or laptop height, phone use",
    )
    lifting = _radio(
        "Lifting",
        [
            ("none", "Hardly ever"),
            ("light", "Often, light things"),
            ("heavy", "Often, heavy things"),
        ],
    )
    lifting_notes = _text("How do you usually lift and carry (children, boxes, tools)?", rows=2)


class StressSleepForm(forms.Form):
    stress_level = forms.IntegerField(
        label="Stress over the last month, from 0 (none) to 10 (extreme)",
        required=False,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    stress_notes = _text("What adds to your stress? (optional)", rows=2)
    sleep_quality = _radio(
        "How do you sleep?", [("good", "Well"), ("fair", "So-so"), ("poor", "Badly")]
    )
    sleep_hours = forms.DecimalField(
        label="Hours of sleep on a usual night",
        required=False,
        min_value=0,
        max_value=24,
        decimal_places=1,
    )
    pain_wakes = _radio("Does the pain wake you at night?", [("yes", "Yes"), ("no", "No")])
    sleep_position = _radio(
        "How do you usually sleep?",
        [
            ("back", "On my back"),
            ("side", "On my side"),
            ("front", "On my front"),
            ("varies", "It varies"),
        ],
    )


class GoalsForm(forms.Form):
    goals = _text(
        "What would you like to be able to do again? What are your goals?", required=True, rows=4
    )
    most_important = forms.CharField(
        label="The one activity that matters most to you", required=False, max_length=200
    )


class ConsentForm(forms.Form):
    consent_agree = forms.BooleanField(
        label=(
            "I agree to be assessed and treated with neuromuscular therapy. I understand I can "
            "ask the therapist to ease off or stop at any time, and that what I have written "
            "here is kept confidential in the clinic's records."
        ),
        required=True,
    )
    signature_name = forms.CharField(label="Type your full name as your signature", max_length=160)
    signature_drawn = forms.CharField(required=False, max_length=200_000, widget=forms.HiddenInput)

    def clean_signature_drawn(self) -> str:
        value: str = self.cleaned_data.get("signature_drawn") or ""
        if value and not value.startswith("data:image/png;base64,"):
            raise forms.ValidationError(
                "The drawn signature could not be read; please draw it again."
            )
        return value


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    form: type[forms.Form] | None  # None: the pain body map


SECTIONS: tuple[Section, ...] = (
    Section("complaint", "Your pain", ComplaintForm),
    Section("bodymap", "Where it hurts", None),
    Section("activities", "Your week", ActivitiesForm),
    Section("history", "Health history", HistoryForm),
    Section("screening", "Health checks", health_checks_form()),
    Section("work", "Work and posture", WorkPostureForm),
    Section("stress", "Stress and sleep", StressSleepForm),
    Section("goals", "Your goals", GoalsForm),
    Section("consent", "Consent", ConsentForm),
)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}


def section_after(slug: str) -> Section | None:
    index = [s.slug for s in SECTIONS].index(slug)
    return SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None


def section_before(slug: str) -> Section | None:
    index = [s.slug for s in SECTIONS].index(slug)
    return SECTIONS[index - 1] if index > 0 else None
