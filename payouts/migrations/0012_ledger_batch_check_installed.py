"""Install the ledger's per-batch balance check (migration 0010 defined it, never ran it).

0010 created ``LedgerBatch`` and wrote the SQL of its check but its operations left out the
``RunPython``: databases migrated with it kept checking every posting on its own at commit
(correct, but a payout run's 200,000 postings paid for 200,000 queries) and never ran the
batch check. This runs 0010's SQL, with the batch check's message naming the batch so a
failure says which check refused it.
"""

from importlib import import_module

from django.db import migrations

_0010 = import_module("payouts.migrations.0010_ledger_batch_check")

CREATE = (
    "DROP TRIGGER IF EXISTS payouts_ledger_batch_balanced ON payouts_ledgerbatch;\n"
    + _0010.CREATE.replace(
        "RAISE EXCEPTION 'ledger entry % does not balance in %: sum %',\n"
        "            bad.entry_id, bad.currency, bad.total",
        "RAISE EXCEPTION 'ledger batch %-%: ledger entry % does not balance in %: sum %',\n"
        "            NEW.first_entry, NEW.last_entry, bad.entry_id, bad.currency, bad.total",
    )
)
assert "ledger batch %-%" in CREATE, "0010's SQL changed: update the message replacement"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_0010.DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0011_earning_hot_updates"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
