"""A rule's task stays unique by organisation, assignee and rule key, with the key first: the
reminders job asks which of a thousand keys already have their task in one query, which the
index could not answer with the organisation leading."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_case_open_key_worker_index"),
        ("organisations", "0003_unit_max_stay_days"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="task", name="task_rule_once"),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rule_key", ""), _negated=True),
                fields=("rule_key", "organisation", "assignee"),
                name="task_rule_once_by_key",
            ),
        ),
    ]
