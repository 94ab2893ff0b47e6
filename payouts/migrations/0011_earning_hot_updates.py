"""A payout run's take of earnings near the database's floor (issue #14 item 6).

A run's take rewrites ``state`` and ``payout_run`` on every earning it moves (a million in
one statement). Three costs of that are removed here:

- While either column was indexed, each new row version went into every index of the
  table. With neither indexed, and room on the page for the new version, PostgreSQL writes
  it beside the old one (a heap-only tuple) and no index is touched. A take rewrites every
  row of a page at once, so each page is left half free (fillfactor 50); vacuum reclaims
  the old versions for the next move.
- ``earning_due`` (state, available_at) served only the release of commission, the one
  kind that waits (now a check constraint: only commission is ``pending``): a partial
  index on ``available_at`` for commission serves it without naming ``state``.
- The foreign key on ``payout_run`` checked each linked earning at commit, a million
  look-ups and row locks of the one run. The take is its only writer and links to the run
  row it holds locked; what the constraint also guaranteed, that a run named by an earning
  is never deleted, a trigger on the runs keeps (``ON DELETE``, one query per statement).
"""

import django.db.models.deletion
from django.db import migrations, models

FILLFACTOR = "ALTER TABLE payouts_earning SET (fillfactor = %s)"

RUN_DELETE_GUARD = """
CREATE OR REPLACE FUNCTION payouts_run_delete_guard() RETURNS trigger AS $$
DECLARE
    named bigint;
BEGIN
    SELECT e.payout_run_id INTO named
      FROM payouts_earning e JOIN gone g ON g.id = e.payout_run_id LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'payout run % is named by its earnings and cannot be deleted', named
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payouts_run_delete_guard
    AFTER DELETE ON payouts_payoutrun
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION payouts_run_delete_guard();
"""

RUN_DELETE_GUARD_DROP = """
DROP TRIGGER IF EXISTS payouts_run_delete_guard ON payouts_payoutrun;
DROP FUNCTION IF EXISTS payouts_run_delete_guard();
"""


def postgresql_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILLFACTOR % 50, params=None)
        schema_editor.execute(RUN_DELETE_GUARD, params=None)


def postgresql_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RUN_DELETE_GUARD_DROP, params=None)
        schema_editor.execute(FILLFACTOR % 100, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0007_creator_personal_data_regional"),
        ("order", "0027_checkout_stripe_source_type"),
        ("payouts", "0010_ledger_batch_check"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="earning",
            name="earning_due",
        ),
        migrations.AlterField(
            model_name="earning",
            name="payout_run",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="earnings",
                to="payouts.payoutrun",
                verbose_name="payout run",
            ),
        ),
        migrations.AddIndex(
            model_name="earning",
            index=models.Index(
                condition=models.Q(("kind", "commission")),
                fields=["available_at"],
                name="earning_commission_due",
            ),
        ),
        migrations.AddConstraint(
            model_name="earning",
            constraint=models.CheckConstraint(
                condition=models.Q(("state", "pending"), _negated=True)
                | models.Q(("kind", "commission")),
                name="earning_pending_is_commission",
            ),
        ),
        migrations.RunPython(postgresql_forwards, postgresql_backwards, elidable=False),
    ]
