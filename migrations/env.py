"""Alembic environment: runs on the connection the program hands in (store.migrate)."""

from alembic import context
from sqlalchemy import create_engine

from sessionsctl.store.schema import metadata
from sessionsctl.store.schema_mail import MIGRATION_ONLY_INDEXES

config = context.config
target_metadata = metadata


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Every object but the indexes the models leave to the migrations (schema_mail)."""
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:  # the alembic command line, pointed at a database by sqlalchemy.url
    with create_engine(config.get_main_option("sqlalchemy.url")).begin() as conn:
        run(conn)
