"""The residency proof (issue #17, item 5): does the global database hold any personal
value of a user whose home region is not the global one?"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connections

from agencies.encryption.regions import global_region, region_database
from commerce.residency.models import HomeRegion, OrderResidency, PersonalRecord

# Values shorter than this (country codes, initials) would match unrelated text.
MIN_LENGTH = 4
# Payload keys whose values identify a person (cities, postcodes, countries do not alone).
IDENTIFYING_KEYS = frozenset(
    {
        "first_name",
        "last_name",
        "name",
        "full_name",
        "legal_name",
        "email",
        "phone",
        "phone_number",
        "line1",
        "line2",
        "line3",
        "id_number",
        "account_number",
        "payout_account_number",
        "payout_account_name",
    }
)
TEXT_TYPES = ("char", "text", "json", "clob", "string")
CHUNK = 50


def _values(payload, key: str | None = None) -> Iterator[str]:
    if isinstance(payload, dict):
        for k, v in payload.items():
            yield from _values(v, k)
    elif isinstance(payload, list):
        for item in payload:
            yield from _values(item, key)
    elif isinstance(payload, str) and key in IDENTIFYING_KEYS:
        value = payload.strip()
        if len(value) >= MIN_LENGTH:
            yield value


def overseas_values() -> tuple[int, set[str]]:
    """(users and guest orders, identifying values) of every user homed outside the global
    region and every order whose contact details live in a regional store."""
    homes = HomeRegion.objects.exclude(region=global_region())
    tokens: dict[str, list] = {}
    for home in homes:
        tokens.setdefault(region_database(region=home.region), []).append(home.token)
    for region, token in OrderResidency.objects.exclude(region=global_region()).values_list(
        "region", "token"
    ):
        tokens.setdefault(region_database(region=region), []).append(token)
    values: set[str] = set()
    for alias, region_tokens in tokens.items():
        for record in PersonalRecord.objects.using(alias).filter(token__in=region_tokens):
            values.update(_values(record.payload))
    return sum(len(t) for t in tokens.values()), values


def text_columns(*, alias: str = "default") -> Iterator[tuple[str, str]]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            for column in connection.introspection.get_table_description(cursor, table):
                field_type = connection.introspection.get_field_type(column.type_code, column)
                if any(t in field_type.lower() for t in TEXT_TYPES):
                    yield table, column.name


def global_findings(*, values: set[str], alias: str = "default") -> list[str]:
    """``table.column`` of every global column holding one of ``values`` (case-insensitive
    substring), never the value itself."""
    if not values:
        return []
    connection = connections[alias]
    quote = connection.ops.quote_name
    needles = sorted({v.lower() for v in values})
    found = []
    for table, column in text_columns(alias=alias):
        expression = f"LOWER(CAST({quote(column)} AS TEXT))"
        for start in range(0, len(needles), CHUNK):
            chunk = needles[start : start + CHUNK]
            condition = " OR ".join(f"{expression} LIKE %s ESCAPE '\\'" for _ in chunk)
            params = [
                "%" + n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                for n in chunk
            ]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT 1 FROM {quote(table)} WHERE {condition} LIMIT 1",  # noqa: S608
                    params,
                )
                if cursor.fetchone():
                    found.append(f"{table}.{column}")
                    break
    return found
