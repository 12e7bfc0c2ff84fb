# QuestionnaireLink keeps what it opens; its token, expiry and revocation move to common.PrivateLink.

import django.db.models.deletion
from django.db import migrations, models

from myomap.common.link_migration import move_to_private


def forward(apps, schema_editor):
    move_to_private(apps, schema_editor, label="outcomes.QuestionnaireLink", purpose="questionnaire")


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0003_standing_group_index"),
        ("common", "0006_private_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="questionnairelink",
            name="private",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questionnaire_link",
                to="common.privatelink",
            ),
        ),
        migrations.RunPython(forward, elidable=False),
        migrations.RemoveField(model_name="questionnairelink", name="clinic"),
        migrations.RemoveField(model_name="questionnairelink", name="created_at"),
        migrations.RemoveField(model_name="questionnairelink", name="created_by"),
        migrations.RemoveField(model_name="questionnairelink", name="expires_at"),
        migrations.RemoveField(model_name="questionnairelink", name="last_opened_at"),
        migrations.RemoveField(model_name="questionnairelink", name="patient"),
        migrations.RemoveField(model_name="questionnairelink", name="revoked_at"),
        migrations.RemoveField(model_name="questionnairelink", name="sent_to"),
        migrations.RemoveField(model_name="questionnairelink", name="submitted_at"),
        migrations.RemoveField(model_name="questionnairelink", name="token_hash"),
        migrations.AlterField(
            model_name="questionnairelink",
            name="private",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questionnaire_link",
                to="common.privatelink",
            ),
        ),
        migrations.AlterModelOptions(
            name="questionnairelink", options={"ordering": ["-private__created_at", "-id"]}
        ),
    ]
