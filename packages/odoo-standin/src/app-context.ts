import { hostname } from "node:os";
import pg from "pg";
import type { OdooOptions } from "./config/options.ts";
import { connectionConfig } from "./db/connection.ts";
import { Database } from "./db/database.ts";
import type { Cursor } from "./db/cursor.ts";
import type { Logger } from "./log.ts";
import type { Env, Services } from "./models/env.ts";
import { createModels } from "./models/registry.ts";
import { Filestore } from "./storage/filestore.ts";
import { SessionStore } from "./storage/sessions.ts";
import type { Tuning } from "./tuning.ts";

/** Everything one server process shares between requests: options, pools, stores, models. */
export interface AppContext {
  options: OdooOptions;
  tuning: Tuning;
  dbname: string;
  db: Database;
  logger: Logger;
  sessions: SessionStore;
  services: Services;
  /** Whether a connection to the 'postgres' database can be had (Odoo's db_server_status health check). */
  checkDatabaseServer(): Promise<boolean>;
  close(): Promise<void>;
}

export function createAppContext(options: OdooOptions, tuning: Tuning, dbname: string, logger: Logger): AppContext {
  const db = new Database(dbname, options, tuning, logger);
  // NOTIFY goes through the postgres database, as Odoo's _notifydb does; one small pool for it.
  let maintenance: pg.Pool | undefined;
  const maintenancePool = (): pg.Pool => {
    if (!maintenance) {
      maintenance = new pg.Pool({ ...connectionConfig(options, "postgres", tuning), max: 2, idleTimeoutMillis: 10_000 });
      maintenance.on("error", (error) => logger.info("odoo.sql_db", `idle connection to postgres lost: ${error.message}`));
    }
    return maintenance;
  };
  const services: Services = {
    dbname,
    filestore: new Filestore(options.data_dir, dbname, tuning.fileSystemTimeoutMs),
    logger,
    hostname: hostname(),
    models: createModels(),
    notifyCronTrigger: async () => {
      await maintenancePool().query(`NOTIFY cron_trigger, '${dbname.replace(/'/g, "''")}'`);
    },
  };
  return {
    options,
    tuning,
    dbname,
    db,
    logger,
    sessions: new SessionStore(options.data_dir, tuning.fileSystemTimeoutMs),
    services,
    checkDatabaseServer: async () => {
      try {
        (await maintenancePool().connect()).release();
        return true;
      } catch (error) {
        logger.warning("odoo.sql_db", `health check: cannot connect to the database server: ${(error as Error).message}`);
        return false;
      }
    },
    close: async () => {
      await db.end();
      await maintenance?.end();
    },
  };
}

export function envFor(app: AppContext, cr: Cursor, uid: number, context: Record<string, unknown> = {}): Env {
  return { cr, uid, context, services: app.services };
}
