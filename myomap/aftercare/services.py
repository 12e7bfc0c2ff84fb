"""Writes for aftercare: the sheet of a session, the home program link and the days marked done.

Every change writes its audit row in the same transaction; the client timeline reads them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import transaction

from myomap.aftercare.models import AftercareSheet, HomeProgramLink, HomeProgramMark
from myomap.clinics.models import User
from myomap.common.audit import Origin, audit_record
from myomap.common.links import link_by_token, link_new, link_revoke, link_sent
from myomap.common.models import AuditAction, LinkPurpose
from myomap.intake.models import Intake
from myomap.screening.gate import treatment_gate
from myomap.screening.models import Screening
from myomap.sessions.models import SessionStep, StepStatus, TreatmentSession
from myomap_core import aftercare as core
from myomap_core import home_program as program
from myomap_core.errors import DomainError, DomainErrors
from myomap_core.planning import Technique
from myomap_core.screening import Decision, Precautions

LINK_DAYS = 42
"""How long a home program link opens: six weeks, a typical first course of care [ours]."""
BLEEDING_ANSWERS = ("anticoagulant", "bleeding_disorder")


def _work_answers(session: TreatmentSession) -> dict[str, Any]:
    intake = (
        Intake.objects.filter(patient_id=session.patient_id, submitted_at__isnull=False)
        .order_by("-submitted_at", "-id")
        .first()
    ) or Intake.objects.filter(patient_id=session.patient_id).order_by("-created_at").first()
    if intake is None:
        return {}
    work = intake.answers.get("work") if isinstance(intake.answers, dict) else None
    return dict(work) if isinstance(work, dict) else {}


def bleeding_risk(screening: Screening | None) -> bool:
    """Blood thinners or a bleeding disorder, from the screening's findings or answers."""
    if screening is None:
        return False
    findings = screening.result.get("findings", []) if isinstance(screening.result, dict) else []
    if any(f.get("pathology") == "bleeding_risk" for f in findings if isinstance(f, dict)):
        return True
    answers = screening.answers if isinstance(screening.answers, dict) else {}
    return any(answers.get(key) is True for key in BLEEDING_ANSWERS)


def treated_muscles(steps: list[SessionStep]) -> tuple[core.TreatedMuscle, ...]:
    """The session's done steps grouped by muscle, in the order first treated."""
    done = [s for s in steps if s.status == StepStatus.DONE]
    grouped: dict[str, dict[str, Any]] = {}
    for step in sorted(done, key=lambda s: (s.order, s.pk)):
        entry = grouped.setdefault(
            step.muscle_id, {"sides": [], "techniques": [], "points": [], "ease_off": 0}
        )
        if step.side in core.SIDES and step.side not in entry["sides"]:
            entry["sides"].append(step.side)
        technique = Technique(step.technique)
        if technique not in entry["techniques"]:
            entry["techniques"].append(technique)
        if step.trigger_point and step.trigger_point not in entry["points"]:
            entry["points"].append(step.trigger_point)
        entry["ease_off"] += step.ease_off_count
    return tuple(
        core.TreatedMuscle(
            muscle_id=muscle_id,
            sides=tuple(e["sides"]),
            techniques=tuple(e["techniques"]),
            trigger_points=tuple(e["points"]),
            ease_off_count=e["ease_off"],
        )
        for muscle_id, e in grouped.items()
    )


def sheet_input(session: TreatmentSession) -> core.AftercareInput:
    """What the core needs, read from the session, the intake and the latest screening."""
    gate = treatment_gate(session.patient)
    stopped_by = session.stop_screening if session.is_stopped else None
    return core.AftercareInput(
        muscles=treated_muscles(list(session.steps.all())),
        work=core.WorkPosture.from_answers(_work_answers(session)),
        precautions=gate.precautions,
        bleeding_risk=bleeding_risk(gate.screening),
        stopped_for_safety=session.is_stopped,
        stopped_decision=Decision(stopped_by.decision) if stopped_by is not None else None,
    )


@transaction.atomic
def aftercare_for_session(
    *, actor: User | None, session: TreatmentSession, origin: Origin | None = None
) -> AftercareSheet:
    """The session's aftercare sheet, made once when first asked for (a snapshot)."""
    existing = AftercareSheet.objects.filter(session=session).select_related("clinic").first()
    if existing is not None:
        return existing
    if not session.is_finished:
        raise DomainError("finish the session before making its aftercare sheet", field="session")
    sheet = core.aftercare(sheet_input(session))
    content = core.sheet_json(sheet)
    # sheet_json writes the home program as a list of items.
    items = cast("list[dict[str, object]]", content["home_program"])
    content["home_program"], content["home_program_aside"] = program.proposed(items)
    record = AftercareSheet(
        clinic=session.clinic,
        patient=session.patient,
        session=session,
        content=content,
        created_by=actor,
    )
    record.full_clean()
    record.save()
    muscles = ", ".join(c.muscle_name for c in sheet.self_care) or "no muscles recorded"
    audit_record(
        action=AuditAction.CREATE,
        clinic=session.clinic,
        actor=actor,
        patient=session.patient,
        obj=record,
        summary=f"Made the aftercare sheet of session {session.number} ({muscles})",
        origin=origin,
    )
    return record


@transaction.atomic
def home_link_create(
    *, actor: User, sheet: AftercareSheet, origin: Origin | None = None
) -> tuple[HomeProgramLink, str]:
    """A private link to the sheet and the home program; returns it and its token (shown once)."""
    private, token = link_new(
        purpose=LinkPurpose.HOME_PROGRAM,
        patient=sheet.patient,
        actor=actor,
        lasts=timedelta(days=getattr(settings, "HOME_PROGRAM_LINK_DAYS", LINK_DAYS)),
    )
    link = HomeProgramLink.objects.create(private=private, sheet=sheet)
    summary = f"Created a private home program link for session {sheet.session.number}"
    link_sent(private, actor=actor, obj=link, summary=summary, origin=origin)
    return link, token


def home_link_revoke(
    *, actor: User, link: HomeProgramLink, origin: Origin | None = None
) -> HomeProgramLink:
    link_revoke(link.private, actor=actor, obj=link,
                summary="Revoked the private home program link", origin=origin)  # fmt: skip
    return link


def home_link_find(token: str) -> HomeProgramLink | None:
    """The usable link for ``token``; unknown, expired and revoked links alike give None."""
    links = HomeProgramLink.objects.select_related(
        "private__clinic", "private__patient", "sheet__session", "sheet__clinic"
    )
    return link_by_token(links, token)


def _item(sheet: AftercareSheet, item_id: str) -> dict[str, Any]:
    items = {str(i["id"]): i for i in sheet.items}
    if item_id not in items:
        raise DomainError(
            f"unknown home program item {item_id!r}",
            field="item_id",
            value=item_id,
            suggestions=sorted(items),
        )
    return items[item_id]


def _check_day(sheet: AftercareSheet, day: date) -> None:
    if day > sheet.clinic.today():
        raise DomainError("a day in the future cannot be marked yet", field="day", value=day)
    if day < sheet.start_date:
        raise DomainError(
            "the home program started on "
            f"{sheet.start_date:%-d %b %Y}; earlier days cannot be marked",
            field="day",
            value=day,
        )


@transaction.atomic
def home_mark_done(
    *,
    sheet: AftercareSheet,
    item_id: str,
    day: date,
    link: HomeProgramLink | None = None,
    actor: User | None = None,
    origin: Origin | None = None,
) -> HomeProgramMark:
    """Tick one item done on one day: once more, as often a day as its dose allows, never
    before the item starts or ahead of today (``program.tick_refusal``)."""
    AftercareSheet.objects.select_for_update().filter(pk=sheet.pk).first()
    item = _item(sheet, item_id)
    dose = program.dose_of(item)
    monday = day - timedelta(days=day.weekday())
    marks = {
        m.day: m
        for m in HomeProgramMark.objects.filter(
            sheet=sheet, item_id=item_id, day__gte=monday, day__lte=monday + timedelta(days=6)
        )
    }
    mark = marks.get(day)
    refusal = program.tick_refusal(
        dose=dose,
        first_day=program.starts_on(item, sheet.start_date),
        day=day,
        today=sheet.clinic.today(),
        ticks_on_day=mark.count if mark else 0,
        ticks_in_week=sum(m.count for m in marks.values()),
    )
    if refusal is not None:
        raise refusal
    if mark is None:
        mark = HomeProgramMark(
            sheet=sheet, item_id=item_id, day=day, link=link, filled_by_client=actor is None
        )
    else:
        mark.count += 1
    mark.full_clean(validate_unique=False)
    mark.save()
    times = "" if mark.count == 1 else f" ({mark.count} times)"
    audit_record(
        action=AuditAction.UPDATE,
        clinic=sheet.clinic,
        actor=actor,
        patient=sheet.patient,
        obj=mark,
        summary=f"Home program: {item['title']} done on {day:%-d %b}{times}",
        origin=origin,
    )
    return mark


@transaction.atomic
def home_mark_undo(
    *,
    sheet: AftercareSheet,
    item_id: str,
    day: date,
    actor: User | None = None,
    origin: Origin | None = None,
) -> bool:
    """Take back one tick of that day; True if there was one."""
    item = _item(sheet, item_id)
    _check_day(sheet, day)
    mark = (
        HomeProgramMark.objects.select_for_update()
        .filter(sheet=sheet, item_id=item_id, day=day)
        .first()
    )
    if mark is not None and mark.count > 1:
        mark.count -= 1
        mark.save(update_fields=["count"])
    elif mark is not None:
        mark.delete()  # a tick taken back, not a record: the audit row keeps it
    if mark is not None:
        audit_record(
            action=AuditAction.UPDATE,
            clinic=sheet.clinic,
            actor=actor,
            patient=sheet.patient,
            obj=sheet,
            summary=f"Home program: {item['title']} no longer marked done on {day:%-d %b}",
            origin=origin,
        )
    return mark is not None


# The home program the therapist curates ----------------------------------------------------

MOVES = ("up", "down")


def _program_save(
    *, actor: User, sheet: AftercareSheet, summary: str, origin: Origin | None
) -> AftercareSheet:
    if sheet.patient.is_archived:
        raise DomainError("restore the client from the archive first", field="patient")
    sheet.full_clean()
    sheet.save(update_fields=["content"])
    audit_record(
        action=AuditAction.UPDATE,
        clinic=sheet.clinic,
        actor=actor,
        patient=sheet.patient,
        obj=sheet,
        summary=f"Home program of session {sheet.session.number}: {summary}",
        origin=origin,
    )
    return sheet


def _program(sheet: AftercareSheet) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    return sheet.items, sheet.set_aside


def _index(items: list[dict[str, object]], item_id: str) -> int:
    for i, item in enumerate(items):
        if item["id"] == item_id:
            return i
    raise DomainError(
        f"no item {item_id!r} in the home program",
        field="item_id",
        value=item_id,
        suggestions=[str(i["id"]) for i in items],
    )


def _new_item(sheet: AftercareSheet, kind: core.ItemKind, muscle_id: str) -> dict[str, object]:
    """A self-care item for any muscle; self-compression only where the screening allows it."""
    muscle = program.muscle_for(muscle_id)
    if kind is core.ItemKind.SELF_COMPRESSION:
        gate = treatment_gate(sheet.patient)
        if gate.screening is None:
            raise DomainError(
                "self-compression needs a health screening first; screen the client",
                field="kind",
                value=kind.value,
            )
        why = core.self_compression_left_out(
            muscle, gate.precautions or Precautions(), bleeding_risk(gate.screening)
        )
        if why:
            raise DomainError(why, field="kind", value=kind.value)
    return program.self_care_item(muscle, kind, sheet.clinic.today())


@transaction.atomic
def program_item_add(
    *,
    actor: User,
    sheet: AftercareSheet,
    kind: str,
    muscle_id: str = "",
    origin: Origin | None = None,
) -> dict[str, object]:
    """Add an item at the end: a set-aside item back, or a muscle's stretch or
    self-compression from the knowledge base."""
    try:
        item_kind = core.ItemKind(kind)
    except ValueError:
        raise DomainError(
            f"unknown kind {kind!r}", field="kind", value=kind, suggestions=list(core.ItemKind)
        ) from None
    items, aside = _program(sheet)
    prefix = {core.ItemKind.STRETCH: "stretch.", core.ItemKind.SELF_COMPRESSION: "press."}
    if item_kind in prefix:
        item_id = prefix[item_kind] + muscle_id
    else:
        item_id = "walk" if item_kind is core.ItemKind.WALK else "breaks"
    if any(i["id"] == item_id for i in items):
        raise DomainError("is already in the home program", field="muscle_id", value=item_id)
    kept = [i for i in aside if i["id"] == item_id]
    if kept:
        item = program.added(kept[0], sheet.clinic.today())
        aside = [i for i in aside if i["id"] != item_id]
    elif item_kind in prefix:
        item = _new_item(sheet, item_kind, muscle_id)
    else:
        raise DomainError("was not proposed for this session", field="kind", value=item_kind.value)
    sheet.content = {**sheet.content, "home_program": [*items, item], "home_program_aside": aside}
    _program_save(actor=actor, sheet=sheet, summary=f"added {item['title']}", origin=origin)
    return item


@transaction.atomic
def program_item_remove(
    *, actor: User, sheet: AftercareSheet, item_id: str, origin: Origin | None = None
) -> dict[str, object]:
    """Take an item out of the program; it stays set aside (one tap adds it back) and its
    ticks stay recorded."""
    items, aside = _program(sheet)
    item = items.pop(_index(items, item_id))
    sheet.content = {**sheet.content, "home_program": items, "home_program_aside": [item, *aside]}
    _program_save(actor=actor, sheet=sheet, summary=f"removed {item['title']}", origin=origin)
    return item


@transaction.atomic
def program_item_move(
    *,
    actor: User,
    sheet: AftercareSheet,
    item_id: str,
    direction: str,
    origin: Origin | None = None,
) -> dict[str, object]:
    """Move an item one place up or down (the first stays first, the last stays last)."""
    if direction not in MOVES:
        raise DomainError(
            "must be up or down", field="move", value=direction, suggestions=list(MOVES)
        )
    items, _ = _program(sheet)
    i = _index(items, item_id)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
        sheet.content = {**sheet.content, "home_program": items}
        _program_save(
            actor=actor,
            sheet=sheet,
            summary=f"moved {items[j]['title']} {direction} to place {j + 1}",
            origin=origin,
        )
    return items[j if 0 <= j < len(items) else i]


@transaction.atomic
def program_item_change(
    *,
    actor: User,
    sheet: AftercareSheet,
    item_id: str,
    title: str | None = None,
    what: str | None = None,
    dose: program.Dose | None = None,
    origin: Origin | None = None,
) -> dict[str, object]:
    """Reword an item (its title and what the client reads) and set its dose; a dose outside
    the item's safe range is refused naming every field outside it, and nothing is saved."""
    items, _ = _program(sheet)
    i = _index(items, item_id)
    item = dict(items[i])
    errors: list[DomainError] = []
    changed: list[str] = []
    for field, value, limit in (
        ("title", title, program.TITLE_MAX),
        ("what", what, program.TEXT_MAX),
    ):
        if value is None:
            continue
        try:
            text = program.text_check(field, value, limit)
        except DomainError as exc:
            errors.append(exc)
            continue
        if text != item[field]:
            item[field] = text
            changed.append("reworded" if field == "what" else "renamed")
    if dose is not None and dose != program.dose_of(item):
        try:
            item = program.with_dose(item, dose)
            changed.append(f"{str(item['how_often']).lower()}, {item['how_long']}")
        except DomainErrors as exc:
            errors.extend(exc.errors)
        except DomainError as exc:
            errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else DomainErrors(errors)
    if changed:
        items[i] = item
        sheet.content = {**sheet.content, "home_program": items}
        summary = f"{item['title']} " + "; ".join(changed)
        _program_save(actor=actor, sheet=sheet, summary=summary, origin=origin)
    return item
