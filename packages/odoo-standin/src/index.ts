/**
 * What other packages may use from the stand-in. The server itself is the bundle dist/odoo.cjs
 * (run as `odoo -c /etc/odoo/odoo.conf ...`); these exports are protocol- and layout-level and
 * hold for a real Odoo 17 as well.
 */
export { OdooClient, OdooRpcError, OdooTransportError } from "./client/odoo-client.ts";
export type { OdooClientOptions, OdooErrorData, OdooSessionInfo, OdooVersion } from "./client/odoo-client.ts";
export { runMarkerCode, parseCronCode, SUPPORTED_FORM as CRON_CODE_FORM } from "./cron/code-form.ts";
export { filestoreDirectory, fullPathOf as attachmentPath, storeFnameFor, sha1Hex } from "./storage/filestore.ts";
export { sessionPath, sessionsDirectory } from "./storage/sessions.ts";
export { loadLaunchPlan } from "./config/load.ts";
export type { LaunchPlan } from "./config/load.ts";
export { ConfigError } from "./config/errors.ts";
export { OPTION_KEYS, IGNORED_KEYS, OPTION_ALIASES } from "./config/options.ts";
export type { OdooOptions, OptionKey } from "./config/options.ts";
