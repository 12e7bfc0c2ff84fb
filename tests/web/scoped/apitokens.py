"""An API token of the therapist's: another user (an outsider included) cannot revoke it."""

from __future__ import annotations

from typing import Any

from myomap.apitokens.services import token_create


def make(therapist: Any, patient: Any) -> dict[str, object]:
    row, _ = token_create(actor=therapist, name="scoped", scope="read", days=30)
    return {"token_id": row.pk}
