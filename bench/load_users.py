"""The load test's virtual therapists, run with Locust in a process of their own.

``python -m bench.load_users TARGETS HOST USERS SECONDS OUT [WAIT_MIN WAIT_MAX [cover]]``:
``USERS`` therapists log in to ``HOST`` (loopback only) and work through the demo clinic's
pages and the API for ``SECONDS`` seconds, each waiting 1 to 3 s (or ``WAIT_MIN`` to
``WAIT_MAX``) between clicks; with ``cover`` each first visits every group once, and the run
lasts until every user has (at most ``COVER_GRACE_S`` longer). Every
request's time and outcome is written to ``OUT`` as JSON
(``{group: {"ms": [...], "errors": [...]}}``). Locust patches the standard
library for gevent when imported, so this module is never imported by another benchmark:
``bench.load`` starts it as a command.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import gevent
from locust import HttpUser, between, events, task
from locust.clients import HttpSession
from locust.env import Environment

from bench.live import FLOOR, LOGIN

REFERRAL = {"regions": ["SI joint", {"region": "upper buttock", "intensity": 6}]}
TARGETS: dict[str, Any] = {}
COVER: list[bool] = [False]
ROUNDS_DONE: list[int] = []
COVER_GRACE_S = 120
"""With ``cover``, how long the run may go past ``SECONDS`` for every user to finish its round."""
ROUND = (
    "today",
    "client_list",
    "client_page",
    "assessment",
    "plan",
    "note",
    "progress",
    "dashboard",
    "api_referral",
    "api_outcomes",
    "floor",
)
"""Every task once: what ``cover`` makes each user do first."""
RESULTS: dict[str, dict[str, list[Any]]] = defaultdict(lambda: {"ms": [], "errors": []})


def _why(response: Any) -> str:
    """The status, or for no answer at all the connection's error."""
    error = getattr(response, "error", None)
    return f"{response.status_code}" if response.status_code else f"no answer ({error!r})"


def _record(
    request_type: str,
    name: str,
    response_time: float,
    response_length: int,
    exception: BaseException | None = None,
    **kwargs: Any,
) -> None:
    RESULTS[name]["ms"].append(response_time)
    if exception is not None:
        RESULTS[name]["errors"].append(f"{request_type} {name}: {exception}"[:300])


events.request.add_listener(_record)


class Therapist(HttpUser):
    """A therapist between clients: the day, the list, a client's record, the dashboard, the API."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.anonymous = HttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )
        self.client.get("/login/", name=LOGIN)
        with self.client.post(
            "/login/",
            data={
                "username": TARGETS["username"],
                "password": TARGETS["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/login/"},
            name=LOGIN,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {_why(response)}")
        if COVER[0]:
            for visit in ROUND:
                getattr(self, visit)()
            ROUNDS_DONE.append(1)

    def _page(self, group: str) -> None:
        url = random.choice(TARGETS["pages"][group])
        with self.client.get(
            url, name=group, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{url} answered {_why(response)}")

    def _api(self, group: str, method: str, url: str, body: Any = None) -> None:
        with self.anonymous.request(
            method,
            url,
            name=group,
            json=body,
            headers={"Authorization": f"Bearer {TARGETS['token']}"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{method} {url} answered {_why(response)}")

    @task(4)
    def today(self) -> None:
        self._page("Today")

    @task(3)
    def client_list(self) -> None:
        self._page("Client list")

    @task(5)
    def client_page(self) -> None:
        self._page("Client page")

    @task(3)
    def assessment(self) -> None:
        self._page("Assessment")

    @task(3)
    def plan(self) -> None:
        self._page("Plan")

    @task(3)
    def note(self) -> None:
        self._page("Note")

    @task(3)
    def progress(self) -> None:
        self._page("Progress")

    @task(1)
    def dashboard(self) -> None:
        self._page("Dashboard")

    @task(1)
    def api_referral(self) -> None:
        self._api("API referral", "POST", TARGETS["api"]["API referral"][0], REFERRAL)

    @task(1)
    def api_outcomes(self) -> None:
        self._api("API outcomes", "GET", random.choice(TARGETS["api"]["API outcomes"]))

    @task(2)
    def floor(self) -> None:
        """The framework's floor: the login page, no session, nothing read from the record."""
        with self.anonymous.get(
            "/login/", name=FLOOR, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"/login/ answered {_why(response)}")


def main(argv: list[str]) -> int:
    targets, host, users, seconds, out, *more = argv
    if more:
        Therapist.wait_time = between(float(more[0]), float(more[1]))
        COVER[0] = more[2:] == ["cover"]
    if urlparse(host).hostname != "127.0.0.1":
        print("load test: loopback hosts only (http://127.0.0.1:PORT)", file=sys.stderr)
        return 2
    TARGETS.update(json.loads(Path(targets).read_text()))
    environment = Environment(user_classes=[Therapist], events=events, host=host)
    runner = environment.create_local_runner()
    runner.start(int(users), spawn_rate=min(int(users), 10))
    gevent.sleep(float(seconds))
    deadline = time.monotonic() + COVER_GRACE_S
    while COVER[0] and len(ROUNDS_DONE) < int(users) and time.monotonic() < deadline:
        gevent.sleep(0.2)
    runner.quit()
    runner.greenlet.join()
    Path(out).write_text(json.dumps(RESULTS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
