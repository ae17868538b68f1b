from . import durable_attachment_writes, sessions_survive_filestore_outages


def apply_patches():
    """Called once by Odoo when it loads the server-wide modules, before the HTTP workers fork."""
    durable_attachment_writes.apply()
    sessions_survive_filestore_outages.apply()
