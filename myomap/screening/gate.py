"""Whether a client may be treated now, judged from the latest screening and its clearance.

Plans, sessions and hands-on assessment call ``require_treatment_allowed(patient)`` before
they start; the client page shows ``treatment_gate(patient)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from myomap.patients.models import Patient
from myomap.screening.models import Clearance, Screening
from myomap_core.screening import Decision, Precautions


def precautions_of(screening: Screening | None) -> Precautions | None:
    """The stored precautions of a screening, as the core's record."""
    if screening is None:
        return None
    stored: dict[str, Any] = dict(screening.result.get("precautions") or {})
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in stored.items()}
    return Precautions(**values)


def _rule_ids_needing_clearance(screening: Screening) -> set[str]:
    return {
        f["rule_id"]
        for f in screening.result.get("findings", [])
        if Decision(f["decision"]).requires_clearance
    }


@dataclass(frozen=True)
class Gate:
    """Treatment allowed or not, why, and the screening and clearance it rests on."""

    allowed: bool
    decision: Decision | None
    reason: str
    screening: Screening | None
    clearance: Clearance | None
    precautions: Precautions | None

    @property
    def blocked(self) -> bool:
        return not self.allowed


class TreatmentBlocked(PermissionDenied):
    """Treatment must wait: the message says why and what to do."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        super().__init__(gate.reason)


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


def treatment_gate(patient: Patient) -> Gate:
    """Is treatment allowed for ``patient`` now?"""
    screening = Screening.objects.filter(patient=patient).select_related("created_by").first()
    if screening is None:
        return Gate(
            allowed=True,
            decision=None,
            reason=(
                "No safety screening yet. Complete the intake's health checks before the "
                "first treatment."
            ),
            screening=None,
            clearance=None,
            precautions=None,
        )
    decision = Decision(screening.decision)
    precautions = precautions_of(screening)
    if not decision.requires_clearance:
        if decision == Decision.TREAT_WITH_PRECAUTIONS:
            reason = "Treatment allowed with the precautions of the screening of "
        else:
            reason = "Treatment allowed: no warning signs in the screening of "
        return Gate(
            allowed=True,
            decision=decision,
            reason=reason + _when(screening.created_at) + ".",
            screening=screening,
            clearance=None,
            precautions=precautions,
        )
    clearance = covering_clearance(screening)
    if clearance is not None:
        return Gate(
            allowed=True,
            decision=decision,
            reason=(
                f"Treatment allowed: {clearance.cleared_by} cleared the client on "
                f"{clearance.cleared_on:%-d %b %Y} after the screening's finding "
                f"({decision.label})."
                + (" Follow the precautions." if precautions and not precautions.is_empty else "")
            ),
            screening=screening,
            clearance=clearance,
            precautions=precautions,
        )
    return Gate(
        allowed=False,
        decision=decision,
        reason=(
            f"Treatment is blocked: the safety screening of {_when(screening.created_at)} "
            f"says {decision.label}. {decision.instruction} Then record the "
            "physician's clearance on the client page (and print the referral letter for them)."
        ),
        screening=screening,
        clearance=None,
        precautions=precautions,
    )


def require_treatment_allowed(patient: Patient) -> Gate:
    """The gate, if treatment is allowed; raises ``TreatmentBlocked`` otherwise."""
    gate = treatment_gate(patient)
    if not gate.allowed:
        raise TreatmentBlocked(gate)
    return gate
