"""Ledger entries balance per currency, checked by PostgreSQL at commit.

A DEFERRABLE INITIALLY DEFERRED constraint trigger on postings: after the transaction's
last statement, every entry touched must sum to zero per currency, or the COMMIT fails.
SQLite (the demo) has no such triggers; there ``payouts.ledger`` checks in code only.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION payouts_posting_balanced() RETURNS trigger AS $$
DECLARE
    bad record;
    target bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        target := OLD.entry_id;
    ELSE
        target := NEW.entry_id;
    END IF;
    SELECT currency, sum(amount) AS total INTO bad
      FROM payouts_posting WHERE entry_id = target
     GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry % does not balance in %: sum %',
            target, bad.currency, bad.total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER payouts_posting_balanced
    AFTER INSERT OR UPDATE OR DELETE ON payouts_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION payouts_posting_balanced();
"""

DROP = """
DROP TRIGGER IF EXISTS payouts_posting_balanced ON payouts_posting;
DROP FUNCTION IF EXISTS payouts_posting_balanced();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("payouts", "0002_payout_runs_ledger")]

    operations = [migrations.RunPython(forwards, backwards)]
