from django.db import migrations, models


def fill(apps, schema_editor):
    """Every client gets a standing (never measured ones: due since they were registered), and
    archived clients' standings are marked inactive."""
    from myomap.outcomes.standing import standings_fill

    standings_fill(
        patient_model=apps.get_model("patients", "Patient"),
        model=apps.get_model("outcomes", "ProgressStanding"),
        using=schema_editor.connection.alias,
    )


def unfill(apps, schema_editor):
    """Back to standings only for clients with responses."""
    model = apps.get_model("outcomes", "ProgressStanding")
    model.objects.using(schema_editor.connection.alias).filter(last_taken__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("clinics", "0005_recovery_codes_hashed"),
        ("outcomes", "0003_standing_group_index"),
        ("patients", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressstanding",
            name="active",
            field=models.BooleanField(default=True),
        ),
        migrations.AlterField(
            model_name="progressstanding",
            name="last_taken",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RemoveIndex(
            model_name="progressstanding",
            name="outcomes_pr_clinic__fae4b2_idx",
        ),
        migrations.RemoveIndex(
            model_name="progressstanding",
            name="outcomes_pr_clinic__698095_idx",
        ),
        migrations.AddIndex(
            model_name="progressstanding",
            index=models.Index(
                condition=models.Q(("active", True)),
                fields=["clinic", "group", "patient"],
                name="outcomes_standing_group",
            ),
        ),
        migrations.AddIndex(
            model_name="progressstanding",
            index=models.Index(
                condition=models.Q(("active", True)),
                fields=["clinic", "due_at", "patient"],
                name="outcomes_standing_due",
            ),
        ),
        # Last: no schema change after the rows it writes (PostgreSQL refuses to alter a
        # table with foreign-key checks still pending in the transaction).
        migrations.RunPython(fill, unfill),
    ]
