import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseCommandLine, type CommandLine } from "./cli.ts";
import { ConfigError } from "./errors.ts";
import { parseIni } from "./ini.ts";
import {
  checkOptions,
  defaultOptions,
  IGNORED_KEYS,
  OPTION_ALIASES,
  OPTION_KEYS,
  parseOptionValue,
  type OdooOptions,
  type OptionKey,
} from "./options.ts";

/** Everything a start of the server needs to know, resolved once in the main process. */
export interface LaunchPlan {
  action: CommandLine["action"];
  options: OdooOptions;
  configPath: string | undefined;
  /** Modules asked for with -i/-u; the stand-in has only `base`. */
  init: string[];
  update: string[];
  stopAfterInit: boolean;
  /** Harmless oddities to log once the logger is up (ignored keys, deprecated aliases...). */
  warnings: string[];
}

export type ReadText = (path: string) => string;

/**
 * Precedence, lowest first: built-in defaults, the official image's HOST/PORT/USER/PASSWORD
 * environment (its entrypoint uses them only when odoo.conf does not set the db_* keys), the
 * config file, the command line.
 */
export function loadLaunchPlan(argv: readonly string[], env: NodeJS.ProcessEnv, readText: ReadText = readUtf8): LaunchPlan {
  const commandLine = parseCommandLine(argv);
  const warnings = [...commandLine.warnings];
  const options = defaultOptions();

  const fromEnv: [string, OptionKey][] = [
    ["HOST", "db_host"],
    ["PORT", "db_port"],
    ["USER", "db_user"],
    ["PASSWORD", "db_password"],
  ];
  for (const [variable, key] of fromEnv) {
    const value = env[variable];
    if (value !== undefined && value !== "") assign(options, key, parseOptionValue(key, value, `environment ${variable}`));
  }

  const configPath = commandLine.configPath ?? defaultConfigPath(env);
  if (configPath !== undefined) {
    let text: string | undefined;
    try {
      text = readText(configPath);
    } catch (error) {
      if (commandLine.configPath !== undefined) {
        throw new ConfigError(`cannot read config file ${configPath}: ${(error as Error).message}. Pass an existing odoo.conf with -c.`);
      }
      warnings.push(`config file ${configPath} (from ODOO_RC) cannot be read; using defaults`);
    }
    if (text !== undefined) applyConfigFile(options, text, configPath, warnings);
  }

  for (const [key, { raw, flag }] of commandLine.values) {
    assign(options, key, parseOptionValue(key, raw, `command line ${flag}`));
  }
  checkOptions(options, configPath ?? "command line");

  return {
    action: commandLine.action,
    options,
    configPath,
    init: commandLine.init,
    update: commandLine.update,
    stopAfterInit: commandLine.stopAfterInit,
    warnings,
  };
}

function applyConfigFile(options: OdooOptions, text: string, path: string, warnings: string[]): void {
  const sections = parseIni(text, path);
  for (const name of sections.keys()) {
    if (name !== "options") warnings.push(`${path}: section [${name}] is not read by Odoo's server and is ignored`);
  }
  const entries = sections.get("options");
  if (!entries) {
    warnings.push(`${path} has no [options] section; using defaults`);
    return;
  }
  const seen = new Map<OptionKey, string>();
  for (const [rawKey, entry] of entries) {
    const where = `${path}:${entry.line}`;
    if ((IGNORED_KEYS as readonly string[]).includes(rawKey)) {
      warnings.push(`${where}: ${rawKey} has no effect in the stand-in and is ignored`);
      continue;
    }
    const alias = OPTION_ALIASES[rawKey];
    const key = alias ?? OPTION_KEYS.find((known) => known === rawKey);
    if (key === undefined) {
      throw new ConfigError(
        `${where}: unknown option '${rawKey}' (= '${entry.value}'). The stand-in accepts: ${OPTION_KEYS.join(", ")}; ` +
          `aliases ${Object.keys(OPTION_ALIASES).join(", ")}; and ignores ${IGNORED_KEYS.join(", ")}. Fix the spelling or remove the line.`,
      );
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ConfigError(`${where}: '${rawKey}' sets ${key} again (already set by '${earlier}'); keep only ${key}.`);
    }
    seen.set(key, rawKey);
    if (alias) warnings.push(`${where}: ${rawKey} is a deprecated alias of ${alias}, please use the latter`);
    assign(options, key, parseOptionValue(key, entry.value, where));
  }
}

function assign<K extends OptionKey>(options: OdooOptions, key: K, value: OdooOptions[K]): void {
  options[key] = value;
}

/** Like Odoo: $ODOO_RC, else ~/.odoorc when it exists. */
function defaultConfigPath(env: NodeJS.ProcessEnv): string | undefined {
  if (env.ODOO_RC) return env.ODOO_RC;
  const home = join(homedir(), ".odoorc");
  return existsSync(home) ? home : undefined;
}

function readUtf8(path: string): string {
  return readFileSync(path, "utf8");
}
