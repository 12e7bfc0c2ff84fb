"""Reads for outcome measures: a client's responses, progress and charts; the clinic dashboard."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, Count, F, QuerySet, When
from django.utils import timezone
from django.utils.safestring import SafeString

from myomap.clinics.models import Clinic
from myomap.common.read_once import once_per_page
from myomap.outcomes import charts
from myomap.outcomes.forms import activity_name, activity_rating
from myomap.outcomes.models import OutcomeResponse, ProgressStanding, QuestionnaireLink
from myomap.outcomes.services import score_summary, score_text
from myomap.outcomes.standing import TRACKED, Group, status_of
from myomap.patients.models import Patient
from myomap.sessions.models import TreatmentSession
from myomap_core import outcomes as core
from myomap_core import progress
from myomap_core.units import plural

PLAN_TEXT = {
    progress.Status.BASELINE: (
        "Baseline recorded. Continue the plan and repeat the questionnaires after the next "
        "sessions to measure change."
    ),
    progress.Status.IMPROVING: (
        "Improving. Continue the current plan and confirm the change at the next measurement."
    ),
    progress.Status.ON_TRACK: (
        "On track for an important improvement within three to five sessions. Continue the plan."
    ),
    progress.Status.NOT_YET_IMPROVED: (
        "No important change yet. Continue the plan; review it if there is still no important "
        "change by session 5."
    ),
    progress.Status.NOT_IMPROVING: (
        "No important improvement by session 5. Review the treatment plan, reassess, or refer "
        "the client to their physician."
    ),
    progress.Status.WORSENING: (
        "Worsening beyond the minimal clinically important difference. Reassess before the next "
        "treatment and consider referral to the physician."
    ),
    progress.Status.READY_FOR_MAINTENANCE: (
        "Sustained important improvement. Move to maintenance care with a planned reassessment."
    ),
}


@dataclass
class Chart:
    title: str
    svg: SafeString
    caption: str


@dataclass
class InstrumentSummary:
    spec: core.Instrument
    latest: OutcomeResponse
    baseline: OutcomeResponse
    count: int
    change: progress.Change | None

    @property
    def text(self) -> str:
        return score_text(self.latest.instrument, self.latest.score_display, self.latest.band)


@dataclass
class Progress:
    responses: list[OutcomeResponse]
    status: progress.ProgressStatus | None
    summaries: list[InstrumentSummary]
    charts: list[Chart] = field(default_factory=list)

    @property
    def plan(self) -> str:
        if self.status is None:
            return "No outcome questionnaires yet: take a baseline before the first treatment."
        text = PLAN_TEXT.get(self.status.status, "")
        weeks = self.status.reassess_in_weeks
        if weeks:
            text += f" Reassess in {plural(weeks, 'week')}."
        return text


@once_per_page
def responses_of(patient: Patient) -> list[OutcomeResponse]:
    """The client's responses, oldest first."""
    return list(OutcomeResponse.objects.filter(patient=patient).order_by("taken_at", "id"))


def summaries(
    responses: Sequence[OutcomeResponse], status: progress.ProgressStatus | None
) -> list[InstrumentSummary]:
    """Per instrument: the baseline, the latest and the change between them."""
    by_instrument: dict[str, list[OutcomeResponse]] = defaultdict(list)
    for r in responses:
        by_instrument[r.instrument].append(r)
    changes = {str(c.instrument): c for c in (status.changes if status else ())}
    result = []
    for spec in core.instruments():
        rows = by_instrument.get(str(spec.id))
        if not rows:
            continue
        change = changes.get(str(spec.id))
        if change is None and len(rows) > 1 and spec.id in TRACKED:
            change = progress.change(spec.id, rows[0].score_value, rows[-1].score_value)
        result.append(InstrumentSummary(spec, rows[-1], rows[0], len(rows), change))
    return result


def progress_of(patient: Patient, *, with_charts: bool = True) -> Progress:
    responses = responses_of(patient)
    status = status_of(responses)
    result = Progress(responses, status, summaries(responses, status))
    if with_charts:
        result.charts = charts_for(responses, session_pain_of(patient))
    return result


@dataclass(frozen=True)
class SessionPain:
    """The pain rating (NPRS) at the start and the end of one treatment session."""

    number: int
    before: int | None
    after: int | None


def session_pain_of(patient: Patient) -> list[SessionPain]:
    """Pain before and after each treatment session that has a rating, in session order."""
    rows = (
        TreatmentSession.objects.filter(patient=patient)
        .exclude(pain_before=None, pain_after=None)
        .order_by("number")
        .values_list("number", "pain_before", "pain_after")
    )
    return [SessionPain(n, before, after) for n, before, after in rows]


def _session_series(sessions: Sequence[SessionPain]) -> list[charts.Series]:
    """Session pain on the questionnaires' axis: before session n, n − 1 sessions are done."""
    before = tuple(
        charts.Point(float(p.number - 1), float(p.before)) for p in sessions if p.before is not None
    )
    after = tuple(
        charts.Point(float(p.number), float(p.after)) for p in sessions if p.after is not None
    )
    return [
        series
        for series in (
            charts.Series("Start of session", before),
            charts.Series("End of session", after),
        )
        if series.points
    ]


def _important_threshold(spec: core.Instrument, baseline: float) -> float | None:
    """The smallest change from ``baseline`` that counts as important (points OR percent)."""
    options = []
    if spec.mcid_points is not None:
        options.append(spec.mcid_points)
    if spec.mcid_percent is not None and baseline > 0:
        options.append(baseline * spec.mcid_percent / 100)
    return min(options) if options else None


def _series_chart(
    spec: core.Instrument,
    rows: list[OutcomeResponse],
    sessions: Sequence[SessionPain] = (),
) -> Chart:
    """One instrument over sessions; for NPRS also the pain before and after each session."""
    band = None
    if rows:
        baseline = rows[0].score_value
        threshold = _important_threshold(spec, baseline)
        if threshold is not None:
            band = charts.Band(
                max(spec.minimum, baseline - threshold),
                min(spec.maximum, baseline + threshold),
                f"Change smaller than the MCID (±{charts.num(threshold)} from the baseline)",
            )
    points = tuple(
        charts.Point(float(r.session_number), r.score_value, r.score_display) for r in rows
    )
    series = [charts.Series(f"{spec.short_name} questionnaire", points)] if points else []
    series += _session_series(sessions)
    if len(series) == 1:
        series = [charts.Series(spec.short_name, series[0].points)]
    better = "lower" if spec.direction == core.Direction.LOWER_IS_BETTER else "higher"
    unit = " %" if spec.unit == "%" else ""
    values = ", ".join(f"session {r.session_number}: {r.score_display}{unit}" for r in rows)
    desc = f"{spec.name} after each number of treatment sessions ({values or 'none yet'})."
    if sessions:
        told = ", ".join(
            f"session {p.number}: {_or_dash(p.before)} → {_or_dash(p.after)}" for p in sessions
        )
        desc += f" Pain at the start and the end of each treatment session ({told})."
    desc += f" {better.capitalize()} is better."
    if band is not None:
        desc += (
            f" The shaded band from {charts.num(band.low)} to {charts.num(band.high)} marks "
            "changes smaller than the minimal clinically important difference from the baseline."
        )
    svg = charts.line_chart(
        series,
        title=f"{spec.short_name} over sessions",
        desc=desc,
        x_label="Treatment sessions completed",
        y_label=f"{spec.short_name}{' (%)' if spec.unit == '%' else ''}",
        y_min=spec.minimum,
        y_max=spec.maximum,
        band=band,
    )
    caption = f"{spec.name}: {better} is better."
    if band is not None:
        caption += (
            " Points outside the shaded band differ from the baseline by an important amount."
        )
    return Chart(f"{spec.short_name} over sessions", svg, caption)


def _psfs_chart(spec: core.Instrument, rows: list[OutcomeResponse]) -> Chart:
    """Each activity's rating at the first PSFS and at the latest (carried forward by name)."""
    first, last = rows[0], rows[-1]
    groups = []
    for item in spec.items:
        if item.kind != "activity":
            continue
        name = activity_name(last.answers.get(item.id)) or activity_name(first.answers.get(item.id))
        if not name:
            continue
        then = activity_rating(first.answers.get(item.id))
        now = activity_rating(last.answers.get(item.id))
        values: tuple[float | None, ...] = (
            (_maybe(then),) if first is last else (_maybe(then), _maybe(now))
        )
        groups.append(charts.BarGroup(name, values))
    names = [_when(first.session_number)] + ([] if first is last else [_when(last.session_number)])
    told = "; ".join(
        f"{g.label}: "
        + ", ".join(
            f"{n.lower()} {charts.num(v)}"
            for n, v in zip(names, g.values, strict=False)
            if v is not None
        )
        for g in groups
    )
    svg = charts.bar_chart(
        groups,
        names,
        title="PSFS per activity",
        desc=f"How well the client can do each activity they named, 0 = unable, 10 = as before "
        f"the problem. {told}.",
        y_label="Ability (0–10)",
        y_min=0,
        y_max=10,
    )
    return Chart(
        "PSFS per activity",
        svg,
        "Each activity the client named, re-rated: 0 = unable, 10 = as well as before the "
        "problem. Higher is better.",
    )


def _when(session: int) -> str:
    if session == 0:
        return "Before treatment"
    return f"After {session} session{'s' if session != 1 else ''}"


def _maybe(value: int | None) -> float | None:
    return None if value is None else float(value)


def _or_dash(value: int | None) -> str:
    return "–" if value is None else str(value)


def charts_for(
    responses: Sequence[OutcomeResponse], sessions: Sequence[SessionPain] = ()
) -> list[Chart]:
    """NPRS over sessions (with the pain before and after each treatment session), ODI and
    RMDQ with the MCID band, PSFS per activity."""
    by_instrument: dict[str, list[OutcomeResponse]] = defaultdict(list)
    for r in responses:
        by_instrument[r.instrument].append(r)
    result = []
    if by_instrument.get(str(core.InstrumentId.NPRS)) or sessions:
        nprs = by_instrument.get(str(core.InstrumentId.NPRS), [])
        result.append(_series_chart(core.instrument(core.InstrumentId.NPRS), nprs, sessions))
    for instrument_id in (core.InstrumentId.ODI, core.InstrumentId.RMDQ):
        rows = by_instrument.get(str(instrument_id))
        if rows:
            result.append(_series_chart(core.instrument(instrument_id), rows))
    psfs = by_instrument.get(str(core.InstrumentId.PSFS))
    if psfs:
        result.append(_psfs_chart(core.instrument(core.InstrumentId.PSFS), psfs))
    return result


def open_links(patient: Patient) -> list[QuestionnaireLink]:
    links = QuestionnaireLink.objects.filter(private__patient=patient)
    return list(links.select_related("private__patient")[:5])


# The dashboard -------------------------------------------------------------------------------


DASHBOARD_ROWS = 10
"""Clients shown per group on the dashboard; the rest are a page away."""
GROUP_PAGE = 50
"""Clients per page when one group is shown whole."""


@dataclass
class DashboardRow:
    patient: Patient
    standing: ProgressStanding
    reason: str

    @property
    def last_taken(self) -> datetime | None:
        return self.standing.last_taken

    @property
    def latest(self) -> list[str]:
        latest = self.standing.latest
        return [score_summary(i, display, band or None) for i, display, band in latest]


@dataclass
class DashboardGroup:
    key: str
    count: int
    rows: list[DashboardRow]


def _reason(key: str, standing: ProgressStanding, now: datetime) -> str:
    if standing.last_taken is None:
        return "No questionnaire yet: take a baseline."
    if key == "due":
        return f"Last questionnaire {plural((now - standing.last_taken).days, 'day')} ago."
    return standing.explanation


def dashboard_rows(
    key: str, members: Iterable[ProgressStanding], now: datetime
) -> list[DashboardRow]:
    """The rows of one group, from ``dashboard_members``: standings with their client."""
    return [DashboardRow(member.patient, member, _reason(key, member, now)) for member in members]


def _active_standings(clinic: Clinic) -> QuerySet[ProgressStanding]:
    """The standings of the clinic's active clients: every one has a standing (never measured
    ones too), and archiving is kept on it, so no client row is read to find them."""
    return ProgressStanding.objects.filter(clinic=clinic, active=True)


def _due(*, clinic: Clinic, now: datetime, leave_out: Sequence[int]) -> QuerySet[ProgressStanding]:
    """The due standings: never measured, or the last questionnaire older than its due time
    (the never measured are due since they were registered); ``leave_out`` not among them."""
    due = _active_standings(clinic).filter(due_at__lt=now)
    return due.exclude(patient_id__in=list(leave_out)) if leave_out else due


def dashboard_members(
    *, clinic: Clinic, group: str, now: datetime, leave_out: Sequence[int] = ()
) -> QuerySet[ProgressStanding]:
    """The standings of the clinic's active clients in one dashboard group, with their client,
    in the order a therapist acts on.

    ``due`` (no questionnaire yet, or the last one older than its due time, stored with the
    standing: ``DUE_AFTER_DAYS``, or the reassessment interval in maintenance) lists those
    measured before first, longest ago first, then those never measured, by name;
    ``leave_out`` are not listed (clients held by an emergency). It is read through the active
    standings' (clinic, due time, client) index, so it costs what the due clients cost, not
    the clinic. The stored groups (``standing.group_of``) are read through their (clinic,
    group, client) index, so their first rows cost the same at any size: ``not_on_track``
    those past session 5 first, then by name; the others in client order (as registered).
    """
    if group == "due":
        return (
            _due(clinic=clinic, now=now, leave_out=leave_out)
            .select_related("patient")
            .order_by(
                F("last_taken").asc(nulls_last=True),
                "patient__last_name",
                "patient__first_name",
                "patient_id",
            )
        )
    standings = _active_standings(clinic).filter(group=group).select_related("patient")
    if group == Group.NOT_ON_TRACK:
        first = Case(When(status=progress.Status.NOT_IMPROVING, then=0), default=1)
        return standings.order_by(first, "patient__last_name", "patient__first_name", "patient_id")
    return standings.order_by("patient_id")


DASHBOARD_GROUPS = ("worsening", "not_on_track", "due", "maintenance")


def dashboard_counts(
    *, clinic: Clinic, now: datetime, leave_out: Sequence[int] = ()
) -> dict[str, int]:
    """Each dashboard group's size, counted on the standings' indexes alone (two queries);
    due leaves out ``leave_out``."""
    by_group = dict(_active_standings(clinic).values_list("group").annotate(n=Count("pk")))
    counts = {key: by_group.get(key, 0) for key in DASHBOARD_GROUPS}
    counts["due"] = _due(clinic=clinic, now=now, leave_out=leave_out).count()
    return counts


def dashboard(
    *,
    clinic: Clinic,
    now: datetime | None = None,
    leave_out: Sequence[int] = (),
    limit: int = DASHBOARD_ROWS,
) -> dict[str, DashboardGroup]:
    """Each dashboard group's size and its first ``limit`` clients, from the stored standings:
    the cost does not grow with the number of responses. ``leave_out``: clients not to list
    as due (those held by an emergency)."""
    now = now or timezone.now()
    counts = dashboard_counts(clinic=clinic, now=now, leave_out=leave_out)
    board = {}
    for key in DASHBOARD_GROUPS:
        rows: list[DashboardRow] = []
        if counts[key]:
            left_out = leave_out if key == "due" else ()
            members = dashboard_members(clinic=clinic, group=key, now=now, leave_out=left_out)
            rows = dashboard_rows(key, members[:limit], now)
        board[key] = DashboardGroup(key, counts[key], rows)
    return board
