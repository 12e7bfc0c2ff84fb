"""Reads for screening: the latest result, history, and the words the pages and letter show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from myomap.clinics.models import Clinic
from myomap.patients.models import Patient
from myomap.screening.forms import questions_by_id
from myomap.screening.gate import Gate, Hold, precautions_of, treatment_gate
from myomap.screening.models import Screening
from myomap_core import atlas
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.screening import TECHNIQUES, Decision


def screening_latest(*, patient: Patient) -> Screening | None:
    return Screening.objects.filter(patient=patient).select_related("created_by").first()


@dataclass(frozen=True)
class HeldClient:
    """A client whose treatment waits on safety, for the dashboard."""

    patient: Patient
    gate: Gate | None  # None: never screened

    @property
    def emergency(self) -> bool:
        return self.gate is not None and self.gate.hold == Hold.EMERGENCY

    @property
    def reason(self) -> str:
        if self.gate is None:
            return "Ask the health checks with the client before any hands-on work."
        return self.gate.reason


HELD_UNSCREENED_ROWS = 20
"""Clients never screened listed on the dashboard; the rest are counted."""


@dataclass(frozen=True)
class Held:
    """The clients held for safety: every emergency and referral awaiting clearance, then the
    first of those never screened; ``count`` counts them all."""

    clients: list[HeldClient]
    count: int

    def __bool__(self) -> bool:
        return self.count > 0

    @property
    def more(self) -> int:
        """Held clients not listed (never screened, beyond the first few)."""
        return self.count - len(self.clients)


def held_clients(*, clinic: Clinic, unscreened_rows: int = HELD_UNSCREENED_ROWS) -> Held:
    """Active clients held by an emergency, by a referral awaiting its clearance, or by
    never having been screened: emergencies first, then referrals, then the unscreened.

    The database finds the latest decision only of clients ever screened to a clearance, and
    the gate is worked out in full only for those whose latest decision still asks for one.
    None of them is ever left out; only the unscreened beyond ``unscreened_rows`` are counted,
    not listed.
    """
    active = Patient.objects.filter(clinic=clinic, archived_at__isnull=True).order_by(
        "last_name", "first_name", "pk"
    )
    clearance = [str(d) for d in Decision if d.requires_clearance]
    # Only clients ever screened to a clearance can be held by one: their latest decision
    # is looked up, not every client's.
    latest = Screening.objects.filter(patient=OuterRef("pk")).order_by("-created_at", "-id")
    asked = Screening.objects.filter(clinic=clinic, decision__in=clearance).values("patient_id")
    candidates = (
        active.filter(pk__in=asked)
        .annotate(latest_decision=Subquery(latest.values("decision")[:1]))
        .filter(latest_decision__in=clearance)
    )
    referrals: list[HeldClient] = []
    for patient in candidates:
        gate = treatment_gate(patient)
        if gate.hold in (Hold.EMERGENCY, Hold.REFERRAL):
            referrals.append(HeldClient(patient, gate))
    referrals.sort(key=lambda held: not held.emergency)
    # The first rows and the count are read from the partial indexes of active clients never
    # screened (decision 0026): their cost follows the number of those clients, not the clinic.
    unscreened = active.filter(first_screened_at__isnull=True)
    shown = [HeldClient(p, None) for p in unscreened[:unscreened_rows]]
    return Held(referrals + shown, len(referrals) + unscreened.count())


def screening_history(*, patient: Patient, limit: int = 10) -> QuerySet[Screening]:
    return (
        Screening.objects.filter(patient=patient)
        .select_related("created_by")
        .prefetch_related("clearances")[:limit]
    )


def source_label(source_id: str) -> str:
    source = load_knowledge_base().sources.get(source_id)
    return source.label if source is not None else source_id


def question_words(question_id: str) -> str:
    if question_id == "age":
        return "Age"
    if question_id == "sex":
        return "Sex"
    q = questions_by_id().get(question_id)
    return q.text if q is not None else question_id.replace("_", " ")


def answer_words(value: object) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def place_words(place: str) -> str:
    """An atlas region or area id in words; anything else as given."""
    for look_up in (atlas.region, atlas.area):
        try:
            return str(look_up(place).label)
        except DomainError:
            continue
    return place.replace("_", " ")


@dataclass(frozen=True)
class ShownFinding:
    title: str
    kind: str
    decision: Decision
    triggered_by: list[tuple[str, str]]
    details: list[tuple[str, str]]
    action: str
    why: str
    ask_physician: str
    source: str

    @property
    def kind_words(self) -> str:
        return {
            "red_flag": "Warning sign",
            "contraindication": "Contraindication",
            "precaution": "Precaution",
        }.get(self.kind, self.kind.replace("_", " ").capitalize())


@dataclass(frozen=True)
class ShownPrecautions:
    techniques: list[str] = field(default_factory=list)
    max_pressure_kg: float | None = None
    regions: list[str] = field(default_factory=list)
    positioning: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    needs_clearance: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.techniques
            or self.max_pressure_kg is not None
            or self.regions
            or self.positioning
            or self.notes
        )


def _finding(data: dict[str, Any]) -> ShownFinding:
    return ShownFinding(
        title=data["title"],
        kind=data.get("kind", ""),
        decision=Decision(data["decision"]),
        triggered_by=[(question_words(q), answer_words(a)) for q, a in data["triggered_by"]],
        details=[(question_words(q), answer_words(a)) for q, a in data.get("details", [])],
        action=data.get("action", ""),
        why=data.get("why", ""),
        ask_physician=data.get("ask_physician", ""),
        source=source_label(data.get("source", "")),
    )


def shown_findings(screening: Screening) -> list[ShownFinding]:
    return [_finding(f) for f in screening.result.get("findings", [])]


def shown_possible(screening: Screening) -> list[ShownFinding]:
    return [_finding(f) for f in screening.result.get("possible", [])]


def shown_precautions(screening: Screening) -> ShownPrecautions:
    p = precautions_of(screening)
    if p is None:
        return ShownPrecautions()
    return ShownPrecautions(
        techniques=[
            TECHNIQUES.get(t, t.replace("_", " ")).lower() for t in p.techniques_not_allowed
        ],
        max_pressure_kg=p.max_pressure_kg,
        regions=[place_words(r) for r in p.regions_to_avoid] + list(p.sites_to_avoid),
        positioning=list(p.positioning),
        notes=list(p.notes),
        needs_clearance=p.needs_clearance,
    )


def shown_unknown(screening: Screening) -> list[str]:
    return [question_words(q) for q in screening.result.get("unknown", [])]


def screening_view(screening: Screening) -> dict[str, Any]:
    """Everything a page or letter shows about one screening, in words."""
    return {
        "screening": screening,
        "decision": Decision(screening.decision),
        "findings": shown_findings(screening),
        "precautions": shown_precautions(screening),
        "unknown": shown_unknown(screening),
        "possible": shown_possible(screening),
    }
