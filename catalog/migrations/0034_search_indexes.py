"""Trigram index on product titles for search (PostgreSQL only; SQLite searches without it)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS catalogue_product_title_trgm "
    "ON catalogue_product USING gin (title gin_trgm_ops)"
)
DROP = "DROP INDEX IF EXISTS catalogue_product_title_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0033_cross_border_and_notes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
