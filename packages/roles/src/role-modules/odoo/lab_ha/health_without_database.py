"""`GET /web/health` answers from the worker alone, without asking the database first.

The route itself needs no database (web/controllers/home.py: `auth='none'`, `{"status": "pass"}`;
only `?db_server_status=1` asks for one). But on a server that knows its database (`db_name`, or a
single database), stock Odoo 17 serves every request through `Request._serve_db` (odoo/http.py),
which first opens the registry and checks its signaling: a connection to PostgreSQL. While the
database fails over, that connection fails, slowly on a loaded machine (a server shutting down or
starting up forks a backend only to refuse it), and only then is the health check served without a
database. Measured in a switchover: `/web/health` took 1.3 to 2.7 s, over HAProxy's 2 s check
timeout, so both balancers marked both app nodes down; once the database was back every request got
HAProxy's own 503 until two checks passed again (docs/benchmarks.md).

The balancers ask whether the app node can serve; whether the database can is Patroni's to say, and
the answer is the same on every app node. So the health check is answered before any of that, as
the route would answer it. `?db_server_status=1` keeps Odoo's way.
"""
import json
import threading
import time

from odoo import http

HEALTH_PATH = "/web/health"
ANSWER = json.dumps({"status": "pass"}).encode()


def asks_for_the_database(environ):
    return "db_server_status" in environ.get("QUERY_STRING", "")


def patched_call(stock):
    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD") and not asks_for_the_database(environ):
            # What stock __call__ resets first, for the request log's figures (query count, time).
            current_thread = threading.current_thread()
            current_thread.query_count = 0
            current_thread.query_time = 0
            current_thread.perf_t0 = time.time()
            for leftover in ("dbname", "uid"):
                if hasattr(current_thread, leftover):
                    delattr(current_thread, leftover)
            start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store"), ("Content-Length", str(len(ANSWER)))])
            return [] if environ.get("REQUEST_METHOD") == "HEAD" else [ANSWER]
        return stock(self, environ, start_response)

    return __call__


def apply():
    http.Application.__call__ = patched_call(http.Application.__call__)
