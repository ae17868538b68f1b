"""An attachment upload is acknowledged only once its file is on the filestore.

Stock `ir.attachment._file_write` logs an IOError at INFO and returns as if the file were written,
so the record commits without its content: on a GlusterFS filestore this happened when an upload
coincided with the FUSE client losing a brick. It also writes in place, so a failed write can leave
a truncated file behind, which every later upload of the same content then hits ("The attachment
collides with an existing file").

Here the content goes to a temporary file beside its final name, is flushed and fsync'ed (a FUSE
client may report a failed write only then), and is renamed into place: the file is there whole or
not at all. Any OSError fails the upload, so its transaction rolls back and the user sees an error
instead of an attachment with no content: while the filestore is out of reach, a 503 with
Retry-After (nothing was done, and the same upload works once it is back), else Odoo's error.

Nor may the filestore's garbage collector take the file away before its record exists. Stock Odoo
writes the file and its checklist entry first and inserts the row after; the collector (the daily
autovacuum, `_gc_file_store`) takes `LOCK ir_attachment IN SHARE MODE` and deletes every
checklisted file that has no row. Between the two, an upload is a checklisted file with no row: the
collector deletes it, and the row then commits without its content (lose-lb2-storage-replicated, CI
2026-12-06: the autovacuum ran while an upload waited on a FUSE client losing a brick). Here the
upload takes the lock an INSERT takes (ROW EXCLUSIVE, which conflicts with SHARE and not with other
uploads) before it writes: a collector running waits for the upload's commit and then sees its row,
and an upload arriving while the collector runs writes only once it is done.
"""
import contextlib
import errno
import logging
import os
import socket
import uuid

from odoo import api
from odoo.addons.base.models.ir_attachment import IrAttachment

from .database_unreachable import serving_a_request, unavailable

_logger = logging.getLogger(__name__)

# ENOTCONN: the FUSE client has no brick; EIO, ESTALE, ETIMEDOUT, EHOSTDOWN: it is losing or regaining one.
FILESTORE_OUT_OF_REACH = {errno.ENOTCONN, errno.EIO, errno.ESTALE, errno.ETIMEDOUT, errno.EHOSTDOWN}


def write_durably(full_path, content):
    """Write `content` to `full_path` atomically and durably; raise OSError if that cannot be done."""
    # Unique across the app nodes, whose workers share the filestore and may share pids (one pid
    # namespace per container). A worker killed mid-write leaves its .lab-tmp behind: harmless, as
    # nothing reads it, and Odoo's garbage collector does not know it.
    temporary = "%s.%s.%s.lab-tmp" % (full_path, socket.gethostname(), uuid.uuid4().hex)
    # 0o666 before the umask, as open(..., 'wb') in stock Odoo: the other app nodes may run Odoo
    # under another uid and must still read the file.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, full_path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@api.model
def _file_write(self, bin_value, checksum):
    # Before anything reaches the filestore: see the module's docstring.
    self.env.cr.execute("LOCK TABLE ir_attachment IN ROW EXCLUSIVE MODE")
    try:
        fname, full_path = self._get_path(bin_value, checksum)
        # As stock Odoo: a file already there is taken to hold this content (_get_path checks the new
        # layout's; written by write_durably, it is whole).
        if not os.path.exists(full_path):
            write_durably(full_path, bin_value)
            # As stock Odoo does: if the transaction aborts, the garbage collector removes the file.
            self._mark_for_gc(fname)
        return fname
    except OSError as error:
        _logger.error("attachment not written to the filestore; the upload fails: %s", error)
        # The filestore out of reach (its server gone, the FUSE client reconnecting): the upload's
        # transaction rolls back, so nothing was done and the same upload will work once it is back.
        # A client told so (503, Retry-After) can retry; a JSON error would read as a bug.
        if error.errno in FILESTORE_OUT_OF_REACH and serving_a_request():
            raise unavailable(error, "the filestore") from error
        raise


def apply():
    IrAttachment._file_write = _file_write
