# The lab's own server-wide addon: loaded by `server_wide_modules` (odoo.conf), never installed in a
# database. Each patch fixes a way stock Odoo 17 loses or logs out a user's work when an HA component
# fails; docs/real-odoo.md says what each was measured to do.
{
    "name": "odoo-ha-lab: no acknowledged upload without its file, web sessions in PostgreSQL, no logout while a store is out of reach",
    "version": "17.0.1.0.0",
    "category": "Hidden",
    "depends": ["base", "web"],
    "license": "LGPL-3",
    "installable": True,
    "post_load": "apply_patches",
}
