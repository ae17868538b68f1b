import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../src/config/cli.ts";
import { ConfigError } from "../src/config/errors.ts";
import { parseIni } from "../src/config/ini.ts";
import { loadLaunchPlan } from "../src/config/load.ts";

const LAB_CONF = `
[options]
; rendered by the lab
db_host = 10.0.0.5
db_port = 5433
db_user = odoo
db_password = secret
db_name = lab
db_maxconn = 16
data_dir = /var/lib/odoo
http_port = 8069
gevent_port = 8072
workers = 2
max_cron_threads = 1
proxy_mode = True
list_db = False
admin_passwd = strong
dbfilter = ^lab$
http_enable = True
`;

function plan(argv: string[], files: Record<string, string> = { "/etc/odoo/odoo.conf": LAB_CONF }, env: NodeJS.ProcessEnv = {}) {
  return loadLaunchPlan(argv, env, (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  });
}

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("odoo.conf", () => {
  it("reads every option of the lab's config with its type", () => {
    const { options } = plan(["-c", "/etc/odoo/odoo.conf"]);
    expect(options).toMatchObject({
      db_host: "10.0.0.5",
      db_port: 5433,
      db_user: "odoo",
      db_password: "secret",
      db_name: "lab",
      db_maxconn: 16,
      data_dir: "/var/lib/odoo",
      workers: 2,
      max_cron_threads: 1,
      proxy_mode: true,
      list_db: false,
      admin_passwd: "strong",
      dbfilter: "^lab$",
      http_enable: true,
    });
  });

  it("lets the command line override the file", () => {
    const { options, init, stopAfterInit } = plan(["-c", "/etc/odoo/odoo.conf", "-d", "other", "--workers=4", "--max-cron-threads", "0", "--no-http", "-i", "base", "--stop-after-init"]);
    expect(options.db_name).toBe("other");
    expect(options.workers).toBe(4);
    expect(options.max_cron_threads).toBe(0);
    expect(options.http_enable).toBe(false);
    expect(init).toEqual(["base"]);
    expect(stopAfterInit).toBe(true);
  });

  it("takes HOST/PORT/USER/PASSWORD as database defaults, below the file", () => {
    const env = { HOST: "db", PORT: "6543", USER: "envuser", PASSWORD: "envpass" };
    expect(plan([], {}, env).options).toMatchObject({ db_host: "db", db_port: 6543, db_user: "envuser", db_password: "envpass" });
    expect(plan(["-c", "/etc/odoo/odoo.conf"], undefined, env).options).toMatchObject({ db_host: "10.0.0.5", db_port: 5433, db_user: "odoo" });
  });

  it("uses Odoo's defaults", () => {
    expect(plan([], {}).options).toMatchObject({ http_port: 8069, gevent_port: 8072, workers: 0, max_cron_threads: 2, db_maxconn: 64, list_db: true, proxy_mode: false, http_enable: true });
  });

  it("treats False as unset for the database connection keys, like Odoo's default config", () => {
    const { options } = plan(["-c", "/c"], { "/c": "[options]\ndb_host = False\ndb_port = False\ndb_password = False\n" });
    expect(options.db_host).toBeUndefined();
    expect(options.db_port).toBeUndefined();
    expect(options.db_password).toBeUndefined();
  });

  it("accepts longpolling_port as a deprecated alias of gevent_port", () => {
    const result = plan(["-c", "/c"], { "/c": "[options]\nlongpolling_port = 9072\n" });
    expect(result.options.gevent_port).toBe(9072);
    expect(result.warnings.join("\n")).toMatch(/longpolling_port is a deprecated alias of gevent_port/);
  });

  it("ignores harmless real-Odoo keys with a warning", () => {
    const result = plan(["-c", "/c"], { "/c": "[options]\naddons_path = /mnt/extra-addons\nlimit_time_real = 120\nwithout_demo = all\n" });
    expect(result.warnings).toHaveLength(3);
    expect(result.warnings[0]).toMatch(/\/c:2: addons_path has no effect in the stand-in and is ignored/);
  });

  it("rejects an unknown key, naming it, its value and what is accepted", () => {
    const message = errorOf(() => plan(["-c", "/c"], { "/c": "[options]\nworkerz = 2\n" }));
    expect(message).toMatch(/\/c:2: unknown option 'workerz' \(= '2'\)/);
    expect(message).toMatch(/accepts: db_host, db_port/);
    expect(message).toMatch(/Fix the spelling or remove the line/);
  });

  it("rejects invalid values with what is allowed", () => {
    expect(errorOf(() => plan(["-c", "/c"], { "/c": "[options]\nworkers = two\n" }))).toBe(
      "/c:2: workers = 'two' is not valid: expected a whole number from 0 to 256 (e.g. workers = 2).",
    );
    expect(errorOf(() => plan(["-c", "/c"], { "/c": "[options]\nproxy_mode = maybe\n" }))).toMatch(/proxy_mode = 'maybe' is not valid: expected True or False/);
    expect(errorOf(() => plan(["-c", "/c"], { "/c": "[options]\nhttp_port = 70000\n" }))).toMatch(/http_port = '70000' is not valid: expected a whole number from 1 to 65535/);
    expect(errorOf(() => plan(["--workers", "-1"], {}))).toMatch(/command line --workers: workers = '-1' is not valid/);
  });

  it("rejects a database list: the stand-in serves one database", () => {
    expect(errorOf(() => plan(["-d", "lab,other"], {}))).toMatch(/lists several databases; the stand-in serves exactly one/);
  });

  it("rejects a real-time port equal to the HTTP port in multi-process mode", () => {
    expect(errorOf(() => plan(["--workers", "2", "-p", "8072"], {}))).toMatch(/http_port and gevent_port are both 8072/);
  });

  it("fails clearly when the config file given with -c cannot be read", () => {
    expect(errorOf(() => plan(["-c", "/missing.conf"], {}))).toMatch(/cannot read config file \/missing.conf: .*Pass an existing odoo.conf with -c/);
  });

  it("reads $ODOO_RC like the official image, and tolerates its absence with a warning", () => {
    expect(plan([], { "/etc/odoo/odoo.conf": LAB_CONF }, { ODOO_RC: "/etc/odoo/odoo.conf" }).options.db_name).toBe("lab");
    expect(plan([], {}, { ODOO_RC: "/nowhere.conf" }).warnings[0]).toMatch(/from ODOO_RC/);
  });
});

describe("INI syntax", () => {
  it("follows configparser: case-insensitive keys, ':' separators, comments, continuations", () => {
    const sections = parseIni("[options]\nDB_Host: db\n# comment\nadmin_passwd = a\n  b\n", "x.conf");
    expect(sections.get("options")?.get("db_host")?.value).toBe("db");
    expect(sections.get("options")?.get("admin_passwd")?.value).toBe("a\nb");
  });

  it("rejects duplicates, options outside a section and unreadable lines", () => {
    expect(errorOf(() => parseIni("[options]\nworkers = 1\nworkers = 2\n", "x.conf"))).toMatch(/x.conf:3: option 'workers' is set twice \(first on line 2\)/);
    expect(errorOf(() => parseIni("workers = 1\n", "x.conf"))).toMatch(/comes before any section; put it under an \[options\] header/);
    expect(errorOf(() => parseIni("[options]\njust words\n", "x.conf"))).toMatch(/cannot read 'just words'/);
  });
});

describe("command line", () => {
  it("accepts Odoo's spellings, `server` first, and both --flag=value and --flag value", () => {
    const result = parseCommandLine(["server", "-c", "/c", "--http-port=9000", "--db_host", "h", "-r", "u", "-w", "p", "-D", "/data", "--proxy-mode", "--no-database-list", "--longpolling-port", "9072"]);
    expect(result.configPath).toBe("/c");
    expect(Object.fromEntries([...result.values].map(([key, value]) => [key, value.raw]))).toEqual({
      http_port: "9000",
      db_host: "h",
      db_user: "u",
      db_password: "p",
      data_dir: "/data",
      proxy_mode: "True",
      list_db: "False",
      gevent_port: "9072",
    });
    expect(result.warnings[0]).toMatch(/deprecated alias to the gevent-port/);
  });

  it("rejects unknown flags and missing values", () => {
    expect(errorOf(() => parseCommandLine(["--wrokers", "2"]))).toBe("unknown command-line option '--wrokers'. Run odoo --help for the options the stand-in accepts.");
    expect(errorOf(() => parseCommandLine(["-d"]))).toBe("option -d needs a value (e.g. -d lab).");
    expect(errorOf(() => parseCommandLine(["--no-http=1"]))).toMatch(/is a switch and takes no value/);
    expect(errorOf(() => parseCommandLine(["lab"]))).toMatch(/unexpected argument 'lab'/);
  });

  it("ignores real-Odoo tuning flags with a warning", () => {
    const result = parseCommandLine(["--limit-time-real", "120", "--log-level=debug"]);
    expect(result.values.size).toBe(0);
    expect(result.warnings).toHaveLength(2);
  });
});
