"""Demo assessments for the demo clinic: Maria Lopez (two visits, six weeks apart, with front
and side posture photos) and James O'Connor (one visit, sciatic-type findings).

``load_demo(clinic)`` is idempotent: a client who has an assessment already is left alone.
Every record goes through the same services as the pages; the photos are drawings made
here, never real people.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from myomap.assessments.models import Assessment
from myomap.assessments.services import (
    ExamEntry,
    assessment_start,
    element_override_set,
    exam_results_save,
    palpation_finding_add,
    palpation_ppt_save,
    palpation_tap,
    photo_add,
    photo_landmarks_save,
)
from myomap.clinics.models import Clinic, User
from myomap.common.audit import Origin
from myomap.patients.models import Patient

ORIGIN = Origin(path="(demo loader)")
SIZE = (600, 900)
SKIN, CLOTH, WALL = (222, 190, 166), (58, 78, 108), (232, 234, 236)

Points = Mapping[str, tuple[float, float]]

# Front view (the client's right on the image's left): right shoulder and right crest high.
FRONT_EARLY: Points = {
    "acromion_right": (198, 250),
    "acromion_left": (402, 262),
    "iliac_crest_right": (214, 452),
    "iliac_crest_left": (386, 462),
    "asis_right": (236, 500),
    "asis_left": (364, 508),
}
FRONT_LATER: Points = {
    "acromion_right": (198, 252),
    "acromion_left": (402, 258),
    "iliac_crest_right": (214, 455),
    "iliac_crest_left": (386, 459),
    "asis_right": (236, 502),
    "asis_left": (364, 505),
}
# Side view, facing the image's right: head forward of C7, pelvis tilted forward.
SIDE: Points = {
    "tragus": (340, 158),
    "c7": (292, 205),
    "acromion": (300, 250),
    "asis": (338, 480),
    "psis": (262, 452),
    "greater_trochanter": (302, 520),
    "lateral_knee": (300, 690),
    "lateral_malleolus": (292, 850),
}


def _front_photo() -> SimpleUploadedFile:
    image = Image.new("RGB", SIZE, WALL)
    d = ImageDraw.Draw(image)
    d.ellipse((255, 90, 345, 200), fill=SKIN)
    d.rectangle((285, 195, 315, 245), fill=SKIN)
    d.polygon([(192, 246), (408, 260), (384, 520), (216, 512)], fill=SKIN)
    d.rectangle((210, 445, 390, 565), fill=CLOTH)
    d.polygon([(170, 252), (196, 246), (186, 525), (160, 520)], fill=SKIN)
    d.polygon([(404, 260), (430, 266), (442, 530), (416, 534)], fill=SKIN)
    d.rectangle((226, 565, 290, 870), fill=SKIN)
    d.rectangle((310, 565, 374, 872), fill=SKIN)
    return _upload(image, "front.jpg")


def _side_photo() -> SimpleUploadedFile:
    image = Image.new("RGB", SIZE, WALL)
    d = ImageDraw.Draw(image)
    d.ellipse((300, 95, 380, 195), fill=SKIN)
    d.polygon([(290, 190), (330, 190), (312, 240), (280, 232)], fill=SKIN)
    d.polygon([(262, 235), (330, 240), (352, 470), (258, 462)], fill=SKIN)
    d.rectangle((254, 440, 350, 560), fill=CLOTH)
    d.polygon([(282, 250), (312, 250), (322, 500), (294, 500)], fill=(206, 172, 150))
    d.polygon([(270, 560), (336, 560), (318, 860), (282, 860)], fill=SKIN)
    d.rectangle((272, 850, 352, 872), fill=SKIN)
    return _upload(image, "side.jpg")


def _upload(image: Image.Image, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _photo(actor: User, assessment: Assessment, view: str, points: Points, scale: bool) -> None:
    upload = _front_photo() if view == "front" else _side_photo()
    photo = photo_add(actor=actor, assessment=assessment, view=view, upload=upload, origin=ORIGIN)
    photo_landmarks_save(
        actor=actor,
        photo=photo,
        landmarks={k: list(v) for k, v in points.items()},
        # A 1 m rule on the wall: 400 px in these drawings, so 2.5 mm per pixel.
        scale_points=[[40, 300], [40, 700]] if scale else None,
        scale_length_mm=1000.0 if scale else None,
        origin=ORIGIN,
    )


def _palpate(
    actor: User,
    assessment: Assessment,
    muscle: str,
    point: str,
    side: str,
    taps: tuple[str, ...],
    ppt_kg_cm2: float | None = None,
) -> None:
    finding = palpation_finding_add(
        actor=actor,
        assessment=assessment,
        muscle_id=muscle,
        trigger_point=point,
        side=side,
        origin=ORIGIN,
    )
    for tap in taps:
        palpation_tap(actor=actor, finding=finding, tap=tap, origin=ORIGIN)
    if ppt_kg_cm2 is not None:
        palpation_ppt_save(
            actor=actor, finding=finding, value=ppt_kg_cm2, unit="kg_cm2", origin=ORIGIN
        )


def _client(clinic: Clinic, first: str, last: str) -> Patient | None:
    return Patient.objects.filter(clinic=clinic, first_name=first, last_name=last).first()


def _therapist(clinic: Clinic, username: str) -> User | None:
    return User.objects.filter(clinic=clinic, username=username).first()


def _maria(clinic: Clinic, sam: User) -> None:
    maria = _client(clinic, "Maria", "Lopez")
    if maria is None or Assessment.objects.filter(patient=maria).exists():
        return
    # First visit, six weeks ago.
    first = assessment_start(actor=sam, patient=maria, origin=ORIGIN)
    Assessment.objects.filter(pk=first.pk).update(visit_date=first.visit_date - timedelta(days=42))
    first.refresh_from_db()
    _photo(sam, first, "front", FRONT_EARLY, scale=True)
    _photo(sam, first, "side", SIDE, scale=True)
    exam_results_save(
        actor=sam,
        assessment=first,
        entries=[
            ExamEntry("lumbar_flexion_rom", "", 40.0, None, True, "left low back"),
            ExamEntry("lumbar_side_bending_rom", "left", 18.0, None),
            ExamEntry("lumbar_side_bending_rom", "right", 10.0, None, True, "left low back"),
            ExamEntry("strength_gluteus_medius", "left", 4.0, None),
            ExamEntry("strength_gluteus_medius", "right", 5.0, None),
            ExamEntry("thomas_test", "left", None, True),
            ExamEntry("straight_leg_raise", "left", 80.0, False),
        ],
        origin=ORIGIN,
    )
    _palpate(
        sam, first, "quadratus_lumborum", "superficial_lower", "left",
        ("active:1", "taut_band", "nodule", "referral_reproduced", "region:sacroiliac_left",
         "tenderness:3"),
        ppt_kg_cm2=2.4,
    )  # fmt: skip
    _palpate(
        sam, first, "gluteus_medius", "tp1_posterior", "left",
        ("active:1", "taut_band", "twitch", "tenderness:2"), ppt_kg_cm2=3.1,
    )  # fmt: skip
    _palpate(sam, first, "iliopsoas", "iliacus", "left", ("active:0", "taut_band", "tenderness:1"))
    element_override_set(
        actor=sam,
        assessment=first,
        element="biomechanical_dysfunction",
        rating=2,
        reason="Side bending to the right limited and painful on the left",
        origin=ORIGIN,
    )
    # This week: less tender, pelvis more level.
    later = assessment_start(actor=sam, patient=maria, origin=ORIGIN)
    _photo(sam, later, "front", FRONT_LATER, scale=True)
    exam_results_save(
        actor=sam,
        assessment=later,
        entries=[
            ExamEntry("lumbar_flexion_rom", "", 55.0, None),
            ExamEntry("lumbar_side_bending_rom", "left", 20.0, None),
            ExamEntry("lumbar_side_bending_rom", "right", 17.0, None),
            ExamEntry("strength_gluteus_medius", "left", 5.0, None),
            ExamEntry("thomas_test", "left", None, False),
        ],
        origin=ORIGIN,
    )
    _palpate(
        sam, later, "quadratus_lumborum", "superficial_lower", "left",
        ("active:0", "taut_band", "tenderness:1"), ppt_kg_cm2=4.6,
    )  # fmt: skip


def _james(clinic: Clinic, alex: User) -> None:
    james = _client(clinic, "James", "O'Connor")
    if james is None or Assessment.objects.filter(patient=james).exists():
        return
    visit = assessment_start(actor=alex, patient=james, origin=ORIGIN)
    exam_results_save(
        actor=alex,
        assessment=visit,
        entries=[
            ExamEntry("straight_leg_raise", "right", 45.0, True),
            ExamEntry("straight_leg_raise", "left", 80.0, False),
            ExamEntry("slump_test", "right", None, True),
            ExamEntry("piriformis_length", "right", None, True),
            ExamEntry("hip_internal_rotation_rom", "right", 25.0, None, True, "deep buttock"),
            ExamEntry("hip_internal_rotation_rom", "left", 40.0, None),
        ],
        origin=ORIGIN,
    )
    _palpate(
        alex, visit, "piriformis", "lateral", "right",
        ("active:1", "taut_band", "referral_reproduced", "region:posterior_thigh_right",
         "tenderness:3"),
        ppt_kg_cm2=2.2,
    )  # fmt: skip
    _palpate(
        alex, visit, "gluteus_minimus", "posterior", "right",
        ("active:1", "taut_band", "twitch", "tenderness:2"),
    )  # fmt: skip


def load_demo(clinic: Clinic) -> bool:
    """Add the demo assessments; returns True when something was created."""
    sam, alex = _therapist(clinic, "sam"), _therapist(clinic, "alex")
    if sam is None or alex is None:
        return False
    before = Assessment.objects.filter(clinic=clinic).count()
    _maria(clinic, sam)
    _james(clinic, alex)
    return Assessment.objects.filter(clinic=clinic).count() > before
