"""``myomap serve`` and ``myomap demo``: run the clinic application."""

from __future__ import annotations

import argparse
import os
from typing import Any


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    import django

    django.setup()


def _prepare(load_demo: bool) -> None:
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    if load_demo:
        _demo()


def _demo() -> None:
    from myomap.demo import DEMO_PASSWORD, demo_load, demo_logins

    created = demo_load()
    print("Demo clinic loaded." if created else "Demo clinic already present (left unchanged).")
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in demo_logins():
        print(f"  {login.username:<10} {login.role:<28} {login.name}")


def serve(args: argparse.Namespace) -> int:
    _django()
    _prepare(args.demo)
    from django.core.management import call_command

    print(f"Myomap is running at http://{args.host}:{args.port}/  (Ctrl+C stops it)")
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, skip_checks=True)
    return 0


def demo(args: argparse.Namespace) -> int:
    _django()
    _prepare(load_demo=True)
    return 0


def register(subparsers: Any) -> None:
    """Add ``serve`` and ``demo``."""
    p = subparsers.add_parser("serve", help="migrate and serve Myomap on this machine")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--demo", action="store_true", help="load the demo clinic on first start")
    p.set_defaults(handler=serve)
    d = subparsers.add_parser(
        "demo", help="create the database and load the demo clinic (idempotent)"
    )
    d.set_defaults(handler=demo)
