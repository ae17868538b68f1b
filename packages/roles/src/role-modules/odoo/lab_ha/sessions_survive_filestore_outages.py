"""A logged-in user whose session file cannot be read gets 503 and stays logged in.

Odoo keeps its web sessions as files in the data directory, which the seed architecture puts on the
shared filestore (GlusterFS on lb2). The session store (werkzeug's `FilesystemSessionStore.get`,
vendored in odoo/tools/_vendor/sessions.py) answers any error reading a session file with an empty
session: while the FUSE client has no brick ("Transport endpoint is not connected"), every call of a
logged-in user is refused as "Session expired" (JSON-RPC error 100, on which Odoo's web client drops
the user's page), for as long as the filestore is gone. Measured in `lose-lb1` whenever lb2 held the
VIP, since losing lb2 is losing the filestore too: 72 calls refused over 14 s, until lb2's brick
answered again.

Here the session file is read by the patch itself: a file that is not there keeps Odoo's own
handling (a new, empty session); any other error reading it gets 503 Service Unavailable and saves
nothing, so the user's next call, once the filestore answers, finds the session as it was. While
the filestore is gone that includes a browser with a stale cookie, and static files asked with a
session cookie (Odoo reads the session before it serves them): nothing of the filestore can be
served then anyway. Requests without a session cookie (the balancers' `/web/health` checks) do
not read the store at all.
"""
import io

from odoo import http
from odoo.tools.misc import pickle

from .database_unreachable import unavailable


def read_session_file(store, sid):
    """The session's bytes; None if it has no file. Raises 503 if the store cannot be read."""
    try:
        with open(store.get_session_filename(sid), "rb") as stream:
            return stream.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise unavailable(error, "the session store") from error


def patched_get(stock_get):
    def get(self, sid):
        if not self.is_valid_key(sid):
            return stock_get(self, sid)
        content = read_session_file(self, sid)
        if content is None:
            # No such file: stock Odoo's own answer (it also moves a session of the old layout).
            return stock_get(self, sid)
        # Content that does not unpickle is not an outage: an empty session, as stock Odoo gives it.
        return self.session_class(pickle.load(io.BytesIO(content), errors={}), sid, False)

    return get


def apply():
    http.FilesystemSessionStore.get = patched_get(http.FilesystemSessionStore.get)
