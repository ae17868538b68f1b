"""Web sessions kept in PostgreSQL, not as files on the shared filestore.

Stock Odoo 17 keeps each web session as a file in its data directory (`FilesystemSessionStore` in
odoo/http.py), which the seed architecture puts on the shared filestore (GlusterFS on lb2). Two
things follow, both measured through the VIP:

- A session file is rewritten by writing a temporary file and renaming it over the old one (werkzeug's
  store, vendored in odoo/tools/_vendor/sessions.py). The other app node's FUSE client may still hold
  the replaced file: its next read fails with "Stale file handle" (ESTALE), and the balancer sends
  consecutive requests to alternate nodes. Right after a login, `GET /web` rewrites the session, and
  the page's CSS and JS bundles, asked of the other node, answered 500: a broken page in 17 of 18
  logins.
- Losing lb2 loses every session file with it: each logged-in user is logged out ("Session
  expired") for as long as lb2 is gone.

Here the sessions live in a table of the lab's database, which is replicated and fails over with it:
a session written by one node is read whole by the other, and losing the filestore loses none. A
database that cannot be reached answers 503 with Retry-After and keeps the session as it is, as the
database itself is then out of reach for the request anyway (a failover: seconds).

`lab_ha_session_db` in odoo.conf names the database (default: `db_name`), so a server with several
databases keeps its sessions in one place; the table is created on first use.
"""
import logging

import psycopg2
from werkzeug.exceptions import ServiceUnavailable

from odoo import http, sql_db
from odoo.tools import config
from odoo.tools.func import lazy_property
from odoo.tools.misc import pickle

from .database_unreachable import database_unreachable, unavailable

_logger = logging.getLogger(__name__)

TABLE = "lab_ha_http_session"


class PostgresSessionStore(http.FilesystemSessionStore):
    """Odoo's session store (new, rotate, is_valid_key as stock) with get/save/delete/vacuum in PostgreSQL."""

    def __init__(self, database, session_class):
        super().__init__(config.session_dir, session_class=session_class, renew_missing=True)
        self.database = database
        self._table_ready = False

    def _cursor(self):
        """A cursor of Odoo's own pool, on a database that has the table."""
        cursor = sql_db.db_connect(self.database).cursor()
        cursor.lab_ha_session_store = True  # its commits are not the request's (database_unreachable)
        if not self._table_ready:
            try:
                # Every process of every app node may get here at once: one creates, the others wait.
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [TABLE])
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
                    " sid varchar PRIMARY KEY, data bytea NOT NULL,"
                    " write_date timestamp NOT NULL DEFAULT (now() at time zone 'UTC'))"
                )
                cursor.commit()
            except BaseException:
                cursor.close()
                raise
            self._table_ready = True
        return cursor

    def get(self, sid):
        if not self.is_valid_key(sid):
            return self.new()
        with unavailable_on_database_errors(), self._cursor() as cursor:
            cursor.execute(f"SELECT data FROM {TABLE} WHERE sid = %s", [sid])
            row = cursor.fetchone()
        if row is None:
            return self.new()  # as stock Odoo with renew_missing: a new session, a new sid
        # Content that does not unpickle is not an outage: an empty session, as stock Odoo gives it.
        return self.session_class(pickle.loads(bytes(row[0])) or {}, sid, False)

    def save(self, session):
        data = pickle.dumps(dict(session), pickle.HIGHEST_PROTOCOL)
        try:
            with unavailable_on_database_errors(), self._cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {TABLE} (sid, data) VALUES (%s, %s)"
                    " ON CONFLICT (sid) DO UPDATE SET data = excluded.data, write_date = excluded.write_date",
                    [session.sid, psycopg2.Binary(data)],
                )
        except ServiceUnavailable:
            # Nobody is logged in on it (a balancer's health check, an API call): nothing is lost by
            # not keeping it, and the request is answered as if the save had worked.
            if session.uid:
                raise

    def delete(self, session):
        with unavailable_on_database_errors(), self._cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE sid = %s", [session.sid])

    def vacuum(self, max_lifetime=http.SESSION_LIFETIME):
        with self._cursor() as cursor:  # (a cron job's: its errors are the cron's to log)
            cursor.execute(f"DELETE FROM {TABLE} WHERE write_date < (now() at time zone 'UTC') - %s * interval '1 second'", [max_lifetime])


class unavailable_on_database_errors:
    """Around a session read or write: a database out of reach is 503, the session untouched."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is not None and database_unreachable(error):
            raise unavailable(error) from error
        return False


def apply():
    database = config.get("lab_ha_session_db") or config.get("db_name")
    if not database:
        _logger.warning("lab_ha: no db_name or lab_ha_session_db in the config; sessions stay in %s", config.session_dir)
        return False
    database = database.split(",")[0].strip()

    def session_store(self):
        _logger.info("HTTP sessions stored in PostgreSQL: database %s, table %s", database, TABLE)
        return PostgresSessionStore(database, http.Session)

    session_store.__name__ = "session_store"
    http.Application.session_store = lazy_property(session_store)
    # A store already made (nothing asks before post_load, but a later caller must not keep the old one)
    http.root.__dict__.pop("session_store", None)
    return True
