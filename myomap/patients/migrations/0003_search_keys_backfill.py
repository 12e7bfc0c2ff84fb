"""Write the search keys of every existing client (a restored older backup included)."""

from django.db import migrations

from myomap.patients.search_keys import search_keys_backfill


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    search_keys_backfill(
        apps.get_model("patients", "Patient"), apps.get_model("patients", "PatientSearchKey")
    )


class Migration(migrations.Migration):
    dependencies = [("patients", "0002_search_keys")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
