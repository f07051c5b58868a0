"""Fill the name-word search index for the people already registered (and refresh their search
keys, whose folding learnt "dj" for "дж")."""

from django.db import migrations


def fill(apps, schema_editor):
    from zakrila.people.name_index import rebuild_name_index

    models = (
        apps.get_model("people", "Person"),
        apps.get_model("people", "PersonAlias"),
        apps.get_model("people", "NameWord"),
        apps.get_model("people", "PersonNameWord"),
        apps.get_model("people", "NameWordsVersion"),
    )
    rebuild_name_index(model_classes=models)


def empty(apps, schema_editor):
    apps.get_model("people", "PersonNameWord").objects.all().delete()
    apps.get_model("people", "NameWord").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0004_name_word_search_indexes")]

    operations = [migrations.RunPython(fill, empty, elidable=False)]
