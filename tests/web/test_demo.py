"""The demo clinic: complete, varied, loaded once, and loadable from the command line."""

from __future__ import annotations

import pytest
from django.db.models import Count

from myomap.cli import main
from myomap.clinics.models import Clinic, Role, User
from myomap.common.models import AuditEvent
from myomap.demo import DEMO_PASSWORD, DEMO_SLUG, demo_load
from myomap.intake.models import Intake, IntakeLink, IntakeStatus, PainMap, PainMark
from myomap.patients.models import Patient
from myomap_core import atlas

MODELS = (Clinic, User, Patient, Intake, IntakeLink, PainMap, PainMark, AuditEvent)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_fills_a_whole_clinic(db):  # type: ignore[no-untyped-def]
    assert demo_load() is True
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    staff = User.objects.filter(clinic=clinic)
    assert sorted(staff.values_list("role", flat=True)) == sorted(
        [Role.OWNER, Role.THERAPIST, Role.THERAPIST, Role.FRONT_DESK]
    )
    assert all(user.check_password(DEMO_PASSWORD) for user in staff)
    patients = Patient.objects.filter(clinic=clinic)
    assert patients.count() == 12
    assert len({(p.first_name, p.last_name) for p in patients}) == 12


def test_running_the_demo_twice_changes_nothing(db):  # type: ignore[no-untyped-def]
    demo_load()
    before = counts()
    assert demo_load() is False
    assert counts() == before


def test_demo_data_shows_what_the_pages_can_do(db):  # type: ignore[no-untyped-def]
    demo_load()
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    with_two_maps = Patient.objects.filter(clinic=clinic).annotate(maps=Count("pain_maps"))
    assert with_two_maps.filter(maps__gte=2).exists()

    open_links = [
        link for link in IntakeLink.objects.filter(private__clinic=clinic) if link.is_usable
    ]
    assert len(open_links) >= 1
    in_progress = open_links[0].intake
    assert in_progress.status == IntakeStatus.DRAFT
    assert in_progress.answers  # partly filled, so the link resumes somewhere
    assert Intake.objects.filter(clinic=clinic, status=IntakeStatus.SUBMITTED).count() >= 10

    region_ids = set(PainMark.objects.values_list("region_id", flat=True))
    assert region_ids
    known = {region.id for region in atlas.regions()}
    assert region_ids <= known, region_ids - known
    assert all(m.marks.exists() for m in PainMap.objects.filter(clinic=clinic))


@pytest.mark.django_db(transaction=True)
def test_the_demo_command_loads_the_clinic(settings, tmp_path, capsys):  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Demo clinic loaded." in out
    assert "sam" in out and DEMO_PASSWORD in out
    assert Patient.objects.filter(clinic__slug=DEMO_SLUG).count() == 12
    assert main(["demo"]) == 0
    assert "already present (left unchanged)" in capsys.readouterr().out
    assert Patient.objects.filter(clinic__slug=DEMO_SLUG).count() == 12
