"""The web server's access log, without the secrets a URL can carry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit, urlunsplit

from gunicorn.glogging import Logger

from myomap.common.redact import redact_private_link

if TYPE_CHECKING:
    from gunicorn.glogging import _AtomsDict

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
"""Address, request line, status, bytes, duration, referring page, browser."""


def _redact_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.path:
        return url
    path = redact_private_link(parts.path)
    return urlunsplit(parts._replace(path=path)) if path != parts.path else url


class RedactingLogger(Logger):
    """gunicorn's logger, with private-link tokens replaced by ``<link>`` in the request line,
    the path and the referring page."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> _AtomsDict:
        fields = super().atoms(resp, req, environ, request_time)
        # Request headers arrive as "{name}i" keys, which the stub's TypedDict leaves out.
        atoms = cast("dict[str, Any]", fields)
        method, _, rest = str(atoms.get("r", "")).partition(" ")
        uri, _, protocol = rest.rpartition(" ")
        if uri:
            atoms["r"] = f"{method} {redact_private_link(uri)} {protocol}"
        if atoms.get("U"):
            atoms["U"] = redact_private_link(str(atoms["U"]))
        for key in ("f", "{referer}i"):
            if atoms.get(key) and atoms[key] != "-":
                atoms[key] = _redact_url(str(atoms[key]))
        return fields
