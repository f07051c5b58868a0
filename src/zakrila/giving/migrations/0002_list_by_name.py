"""The donors and the volunteers are listed a page at a time by name: an index by organisation,
name and id walks to any page without sorting an organisation's thousands of donors."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("giving", "0001_initial"),
        ("organisations", "0003_unit_max_stay_days"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="donor",
            index=models.Index(fields=["organisation", "name", "id"], name="giving_donor_name_idx"),
        ),
        migrations.AddIndex(
            model_name="volunteer",
            index=models.Index(
                fields=["organisation", "full_name", "id"], name="giving_volunteer_name_idx"
            ),
        ),
    ]
