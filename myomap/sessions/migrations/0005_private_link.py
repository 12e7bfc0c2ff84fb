# CheckInLink keeps what it opens; its token, expiry and revocation move to common.PrivateLink.
# Reversible: going back copies them into the old columns again.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from myomap.common.link_migration import move_back_from_private, move_to_private


def forward(apps, schema_editor):
    move_to_private(apps, schema_editor, label="treatment_sessions.CheckInLink", purpose="check_in")


def backward(apps, schema_editor):
    move_back_from_private(apps, schema_editor, label="treatment_sessions.CheckInLink")


class Migration(migrations.Migration):
    dependencies = [
        ("treatment_sessions", "0004_step_outcomes"),
        ("common", "0006_private_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="checkinlink",
            name="private",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="checkin_link",
                to="common.privatelink",
            ),
        ),
        migrations.AlterField(
            model_name="checkinlink", name="clinic", field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="clinics.clinic")
        ),
        migrations.AlterField(
            model_name="checkinlink", name="created_at", field=models.DateTimeField(null=True)
        ),
        migrations.AlterField(
            model_name="checkinlink", name="created_by", field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)
        ),
        migrations.AlterField(
            model_name="checkinlink", name="expires_at", field=models.DateTimeField(null=True)
        ),
        migrations.AlterField(
            model_name="checkinlink", name="patient", field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="checkin_links", to="patients.patient")
        ),
        migrations.AlterField(
            model_name="checkinlink", name="token_hash", field=models.CharField(max_length=64, null=True, unique=True)
        ),
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RemoveField(model_name="checkinlink", name="clinic"),
        migrations.RemoveField(model_name="checkinlink", name="created_at"),
        migrations.RemoveField(model_name="checkinlink", name="created_by"),
        migrations.RemoveField(model_name="checkinlink", name="expires_at"),
        migrations.RemoveField(model_name="checkinlink", name="last_opened_at"),
        migrations.RemoveField(model_name="checkinlink", name="patient"),
        migrations.RemoveField(model_name="checkinlink", name="revoked_at"),
        migrations.RemoveField(model_name="checkinlink", name="submitted_at"),
        migrations.RemoveField(model_name="checkinlink", name="token_hash"),
        migrations.AlterField(
            model_name="checkinlink",
            name="private",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="checkin_link",
                to="common.privatelink",
            ),
        ),
        migrations.AlterModelOptions(
            name="checkinlink", options={"ordering": ["-private__created_at", "-id"]}
        ),
    ]
