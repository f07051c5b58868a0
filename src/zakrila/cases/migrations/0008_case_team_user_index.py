"""The teams a worker is on, by worker then case: the policy's "restricted, but on the team"
check and the "only cases I work on" filter read a worker's team rows from the index alone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_case_stage_assessment_done")]

    operations = [
        # Case.team is Django's own many-to-many table, which has no Meta to declare an index on.
        migrations.RunSQL(
            "CREATE INDEX cases_case_team_user_case ON cases_case_team (user_id, case_id)",
            "DROP INDEX cases_case_team_user_case",
        )
    ]
