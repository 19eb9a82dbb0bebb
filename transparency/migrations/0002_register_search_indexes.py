from django.db import migrations

# Matches the expression DocumentQuerySet.search() builds, so PostgreSQL can use it; other databases (SQLite for
# local work) search with LIKE and need no index. Versions keep a stored vector instead (0004).
INDEXES = {
    "transparency_document_search_idx": ("transparency_document", "search_text"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, column) in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (to_tsvector('english'::regconfig, COALESCE({column}, '')))"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_negotiations_register_requests_consultations")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
