"""The production web server: gunicorn, configured for Myomap, started from ``myomap serve``.

Threads in a few processes: SQLite serialises writes anyway, and threads keep memory small on a
laptop; on PostgreSQL raise the process count with ``--workers``.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from typing import Any

from gunicorn.app.base import BaseApplication

from myomap.common.access_log import ACCESS_LOG_FORMAT


def default_workers() -> int:
    """Processes for this machine: one per CPU, at least 2, at most 8."""
    return max(2, min(os.cpu_count() or 1, 8))


def warm_worker(worker: Any) -> None:
    """Before a worker serves anyone: load the URL map (which imports every page's code,
    about half a second) and draw one document, so the first page and the first printed
    report of the day take as long as the next ones. Then freeze what start-up made out of
    the cyclic garbage collector's sight (``gc.freeze``): a full collection, which lands on
    whichever request happens to allocate at that moment, then scans only what requests
    made (about 6 ms on the demo clinic instead of about 70)."""
    from django.urls import get_resolver

    from myomap.reports.pdf import warm_up

    get_resolver().reverse_dict  # noqa: B018  (reading it builds the map)
    warm_up()
    gc.collect()
    gc.freeze()


@dataclass(frozen=True)
class ServerOptions:
    host: str
    port: int
    workers: int
    threads: int = 4
    graceful_timeout_s: int = 25
    request_timeout_s: int = 120
    keepalive_s: int = 75
    access_log: str = "-"


class MyomapServer(BaseApplication):
    """gunicorn serving ``myomap.wsgi`` with Myomap's settings."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        o = self.options
        settings: dict[str, Any] = {
            "bind": f"{o.host}:{o.port}",
            "workers": o.workers,
            "worker_class": "gthread",
            "threads": o.threads,
            # On SIGTERM or Ctrl+C, workers finish the requests they have before they exit.
            "graceful_timeout": o.graceful_timeout_s,
            # A printed report can take a while; a stuck worker is replaced after this.
            "timeout": o.request_timeout_s,
            # An idle connection stays open longer than a person takes between clicks and than a
            # proxy keeps its own (nginx: 60 s), so a reused connection is never reset under it.
            "keepalive": o.keepalive_s,
            "accesslog": o.access_log,
            "access_log_format": ACCESS_LOG_FORMAT,
            "logger_class": "myomap.common.access_log.RedactingLogger",
            "proc_name": "myomap",
            # No control socket in the home folder: stop and reload through signals.
            "control_socket_disable": True,
            # Limits on request lines and headers, as a proxy would set them.
            "limit_request_line": 8190,
            "limit_request_fields": 100,
            "post_worker_init": warm_worker,
        }
        for key, value in settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from myomap.wsgi import application

        return application
