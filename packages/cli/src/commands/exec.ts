import { parseArgs } from "node:util";
import { findNode } from "@odoo-ha-lab/topology";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";
import { resolveTarget } from "../targets/index.ts";

/** `lab exec <node> -- <cmd...>`: runs a command on a node through the host interface. */
export async function execCommand(argv: string[]): Promise<number> {
  const separator = argv.indexOf("--");
  const own = separator >= 0 ? argv.slice(0, separator) : argv;
  const command = separator >= 0 ? argv.slice(separator + 1) : [];
  const { values, positionals } = parseArgs({ args: own, allowPositionals: true, options: { ...LAB_OPTIONS, user: { type: "string", short: "u" } } });
  const nodeName = positionals[0];
  if (!nodeName || command.length === 0) throw new Error("usage: lab exec <node> [--user U] -- <command...>");
  const topology = resolveTopology(values);
  findNode(topology, nodeName);
  const hosts = await resolveTarget(values, topology).hosts();
  const result = await hosts.get(nodeName)!.exec(command, values.user ? { user: values.user } : {});
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}
