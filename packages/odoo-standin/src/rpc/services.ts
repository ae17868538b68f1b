import { envFor, type AppContext } from "../app-context.ts";
import { pyRepr } from "../models/py-repr.ts";
import { authenticate, checkUidPassword, CredentialCache, userRowQuery } from "./auth.ts";
import { callKw } from "./call-kw.ts";
import { accessDenied, keyError, OdooError, typeError, userError } from "./errors.ts";

/** The external API behind POST /jsonrpc: services `common`, `object` and `db`, as in Odoo 17. */

export const SERVER_VERSION = {
  server_version: "17.0",
  server_version_info: [17, 0, 0, "final", 0, ""],
  server_serie: "17.0",
  protocol_version: 1,
};

export interface CallerInfo {
  /** Client address (after proxy_mode), for Odoo's "Login failed ... from <addr>" lines. */
  remoteAddress: string;
}

const credentialCache = new CredentialCache();

export async function dispatchRpc(app: AppContext, service: unknown, method: unknown, args: unknown, caller: CallerInfo): Promise<unknown> {
  const list = args === undefined || args === null ? [] : args;
  if (!Array.isArray(list)) throw typeError(`args must be a list, got ${pyRepr(args)}`);
  switch (service) {
    case "common":
      return common(app, method, list, caller);
    case "object":
      return object(app, method, list);
    case "db":
      return database(app, method, list);
    default:
      throw keyError(pyRepr(service));
  }
}

async function common(app: AppContext, method: unknown, args: unknown[], caller: CallerInfo): Promise<unknown> {
  switch (method) {
    case "version":
      return SERVER_VERSION;
    case "about":
      return "See http://openerp.com";
    case "login":
    case "authenticate": {
      const [db, login, password] = args;
      checkServedDatabase(app, db);
      try {
        return await app.db.transaction((cr) => authenticate(envFor(app, cr, 1), login, password, caller.remoteAddress));
      } catch (error) {
        // exp_authenticate turns a failed login into False rather than an error.
        if (error instanceof OdooError && error.pythonName === "odoo.exceptions.AccessDenied") return false;
        throw error;
      }
    }
    default:
      throw keyError(`'exp_${String(method)}'`);
  }
}

async function object(app: AppContext, method: unknown, args: unknown[]): Promise<unknown> {
  if (method !== "execute_kw" && method !== "execute") throw new OdooError("builtins.NameError", `Method not available ${String(method)}`);
  const [db, uid, password, model, modelMethod, ...rest] = args;
  checkServedDatabase(app, db);
  const [callArgs, callKwargs] = method === "execute_kw" ? [rest[0] ?? [], rest[1] ?? {}] : [rest, {}];
  if (typeof uid !== "number" || !Number.isSafeInteger(uid)) throw accessDenied();
  return app.db.transaction(
    async (cr) => {
      const env = envFor(app, cr, uid);
      await checkUidPassword(env, credentialCache, uid, password);
      return callKw(env, model, modelMethod, callArgs, callKwargs);
    },
    { prelude: userRowQuery(uid) },
  );
}

async function database(app: AppContext, method: unknown, args: unknown[]): Promise<unknown> {
  switch (method) {
    case "server_version":
      return SERVER_VERSION.server_version;
    case "list":
      if (!app.options.list_db) throw accessDenied();
      return [app.dbname];
    case "db_exist":
      return args[0] === app.dbname;
    case "create_database":
    case "duplicate_database":
    case "drop":
    case "dump":
    case "restore":
    case "rename":
    case "change_admin_password":
      if (!app.options.list_db || args[0] !== app.options.admin_passwd) throw accessDenied();
      throw userError(`The stand-in does not manage databases (db.${String(method)}); use -d <db> -i base to create one.`);
    default:
      throw keyError(`'exp_${String(method)}'`);
  }
}

/** The stand-in serves one database; a call naming another fails as a connection to it would. */
export function checkServedDatabase(app: AppContext, db: unknown): void {
  if (db === app.dbname) return;
  throw new OdooError(
    "psycopg2.OperationalError",
    `connection to database ${pyRepr(db)} refused: this server (odoo-ha-lab stand-in) serves only database '${app.dbname}'`,
  );
}
