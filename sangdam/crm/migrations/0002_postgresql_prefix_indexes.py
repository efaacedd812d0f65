"""Prefix searches on PostgreSQL: name, apartment and numbers compared in the "C" collation.

``sangdam.crm.customers._prefix`` searches a range in code-point order. SQLite compares text
that way already and uses the plain indexes of 0001; PostgreSQL compares in the database's
collation, so it gets expression indexes in "C" order. Other databases skip this migration.
"""

from django.db import migrations

COLUMNS = ("name", "apartment", "mobile", "phone")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS crm_customer_{column}_c ON crm_customer "
            f'(organization_id, {column} COLLATE "C")'
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS crm_customer_{column}_c")


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_customers_tickets")]

    operations = [migrations.RunPython(create, drop)]
