"""Ids of client-scoped objects, one module per app, for the access enumeration.

A page or endpoint whose URL takes an object id (``<int:photo_id>``) must be reachable
only through its client. Each app that adds such an id adds a module here with
``make(therapist, patient) -> dict[str, object]`` creating one object of each kind;
``tests/web/test_access.py`` then checks every URL of the app for outsiders.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def scoped_ids(therapist: Any, patient: Any) -> dict[str, object]:
    """The ids of one object of every client-scoped kind, all of ``patient``."""
    from tests.web.scoped.screening import screen_client

    screen_client(therapist, patient)  # hands-on objects need a screening that allows them
    ids: dict[str, object] = {}
    for module in pkgutil.iter_modules(__path__):
        made = importlib.import_module(f"{__name__}.{module.name}").make(therapist, patient)
        ids.update(made)
    return ids
