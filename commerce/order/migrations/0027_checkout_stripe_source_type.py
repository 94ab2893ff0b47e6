"""The "stripe" payment source type exists from the start (checkout reads it, never writes)."""

from django.db import migrations


def source_type_create(apps, schema_editor):
    SourceType = apps.get_model("payment", "SourceType")
    SourceType.objects.get_or_create(code="stripe", defaults={"name": "Stripe"})


class Migration(migrations.Migration):
    dependencies = [
        ("order", "0026_merge_refunds_webhooks"),
        ("payment", "0005_auto_20200801_0817"),
    ]

    operations = [migrations.RunPython(source_type_create, migrations.RunPython.noop)]
