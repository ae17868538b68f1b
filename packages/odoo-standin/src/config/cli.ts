import { ConfigError } from "./errors.ts";
import type { OptionKey } from "./options.ts";

/** What the command line asks for, before it is merged with odoo.conf. */
export interface CommandLine {
  action: "run" | "help" | "version";
  configPath: string | undefined;
  /** Option values as typed, keyed by the odoo.conf name; validated later with the file's values. */
  values: Map<OptionKey, { raw: string; flag: string }>;
  init: string[];
  update: string[];
  stopAfterInit: boolean;
  warnings: string[];
}

type Target = "config" | "init" | "update" | "stopAfterInit" | "help" | "version";

interface FlagSpec {
  names: string[];
  /** The option it sets, or a run-mode target. */
  option?: OptionKey;
  target?: Target;
  /** For switches: the value the option takes when the switch is present. */
  constant?: string;
  ignored?: boolean;
  takesValue: boolean;
  help: string;
}

const FLAGS: FlagSpec[] = [
  { names: ["-c", "--config"], target: "config", takesValue: true, help: "config file (INI, [options] section)" },
  { names: ["-d", "--database"], option: "db_name", takesValue: true, help: "database to serve" },
  { names: ["-i", "--init"], target: "init", takesValue: true, help: "modules to install (only 'base' exists here)" },
  { names: ["-u", "--update"], target: "update", takesValue: true, help: "modules to update (same as -i here)" },
  { names: ["--stop-after-init"], target: "stopAfterInit", takesValue: false, help: "exit once the database is initialised" },
  { names: ["--workers"], option: "workers", takesValue: true, help: "HTTP worker processes" },
  { names: ["--max-cron-threads"], option: "max_cron_threads", takesValue: true, help: "cron workers (0: none)" },
  { names: ["--no-http"], option: "http_enable", constant: "False", takesValue: false, help: "no HTTP: a cron-only node" },
  { names: ["-p", "--http-port"], option: "http_port", takesValue: true, help: "HTTP port (8069)" },
  { names: ["--http-interface"], option: "http_interface", takesValue: true, help: "HTTP listen address" },
  { names: ["--gevent-port"], option: "gevent_port", takesValue: true, help: "real-time port (8072)" },
  { names: ["--longpolling-port"], option: "gevent_port", takesValue: true, help: "deprecated alias of --gevent-port" },
  { names: ["--db_host"], option: "db_host", takesValue: true, help: "PostgreSQL host" },
  { names: ["--db_port"], option: "db_port", takesValue: true, help: "PostgreSQL port" },
  { names: ["-r", "--db_user"], option: "db_user", takesValue: true, help: "PostgreSQL role" },
  { names: ["-w", "--db_password"], option: "db_password", takesValue: true, help: "PostgreSQL password" },
  { names: ["--db_maxconn"], option: "db_maxconn", takesValue: true, help: "connections per process (64)" },
  { names: ["-D", "--data-dir"], option: "data_dir", takesValue: true, help: "filestore and sessions directory" },
  { names: ["--proxy-mode"], option: "proxy_mode", constant: "True", takesValue: false, help: "honour X-Forwarded-* headers" },
  { names: ["--no-database-list"], option: "list_db", constant: "False", takesValue: false, help: "close the database manager" },
  { names: ["--db-filter"], option: "dbfilter", takesValue: true, help: "regular expression of exposed databases" },
  ...["--addons-path", "--logfile", "--log-level", "--log-handler", "--limit-time-cpu", "--limit-time-real", "--limit-time-real-cron",
    "--limit-memory-soft", "--limit-memory-hard", "--limit-request", "--without-demo", "--load", "--db-template"].map(
    (name): FlagSpec => ({ names: [name], ignored: true, takesValue: true, help: "accepted for compatibility, ignored" }),
  ),
  { names: ["-h", "--help"], target: "help", takesValue: false, help: "show this help" },
  { names: ["--version"], target: "version", takesValue: false, help: "show the Odoo version the stand-in imitates" },
];

const BY_NAME = new Map(FLAGS.flatMap((flag) => flag.names.map((name) => [name, flag] as const)));

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const result: CommandLine = {
    action: "run",
    configPath: undefined,
    values: new Map(),
    init: [],
    update: [],
    stopAfterInit: false,
    warnings: [],
  };
  // `odoo server ...` is the same as `odoo ...`: `server` is Odoo's default sub-command.
  const args = argv[0] === "server" ? argv.slice(1) : [...argv];

  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (!arg.startsWith("-")) {
      throw new ConfigError(`unexpected argument '${arg}': options start with '-' (e.g. -c /etc/odoo/odoo.conf -d lab). Run odoo --help for the list.`);
    }
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = equals > 0 ? arg.slice(0, equals) : arg;
    const flag = BY_NAME.get(name);
    if (!flag) throw new ConfigError(`unknown command-line option '${name}'. Run odoo --help for the options the stand-in accepts.`);

    let value: string | undefined;
    if (flag.takesValue) {
      if (equals > 0) value = arg.slice(equals + 1);
      else {
        value = args[index + 1];
        if (value === undefined) throw new ConfigError(`option ${name} needs a value (e.g. ${name} ${exampleFor(flag)}).`);
        index++;
      }
    } else if (equals > 0) {
      throw new ConfigError(`option ${name} is a switch and takes no value; write just ${name}.`);
    }

    if (flag.ignored) {
      result.warnings.push(`option ${name} has no effect in the stand-in and is ignored`);
      continue;
    }
    if (name === "--longpolling-port") result.warnings.push("The longpolling-port is a deprecated alias to the gevent-port option, please use the latter.");
    if (flag.option) {
      result.values.set(flag.option, { raw: flag.constant ?? value!, flag: name });
      continue;
    }
    switch (flag.target) {
      case "config":
        result.configPath = value!;
        break;
      case "init":
        result.init.push(...splitModules(value!));
        break;
      case "update":
        result.update.push(...splitModules(value!));
        break;
      case "stopAfterInit":
        result.stopAfterInit = true;
        break;
      case "help":
        result.action = "help";
        break;
      case "version":
        result.action = "version";
        break;
      case undefined:
        break;
    }
  }
  return result;
}

export function helpText(): string {
  const lines = ["Usage: odoo [options]", "", "The odoo-ha-lab stand-in for an Odoo 17 server. Options:"];
  for (const flag of FLAGS) {
    const names = flag.names.join(", ") + (flag.takesValue ? " VALUE" : "");
    lines.push(`  ${names.padEnd(32)} ${flag.help}`);
  }
  return lines.join("\n") + "\n";
}

function splitModules(value: string): string[] {
  return value
    .split(",")
    .map((module) => module.trim())
    .filter((module) => module !== "");
}

function exampleFor(flag: FlagSpec): string {
  if (flag.target === "config") return "/etc/odoo/odoo.conf";
  if (flag.target === "init" || flag.target === "update") return "base";
  if (flag.option === "db_name") return "lab";
  if (flag.option === "data_dir") return "/var/lib/odoo";
  return "2";
}
