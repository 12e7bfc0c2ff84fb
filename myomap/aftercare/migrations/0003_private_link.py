# HomeProgramLink keeps what it opens; its token, expiry and revocation move to common.PrivateLink.

import django.db.models.deletion
from django.db import migrations, models

from myomap.common.link_migration import move_to_private


def forward(apps, schema_editor):
    move_to_private(apps, schema_editor, label="aftercare.HomeProgramLink", purpose="home_program")


class Migration(migrations.Migration):
    dependencies = [
        ("aftercare", "0002_home_program_ticks_per_day"),
        ("common", "0006_private_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="homeprogramlink",
            name="private",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="home_program_link",
                to="common.privatelink",
            ),
        ),
        migrations.RunPython(forward, elidable=False),
        migrations.RemoveField(model_name="homeprogramlink", name="clinic"),
        migrations.RemoveField(model_name="homeprogramlink", name="created_at"),
        migrations.RemoveField(model_name="homeprogramlink", name="created_by"),
        migrations.RemoveField(model_name="homeprogramlink", name="expires_at"),
        migrations.RemoveField(model_name="homeprogramlink", name="last_opened_at"),
        migrations.RemoveField(model_name="homeprogramlink", name="patient"),
        migrations.RemoveField(model_name="homeprogramlink", name="revoked_at"),
        migrations.RemoveField(model_name="homeprogramlink", name="token_hash"),
        migrations.AlterField(
            model_name="homeprogramlink",
            name="private",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="home_program_link",
                to="common.privatelink",
            ),
        ),
        migrations.AlterModelOptions(
            name="homeprogramlink", options={"ordering": ["-private__created_at", "-id"]}
        ),
    ]
