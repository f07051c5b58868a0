"""Indexes for the case list's keyset pages and its pending referrals, and statistics that
let PostgreSQL use them.

A unit belongs to one organisation, so "organisation = 1 AND unit = 3" is as selective as
"unit = 3"; without extended statistics the planner multiplies the two, expects a few hundred
rows, and sorts every case of the unit instead of walking the index newest first.
"""

from django.conf import settings
from django.db import migrations, models

STATISTICS = "case_org_unit_dependencies"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies) "
            "ON organisation_id, unit_id FROM cases_case"
        )


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_documents"),
        ("organisations", "0003_unit_max_stay_days"),
        ("people", "0002_trigram_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["organisation", "-opened_on", "-id"], name="case_org_opened_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["unit", "-opened_on", "-id"], name="case_unit_opened_idx"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("decision", "pending")),
                fields=["organisation", "-received_on", "-id"],
                name="referral_pending_idx",
            ),
        ),
        migrations.RunPython(create_statistics, drop_statistics, elidable=False),
    ]
