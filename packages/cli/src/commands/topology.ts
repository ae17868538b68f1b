import { parseArgs } from "node:util";
import { toDot, toMermaid } from "@odoo-ha-lab/topology";
import { LAB_OPTIONS, resolveTopology } from "../options.ts";
import { renderTable } from "../table.ts";

/** `lab topology show|validate|graph`: the file, as the lab understands it. */
export async function topologyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...LAB_OPTIONS, format: { type: "string", default: "mermaid" } } });
  const action = positionals[0] ?? "show";
  const topology = resolveTopology(values);
  switch (action) {
    case "validate":
      console.log(values.json ? JSON.stringify({ valid: true, lab: topology.name }) : `${topology.name}: valid (${topology.nodes.length} nodes, VIP ${topology.vip.address})`);
      return 0;
    case "show":
      if (values.json) {
        console.log(JSON.stringify(topology, null, 2));
        return 0;
      }
      console.log(`lab ${topology.name}  network ${topology.networks.map((network) => network.subnet).join(", ")}  VIP ${topology.vip.address} (held by one of ${topology.vip.holders.join(", ")})`);
      console.log(renderTable(["node", "address", "roles"], topology.nodes.map((node) => [node.name, node.interfaces.map((own) => `${own.address} (${own.network})`).join(", "), node.roles.join(", ")])));
      console.log(
        `\npostgres: synchronous=${topology.postgres.synchronous} ttl=${topology.postgres.patroni.ttl}s  storage: ${topology.storage.layout} on ${topology.storage.servers.join(", ")}  odoo: ${topology.odoo.image}`,
      );
      return 0;
    case "graph":
      if (values.format !== "mermaid" && values.format !== "dot") throw new Error(`--format ${values.format} is not known: use mermaid or dot`);
      process.stdout.write(values.format === "dot" ? toDot(topology) : toMermaid(topology));
      return 0;
    default:
      throw new Error(`unknown action 'topology ${action}': use show, validate or graph`);
  }
}
