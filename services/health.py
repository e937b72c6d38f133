"""Liveness: can we reach the database?"""

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError


def database_problem(engine):
    """None when the database answers a trivial query, else a short description."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return type(exc).__name__
    return None
