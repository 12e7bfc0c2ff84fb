"""Palpation findings naming a region since split (the sole, a forearm surface) name its pieces."""

from django.db import migrations

from myomap.intake.region_splits import merge_ids, split_ids


def _rewrite(apps, change):  # type: ignore[no-untyped-def]
    Finding = apps.get_model("assessments", "PalpationFinding")
    for finding in Finding.objects.exclude(referral_regions=[]).order_by("pk"):
        regions = change(finding.referral_regions)
        if regions != finding.referral_regions:
            Finding.objects.filter(pk=finding.pk).update(referral_regions=regions)


def split_regions(apps, schema_editor):  # type: ignore[no-untyped-def]
    _rewrite(apps, split_ids)


def merge_regions(apps, schema_editor):  # type: ignore[no-untyped-def]
    _rewrite(apps, merge_ids)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial"), ("intake", "0002_finer_foot_and_forearm_regions")]

    operations = [migrations.RunPython(split_regions, merge_regions)]
