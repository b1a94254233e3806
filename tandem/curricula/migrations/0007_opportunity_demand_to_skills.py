# The skills extracted from opportunities now belong to the skills app
# (docs/decisions/0005-skills-owns-extraction.md). The table stays; only Django's state moves:
# this migration forgets the model here, skills.0002 declares it there on the same table.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("curricula", "0006_extraction_job_lease"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OpportunityDemand")],
            database_operations=[],
        ),
    ]
