"""Trigram search of names on PostgreSQL: the pg_trgm extension and a GIN index on the folded
search key. The embedded SQLite has neither and searches with a simpler path."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_key_trgm ON people_person "
        "USING gin (search_key gin_trgm_ops)",
        params=None,
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_search_key_trgm", params=None)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
