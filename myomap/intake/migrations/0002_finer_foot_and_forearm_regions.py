"""Stored marks of a region since split (the sole, the front or back of the forearm) become
marks of all its pieces (the arch and the ball of the foot; the thumb and little-finger sides).

Each piece keeps the old mark's intensity and quality, so a map scores as it did on the
regions the old one covered. Reversing joins the pieces into one mark with the highest
intensity (and that piece's quality).
"""

from django.db import migrations

from myomap.intake.region_splits import SPLITS, merged_into


def split_marks(apps, schema_editor):  # type: ignore[no-untyped-def]
    PainMark = apps.get_model("intake", "PainMark")
    for mark in PainMark.objects.filter(region_id__in=list(SPLITS)).order_by("pk"):
        for piece in SPLITS[mark.region_id]:
            existing = PainMark.objects.filter(pain_map_id=mark.pain_map_id, region_id=piece)
            if existing.filter(intensity__gte=mark.intensity).exists():
                continue
            existing.delete()
            PainMark.objects.create(
                pain_map_id=mark.pain_map_id,
                region_id=piece,
                intensity=mark.intensity,
                quality=mark.quality,
            )
        mark.delete()


def merge_marks(apps, schema_editor):  # type: ignore[no-untyped-def]
    PainMark = apps.get_model("intake", "PainMark")
    back = merged_into()
    pieces = PainMark.objects.filter(region_id__in=list(back)).order_by(
        "pain_map_id", "-intensity", "region_id"
    )
    strongest: dict[tuple[int, str], tuple[int, str]] = {}
    for mark in pieces:
        strongest.setdefault((mark.pain_map_id, back[mark.region_id]), (mark.intensity, mark.quality))
    pieces.delete()
    for (pain_map_id, old), (intensity, quality) in strongest.items():
        PainMark.objects.update_or_create(
            pain_map_id=pain_map_id,
            region_id=old,
            defaults={"intensity": intensity, "quality": quality},
        )


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(split_marks, merge_marks)]
