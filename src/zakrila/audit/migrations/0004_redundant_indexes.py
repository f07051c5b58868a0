"""The audit trail's actor and organisation lose their single-column indexes: the indexes
``audit_actor_time_idx`` and ``audit_org_time_idx`` lead with them, so the two were written on
every page view for nothing. The indexes are dropped by name (the same on PostgreSQL and SQLite):
changing the fields through Django would remake the whole table on SQLite, which copies every
event and drops the append-only triggers with the old table."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = (
    ("audit_auditevent_actor_id_270bb4b7", "actor_id"),
    ("audit_auditevent_organisation_id_11de86af", "organisation_id"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_keyed_sealed_chain"),
        ("organisations", "0003_unit_max_stay_days"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name=name,
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=to,
                        verbose_name=label,
                    ),
                )
                for name, to, label in (
                    ("actor", settings.AUTH_USER_MODEL, "who"),
                    ("organisation", "organisations.organisation", "organisation"),
                )
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "audit_auditevent" ("{column}")',
                )
                for name, column in INDEXES
            ],
        )
    ]
