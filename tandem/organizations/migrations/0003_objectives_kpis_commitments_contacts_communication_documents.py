# The name is the one partnerships.0002 depends on. The constraint's list of institution
# types is now sorted, so later makemigrations runs find no change.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organizations', '0002_remove_organization_organization_kind_matches_type_and_more'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='organization',
            name='organization_kind_matches_type',
        ),
        migrations.AddConstraint(
            model_name='organization',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'institution'), ('type__in', ['college', 'high_school', 'training_provider', 'university', 'vocational_school'])), models.Q(('kind', 'partner'), models.Q(('type__in', ['college', 'high_school', 'training_provider', 'university', 'vocational_school']), _negated=True)), _connector='OR'), name='organization_kind_matches_type'),
        ),
    ]
