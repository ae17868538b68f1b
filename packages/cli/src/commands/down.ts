import { parseArgs } from "node:util";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";
import { resolveTarget } from "../targets/index.ts";

/**
 * `lab down`. Docker: removes every container, network and volume labelled with the lab, and its
 * secrets. SSH: stops and disables the lab's services; `--purge` also removes their data, configs and units.
 */
export async function downCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...LAB_OPTIONS, purge: { type: "boolean" } } });
  const topology = resolveTopology(values);
  const target = resolveTarget(values, topology);
  const { report, incomplete } = await target.down({ purge: values.purge ?? false });
  if (values.json) console.log(JSON.stringify({ lab: topology.name, ...report.json }));
  else for (const line of report.lines) console.log(line);
  return incomplete ? 1 : 0;
}
