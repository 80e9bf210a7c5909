"""Alembic environment. The app runs migrations in-process (app.services.core.migrations);
the connection is handed over in config.attributes["connection"]."""

from alembic import context

from app.models import Base
from app.models.customer import include_object

target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        compare_type=True,
        include_object=include_object,  # search indexes of 0004 are not in the models
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
