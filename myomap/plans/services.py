"""Writes for plans: proposing a plan from the screening and the assessment, and the
therapist's edits. Every step that is stored has passed the planning core's checks with the
precautions of the client's current screening; each change writes a readable audit row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from myomap.assessments.models import Assessment, PalpationFinding
from myomap.assessments.selectors import assessment_facts, assessments_of, element_profile
from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction
from myomap.patients.models import Patient
from myomap.plans import selectors
from myomap.plans.models import Plan, PlanSettings, PlanStatus, PlanStep, PressureUnit
from myomap.screening.gate import Gate, require_treatment_allowed
from myomap_core import planning
from myomap_core.elements import Element
from myomap_core.errors import DomainError, DomainErrors
from myomap_core.knowledge import load_knowledge_base
from myomap_core.knowledge.records import Muscle
from myomap_core.planning import Step, Technique
from myomap_core.screening import Precautions

PARAMETERS = (
    "pressure_min_kg",
    "pressure_max_kg",
    "contact",
    "hold_s",
    "repetitions",
    "duration_s",
    "body_position",
    "contract_s",
)
"""The step fields a therapist may change once a step is in the plan (with side, trigger
point and technique)."""

EDITABLE = ("trigger_point", "side", "technique", *PARAMETERS)

USES: Mapping[Technique, frozenset[str]] = {
    Technique.ISCHEMIC_COMPRESSION: frozenset(
        {"pressure_min_kg", "pressure_max_kg", "contact", "hold_s", "repetitions"}
    ),
    Technique.CROSS_FIBRE_FRICTION: frozenset(
        {"pressure_min_kg", "pressure_max_kg", "contact", "duration_s", "repetitions"}
    ),  # pressure and contact optional
    Technique.POSITIONAL_RELEASE: frozenset({"body_position", "hold_s", "repetitions"}),
    Technique.FACILITATED_STRETCH: frozenset({"body_position", "contract_s", "repetitions"}),
}
"""The parameters each technique reads; the others are left empty."""

CORE_FIELDS = {"pressure_kg": "pressure_max_kg", "position": "body_position", "muscle": "muscle_id"}
"""The planning core's field names, as the pages and the API name them."""

NO_ASSESSMENT = (
    "No assessment yet: start an assessment and record the palpation findings, then "
    "propose the plan from it."
)


def _refused(exc: DomainError) -> DomainError:
    """The core's refusal, naming the field as the page and the API call it."""
    field = exc.field.split(".")[-1].split("[")[0]
    return DomainError(exc.message, field=CORE_FIELDS.get(field, field), value=exc.value)


def muscle_label(muscle_id: str) -> str:
    try:
        return load_knowledge_base().muscle(muscle_id).name
    except DomainError:
        return muscle_id.replace("_", " ")


def point_label(muscle_id: str, point_id: str) -> str:
    if not point_id:
        return ""
    try:
        return load_knowledge_base().muscle(muscle_id).trigger_point(point_id).label
    except (DomainError, KeyError):
        return point_id.replace("_", " ")


def step_title(step: PlanStep | Step) -> str:
    """``ischemic compression of Piriformis (lateral, right)``."""
    technique = Technique(step.technique).label.lower()
    point = point_label(step.muscle_id, step.trigger_point or "")
    where = ", ".join(x for x in (point, step.side or "") if x)
    return f"{technique} of {muscle_label(step.muscle_id)}" + (f" ({where})" if where else "")


def _audit(plan: Plan, action: AuditAction, actor: User, summary: str, origin: Origin | None,
           obj: object | None = None) -> None:  # fmt: skip
    audit_record(
        action=action,
        clinic=plan.clinic,
        actor=actor,
        patient=plan.patient,
        obj=obj or plan,
        summary=summary,
        origin=origin,
    )


def _minutes(value: float) -> str:
    return f"{round(value):d} min"


# --- Proposal ----------------------------------------------------------------------------


def _step_fields(step: Step) -> dict[str, Any]:
    low, high = step.pressure_kg if step.pressure_kg is not None else (None, None)
    return {
        "muscle_id": step.muscle_id,
        "trigger_point": step.trigger_point or "",
        "side": step.side or "",
        "technique": str(step.technique),
        "pressure_min_kg": low,
        "pressure_max_kg": high,
        "contact": str(step.contact or ""),
        "hold_s": step.hold_s,
        "repetitions": step.repetitions,
        "duration_s": step.duration_s,
        "body_position": step.position,
        "contract_s": step.contract_s,
        "minutes": round(step.minutes, 2),
        "elements": [str(e) for e in step.elements],
        "reasons": list(step.reasons),
        "source": step.source,
    }


def _save_step(plan: Plan, order: int, step: Step, *, by_therapist: bool) -> PlanStep:
    row = PlanStep(plan=plan, order=order, added_by_therapist=by_therapist, **_step_fields(step))
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def plan_propose(
    *,
    actor: User,
    patient: Patient,
    assessment: Assessment | None = None,
    session_minutes: int = planning.DEFAULT_SESSION_MINUTES,
    origin: Origin | None = None,
) -> Plan:
    """Propose a plan from the latest (or the given) assessment and the screening.

    The safety gate comes first (``TreatmentBlocked`` if treatment must wait). The new plan
    replaces the client's active plan, which is kept as replaced.
    """
    gate = require_treatment_allowed(patient)
    if assessment is None:
        assessment = assessments_of(patient).first()
    if assessment is None:
        raise DomainError(NO_ASSESSMENT, field="assessment")
    if assessment.patient_id != patient.pk:
        raise DomainError("the assessment is of another client", field="assessment")
    planning.check_session_minutes(session_minutes)
    chronic = selectors.chronic_reason(patient)
    proposal = planning.propose(
        planning.PlanInput(
            facts=assessment_facts(assessment),
            profile=element_profile(assessment),
            precautions=gate.precautions,
            chronic=chronic is not None,
            session_minutes=session_minutes,
        )
    )
    replaced = list(
        Plan.objects.select_for_update().filter(patient=patient, status=PlanStatus.ACTIVE)
    )
    for old in replaced:
        old.status = PlanStatus.ARCHIVED
        old.save(update_fields=["status", "updated_at"])
    course = proposal.course
    data = planning.plan_json(proposal)
    if chronic:
        data["chronic_reason"] = chronic
    plan = Plan(
        clinic=patient.clinic,
        patient=patient,
        assessment=assessment,
        screening=gate.screening,
        chronic=chronic is not None,
        initial_sessions=course.initial_sessions,
        sessions_per_week=course.sessions_per_week,
        session_minutes=proposal.session_minutes,
        review_at_session=course.review_at_session,
        maintenance_every_weeks=course.maintenance_every_weeks,
        proposal=data,
        created_by=actor,
    )
    plan.full_clean()
    plan.save()
    for order, step in enumerate(proposal.steps, start=1):
        _save_step(plan, order, step, by_therapist=False)
    covered = sum(1 for c in proposal.coverage if c.covered)
    summary = (
        f"Proposed a treatment plan from the assessment of {assessment.visit_date:%-d %b %Y}: "
        f"{len(proposal.steps)} step{'s' if len(proposal.steps) != 1 else ''}, about "
        f"{_minutes(planning.total_minutes(proposal.steps))} of a {proposal.session_minutes}-"
        f"minute session; {course.initial_sessions} sessions, {course.sessions_per_week} a week"
        f"; {covered} of {len(proposal.coverage)} elements found covered"
    )
    if proposal.precautions_applied:
        summary += f"; {len(proposal.precautions_applied)} precaution(s) applied"
    if replaced:
        summary += "; replaces the previous plan"
    _audit(plan, AuditAction.CREATE, actor, summary + ".", origin)
    return plan


# --- Editing -----------------------------------------------------------------------------


def _editable(plan: Plan) -> Gate:
    if plan.status != PlanStatus.ACTIVE:
        raise DomainError(
            "this plan has been replaced by a newer one; edit the active plan", field="plan"
        )
    return require_treatment_allowed(plan.patient)


def _muscle(muscle_id: str) -> Muscle:
    try:
        return load_knowledge_base().muscle(muscle_id)
    except DomainError as exc:
        raise _refused(exc) from None


def _technique(value: object) -> Technique:
    try:
        return Technique(str(value))
    except ValueError:
        raise DomainError(
            "choose one of: " + ", ".join(t.label.lower() for t in Technique),
            field="technique",
            value=value,
        ) from None


def defaults(
    muscle: Muscle, technique: Technique, precautions: Precautions | None
) -> dict[str, Any]:
    """The knowledge base's parameters for this muscle and technique, as the planning core
    proposes them (compression under the precautions' pressure cap). Empty where the
    knowledge base has no such technique for the muscle: the therapist gives them then."""
    step = planning.default_step(muscle.id, None, None, technique, precautions)
    if step is None:
        return {}
    fields = _step_fields(step)
    return {name: fields[name] for name in PARAMETERS if fields[name] not in (None, "")}


def _elements_for(
    plan: Plan, muscle_id: str, technique: Technique, keep: Iterable[str] = ()
) -> list[str]:
    """The elements of pain a step addresses: those it addressed already that the technique
    can address and, for a muscle with a finding in the assessment, every element found that
    the technique addresses."""
    can = planning.rules().capabilities[technique]
    found: set[Element] = {Element(e) for e in keep} & can
    if (
        plan.assessment_id is not None
        and PalpationFinding.objects.filter(
            assessment_id=plan.assessment_id, muscle_id=muscle_id
        ).exists()
    ):
        profile = selectors.profile_of(plan)
        if profile is not None:
            found |= {r.element for r in profile.ratings if r.rating >= 1} & can
    return [str(e) for e in Element if e in found]


def _number(field: str, value: str | float | None, kind: type) -> Any:
    if value is None or value == "":
        return None
    try:
        number = kind(value)
    except (TypeError, ValueError):
        raise DomainError("must be a number", field=field, value=value) from None
    if kind is int and number != float(value):
        raise DomainError("must be a whole number", field=field, value=value)
    return number


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for f in ("pressure_min_kg", "pressure_max_kg"):
        if f in out:
            out[f] = _number(f, out[f], float)
    for f in ("hold_s", "repetitions", "duration_s", "contract_s"):
        if f in out:
            out[f] = _number(f, out[f], int)
    for f in ("trigger_point", "side", "contact", "body_position"):
        if f in out:
            out[f] = str(out[f] or "").strip()
    if out.get("side") not in (None, "", "left", "right"):
        raise DomainError("must be left, right or both", field="side", value=out["side"])
    return out


def _build(fields: Mapping[str, Any], muscle: Muscle) -> Step:
    """The core's step from the stored fields; refusals name the page's field."""
    point = fields.get("trigger_point") or ""
    if point and point not in {p.id for p in muscle.trigger_points}:
        raise DomainError(
            f"{muscle.name} has no trigger point {point!r}", field="trigger_point", value=point
        )
    low, high = fields.get("pressure_min_kg"), fields.get("pressure_max_kg")
    if (low is None) != (high is None):
        missing = "pressure_min_kg" if low is None else "pressure_max_kg"
        raise DomainError("give both ends of the pressure range", field=missing)
    try:
        return Step(
            muscle_id=muscle.id,
            trigger_point=point or None,
            side=fields.get("side") or None,
            technique=Technique(fields["technique"]),
            pressure_kg=(low, high) if low is not None and high is not None else None,
            contact=fields.get("contact") or None,
            hold_s=fields.get("hold_s"),
            repetitions=fields.get("repetitions") or 1,
            duration_s=fields.get("duration_s"),
            position=fields.get("body_position") or "",
            contract_s=fields.get("contract_s"),
            elements=tuple(Element(e) for e in fields.get("elements") or ()),
            reasons=tuple(fields.get("reasons") or ()),
            source=fields.get("source") or "",
        )
    except DomainError as exc:
        raise _refused(exc) from None


def _checked(step: Step, gate: Gate) -> Step:
    try:
        planning.check_step(step, gate.precautions)
    except DomainError as exc:
        raise _refused(exc) from None
    return step


_PRESSURE = ("pressure_min_kg", "pressure_max_kg")


def _stand_in(trial: dict[str, Any], field: str, safe: Mapping[str, Any]) -> bool:
    """Put the knowledge base's value in place of a refused field, so the other fields
    can be checked too; False when the field has no stand-in (the checks stop there)."""
    names = _PRESSURE if field in _PRESSURE else (field,)
    if not all(n in PARAMETERS for n in names):
        return False
    for name in names:
        trial[name] = safe.get(name, 1 if name == "repetitions" else None)
    return True


def _step_from(fields: Mapping[str, Any], muscle: Muscle, gate: Gate) -> Step:
    """The checked step, or ``DomainErrors`` naming every refused field at once (each
    refused value is replaced by the knowledge base's and the rest checked again)."""
    safe = defaults(muscle, Technique(fields["technique"]), gate.precautions)
    trial = dict(fields)
    errors: list[DomainError] = []
    for _ in range(len(EDITABLE) + 1):
        try:
            step = _checked(_build(trial, muscle), gate)
        except DomainError as exc:
            if any(e.field == exc.field for e in errors):
                break
            errors.append(exc)
            if not _stand_in(trial, exc.field, safe):
                break
            continue
        if not errors:
            return step
        break
    raise DomainErrors(errors)


def _renumber(plan: Plan, rows: list[PlanStep]) -> None:
    for order, row in enumerate(rows, start=1):
        if row.order != order:
            row.order = order
            row.save(update_fields=["order"])


@transaction.atomic
def plan_step_add(
    *,
    actor: User,
    plan: Plan,
    data: Mapping[str, Any],
    origin: Origin | None = None,
) -> PlanStep:
    """Add a step at the end (or at ``data["order"]``). Parameters left out come from the
    knowledge base for that muscle and technique. Refused, with the field, if the step is
    outside the safe ranges or the precautions rule it out; nothing is stored then."""
    gate = _editable(plan)
    values = _clean(data)
    muscle = _muscle(str(values.get("muscle_id") or ""))
    technique = _technique(values.get("technique") or Technique.ISCHEMIC_COMPRESSION)
    fields: dict[str, Any] = {"technique": str(technique)}
    filled = defaults(muscle, technique, gate.precautions)
    for name in PARAMETERS:
        if name in USES[technique]:
            given = values.get(name)
            fields[name] = given if given not in (None, "") else filled.get(name)
    if not fields.get("repetitions"):
        fields["repetitions"] = 1
    fields["trigger_point"] = values.get("trigger_point") or ""
    fields["side"] = values.get("side") or ""
    reason = str(values.get("reason") or "").strip()[:300]
    fields["reasons"] = [reason or "Added by the therapist."]
    fields["elements"] = _elements_for(plan, muscle.id, technique)
    fields["source"] = planning.rules().capability_source[technique]
    step = _step_from(fields, muscle, gate)
    rows = selectors.steps_of(plan)
    at = _number("order", values.get("order"), int)
    position = len(rows) + 1 if at is None else max(1, min(at, len(rows) + 1))
    row = PlanStep(plan=plan, order=position, added_by_therapist=True, **_step_fields(step))
    row.full_clean()
    row.save()
    rows.insert(position - 1, row)
    _renumber(plan, rows)
    _audit(
        plan,
        AuditAction.UPDATE,
        actor,
        f"Added to the treatment plan, step {position}: {step_title(row)} ({_params(row)}).",
        origin,
        row,
    )
    return row


def _params(row: PlanStep) -> str:
    parts: list[str] = []
    if row.pressure_min_kg is not None and row.pressure_max_kg is not None:
        parts.append(f"{row.pressure_min_kg:g}–{row.pressure_max_kg:g} kg")
    if row.hold_s:
        parts.append(f"hold {row.hold_s} s")
    if row.duration_s:
        parts.append(f"{row.duration_s} s")
    if row.contract_s:
        parts.append(f"contract {row.contract_s} s")
    if row.repetitions and row.repetitions > 1:
        parts.append(f"×{row.repetitions}")
    return ", ".join(parts) or "no parameters"


WORDS = {
    "pressure_min_kg": "lowest pressure (kg)",
    "pressure_max_kg": "highest pressure (kg)",
    "contact": "contact",
    "hold_s": "hold (s)",
    "repetitions": "repetitions",
    "duration_s": "duration (s)",
    "body_position": "position",
    "contract_s": "contraction (s)",
    "trigger_point": "trigger point",
    "side": "side",
    "technique": "technique",
}


@transaction.atomic
def plan_step_update(
    *,
    actor: User,
    step: PlanStep,
    changes: Mapping[str, Any],
    origin: Origin | None = None,
) -> PlanStep:
    """Change a step's side, trigger point, technique or parameters, with the same checks as
    adding one. A new technique starts from the knowledge base's parameters for it."""
    plan = step.plan
    gate = _editable(plan)
    values = _clean({k: v for k, v in changes.items() if k in EDITABLE})
    muscle = _muscle(step.muscle_id)
    technique = _technique(values.get("technique") or step.technique)
    current = {name: getattr(step, name) for name in EDITABLE}
    fields: dict[str, Any] = {**current, "technique": str(technique)}
    if technique != Technique(step.technique):
        # A form sends every field: keep only what was changed, the rest starts afresh.
        values = {k: v for k, v in values.items() if v != current.get(k)}
        fields.update({name: None for name in PARAMETERS})
        fields.update(defaults(muscle, technique, gate.precautions))
        fields["repetitions"] = fields.get("repetitions") or 1
    fields.update({k: v for k, v in values.items() if k != "technique"})
    for name in PARAMETERS:
        if name not in USES[technique]:
            fields[name] = "" if name in ("contact", "body_position") else None
    fields["repetitions"] = fields.get("repetitions") or 1
    fields["elements"] = step.elements
    fields["source"] = step.source
    if technique != Technique(step.technique):
        fields["elements"] = _elements_for(plan, step.muscle_id, technique, keep=step.elements)
        fields["source"] = planning.rules().capability_source[technique]
    fields["reasons"] = step.reasons
    core = _step_from(fields, muscle, gate)
    before = {name: getattr(step, name) for name in EDITABLE}
    stored = _step_fields(core)
    for name in (*EDITABLE, "minutes", "elements", "source"):
        setattr(step, name, stored[name])
    step.full_clean()
    step.save()
    changed = [
        f"{WORDS[n]} {_show(before[n])} → {_show(getattr(step, n))}"
        for n in EDITABLE
        if before[n] != getattr(step, n)
    ]
    _audit(
        plan,
        AuditAction.UPDATE,
        actor,
        f"Changed treatment plan step {step.order}, {step_title(step)}: "
        + ("; ".join(changed) or "no change")
        + ".",
        origin,
        step,
    )
    return step


def _show(value: object) -> str:
    if value in (None, ""):
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")


@transaction.atomic
def plan_step_remove(*, actor: User, step: PlanStep, origin: Origin | None = None) -> None:
    """Take a step out of the plan; the others close up."""
    plan = step.plan
    if plan.status != PlanStatus.ACTIVE:
        raise DomainError("this plan has been replaced by a newer one", field="plan")
    title, order = step_title(step), step.order
    step.delete()
    _renumber(plan, selectors.steps_of(plan))
    _audit(
        plan,
        AuditAction.UPDATE,
        actor,
        f"Removed step {order} from the treatment plan: {title}.",
        origin,
    )


@transaction.atomic
def plan_step_move(
    *, actor: User, step: PlanStep, position: int, origin: Origin | None = None
) -> PlanStep:
    """Move a step to ``position`` (1 = first); the others shift to make room."""
    plan = step.plan
    if plan.status != PlanStatus.ACTIVE:
        raise DomainError("this plan has been replaced by a newer one", field="plan")
    rows = [r for r in selectors.steps_of(plan) if r.pk != step.pk]
    if not isinstance(position, int) or isinstance(position, bool):
        raise DomainError("must be a whole number", field="order", value=position)
    if not 1 <= position <= len(rows) + 1:
        raise DomainError(f"must be between 1 and {len(rows) + 1}", field="order", value=position)
    before = step.order
    rows.insert(position - 1, step)
    _renumber(plan, rows)
    if before != position:
        _audit(
            plan,
            AuditAction.UPDATE,
            actor,
            f"Moved treatment plan step {before} ({step_title(step)}) to place {position}.",
            origin,
            step,
        )
    return step


@transaction.atomic
def plan_pressure_unit_set(*, actor: User, unit: str, origin: Origin | None = None) -> PlanSettings:
    """Set the unit the actor's clinic types plan pressures in (the owner's choice).
    Pressures stay stored in kilograms. Refused, naming ``pressure_unit``, for any other
    unit or for an account that is not the clinic's owner."""
    if unit not in PressureUnit.values:
        raise DomainError("must be kg or lb", field="pressure_unit", value=unit)
    if actor.clinic_id is None or not actor.is_owner:
        raise DomainError(
            "only the clinic's owner sets the pressure unit", field="pressure_unit", value=unit
        )
    row, _ = PlanSettings.objects.select_for_update().get_or_create(clinic_id=actor.clinic_id)
    before = row.pressure_unit
    row.pressure_unit = unit
    row.full_clean()
    row.save()
    audit_record(
        action=AuditAction.UPDATE,
        clinic=actor.clinic,
        actor=actor,
        obj=row,
        summary=f"Plan pressures are typed in {unit} (was {before}); they are stored in kg.",
        origin=origin,
    )
    return row
