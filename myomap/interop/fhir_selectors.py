"""Reads one client's record for the FHIR export, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.db.models import Prefetch

from myomap.appointments.models import Appointment
from myomap.assessments.models import PalpationFinding, PosturePhoto
from myomap.assessments.selectors import posture_analysis
from myomap.clinics.models import User
from myomap.intake.forms import ConsentForm
from myomap.intake.models import Intake, IntakeStatus, PainMap
from myomap.interop.fhir_record import (
    AmendmentInfo,
    AppointmentInfo,
    BodySite,
    ClientRecord,
    ClinicInfo,
    ComplaintInfo,
    ConsentInfo,
    ImportedInfo,
    NoteInfo,
    OutcomeInfo,
    PainMapInfo,
    PainMarkInfo,
    PatientInfo,
    PlanInfo,
    PlanStepInfo,
    PostureMeasureInfo,
    PractitionerInfo,
    SessionInfo,
    StepInfo,
    ThresholdInfo,
)
from myomap.interop.models import ImportedDocument
from myomap.notes.models import SECTION_LABELS, SECTIONS, NoteAmendment, NoteStatus, SoapNote
from myomap.notes.printing import note_pdf
from myomap.outcomes.models import OutcomeResponse
from myomap.patients.models import Patient
from myomap.plans.models import Plan, PlanStatus
from myomap.sessions.models import SessionStep, TreatmentSession
from myomap_core import atlas
from myomap_core.codes import MYOMAP, Coding
from myomap_core.errors import DomainError
from myomap_core.knowledge import load_knowledge_base
from myomap_core.planning import Technique

REGION_CODE = "region-"
"""Prefix of Myomap's local code for an atlas region (``region-low_back_left``)."""
MEASURE_UNITS = frozenset({"°", "mm"})
"""Posture measures in pixels (no scale marker) mean nothing outside the photo: left out."""
CONSENT_WORDING = str(ConsentForm.base_fields["consent_agree"].label)


def region_site(region_id: str) -> BodySite:
    """The atlas region's label and SNOMED CT concept (None where the atlas has no code)."""
    try:
        region = atlas.region(region_id)
    except DomainError:
        return BodySite(region_id.replace("_", " "))
    return BodySite(
        region.label, region.snomed, Coding(MYOMAP, f"region-{region_id}", region.label)
    )


def muscle_site(muscle_id: str, side: str, trigger_point: str = "") -> BodySite:
    """A muscle's name, its side and trigger point, as words (the atlas codes regions only)."""
    try:
        name = load_knowledge_base().muscle(muscle_id).name
    except (DomainError, KeyError):
        name = muscle_id.replace("_", " ")
    words = " ".join(w for w in (side, name) if w)
    if trigger_point:
        words += f" ({trigger_point.replace('_', ' ')})"
    return BodySite(words[:1].upper() + words[1:])


def _user_key(user: User | None) -> str:
    return user.username if user is not None else ""


def _sections(entry: SoapNote | NoteAmendment) -> tuple[tuple[str, str], ...]:
    return tuple((SECTION_LABELS[s], getattr(entry, s)) for s in SECTIONS if getattr(entry, s))


def client_record(patient: Patient) -> ClientRecord:
    """Gather ``patient``'s record (its clinic is ``patient.clinic``)."""
    clinic = patient.clinic
    users: dict[str, User] = {}

    def who(user: User | None) -> str:
        if user is not None:
            users.setdefault(user.username, user)
        return _user_key(user)

    intake = (
        Intake.objects.filter(patient=patient, status=IntakeStatus.SUBMITTED)
        .select_related("created_by")
        .order_by("-submitted_at", "-id")
        .first()
    )
    pain_maps = list(
        PainMap.objects.filter(patient=patient)
        .prefetch_related("marks")
        .order_by("recorded_at", "id")
    )
    complaint = None
    consent = None
    if intake is not None and intake.submitted_at is not None:
        section = intake.answers.get("complaint", {})
        onset = section.get("onset_date") or None
        intake_map = next((m for m in pain_maps if m.intake_id == intake.pk), None)
        marks = list(intake_map.marks.all()) if intake_map else []
        if section.get("main_complaint"):
            complaint = ComplaintInfo(
                key=f"complaint-{intake.pk}",
                text=str(section["main_complaint"]),
                recorded_at=intake.submitted_at,
                onset=date.fromisoformat(onset) if isinstance(onset, str) else None,
                sites=tuple(region_site(m.region_id) for m in marks),
            )
        if intake.consent_at is not None:
            consent = ConsentInfo(
                key=f"consent-{intake.pk}",
                signed_at=intake.consent_at,
                signed_name=intake.consent_name,
                wording=CONSENT_WORDING,
                filled_by_client=intake.filled_by_client,
            )

    findings = list(
        PalpationFinding.objects.filter(assessment__patient=patient, ppt_kpa__isnull=False)
        .select_related("recorded_by")
        .order_by("created_at", "id")
    )
    photos = list(
        PosturePhoto.objects.filter(assessment__patient=patient)
        .select_related("assessment")
        .order_by("assessment__visit_date", "uploaded_at", "id")
    )
    posture: list[PostureMeasureInfo] = []
    for photo in photos:
        for measure in posture_analysis(photo).measures:
            if measure.value is None or measure.unit not in MEASURE_UNITS:
                continue
            posture.append(
                PostureMeasureInfo(
                    key=f"posture-{photo.pk}-{measure.id}",
                    recorded_at=photo.uploaded_at,
                    measure_id=measure.id,
                    label=measure.label,
                    value=round(float(measure.value), 2),
                    unit=measure.unit,
                    view=photo.view,
                )
            )

    sessions = list(
        TreatmentSession.objects.filter(patient=patient)
        .select_related("therapist")
        .prefetch_related(Prefetch("steps", SessionStep.objects.order_by("order", "id")))
        .order_by("number")
    )
    plans = list(
        Plan.objects.filter(patient=patient)
        .select_related("created_by")
        .prefetch_related("steps")
        .order_by("created_at", "id")
    )
    notes = list(
        SoapNote.objects.filter(patient=patient, status=NoteStatus.SIGNED)
        .select_related("session__therapist", "signed_by", "patient", "clinic")
        .prefetch_related(
            Prefetch(
                "amendments",
                NoteAmendment.objects.select_related("author").order_by("chain_position"),
            )
        )
        .order_by("chain_position", "id")
    )
    imported = list(ImportedDocument.objects.filter(patient=patient).order_by("authored_at", "id"))
    outcomes = list(OutcomeResponse.objects.filter(patient=patient).order_by("taken_at", "id"))
    appointments = list(
        Appointment.objects.filter(patient=patient)
        .select_related("therapist", "type", "room__location")
        .order_by("starts_at", "id")
    )

    record = ClientRecord(
        clinic=ClinicInfo(clinic.slug, clinic.name, clinic.address, clinic.phone, clinic.email),
        patient=PatientInfo(
            key=f"client-{patient.pk}",
            first_name=patient.first_name,
            last_name=patient.last_name,
            preferred_name=patient.preferred_name,
            birth_date=patient.date_of_birth,
            sex=patient.sex,
            phone=patient.phone,
            email=patient.email,
            address=patient.address,
            physician=", ".join(
                p for p in (patient.physician_name, patient.physician_contact) if p
            ),
            archived=patient.is_archived,
        ),
        practitioners=(),
        complaint=complaint,
        consent=consent,
        pain_maps=tuple(
            PainMapInfo(
                key=f"painmap-{m.pk}",
                recorded_at=m.recorded_at,
                source=m.source,
                note=m.note,
                marks=tuple(
                    PainMarkInfo(
                        key=f"painmark-{k.pk}",
                        region_id=k.region_id,
                        site=region_site(k.region_id),
                        intensity=k.intensity,
                        quality=k.quality,
                    )
                    for k in m.marks.all()
                ),
            )
            for m in pain_maps
        ),
        thresholds=tuple(
            ThresholdInfo(
                key=f"ppt-{f.pk}",
                recorded_at=f.created_at,
                site=muscle_site(f.muscle_id, f.side, f.trigger_point),
                kpa=float(f.ppt_kpa or 0),
                probe_cm2=f.probe_cm2,
                practitioner=who(f.recorded_by),
            )
            for f in findings
        ),
        posture=tuple(posture),
        outcomes=tuple(
            OutcomeInfo(
                key=f"outcome-{o.pk}",
                instrument=o.instrument,
                taken_at=o.taken_at,
                answers=dict(o.answers),
                score_value=o.score_value,
                score_display=o.score_display,
                band=o.band,
                band_label=o.band_label,
                subscores=dict(o.subscores),
                session_number=o.session_number,
            )
            for o in outcomes
        ),
        sessions=tuple(
            SessionInfo(
                key=f"session-{s.pk}",
                number=s.number,
                status=s.status,
                started_at=s.started_at,
                finished_at=s.finished_at or s.stopped_at,
                practitioner=who(s.therapist),
                pain_before=s.pain_before,
                pain_after=s.pain_after,
                stop_reason=s.stop_reason,
                steps=tuple(
                    StepInfo(
                        order=step.order,
                        technique=step.technique,
                        technique_label=Technique(step.technique).label,
                        site=muscle_site(step.muscle_id, step.side, step.trigger_point),
                        status=step.status,
                        duration_s=step.hold_s_total or None,
                        discomfort_max=step.discomfort_max,
                    )
                    for step in s.steps.all()
                ),
            )
            for s in sessions
        ),
        plans=tuple(
            PlanInfo(
                key=f"plan-{p.pk}",
                created_at=p.created_at,
                active=p.status == PlanStatus.ACTIVE,
                initial_sessions=p.initial_sessions,
                sessions_per_week=p.sessions_per_week,
                session_minutes=p.session_minutes,
                review_at_session=p.review_at_session,
                notes=p.notes,
                practitioner=who(p.created_by),
                steps=tuple(
                    PlanStepInfo(
                        order=st.order,
                        technique_label=Technique(st.technique).label,
                        site=muscle_site(st.muscle_id, st.side, st.trigger_point),
                    )
                    for st in sorted(p.steps.all(), key=lambda st: (st.order, st.pk))
                ),
            )
            for p in plans
        ),
        notes=tuple(
            NoteInfo(
                key=f"note-{n.pk}",
                session_key=f"session-{n.session_id}",
                session_number=n.session.number,
                signed_at=n.signed_at or n.created_at,
                signed_by=who(n.signed_by),
                sections=_sections(n),
                content_hash=n.content_hash,
                amendments=tuple(
                    AmendmentInfo(
                        key=f"amendment-{a.pk}",
                        created_at=a.created_at,
                        author=who(a.author),
                        reason=a.reason,
                        sections=_sections(a),
                        content_hash=a.content_hash,
                    )
                    for a in n.amendments.all()
                ),
                pdf=note_pdf(n),
            )
            for n in notes
        ),
    )
    record = replace(
        record,
        imported=tuple(
            ImportedInfo(
                key=f"imported-{d.pk}",
                kind=d.kind,
                title=d.title,
                text=d.text,
                description=d.description,
                authored_at=d.authored_at,
                author_name=d.author_name,
                source_clinic=d.source_clinic,
                amends_key=f"imported-{d.amends_id}" if d.amends_id else None,
            )
            for d in imported
        ),
        appointments=tuple(
            AppointmentInfo(
                key=f"appointment-{a.pk}",
                status=a.status,
                starts_at=a.starts_at,
                ends_at=a.ends_at,
                type_name=a.type.name,
                practitioner=who(a.therapist),
                place=", ".join(p for p in (a.room.location.name, a.room.name) if p)
                if a.room
                else "",
                booked_at=a.created_at,
                cancel_reason=a.cancel_reason,
                session_key=f"session-{a.session_id}" if a.session_id else None,
                desk_notes=a.desk_notes,
            )
            for a in appointments
        ),
    )
    practitioners = tuple(
        PractitionerInfo(u.username, u.first_name, u.last_name, u.credentials)
        for _, u in sorted(users.items())
    )
    return replace(record, practitioners=practitioners)
