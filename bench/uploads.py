"""Concurrent uploads: large posture photos sent at once to ``myomap serve`` on SQLite.

Four camera-sized JPEGs (6000 × 4000 pixels, 24 megapixels, under the 40-megapixel limit;
made with Pillow: a gradient with noise, so decoding and re-encoding cost what a real photo
costs) are uploaded at the same moment by four logged-in therapist sessions to four of the
demo clinic's assessments. Each must answer with the redirect to its photo page.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests
from PIL import Image

from bench.live import LiveServer, Targets, load_average

TITLE = "Concurrent photo uploads"
PHOTOS = 4
SIZE = (6000, 4000)


def photo(width: int, height: int) -> bytes:
    """A camera-sized JPEG that costs real work to decode."""
    noise = Image.effect_noise((width // 8, height // 8), 40).resize((width, height))
    image = Image.merge("RGB", (noise, Image.linear_gradient("L").resize((width, height)), noise))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def login(base: str, targets: Targets) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/login/", timeout=30)
    answer = session.post(
        f"{base}/login/",
        data={
            "username": targets.username,
            "password": targets.password,
            "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
        },
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"login answered {answer.status_code}")
    return session


@dataclass
class Upload:
    status: int
    seconds: float
    location: str


def upload_at_once(
    server: LiveServer, photos: int = PHOTOS, size: tuple[int, int] = SIZE
) -> tuple[list[Upload], int, float]:
    """Upload ``photos`` photos at the same moment; the answers, the JPEG size, the wall time."""
    assert server.targets is not None
    targets = server.targets
    data = photo(*size)
    sessions = [login(server.url, targets) for _ in range(photos)]
    urls = [targets.photo_uploads[i % len(targets.photo_uploads)] for i in range(photos)]
    start = threading.Barrier(photos)

    def send(index: int) -> Upload:
        session = sessions[index]
        csrf = session.cookies.get("csrftoken", "")
        start.wait()
        began = time.perf_counter()
        answer = session.post(
            f"{server.url}{urls[index]}",
            data={"view": "front", "csrfmiddlewaretoken": csrf},
            files={"image": (f"posture-{index}.jpg", data, "image/jpeg")},
            headers={"Referer": f"{server.url}{urls[index]}"},
            allow_redirects=False,
            timeout=300,
        )
        return Upload(
            answer.status_code, time.perf_counter() - began, answer.headers.get("Location", "")
        )

    began = time.perf_counter()
    with ThreadPoolExecutor(photos) as pool:
        uploads = list(pool.map(send, range(photos)))
    return uploads, len(data), time.perf_counter() - began


def succeeded(upload: Upload) -> bool:
    return upload.status == 302 and re.search(r"/photos/\d+/$", upload.location) is not None


def run() -> str:
    with tempfile.TemporaryDirectory() as tmp, LiveServer(Path(tmp) / "var") as server:
        uploads, size, wall = upload_at_once(server)
        load = load_average()
    errors = [u for u in uploads if not succeeded(u)]
    rows = "\n".join(f"| {i + 1} | {u.status} | {u.seconds:.2f} s |" for i, u in enumerate(uploads))
    return (
        f"{PHOTOS} JPEGs of {SIZE[0]} × {SIZE[1]} pixels ({SIZE[0] * SIZE[1] / 1e6:.0f} "
        f"megapixels, {size / 1e6:.1f} MB each) posted at the same moment by {PHOTOS} therapist "
        f"sessions to `myomap serve` on SQLite (gunicorn, default workers; {os.cpu_count()} "
        f"cores shared with the client). **{len(errors)} errors**; all {PHOTOS} done in "
        f"{wall:.1f} s. Load average at the end: {load}.\n\n"
        "| Upload | Status | Time |\n|---|---|---|\n" + rows
    )
