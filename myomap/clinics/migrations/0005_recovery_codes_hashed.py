"""Recovery codes are kept as their keyed hash: existing codes are hashed in place (they keep
working; the codes themselves are no longer in the database). Not reversible: the codes
cannot be recovered from their hashes, so going back leaves them hashed."""

from django.db import migrations

from myomap.clinics.two_factor import RECOVERY_DIGEST_LENGTH, recovery_digest


def hash_codes(apps, schema_editor):  # type: ignore[no-untyped-def]
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all():
        if len(token.token) != RECOVERY_DIGEST_LENGTH:
            token.token = recovery_digest(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0004_clinic_require_two_factor"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop)]
