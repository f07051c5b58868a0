"""A person's changes get an index of their own: the person's page lists their newest changes,
and without it PostgreSQL read every event of the person (every view of their file, thousands
over a long case) or walked the whole trail backwards by id to find thirty. Partial: the page
views that make up most of the trail are not written to it."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_redundant_indexes"),
        ("organisations", "0003_unit_max_stay_days"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("action__in", ("create", "update", "merge", "delete"))),
                fields=["person_id", "-id"],
                name="audit_person_changes_idx",
            ),
        ),
    ]
