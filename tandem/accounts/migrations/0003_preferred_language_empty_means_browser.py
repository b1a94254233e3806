"""preferred_language: "" means none chosen (pages follow the browser, e-mails the site default).

Until now every account held the default "en" and no page let anyone choose, so a stored "en"
was never a choice: it becomes "", and a French or Spanish browser now gets its language.
"""

from django.db import migrations, models


def forget_default_english(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(preferred_language="en").update(preferred_language="")


def restore_default_english(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    User.objects.filter(preferred_language="").update(preferred_language="en")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_email_addresses_of_existing_accounts_verified"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="preferred_language",
            field=models.CharField(blank=True, default="", max_length=10, verbose_name="language"),
        ),
        migrations.RunPython(forget_default_english, restore_default_english),
    ]
