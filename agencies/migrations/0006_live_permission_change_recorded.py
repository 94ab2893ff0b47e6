"""LivePermissionChange uses the shared RecordedChange columns (``at``, ``actor``): renamed,
so recorded changes keep their data."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0005_encrypt_personal_numbers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("livepermissionchange", "changed_at", "at"),
        migrations.RenameField("livepermissionchange", "changed_by", "actor"),
        migrations.AlterModelOptions(
            name="livepermissionchange",
            options={
                "ordering": ["at", "id"],
                "verbose_name": "live permission change",
                "verbose_name_plural": "live permission changes",
            },
        ),
        migrations.AlterField(
            model_name="livepermissionchange",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="livepermissionchange",
            name="at",
            field=models.DateTimeField(verbose_name="moved at"),
        ),
    ]
