import { randomUUID } from "node:crypto";
import pg from "pg";
import type { OdooOptions } from "../config/options.ts";
import type { Logger } from "../log.ts";
import { hashPassword } from "../models/password.ts";
import type { Tuning } from "../tuning.ts";
import { connectionConfig } from "./connection.ts";
import type { Database } from "./database.ts";
import { NOW_UTC, SCHEMA_STATEMENTS } from "./schema.ts";

/** What `-i base` does: create the database if missing, then the schema and the base records. */

const INSTALL_LOCK = 7_301_017; // an advisory lock: two servers running -i base at once take turns

/**
 * Creates the database like Odoo's `-d <db> -i base` does when it is missing, connecting to the
 * `postgres` maintenance database (the role needs CREATEDB).
 */
export async function ensureDatabaseExists(options: OdooOptions, dbname: string, tuning: Tuning, logger: Logger): Promise<boolean> {
  const client = new pg.Client(connectionConfig(options, "postgres", tuning));
  client.on("error", () => {}); // reported through the failing query instead
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Cannot connect to PostgreSQL (database 'postgres', ${describeTarget(options)}): ${(error as Error).message}. ` +
        "Check db_host, db_port, db_user and db_password, and that the role may connect to the postgres database.",
    );
  }
  try {
    const existing = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [dbname]);
    if (existing.rowCount) return false;
    logger.info("odoo.service.db", `Create database \`${dbname}\`.`);
    try {
      await client.query(`CREATE DATABASE "${dbname.replace(/"/g, '""')}" ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE "template0"`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "42P04") return false; // another server created it meanwhile
      if (code === "42501") {
        throw new Error(`PostgreSQL role ${options.db_user ?? "(default)"} may not create database ${dbname}: grant it CREATEDB (ALTER ROLE ... CREATEDB) or create the database first.`);
      }
      throw error;
    }
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface ModelDescription {
  model: string;
  description: string;
}

/** Creates the tables and base records; running it again on an initialised database changes nothing. */
export async function installBase(db: Database, models: ModelDescription[], adminPassword: string, logger: Logger): Promise<void> {
  logger.info("odoo.modules.loading", "init db");
  await db.transaction(async (cr) => {
    await cr.query(`SELECT pg_advisory_xact_lock(${INSTALL_LOCK})`);
    for (const statement of SCHEMA_STATEMENTS) await cr.query(statement);

    // The records every Odoo database starts with: the company partner, OdooBot (user 1,
    // __system__, inactive) and the admin user (id 2). noupdate: existing ones are left alone.
    const partners: [number, string, boolean][] = [
      [1, "YourCompany", true],
      [2, "OdooBot", false],
      [3, "Administrator", false],
    ];
    for (const [id, name, isCompany] of partners) {
      await cr.query(
        `INSERT INTO res_partner (id, name, is_company, active, create_uid, write_uid, create_date, write_date)
         VALUES ($1, $2, $3, true, 1, 1, ${NOW_UTC}, ${NOW_UTC}) ON CONFLICT (id) DO NOTHING`,
        [id, name, isCompany],
      );
    }
    await cr.query(`SELECT setval('res_partner_id_seq', GREATEST((SELECT max(id) FROM res_partner), 3))`);

    const admin = await cr.query(`SELECT id FROM res_users WHERE id = 2`);
    await cr.query(
      `INSERT INTO res_users (id, login, password, partner_id, active, create_uid, write_uid, create_date, write_date)
       VALUES (1, '__system__', NULL, 2, false, 1, 1, ${NOW_UTC}, ${NOW_UTC}) ON CONFLICT (id) DO NOTHING`,
    );
    if (admin.length === 0) {
      await cr.query(
        `INSERT INTO res_users (id, login, password, partner_id, active, create_uid, write_uid, create_date, write_date)
         VALUES (2, 'admin', $1, 3, true, 1, 1, ${NOW_UTC}, ${NOW_UTC})`,
        [await hashPassword(adminPassword)],
      );
    }
    await cr.query(`SELECT setval('res_users_id_seq', GREATEST((SELECT max(id) FROM res_users), 2))`);

    for (const { model, description } of models) {
      await cr.query(
        `INSERT INTO ir_model (model, name, state, transient, create_uid, write_uid, create_date, write_date)
         VALUES ($1, $2, 'base', false, 1, 1, ${NOW_UTC}, ${NOW_UTC}) ON CONFLICT (model) DO NOTHING`,
        [model, description],
      );
    }

    const parameters: [string, string][] = [
      ["database.uuid", randomUUID()],
      ["database.secret", randomUUID()],
      ["database.create_date", new Date().toISOString().slice(0, 19).replace("T", " ")],
      ["web.base.url", "http://localhost:8069"],
    ];
    for (const [key, value] of parameters) {
      await cr.query(
        `INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
         VALUES ($1, $2, 1, 1, ${NOW_UTC}, ${NOW_UTC}) ON CONFLICT (key) DO NOTHING`,
        [key, value],
      );
    }
  });
  logger.info("odoo.modules.loading", "Modules loaded.");
}

export function describeTarget(options: OdooOptions): string {
  return `host ${options.db_host ?? "(PGHOST or local socket)"}, port ${options.db_port ?? 5432}, user ${options.db_user ?? "(PGUSER or OS user)"}`;
}
