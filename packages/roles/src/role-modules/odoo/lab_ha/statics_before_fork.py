"""The map of static folders computed once, in the main process, before the HTTP workers fork.

Stock Odoo 17's `Application.statics` (odoo/http.py) maps every module on the addons path to its
`static` folder by reading each module's manifest: 581 modules in the Community tree, 0.8 s here,
mostly `stat` calls. It is a lazy property of the WSGI application, and `Application.__call__` asks
for it first thing on every request, so each prefork worker computed it on its first request,
whatever the request: a restarted node's first /web/health checks and users' first calls waited
for it (measured: a cold worker's first `/web/session/authenticate` took 1.27 s, 0.98 s of it this
map). Computed here, every worker inherits it from the main process.

The map depends only on the addons path (fixed by odoo.conf before any module loads) and the
manifests on disk: the same as a worker would compute.
"""
from odoo import http


def apply():
    http.root.statics  # noqa: B018 (a lazy property: reading it computes and keeps it)
