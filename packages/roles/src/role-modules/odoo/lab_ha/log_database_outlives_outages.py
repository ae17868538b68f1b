"""Odoo's log lines reach its log database also when they are logged while that database is away.

Stock Odoo 17's `PostgreSQLHandler` (odoo/netsvc.py, `log_db`) writes each line from the thread that
logs it: a cursor on the log database, an insert, and the line dropped on any error. So the lines a
failover makes (the most an HA deployment logs) were all lost when the log database lives on the
cluster being failed over: in a `kill-master` with `odoo.logDatabase`, 573 warnings and errors in
the app nodes' files and none in the log database. And each line's request first waited for a
connection to the database that was failing over.

Here `emit` only queues the line, with the time it was logged; one thread per process writes the
queue, oldest first, and retries once a second while the database does not answer, keeping up to
QUEUE_LIMIT lines (the oldest go first beyond that). A line's `create_date` is when it was logged,
not when it was written, and its `host` (a column the lab adds to the table it creates for the log
database) is the machine's name: which app node logged it. `flush` (called by `logging.shutdown`, at
a process's exit too: exit_without_teardown runs the exit hooks) waits up to FLUSH_SECONDS for the
queue to be written. Lines the writer thread
itself logs (the pool's failed connections) go to the log file only, never back into the queue.
"""
import logging
import os
import socket
import threading
import time
from collections import deque

from odoo import netsvc, sql_db, tools

QUEUE_LIMIT = 10_000
RETRY_SECONDS = 1.0
FLUSH_SECONDS = 2.0
HOST = socket.gethostname()


class _Queue:
    """This process's lines not yet written, and the thread that writes them."""

    def __init__(self):
        self.lines = deque()
        self.writing = 0
        self.changed = threading.Condition()
        self.writer = None

    def put(self, line):
        with self.changed:
            self.lines.append(line)
            self.keep_within_limit()
            if self.writer is None:
                self.writer = threading.Thread(name="lab_ha log database writer", target=self.write_forever, daemon=True)
                self.writer.start()
            self.changed.notify_all()

    def keep_within_limit(self):
        while len(self.lines) > QUEUE_LIMIT:
            self.lines.popleft()

    def write_forever(self):
        while True:
            with self.changed:
                while not self.lines:
                    self.changed.wait()
                batch, self.lines = self.lines, deque()
                self.writing = len(batch)
            written = write(batch)
            with self.changed:
                if not written:
                    batch.extend(self.lines)
                    self.lines = batch
                    self.keep_within_limit()
                self.writing = 0
                self.changed.notify_all()
            if not written:
                time.sleep(RETRY_SECONDS)

    def wait_until_written(self, seconds):
        deadline = time.monotonic() + seconds
        with self.changed:
            while (self.lines or self.writing) and self.writer is not None and (left := deadline - time.monotonic()) > 0:
                self.changed.wait(left)


_queue = _Queue()


def _new_queue_in_child():
    # A forked worker starts with no writer thread and must not share the parent's lock or lines.
    global _queue
    _queue = _Queue()


def write(batch):
    """Every line of the batch in one transaction per database; False when it could not be done."""
    by_database = {}
    for line in batch:
        by_database.setdefault(line[0], []).append(line[1:])
    try:
        for dbname, rows in by_database.items():
            with sql_db.db_connect(dbname, allow_uri=True).cursor() as cr:
                cr.execute("SET LOCAL statement_timeout = 1000")
                for row in rows:
                    cr.execute(
                        """INSERT INTO ir_logging(create_date, type, dbname, name, level, message, path, line, func, host)
                           VALUES (to_timestamp(%s) AT TIME ZONE 'UTC', %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                        [*row, HOST],
                    )
        return True
    except Exception:
        # A batch that failed half way is written again whole: its first databases may get a line twice.
        return False
    finally:
        # No connection to the log database stays in the pool: a main process's idle one would be
        # shared with the workers it forks later, and an idle one per process counts against
        # PostgreSQL's max_connections. Lines come rarely; a connection per batch is cheap.
        with tools.mute_logger("odoo.sql_db"):
            for dbname in by_database:
                sql_db.close_db(dbname)


def emit(self, record):
    if _queue.writer is not None and threading.current_thread() is _queue.writer:
        return
    try:
        thread_db = getattr(threading.current_thread(), "dbname", None)
        dbname = tools.config["log_db"] if tools.config["log_db"] and tools.config["log_db"] != "%d" else thread_db
        if not dbname:
            return
        message = tools.ustr(record.msg)
        if record.args:
            message = message % record.args
        traceback = getattr(record, "exc_text", "")
        if traceback:
            message = f"{message}\n{traceback}"
        level = logging.getLevelName(record.levelno)
        _queue.put((dbname, record.created, "server", thread_db, record.name, level, message, record.pathname, record.lineno, record.funcName))
    except Exception:
        self.handleError(record)


def flush(self):
    _queue.wait_until_written(FLUSH_SECONDS)


def apply():
    netsvc.PostgreSQLHandler.emit = emit
    netsvc.PostgreSQLHandler.flush = flush
    os.register_at_fork(after_in_child=_new_queue_in_child)
