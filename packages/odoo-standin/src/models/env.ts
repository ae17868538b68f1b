import type { Cursor } from "../db/cursor.ts";
import type { Logger } from "../log.ts";
import type { Filestore } from "../storage/filestore.ts";
import type { Model } from "./model.ts";

/** What model code can reach besides the database: the process's shared services. */
export interface Services {
  dbname: string;
  filestore: Filestore;
  logger: Logger;
  hostname: string;
  models: ReadonlyMap<string, Model>;
  /** `NOTIFY cron_trigger, '<db>'` on the postgres database, as Odoo's ir.cron._notifydb. */
  notifyCronTrigger(): Promise<void>;
}

/** Odoo's `env`: a transaction, a user and a context. */
export interface Env {
  cr: Cursor;
  uid: number;
  context: Record<string, unknown>;
  services: Services;
}

export function modelOf(env: Env, name: string): Model {
  const model = env.services.models.get(name);
  if (!model) throw new Error(`model ${name} is not registered in the stand-in`);
  return model;
}
