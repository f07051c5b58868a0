"""PostgreSQL indexes for searching the name words: trigrams (typos, informal spellings) and
word beginnings ("Йорд" for Йорданка). The trigram index on each person's whole search key is
no longer used: search goes through the words (see people/search.py).

The embedded SQLite matches the words in Python (people/search.py), so it needs neither."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS name_word_trgm ON people_nameword "
        "USING gin (word gin_trgm_ops)",
        params=None,
    )
    # LIKE 'prefix%' whatever the database's collation.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS name_word_prefix ON people_nameword (word varchar_pattern_ops)",
        params=None,
    )
    schema_editor.execute("DROP INDEX IF EXISTS person_search_key_trgm", params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS name_word_trgm", params=None)
    schema_editor.execute("DROP INDEX IF EXISTS name_word_prefix", params=None)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_key_trgm ON people_person "
        "USING gin (search_key gin_trgm_ops)",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_name_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
