"""Store every username in its normal form; refuse to merge two accounts into one."""

from collections import defaultdict

from django.db import migrations

from myomap.clinics.usernames import username_normalise


def normalise_usernames(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("clinics", "User")
    LoginFailure = apps.get_model("clinics", "LoginFailure")
    by_normal: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, username in User.objects.values_list("pk", "username"):
        by_normal[username_normalise(username)].append((pk, username))
    collisions = {n: users for n, users in by_normal.items() if len(users) > 1}
    if collisions:
        lines = [
            f"  {normal!r}: " + ", ".join(f"{name!r} (id {pk})" for pk, name in users)
            for normal, users in sorted(collisions.items())
        ]
        raise RuntimeError(
            "These accounts would become one username once names are normalised (Unicode "
            "NFKC, trimmed, case-folded). Rename all but one of each group, for example in "
            "`manage.py shell`, then migrate again; nothing was changed:\n" + "\n".join(lines)
        )
    for normal, [(pk, username)] in by_normal.items():
        if normal != username:
            User.objects.filter(pk=pk).update(username=normal)
    for pk, username in LoginFailure.objects.values_list("pk", "username"):
        normal = username_normalise(username)[:150]
        if normal != username:
            LoginFailure.objects.filter(pk=pk).update(username=normal)


class Migration(migrations.Migration):
    dependencies = [("clinics", "0002_login_failure_address_index")]

    operations = [migrations.RunPython(normalise_usernames, migrations.RunPython.noop)]
