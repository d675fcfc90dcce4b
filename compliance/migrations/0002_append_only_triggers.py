"""Database-level append-only guarantee for the audit and PHI-access logs (see compliance.dbtriggers).

The ORM already refuses updates and deletes; these triggers refuse them for raw SQL too, on
PostgreSQL (production) and SQLite (the embedded default).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from compliance.dbtriggers import install

    install(schema_editor.connection)


def backwards(apps, schema_editor):
    from compliance.dbtriggers import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
