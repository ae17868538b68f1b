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
  if (values.purge && target.kind !== "ssh") throw new Error("--purge is for --target ssh (docker's down always removes everything)");
  const started = Date.now();
  const result = await target.down({ purge: values.purge ?? false });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.kind === "docker") {
    const { removed } = result;
    if (values.json) console.log(JSON.stringify({ lab: topology.name, removed, seconds: Number(seconds) }));
    else console.log(`lab ${topology.name} removed in ${seconds} s: ${removed.containers.length} containers, ${removed.networks.length} networks, ${removed.volumes.length} volumes`);
    return 0;
  }
  if (values.json) console.log(JSON.stringify({ lab: topology.name, target: "ssh", nodes: result.nodes, unreachable: result.unreachable, seconds: Number(seconds) }));
  else {
    for (const node of result.nodes) {
      console.log(`${node.node}: stopped and disabled ${node.stopped.length} lab service(s)${node.purged ? "; removed the lab's data, configs and units" : ""}`);
    }
    for (const node of result.unreachable) console.log(`${node.node}: NOT REACHED (${node.reason}): its services still run`);
    console.log(`lab ${topology.name} down in ${seconds} s${values.purge ? "" : " (data and configs kept; --purge removes them)"}`);
  }
  return result.unreachable.length > 0 ? 1 : 0;
}
