import logging

from odoo import release
from odoo.tools import config

from . import database_unreachable, durable_attachment_writes, exit_without_teardown, health_without_database, log_database_outlives_outages, sessions_in_postgresql, sessions_survive_filestore_outages, signaling_survives_failover, statics_before_fork, unreadable_attachments


def apply_patches():
    """Called once by Odoo when it loads the server-wide modules, before the HTTP workers fork."""
    if release.version_info[0] != 17:
        # The patches wrap Odoo 17's odoo/http.py; 16 and 18 differ where it matters (docs/real-odoo.md).
        logging.getLogger(__name__).warning("lab_ha is written against Odoo 17, this is %s: read docs/real-odoo.md (Odoo 16 and 18) before relying on it", release.series)
    durable_attachment_writes.apply()
    unreadable_attachments.apply()
    database_unreachable.apply()
    signaling_survives_failover.apply()
    # Where web sessions live: `lab_ha_session_store` in odoo.conf, `database` unless it says `filestore`
    # (stock Odoo's files in the data directory, kept to measure the difference).
    if config.get("lab_ha_session_store", "database") != "filestore":
        sessions_in_postgresql.apply()
    sessions_survive_filestore_outages.apply()
    statics_before_fork.apply()
    # Only used with `log_db` (odoo.logDatabase in the topology).
    log_database_outlives_outages.apply()
    exit_without_teardown.apply()
    # Last: the outermost wrapper of the WSGI application, answered before any of the others' work.
    health_without_database.apply()
