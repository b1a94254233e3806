# Take over the opportunity skills table from curricula (its state leaves curricula in
# curricula.0007; the table and its rows stay as they are, under their old name).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("skills", "0001_esco_taxonomy"),
        ("opportunities", "0001_initial"),
        ("curricula", "0007_opportunity_demand_to_skills"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OpportunityDemand",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("fingerprint", models.CharField(max_length=64)),
                        ("skills", models.JSONField(blank=True, default=list)),
                        ("mode", models.CharField(default="lexical", max_length=10)),
                        (
                            "opportunity",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="opportunities.opportunity",
                            ),
                        ),
                    ],
                    options={"db_table": "curricula_opportunitydemand"},
                ),
            ],
            database_operations=[],
        ),
    ]
