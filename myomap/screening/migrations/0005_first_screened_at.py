from django.db import migrations


def fill(apps, schema_editor):
    """Mark each client who has a screening with the time of their first one (decision 0026)."""
    from myomap.screening.first_screened import first_screened_fill

    first_screened_fill(
        patient_model=apps.get_model("patients", "Patient"),
        screening_model=apps.get_model("screening", "Screening"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    """The client's column is the patients app's; filling it from the screenings is this app's,
    so the patients migrations never depend on the screening app's."""

    dependencies = [
        ("patients", "0004_first_screened_at"),
        ("screening", "0004_screening_decision_index"),
    ]

    # Going back leaves the marks: they stay true, and patients 0002 going back drops them.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
