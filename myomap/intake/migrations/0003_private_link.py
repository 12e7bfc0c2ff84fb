# IntakeLink keeps what it opens; its token, expiry and revocation move to common.PrivateLink.
# Reversible: going back copies them into the old columns again.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from myomap.common.link_migration import move_back_from_private, move_to_private


def _intake_submitted(apps, db, row):
    intake = apps.get_model("intake", "Intake").objects.using(db).get(pk=row.intake_id)
    return intake.submitted_at if intake.status == "submitted" else None


def forward(apps, schema_editor):
    move_to_private(apps, schema_editor, label="intake.IntakeLink", purpose="intake", submitted_at=_intake_submitted)


def backward(apps, schema_editor):
    move_back_from_private(apps, schema_editor, label="intake.IntakeLink")


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_finer_foot_and_forearm_regions"),
        ("common", "0006_private_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="intakelink",
            name="private",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="intake_link",
                to="common.privatelink",
            ),
        ),
        migrations.AlterField(
            model_name="intakelink", name="clinic", field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="clinics.clinic")
        ),
        migrations.AlterField(
            model_name="intakelink", name="created_at", field=models.DateTimeField(null=True)
        ),
        migrations.AlterField(
            model_name="intakelink", name="created_by", field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)
        ),
        migrations.AlterField(
            model_name="intakelink", name="expires_at", field=models.DateTimeField(null=True)
        ),
        migrations.AlterField(
            model_name="intakelink", name="patient", field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="intake_links", to="patients.patient")
        ),
        migrations.AlterField(
            model_name="intakelink", name="token_hash", field=models.CharField(max_length=64, null=True, unique=True)
        ),
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RemoveField(model_name="intakelink", name="clinic"),
        migrations.RemoveField(model_name="intakelink", name="created_at"),
        migrations.RemoveField(model_name="intakelink", name="created_by"),
        migrations.RemoveField(model_name="intakelink", name="expires_at"),
        migrations.RemoveField(model_name="intakelink", name="last_opened_at"),
        migrations.RemoveField(model_name="intakelink", name="patient"),
        migrations.RemoveField(model_name="intakelink", name="revoked_at"),
        migrations.RemoveField(model_name="intakelink", name="sent_to"),
        migrations.RemoveField(model_name="intakelink", name="token_hash"),
        migrations.AlterField(
            model_name="intakelink",
            name="private",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="intake_link",
                to="common.privatelink",
            ),
        ),
        migrations.AlterModelOptions(
            name="intakelink", options={"ordering": ["-private__created_at", "-id"]}
        ),
    ]
