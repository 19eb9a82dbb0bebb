from django.db import migrations

# Matches the expression InitiativeQuerySet.search() builds, so PostgreSQL can use it; other databases
# (SQLite for local work) search with LIKE and need no index.
CREATE = (
    "CREATE INDEX IF NOT EXISTS initiative_search_idx ON workprogramme_initiative "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(search_text, '')))"
)
DROP = "DROP INDEX IF EXISTS initiative_search_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("workprogramme", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
