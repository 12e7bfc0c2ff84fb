"""Signed notes and amendments signed before the chain had a key are re-hashed with it.

Each client's chain is first checked with its old unkeyed hashes; only a chain that still
verifies is re-keyed (a chain already broken is left as it is, so the check keeps naming it).
The new head of each re-keyed chain is recorded in the audit log.
"""

from typing import Any

from django.db import migrations

from myomap.notes.chain import HEAD_OBJECT, chain_key, head_summary
from myomap.notes.selectors import amendment_content, note_content
from myomap_core import soap


def _chains(apps: Any) -> dict[int, list[Any]]:
    SoapNote = apps.get_model("notes", "SoapNote")
    NoteAmendment = apps.get_model("notes", "NoteAmendment")
    chains: dict[int, list[Any]] = {}
    for note in SoapNote.objects.filter(status="signed"):
        chains.setdefault(note.patient_id, []).append(note)
    for amendment in NoteAmendment.objects.select_related("note"):
        chains.setdefault(amendment.note.patient_id, []).append(amendment)
    for entries in chains.values():
        entries.sort(key=lambda e: (e.chain_position or 0, _when(e)))
    return chains


def _when(entry: Any) -> Any:
    return entry.signed_at if hasattr(entry, "signed_at") else entry.created_at


def _content(entry: Any) -> soap.Content:
    return note_content(entry) if hasattr(entry, "signed_at") else amendment_content(entry)


def _rehash(apps: Any, old_key: bytes | None, new_key: bytes | None, record: bool) -> None:
    AuditEvent = apps.get_model("common", "AuditEvent")
    Patient = apps.get_model("patients", "Patient")
    for patient_id, entries in sorted(_chains(apps).items()):
        chain = [
            soap.ChainEntry(str(i), str(i), _content(e), e.previous_hash, e.content_hash)
            for i, e in enumerate(entries)
        ]
        if soap.verify_chain(chain, key=old_key):
            continue  # already broken: leave it for the check to name
        previous = soap.GENESIS
        for entry in entries:
            digest = soap.content_hash(_content(entry), previous, new_key)
            type(entry).objects.filter(pk=entry.pk).update(
                previous_hash=previous, content_hash=digest
            )
            previous = digest
        if record:
            seq = entries[-1].chain_position or len(entries)
            AuditEvent.objects.create(
                clinic_id=Patient.objects.get(pk=patient_id).clinic_id,
                patient_id=patient_id,
                actor=None,
                actor_label="signed-note chain (re-keyed)",
                action="submit",
                object_type=HEAD_OBJECT,
                object_id=str(seq),
                summary=head_summary(seq, previous),
            )


def rekey(apps: Any, schema_editor: Any) -> None:
    _rehash(apps, None, chain_key(), record=True)


def unkey(apps: Any, schema_editor: Any) -> None:
    _rehash(apps, chain_key(), None, record=False)


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0002_nightly_chain_check"),
        ("common", "0003_audit_append_only"),
        ("patients", "0001_initial"),
    ]

    operations = [migrations.RunPython(rekey, unkey)]
