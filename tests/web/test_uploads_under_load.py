"""Large posture photos: several at once never lock the database; a pixel bomb is refused
before it is decoded."""

from __future__ import annotations

import io
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from myomap.assessments.models import PosturePhoto
from myomap.assessments.services import assessment_start
from myomap.common.models import AuditEvent
from myomap.patients.models import Patient


def _photo(width: int, height: int, fmt: str = "JPEG") -> bytes:
    """A camera-sized photo: a gradient with noise, so decoding and re-encoding take time."""
    noise = Image.effect_noise((width // 8, height // 8), 40).resize((width, height))
    image = Image.merge("RGB", (noise, Image.linear_gradient("L").resize((width, height)), noise))
    out = io.BytesIO()
    image.save(out, format=fmt, quality=92)
    return out.getvalue()


def _post_photo(client: Client, assessment, name: str, data: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("assessments:photo_upload", args=[assessment.patient_id, assessment.pk])
    return client.post(
        url, {"view": "front", "image": SimpleUploadedFile(name, data, content_type="image/jpeg")}
    )


@pytest.mark.django_db
def test_a_pixel_bomb_is_refused_naming_the_field(therapist_client, therapist, patient):  # type: ignore[no-untyped-def]
    assessment = assessment_start(actor=therapist, patient=patient)
    bomb = io.BytesIO()
    Image.new("1", (7000, 7000)).save(bomb, format="PNG")  # 49 megapixels in a few kilobytes
    assert len(bomb.getvalue()) < 200_000
    started = time.monotonic()
    response = _post_photo(therapist_client, assessment, "bomb.png", bomb.getvalue())
    assert time.monotonic() - started < 2  # refused from the header, never decoded
    assert response.status_code == 400
    form = response.context["photo_form"]
    assert "image" in form.errors
    assert "7000 × 7000 pixels (49.0 megapixels); the limit is 40 megapixels" in str(
        form.errors["image"]
    )
    assert not PosturePhoto.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_four_large_photos_at_once_and_other_writes_all_succeed(therapist, patient):  # type: ignore[no-untyped-def]
    assessment = assessment_start(actor=therapist, patient=patient)
    photo = _photo(6000, 4000)  # 24 megapixels, as a phone takes them
    assert len(photo) > 1_000_000
    statuses: list[int] = []
    errors: list[BaseException] = []

    def upload(n: int) -> None:
        try:
            client = Client()
            client.force_login(therapist)
            statuses.append(_post_photo(client, assessment, f"p{n}.jpg", photo).status_code)
        except BaseException as error:  # a 500 raises in the test client
            errors.append(error)
        finally:
            connection.close()

    def add_clients() -> None:
        try:
            client = Client()
            client.force_login(therapist)
            for n in range(6):
                response = client.post(
                    reverse("patients:new"),
                    {
                        "first_name": f"Load{n}",
                        "last_name": "Tester",
                        "date_of_birth": "1980-01-01",
                        "sex": "female",
                    },
                )
                statuses.append(response.status_code)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(4)]
    threads.append(threading.Thread(target=add_clients))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(statuses) == [302] * 10
    assert PosturePhoto.objects.filter(assessment=assessment).count() == 4
    assert Patient.objects.filter(last_name="Tester").count() == 6
    assert AuditEvent.objects.filter(object_type="PosturePhoto", action="create").count() == 4
    stored = PosturePhoto.objects.filter(assessment=assessment).first()
    assert stored is not None and (stored.width, stored.height) == (4000, 2667)
