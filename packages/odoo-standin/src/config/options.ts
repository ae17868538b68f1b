import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "./errors.ts";

/**
 * The server options, named exactly as in odoo.conf's [options] section so that a config rendered
 * for a real Odoo 17 reads the same here. `undefined` means "not set": the PostgreSQL client then
 * falls back to libpq's defaults (PGHOST..., local socket, OS user), as psycopg2 does.
 */
export interface OdooOptions {
  db_host: string | undefined;
  db_port: number | undefined;
  db_user: string | undefined;
  db_password: string | undefined;
  db_name: string | undefined;
  db_maxconn: number;
  data_dir: string;
  http_port: number;
  http_interface: string;
  gevent_port: number;
  workers: number;
  max_cron_threads: number;
  proxy_mode: boolean;
  list_db: boolean;
  admin_passwd: string;
  dbfilter: string;
  http_enable: boolean;
}

export type OptionKey = keyof OdooOptions;

type OptionKind =
  | { type: "text"; nullable: boolean }
  | { type: "int"; min: number; max: number; nullable: boolean }
  | { type: "bool" };

interface OptionSpec {
  kind: OptionKind;
  help: string;
}

const PORT: OptionKind = { type: "int", min: 1, max: 65535, nullable: false };

export const OPTION_SPECS: Record<OptionKey, OptionSpec> = {
  db_host: { kind: { type: "text", nullable: true }, help: "PostgreSQL host (False: local socket)" },
  db_port: { kind: { type: "int", min: 1, max: 65535, nullable: true }, help: "PostgreSQL port" },
  db_user: { kind: { type: "text", nullable: true }, help: "PostgreSQL role (needs CREATEDB; not postgres)" },
  db_password: { kind: { type: "text", nullable: true }, help: "PostgreSQL password" },
  db_name: { kind: { type: "text", nullable: true }, help: "the database this server serves" },
  db_maxconn: { kind: { type: "int", min: 1, max: 10000, nullable: false }, help: "PostgreSQL connections per process" },
  data_dir: { kind: { type: "text", nullable: false }, help: "filestore and sessions directory" },
  http_port: { kind: PORT, help: "HTTP port" },
  http_interface: { kind: { type: "text", nullable: true }, help: "HTTP listen address (empty: all)" },
  gevent_port: { kind: PORT, help: "real-time (/websocket) port" },
  workers: { kind: { type: "int", min: 0, max: 256, nullable: false }, help: "HTTP worker processes (0: serve in the main process)" },
  max_cron_threads: { kind: { type: "int", min: 0, max: 256, nullable: false }, help: "cron workers (0: no cron)" },
  proxy_mode: { kind: { type: "bool" }, help: "honour X-Forwarded-* headers" },
  list_db: { kind: { type: "bool" }, help: "open the database manager (/web/database/*)" },
  admin_passwd: { kind: { type: "text", nullable: false }, help: "database manager master password" },
  dbfilter: { kind: { type: "text", nullable: true }, help: "regular expression of the databases exposed on the web" },
  http_enable: { kind: { type: "bool" }, help: "serve HTTP (False: cron-only node)" },
};

export const OPTION_KEYS = Object.keys(OPTION_SPECS) as OptionKey[];

/** Old names real Odoo 17 still maps to the new ones (odoo.tools.config's outdated_options_map). */
export const OPTION_ALIASES: Record<string, OptionKey> = {
  longpolling_port: "gevent_port",
  xmlrpc_port: "http_port",
  xmlrpc_interface: "http_interface",
  xmlrpc: "http_enable",
};

/** Real Odoo keys that change nothing in the stand-in: accepted with a warning so real configs load. */
export const IGNORED_KEYS = [
  "addons_path",
  "logfile",
  "log_level",
  "log_handler",
  "limit_time_cpu",
  "limit_time_real",
  "limit_time_real_cron",
  "limit_memory_soft",
  "limit_memory_hard",
  "limit_request",
  "without_demo",
  "server_wide_modules",
  "db_template",
  "unaccent",
] as const;

export function defaultOptions(): OdooOptions {
  return {
    db_host: undefined,
    db_port: undefined,
    db_user: undefined,
    db_password: undefined,
    db_name: undefined,
    db_maxconn: 64,
    data_dir: join(homedir(), ".local", "share", "Odoo"),
    http_port: 8069,
    http_interface: "",
    gevent_port: 8072,
    workers: 0,
    max_cron_threads: 2,
    proxy_mode: false,
    list_db: true,
    admin_passwd: "admin",
    dbfilter: "",
    http_enable: true,
  };
}

const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);
/** Odoo turns `False`/`None` (and an empty value) into "unset" for options that may be unset. */
const UNSET_WORDS = new Set(["false", "none", ""]);

/**
 * Converts one textual value (from odoo.conf, the command line or the environment) into the
 * option's type. `where` says where it came from, for the error message.
 */
export function parseOptionValue<K extends OptionKey>(key: K, raw: string, where: string): OdooOptions[K] {
  const kind = OPTION_SPECS[key].kind;
  const text = raw.trim();
  const fail = (expected: string, example: string): never => {
    throw new ConfigError(`${where}: ${key} = '${raw}' is not valid: expected ${expected} (e.g. ${key} = ${example}).`);
  };
  switch (kind.type) {
    case "bool": {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return true as OdooOptions[K];
      if (FALSE_WORDS.has(word)) return false as OdooOptions[K];
      return fail("True or False", "True");
    }
    case "int": {
      if (kind.nullable && UNSET_WORDS.has(text.toLowerCase())) return undefined as OdooOptions[K];
      if (!/^-?\d+$/.test(text)) return fail(`a whole number from ${kind.min} to ${kind.max}`, String(kind.min === 0 ? 2 : kind.min));
      const value = Number(text);
      if (value < kind.min || value > kind.max) return fail(`a whole number from ${kind.min} to ${kind.max}`, String(kind.min === 0 ? 2 : kind.min));
      return value as OdooOptions[K];
    }
    case "text":
      if (kind.nullable && UNSET_WORDS.has(text.toLowerCase())) return (key === "http_interface" || key === "dbfilter" ? "" : undefined) as OdooOptions[K];
      if (text === "") return fail("a non-empty value", key === "data_dir" ? "/var/lib/odoo" : "...");
      return text as OdooOptions[K];
  }
}

/** Checks that hold between options; called once everything is merged. */
export function checkOptions(options: OdooOptions, source: string): void {
  if (options.db_name !== undefined) {
    if (options.db_name.includes(",")) {
      throw new ConfigError(
        `${source}: db_name = '${options.db_name}' lists several databases; the stand-in serves exactly one. Give one name (e.g. db_name = lab).`,
      );
    }
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(options.db_name)) {
      throw new ConfigError(
        `${source}: db_name = '${options.db_name}' is not a valid database name: use letters, digits, '_', '.' and '-', starting with a letter or digit (e.g. lab).`,
      );
    }
  }
  if (options.dbfilter) {
    try {
      new RegExp(options.dbfilter);
    } catch (error) {
      throw new ConfigError(`${source}: dbfilter = '${options.dbfilter}' is not a valid regular expression (${(error as Error).message}).`);
    }
  }
  if (options.workers > 0 && options.http_enable && options.http_port === options.gevent_port) {
    throw new ConfigError(
      `${source}: http_port and gevent_port are both ${options.http_port}; with workers > 0 the real-time process needs its own port (e.g. gevent_port = 8072).`,
    );
  }
}
