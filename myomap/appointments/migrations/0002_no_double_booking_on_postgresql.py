"""On PostgreSQL, the database itself refuses two holding appointments of one therapist, or
one room, at overlapping times. The constraint uses only range types (built into
PostgreSQL's GiST), so it needs no extension and no superuser. SQLite relies on the
service's check inside an immediate transaction."""

from django.db import migrations

HOLDING = "('booked', 'confirmed', 'arrived', 'in_treatment', 'completed')"

CREATE = [
    f"""
    ALTER TABLE appointments_appointment
    ADD CONSTRAINT appointment_therapist_not_double_booked
    EXCLUDE USING gist (
        int8range(therapist_id, therapist_id, '[]') WITH &&,
        tstzrange(starts_at, ends_at, '[)') WITH &&
    ) WHERE (status IN {HOLDING})
    """,
    f"""
    ALTER TABLE appointments_appointment
    ADD CONSTRAINT appointment_room_not_double_booked
    EXCLUDE USING gist (
        int8range(room_id, room_id, '[]') WITH &&,
        tstzrange(starts_at, ends_at, '[)') WITH &&
    ) WHERE (room_id IS NOT NULL AND status IN {HOLDING})
    """,
]
DROP = [
    "ALTER TABLE appointments_appointment "
    "DROP CONSTRAINT IF EXISTS appointment_therapist_not_double_booked",
    "ALTER TABLE appointments_appointment "
    "DROP CONSTRAINT IF EXISTS appointment_room_not_double_booked",
]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_schedule")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
