"""The ledger's balance, checked per statement for entries written whole, per posting for
the rest; ``LedgerBatch`` goes.

Before (0010, 0012): postings written while ``payouts.ledger_batch`` was 'on' skipped the
per-posting check and were checked at commit by one query per ``LedgerBatch`` row. Any
session could set the setting without writing a batch row, and then nothing checked its
postings; updates and deletions made with it on were not checked either.

Now the setting says "this statement writes whole entries" (``payouts.ledger``: one COPY
per batch): a statement-level trigger sums that statement's postings (its transition
table) per entry and currency when it ends, and refuses an entry that does not balance.
That is enough: an entry's earlier postings balance already (every write is checked),
so the entry balances exactly when the postings added to it do. It needs no index and no
record of the batch. Inserts with the setting off are checked per posting at commit as
before, and updates and deletions always are.
"""

from django.db import migrations

CREATE = """
DROP TRIGGER IF EXISTS payouts_ledger_batch_balanced ON payouts_ledgerbatch;
DROP FUNCTION IF EXISTS payouts_ledger_batch_balanced();
DROP TRIGGER IF EXISTS payouts_posting_balanced ON payouts_posting;

CREATE CONSTRAINT TRIGGER payouts_posting_balanced
    AFTER UPDATE OR DELETE ON payouts_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payouts_posting_balanced();

CREATE CONSTRAINT TRIGGER payouts_posting_inserted_balanced
    AFTER INSERT ON payouts_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (current_setting('payouts.ledger_batch', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION payouts_posting_balanced();

CREATE OR REPLACE FUNCTION payouts_postings_written_balanced() RETURNS trigger AS $$
DECLARE
    bad record;
BEGIN
    SELECT entry_id, currency, sum(amount) AS total INTO bad
      FROM written
     GROUP BY entry_id, currency HAVING sum(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entries written together: entry % does not balance in %: sum %',
            bad.entry_id, bad.currency, bad.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payouts_postings_written_balanced
    AFTER INSERT ON payouts_posting
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT
    WHEN (current_setting('payouts.ledger_batch', true) = 'on')
    EXECUTE FUNCTION payouts_postings_written_balanced();
"""

DROP = """
DROP TRIGGER IF EXISTS payouts_postings_written_balanced ON payouts_posting;
DROP FUNCTION IF EXISTS payouts_postings_written_balanced();
DROP TRIGGER IF EXISTS payouts_posting_inserted_balanced ON payouts_posting;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        installed = import_module("payouts.migrations.0012_ledger_batch_check_installed")
        schema_editor.execute(DROP, params=None)
        schema_editor.execute(installed.CREATE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0012_ledger_batch_check_installed"),
    ]

    # Backwards, the table comes back first, then 0012's triggers on it.
    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.DeleteModel(name="LedgerBatch"),
    ]
