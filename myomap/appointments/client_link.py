"""What the client does on the appointment's private link: confirm, or ask to cancel.

Both are written as the client (no user; the audit row says "client (private link)") through
the same services the front desk uses, so the clinic's cancellation policy is one rule.
"""

from __future__ import annotations

from myomap.appointments.models import Appointment, Status
from myomap.appointments.reminder_models import AppointmentLink
from myomap.appointments.services import appointment_cancel, appointment_mark
from myomap.clinics.models import User
from myomap.common.audit import Origin

CLIENT = "client (private link)"
CLIENT_REASON = "The client cancelled on the private link"


def appointment_confirm_by_client(
    *, link: AppointmentLink, actor: User | None = None, origin: Origin | None = None
) -> Appointment:
    """Confirm the appointment (``actor``: a member of the clinic opening the link with the
    client, recorded as themselves); confirming twice changes nothing."""
    return appointment_mark(actor=actor, appointment=link.appointment, status=Status.CONFIRMED,
                            origin=origin, actor_label="" if actor else CLIENT)  # fmt: skip


def appointment_cancel_by_client(
    *, link: AppointmentLink, actor: User | None = None, origin: Origin | None = None
) -> Appointment:
    """Cancel the appointment; inside the clinic's policy it is recorded as a late
    cancellation."""
    return appointment_cancel(actor=actor, appointment=link.appointment, reason=CLIENT_REASON,
                              origin=origin, actor_label="" if actor else CLIENT)  # fmt: skip
