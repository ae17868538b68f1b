from odoo.tools import config

from . import database_unreachable, durable_attachment_writes, sessions_in_postgresql, sessions_survive_filestore_outages, unreadable_attachments


def apply_patches():
    """Called once by Odoo when it loads the server-wide modules, before the HTTP workers fork."""
    durable_attachment_writes.apply()
    unreadable_attachments.apply()
    database_unreachable.apply()
    # Where web sessions live: `lab_ha_session_store` in odoo.conf, `database` unless it says `filestore`
    # (stock Odoo's files in the data directory, kept to measure the difference).
    if config.get("lab_ha_session_store", "database") != "filestore":
        sessions_in_postgresql.apply()
    sessions_survive_filestore_outages.apply()
