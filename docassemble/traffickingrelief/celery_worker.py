"""Loaded by docassemble's Celery worker only (`celery modules` in the server's config.yml).

docassemble's worker opens database connections in its main process, then forks its pool. With more
than one pool process (`celery processes` > 1) two processes used the same PostgreSQL connection and
the tasks failed ("error with status PGRES_TUPLES_OK", "This result object does not return rows",
"Could not retrieve file"). Each pool process therefore starts with its own, empty connection pools:
``dispose(close=False)`` drops the inherited connections without closing them under the parent.
"""
from __future__ import annotations

from celery.signals import worker_process_init


@worker_process_init.connect
def own_database_connections(**_signal) -> None:
    """Give this freshly forked pool process connection pools of its own."""
    import docassemble.webapp.db as da_db
    from docassemble.webapp.extensions import db
    from docassemble.webapp.flask_app import flaskapp

    if da_db._SessionLocal is not None:  # docassemble's own sessionmaker, built on first use
        da_db._SessionLocal.kw["bind"].dispose(close=False)
    with flaskapp.app_context():
        for engine in db.engines.values():  # Flask-SQLAlchemy's engines (the models' db.session)
            engine.dispose(close=False)
