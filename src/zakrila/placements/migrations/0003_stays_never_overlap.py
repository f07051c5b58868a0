"""On PostgreSQL, the database refuses two overlapping stays of one child or in one bed
(exclusion constraints over ``tstzrange(admitted_at, discharged_at)``; ``btree_gist`` lets the
child's and the bed's ids take part in the GiST index). On SQLite every operation here does
nothing, and the service's check keeps the rule."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

import zakrila.placements.constraints

OVERLAPS = """
SELECT a.id, b.id, '{kind}' FROM placements_placement a JOIN placements_placement b
  ON a.{column} = b.{column} AND a.id < b.id
 AND tstzrange(a.admitted_at, a.discharged_at) && tstzrange(b.admitted_at, b.discharged_at)
"""


def refuse_existing_overlaps(apps, schema_editor):
    """Stays that overlap already (written before this rule) would make the constraint fail
    with a bare error: name them, so that someone corrects the dates, then migrate again."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            OVERLAPS.format(column="person_id", kind="child")
            + " UNION ALL "
            + OVERLAPS.format(column="bed_id", kind="bed")
        )
        pairs = cursor.fetchall()
    if pairs:
        listed = ", ".join(f"{kind}: placements {a} and {b}" for a, b, kind in pairs[:50])
        raise RuntimeError(
            f"{len(pairs)} pairs of overlapping stays must be corrected before this migration "
            f"(a child in two beds, or two children in one bed at once): {listed}."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0002_extra_beds"),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(refuse_existing_overlaps, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="placement",
            constraint=zakrila.placements.constraints.PostgresExclusionConstraint(
                expressions=[
                    ("person", "="),
                    (
                        zakrila.placements.constraints.StayRange("admitted_at", "discharged_at"),
                        "&&",
                    ),
                ],
                name="placement_person_one_bed_at_a_time",
                violation_error_message="The child is already placed at that time. A child is never in two beds at once: discharge them there first.",
            ),
        ),
        migrations.AddConstraint(
            model_name="placement",
            constraint=zakrila.placements.constraints.PostgresExclusionConstraint(
                expressions=[
                    ("bed", "="),
                    (
                        zakrila.placements.constraints.StayRange("admitted_at", "discharged_at"),
                        "&&",
                    ),
                ],
                name="placement_bed_one_child_at_a_time",
                violation_error_message="The bed is taken at that time. Choose a free bed.",
            ),
        ),
    ]
