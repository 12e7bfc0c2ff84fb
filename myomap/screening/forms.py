"""The intake's health-check questions, built from the screening rules, and the clearance form."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from myomap_core.screening import AnswerType, Question, questions

HEALTH_CHECKS = "screening"
"""The intake section (``intake.answers[HEALTH_CHECKS]``) that holds the health-check answers."""
YES, NO, UNSURE = "yes", "no", "unsure"
YES_NO = [(YES, "Yes"), (NO, "No"), (UNSURE, "Not sure")]
TEXT_LIMIT = 500
DOCUMENT_LIMIT = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    b"%PDF-": ("application/pdf", "PDF"),
    b"\xff\xd8\xff": ("image/jpeg", "JPEG"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "PNG"),
}


def _field(q: Question) -> forms.Field:
    hint = q.help
    if q.follow_up_of:
        parent = questions_by_id()[q.follow_up_of]
        only = f"Only if you answered yes to “{parent.text}”"
        hint = f"{only}. {hint}" if hint else only
    field: forms.Field
    if q.type == AnswerType.BOOLEAN:
        field = forms.ChoiceField(choices=YES_NO, required=False, widget=forms.RadioSelect)
    elif q.type == AnswerType.NUMBER:
        attrs: dict[str, Any] = {"inputmode": "decimal", "step": "any"}
        field = forms.FloatField(
            required=False,
            min_value=q.minimum,
            max_value=q.maximum,
            widget=forms.NumberInput(attrs=attrs),
        )
    else:
        field = forms.CharField(
            required=False,
            max_length=TEXT_LIMIT,
            widget=forms.TextInput(attrs={"maxlength": TEXT_LIMIT}),
        )
    label = q.text + (f" ({q.unit})" if q.type == AnswerType.NUMBER and q.unit else "")
    field.label = label
    field.help_text = hint
    return field


def age_on(born: date, day: date) -> int:
    """Age in whole years on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@functools.cache
def questions_by_id() -> dict[str, Question]:
    return {q.id: q for q in questions()}


@dataclass(frozen=True)
class Shown:
    """One question as the form shows it: the bound field and its place in the flow."""

    field: forms.BoundField
    question: Question
    is_choice: bool


class HealthChecksFormBase(forms.Form):
    """Every question the screening rules need, grouped, follow-ups after their parent.

    Nothing is required: an unanswered question is "unknown" to the rules, never "no".
    """

    def clean(self) -> dict[str, Any]:
        """Refuse a follow-up answered yes under a question answered no: one of the two is
        wrong, and guessing which could hide a warning sign."""
        data = super().clean() or {}
        by_id = questions_by_id()
        for name, value in list(data.items()):
            q = by_id.get(name)
            if q is None or not q.follow_up_of or value != YES:
                continue
            if data.get(q.follow_up_of) == NO:
                parent = by_id[q.follow_up_of]
                self.add_error(
                    name,
                    f"Answered yes, but “{parent.text}” is answered no: correct one of the two "
                    f"({name}, {parent.id}).",
                )
        return data

    def groups(self, sex: str | None = None) -> list[tuple[str, list[Shown]]]:
        """Questions under their headings; those for the other sex are left out."""
        grouped: dict[str, list[Shown]] = {}
        for q in questions():
            if q.applies_to_sex and sex in ("female", "male") and q.applies_to_sex != sex:
                continue
            shown = Shown(self[q.id], q, q.type == AnswerType.BOOLEAN)
            grouped.setdefault(q.group, []).append(shown)
        return list(grouped.items())

    @classmethod
    def relevant_answers(cls, stored: dict[str, Any]) -> dict[str, Any]:
        """The stored answers without follow-ups whose parent is not answered yes."""
        by_id = questions_by_id()
        kept = {}
        for name, value in stored.items():
            q = by_id.get(name)
            if q is None:
                continue
            if q.follow_up_of and not _parent_is_yes(q, stored):
                continue
            kept[name] = value
        return kept


def _parent_is_yes(q: Question, stored: dict[str, Any]) -> bool:
    by_id = questions_by_id()
    while q.follow_up_of:
        if stored.get(q.follow_up_of) != YES:
            return False
        q = by_id[q.follow_up_of]
    return True


def answered_no_but(answers: dict[str, str], sex: str | None) -> dict[str, str]:
    """Every main yes/no question for a client of ``sex`` answered "no", then ``answers`` over
    them: health checks gone through with a client who has only the signs named."""
    data: dict[str, str] = {}
    for q in questions():
        if q.applies_to_sex and q.applies_to_sex != sex:
            continue
        if q.follow_up_of is None and q.type == AnswerType.BOOLEAN:
            data[q.id] = NO
    return {**data, **answers}


@functools.cache
def health_checks_form() -> type[HealthChecksFormBase]:
    """The form class, built once from the rules' questions."""
    fields = {q.id: _field(q) for q in questions()}
    return type("HealthChecksForm", (HealthChecksFormBase,), fields)


def typed_answers(stored: dict[str, Any]) -> dict[str, bool | float | str]:
    """Stored form answers as the rules take them: yes/no → bool, numbers → float.

    "Not sure", blanks, unreadable numbers and follow-ups of a parent not answered yes are
    left out, so the rules treat them as unknown.
    """
    by_id = questions_by_id()
    typed: dict[str, bool | float | str] = {}
    for name, raw in HealthChecksFormBase.relevant_answers(stored).items():
        q = by_id[name]
        text = str(raw).strip() if raw is not None else ""
        if not text or text == UNSURE:
            continue
        if q.type == AnswerType.BOOLEAN:
            if text in (YES, NO):
                typed[name] = text == YES
        elif q.type == AnswerType.NUMBER:
            try:
                number = float(text)
            except ValueError:
                continue
            if (q.minimum is None or number >= q.minimum) and (
                q.maximum is None or number <= q.maximum
            ):
                typed[name] = number
        else:
            typed[name] = text[:TEXT_LIMIT]
    return typed


class ClearanceForm(forms.Form):
    cleared_by = forms.CharField(
        label="Cleared by (the physician's name)",
        max_length=160,
        error_messages={"required": "Enter the name of the physician who cleared treatment."},
    )
    cleared_on = forms.DateField(
        label="Date of the clearance",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date the physician cleared treatment.",
            "invalid": "Enter the date as YYYY-MM-DD.",
        },
    )
    note = forms.CharField(
        label="What the physician said, in their words, and any limits on treatment",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        error_messages={"required": "Write a short note of what the physician said."},
    )
    document = forms.FileField(
        label="Letter or form from the physician (PDF, JPEG or PNG, up to 10 MB)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    attested = forms.BooleanField(
        label="No document: I spoke to the physician myself, and the note above is what they said",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("document") and not data.get("attested") and "document" not in self.errors:
            self.add_error(
                "attested",
                "Upload the physician's letter or form, or confirm that you spoke to the "
                "physician yourself and wrote down what they said.",
            )
        return data

    def clean_cleared_on(self) -> date:
        value: date = self.cleaned_data["cleared_on"]
        if value > date.today():
            raise forms.ValidationError("The date of the clearance cannot be in the future.")
        return value

    def clean_document(self) -> UploadedFile[bytes] | None:
        upload: UploadedFile[bytes] | None = self.cleaned_data.get("document")
        if not upload:
            return None
        if upload.size is not None and upload.size > DOCUMENT_LIMIT:
            megabytes = upload.size / (1024 * 1024)
            raise forms.ValidationError(
                f"The document is {megabytes:.1f} MB; the limit is 10 MB. Scan it at a lower "
                "resolution or upload the pages as separate images."
            )
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        for magic, (mime, _) in DOCUMENT_TYPES.items():
            if head.startswith(magic):
                upload.content_type = mime
                return upload
        raise forms.ValidationError(
            f"“{upload.name}” is not a PDF, JPEG or PNG file. Upload the physician's letter as "
            "one of those."
        )
