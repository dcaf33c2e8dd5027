"""Database guard: a submitted lý lịch version can be neither updated nor deleted.

Services already refuse (and none deletes); these triggers make the rule hold for any code path
(raw SQL, a queryset .update(), the admin), raising an integrity error.
* PostgreSQL: UPDATE and DELETE are refused. (TRUNCATE, which test flushes use, fires no row
  trigger.)
* SQLite: UPDATE is refused. DELETE is not: SQLite has no TRUNCATE, and Django's test flush
  (transactional tests, live-server browser tests) empties tables with DELETE.

On SQLite, a later migration that rebuilds this table (most ALTERs do) drops these triggers: such a
migration must create them again. The immutability tests fail if it does not.
"""

from django.db import migrations

TABLE = "declarations_declaration"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER declaration_submitted_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW WHEN OLD.status = 'submitted'
    BEGIN SELECT RAISE(ABORT, 'a submitted declaration is immutable'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS declaration_submitted_no_update",
]
POSTGRES_FORWARD = [
    """CREATE FUNCTION declaration_submitted_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'a submitted declaration is immutable (id %)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    f"""CREATE TRIGGER declaration_submitted_immutable BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW WHEN (OLD.status = 'submitted')
    EXECUTE FUNCTION declaration_submitted_immutable()""",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS declaration_submitted_immutable ON {TABLE}",
    "DROP FUNCTION IF EXISTS declaration_submitted_immutable()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"no immutability guard for {schema_editor.connection.vendor}")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("declarations", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
