# AppointmentLink keeps what it opens; its token, expiry and revocation move to common.PrivateLink.
# Reversible: going back copies them into the old columns again.

import django.db.models.deletion
from django.db import migrations, models

from myomap.common.link_migration import move_back_from_private, move_to_private


def forward(apps, schema_editor):
    move_to_private(apps, schema_editor, label="appointments.AppointmentLink", purpose="appointment")


def backward(apps, schema_editor):
    move_back_from_private(apps, schema_editor, label="appointments.AppointmentLink")


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0008_booking_requests"),
        ("common", "0006_private_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointmentlink",
            name="private",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appointment_link",
                to="common.privatelink",
            ),
        ),
        migrations.AlterField(
            model_name="appointmentlink", name="clinic", field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="clinics.clinic")
        ),
        migrations.AlterField(
            model_name="appointmentlink", name="created_at", field=models.DateTimeField(null=True)
        ),
        migrations.AlterField(
            model_name="appointmentlink", name="patient", field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="patients.patient")
        ),
        migrations.AlterField(
            model_name="appointmentlink", name="token_hash", field=models.CharField(max_length=64, null=True, unique=True)
        ),
        migrations.RunPython(forward, backward, elidable=False),
        migrations.RemoveField(model_name="appointmentlink", name="clinic"),
        migrations.RemoveField(model_name="appointmentlink", name="created_at"),
        migrations.RemoveField(model_name="appointmentlink", name="last_opened_at"),
        migrations.RemoveField(model_name="appointmentlink", name="patient"),
        migrations.RemoveField(model_name="appointmentlink", name="revoked_at"),
        migrations.RemoveField(model_name="appointmentlink", name="token_hash"),
        migrations.AlterField(
            model_name="appointmentlink",
            name="private",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appointment_link",
                to="common.privatelink",
            ),
        ),
        migrations.AlterModelOptions(
            name="appointmentlink", options={"ordering": ["-private__created_at", "-id"]}
        ),
    ]
