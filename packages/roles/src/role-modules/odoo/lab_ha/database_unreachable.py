"""While the database cannot be reached, a request answers 503 with Retry-After, and nothing else changes.

What stock Odoo 17 does when a request meets a database it cannot reach (a failover: the primary is
gone, the VIP moved, the new primary not promoted yet), in odoo/http.py:

- `Request._serve_db` takes any OperationalError while it opens the registry
  (`Registry(db).check_signaling()`) for "the database is gone": it clears the session's database,
  saves the session and serves the request without a database. Every route that needs one answers
  404, and on a server with several databases and no dbfilter the user is logged out.
- A JSON-RPC call (`/jsonrpc`, `/web/dataset/call_kw`) that meets it mid-way gets HTTP 200 with a
  JSON error `psycopg2.OperationalError` (`JsonRPCDispatcher.handle_error`): the web client shows
  "Odoo Server Error", and an API client has no sign that the same call would work a moment later.
- An HTTP route gets 500.

Here, when nothing of the request was done, it answers 503 Service Unavailable with Retry-After and
the session is left as it was: the web client shows "Connection lost", an API client can retry.
Nothing was done when the registry check at the start of the request lost its connection, when a
connection could not be made (refused, timed out, the server starting up or shutting down), when a
demoted primary refused a write as read-only, or when the connection broke under the request before
it began to commit (PostgreSQL keeps nothing of a transaction that never committed). A connection
that broke once the request began to commit may have broken after PostgreSQL committed: that answers
502 Bad Gateway, without Retry-After, as a balancer answers for a connection cut mid-way (the web
client shows "Connection lost"; an API client knows only that the outcome is unknown, as after a
timeout), never a JSON error it would take for a bug. A database that does not exist keeps Odoo's
own handling.
"""
import logging
import re
import threading

import psycopg2
from werkzeug.exceptions import BadGateway, ServiceUnavailable

from odoo import http, sql_db
from odoo.modules.registry import Registry

_logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 1
# SQLSTATE of a write refused by a server in recovery or demoted: read_only_sql_transaction
READ_ONLY_TRANSACTION = "25006"


def causes(error):
    """The error and what led to it (`raise … from`, and an error raised while handling another: a
    rollback on a dead connection raises InterfaceError over the OperationalError that killed it)."""
    seen = []
    while error is not None and len(seen) < 10 and error not in seen:
        seen.append(error)
        error = error.__cause__ or error.__context__
    return seen


def database_unreachable(error):
    """The database is out of reach for now (not wrong, not gone): any lost or refused connection."""
    for candidate in causes(error):
        if isinstance(candidate, (psycopg2.OperationalError, psycopg2.InterfaceError)):
            # Connection errors carry no SQLSTATE; a missing database is reported the same way.
            return "does not exist" not in str(candidate)
        if getattr(candidate, "pgcode", None) == READ_ONLY_TRANSACTION:
            return True
    return False


# A connection that was never made: nothing of the request reached the database through it.
NEVER_CONNECTED = re.compile(r"connection to server .* failed|could not connect to server|could not translate host name|the database system is (starting up|shutting down|in recovery mode)")


# SQLSTATE classes of a server going away: 08 connection exception; 57P operator intervention
# (57P01 admin_shutdown: Patroni demoting or restarting a primary, pg_terminate_backend; 57P02
# crash_shutdown; 57P03 cannot_connect_now).
SERVER_GOING_AWAY = ("08", "57P")


def connection_broke(error):
    """A connection-level failure: the server went away (no SQLSTATE, or one of SERVER_GOING_AWAY), or
    the connection was closed under the request."""
    for candidate in causes(error):
        if isinstance(candidate, (psycopg2.OperationalError, psycopg2.InterfaceError)):
            code = getattr(candidate, "pgcode", None)
            if code is None or code.startswith(SERVER_GOING_AWAY):
                return True
    return False


def nothing_was_done(error):
    """Mid-request: the database was never reached, refused the write, or lost the connection before
    the request began to commit."""
    for candidate in causes(error):
        if getattr(candidate, "pgcode", None) == READ_ONLY_TRANSACTION:
            return True
        if isinstance(candidate, psycopg2.OperationalError) and NEVER_CONNECTED.search(str(candidate)):
            return True
    return connection_broke(error) and serving_a_request() and not getattr(_serving, "commit_began", False)


def outcome_unknown(error):
    """502 without Retry-After: the connection broke once the request began to commit."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    _logger.warning("the database connection broke while the request was committing; answering 502 (it may have been done): %s", detail)
    return BadGateway("The database connection broke while this request was being committed: it may have been done.")


def unavailable(error, what="the database"):
    """503 with Retry-After, logged with the error that made it (`what` was out of reach)."""
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    _logger.warning("%s unreachable; answering 503 (Retry-After %ss): %s", what, RETRY_AFTER_SECONDS, detail)
    return ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS)


# Set while this thread serves an HTTP request. (Odoo's own request stack will not do: `dispatch_rpc`,
# behind /jsonrpc and /xmlrpc, takes the request off it while the API call runs.)
_serving = threading.local()


def serving_a_request():
    return getattr(_serving, "active", False)


def patched_call(stock):
    def __call__(self, environ, start_response):
        _serving.active = True
        _serving.commit_began = False
        try:
            return stock(self, environ, start_response)
        finally:
            _serving.active = False

    return __call__


def logged_in_request():
    """A request of a logged-in user (whose session stock Odoo would strip of its database)."""
    current = http._request_stack.top
    session = getattr(current, "session", None)
    return bool(session and session.uid)


def patched_check_signaling(stock):
    def check_signaling(self, *args, **kwargs):
        try:
            return stock(self, *args, **kwargs)
        except Exception as error:
            # Only a logged-in user's request gets a 503 here. An anonymous one keeps Odoo's way (served
            # without a database): /web/health still answers, so the balancers keep the app nodes in
            # while the database fails over, and an API call meets the outage in handle_error below.
            # The cron workers keep Odoo's own handling.
            if serving_a_request() and logged_in_request() and database_unreachable(error):
                raise unavailable(error) from error
            raise

    return check_signaling


def patched_commit(stock):
    def commit(self):
        # From here on, a broken connection may have broken after PostgreSQL committed. Any cursor of
        # the request counts (a first credentials check commits its own), so the answer errs towards
        # 502; only the session store's cursors (sessions_in_postgresql) are not the request's work.
        if serving_a_request() and not self.__dict__.get("lab_ha_session_store"):
            _serving.commit_began = True
        return stock(self)

    return commit


def patched_handle_error(stock):
    def handle_error(self, exc):
        if database_unreachable(exc):
            if nothing_was_done(exc):
                return unavailable(exc)
            if connection_broke(exc):
                return outcome_unknown(exc)
        # A 503 raised on the way (the session store out of reach) stays a 503, also for a JSON-RPC call.
        if isinstance(exc, ServiceUnavailable):
            return exc
        return stock(self, exc)

    return handle_error


def apply():
    http.Application.__call__ = patched_call(http.Application.__call__)
    Registry.check_signaling = patched_check_signaling(Registry.check_signaling)
    sql_db.Cursor.commit = patched_commit(sql_db.Cursor.commit)
    http.HttpDispatcher.handle_error = patched_handle_error(http.HttpDispatcher.handle_error)
    http.JsonRPCDispatcher.handle_error = patched_handle_error(http.JsonRPCDispatcher.handle_error)
