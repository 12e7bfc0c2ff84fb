"""Whether a client may be treated now, judged from the latest screening and its clearance.

Hands-on assessment, plan proposals, session starts and every session tap call
``require_treatment_allowed(patient)`` in their services, so pages and API share one gate;
the client page shows ``treatment_gate(patient)``. The gate fails closed: what is missing or
out of date holds treatment and says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from myomap.intake.models import Intake
from myomap.patients.models import Patient
from myomap.screening.forms import HEALTH_CHECKS, age_on, questions_by_id, typed_answers
from myomap.screening.models import Clearance, Screening
from myomap_core.screening import Decision, Precautions


def precautions_of(screening: Screening | None) -> Precautions | None:
    """The stored precautions of a screening, as the core's record."""
    if screening is None:
        return None
    stored: dict[str, Any] = dict(screening.result.get("precautions") or {})
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items()}
    return Precautions(**values)


def _rule_ids_needing_clearance(screening: Screening) -> set[str]:
    return {
        f["rule_id"]
        for f in screening.result.get("findings", [])
        if Decision(f["decision"]).requires_clearance
    }


class Hold(StrEnum):
    """Why hands-on work waits, each with its own way forward."""

    NONE = "none"
    NOT_SCREENED = "not_screened"  # screen now
    STALE = "stale"  # screen again
    INCOMPLETE = "incomplete"  # ask the questions still open
    REFERRAL = "referral"  # see the physician, then record the clearance
    EMERGENCY = "emergency"  # emergency care now; only a later screening lifts it


@dataclass(frozen=True)
class Gate:
    """Treatment allowed or not, why, and the screening and clearance it rests on."""

    allowed: bool
    hold: Hold
    decision: Decision | None
    reason: str
    screening: Screening | None
    clearance: Clearance | None
    precautions: Precautions | None
    still_to_ask: tuple[str, ...] = ()

    @property
    def blocked(self) -> bool:
        return not self.allowed

    @property
    def needs_screening(self) -> bool:
        """The way forward is to ask the health checks ("Screen now")."""
        return self.hold in (Hold.NOT_SCREENED, Hold.STALE, Hold.INCOMPLETE)

    @property
    def needs_clearance(self) -> bool:
        return self.hold == Hold.REFERRAL


class TreatmentBlocked(PermissionDenied):
    """Treatment must wait: the message says why and what to do."""

    def __init__(self, gate: Gate, patient_id: int) -> None:
        self.gate = gate
        self.patient_id = patient_id
        super().__init__(gate.reason)

    def as_json(self) -> dict[str, object]:
        """The API's error body: the reason, what holds it and the screening it rests on."""
        screening = self.gate.screening
        return {
            "code": "treatment_on_hold",
            "message": self.gate.reason,
            "field": None,
            "hold": self.gate.hold.value,
            "still_to_ask": list(self.gate.still_to_ask),
            "screening": None
            if screening is None
            else {
                "id": screening.pk,
                "created_at": screening.created_at.isoformat(),
                "decision": screening.decision,
            },
        }


def covering_clearance(screening: Screening) -> Clearance | None:
    """A clearance that covers ``screening``: its own, or an earlier one for the same signs.

    A re-screen that finds nothing new keeps the clearance already given; any warning sign
    the cleared screening did not have, or a more urgent decision, needs a new clearance.
    """
    own = screening.clearances.first()
    if own is not None:
        return own
    needed = _rule_ids_needing_clearance(screening)
    urgency = Decision(screening.decision).urgency
    earlier = (
        Clearance.objects.filter(patient_id=screening.patient_id, screening__id__lt=screening.pk)
        .select_related("screening", "recorded_by")
        .order_by("-screening__created_at", "-id")
    )
    for clearance in earlier:
        cleared = clearance.screening
        if needed <= _rule_ids_needing_clearance(cleared) and (
            urgency <= Decision(cleared.decision).urgency
        ):
            return clearance
    return None


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%-d %b %Y}"


def health_checks_of(patient: Patient) -> tuple[Intake | None, dict[str, Any]]:
    """The client's current health-check answers: those of the latest intake that has any.

    A new intake whose health checks are not started yet leaves the earlier answers current;
    once one of its answers is saved, its answers are the ones that count.
    """
    intakes = Intake.objects.filter(patient=patient).order_by("-created_at", "-id")
    for intake in intakes.only("id", "answers", "status", "created_at")[:5]:
        answers = intake.answers.get(HEALTH_CHECKS) or {}
        if answers:
            return intake, dict(answers)
    return None, {}


def _staleness(patient: Patient, screening: Screening) -> str:
    """Why the screening no longer matches what is known of the client ("" when it does)."""
    _, stored = health_checks_of(patient)
    if typed_answers(stored) != screening.answers:
        return "the health-check answers changed after it was run"
    age = age_on(patient.date_of_birth, timezone.localdate())
    if age != screening.age:
        return f"the client's age changed since (now {age})"
    sex = patient.sex if patient.sex in ("female", "male", "other") else ""
    if sex != screening.sex:
        return "the client's recorded sex changed since"
    return ""


def _still_to_ask(screening: Screening) -> tuple[str, ...]:
    """The unanswered questions that could still change the decision, in form order."""
    if not screening.result.get("possible"):
        return ()
    by_id = questions_by_id()
    return tuple(by_id[q].text for q in screening.result.get("unknown", []) if q in by_id)


def _blocked(hold: Hold, reason: str, screening: Screening | None, **more: Any) -> Gate:
    decision = Decision(screening.decision) if screening is not None else None
    return Gate(
        allowed=False,
        hold=hold,
        decision=decision,
        reason=reason,
        screening=screening,
        clearance=None,
        precautions=precautions_of(screening),
        **more,
    )


def treatment_gate(patient: Patient) -> Gate:
    """Is hands-on work allowed for ``patient`` now? Fails closed: no screening, a screening
    that no longer matches the answers, open questions that could still raise a warning
    sign, or a warning sign without a clearance all hold treatment, and say what to do."""
    screening = Screening.objects.filter(patient=patient).select_related("created_by").first()
    if screening is None:
        return _blocked(
            Hold.NOT_SCREENED,
            "Treatment is on hold: the client has not been screened for warning signs yet. "
            "Screen now: ask the health checks with the client, on this tablet, in a few "
            "minutes (or let the client finish the intake's health checks).",
            None,
        )
    decision = Decision(screening.decision)
    when = _when(screening.created_at)
    if decision == Decision.EMERGENCY:
        return _blocked(
            Hold.EMERGENCY,
            f"Emergency: the safety screening of {when} found warning signs that need "
            f"emergency care now. {decision.instruction} A clearance cannot lift this; only "
            "a new screening after the client has been seen can.",
            screening,
        )
    stale = _staleness(patient, screening)
    if stale:
        return _blocked(
            Hold.STALE,
            f"Treatment is on hold: the safety screening of {when} is out of date: {stale}. "
            "Screen again before any hands-on work.",
            screening,
        )
    clearance = covering_clearance(screening) if decision.requires_clearance else None
    if decision.requires_clearance and clearance is None:
        return _blocked(
            Hold.REFERRAL,
            f"Treatment is blocked: the safety screening of {when} says {decision.label}. "
            f"{decision.instruction} Then record the physician's clearance on the client "
            "page (and print the referral letter for them).",
            screening,
        )
    ask = _still_to_ask(screening)
    if ask:
        return _blocked(
            Hold.INCOMPLETE,
            f"Treatment is on hold: {len(ask)} health-check question"
            f"{'s' if len(ask) != 1 else ''} that could still show a warning sign "
            f"{'are' if len(ask) != 1 else 'is'} unanswered. Screen now: ask "
            f"{'them' if len(ask) != 1 else 'it'} with the client.",
            screening,
            still_to_ask=ask,
        )
    precautions = precautions_of(screening)
    if clearance is not None:
        reason = (
            f"Treatment allowed: {clearance.cleared_by} cleared the client on "
            f"{clearance.cleared_on:%-d %b %Y} after the screening's finding ({decision.label})."
            + (" Follow the precautions." if precautions and not precautions.is_empty else "")
        )
    elif decision == Decision.TREAT_WITH_PRECAUTIONS:
        reason = f"Treatment allowed with the precautions of the screening of {when}."
    else:
        reason = f"Treatment allowed: no warning signs in the screening of {when}."
    return Gate(
        allowed=True,
        hold=Hold.NONE,
        decision=decision,
        reason=reason,
        screening=screening,
        clearance=clearance,
        precautions=precautions,
    )


def page_gate(patient: Patient) -> Gate:
    """The gate for the panels of one page, worked out once per client object.

    Only for reading pages: services always ask ``require_treatment_allowed`` afresh.
    """
    cached: Gate | None = getattr(patient, "_page_gate", None)
    if cached is None:
        cached = treatment_gate(patient)
        patient._page_gate = cached  # type: ignore[attr-defined]  # a memo on this object
    return cached


def require_treatment_allowed(patient: Patient) -> Gate:
    """The gate, if treatment is allowed; raises ``TreatmentBlocked`` otherwise."""
    gate = treatment_gate(patient)
    if not gate.allowed:
        raise TreatmentBlocked(gate, patient.pk)
    return gate
