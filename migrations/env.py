"""Alembic environment: runs on the connection the program hands in (store.migrate)."""

from alembic import context
from sqlalchemy import create_engine

from sessionsctl.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:  # the alembic command line, pointed at a database by sqlalchemy.url
    with create_engine(config.get_main_option("sqlalchemy.url")).begin() as conn:
        run(conn)
