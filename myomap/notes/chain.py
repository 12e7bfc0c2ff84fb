"""The keyed signed-note chain outside its rows: its key, and its heads in the audit log.

Every sign and amendment appends one audit row naming the client's new chain head (its number
and keyed hash). Audit rows are append-only in the database, so a chain later cut short,
un-signed at its end or deleted whole no longer reaches the heads recorded here.
"""

from __future__ import annotations

import re

from django.conf import settings

from myomap.clinics.models import Clinic, User
from myomap.common.audit import Origin, audit_record
from myomap.common.models import AuditAction, AuditEvent
from myomap.patients.models import Patient
from myomap_core import soap

HEAD_OBJECT = "NoteChainHead"
"""The ``object_type`` of the audit rows that record a chain head (``object_id`` is its number)."""

_HEAD_HASH = re.compile(r"\bhash ([0-9a-f]{64})\b")


def chain_key() -> bytes:
    """The chain's HMAC key (``MYOMAP_NOTE_KEY`` or ``var/note_key``)."""
    return bytes(settings.NOTE_CHAIN_KEY)


def keyed_hash(content: soap.Content, previous_hash: str) -> str:
    """The keyed hash of one signed entry."""
    return soap.content_hash(content, previous_hash, chain_key())


def head_summary(seq: int, digest: str) -> str:
    """The audit summary of a chain head: readable, and read back by ``recorded_heads``."""
    return f"Signed-note chain head: entry {seq}, hash {digest}"


def record_chain_head(
    *,
    clinic: Clinic,
    patient: Patient,
    seq: int,
    digest: str,
    actor: User | None,
    origin: Origin | None = None,
    using: str = "default",
) -> AuditEvent:
    """Append the client's new chain head to the audit log (inside the signing transaction)."""
    return audit_record(
        action=AuditAction.SUBMIT,
        clinic=clinic,
        actor=actor,
        actor_label="" if actor is not None else "signed-note chain",
        patient=patient,
        summary=head_summary(seq, digest),
        origin=origin,
        using=using,
        object_type=HEAD_OBJECT,
        object_id=str(seq),
    )


def recorded_heads(using: str = "default") -> dict[int, list[soap.ChainHead]]:
    """Every chain head in the audit log, per client id."""
    heads: dict[int, list[soap.ChainHead]] = {}
    rows = AuditEvent.objects.using(using).filter(object_type=HEAD_OBJECT).order_by("id")
    for patient_id, object_id, summary in rows.values_list("patient_id", "object_id", "summary"):
        found = _HEAD_HASH.search(summary)
        if patient_id is None or found is None or not object_id.isdigit():
            continue
        heads.setdefault(patient_id, []).append(soap.ChainHead(int(object_id), found.group(1)))
    return heads
