"""Pages of the practice's calendar set-up: working hours, appointment types, locations and
rooms, blocks and the reminder policy. Thin: ``setup_services`` writes, ``setup_selectors``
reads.

Who may do what: the owner everything; a therapist their own working hours and blocks; the
front desk reads the hours and adds or removes anyone's blocks. A row of another clinic is
404, like an unknown one.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from myomap.appointments import selectors, setup_selectors
from myomap.appointments.forms import local_start
from myomap.appointments.models import AppointmentType, Block, Location, Online, Room, WorkingHours
from myomap.appointments.reminders import policy_of
from myomap.appointments.setup_forms import (
    BlockForm,
    LocationForm,
    PolicyForm,
    RenameForm,
    RoomForm,
    SpanForm,
    TypeForm,
)
from myomap.appointments.setup_services import (
    PALETTE,
    block_create,
    block_remove,
    hours_add,
    hours_remove,
    location_create,
    location_update,
    policy_update,
    room_create,
    room_update,
    type_create,
    type_update,
)
from myomap.clinics.access import clinic_member
from myomap.clinics.models import Role, User
from myomap.common.audit import Origin
from myomap.common.request import ClinicRequest


def _refuse(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal on the form, each message under its field's name."""
    if hasattr(exc, "message_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(None, f"{field}: {error}")
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _named(form: forms.Form) -> forms.Form:
    """Name the value typed in each field error (the message alone does not)."""
    for name, errors in list(form.errors.items()):
        if name == "__all__":
            continue
        value = str(form.data.get(name, ""))[:40]
        form.errors[name] = form.error_class([f"{value!r}: {e}" for e in errors])
    return form


def _pk(request: HttpRequest, field: str) -> int:
    text = request.POST.get(field, "")
    if not text.isdigit():
        raise Http404(f"No {field} {text[:20]!r}.")
    return int(text)


# -- working hours ---------------------------------------------------------------------------


def _shown_therapist(request: ClinicRequest, therapists: list[User]) -> User | None:
    """The therapist whose hours the page shows: ``?therapist=ID`` of this clinic (404
    otherwise), else the user if they take appointments, else the first therapist."""
    text = request.GET.get("therapist", "")
    if text:
        found = next((t for t in therapists if str(t.pk) == text), None)
        if found is None:
            raise Http404(f"therapist: no therapist {text[:20]!r} in this clinic.")
        return found
    user = request.user
    if user.is_clinician:
        return user
    return therapists[0] if therapists else None


def _may_edit_hours(user: User, therapist: User) -> bool:
    return user.role == Role.OWNER or (user.role == Role.THERAPIST and user.pk == therapist.pk)


@clinic_member()
def hours(request: ClinicRequest) -> HttpResponse:
    """A therapist's weekly working hours: add and remove spans; the future bookings that
    fall outside them."""
    clinic = request.clinic
    user = request.user
    therapists = selectors.therapists_of(clinic)
    therapist = _shown_therapist(request, therapists)
    form = SpanForm(clinic=clinic)
    status = 200
    if request.method == "POST":
        if therapist is None or not _may_edit_hours(user, therapist):
            raise PermissionDenied("Only the owner, or the therapist themselves, edit hours.")
        here = f"{reverse('appointments:setup_hours')}?therapist={therapist.pk}"
        if request.POST.get("action") == "remove":
            span = (
                WorkingHours.objects.filter(
                    pk=_pk(request, "span"), clinic=clinic, therapist=therapist
                )
                .select_related("therapist", "location")
                .first()
            )
            if span is None:
                raise Http404("span: no such span of working hours.")
            hours_remove(actor=user, span=span, origin=Origin.of(request))
            left = setup_selectors.outside_hours(therapist, zone=clinic.zone)
            messages.success(
                request,
                f"Removed {span}. {len(left)} future appointment{'s' if len(left) != 1 else ''}"
                " now fall outside these hours (listed below; none was moved or cancelled).",
            )
            return redirect(here)
        form = SpanForm(request.POST, clinic=clinic)
        if form.is_valid():
            try:
                made = hours_add(
                    actor=user,
                    therapist=therapist,
                    origin=Origin.of(request),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                messages.success(request, f"Added {made} at {made.location.name}.")
                return redirect(here)
        _named(form)
        status = 400
    week = setup_selectors.hours_week(therapist) if therapist else []
    spans = [span for row in week for span in row.spans]
    return render(
        request,
        "appointments/setup_hours.html",
        {
            "therapist": therapist,
            "therapists": therapists,
            "week": week,
            "outside": setup_selectors.outside_hours(therapist, zone=clinic.zone, spans=spans)
            if therapist
            else [],
            "may_edit": therapist is not None and _may_edit_hours(user, therapist),
            "has_locations": Location.objects.filter(clinic=clinic, active=True).exists(),
            "form": form,
        },
        status=status,
    )


# -- appointment types ----------------------------------------------------------------------


@clinic_member(Role.OWNER)
def types(request: ClinicRequest) -> HttpResponse:
    """The clinic's appointment types: add one, change one (``kind`` = its id)."""
    clinic = request.clinic
    user = request.user
    form = TypeForm(initial={"colour": PALETTE[0][0], "minutes": 60, "buffer_minutes": 15})
    editing: AppointmentType | None = None
    status = 200
    if request.method == "POST":
        if request.POST.get("kind"):
            editing = AppointmentType.objects.filter(pk=_pk(request, "kind"), clinic=clinic).first()
            if editing is None:
                raise Http404("kind: no such appointment type.")
        form = TypeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if editing is None:
                    data.pop("active")
                    kind = type_create(actor=user, origin=Origin.of(request), **data)
                else:
                    kind = type_update(actor=user, kind=editing, origin=Origin.of(request), **data)
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                note = (
                    " New bookings take the new length; booked ones keep theirs." if editing else ""
                )
                messages.success(request, f"Saved {kind}.{note}")
                return redirect("appointments:setup_types")
        _named(form)
        status = 400
    rows = setup_selectors.all_types(clinic)
    return render(
        request,
        "appointments/setup_types.html",
        {
            "form": form,
            "editing": editing,
            "palette": PALETTE,
            "online_choices": Online.choices,
            "rows": [(k, None) for k in rows],
        },
        status=status,
    )


# -- locations and rooms --------------------------------------------------------------------


@clinic_member(Role.OWNER)
def places(request: ClinicRequest) -> HttpResponse:
    """Locations and their rooms: add, rename, take out of use (never delete)."""
    clinic = request.clinic
    user = request.user
    origin = Origin.of(request) if request.method == "POST" else None
    action = request.POST.get("action", "")
    location_form = LocationForm()
    room_form = RoomForm(clinic=clinic)
    failed: forms.Form | None = None
    if request.method == "POST":
        try:
            if action == "add_location":
                failed = location_form = LocationForm(request.POST)
                if location_form.is_valid():
                    made = location_create(actor=user, origin=origin, **location_form.cleaned_data)
                    messages.success(request, f"Added {made.name}.")
                    return redirect("appointments:setup_places")
            elif action == "add_room":
                failed = room_form = RoomForm(request.POST, clinic=clinic)
                if room_form.is_valid():
                    room = room_create(actor=user, origin=origin, **room_form.cleaned_data)
                    messages.success(request, f"Added {room.name} at {room.location.name}.")
                    return redirect("appointments:setup_places")
            elif action in ("location", "room"):
                model = Location if action == "location" else Room
                row = model.objects.filter(pk=_pk(request, "row"), clinic=clinic).first()
                if row is None:
                    raise Http404(f"row: no such {action}.")
                failed = rename = RenameForm(request.POST)
                if rename.is_valid():
                    if isinstance(row, Location):
                        location_update(
                            actor=user, location=row, origin=origin, **rename.cleaned_data
                        )
                    else:
                        room_update(actor=user, room=row, origin=origin, **rename.cleaned_data)
                    state = (
                        "" if rename.cleaned_data["active"] else " (not offered for new bookings)"
                    )
                    messages.success(request, f"Saved {row.name}{state}.")
                    return redirect("appointments:setup_places")
            else:
                return HttpResponse(
                    f"action: {action[:20]!r} is not add_location, add_room, location or room.",
                    status=400,
                    content_type="text/plain",
                )
        except ValidationError as exc:
            assert failed is not None
            _refuse(failed, exc)
        assert failed is not None
        _named(failed)
    return render(
        request,
        "appointments/setup_places.html",
        {
            "places": setup_selectors.places(clinic),
            "location_form": location_form,
            "room_form": room_form,
            "failed": failed,
        },
        status=400 if failed is not None else 200,
    )


# -- blocks ---------------------------------------------------------------------------------


@clinic_member()
def blocks(request: ClinicRequest) -> HttpResponse:
    """Blocks ahead (holiday, training): add or remove; a therapist only their own. Shows the
    bookings each block overlaps: nothing is cancelled automatically."""
    clinic = request.clinic
    user = request.user
    own = user if user.role == Role.THERAPIST else None
    form = BlockForm(clinic=clinic, therapist=own)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            block = Block.objects.filter(pk=_pk(request, "block"), clinic=clinic)
            found = block.select_related("therapist").first()
            if found is None:
                raise Http404("block: no such block.")
            if own is not None and found.therapist_id != own.pk:
                raise PermissionDenied("A therapist removes only their own blocks.")
            block_remove(actor=user, block=found, origin=Origin.of(request))
            messages.success(request, f"Removed the block ({found.reason or 'no reason'}).")
            return redirect("appointments:setup_blocks")
        form = BlockForm(request.POST, clinic=clinic, therapist=own)
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = block_create(
                    actor=user,
                    therapist=data["therapist"],
                    starts_at=local_start(clinic, data["start_date"], data["start_time"]),
                    ends_at=local_start(clinic, data["end_date"], data["end_time"]),
                    reason=data["reason"],
                    origin=Origin.of(request),
                )
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                hit = setup_selectors.under_block(made)
                messages.success(
                    request,
                    f"Blocked {made.therapist.display_name}. It overlaps {len(hit)} booked "
                    f"appointment{'s' if len(hit) != 1 else ''}: none was cancelled "
                    "(listed below).",
                )
                return redirect("appointments:setup_blocks")
        _named(form)
        status = 400
    rows = setup_selectors.blocks_ahead(clinic)
    return render(
        request,
        "appointments/setup_blocks.html",
        {
            "form": form,
            "rows": [(b, setup_selectors.under_block(b)) for b in rows],
            "own": own,
        },
        status=status,
    )


# -- reminder policy ------------------------------------------------------------------------


@clinic_member(Role.OWNER)
def reminder_policy(request: ClinicRequest) -> HttpResponse:
    """The clinic's reminder offsets, cancellation window and SMS switch."""
    clinic = request.clinic
    policy = policy_of(clinic)
    form = PolicyForm(
        initial={
            "offsets": policy.offsets,
            "cancellation_hours": policy.cancellation_hours,
            "sms": policy.sms,
        }
    )
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                _, cancelled, added = policy_update(
                    actor=request.user, origin=Origin.of(request), **form.cleaned_data
                )
            except ValidationError as exc:
                _refuse(form, exc)
            else:
                messages.success(
                    request,
                    f"Saved. Upcoming appointments: {cancelled} pending reminders cancelled, "
                    f"{added} added; reminders already sent stay sent.",
                )
                return redirect("appointments:setup_reminders")
        _named(form)
        status = 400
    return render(request, "appointments/setup_reminders.html", {"form": form}, status=status)


# -- the set-up's front page ----------------------------------------------------------------


@clinic_member()
def setup(request: ClinicRequest) -> HttpResponse:
    """What there is to set up, and what is missing."""
    clinic = request.clinic
    return render(
        request,
        "appointments/setup.html",
        {
            "has_hours": setup_selectors.clinic_has_hours(clinic),
            "has_locations": Location.objects.filter(clinic=clinic, active=True).exists(),
            "has_types": AppointmentType.objects.filter(clinic=clinic, active=True).exists(),
        },
    )
