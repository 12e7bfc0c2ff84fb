"""Posture photos: only real images up to 15 MB are stored, always without their metadata."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from myomap.assessments.models import PosturePhoto
from myomap.assessments.services import assessment_start

pytestmark = pytest.mark.django_db


def _exif_image(fmt: str) -> bytes:
    image = Image.new("RGB", (320, 480), (180, 170, 160))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0110] = "Model X"  # camera model
    exif[0x0132] = "2026:01:14 09:30:00"  # date and time
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, exif=exif.tobytes())
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get(0x010F) == "PhoneMaker"
    return data


@pytest.fixture
def assessment(therapist, patient):  # type: ignore[no-untyped-def]
    return assessment_start(actor=therapist, patient=patient)


def _upload(client, assessment, name, data, content_type="image/jpeg", view="front"):  # type: ignore[no-untyped-def]
    url = reverse("assessments:photo_upload", args=[assessment.patient_id, assessment.pk])
    return client.post(
        url, {"view": view, "image": SimpleUploadedFile(name, data, content_type=content_type)}
    )


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "front.jpg"), ("PNG", "front.png")])
def test_an_uploaded_photo_is_stored_without_its_exif(therapist_client, assessment, fmt, name):  # type: ignore[no-untyped-def]
    response = _upload(therapist_client, assessment, name, _exif_image(fmt))
    photo = PosturePhoto.objects.get(assessment=assessment)
    assert response.status_code == 302
    assert response.url == reverse(
        "assessments:photo", args=[assessment.patient_id, assessment.pk, photo.pk]
    )
    with default_storage.open(photo.image.name, "rb") as stored:
        data = stored.read()
    reopened = Image.open(io.BytesIO(data))
    assert reopened.size == (320, 480) == (photo.width, photo.height)
    assert dict(reopened.getexif()) == {}
    assert b"PhoneMaker" not in data and b"Model X" not in data
    # The file name says nothing about the client or the original file.
    assert "front" not in photo.image.name and "Lopez" not in photo.image.name


def test_the_photo_is_served_only_through_the_checked_view(
    therapist_client, client, front_desk, assessment
):  # type: ignore[no-untyped-def]
    _upload(therapist_client, assessment, "side.png", _exif_image("PNG"), "image/png", "side")
    photo = PosturePhoto.objects.get(assessment=assessment)
    url = reverse("assessments:photo_image", args=[assessment.patient_id, assessment.pk, photo.pk])
    response = therapist_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (320, 480)
    client.force_login(front_desk)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"Client stands with the right hip high.\n" * 20, "not an image"),
        ("front.jpg", None, "damaged or incomplete"),
    ],
)
def test_refused_files_leave_nothing_behind(therapist_client, assessment, name, data, message):  # type: ignore[no-untyped-def]
    if data is None:  # a photo cut off half-way through copying
        full = _exif_image("JPEG")
        data = full[: len(full) // 2]
    response = _upload(therapist_client, assessment, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PosturePhoto.objects.exists()
    assert not default_storage.exists("posture")


def test_a_file_over_15_mb_is_refused(therapist_client, assessment):  # type: ignore[no-untyped-def]
    data = b"\xff\xd8\xff\xe0" + b"\0" * (15 * 1024 * 1024 + 10)
    response = _upload(therapist_client, assessment, "huge.jpg", data)
    assert response.status_code == 400
    assert "the limit is 15 MB" in response.content.decode()
    assert not PosturePhoto.objects.exists()


def test_a_gif_is_refused_by_name(therapist_client, assessment):  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40)).save(buffer, format="GIF")
    response = _upload(therapist_client, assessment, "a.gif", buffer.getvalue(), "image/gif")
    assert response.status_code == 400
    assert "GIF files are not accepted" in response.content.decode()


def test_a_heic_photo_is_stored_as_jpeg(therapist_client, assessment):  # type: ignore[no-untyped-def]
    pillow_heif = pytest.importorskip("pillow_heif")
    buffer = io.BytesIO()
    heif = pillow_heif.from_pillow(Image.new("RGB", (64, 96), (120, 110, 100)))
    heif.save(buffer, quality=80)
    response = _upload(
        therapist_client, assessment, "IMG_0001.HEIC", buffer.getvalue(), "image/heic"
    )
    assert response.status_code == 302
    photo = PosturePhoto.objects.get(assessment=assessment)
    assert photo.image.name.endswith(".jpg")
    assert (photo.width, photo.height) == (64, 96)


def test_a_cut_off_photo_is_refused_after_a_pdf_was_printed(therapist_client, assessment):  # type: ignore[no-untyped-def]
    import weasyprint  # noqa: F401  (its import makes Pillow accept truncated images)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    full = _exif_image("JPEG")
    response = _upload(therapist_client, assessment, "front.jpg", full[: len(full) // 2])
    assert response.status_code == 400
    assert "damaged or incomplete" in response.content.decode()
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # the PDFs keep their setting
