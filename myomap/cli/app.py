"""``myomap serve``, ``myomap worker`` and ``myomap demo``: run the clinic application."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myomap.settings")
    import django

    django.setup()


def _prepare(load_demo: bool) -> None:
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    _owner_only(settings.VAR_DIR)
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    if load_demo:
        _demo()


def _owner_only(var_dir: Path) -> None:
    """Health data in ``var/`` (the database, photos, the outbox) readable by the owner only:
    folders 0700, files 0600. Static files stay as they are: they are public anyway."""
    static = var_dir / "static"
    for path in [var_dir, *var_dir.rglob("*")]:
        if path == static or static in path.parents:
            continue
        path.chmod(0o700 if path.is_dir() else 0o600)


def _demo() -> None:
    from myomap.demo import DEMO_PASSWORD, demo_load, demo_logins

    created = demo_load()
    print("Demo clinic loaded." if created else "Demo clinic already present (left unchanged).")
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in demo_logins():
        print(f"  {login.username:<10} {login.role:<28} {login.name}")


def _start_worker() -> subprocess.Popen[bytes]:
    """``myomap worker`` in its own process, beside the web server."""
    return subprocess.Popen([sys.executable, "-m", "myomap.cli", "worker"])


def _stop(process: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    """Ask ``process`` to finish what it is doing and exit; kill it only after ``timeout_s``."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve(args: argparse.Namespace) -> int:
    """Migrate, collect the static files, then serve with gunicorn and the task worker."""
    _django()
    _prepare(args.demo)
    from django.db import connections

    from myomap.server import MyomapServer, ServerOptions, default_workers

    # The web server forks its processes: none may inherit this one's database connection.
    connections.close_all()
    workers = args.workers or int(os.environ.get("MYOMAP_WEB_WORKERS", "0")) or default_workers()
    threads = args.threads or int(os.environ.get("MYOMAP_WEB_THREADS", "4"))
    worker = None if args.no_worker else _start_worker()
    print(
        f"Myomap is running at http://{args.host}:{args.port}/  "
        f"({workers} processes × {threads} threads"
        f"{', task worker beside it' if worker else ''}; Ctrl+C stops it)",
        flush=True,
    )
    try:
        MyomapServer(
            ServerOptions(host=args.host, port=args.port, workers=workers, threads=threads)
        ).run()
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    finally:
        if worker is not None:
            _stop(worker)
    return 0


def worker(args: argparse.Namespace) -> int:
    """Run background tasks from the database queue; book the nightly tasks first."""
    _django()
    from django.core.management import call_command

    from myomap.appointments.tasks import send_due_reminders
    from myomap.common.schedule import schedule_every, schedule_nightly
    from myomap.interop.tasks import backup_nightly_task
    from myomap.notes.tasks import verify_note_chains

    # Recurring tasks are booked to run at once; each books its next run when it ends.
    for task in (send_due_reminders,):
        schedule_every(task, 0)
    for task in (verify_note_chains, backup_nightly_task):
        if args.nightly_now:
            task.enqueue()
        else:
            schedule_nightly(task)
    options: dict[str, Any] = {"interval": args.interval, "verbosity": 1}
    if args.once:
        options["batch"] = True
    call_command("db_worker", **options)
    return 0


def demo(args: argparse.Namespace) -> int:
    _django()
    _prepare(load_demo=True)
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"expected 1 to 64, got {value}")
    return value


def register(subparsers: Any) -> None:
    """Add ``serve``, ``worker`` and ``demo``."""
    p = subparsers.add_parser(
        "serve", help="migrate and serve Myomap (gunicorn and the task worker) on this machine"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--demo", action="store_true", help="load the demo clinic on first start")
    p.add_argument(
        "--workers", type=_positive, help="web server processes (default: one per CPU, 2 to 8)"
    )
    p.add_argument("--threads", type=_positive, help="threads per process (default 4)")
    p.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the task worker (run `myomap worker` elsewhere)",
    )
    p.set_defaults(handler=serve)
    w = subparsers.add_parser(
        "worker", help="run background tasks (reminders, the nightly note check and backup)"
    )
    w.add_argument("--once", action="store_true", help="run the tasks that are due, then exit")
    w.add_argument(
        "--nightly-now",
        action="store_true",
        help="queue the nightly tasks to run now (with --once: run them and exit)",
    )
    w.add_argument("--interval", type=float, default=5.0, help="seconds between looks at the queue")
    w.set_defaults(handler=worker)
    d = subparsers.add_parser(
        "demo", help="create the database and load the demo clinic (idempotent)"
    )
    d.set_defaults(handler=demo)
