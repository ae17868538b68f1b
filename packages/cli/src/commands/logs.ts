import { parseArgs } from "node:util";
import { planServices } from "@odoo-ha-lab/roles";
import { findNode } from "@odoo-ha-lab/topology";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";
import { resolveTarget } from "../targets/index.ts";

/** `lab logs <node> [service]`: the last lines of one service, or of every service on the node. */
export async function logsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...LAB_OPTIONS, lines: { type: "string", short: "n", default: "50" } } });
  const [nodeName, serviceName] = positionals;
  if (!nodeName) throw new Error("usage: lab logs <node> [service] [-n lines]");
  const topology = resolveTopology(values);
  const node = findNode(topology, nodeName);
  const services = planServices(node);
  if (serviceName && !services.includes(serviceName)) throw new Error(`${nodeName} runs no service '${serviceName}'. It runs: ${services.join(", ")}`);
  const host = (await resolveTarget(values, topology).hosts()).get(nodeName)!;
  for (const service of serviceName ? [serviceName] : services) {
    if (!serviceName) console.log(`==> ${nodeName}/${service} <==`);
    process.stdout.write(await host.services.logs(service, Number(values.lines)));
  }
  return 0;
}
