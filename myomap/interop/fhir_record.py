"""A client's record as plain values: what the FHIR builder maps, with no database in sight.

``fhir_selectors.client_record`` fills these from the database; ``fhir_bundle`` turns them
into FHIR R4 resources. Times are aware datetimes in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from myomap_core.codes import Coding


@dataclass(frozen=True)
class ClinicInfo:
    slug: str
    name: str
    address: str
    phone: str
    email: str


@dataclass(frozen=True)
class PractitionerInfo:
    key: str
    """The clinic's own account name, stable within the clinic."""
    first_name: str
    last_name: str
    credentials: str


@dataclass(frozen=True)
class PatientInfo:
    key: str
    first_name: str
    last_name: str
    preferred_name: str
    birth_date: date
    sex: str
    phone: str
    email: str
    address: str
    physician: str
    archived: bool


@dataclass(frozen=True)
class BodySite:
    """A place on the body: its words, and its SNOMED CT concept where the atlas has one."""

    text: str
    snomed: Coding | None = None
    local: Coding | None = None
    """Myomap's own code for the place (the atlas region id), for a transfer back in."""


@dataclass(frozen=True)
class ComplaintInfo:
    key: str
    text: str
    recorded_at: datetime
    onset: date | None
    sites: tuple[BodySite, ...]


@dataclass(frozen=True)
class PainMarkInfo:
    key: str
    region_id: str
    site: BodySite
    intensity: int
    quality: str


@dataclass(frozen=True)
class PainMapInfo:
    key: str
    recorded_at: datetime
    source: str
    note: str
    marks: tuple[PainMarkInfo, ...]


@dataclass(frozen=True)
class ThresholdInfo:
    """A pressure pain threshold in kPa with the probe area."""

    key: str
    recorded_at: datetime
    site: BodySite
    kpa: float
    probe_cm2: float
    practitioner: str


@dataclass(frozen=True)
class PostureMeasureInfo:
    key: str
    recorded_at: datetime
    measure_id: str
    label: str
    value: float
    unit: str
    view: str


@dataclass(frozen=True)
class OutcomeInfo:
    key: str
    instrument: str
    taken_at: datetime
    answers: dict[str, object]
    score_value: float
    score_display: str
    band: str
    band_label: str
    subscores: dict[str, object]
    session_number: int


@dataclass(frozen=True)
class StepInfo:
    order: int
    technique: str
    technique_label: str
    site: BodySite
    status: str
    duration_s: int | None
    """Time actually held, summed over the step's holds (from the session log)."""
    discomfort_max: int | None


@dataclass(frozen=True)
class SessionInfo:
    key: str
    number: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    practitioner: str
    pain_before: int | None
    pain_after: int | None
    stop_reason: str
    steps: tuple[StepInfo, ...]


@dataclass(frozen=True)
class PlanStepInfo:
    order: int
    technique_label: str
    site: BodySite


@dataclass(frozen=True)
class PlanInfo:
    key: str
    created_at: datetime
    active: bool
    initial_sessions: int
    sessions_per_week: int
    session_minutes: int
    review_at_session: int
    notes: str
    practitioner: str
    steps: tuple[PlanStepInfo, ...]


@dataclass(frozen=True)
class AmendmentInfo:
    key: str
    created_at: datetime
    author: str
    reason: str
    sections: tuple[tuple[str, str], ...]
    content_hash: str


@dataclass(frozen=True)
class NoteInfo:
    key: str
    session_key: str
    session_number: int
    signed_at: datetime
    signed_by: str
    sections: tuple[tuple[str, str], ...]
    content_hash: str
    amendments: tuple[AmendmentInfo, ...]
    pdf: bytes | None = field(default=None, compare=False)
    """The note as printed (with its amendments), as the client page's PDF."""


@dataclass(frozen=True)
class ImportedInfo:
    """A signed note or amendment another clinic sent (kept as it came, with its source)."""

    key: str
    kind: str
    title: str
    text: str
    description: str
    authored_at: datetime
    author_name: str
    source_clinic: str
    amends_key: str | None


@dataclass(frozen=True)
class AppointmentInfo:
    """A booked visit, kept whatever became of it (cancelled, missed, completed)."""

    key: str
    status: str
    starts_at: datetime
    ends_at: datetime
    type_name: str
    practitioner: str
    place: str
    booked_at: datetime
    cancel_reason: str
    session_key: str | None
    desk_notes: str


@dataclass(frozen=True)
class ConsentInfo:
    key: str
    signed_at: datetime
    signed_name: str
    wording: str
    filled_by_client: bool


@dataclass(frozen=True)
class ClientRecord:
    """Everything of one client that the FHIR export carries."""

    clinic: ClinicInfo
    patient: PatientInfo
    practitioners: tuple[PractitionerInfo, ...]
    complaint: ComplaintInfo | None = None
    pain_maps: tuple[PainMapInfo, ...] = ()
    thresholds: tuple[ThresholdInfo, ...] = ()
    posture: tuple[PostureMeasureInfo, ...] = ()
    outcomes: tuple[OutcomeInfo, ...] = ()
    sessions: tuple[SessionInfo, ...] = ()
    plans: tuple[PlanInfo, ...] = ()
    notes: tuple[NoteInfo, ...] = ()
    consent: ConsentInfo | None = None
    imported: tuple[ImportedInfo, ...] = ()
    appointments: tuple[AppointmentInfo, ...] = ()
    generated_at: datetime | None = field(default=None, compare=False)
