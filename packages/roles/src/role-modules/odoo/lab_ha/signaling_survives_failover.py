"""Odoo's signaling sequences read the same on a promoted replica as on the primary it replaces.

Odoo's processes tell each other that the registry or a cache changed through sequences
(`base_registry_signaling`, `base_cache_signaling_*`, odoo/modules/registry.py): a process that
changes something calls `nextval`, and every process compares the sequences' `last_value` with what
it saw last at the start of each request (`check_signaling`); a different value makes it reload its
registry (1.5–1.8 s of CPU per worker here) or empty its caches.

PostgreSQL writes a sequence to the WAL 32 values ahead of the one `nextval` hands out (SEQ_LOG_VALS),
so a replica reads the sequence up to 32 ahead of its primary: in the lab, `base_registry_signaling`
read 1 on the primary and 33 on the replica. Once the replica is promoted, every Odoo worker sees a
new value and reloads its registry, although nothing changed; and the old primary, back as a
replica, still has 1 on its own page, so the switchover back flips it again. Every failover cost Odoo
4–8 s of reloads on two cores after the database itself was back (docs/benchmarks.md).

`setval` writes the exact value to the WAL. So after Odoo's `nextval` on a signaling sequence, the
patch sets the sequence to the value that `nextval` returned, and when a registry is set up on a
primary, a signaling sequence whose WAL is ahead of its value (`log_cnt` > 0) is set to its own value.
A replica then replays exactly what the primary hands out. Both happen under one advisory lock, so
that no process sets a sequence back below a value another one has just handed out. Signaling is
rare (a module installed, a view or a group changed): the lock costs nothing measurable.
"""
import logging
from contextlib import closing

from odoo.modules import registry as registry_module

_logger = logging.getLogger(__name__)

# An advisory lock of the lab's own: every lab_ha process takes it around its signaling writes.
SIGNALING_LOCK = 0x1AB5_16A1

REGISTRY_SEQUENCE = "base_registry_signaling"


def cache_sequence(cache_name):
    return f"base_cache_signaling_{cache_name}"


def signaling_sequences():
    return (REGISTRY_SEQUENCE, *(cache_sequence(name) for name in registry_module._CACHES_BY_KEY))


def sequences_to_be_signaled(registry):
    """The sequences stock `signal_changes` is about to bump: the registry's, or else each invalidated cache's."""
    if registry.in_test_mode():
        return []
    if registry.registry_invalidated:
        return [REGISTRY_SEQUENCE]
    return [cache_sequence(name) for name in sorted(registry.cache_invalidated or ())]


def values_seen(registry):
    """Each signaling sequence's value as this process last read or handed it out."""
    return {REGISTRY_SEQUENCE: registry.registry_sequence, **{cache_sequence(name): value for name, value in registry.cache_sequences.items()}}


def patched_signal_changes(stock):
    def signal_changes(self):
        sequences = sequences_to_be_signaled(self)
        if not sequences:
            return stock(self)
        with closing(self.cursor()) as cr:
            cr.execute("SELECT pg_advisory_xact_lock(%s)", [SIGNALING_LOCK])
            result = stock(self)
            handed_out = values_seen(self)
            for sequence in sequences:
                cr.execute("SELECT setval(%s, %s, true)", [sequence, handed_out[sequence]])
            cr.commit()
        return result

    return signal_changes


def patched_setup_signaling(stock):
    def setup_signaling(self):
        result = stock(self)
        if self.in_test_mode():
            return result
        with closing(self.cursor()) as cr:
            cr.execute("SELECT pg_is_in_recovery()")
            if cr.fetchone()[0]:
                return result
            cr.execute("SELECT pg_advisory_xact_lock(%s)", [SIGNALING_LOCK])
            for sequence in signaling_sequences():
                # Identifiers from Odoo's own fixed list, not from input.
                cr.execute(f'SELECT last_value, is_called, log_cnt FROM "{sequence}"')
                last_value, is_called, log_cnt = cr.fetchone()
                if log_cnt > 0:
                    cr.execute("SELECT setval(%s, %s, %s)", [sequence, last_value, is_called])
                    _logger.info("%s written to the WAL at its value %s, as a replica will read it", sequence, last_value)
            cr.commit()
        return result

    return setup_signaling


def apply():
    registry_module.Registry.signal_changes = patched_signal_changes(registry_module.Registry.signal_changes)
    registry_module.Registry.setup_signaling = patched_setup_signaling(registry_module.Registry.setup_signaling)
