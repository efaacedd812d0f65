"""Inserting many rows fast: one prepared INSERT run for every row (``executemany``).

``bulk_create`` builds the SQL of every value anew; for 100,000 rows that is most of the time,
and on SQLite the transaction holds the write lock all that while. These helpers prepare the
statement once. Callers pass complete rows: the database sets no defaults of Django's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def _insert_sql(model: type[models.Model], fields: Sequence[models.Field[Any, Any]]) -> str:
    quote = connection.ops.quote_name
    return "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 -- names from the model
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )


def insert_instances(model: type[models.Model], instances: Iterable[models.Model]) -> None:
    """Unsaved instances, each value prepared as Django's compiler prepares it."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = [
        [f.get_db_prep_save(f.pre_save(i, True), connection) for f in fields] for i in instances
    ]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(_insert_sql(model, fields), rows)


def db_value(model: type[models.Model], field_name: str, value: Any) -> Any:
    """One value as the database takes it (an aware datetime as SQLite's text, for example)."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field)
    return field.get_db_prep_save(value, connection)


def insert_values(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Rows of values already as the database takes them (see ``db_value``), in ``columns``'
    order (attribute names: ``job_id`` for a foreign key). Returns the number of rows."""
    fields = []
    for name in columns:
        field = next(f for f in model._meta.concrete_fields if f.attname == name)
        fields.append(field)
    batch = list(rows)
    if batch:
        with connection.cursor() as cursor:
            cursor.executemany(_insert_sql(model, fields), batch)
    return len(batch)
