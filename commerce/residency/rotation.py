"""Re-encrypt stored values with the newest key (``encryption_rotate``, data migrations).

Works on raw column values through the database cursor, so plaintext left from before
encryption is encrypted too; a row already under the newest key is left alone (idempotent).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from commerce.residency import crypto


@dataclass(frozen=True)
class ColumnResult:
    where: str
    rows: int
    changed: int


def column_rotate(
    *, connection, table: str, column: str, pk_column: str = "id", batch_size: int = 500
) -> ColumnResult:
    """Re-encrypt one column of one table in the database of ``connection``."""
    quote = connection.ops.quote_name
    where = f"{table}.{column}@{connection.alias}"
    rows = changed = 0
    last = None
    while True:
        with connection.cursor() as cursor:
            sql = (
                f"SELECT {quote(pk_column)}, {quote(column)} FROM {quote(table)}"
                + (f" WHERE {quote(pk_column)} > %s" if last is not None else "")
                + f" ORDER BY {quote(pk_column)} LIMIT {int(batch_size)}"
            )
            cursor.execute(sql, [last] if last is not None else [])
            batch = cursor.fetchall()
        if not batch:
            break
        for pk, stored in batch:
            rows += 1
            new = crypto.reencrypt(
                stored=stored or "", alias=connection.alias, where=f"{where} row {pk}"
            )
            if new is not None:
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {quote(column)} = %s "
                        f"WHERE {quote(pk_column)} = %s",
                        [new, pk],
                    )
                changed += 1
        last = batch[-1][0]
    return ColumnResult(where=where, rows=rows, changed=changed)


def column_decrypt(*, connection, table: str, column: str, pk_column: str = "id") -> None:
    """Back to plaintext (a migration's reverse)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(pk_column)}, {quote(column)} FROM {quote(table)}")
        stored = cursor.fetchall()
    for pk, value in stored:
        if value and crypto.looks_encrypted(value):
            plain = crypto.decrypt(token=value, alias=connection.alias, where=f"{table}.{column}")
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk_column)} = %s",
                    [plain, pk],
                )


def all_rotate(*, aliases: list[str] | None = None) -> Iterator[ColumnResult]:
    """Every encrypted field of every installed model, in every database holding it."""
    from django.db import connections, router

    from commerce.residency.fields import encrypted_fields

    for model, field in encrypted_fields():
        for alias in aliases or list(connections):
            if not router.allow_migrate_model(alias, model):
                continue
            yield column_rotate(
                connection=connections[alias],
                table=model._meta.db_table,
                column=field.column,
                pk_column=model._meta.pk.column,
            )
