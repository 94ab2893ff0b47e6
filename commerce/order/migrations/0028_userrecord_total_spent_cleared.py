"""Clear ``analytics.UserRecord.total_spent``: Oscar's receiver summed orders across
currencies into it, and nothing writes or shows it any more (commerce.order.analytics)."""

from django.db import migrations


def total_spent_clear(apps, schema_editor):
    apps.get_model("analytics", "UserRecord").objects.exclude(total_spent=0).update(
        total_spent=0
    )


class Migration(migrations.Migration):
    dependencies = [
        ("order", "0027_checkout_stripe_source_type"),
        ("analytics", "0003_auto_20200801_0817"),
    ]

    operations = [migrations.RunPython(total_spent_clear, migrations.RunPython.noop)]
