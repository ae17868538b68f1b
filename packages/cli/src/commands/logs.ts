import { parseArgs } from "node:util";
import { planServices } from "@odoo-ha-lab/roles";
import { findNode, nodesWithRole, type Topology } from "@odoo-ha-lab/topology";
import type { Host } from "@odoo-ha-lab/machine";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";
import { resolveTarget } from "../targets/index.ts";

const USAGE = "usage: lab logs <node> [service] [-n lines] | lab logs --odoo-db [-n lines]";

/**
 * `lab logs <node> [service]`: the last lines of one service, or of every service on the node.
 * `lab logs --odoo-db`: the last lines Odoo wrote to its log database (`odoo.logDatabase`).
 */
export async function logsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...LAB_OPTIONS, lines: { type: "string", short: "n", default: "50" }, "odoo-db": { type: "boolean" } } });
  const lines = parseLines(values.lines);
  const topology = resolveTopology(values);
  const hosts = () => resolveTarget(values, topology).hosts();
  if (values["odoo-db"]) {
    if (positionals.length > 0) throw new Error(USAGE);
    process.stdout.write(await odooLogDatabaseTail(topology, await hosts(), lines));
    return 0;
  }
  const [nodeName, serviceName] = positionals;
  if (!nodeName) throw new Error(USAGE);
  const node = findNode(topology, nodeName);
  const services = planServices(node);
  if (serviceName && !services.includes(serviceName)) throw new Error(`${nodeName} runs no service '${serviceName}'. It runs: ${services.join(", ")}`);
  const host = (await hosts()).get(nodeName)!;
  for (const service of serviceName ? [serviceName] : services) {
    if (!serviceName) console.log(`==> ${nodeName}/${service} <==`);
    process.stdout.write(await host.services.logs(service, lines));
  }
  return 0;
}

/** `-n`: how many lines, a whole number from 1. */
export function parseLines(value: string): number {
  const lines = Number(value);
  if (value.trim() === "" || !Number.isInteger(lines) || lines < 1) throw new Error(`-n ${value}: give a whole number of lines, 1 or more`);
  return lines;
}

/**
 * The last lines of Odoo's log database, oldest first: when (UTC), app node, level, logger, database, message.
 * Read on a database node over its local socket, the leader or a streaming replica alike.
 */
async function odooLogDatabaseTail(topology: Topology, hosts: ReadonlyMap<string, Host>, lines: number): Promise<string> {
  const logDatabase = topology.odoo.logDatabase;
  if (!logDatabase) throw new Error(`lab ${topology.name} keeps Odoo's log in files only: set odoo.logDatabase in its topology to also keep it in a database (docs/topology.md)`);
  const sql = `SELECT to_char(create_date, 'YYYY-MM-DD HH24:MI:SS.MS'), coalesce(host, '-'), level, name, coalesce(dbname, '-'), message FROM (SELECT * FROM ir_logging ORDER BY create_date DESC, id DESC LIMIT ${lines}) AS last ORDER BY create_date, id`;
  const failures: string[] = [];
  for (const node of nodesWithRole(topology, "postgresql")) {
    const host = hosts.get(node.name);
    if (!host) continue;
    const result = await host.exec(["psql", "-X", "-d", logDatabase.name, "-tA", "-F", "  ", "-c", sql], { user: "postgres" }).catch((error: Error) => ({ exitCode: 1, stdout: "", stderr: error.message }));
    if (result.exitCode === 0) return result.stdout || `Odoo's log database '${logDatabase.name}' has no line yet (Odoo writes its lines of level ${logDatabase.level} and above there).\n`;
    failures.push(`${node.name}: ${result.stderr.trim()}`);
  }
  throw new Error(`no database node answered for Odoo's log database '${logDatabase.name}':\n${failures.join("\n") || "none is running"}`);
}
