"""Odoo's prefork processes end at once when they stop, without Python's interpreter teardown.

Stock Odoo 17 ends a worker (`PreforkServer.worker_spawn`, odoo/service/server.py) with
`sys.exit(0)`, and the main process, once its workers are gone, by returning to `sys.exit`: each
process then runs Python's interpreter teardown, which drops a reference to every object it holds,
the registry loaded before the fork included. In a forked process each of those writes copies a
shared page (copy-on-write), so a stopping app node spent seconds of CPU per process after its
"Worker exiting" lines: a graceful stop of a node with four workers took 6.45 s idle (1.74 s
without the workers' teardown) and 9–15 s under the scenarios' load, and in a rolling restart that
CPU was taken from the node left serving everyone (client timeouts of 3 s there while the other node
stopped: docs/benchmarks.md). A worker recycled for its request or memory limits went the same way.

Nothing in the teardown is needed once a process has finished its work: a worker has served its
last request, the main process has seen every worker end. Each runs its exit hooks (`logging.shutdown`, which
writes out its log lines; a pid file), closes its database connections (PostgreSQL sees a clean
goodbye, not a dropped socket) and ends. Left to stock Odoo: a worker that ends on an exception (`sys.exit(1)`), a
main process that restarts itself (`odoo.phoenix`, after a module install) or that only initialised
a database (`--stop-after-init`).
"""
import atexit
import os
import sys

import odoo
from odoo import sql_db
from odoo.service import server


def apply():
    serve_until_stopped = server.Worker.run

    def worker_run(self):
        serve_until_stopped(self)
        end_process(0)

    supervise_until_stopped = server.PreforkServer.run

    def main_run(self, preload, stop):
        rc = supervise_until_stopped(self, preload, stop)
        if stop or getattr(odoo, "phoenix", False):
            return rc
        end_process(rc or 0)

    server.Worker.run = worker_run
    server.PreforkServer.run = main_run


def end_process(status):
    # The exit hooks first: `logging.shutdown` among them flushes every handler, the log database's
    # writer (log_database_outlives_outages) included, which needs its database connections.
    atexit._run_exitfuncs()
    sql_db.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
