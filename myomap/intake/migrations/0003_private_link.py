# IntakeLink keeps what it opens; its token, expiry and revocation move to common.PrivateLink.

import django.db.models.deletion
from django.db import migrations, models

from myomap.common.link_migration import move_to_private


def _intake_submitted(apps, db, row):
    intake = apps.get_model("intake", "Intake").objects.using(db).get(pk=row.intake_id)
    return intake.submitted_at if intake.status == "submitted" else None


def forward(apps, schema_editor):
    move_to_private(apps, schema_editor, label="intake.IntakeLink", purpose="intake", submitted_at=_intake_submitted)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_finer_foot_and_forearm_regions"),
        ("common", "0006_private_links"),
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
        migrations.RunPython(forward, elidable=False),
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
