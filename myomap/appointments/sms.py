"""Text messages through a pluggable backend: ``settings.SMS_BACKEND`` names a class.

A backend is any class with ``send(*, to, body)``; it raises to report a failure. The default
writes each message to a file in ``var/sms/`` (like the email outbox), so nothing outside the
machine is needed to run; a deployment names its own class to reach a gateway.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


class FileSmsBackend:
    """One file per message in ``settings.SMS_FILE_PATH``, readable by the owner only."""

    def send(self, *, to: str, body: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"{stamp}-{id(body)}.txt"
        with path.open("x", encoding="utf-8") as file:
            file.write(f"To: {to}\n\n{body}\n")
        path.chmod(0o600)


class ConsoleSmsBackend:
    """Print each message to standard output (for a developer's terminal)."""

    def send(self, *, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}:\n{body}\n\n")


def sms_backend() -> SmsBackend:
    """An instance of the configured backend."""
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend
