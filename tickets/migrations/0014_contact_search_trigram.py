"""Trigram indexes for the list's customer email and phone search (SPEC L4) on PostgreSQL.

The filters match part of an address or number (`icontains`, which PostgreSQL compiles to
`UPPER(column::text) LIKE UPPER('%…%')`); without an index that is a scan of every contact, which
grows with the customer base (59 ms at 50,000 contacts). A GIN index of the same expression with
pg_trgm's operator class answers it from the index. SQLite has neither: nothing to do there.
"""

from django.db import migrations

INDEXES = {"contact_email_trgm": "email", "contact_phone_trgm": "phone"}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON tickets_contact USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0013_note_mentions_on_row"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
