"""An attachment the filestore cannot give back answers 503, not an empty file.

Stock `ir.attachment._file_read` logs any OSError at INFO and returns empty bytes: while the
filestore is out of reach (the seed's single brick on lb2 gone, the FUSE client answering
"Transport endpoint is not connected"), a download is answered 200 with no content, an image or an
asset bundle comes back empty, and an API client cannot tell that from an empty file
(`lose-lb2-storage`: 56 downloads a run).

Here, while serving a request, an error that says the filestore is out of reach answers 503 with
Retry-After: nothing was read, and the same call works once it is back. Any other error (a file
that is not there) keeps Odoo's own answer, as do reads outside a request (cron jobs).
"""
from odoo.addons.base.models.ir_attachment import IrAttachment

from .database_unreachable import serving_a_request, unavailable
from .durable_attachment_writes import FILESTORE_OUT_OF_REACH


def patched_file_read(stock):
    def _file_read(self, fname):
        if not serving_a_request():
            return stock(self, fname)
        try:
            with open(self._full_path(fname), "rb") as stream:
                return stream.read()
        except OSError as error:
            if error.errno in FILESTORE_OUT_OF_REACH:
                raise unavailable(error, "the filestore") from error
            return stock(self, fname)

    return _file_read


def apply():
    IrAttachment._file_read = patched_file_read(IrAttachment._file_read)
