"""Stored marks of the whole sole become its arch and ball of the foot, and back again."""

from __future__ import annotations

import pytest

from myomap_core.referral import PainInput, infer_sources
from tests.migrating import latest, migrate_to

BEFORE = [("intake", "0001_initial"), ("assessments", "0001_initial")]
AFTER = [
    ("intake", "0002_finer_foot_and_forearm_regions"),
    ("assessments", "0002_finer_foot_and_forearm_regions"),
]


def _old_map(apps, patient, marks):  # type: ignore[no-untyped-def]
    PainMap = apps.get_model("intake", "PainMap")
    PainMark = apps.get_model("intake", "PainMark")
    pain_map = PainMap.objects.create(
        clinic_id=patient.clinic_id, patient_id=patient.pk, source="therapist"
    )
    for region_id, intensity, quality in marks:
        PainMark.objects.create(
            pain_map=pain_map, region_id=region_id, intensity=intensity, quality=quality
        )
    return pain_map.pk


def _marks(apps, pain_map_id):  # type: ignore[no-untyped-def]
    PainMark = apps.get_model("intake", "PainMark")
    rows = PainMark.objects.filter(pain_map_id=pain_map_id).order_by("region_id")
    return [(m.region_id, m.intensity, m.quality) for m in rows]


@pytest.mark.django_db(transaction=True)
def test_an_old_sole_mark_becomes_the_arch_and_the_ball_and_comes_back(patient):  # type: ignore[no-untyped-def]
    apps = migrate_to(BEFORE)
    heel_map = _old_map(
        apps,
        patient,
        [("heel_right", 7, "stabbing"), ("sole_right", 5, "aching"), ("calf_right", 3, "aching")],
    )
    try:
        apps = migrate_to(AFTER)
        assert _marks(apps, heel_map) == [
            ("arch_right", 5, "aching"),
            ("ball_of_foot_right", 5, "aching"),
            ("calf_right", 3, "aching"),
            ("heel_right", 7, "stabbing"),
        ]
        # ranked as before the split: soleus first, the same four muscles on top
        marks = _marks(apps, heel_map)
        result = infer_sources([PainInput(r, i) for r, i, _ in marks], top=4)
        top = [c.muscle_id for c in result.candidates]
        assert top[0] == "soleus"
        assert set(top) == {"soleus", "gastrocnemius", "abductor_hallucis", "quadratus_plantae"}
        apps = migrate_to(BEFORE)
        assert _marks(apps, heel_map) == [
            ("calf_right", 3, "aching"),
            ("heel_right", 7, "stabbing"),
            ("sole_right", 5, "aching"),
        ]
    finally:
        migrate_to(latest())


@pytest.mark.django_db(transaction=True)
def test_reversing_keeps_the_strongest_piece(patient):  # type: ignore[no-untyped-def]
    apps = migrate_to(latest())
    new_map = _old_map(
        apps, patient, [("arch_left", 3, "aching"), ("ball_of_foot_left", 8, "burning")]
    )
    try:
        apps = migrate_to(BEFORE)
        assert _marks(apps, new_map) == [("sole_left", 8, "burning")]
    finally:
        migrate_to(latest())


@pytest.mark.django_db(transaction=True)
def test_palpation_referral_regions_name_the_pieces(patient, therapist):  # type: ignore[no-untyped-def]
    apps = migrate_to(BEFORE)
    Assessment = apps.get_model("assessments", "Assessment")
    Finding = apps.get_model("assessments", "PalpationFinding")
    visit = Assessment.objects.create(
        clinic_id=patient.clinic_id, patient_id=patient.pk, created_by_id=therapist.pk
    )
    finding = Finding.objects.create(
        assessment=visit,
        muscle_id="soleus",
        referral_regions=["heel_left", "sole_left"],
        recorded_by_id=therapist.pk,
    )
    try:
        apps = migrate_to(AFTER)
        moved = apps.get_model("assessments", "PalpationFinding").objects.get(pk=finding.pk)
        assert moved.referral_regions == ["heel_left", "arch_left", "ball_of_foot_left"]
        apps = migrate_to(BEFORE)
        back = apps.get_model("assessments", "PalpationFinding").objects.get(pk=finding.pk)
        assert back.referral_regions == ["heel_left", "sole_left"]
    finally:
        migrate_to(latest())


@pytest.mark.django_db(transaction=True)
def test_an_old_forearm_mark_becomes_both_its_sides(patient):  # type: ignore[no-untyped-def]
    apps = migrate_to(BEFORE)
    elbow_map = _old_map(
        apps,
        patient,
        [("lateral_elbow_right", 6, "aching"), ("posterior_forearm_right", 5, "burning")],
    )
    try:
        apps = migrate_to(AFTER)
        marks = _marks(apps, elbow_map)
        assert marks == [
            ("lateral_elbow_right", 6, "aching"),
            ("posterior_forearm_radial_right", 5, "burning"),
            ("posterior_forearm_ulnar_right", 5, "burning"),
        ]
        # ranked as before the split: triceps first, anconeus still in the top three
        result = infer_sources([PainInput(r, i) for r, i, _ in marks], top=3)
        top = [c.muscle_id for c in result.candidates]
        assert top[0] == "triceps_brachii" and "anconeus" in top
    finally:
        migrate_to(latest())
