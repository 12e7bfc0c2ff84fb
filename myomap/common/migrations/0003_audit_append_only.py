"""Audit rows become append-only: database triggers refuse UPDATE and DELETE."""

from django.db import migrations

from myomap.common.audit_guard import audit_guard_install, audit_guard_remove


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    audit_guard_install(schema_editor.connection)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    audit_guard_remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("common", "0002_audit_verify_action")]

    operations = [migrations.RunPython(install, remove)]
